"""Every record carries a global id (issue 13 item 8): its own, kept for good, shown by the API and
carried by exports, so that nodes can exchange records without their local primary keys."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tcx.policy.rules import Policy
from tcx.records import exporting, importing, services
from tcx.records.models import Record
from tcx.testing import sign_in

DATA = Path(__file__).parent / "data"
MAPPING = {
    "id": "ref",
    "name": "Full name",
    "birthDate": "DOB",
    "nationality": "Nationality",
    "schema": "Kind",
}


def _create(world, name: str) -> Record:
    return services.record_create(
        actor=world.users["b_officer"],
        schema="Person",
        properties={"name": [name]},
        policy=Policy(tlp="AMBER", audience_organisations=[world.agency_a.pk]),
    )


def test_records_created_and_imported_each_get_their_own_gid_kept_on_update(world) -> None:
    first, second = _create(world, "Anna Ng"), _create(world, "Bao Tran")
    report = importing.import_file(
        actor=world.users["b_officer"], path=DATA / "suspects.csv", policy=Policy(), mapping=MAPPING
    )
    assert report.created == 3
    gids = list(Record.objects.values_list("gid", flat=True))
    assert len(gids) == 5
    assert all(isinstance(g, uuid.UUID) for g in gids)
    assert len(set(gids)) == 5  # the import's rows are not given one shared default
    before = first.gid
    services.record_update(
        actor=world.users["b_officer"], record=first, data={"properties": {"name": ["Anna Ng Renamed"]}}
    )
    first.refresh_from_db()
    assert first.gid == before
    assert second.gid != before


def test_the_api_and_the_exports_carry_the_gid(world) -> None:
    record = _create(world, "Chanh Vo")
    client = sign_in(Client(), world.users["a_officer"])
    assert client.get(f"/api/v1/records/{record.pk}").json()["gid"] == str(record.gid)
    listed = client.get("/api/v1/records").json()["items"]
    assert [r["gid"] for r in listed] == [str(record.gid)]
    lines = list(exporting.export_records(actor=world.users["a_officer"], fmt="jsonl"))
    assert json.loads(lines[0])["tcx"]["gid"] == str(record.gid)
    rows = list(
        csv.DictReader(
            io.StringIO("".join(exporting.export_records(actor=world.users["a_officer"], fmt="csv")))
        )
    )
    assert rows[0]["gid"] == str(record.gid)


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest(app: str) -> list[tuple[str, str]]:
    """The app's newest migration: where a test that migrates back must leave the database."""
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] == app]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_records_that_exist_each_their_own_gid(world) -> None:
    for n in range(3):
        _create(world, f"Existing Person {n}")
    try:
        _migrate([("records", "0004_import_runs")])
        _migrate([("records", "0005_record_gid")])
    finally:
        _migrate(_latest("records"))
    gids = list(Record.objects.values_list("gid", flat=True))
    assert len(gids) == 3 and None not in gids
    assert len(set(gids)) == 3
