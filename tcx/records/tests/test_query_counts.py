"""The API reads of the load mix cost a number of queries that does not grow with what the
caller may see: a record list page, a record, a search and the exchange inbox each take the same
queries with a few visible records as with many (issue 12, load benchmark)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tcx.policy.rules import Policy


def _client(world: Any) -> Client:
    from tcx.accounts import services as account_services

    _, secret = account_services.token_create(actor=world.users["a_officer"], name="counts", scope="read")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _add(world: Any, n: int) -> list[int]:
    """``n`` records of agency B that agency A may see, each with crime areas and an audience
    (named organisations and a sharing group), and ``n`` exchanges from B to A."""
    from tcx.exchange import services as exchange_services
    from tcx.organisations.models import CrimeArea, SharingGroup
    from tcx.records import services

    areas = list(CrimeArea.objects.values_list("code", flat=True)[:2])
    group = SharingGroup.objects.first()
    ids = []
    for i in range(n):
        record = services.record_create(
            actor=world.users["b_officer"],
            schema="Person",
            properties={"name": [f"Nguyen Van An {i}"], "birthDate": ["1980-01-02"]},
            crime_areas=areas,
            policy=Policy(
                tlp="AMBER",
                audience_organisations=[world.agency_a.pk, world.agency_c.pk],
                audience_groups=[group.pk] if group else [],
            ),
        )
        ids.append(record.pk)
        exchange_services.exchange_send(
            actor=world.users["b_officer"],
            subject=f"Request {i}",
            body="Do you hold anything on this person?",
            recipients=[world.agency_a.pk],
        )
    return ids


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def test_the_load_mix_reads_cost_the_same_queries_at_two_sizes(world) -> None:
    client = _client(world)
    reads: dict[str, Callable[[list[int]], Any]] = {
        "record list": lambda ids: client.get("/api/v1/records?limit=20"),
        "record detail": lambda ids: client.get(f"/api/v1/records/{ids[-1]}"),
        "record search": lambda ids: client.get("/api/v1/records/search?q=Nguyen+Van+An"),
        "exchange inbox": lambda ids: client.get("/api/v1/exchange/exchanges?limit=20"),
    }
    ids = _add(world, 3)
    for call in reads.values():
        call(ids)  # the first request of a client fills per-process caches
    small = {name: _queries(lambda c=call: c(ids)) for name, call in reads.items()}
    ids += _add(world, 25)
    large = {name: _queries(lambda c=call: c(ids)) for name, call in reads.items()}
    assert large == small
    # and what the answers show is read in full: crime areas and audience of every row
    page = client.get("/api/v1/records?limit=20").json()
    assert len(page["items"]) == 20
    for item in page["items"]:
        assert len(item["crime_areas"]) == 2
        assert set(item["policy"]["audience_organisations"]) >= {
            world.agency_a.name,
            world.agency_c.name,
        }
    detail = client.get(f"/api/v1/records/{ids[-1]}").json()
    assert detail["policy"]["audience_organisations"] == page["items"][0]["policy"]["audience_organisations"]
    assert detail["crime_areas"] == page["items"][0]["crime_areas"]


def test_the_page_shows_the_audience_the_object_has(world) -> None:
    """The audience read for a page is each row's own, not a neighbour's."""
    from tcx.records import services

    client = _client(world)
    only_a = services.record_create(
        actor=world.users["b_officer"],
        schema="Person",
        properties={"name": ["Somchai Jaidee"]},
        policy=Policy(tlp="RED", audience_organisations=[world.agency_a.pk]),
    )
    a_and_c = services.record_create(
        actor=world.users["b_officer"],
        schema="Person",
        properties={"name": ["Somchai Jaidee"]},
        policy=Policy(tlp="AMBER", audience_organisations=[world.agency_a.pk, world.agency_c.pk]),
    )
    items = {i["id"]: i for i in client.get("/api/v1/records?limit=50").json()["items"]}
    assert items[only_a.pk]["policy"]["audience_organisations"] == [world.agency_a.name]
    assert sorted(items[a_and_c.pk]["policy"]["audience_organisations"]) == sorted(
        [world.agency_a.name, world.agency_c.name]
    )
    assert items[only_a.pk]["policy"]["tlp"] == "RED"
