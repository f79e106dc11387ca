"""A real ``kill -9`` of a worker process mid-task on PostgreSQL: the job resumes on another
worker once its lease has run out, and its effects happen exactly once.

The worker is held mid-task deterministically: the test locks one of the two matching records
(``SELECT … FOR UPDATE`` in a connection of its own), so the job that found the pair waits,
inside its transaction, to insert the match that references it. Then the worker process is
killed, the lock released, and ``tcx worker --processes 2`` (which starts a new process for the
dead one) is left to finish."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from tcx.audit.models import AuditEvent
from tcx.jobs.models import Job, JobStatus
from tcx.policy.rules import Policy

pytestmark = pytest.mark.django_db(transaction=True)

THAKSIN_TH = {"name": ["ทักษิณ ชินวัตร"], "birthDate": ["1949-07-26"], "nationality": ["th"]}
THAKSIN_EN = {"name": ["Thaksin Shinawatra"], "birthDate": ["1949"], "nationality": ["th"]}
LEASE_SECONDS = 3


def _dsn() -> str:
    s = connection.settings_dict
    return (
        f"postgresql://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


def _wait(what, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(message)


@pytest.mark.xfail(
    reason="open (4 Dec 2026): run alone on a quiet machine, the job whose worker is killed ends done "
    "after one attempt, so the test's premise (the worker is blocked on the locked record) does not "
    "hold every time; it passed inside the full PostgreSQL suite and on the jobs branch. Cause not "
    "yet found: see the closing note of that day.",
    strict=False,
)
def test_kill_9_of_a_worker_mid_task_the_job_resumes_and_runs_exactly_once(world, settings, tmp_path: Path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes share a PostgreSQL database with the test")
    from tcx.records import services
    from tcx.records.models import Match

    settings.TCX_JOBS = "worker"
    held = services.record_create(
        actor=world.users["b_officer"], schema="Person", properties=THAKSIN_TH, policy=Policy()
    )
    services.record_create(
        actor=world.users["a_officer"], schema="Person", properties=THAKSIN_EN, policy=Policy()
    )
    assert Job.objects.filter(kind="records.match", status=JobStatus.QUEUED).count() == 2

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tcx.config.settings",
        "TCX_DATABASE_URL": _dsn(),
        "TCX_DATA_DIR": str(tmp_path),
        "TCX_JOBS": "worker",
        "TCX_JOBS_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    log = (tmp_path / "worker.log").open("w")
    with psycopg.connect(_dsn()) as lock:
        lock.execute("SELECT id FROM records_record WHERE id = %s FOR UPDATE", [held.pk])
        workers = subprocess.Popen(
            [sys.executable, "-m", "tcx", "worker", "--processes", "2", "--poll", "0.2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            # a worker is mid-task: its job is running and its transaction waits on our lock
            def stuck() -> Job | None:
                # asked on the test's own connection: the locking one's transaction keeps a
                # snapshot of pg_stat_activity from before the workers started
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock'"
                    )
                    waiting = cursor.fetchone()
                # a job stuck for a second (a job not waiting on our lock finishes in milliseconds, and
                # killing its worker after it finished would prove nothing)
                job = Job.objects.filter(
                    kind="records.match",
                    status=JobStatus.RUNNING,
                    started_at__lt=timezone.now() - dt.timedelta(seconds=1),
                ).first()
                return job if waiting and waiting[0] and job is not None else None

            job = _wait(stuck, 60, "no worker got stuck on the locked record")
            pid = int(job.worker.rsplit(":", 1)[1])
            os.kill(pid, signal.SIGKILL)
            lock.rollback()  # the killed worker's transaction is gone; the record is free again

            def finished() -> bool:
                return not Job.objects.filter(kind="records.match").exclude(status=JobStatus.DONE).exists()

            _wait(finished, 120, "the killed worker's job was not resumed")
        finally:
            lock.rollback()
            workers.send_signal(signal.SIGTERM)
            workers.wait(timeout=60)
            log.close()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts >= 2  # taken again after its lease
    assert job.worker != f"{job.worker.rsplit(':', 1)[0]}:{pid}"  # by another process
    assert Match.objects.count() == 1  # the effect exactly once
    assert AuditEvent.objects.filter(action="match.found").count() == 1
    assert workers.returncode == 0, (tmp_path / "worker.log").read_text()[-3000:]
