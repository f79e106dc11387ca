"""The job queue: registry, idempotent enqueue, a request's own jobs only, retries with back-off,
the failed state the operator sees and retries, and a run that lost its lease writing nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from tcx.audit.models import AuditEvent
from tcx.jobs import registry, runner, services
from tcx.jobs.models import Job, JobStatus
from tcx.policy.rules import Policy
from tcx.testing import sign_in

pytestmark = pytest.mark.django_db

EFFECT = "jobs_test.effect"
SHAKY = "jobs_test.shaky"


def _effect(ctx, *, n: int) -> None:
    """An effect the test can count: a row of the job table under a key of its own."""
    Job.objects.create(kind=EFFECT, key=f"effect-{n}", status=JobStatus.DONE)


def _shaky(ctx, *, fail_times: int) -> None:
    if ctx.attempt <= fail_times:
        raise RuntimeError(f"attempt {ctx.attempt} fails")
    _effect(ctx, n=1000 + ctx.job_id)


@pytest.fixture
def kinds(monkeypatch):
    failed: list[tuple[dict, str]] = []
    monkeypatch.setitem(registry._KINDS, EFFECT, registry.TaskKind(name=EFFECT, run=_effect))
    monkeypatch.setitem(
        registry._KINDS,
        SHAKY,
        registry.TaskKind(
            name=SHAKY,
            run=_shaky,
            max_attempts=3,
            backoff=dt.timedelta(seconds=10),
            on_failed=lambda args, error: failed.append((args, error)),
        ),
    )
    return failed


def test_a_kind_is_registered_once_and_only_registered_kinds_are_queued(kinds) -> None:
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(EFFECT)(lambda ctx: None)
    with pytest.raises(services.UnknownKind):
        services.enqueue("nobody.registered", "1")
    assert {k.name for k in registry.kinds()} >= {"records.match", "records.import"}


def test_enqueue_is_idempotent_by_key(kinds, settings) -> None:
    settings.TCX_JOBS = "worker"
    first = services.enqueue(EFFECT, "k1", {"n": 1})
    again = services.enqueue(EFFECT, "k1", {"n": 1})
    assert first.pk == again.pk and Job.objects.filter(kind=EFFECT, key="k1").count() == 1
    services.enqueue_many(EFFECT, [("k1", {"n": 1}), ("k2", {"n": 2})])
    assert sorted(Job.objects.filter(kind=EFFECT).values_list("key", flat=True)) == ["k1", "k2"]
    assert runner.run_pending() == 2
    assert runner.run_pending() == 0  # done jobs are not run again
    assert Job.objects.filter(kind=EFFECT, key__startswith="effect-").count() == 2


def test_a_request_runs_its_own_job_and_not_the_backlog(
    world, client, settings, django_capture_on_commit_callbacks
):
    """On the embedded default, the officer who saves one record waits for that record's match
    only, never for the jobs an import (or anybody else) left queued."""
    from tcx.records import services as records

    settings.TCX_JOBS = "worker"  # the backlog: jobs nobody has run yet
    for i in range(5):
        records.record_create(
            actor=world.users["b_officer"],
            schema="Person",
            properties={"name": [f"Backlog {i}"]},
            policy=Policy(),
        )
    assert Job.objects.filter(kind="records.match", status=JobStatus.QUEUED).count() == 5
    settings.TCX_JOBS = "inline"
    sign_in(client, world.users["a_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("records:create"),
            {"schema": "Person", "p_name": "Somchai Jaidee", "tlp": "AMBER", "hit_disclosure": "country"},
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    mine = Job.objects.filter(kind="records.match").order_by("-pk").first()
    assert mine is not None and mine.status == JobStatus.DONE
    assert Job.objects.filter(kind="records.match", status=JobStatus.QUEUED).count() == 5


def test_a_failing_job_is_retried_with_back_off_then_failed_then_retried_by_the_operator(
    kinds, settings
) -> None:
    settings.TCX_JOBS = "worker"
    job = services.enqueue(SHAKY, "s1", {"fail_times": 3})
    before = timezone.now()
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 1 and "attempt 1 fails" in job.error
    assert job.run_after >= before + dt.timedelta(seconds=10)  # the back-off: not due yet
    assert runner.run_pending() == 0
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.attempts == 2 and job.run_after >= timezone.now() + dt.timedelta(seconds=15)  # doubled
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 3 and "attempt 3 fails" in job.error
    assert kinds == [({"fail_times": 3}, job.error)]  # the kind heard of the failure once
    assert runner.run_pending() == 0  # a failed job waits for a person

    out = io.StringIO()
    call_command("jobs", "list", stdout=out)
    assert f"{job.pk}\t{SHAKY}\ts1\tfailed" in out.getvalue() and "failed: 1" in out.getvalue()
    Job.objects.filter(pk=job.pk).update(args={"fail_times": 0})  # the cause was fixed
    call_command("jobs", "retry", str(job.pk), stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 0
    assert AuditEvent.objects.filter(action="job.retried", target_id=str(job.pk)).count() == 1
    with pytest.raises(CommandError, match="not failed"):
        call_command("jobs", "retry", str(job.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such job"):
        call_command("jobs", "retry", "999999", stdout=io.StringIO())
    assert runner.run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_the_operator_sees_failed_jobs_and_retries_one_others_find_nothing(
    world, client, kinds, settings
) -> None:
    settings.TCX_JOBS = "worker"
    job = services.enqueue(SHAKY, "s2", {"fail_times": 99})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, attempts=3, error="RuntimeError: disk full")
    for role in ("a_officer", "a_supervisor", "a_admin"):
        if role not in world.users:
            continue
        sign_in(client, world.users[role])
        assert client.get(reverse("jobs:list")).status_code == 404
        assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
        client.logout()
    sign_in(client, world.users["operator"])
    page = client.get(reverse("jobs:list")).content.decode()
    assert "RuntimeError: disk full" in page and SHAKY in page and "Failed: 1" in page
    assert client.get(reverse("jobs:list") + "?status=nonsense").status_code == 200
    response = client.post(reverse("jobs:retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    event = AuditEvent.objects.get(action="job.retried")
    assert event.actor == world.users["operator"]
    assert client.post(reverse("jobs:retry", args=[999999])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_run_that_lost_its_lease_writes_nothing(kinds, settings) -> None:
    """A worker that stalled past its lease while another took the job: its effects roll back,
    the other worker's run is the one that counts (exactly once)."""
    settings.TCX_JOBS = "worker"
    services.enqueue(EFFECT, "slow", {"n": 7})
    stalled = runner.claim()
    assert stalled is not None
    Job.objects.filter(pk=stalled.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    taken = runner.claim()  # the lease ran out: another worker takes the job
    assert taken is not None and taken.pk == stalled.pk and taken.attempts == 2
    assert runner.run_job(stalled) == JobStatus.RUNNING  # it lost the job: nothing written
    assert not Job.objects.filter(kind=EFFECT, key="effect-7").exists()
    assert runner.run_job(taken) == JobStatus.DONE
    assert Job.objects.filter(kind=EFFECT, key="effect-7").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_workers_all_died_is_failed_not_run_forever(kinds, settings) -> None:
    settings.TCX_JOBS = "worker"
    job = services.enqueue(EFFECT, "doomed", {"n": 8})
    for _ in range(registry.get(EFFECT).max_attempts):  # type: ignore[union-attr]
        assert runner.claim() is not None  # ... and the process dies each time
        Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert runner.claim() is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "its worker stopped" in job.error


@pytest.mark.django_db(transaction=True)
def test_on_the_embedded_default_a_page_import_runs_after_its_response_in_no_thread(
    world, client, settings
) -> None:
    """The upload's request answers first (the redirect to the run's page), then runs its own
    import job — and only that one — once the response is closed, as a WSGI server closes it."""
    import threading
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tcx.records import services as records
    from tcx.records.models import ImportRun, ImportStatus

    settings.TCX_JOBS = "worker"
    records.record_create(
        actor=world.users["a_officer"], schema="Person", properties={"name": ["Backlog one"]}, policy=Policy()
    )
    settings.TCX_JOBS = "inline"
    threads = threading.active_count()
    sign_in(client, world.users["b_officer"])
    data = Path(__file__).resolve().parents[2] / "records" / "tests" / "data" / "suspects.csv"
    response = client.post(
        reverse("records:import"),
        {
            "file": SimpleUploadedFile("suspects.csv", data.read_bytes()),
            "mapping": "id=ref,name=Full name,birthDate=DOB,schema=Kind",
            "schema": "Person",
            "tlp": "AMBER",
        },
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE and run.created == 3  # the request's own job ran
    assert threading.active_count() == threads  # and no thread was started for it
    import_job = Job.objects.get(kind="records.import")
    assert import_job.status == JobStatus.DONE and import_job.key == str(run.pk)
    # the import's own matching jobs ran too; the backlog it found did not
    assert Job.objects.filter(kind="records.match", status=JobStatus.DONE).count() == 3
    assert Job.objects.filter(kind="records.match", status=JobStatus.QUEUED).count() == 1
