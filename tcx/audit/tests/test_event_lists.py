"""The audit log at scale (issue 13 item 11): every event the reader may read is reachable a
page at a time (page and API), and a page costs the same queries for 5 events or 40."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tcx.audit import services
from tcx.audit.models import AuditEvent
from tcx.audit.registry import AuditAction
from tcx.testing import sign_in


def _events(world, count: int, persona: str = "a_officer") -> list[AuditEvent]:
    return [
        services.record(
            actor=world.users[persona],
            action=AuditAction.RECORD_SEARCHED,
            target_type="test.thing",
            target_id=f"thing-{persona}-{i}",
            target_owner=world.users[persona].organisation,
        )
        for i in range(count)
    ]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def test_the_audit_lists_cost_the_same_queries_for_5_events_or_40(world) -> None:
    for persona in ("a_officer", "a_supervisor"):
        client = sign_in(Client(), world.users[persona])
        _events(world, 5, persona)
        urls = ("/audit/", "/api/v1/audit/events?limit=100")
        for url in urls:
            client.get(url)
        small = {url: _queries(client, url) for url in urls}
        _events(world, 35, persona)
        large = {url: _queries(client, url) for url in urls}
        assert large == small, persona


def test_every_event_is_reachable_and_no_other_persons(world) -> None:
    mine = _events(world, 60)
    others = _events(world, 3, "b_officer")
    client = sign_in(Client(), world.users["a_officer"])
    # each read of the log is itself an event of this reader: filter it out so pages do not shift
    only = f"?action={AuditAction.RECORD_SEARCHED.value}"
    first = client.get(f"/audit/{only}").content.decode()
    assert "thing-a_officer-59" in first and "thing-a_officer-0<" not in first and "?page=2" in first
    pages = "".join(client.get(f"/audit/{only}&page={p}").content.decode() for p in (1, 2))
    assert "Page 2 of 2" in pages
    assert all(f"thing-a_officer-{i}<" in pages for i in range(60))
    assert "thing-b_officer" not in pages
    api = f"/api/v1/audit/events{only}"
    total = client.get(f"{api}&limit=1").json()["count"]
    listed = [
        e["seq"]
        for offset in range(0, total, 50)
        for e in client.get(f"{api}&limit=50&offset={offset}").json()["items"]
    ]
    assert len(listed) == len(set(listed)) == total
    assert {e.seq for e in mine} <= set(listed)
    assert not {e.seq for e in others} & set(listed)
