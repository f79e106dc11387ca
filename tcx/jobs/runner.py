"""Claiming and running jobs: what ``tcx worker`` processes do, and what a request does with
its own jobs on the embedded default.

A job is claimed in a short transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, a
compare-and-set on SQLite): it becomes ``running`` with a lease, and ``attempts`` counts the
claim. Every later write of the run is conditioned on that ``attempts`` value, so a worker that
lost its lease (it stalled; another worker took the job) writes nothing: its transaction rolls
back. A worker killed mid-task leaves the job ``running``; once the lease has passed any worker
takes it again, and when a job has used up its attempts it is marked ``failed``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tcx.jobs import registry
from tcx.jobs.models import Job, JobStatus
from tcx.jobs.pacing import WritePacer

logger = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def _fail_for_good(job: Job, kind: registry.TaskKind | None, error: str) -> None:
    Job.objects.filter(pk=job.pk, attempts=job.attempts).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), lease_until=None, error=error[:4000]
    )
    if kind is not None and kind.on_failed is not None:
        try:
            kind.on_failed(job.args, error)
        except Exception:
            logger.exception("on_failed of job %s (%s) failed", job.pk, job.kind)


def _take(rows: QuerySet[Job], now: dt.datetime) -> Job | None:
    """Claim the first of ``rows`` (already filtered to claimable ones), or None."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True)
        job = rows.order_by("pk").first()
        if job is None:
            return None
        kind = registry.get(job.kind)
        if kind is None or job.attempts >= kind.max_attempts:
            # an unknown kind (its app was removed), or a job whose workers died on every try
            reason = (
                f"unknown task kind {job.kind!r}"
                if kind is None
                else f"its worker stopped (killed, or the lease ran out) on each of {job.attempts} attempts"
            )
            if job.status == JobStatus.RUNNING or kind is None:
                _fail_for_good(job, kind, job.error or reason)
                return None
        lease = kind.lease_for() if kind else dt.timedelta(minutes=5)
        taken = Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
            status=JobStatus.RUNNING,
            started_at=now,
            lease_until=now + lease,
            attempts=job.attempts + 1,
            worker=worker_name(),
        )
        if not taken:  # another worker took it first (SQLite)
            return None
    job.refresh_from_db()
    return job


def claim(*, ids: Iterable[int] | None = None, kinds: Iterable[str] | None = None) -> Job | None:
    """Take a job whose worker's lease ran out (first: it was promised to run), else the oldest
    queued job that is due. ``ids`` or ``kinds`` narrow the choice."""
    now = timezone.now()
    base = Job.objects.all()
    if ids is not None:
        base = base.filter(pk__in=list(ids))
    if kinds is not None:
        base = base.filter(kind__in=list(kinds))
    return _take(base.filter(status=JobStatus.RUNNING, lease_until__lt=now), now) or _take(
        base.filter(status=JobStatus.QUEUED, run_after__lte=now), now
    )


def _heartbeat(job: Job, kind: registry.TaskKind) -> None:
    kept = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
        lease_until=timezone.now() + kind.lease_for()
    )
    if not kept:
        raise registry.LeaseLost(f"job {job.pk} was taken by another worker")


def run_job(job: Job) -> str:
    """Run a claimed job; return its new status. Never raises for the task's own errors."""
    kind = registry.get(job.kind)
    if kind is None:
        _fail_for_good(job, None, f"unknown task kind {job.kind!r}")
        return JobStatus.FAILED
    ctx = registry.JobContext(
        job_id=job.pk,
        attempt=job.attempts,
        last_attempt=job.attempts >= kind.max_attempts,
        heartbeat=lambda: _heartbeat(job, kind),
    )
    mine = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)
    try:
        if kind.atomic:
            with transaction.atomic():
                kind.run(ctx, **job.args)
                if not mine.update(
                    status=JobStatus.DONE, finished_at=timezone.now(), lease_until=None, error=""
                ):
                    raise registry.LeaseLost(f"job {job.pk} was taken by another worker")
        else:
            kind.run(ctx, **job.args)
            if not mine.update(status=JobStatus.DONE, finished_at=timezone.now(), lease_until=None, error=""):
                raise registry.LeaseLost(f"job {job.pk} was taken by another worker")
    except registry.LeaseLost:
        logger.warning("job %s (%s) lost its lease; the worker that took it runs it", job.pk, job.kind)
        return JobStatus.RUNNING
    except Exception as exc:  # a task must never take the worker down: it is retried, then failed
        logger.exception("job %s (%s) failed on attempt %s", job.pk, job.kind, job.attempts)
        error = "".join(traceback.format_exception_only(exc)).strip()
        if job.attempts >= kind.max_attempts:
            _fail_for_good(job, kind, error)
            return JobStatus.FAILED
        mine.update(
            status=JobStatus.QUEUED,
            run_after=timezone.now() + kind.delay_after(job.attempts),
            lease_until=None,
            error=error[:4000],
        )
        return JobStatus.QUEUED
    return JobStatus.DONE


def run_pending(limit: int | None = None, *, kinds: Iterable[str] | None = None) -> int:
    """Run due jobs until none is left (or ``limit`` ran); return how many ran."""
    count = 0
    pacer = WritePacer()
    kinds = list(kinds) if kinds is not None else None
    while limit is None or count < limit:
        job = claim(kinds=kinds)
        if job is None:
            break
        run_job(job)
        count += 1
        pacer.tick()
    return count


def run_ids(ids: list[int]) -> int:
    """Run these jobs, and no other (a request's own jobs); return how many ran."""
    count = 0
    pacer = WritePacer()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        while (job := claim(ids=chunk)) is not None:
            run_job(job)
            count += 1
            pacer.tick()
    return count
