"""The job queue's routes in the authorization matrix: the node's operator only."""

from __future__ import annotations

from tcx.jobs.models import Job, JobStatus
from tcx.testing import Case, World

MATRIX_KEY = "authz-matrix"


def _failed_job(world: World) -> None:
    Job.objects.create(kind="records.match", key=MATRIX_KEY, args={}, status=JobStatus.FAILED, error="boom")


def _job(world: World) -> dict[str, int]:
    return {"job_id": Job.objects.get(key=MATRIX_KEY).pk}


CASES = [
    Case("jobs:list", setup=_failed_job, default=404, expect={"operator": 200}),
    Case(
        "jobs:retry",
        method="POST",
        setup=_failed_job,
        kwargs=_job,
        body=lambda w: {},
        default=404,
        expect={"operator": 302},
        effect="jobs.Job",
    ),
]
