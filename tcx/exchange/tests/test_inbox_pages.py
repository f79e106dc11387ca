"""The exchange inbox at scale (issue 13 item 11): every exchange is listed a page at a time
with no cap (page and API, each box), and a page costs the same queries for 5 exchanges or 40."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tcx.exchange import selectors, services, views
from tcx.testing import sign_in

pytestmark = pytest.mark.django_db


def _send(world, count: int, *, name: str, to=None) -> list:
    return [
        services.exchange_send(
            actor=world.users["a_officer"],
            subject=f"{name} {i}",
            body="Identify the holder",
            recipients=[(to or world.agency_b).pk],
        )
        for i in range(count)
    ]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def test_the_inbox_costs_the_same_queries_for_5_exchanges_or_40(world) -> None:
    client = sign_in(Client(), world.users["b_officer"])
    _send(world, 5, name="First")
    urls = (
        "/exchange/",
        "/exchange/?box=all",
        "/api/v1/exchange/exchanges?limit=100",
        "/api/v1/exchange/exchanges?box=all",
    )
    for url in urls:  # the first request of a session reads what later ones find cached
        client.get(url)
    small = {url: _queries(client, url) for url in urls}
    _send(world, 35, name="Second")
    large = {url: _queries(client, url) for url in urls}
    assert large == small
    assert client.get("/api/v1/exchange/exchanges?limit=100").json()["count"] == 40


@pytest.mark.parametrize("box", ["inbox", "all"])
def test_every_exchange_is_reachable_page_by_page(world, monkeypatch, box) -> None:
    """No cap: "all" merged the newest 1,000 of each box, the page showed the newest 100."""
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    sent = _send(world, 8, name="Request")
    _send(world, 2, name="Not for B", to=world.agency_c)
    client = sign_in(Client(), world.users["b_officer"])
    first = client.get("/exchange/", {"box": box}).content.decode()
    assert "Request 7" in first and "Request 0" not in first and "Page 1 of 3" in first
    assert f"?box={box}&amp;page=2" in first  # the page links keep the filters
    last = client.get("/exchange/", {"box": box, "page": 3}).content.decode()
    assert "Request 0" in last and "Page 3 of 3" in last
    pages = [client.get("/exchange/", {"box": box, "page": p}).content.decode() for p in (1, 2, 3)]
    assert sorted(e.reference for e in sent if any(e.reference in p for p in pages)) == sorted(
        e.reference for e in sent
    )
    assert not any("Not for B" in p for p in pages)
    every = [
        item["reference"]
        for offset in (0, 5)
        for item in client.get(f"/api/v1/exchange/exchanges?box={box}&limit=5&offset={offset}").json()[
            "items"
        ]
    ]
    assert every == [e.reference for e in reversed(sent)]


def test_the_all_box_has_no_cap(world) -> None:
    sent = _send(world, 3, name="Request")
    listed = selectors.exchange_list(
        actor=world.users["b_officer"], filters=selectors.ExchangeFilters(box="all")
    )
    assert listed.count() == 3 and list(listed)[-1] == sent[0]
