"""One record write path (issue 13 item 10): a record made by a one-row import, by the form and
by the API is the same record — the same row, first version, match-index postings and document
frequencies, matching job and audit event — because all three go through
``tcx.records.services.create_records``. Only what names the one or the other (ids, global ids,
times) and what the request adds to the audit event (its address, the API token) differ."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tcx.audit.models import AuditEvent
from tcx.jobs.models import Job
from tcx.organisations import selectors as org_selectors
from tcx.policy.rules import Policy
from tcx.records import importing, services
from tcx.records.index import TOTAL, unpack
from tcx.records.models import MatchKey, MatchKeyCount, Record, RecordVersion
from tcx.records.services import MATCH_TASK
from tcx.testing import sign_in

NAME = "Nguyễn Văn Minh"
PROPERTIES = {"name": [NAME], "birthDate": ["1984-03-07"], "nationality": ["vn"], "phone": ["+66812345678"]}
AREA = "trafficking-in-persons"


def _state() -> dict[str, Any]:
    return {
        "records": set(Record.objects.values_list("pk", flat=True)),
        "events": AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0,
        "counts": dict(MatchKeyCount.objects.values_list("key", "records")),
    }


def _made(before: dict[str, Any]) -> dict[str, Any]:
    """Everything the write since ``before`` left, with what names the record taken out."""
    (pk,) = set(Record.objects.values_list("pk", flat=True)) - before["records"]
    record = Record.objects.get(pk=pk)
    row = {
        f.attname: getattr(record, f.attname)
        for f in Record._meta.concrete_fields
        if f.attname not in ("id", "gid", "created_at", "updated_at")
    }
    row["indexed_keys"] = unpack(row["indexed_keys"])
    assert record.created_at == record.updated_at
    versions = list(
        RecordVersion.objects.filter(record=record).values(
            "version", "change", "schema", "properties", "caption", "status", "changed_by_id"
        )
    )
    postings = sorted(MatchKey.objects.filter(record=record).values_list("key", flat=True))
    after = dict(MatchKeyCount.objects.values_list("key", "records"))
    frequencies = {
        k: n - before["counts"].get(k, 0) for k, n in after.items() if n != before["counts"].get(k, 0)
    }
    jobs = list(
        Job.objects.filter(kind=MATCH_TASK, key__startswith=f"{record.pk}:").values(
            "key", "args", "status", "attempts", "error"
        )
    )
    for job in jobs:
        job["key"] = job["key"].split(":", 1)[1]  # the version (the record id differs)
        job["args"] = {k: v for k, v in job["args"].items() if k != "record_id"}
    events = []
    for event in AuditEvent.objects.filter(seq__gt=before["events"]).order_by("seq"):
        data = dict(event.data)
        data.pop("api_token", None)  # the request's: which token an API client used
        if data.get("records") == [pk]:
            data["records"] = ["the record"]
        events.append(
            {
                "action": event.action,
                "actor_id": event.actor_id,
                "actor_label": event.actor_label,
                "organisation_id": event.organisation_id,
                "target_type": event.target_type,
                "target_id": "the record" if event.target_id == str(pk) else event.target_id,
                "target_owner_id": event.target_owner_id,
                "data": data,
            }
        )
    return {
        "row": row,
        "crime_areas": sorted(record.crime_areas.values_list("code", flat=True)),
        "audience_organisations": sorted(record.audience_organisations.values_list("pk", flat=True)),
        "audience_groups": sorted(record.audience_groups.values_list("pk", flat=True)),
        "versions": versions,
        "postings": postings,
        "frequencies": frequencies,
        "jobs": jobs,
        "events": events,
    }


def test_import_form_and_api_create_the_same_record(world, tmp_path: Path) -> None:
    officer = world.users["b_officer"]
    group = org_selectors.sharing_group_list().first()
    assert group is not None
    policy = Policy(
        tlp="AMBER",
        audience_organisations=[world.agency_c.pk],
        audience_groups=[group.pk],
        handling_codes=["H1"],
        legal_basis="MLAT 2004",
    )

    before = _state()
    source = tmp_path / "one.csv"
    source.write_text(
        "Name,DOB,Nationality,Phone\n" + f"{NAME},1984-03-07,vn,+66812345678\n", encoding="utf-8"
    )
    report = importing.import_file(
        actor=officer,
        path=source,
        policy=policy,
        mapping={"name": "Name", "birthDate": "DOB", "nationality": "Nationality", "phone": "Phone"},
        crime_areas=[AREA],
        subject_role="suspect",
    )
    assert (report.created, report.errors) == (1, [])
    imported = _made(before)

    before = _state()
    client = sign_in(Client(), officer)
    response = client.post(
        "/records/new/",
        {
            "schema": "Person",
            "subject_role": "suspect",
            "crime_areas": [AREA],
            "tlp": "AMBER",
            "audience_organisations": [str(world.agency_c.pk)],
            "audience_groups": [str(group.pk)],
            "handling_codes": ["H1"],
            "legal_basis": "MLAT 2004",
            "hit_disclosure": "country",
            **{f"p_{name}": "\n".join(values) for name, values in PROPERTIES.items()},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    by_form = _made(before)

    before = _state()
    response = client.post(
        "/api/v1/records",
        {
            "schema": "Person",
            "properties": PROPERTIES,
            "subject_role": "suspect",
            "crime_areas": [AREA],
            "policy": {
                "tlp": "AMBER",
                "audience_organisations": [world.agency_c.pk],
                "audience_groups": [group.pk],
                "handling_codes": ["H1"],
                "legal_basis": "MLAT 2004",
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    by_api = _made(before)

    # what the record is: the test is not comparing empty things
    assert imported["row"]["caption"] == NAME and imported["row"]["owner_id"] == world.agency_b.pk
    assert imported["row"]["tlp"] == "AMBER" and imported["crime_areas"] == [AREA]
    assert imported["audience_organisations"] == [world.agency_c.pk] and imported["audience_groups"] == [
        group.pk
    ]
    assert len(imported["postings"]) > 5 and imported["row"]["indexed_keys"] == imported["postings"]
    assert imported["frequencies"] == {**dict.fromkeys(imported["postings"], 1), TOTAL: 1}
    assert [v["change"] for v in imported["versions"]] == ["created"]
    assert [(j["key"], j["status"]) for j in imported["jobs"]] == [("1", "queued")]
    assert [e["action"] for e in imported["events"]] == ["record.created"]
    assert imported["events"][0]["target_id"] == "the record"

    for made in (by_form, by_api):
        for part in imported:
            assert made[part] == imported[part], part


def test_create_records_refuses_an_external_id_held_or_given_twice(world) -> None:
    officer = world.users["b_officer"]
    row = services.new_record(schema="Person", properties={"name": ["Somchai Jaidee"]}, external_id="TH-1")
    other = services.new_record(schema="Person", properties={"name": ["Minh Nguyen"]}, external_id="TH-2")
    with pytest.raises(services.RecordError) as twice:
        services.create_records(actor=officer, rows=[other, other], policy=Policy())
    assert "TH-2" in twice.value.errors["external_id"] and "twice" in twice.value.errors["external_id"]
    services.create_records(actor=officer, rows=[row], policy=Policy())
    with pytest.raises(services.RecordError) as held:
        services.create_records(actor=officer, rows=[other, row], policy=Policy())
    assert "TH-1" in held.value.errors["external_id"]
    written = Record.objects.exclude(external_id="").values_list("external_id", flat=True)
    assert sorted(written) == ["TH-1"]  # nothing else written


def test_no_model_overrides_save() -> None:
    """Writes are the services' (``tcx.kernel.updates.apply_changes`` for changes): no model
    hides logic in ``save()``."""
    root = Path(__file__).resolve().parents[2]
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "def save(self" in path.read_text(encoding="utf-8") and "/tests/" not in str(path)
    ]
    assert found == []
