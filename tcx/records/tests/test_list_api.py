"""The API record list: one page read and counted in the database, a constant number of queries
whatever the caller may see, and only what the caller may see."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tcx.policy.rules import Policy
from tcx.records import services
from tcx.testing import sign_in


def _share(world, count: int, *, start: int = 0) -> None:
    for n in range(start, start + count):
        services.record_create(
            actor=world.users["b_officer"],
            schema="Person",
            properties={"name": [f"Listed Person {n}"]},
            policy=Policy(tlp="AMBER", audience_organisations=[world.agency_a.pk, world.agency_c.pk]),
            crime_areas=["trafficking-in-persons"],
        )


def _list_queries(client: Client, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def test_record_list_query_count_does_not_grow_with_the_records(world) -> None:
    client = sign_in(Client(), world.users["a_officer"])
    _share(world, 3)
    client.get("/api/v1/records?limit=20")  # session, MFA device and sharing groups settle
    few, body = _list_queries(client, "/api/v1/records?limit=20")
    assert body["count"] == 3
    _share(world, 30, start=3)
    many, body = _list_queries(client, "/api/v1/records?limit=20")
    assert body["count"] == 33 and len(body["items"]) == 20
    assert many == few
    item = body["items"][0]
    assert item["crime_areas"] == ["trafficking-in-persons"] and item["owner"] == world.agency_b.name
    assert sorted(item["policy"]["audience_organisations"]) == sorted(
        [world.agency_a.name, world.agency_c.name]
    )


def test_record_list_pages_hold_only_visible_records(world) -> None:
    _share(world, 5)
    services.record_create(
        actor=world.users["b_officer"],
        schema="Person",
        properties={"name": ["Kept At Home"]},
        policy=Policy(),
    )
    client = sign_in(Client(), world.users["a_officer"])
    seen = []
    for offset in (0, 2, 4, 6):
        body = client.get(f"/api/v1/records?limit=2&offset={offset}").json()
        assert body["count"] == 5
        seen += [item["caption"] for item in body["items"]]
    assert sorted(seen) == sorted(f"Listed Person {n}" for n in range(5))
    # Past the shared pagination's declared bound, the offset is named in a 422, never a 500.
    far = client.get("/api/v1/records?limit=2&offset=99999999999999999999")
    assert far.status_code == 422 and "offset" in far.content.decode()
