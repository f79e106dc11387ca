"""The API exchange list: one page read and counted in the database, a constant number of
queries whatever the inbox holds, and only what the caller may see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tcx.exchange import services
from tcx.policy.rules import Policy
from tcx.testing import sign_in

pytestmark = pytest.mark.django_db


def _send(world, count: int, *, start: int = 0, recipients=None) -> None:
    for n in range(start, start + count):
        services.exchange_send(
            actor=world.users["a_officer"],
            subject=f"Listed request {n}",
            body="Do you hold anything on this subject?",
            recipients=recipients or [world.agency_b.pk],
            crime_areas=["trafficking-in-persons"],
            policy=Policy(tlp="AMBER"),
        )


def _list_queries(client: Client, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    # the rows are read a page at a time, never the whole inbox to show one page
    rows = [q["sql"] for q in queries if 'FROM "exchange_exchange"' in q["sql"] and "COUNT(" not in q["sql"]]
    assert rows and all("LIMIT 20" in sql for sql in rows), rows
    return len(queries), response.json()


def test_inbox_query_count_does_not_grow_with_the_exchanges(world) -> None:
    client = sign_in(Client(), world.users["b_officer"])
    _send(world, 3)
    client.get("/api/v1/exchange/exchanges?limit=20")  # session, MFA device and groups settle
    few, body = _list_queries(client, "/api/v1/exchange/exchanges?limit=20")
    assert body["count"] == 3
    _send(world, 30, start=3)
    many, body = _list_queries(client, "/api/v1/exchange/exchanges?limit=20")
    assert body["count"] == 33 and len(body["items"]) == 20
    assert many == few
    assert body["items"][0]["subject"] == "Listed request 32"  # newest first
    assert body["items"][0]["crime_areas"] == ["trafficking-in-persons"]


def test_inbox_pages_hold_each_visible_exchange_once(world) -> None:
    _send(world, 5)
    _send(world, 2, start=100, recipients=[world.agency_c.pk])  # not addressed to B
    client = sign_in(Client(), world.users["b_officer"])
    seen = []
    for offset in (0, 2, 4, 6):
        body = client.get(f"/api/v1/exchange/exchanges?limit=2&offset={offset}").json()
        assert body["count"] == 5
        seen += [item["subject"] for item in body["items"]]
    assert sorted(seen) == sorted(f"Listed request {n}" for n in range(5))
    outbox = sign_in(Client(), world.users["a_officer"]).get("/api/v1/exchange/exchanges?box=outbox&limit=50")
    assert outbox.json()["count"] == 7
