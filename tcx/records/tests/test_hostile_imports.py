"""Hostile import files and hostile record content (issue 12, findings 1, 3, 4 and 9): each is
refused with a clear error naming the limit or the reason, the good rows are kept, nothing of a
refused file reaches the database, and every write path applies the same validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tcx.audit.models import AuditEvent
from tcx.jobs import runner
from tcx.policy.rules import Policy
from tcx.records import importing, services
from tcx.records.models import ImportRun, ImportStatus, Record
from tcx.records.services import RecordError
from tcx.records.tests.hostile import workbook
from tcx.testing import sign_in

MAPPING = {"id": "id", "name": "name"}


def _state() -> tuple[int, int]:
    return Record.objects.count(), AuditEvent.objects.count()


def _import(world, path: Path, workers: int = 1, **kwargs):
    return importing.import_file(
        actor=world.users["b_officer"], path=path, policy=Policy(), mapping=MAPPING, workers=workers, **kwargs
    )


def _good_rows(start: int, count: int) -> list[list[str]]:
    return [[f"P{i:05d}", f"Person Number{i} Tan"] for i in range(start, start + count)]


# --- finding 1: bombs refused before they are read --------------------------------------------


def test_a_workbook_that_expands_past_the_limit_is_refused_unread(world, tmp_path, settings) -> None:
    settings.TCX_IMPORT_MAX_EXPANDED_BYTES = 1 << 20
    bomb = workbook(tmp_path / "bomb.xlsx", [["id", "name"], *_good_rows(0, 3)], big_cell=3 << 20)
    assert bomb.stat().st_size < 20_000  # a few KB that expand to 3 MB
    before = _state()
    with pytest.raises(RecordError, match=r"expands to \d+ bytes; the limit is 1048576 bytes"):
        _import(world, bomb)
    assert _state() == before


def test_a_cell_past_the_limit_is_refused_while_the_workbook_is_scanned(world, tmp_path, settings) -> None:
    """Within the expanded size, the cell itself is too long: the streaming scan refuses it
    before openpyxl reads the workbook (which would hold the whole cell)."""
    settings.TCX_IMPORT_MAX_CELL_CHARS = 10_000
    bomb = workbook(tmp_path / "cell.xlsx", [["id", "name"], *_good_rows(0, 3)], big_cell=2 << 20)
    before = _state()
    with pytest.raises(RecordError, match="cell longer than 10000 characters"):
        _import(world, bomb)
    assert _state() == before


def test_a_workbook_with_more_rows_than_allowed_is_refused(world, tmp_path, settings) -> None:
    settings.TCX_IMPORT_MAX_ROWS = 5
    many = workbook(tmp_path / "many.xlsx", [["id", "name"], *_good_rows(0, 6)])
    far = workbook(tmp_path / "far.xlsx", [["id", "name"], *_good_rows(0, 2)], big_row=1_000_000)
    before = _state()
    for path in (many, far):  # far: one row numbered a million, which openpyxl pads with empty rows
        with pytest.raises(RecordError, match="more than 5 rows"):
            _import(world, path)
    assert _state() == before
    ok = workbook(tmp_path / "ok.xlsx", [["id", "name"], *_good_rows(0, 5)])
    assert _import(world, ok).created == 5


def test_a_workbook_with_a_document_type_is_refused(world, tmp_path) -> None:
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    bomb = workbook(tmp_path / "laughs.xlsx", [["id", "name"], *_good_rows(0, 2)], prologue=laughs)
    with pytest.raises(RecordError, match="document type"):
        _import(world, bomb)
    assert not Record.objects.exists()


def test_a_csv_or_json_lines_file_with_more_rows_than_allowed_is_refused_whole(
    world, tmp_path, settings
) -> None:
    settings.TCX_IMPORT_MAX_ROWS = 4
    csv_file = tmp_path / "many.csv"
    csv_file.write_text("id,name\n" + "".join(f"{i},{n}\n" for i, n in _good_rows(0, 5)), encoding="utf-8")
    jsonl = tmp_path / "many.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"id": i, "schema": "Person", "properties": {"name": [n]}}) + "\n"
            for i, n in _good_rows(0, 5)
        ),
        encoding="utf-8",
    )
    for path in (csv_file, jsonl):
        with pytest.raises(RecordError, match=r"at most 4 \(the limit\)"):
            _import(world, path)
    assert not Record.objects.exists()


# --- finding 4: bad rows reported by line, good rows kept, never a 500 --------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_a_huge_field_after_good_rows_is_reported_and_every_good_row_kept(
    world, tmp_path, settings, monkeypatch, workers
) -> None:
    """The attack: one 32 MiB field after 6,000 good rows stopped the import with a 500 and
    5,000 rows committed. Here with the limits and chunks scaled down."""
    settings.TCX_IMPORT_MAX_LINE_CHARS = 50_000
    monkeypatch.setattr(importing, "WRITE_CHUNK", 50)
    monkeypatch.setattr(importing, "CHUNK", 20)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,name\n")
        handle.writelines(f"{i},{n}\n" for i, n in _good_rows(0, 120))
        handle.write("BIG," + "x" * 400_000 + "\n")
        handle.writelines(f"{i},{n}\n" for i, n in _good_rows(120, 30))
    report = _import(world, path, workers=workers)
    assert report.created == 150
    assert report.errors == [(122, "the line is longer than 50000 characters (the limit); it was not read")]


def test_a_json_line_nested_5000_deep_is_reported_and_the_others_kept(world, tmp_path) -> None:
    path = tmp_path / "deep.jsonl"
    good = [
        json.dumps({"id": i, "schema": "Person", "properties": {"name": [n]}}) for i, n in _good_rows(0, 3)
    ]
    deep = '{"id": "D", "schema": "Person", "properties": {"name": ' + "[" * 5000 + "]" * 5000 + "}}"
    medium = '{"id": "M", "schema": "Person", "properties": {"name": ' + "[" * 40 + "]" * 40 + "}}"
    path.write_text("\n".join([good[0], deep, good[1], medium, good[2]]) + "\n", encoding="utf-8")
    report = _import(world, path)
    assert report.created == 3
    assert [line for line, _ in report.errors] == [2, 4]
    assert all("nested deeper than 16 levels" in reason for _, reason in report.errors)


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(world, tmp_path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("id,name\n1,Somchai Jaidee\n", encoding="utf-8")
    with pytest.raises(RecordError, match="not an XLSX workbook"):
        _import(world, path)
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("Somchai\x00Jaidee", "U+0000"),
        ("Somchai\x07Jaidee", "U+0007"),
        ("Somchai \u202egpj.exe", "U+202E"),
        ("Somchai \u2067Jaidee", "U+2067"),
        ("x" * 20_000, "20000 characters long; the limit is 500"),
    ],
)
def test_a_row_with_a_forbidden_character_or_a_huge_name_is_refused_by_line(
    world, tmp_path, value, reason
) -> None:
    """On PostgreSQL a NUL in any row gave a 500 and dropped the good rows; a right-to-left
    override or a 200 KB name was stored (and every later edit of the record failed)."""
    path = tmp_path / "people.csv"
    path.write_text(f"id,name\nP1,Somchai Jaidee\nP2,{value}\nP3,Nguyen Van Minh\n", encoding="utf-8")
    report = _import(world, path)
    assert report.created == 2 and [line for line, _ in report.errors] == [3]
    assert reason in report.errors[0][1] and "properties.name" in report.errors[0][1]
    assert "\x00" not in json.dumps(report.errors) and len(report.errors[0][1]) < 300


# --- finding 9: one validation for every write path ----------------------------------------------

BAD_PROPERTIES = [
    pytest.param({"name": ["Somchai Jaidee"], "birthDate": [1980]}, "properties.birthDate", id="number"),
    pytest.param({"name": ["Somchai Jaidee"], "phone": [{"$oid": "x"}]}, "properties.phone", id="object"),
    pytest.param({"name": "Somchai Jaidee"}, "properties.name", id="not-a-list"),
    pytest.param({"name": ["Somchai Jaidee"], "favouriteColour": ["red"]}, "favouriteColour", id="unknown"),
    pytest.param({"name": ["Somchai\x00Jaidee"]}, "properties.name", id="nul"),
    pytest.param({"name": ["\u202eeedia Jiahcmos"]}, "properties.name", id="rtl-override"),
    pytest.param({"name": ["n" * 200_000]}, "properties.name", id="200-kb-name"),
]


@pytest.mark.parametrize(("properties", "field"), BAD_PROPERTIES)
def test_what_the_api_refuses_an_import_refuses_too(world, tmp_path, properties, field) -> None:
    client = sign_in(Client(), world.users["b_officer"])
    response = client.post(
        "/api/v1/records",
        {"schema": "Person", "properties": properties},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert any(field in e["field"] for e in response.json()["errors"])
    path = tmp_path / "rows.jsonl"
    rows = [
        {"id": "ok", "schema": "Person", "properties": {"name": ["Lim Wei Ming"]}},
        {"id": "bad", "schema": "Person", "properties": properties},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = _import(world, path)
    assert report.created == 1 and [line for line, _ in report.errors] == [2]
    assert field in report.errors[0][1]
    assert list(Record.objects.values_list("external_id", flat=True)) == ["ok"]


@pytest.mark.parametrize("external_id", [{"$oid": "5f1d"}, ["a"], True, "x" * 201, "id\x00"])
def test_an_id_that_is_not_a_short_text_or_number_is_refused(world, tmp_path, external_id) -> None:
    path = tmp_path / "rows.jsonl"
    row = {"id": external_id, "schema": "Person", "properties": {"name": ["Lim Wei Ming"]}}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    report = _import(world, path)
    assert report.created == 0 and report.errors[0][1].startswith("id: ")


def test_a_patch_with_null_role_clears_it_and_other_nulls_are_refused(world) -> None:
    record = services.record_create(
        actor=world.users["b_officer"],
        schema="Person",
        properties={"name": ["Somchai Jaidee"]},
        policy=Policy(),
        subject_role="suspect",
    )
    client = sign_in(Client(), world.users["b_officer"])
    url = f"/api/v1/records/{record.pk}"
    response = client.patch(url, {"subject_role": None}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["subject_role"] == ""
    for field in ("crime_areas", "hit_disclosure", "source_reference", "operation_target"):
        response = client.patch(url, {field: None}, content_type="application/json")
        assert response.status_code == 422, (field, response.content)
    # a NUL in a value that is only looked up (PostgreSQL refuses it in any query)
    for field, value in (("crime_areas", ["cyber\x00crime"]), ("source_reference", "case\x00 1")):
        response = client.patch(url, {field: value}, content_type="application/json")
        assert response.status_code == 422, (field, response.content)
    record.refresh_from_db()
    assert record.version == 2


def test_the_edit_page_of_a_record_stored_before_validation_shows_and_refuses_cleanly(world) -> None:
    """Records an import stored before every path validated (wrong types, unknown properties)
    open on the edit page, and saving names what is wrong instead of answering 500."""
    record = services.record_create(
        actor=world.users["b_officer"],
        schema="Person",
        properties={"name": ["Somchai Jaidee"]},
        policy=Policy(),
    )
    Record.objects.filter(pk=record.pk).update(
        properties={"name": ["Somchai Jaidee"], "phone": [812345678], "birthDate": "1980", "colour": ["red"]}
    )
    client = sign_in(Client(), world.users["b_officer"])
    page = client.get(f"/records/{record.pk}/edit/")
    assert page.status_code == 200 and "812345678" in page.content.decode()
    saved = client.post(
        f"/records/{record.pk}/edit/",
        {"schema": "Person", "p_name": "Somchai Jaidee", "tlp": "AMBER", "hit_disclosure": "country"},
    )
    assert saved.status_code == 200 and "not a property of Person" in saved.content.decode()
    assert client.get(f"/records/{record.pk}/").status_code == 200


# --- finding 3: a mapping is data, never a path on the server -----------------------------------


def test_a_mapping_naming_a_server_file_is_not_read(world, tmp_path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"name": "TOP-SECRET-VALUE-7731"}), encoding="utf-8")
    client = sign_in(Client(), world.users["b_officer"])
    upload = SimpleUploadedFile("people.csv", b"id,name\nP1,Somchai Jaidee\n")
    response = client.post("/api/v1/records/import", {"file": upload, "mapping": str(secret)})
    assert response.status_code == 422
    assert "TOP-SECRET-VALUE" not in response.content.decode()
    page = client.post(
        reverse("records:import"),
        {
            "file": SimpleUploadedFile("people.csv", b"id,name\n"),
            "mapping": str(secret),
            "schema": "Person",
            "tlp": "AMBER",
        },
    )
    assert page.status_code == 200 and "TOP-SECRET-VALUE" not in page.content.decode()
    assert not Record.objects.exists() and not ImportRun.objects.exists()
    # the same mapping sent as data is used
    upload = SimpleUploadedFile("people.csv", b"id,Full\nP1,Somchai Jaidee\n")
    response = client.post(
        "/api/v1/records/import", {"file": upload, "mapping": '{"id": "id", "name": "Full"}'}
    )
    assert response.status_code == 200 and response.json()["created"] == 1


def test_the_command_line_reads_a_mapping_file_only_when_asked(world, tmp_path, capsys) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"id": "ref", "name": "Full"}), encoding="utf-8")
    data = tmp_path / "people.csv"
    data.write_text("ref,Full\nP1,Somchai Jaidee\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad mapping"):
        call_command("import", str(data), "--as", "b_officer", "--mapping", str(mapping))
    call_command("import", str(data), "--as", "b_officer", "--mapping-file", str(mapping), "--workers", "1")
    assert "1 created" in capsys.readouterr().out


# --- the API and the page always answer with a report -------------------------------------------


def test_the_api_answers_hostile_uploads_with_a_problem_or_a_report(world, settings) -> None:
    settings.TCX_IMPORT_MAX_LINE_CHARS = 10_000
    client = sign_in(Client(), world.users["b_officer"])
    before = _state()
    nul = client.post(
        "/api/v1/records/import",
        {"file": SimpleUploadedFile("p.csv", b"id,name\n"), "share_with_groups": "mekong\x00"},
    )
    assert nul.status_code == 422
    fake = client.post("/api/v1/records/import", {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert fake.status_code == 422 and "not an XLSX workbook" in fake.json()["detail"]
    assert _state() == before
    rows = b"id,name\nP1,Somchai Jaidee\nP2," + b"y" * 20_000 + b"\nP3,Bad\x00Name\nP4,Lim Wei Ming\n"
    report = client.post("/api/v1/records/import", {"file": SimpleUploadedFile("p.csv", rows), "mapping": ""})
    assert report.status_code == 200, report.content
    assert report.json()["created"] == 2 and [e["line"] for e in report.json()["errors"]] == [3, 4]


def test_a_page_import_of_a_hostile_file_ends_with_a_report(world, client, settings) -> None:
    settings.TCX_JOBS = "worker"
    settings.TCX_IMPORT_MAX_LINE_CHARS = 10_000
    sign_in(client, world.users["b_officer"])
    rows = b"id,name\nP1,Somchai Jaidee\nP2," + b"y" * 20_000 + b"\nP3,Bad\x00Name\nP4,Lim Wei Ming\n"
    upload = SimpleUploadedFile("bad\x00\u202ename.csv", rows)
    response = client.post(
        reverse("records:import"), {"file": upload, "mapping": "", "schema": "Person", "tlp": "AMBER"}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert runner.run_pending(kinds=["records.import"]) == 1
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE and (run.created, run.rejected) == (2, 2)
    assert run.file_name == "badname.csv"
    fake = client.post(
        reverse("records:import"),
        {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04 no"), "schema": "Person", "tlp": "AMBER"},
    )
    assert fake.status_code == 200 and "not an XLSX workbook" in fake.content.decode()
    assert ImportRun.objects.count() == 1
