"""The records page at scale (issue 13 item 11): every record the actor may see is listed a page
at a time with no cap, and a page costs the same queries for 5 records or 40."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tcx.organisations.models import CrimeArea
from tcx.records import views
from tcx.records.models import Record
from tcx.testing import sign_in


def _records(world, count: int, *, name: str, owner=None) -> list[Record]:
    """``count`` records of agency A (oldest first), each with a crime area and an audience."""
    made = []
    for i in range(count):  # one by one: each is newer than the one before
        made.append(
            Record.objects.create(
                owner=owner or world.agency_a,
                schema="Person",
                properties={"name": [f"{name} {i}"]},
                caption=f"{name} {i}",
            )
        )
    area = CrimeArea.objects.order_by("pk").first()
    Record.crime_areas.through.objects.bulk_create(
        Record.crime_areas.through(record_id=r.pk, crimearea_id=area.pk) for r in made
    )
    Record.audience_organisations.through.objects.bulk_create(
        Record.audience_organisations.through(record_id=r.pk, organisation_id=world.agency_b.pk) for r in made
    )
    return made


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def test_the_records_page_costs_the_same_queries_for_5_records_or_40(world) -> None:
    client = sign_in(Client(), world.users["a_officer"])
    _records(world, 5, name="First")
    client.get("/records/")  # the first request of a session reads what later ones find cached
    small = _queries(client, "/records/")
    _records(world, 35, name="Second")
    large = _queries(client, "/records/")
    assert large == small
    page = client.get("/records/").content.decode()
    assert "Second 34" in page and "First 0" in page


def test_every_record_is_reachable_page_by_page(world, monkeypatch) -> None:
    """No cap (the page listed the newest 100): with 3 a page, the 8th-newest is on page 3."""
    monkeypatch.setattr(views, "RECORDS_PER_PAGE", 3)
    made = _records(world, 8, name="Suspect")
    _records(world, 2, name="Not for A", owner=world.agency_c)  # not shared with A: never listed
    client = sign_in(Client(), world.users["a_officer"])
    first = client.get("/records/").content.decode()
    assert "Suspect 7" in first and "Suspect 0" not in first
    assert "?page=2" in first and "Page 1 of 3" in first
    last = client.get("/records/?page=3").content.decode()
    assert "Suspect 1" in last and "Suspect 0" in last and "Page 3 of 3" in last
    listed = [
        r
        for p in (1, 2, 3)
        for r in made
        if f"{r.caption}<" in client.get(f"/records/?page={p}").content.decode()
    ]
    assert sorted(r.pk for r in listed) == sorted(r.pk for r in made)  # each once, none lost
    assert all("Not for A" not in client.get(f"/records/?page={p}").content.decode() for p in (1, 2, 3))
    # a page past the end shows the last one, never an error
    assert "Page 3 of 3" in client.get("/records/?page=99").content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "9" * 30])
def test_a_bad_page_number_is_not_an_error(world, page) -> None:
    _records(world, 2, name="Suspect")
    client = sign_in(Client(), world.users["a_officer"])
    assert client.get("/records/", {"page": page}).status_code == 200
