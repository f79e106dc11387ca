"""Fair turns at SQLite's single write lock for processes that write transaction after transaction."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

# SQLite has one write lock and no queue for it: a writer that waits polls for it, at most
# every 100 ms, and loses it to a process that commits and begins again at once. A process that
# writes transaction after transaction (an import, the matching jobs after one) leaves the lock
# free for longer than that poll after each ``TCX_WRITE_HOLD_SECONDS`` of writing, so that
# the pages' and the API's writes get their turn instead of "database is locked".
WRITE_GAP = 0.11


class WritePacer:
    """Call :meth:`tick` between write transactions: on SQLite it pauses ``WRITE_GAP`` once
    the transactions since the last pause have held the lock for ``TCX_WRITE_HOLD_SECONDS``."""

    def __init__(self) -> None:
        self.hold = float(getattr(settings, "TCX_WRITE_HOLD_SECONDS", 2.0))
        self.since = time.monotonic()

    def tick(self) -> None:
        if connection.vendor == "sqlite" and time.monotonic() - self.since >= self.hold:
            time.sleep(WRITE_GAP)
            self.since = time.monotonic()
