"""Enqueueing jobs, and the operator's retry.

``TCX_JOBS=worker`` (production): jobs wait in the table for ``tcx worker`` processes.
``TCX_JOBS=inline`` (the embedded default, no worker needed): the code that enqueued a job runs
that job, and only that one — never the backlog others left — right after its commit (or, for a
kind registered with ``inline="response"``, once the request's response has been sent: see
:mod:`tcx.jobs.middleware`). What an inline run could not finish (a retry waiting for its
back-off, a job whose process died) waits for ``tcx worker`` or ``tcx worker --once``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tcx.jobs import registry, runner
from tcx.jobs.models import Job, JobStatus
from tcx.policy.actors import Actor

JOB_TABLE = Job._meta.db_table  # for a bulk writer's ANALYZE

# the ids of the jobs a request enqueued for after its response (set by the middleware)
after_response: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "tcx_jobs_after_response", default=None
)


class UnknownKind(ValueError):
    pass


def inline() -> bool:
    return getattr(settings, "TCX_JOBS", "inline") == "inline"


def _kind(name: str) -> registry.TaskKind:
    kind = registry.get(name)
    if kind is None:
        raise UnknownKind(f"no task kind {name!r} is registered")
    return kind


def _run_own(kind: registry.TaskKind, ids: list[int]) -> None:
    if not ids:
        return
    waiting = after_response.get()
    if kind.inline == "response" and waiting is not None:
        waiting.extend(ids)
        return
    runner.run_ids(ids)


def enqueue(kind_name: str, key: str, args: dict[str, Any] | None = None) -> Job:
    """Ask for ``kind_name`` to run with ``args`` once the surrounding transaction commits.
    Idempotent by ``key``: the job already queued (or done) under that key is returned."""
    kind = _kind(kind_name)
    try:
        with transaction.atomic():
            job, created = Job.objects.get_or_create(kind=kind.name, key=key, defaults={"args": args or {}})
    except IntegrityError:  # enqueued at the same moment by another transaction
        job, created = Job.objects.get(kind=kind.name, key=key), False
    if created and inline():
        transaction.on_commit(lambda: _run_own(kind, [job.pk]))
    return job


def enqueue_many(kind_name: str, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Enqueue many jobs of one kind at once (an import's rows); keys already queued are kept."""
    kind = _kind(kind_name)
    now = timezone.now()
    rows = [Job(kind=kind.name, key=key, args=args, created_at=now, run_after=now) for key, args in items]
    if not rows:
        return
    Job.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if inline():
        keys = [row.key for row in rows]

        def run_them() -> None:
            ids: list[int] = []
            for start in range(0, len(keys), 1000):
                ids += Job.objects.filter(
                    kind=kind.name, key__in=keys[start : start + 1000], status=JobStatus.QUEUED
                ).values_list("pk", flat=True)
            _run_own(kind, sorted(ids))

        transaction.on_commit(run_them)


def retry(job_id: int, *, actor: Actor | None = None, actor_label: str = "", request: Any = None) -> Job:
    """Queue a failed job again with fresh attempts (the operator's retry, audited). Raises
    Job.DoesNotExist for an unknown id, ValueError for a job that has not failed."""
    from tcx.audit import services as audit
    from tcx.audit.registry import AuditAction

    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.FAILED:
            raise ValueError(f"job {job_id} is {job.status}, not failed: only a failed job is retried")
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.QUEUED, attempts=0, run_after=timezone.now(), finished_at=None, lease_until=None
        )
        audit.record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.JOB_RETRIED,
            target_type="jobs.job",
            target_id=job.pk,
            data={"kind": job.kind, "key": job.key, "error": job.error[:500]},
            request=request,
        )
        kind = registry.get(job.kind)
        if inline() and kind is not None:
            transaction.on_commit(lambda: _run_own(kind, [job.pk]))
    job.refresh_from_db()
    return job
