"""Matching jobs, kept in the database so that none is lost if a process dies mid-way.

A job is claimed with a lease; its results and its ``done`` mark are written in one
transaction, so a job whose worker dies is rolled back whole and claimed again when the lease
runs out: every record version is matched exactly once. On the embedded default the jobs run
in-process right after the commit that created them; in production ``tcx worker`` runs them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tcx.records.models import JobStatus, MatchJob, Record

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5


def inline() -> bool:
    return getattr(settings, "TCX_JOBS", "inline") == "inline"


def enqueue(*, record: Record) -> None:
    """Ask for the record's current version to be matched, after the surrounding commit."""
    MatchJob.objects.get_or_create(record=record, version=record.version)
    if inline():
        transaction.on_commit(run_pending)


def claim(*, now: dt.datetime | None = None) -> MatchJob | None:
    """Take the oldest job that is pending, or whose worker's lease ran out."""
    now = now or timezone.now()
    claimable = Q(status=JobStatus.PENDING) | Q(status=JobStatus.RUNNING, lease_until__lt=now)
    with transaction.atomic():
        qs = MatchJob.objects.filter(claimable, attempts__lt=MAX_ATTEMPTS).order_by("pk")
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(skip_locked=True)
        job = qs.first()
        if job is None:
            return None
        updated = MatchJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
            status=JobStatus.RUNNING, started_at=now, lease_until=now + LEASE, attempts=job.attempts + 1
        )
        if not updated:  # another worker took it first
            return None
        job.refresh_from_db()
        return job


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
    while limit is None or count < limit:
        job = claim()
        if job is None:
            break
        run_one(job, match_record)
        count += 1
    return count
