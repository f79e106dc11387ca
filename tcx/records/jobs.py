"""Matching jobs, kept in the database so that none is lost if a process dies mid-way.

A job is claimed with a lease; its results and its ``done`` mark are written in one
transaction, so a job whose worker dies is rolled back whole and claimed again when the lease
runs out: every record version is matched exactly once. On the embedded default the jobs run
in-process right after the commit that created them; in production ``tcx worker`` runs them.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from tcx.records.models import JobStatus, MatchJob, Record

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)
T = TypeVar("T", bound=Model)
MAX_ATTEMPTS = 5


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


def inline() -> bool:
    return getattr(settings, "TCX_JOBS", "inline") == "inline"


def enqueue(*, record: Record, new: bool = False) -> None:
    """Ask for the record's current version to be matched, after the surrounding commit.
    ``new``: the record was created in this transaction, so it has no job yet (one INSERT
    instead of a look-up, a savepoint and the INSERT)."""
    if new:
        MatchJob.objects.create(record=record, version=record.version)
    else:
        MatchJob.objects.get_or_create(record=record, version=record.version)
    if inline():
        transaction.on_commit(run_pending)


def claim_leased(
    queryset: QuerySet[T],
    *,
    waiting: str,
    running: str,
    lease: dt.timedelta,
    max_attempts: int,
    now: dt.datetime | None = None,
    **reset: Any,
) -> T | None:
    """Take the oldest row of ``queryset`` that is ``waiting``, or ``running`` with its lease
    run out: mark it running with a new lease, in a compare-and-set on its status and attempts
    so that two workers never take the same row. ``reset`` fields are set as it is taken."""
    now = now or timezone.now()
    claimable = Q(status=waiting) | Q(status=running, lease_until__lt=now)
    with transaction.atomic():
        rows = queryset.filter(claimable, attempts__lt=max_attempts).order_by("pk")
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True)
        row = rows.first()
        if row is None:
            return None
        claimed: Any = row  # a MatchJob or an ImportRun: both have status, attempts and a lease
        taken = queryset.model._default_manager.filter(
            pk=claimed.pk, status=claimed.status, attempts=claimed.attempts
        ).update(
            status=running, started_at=now, lease_until=now + lease, attempts=claimed.attempts + 1, **reset
        )
        if not taken:  # another worker took it first
            return None
        row.refresh_from_db()
        return row


def claim(*, now: dt.datetime | None = None) -> MatchJob | None:
    """Take the oldest job that is pending, or whose worker's lease ran out."""
    return claim_leased(
        MatchJob.objects.all(),
        waiting=JobStatus.PENDING,
        running=JobStatus.RUNNING,
        lease=LEASE,
        max_attempts=MAX_ATTEMPTS,
        now=now,
    )


def run_one(job: MatchJob, process: Callable[[Record], None]) -> None:
    """Run a claimed job: its results and its done mark commit together, or not at all."""
    try:
        with transaction.atomic():
            record = Record.objects.get(pk=job.record_id)
            if record.version == job.version:  # a newer version has its own job
                process(record)
            MatchJob.objects.filter(pk=job.pk).update(
                status=JobStatus.DONE, finished_at=timezone.now(), error=""
            )
    except Exception as exc:  # a job must never take the worker down; it is retried
        logger.exception("matching job %s failed", job.pk)
        status = JobStatus.FAILED if job.attempts >= MAX_ATTEMPTS else JobStatus.PENDING
        MatchJob.objects.filter(pk=job.pk).update(status=status, error=f"{type(exc).__name__}: {exc}"[:2000])


def run_pending(limit: int | None = None) -> int:
    """Run jobs until none is left (or ``limit`` ran); return how many ran."""
    from tcx.records.services import match_record

    count = 0
    pacer = WritePacer()
    while limit is None or count < limit:
        job = claim()
        if job is None:
            break
        run_one(job, match_record)
        count += 1
        pacer.tick()
    return count
