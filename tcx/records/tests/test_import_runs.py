"""Imports from the page: queued with their file, run by the worker, progress and report kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tcx.jobs import runner
from tcx.jobs.models import Job
from tcx.records import import_runs
from tcx.records.models import ImportRun, ImportStatus, Record
from tcx.testing import sign_in

DATA = Path(__file__).parent / "data"
MAPPING = "id=ref,name=Full name,birthDate=DOB,nationality=Nationality,phone=Phone,schema=Kind"


def _upload(client, name: str = "suspects.csv", content: bytes | None = None, mapping: str = MAPPING):
    content = (DATA / "suspects.csv").read_bytes() if content is None else content
    return client.post(
        reverse("records:import"),
        {"file": SimpleUploadedFile(name, content), "mapping": mapping, "schema": "Person", "tlp": "AMBER"},
    )


def test_upload_is_queued_then_imported_by_the_worker(world, client, settings) -> None:
    settings.TCX_JOBS = "worker"  # as in production: `tcx worker` runs the import
    sign_in(client, world.users["b_officer"])
    response = _upload(client)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("records:import_run", args=[run.pk])
    assert run.status == ImportStatus.QUEUED and run.rows_total == 5 and run.owner == world.agency_b
    from tcx.audit.models import AuditEvent

    assert (
        AuditEvent.objects.filter(action="record.import_queued", actor=world.users["b_officer"]).count() == 1
    )
    stored = import_runs.folder() / run.stored_as
    assert stored.exists()
    page = client.get(response.url)
    assert "Waiting to start" in page.content.decode() and 'hx-trigger="every 1s"' in page.content.decode()

    assert runner.run_pending(kinds=["records.import"]) == 1
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.percent == 100 and run.rows_read == 5
    assert (run.created, run.rejected) == (3, 2)
    assert [line for line, _ in run.errors] == [4, 5]
    assert not stored.exists()  # the uploaded file is not kept once imported
    assert Record.objects.filter(owner=world.agency_b).count() == 3
    text = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert "3 created, 0 updated, 0 unchanged, 2 rejected" in text
    assert "Spaceship" in text and "every 1s" not in text  # finished: the page stops polling


def test_bad_uploads_are_refused_on_the_form_and_nothing_is_kept(world, client, settings) -> None:
    settings.TCX_JOBS = "worker"
    sign_in(client, world.users["b_officer"])
    kept_before = set(import_runs.folder().iterdir())
    bad_mapping = _upload(client, mapping="name")
    assert bad_mapping.status_code == 200 and "property=column" in bad_mapping.content.decode()
    program = _upload(client, name="tool.exe", content=b"MZ\x90\x00")
    assert program.status_code == 200 and "cannot import a .exe file" in program.content.decode()
    latin1 = _upload(
        client, content="ref,Full name\nX-1,Jos\xe9\n".encode("latin-1"), mapping="id=ref,name=Full name"
    )
    assert latin1.status_code == 200 and "not UTF-8" in latin1.content.decode()
    assert not ImportRun.objects.exists()
    assert set(import_runs.folder().iterdir()) == kept_before


def test_a_run_whose_worker_died_is_run_again_without_duplicates(world, client, settings) -> None:
    settings.TCX_JOBS = "worker"
    sign_in(client, world.users["b_officer"])
    _upload(client)
    job = runner.claim(kinds=["records.import"])
    assert job is not None and runner.claim(kinds=["records.import"]) is None  # leased: nobody else
    # the worker wrote the records, then died before marking the run done (simulated: the
    # file is imported and the run and its job left running, the job's lease run out)
    run = ImportRun.objects.get(pk=job.args["run_id"])
    stored = import_runs.folder() / run.stored_as
    copy = stored.read_bytes()
    import_runs.run_one(run)
    stored.write_bytes(copy)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert runner.run_pending(kinds=["records.import"]) == 1
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and (run.created, run.unchanged) == (0, 3)
    assert Record.objects.filter(owner=world.agency_b).count() == 3


def test_the_import_page_lists_only_the_agencys_own_runs(world, client, settings) -> None:
    settings.TCX_JOBS = "worker"
    sign_in(client, world.users["b_officer"])
    _upload(client)
    client.logout()
    sign_in(client, world.users["a_officer"])
    assert "suspects.csv" not in client.get(reverse("records:import")).content.decode()
    run = ImportRun.objects.get()
    assert client.get(reverse("records:import_run", args=[run.pk])).status_code == 404


def test_the_policy_chosen_on_the_page_reaches_every_imported_record(world, client, settings) -> None:
    from tcx.organisations.models import SharingGroup

    settings.TCX_JOBS = "worker"
    group = SharingGroup.objects.order_by("pk").first()
    assert group is not None
    sign_in(client, world.users["b_officer"])
    client.post(
        reverse("records:import"),
        {
            "file": SimpleUploadedFile("suspects.csv", (DATA / "suspects.csv").read_bytes()),
            "mapping": MAPPING,
            "schema": "Person",
            "tlp": "GREEN",
            "audience_groups": [str(group.pk)],
        },
    )
    assert runner.run_pending(kinds=["records.import"]) == 1
    records = Record.objects.filter(owner=world.agency_b)
    assert records.count() == 3
    assert {r.tlp for r in records} == {"GREEN"}
    assert all(list(r.audience_groups.values_list("pk", flat=True)) == [group.pk] for r in records)
