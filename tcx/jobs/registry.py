"""The task registry: each app registers the kinds of background work it has (in its
``tasks.py``, imported when Django starts), and the queue runs only registered kinds.

A task is a function ``run(ctx, **args)`` of JSON arguments. An *atomic* task's effects and its
done mark commit in one transaction, so a worker killed mid-task leaves nothing and the job is
run again whole: its effect happens exactly once. A task that is not atomic (an import: minutes
of work in many transactions) must be idempotent — run again from the start it recognises what
it wrote — and calls ``ctx.heartbeat()`` between steps to keep its lease.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.conf import settings


class LeaseLost(Exception):
    """The job's lease ran out and another worker took it: this run must stop and write nothing."""


@dataclasses.dataclass
class JobContext:
    """What a running task knows of its job."""

    job_id: int
    attempt: int  # 1 on the first run
    last_attempt: bool  # if this run fails, the job fails for good
    heartbeat: Callable[[], None]  # renew the lease; raises LeaseLost if another worker took it


@dataclasses.dataclass(frozen=True)
class TaskKind:
    name: str
    run: Callable[..., Any]
    atomic: bool = True
    lease: dt.timedelta = dt.timedelta(minutes=5)
    max_attempts: int = 5
    backoff: dt.timedelta = dt.timedelta(seconds=10)  # the first retry's wait; doubled each time
    backoff_max: dt.timedelta = dt.timedelta(hours=1)
    # On the embedded default (TCX_JOBS=inline), how a request runs the jobs it enqueued itself:
    # "commit" right after its commit (small work whose result the next page shows: a match),
    # "response" once the response has been sent (long work whose page follows it: an import).
    inline: Literal["commit", "response"] = "commit"
    # called once when a job of this kind has failed for good (its last attempt), with its args
    on_failed: Callable[[dict[str, Any], str], None] | None = None
    label: str = ""

    def lease_for(self) -> dt.timedelta:
        seconds = getattr(settings, "TCX_JOBS_LEASE_SECONDS", None)
        return dt.timedelta(seconds=float(seconds)) if seconds else self.lease

    def delay_after(self, attempts: int) -> dt.timedelta:
        """The wait before the next attempt, after ``attempts`` failed ones (exponential)."""
        return min(self.backoff * (1 << max(attempts - 1, 0)), self.backoff_max)


_KINDS: dict[str, TaskKind] = {}


def register(name: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``run`` as the task kind ``name`` (``app.what``); options as :class:`TaskKind`."""

    def decorate(run: Callable[..., Any]) -> Callable[..., Any]:
        kind = TaskKind(name=name, run=run, **options)
        known = _KINDS.get(name)
        if known is not None and known.run is not run:
            raise ValueError(f"task kind {name!r} is registered twice")
        _KINDS[name] = kind
        return run

    return decorate


def get(name: str) -> TaskKind | None:
    return _KINDS.get(name)


def kinds() -> list[TaskKind]:
    return sorted(_KINDS.values(), key=lambda k: k.name)
