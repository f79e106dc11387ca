"""``tcx worker``: the process loop, and a supervisor of N such processes.

Workers share nothing but the database: start any number of ``tcx worker --processes N`` on any
number of machines against the same PostgreSQL; each claims jobs with ``SKIP LOCKED`` and a
lease, so no two run the same job and a job whose process died is taken again when its lease
runs out. SIGTERM (or Ctrl-C) lets the running job finish, then the process exits.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType

from django.db import DatabaseError, close_old_connections, connection

from tcx.jobs import runner


class Loop:
    def __init__(self, *, poll: float, once: bool, say: Callable[[str], None], warn: Callable[[str], None]):
        self.poll, self.once, self.say, self.warn = poll, once, say, warn
        self.stopping = False

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while not self.stopping:
            close_old_connections()  # a long-running worker: drop broken or expired connections
            try:
                ran = 0
                while not self.stopping and runner.run_pending(limit=1):
                    ran += 1
                if ran:
                    self.say(f"ran {ran} job(s)")
            except DatabaseError as exc:
                # the database restarted or the connection broke: what was running rolled back
                # and is claimed again when its lease runs out; wait, reconnect, carry on
                if self.once:
                    raise
                self.warn(f"database unavailable ({exc.__class__.__name__}: {exc}); retrying")
                connection.close()
                time.sleep(max(self.poll, 2.0))
                continue
            if self.once:
                return
            end = time.monotonic() + self.poll
            while not self.stopping and time.monotonic() < end:
                time.sleep(min(0.1, self.poll))


def supervise(processes: int, child_args: list[str], warn: Callable[[str], None]) -> int:
    """Run ``processes`` worker processes; restart one that dies (as systemd would restart a
    single worker); on SIGTERM or Ctrl-C, stop them all and wait for their running jobs, and
    exit 0 (a process stopped by the signal before it could handle it is a clean stop too)."""
    command = [sys.executable, "-m", "tcx", "worker", "--processes", "1", *child_args]
    once = "--once" in child_args
    children = [subprocess.Popen(command) for _ in range(processes)]  # noqa: S603 (our own command)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = 0
    while True:
        alive = False
        for i, child in enumerate(children):
            status = child.poll()
            if status is None:
                alive = True
            elif not stopping and not once:
                warn(f"worker process {child.pid} exited ({status}); starting another")
                children[i] = subprocess.Popen(command)  # noqa: S603
                alive = True
            elif once:
                code = code or status  # --once: a process that failed is the command's failure
        if not alive:
            return code
        time.sleep(0.5)
