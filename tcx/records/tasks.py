"""The records app's background work, registered with the job queue (:mod:`tcx.jobs`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tcx.jobs import registry
from tcx.jobs.registry import JobContext
from tcx.records import import_runs
from tcx.records.models import Record
from tcx.records.services import MATCH_TASK, match_record


@registry.register(MATCH_TASK, atomic=True, lease=dt.timedelta(minutes=5), max_attempts=5, inline="commit")
def match(ctx: JobContext, *, record_id: int, version: int) -> None:
    """Match one version of one record. Atomic: the matches, their audit events and the done
    mark commit together, so each version is matched exactly once."""
    record = Record.objects.filter(pk=record_id).first()
    if record is not None and record.version == version:  # a newer version has its own job
        match_record(record)


def _import_failed(args: dict[str, Any], error: str) -> None:
    import_runs.mark_failed(int(args["run_id"]), error)


@registry.register(
    import_runs.IMPORT_TASK,
    atomic=False,  # minutes of work in many transactions: idempotent by owner + external id
    lease=import_runs.LEASE,
    max_attempts=import_runs.MAX_ATTEMPTS,
    backoff=dt.timedelta(seconds=30),
    inline="response",
    on_failed=_import_failed,
)
def import_file(ctx: JobContext, *, run_id: int) -> None:
    import_runs.run(ctx, run_id)
