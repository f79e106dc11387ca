"""Every organisation has a stable code (issue 13 item 8): its country and short name, unique,
kept when the organisation is renamed, shown by the API, given to the organisations that exist."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tcx.organisations import services
from tcx.organisations.models import Organisation
from tcx.testing import sign_in


def test_codes_come_from_country_and_short_name_are_unique_and_survive_a_rename(world) -> None:
    codes = list(Organisation.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert Organisation.objects.get(name="ASEAN Secretariat").code == "asec"  # seeded
    twin = services.organisation_ensure(
        name="Second Thai Agency", kind="member_state_agency", country_code="TH", short_name="RTP"
    )
    first = services.organisation_ensure(
        name="Third Thai Agency", kind="member_state_agency", country_code="TH", short_name="DSI"
    )
    assert first.code == "th-dsi"
    again = services.organisation_ensure(
        name="Fourth Thai Agency", kind="member_state_agency", country_code="TH", short_name="DSI"
    )
    assert again.code == "th-dsi-2"
    assert twin.code == "th-rtp-2"  # the Royal Thai Police of the world holds th-rtp
    services.organisation_update(
        actor=world.users["operator"], organisation=first, data={"name": "Renamed", "short_name": "NEW"}
    )
    first.refresh_from_db()
    assert first.code == "th-dsi"


def test_the_api_shows_the_code_and_an_onboarded_agency_gets_one(world) -> None:
    client = sign_in(Client(), world.users["operator"])
    created = client.post(
        "/api/v1/organisations",
        data=json.dumps(
            {
                "name": "Lao Customs Department",
                "short_name": "Customs",
                "kind": "member_state_agency",
                "country": "LA",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "la-customs"
    listed = client.get("/api/v1/organisations").json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert {o["name"]: o["code"] for o in items}[world.agency_a.name] == world.agency_a.code


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest(app: str) -> list[tuple[str, str]]:
    """The app's newest migration: where a test that migrates back must leave the database."""
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] == app]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_organisations_their_codes(world) -> None:
    expected = dict(Organisation.objects.values_list("pk", "code"))
    try:
        _migrate([("organisations", "0003_organisation_change")])
        _migrate([("organisations", "0004_organisation_code")])
    finally:
        _migrate(_latest("organisations"))
    assert dict(Organisation.objects.values_list("pk", "code")) == expected
