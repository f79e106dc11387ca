"""Import as an agency does it: CSV with a mapping, FtM JSON lines, re-imports, bad rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tcx.jobs import runner as jobs
from tcx.jobs.models import Job
from tcx.policy.rules import Policy
from tcx.records import importing
from tcx.records.index import key_hash
from tcx.records.models import Match, Record, RecordVersion
from tcx.records.services import RecordError

DATA = Path(__file__).parent / "data"
MAPPING = {
    "id": "ref",
    "name": "Full name",
    "birthDate": "DOB",
    "nationality": "Nationality",
    "phone": "Phone",
    "schema": "Kind",
}


def test_csv_import_keeps_good_rows_and_names_bad_ones(world) -> None:
    report = importing.import_file(
        actor=world.users["b_officer"],
        path=DATA / "suspects.csv",
        policy=Policy(),
        mapping=MAPPING,
        crime_areas=["trafficking-in-persons"],
    )
    assert report.created == 3
    lines = dict(report.errors)
    assert set(lines) == {4, 5}
    assert "no name or identifier" in lines[4] or "name" in lines[4]
    assert "Spaceship" in lines[5]
    somchai = Record.objects.get(external_id="TH-001")
    assert somchai.owner == world.agency_b and somchai.crime_areas.get().code == "trafficking-in-persons"
    # the phone, read in its E.164 form, is a key of the match index
    assert somchai.match_keys.filter(key=key_hash("i:phone:+66812345678")).exists()
    assert RecordVersion.objects.filter(change="created").count() == 3
    minh = Record.objects.get(external_id="TH-005")
    assert minh.properties["name"] == ["Nguyễn Văn Minh", "Nguyen Van Minh"]


def test_reimport_duplicates_nothing_and_updates_what_changed(world, tmp_path) -> None:
    actor = world.users["b_officer"]
    importing.import_file(actor=actor, path=DATA / "suspects.csv", policy=Policy(), mapping=MAPPING)
    again = importing.import_file(actor=actor, path=DATA / "suspects.csv", policy=Policy(), mapping=MAPPING)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = tmp_path / "suspects.csv"
    shutil.copy(DATA / "suspects.csv", changed)
    changed.write_text(changed.read_text().replace("Somchai Jaidee", "Somchai Jaidee Srisuk"))
    third = importing.import_file(actor=actor, path=changed, policy=Policy(), mapping=MAPPING)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert Record.objects.count() == 3
    assert Record.objects.get(external_id="TH-001").version == 2
    # another agency's records with the same ids are its own
    other = importing.import_file(
        actor=world.users["a_officer"], path=DATA / "suspects.csv", policy=Policy(), mapping=MAPPING
    )
    assert other.created == 3 and Record.objects.count() == 6


def test_jsonl_import_and_matching_after_import(world) -> None:
    report = importing.import_file(
        actor=world.users["b_officer"], path=DATA / "entities.jsonl", policy=Policy()
    )
    assert report.created == 3
    errors = dict(report.errors)
    assert "malformed JSON" in errors[3] and ("Wizard" in errors[4] or "schema" in errors[4])
    assert Job.objects.filter(kind="records.match", status="queued").count() == 3
    importing.import_file(actor=world.users["a_officer"], path=DATA / "entities.jsonl", policy=Policy())
    jobs.run_pending()
    assert Match.objects.filter(kind="cross_agency").count() == 3


def test_wrong_encoding_is_refused_whole(world) -> None:
    with pytest.raises(RecordError) as exc:
        importing.import_file(
            actor=world.users["b_officer"],
            path=DATA / "latin1.csv",
            policy=Policy(),
            mapping={"id": "ref", "name": "Full name"},
        )
    assert "not UTF-8" in str(exc.value) and "byte" in str(exc.value)
    assert not Record.objects.exists()


def test_unknown_column_is_named(world, tmp_path) -> None:
    report = importing.import_file(
        actor=world.users["b_officer"],
        path=DATA / "suspects.csv",
        policy=Policy(),
        mapping={"name": "Name of person"},
    )
    assert report.created == 0 and "Name of person" in report.errors[0][1]


def test_import_command(world, capsys) -> None:
    call_command(
        "import",
        str(DATA / "suspects.csv"),
        "--as",
        "b_officer",
        "--mapping",
        ",".join(f"{k}={v}" for k, v in MAPPING.items()),
        "--share-with-group",
        "asean-member-states",
        "--crime-area",
        "cybercrime",
    )
    captured = capsys.readouterr()
    assert "3 created" in captured.out and "suspects.csv:5: " in captured.err
    record = Record.objects.get(external_id="TH-001")
    assert record.audience_groups.get().slug == "asean-member-states"
    with pytest.raises(CommandError, match="unknown sharing group"):
        call_command(
            "import", str(DATA / "suspects.csv"), "--as", "b_officer", "--share-with-group", "nowhere"
        )
    with pytest.raises(CommandError, match=r"legal.basis"):
        call_command(
            "import", str(DATA / "suspects.csv"), "--as", "b_officer", "--share-with-group", "asean-plus-jp"
        )


def test_unreadable_values_are_reported_and_the_row_kept(world) -> None:
    report = importing.import_file(
        actor=world.users["b_officer"],
        path=DATA / "suspects_bad_values.csv",
        policy=Policy(),
        mapping={"id": "ref", "name": "Full name", "birthDate": "DOB", "phone": "Phone"},
    )
    assert report.created == 2
    lines = {line for line, _ in report.warnings}
    assert lines == {2, 3}
    assert any("31/02/1990" in w or "date" in w for _, w in report.warnings)


def test_parsing_in_worker_processes_imports_the_same(world) -> None:
    """``tcx import --workers 2``: rows parsed in forked processes, written here, in file order."""
    one = importing.import_file(
        actor=world.users["a_officer"], path=DATA / "suspects.csv", policy=Policy(), mapping=MAPPING
    )
    two = importing.import_file(
        actor=world.users["b_officer"],
        path=DATA / "suspects.csv",
        policy=Policy(),
        mapping=MAPPING,
        workers=2,
    )
    assert (two.created, two.errors, two.warnings) == (one.created, one.errors, one.warnings)

    def content(agency):
        return sorted(
            (r.external_id, r.caption, bytes(r.indexed_keys)) for r in Record.objects.filter(owner=agency)
        )

    assert content(world.agency_a) == content(world.agency_b)


def _content(agency) -> list[tuple[str, str, str, bytes]]:
    rows = Record.objects.filter(owner=agency)
    return sorted((r.external_id, r.caption, json.dumps(r.properties), bytes(r.indexed_keys)) for r in rows)


def test_worker_processes_read_a_csv_file_in_parts_as_one_reader_does(world, tmp_path, monkeypatch) -> None:
    """With ``--workers`` the parsing processes read the CSV rows, in parts cut between rows: a
    value on several lines, blank lines and bad rows keep their line numbers across the cuts."""
    path = tmp_path / "people.csv"
    path.write_text(
        "ref,Full name,DOB,Nationality,Phone,Kind\n"
        'TH-001,"Somchai\nJaidee",1980-05-01,th,081 234 5678,Person\n'
        "\n"
        "TH-002,,,th,,Person\n"
        'TH-003,"Nguyễn ""Tom"" Văn Minh",31/02/1990,vn,,Person\n'
        "TH-004,Aung San Suu Kyi,1945-06-19,mm,,Spaceship\n"
        "TH-003,Lim Wei Ming,1975-01-02,sg,,Person\n"
        ',"Siti\r\nAminah",1990-03-04,my,,Person\r\n'
        "TH-006,Kyaw Zin,1988-08-08,mm,,Person",
        encoding="utf-8",
    )
    monkeypatch.setattr(importing, "CHUNK", 2)
    one = importing.import_file(actor=world.users["a_officer"], path=path, policy=Policy(), mapping=MAPPING)
    two = importing.import_file(
        actor=world.users["b_officer"], path=path, policy=Policy(), mapping=MAPPING, workers=2
    )
    assert (two.created, two.errors, two.warnings) == (one.created, one.errors, one.warnings)
    assert one.created == 4 and [line for line, _ in one.errors] == [5, 7, 8]
    assert _content(world.agency_a) == _content(world.agency_b)


def test_a_row_past_a_limit_is_reported_and_the_rest_kept_either_way(
    world, tmp_path, monkeypatch, settings
) -> None:
    """A row the CSV reader refuses (a cell past its limit, a row past its length) is reported by
    line and the rows after it are imported, in one process or with parsing processes (issue 12,
    finding 4: it used to stop the import half-written with a 500)."""
    settings.TCX_IMPORT_MAX_CELL_CHARS = 1000
    settings.TCX_IMPORT_MAX_LINE_CHARS = 5000
    rows = [f"P{i:03d},Person Number{i} Tan,1980-01-01,sg,,Person" for i in range(9)]
    rows.insert(6, "P998," + "x" * 1001 + ",1980-01-01,sg,,Person")
    rows.insert(3, "P999," + "y" * 6000 + ",1980-01-01,sg,,Person")
    path = tmp_path / "people.csv"
    path.write_text("ref,Full name,DOB,Nationality,Phone,Kind\n" + "\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(importing, "CHUNK", 2)
    monkeypatch.setattr(importing, "WRITE_CHUNK", 3)
    reports = [
        importing.import_file(
            actor=world.users[actor], path=path, policy=Policy(), mapping=MAPPING, workers=n
        )
        for actor, n in (("a_officer", 1), ("b_officer", 2))
    ]
    assert reports[0].errors == reports[1].errors
    assert [line for line, _ in reports[0].errors] == [5, 9]
    assert "5000 characters" in reports[0].errors[0][1] and "1000 characters" in reports[0].errors[1][1]
    assert [r[0] for r in _content(world.agency_a)] == [f"P{i:03d}" for i in range(9)]
    assert _content(world.agency_a) == _content(world.agency_b)
