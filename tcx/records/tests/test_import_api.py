"""Import and export through the API and the pages: uploads, limits, visibility of exports."""

from __future__ import annotations

import json
from pathlib import Path

from django.test import Client

from tcx.policy.rules import Policy
from tcx.records import services
from tcx.records.models import Record
from tcx.testing import sign_in

DATA = Path(__file__).parent / "data"


def test_upload_through_the_api(world) -> None:
    client = sign_in(Client(), world.users["b_officer"])
    with (DATA / "entities.jsonl").open("rb") as handle:
        response = client.post("/api/v1/records/import", {"file": handle, "share_with_groups": "mekong"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 3 and {e["line"] for e in body["errors"]} == {3, 4}
    assert Record.objects.filter(audience_groups__slug="mekong").count() == 3


def test_upload_refusals_name_the_problem(world, settings) -> None:
    client = sign_in(Client(), world.users["b_officer"])
    with (DATA / "entities.jsonl").open("rb") as handle:
        wrong_type = client.post("/api/v1/records/import", {"file": handle}, format="multipart")
    assert wrong_type.status_code == 200  # .jsonl is fine
    exe = DATA.parent / "test_import.py"
    with exe.open("rb") as handle:
        response = client.post("/api/v1/records/import", {"file": handle})
    assert response.status_code == 415 and ".py" in response.json()["detail"]
    settings.TCX_IMPORT_MAX_BYTES = 100
    with (DATA / "suspects.csv").open("rb") as handle:
        response = client.post("/api/v1/records/import", {"file": handle})
    assert response.status_code == 413 and "100 bytes" in response.json()["detail"]
    with (DATA / "latin1.csv").open("rb") as handle:
        settings.TCX_IMPORT_MAX_BYTES = 10_000
        response = client.post("/api/v1/records/import", {"file": handle, "mapping": "name=Full name"})
    assert response.status_code == 422 and "not UTF-8" in response.json()["detail"]
    assert Record.objects.filter(owner=world.agency_b).count() == 3


def test_export_gives_only_what_the_actor_may_see_with_policy(world) -> None:
    services.record_create(
        actor=world.users["b_officer"],
        schema="Person",
        properties={"name": ["Shared One"]},
        policy=Policy(tlp="GREEN", audience_organisations=[world.agency_a.pk], handling_codes=["H2"]),
    )
    services.record_create(
        actor=world.users["b_officer"], schema="Person", properties={"name": ["Kept Secret"]}, policy=Policy()
    )
    client = sign_in(Client(), world.users["a_officer"])
    response = client.get("/api/v1/records/export?format=jsonl")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [line["properties"]["name"] for line in lines] == [["Shared One"]]
    assert lines[0]["tcx"]["tlp"] == "GREEN" and lines[0]["tcx"]["handling_codes"] == ["H2"]
    assert lines[0]["tcx"]["owner"] == "Royal Thai Police"
    csv_text = b"".join(client.get("/records/export/?format=csv").streaming_content).decode()
    assert "Shared One" in csv_text and "Kept Secret" not in csv_text and "H2" in csv_text
    assert "tlp" in csv_text.splitlines()[0]


def test_edit_page_keeps_what_it_does_not_show(world) -> None:
    record = services.record_create(
        actor=world.users["b_officer"],
        schema="Person",
        properties={"name": ["Somchai Jaidee"], "notes": ["seen in Mae Sot"]},
        policy=Policy(),
    )
    client = sign_in(Client(), world.users["b_officer"])
    page = client.get(f"/records/{record.pk}/edit/")
    assert "Somchai Jaidee" in page.content.decode()
    response = client.post(
        f"/records/{record.pk}/edit/",
        {
            "schema": "Person",
            "p_name": "Somchai Jaidee\nสมชาย ใจดี",
            "p_birthDate": "1980",
            "tlp": "GREEN",
            "audience_organisations": [str(world.agency_a.pk)],
            "hit_disclosure": "country",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.properties == {
        "name": ["Somchai Jaidee", "สมชาย ใจดี"],
        "birthDate": ["1980"],
        "notes": ["seen in Mae Sot"],
    }
    assert record.version == 2 and record.tlp == "GREEN"
    assert list(record.audience_organisations.all()) == [world.agency_a]
    bad = client.post(
        f"/records/{record.pk}/edit/",
        {"schema": "Person", "p_name": "", "tlp": "AMBER", "hit_disclosure": "country"},
    )
    assert bad.status_code == 200 and "name or an identifier" in bad.content.decode()
    record.refresh_from_db()
    assert record.version == 2
