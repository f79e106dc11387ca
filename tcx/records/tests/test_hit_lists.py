"""The hit inbox at scale (issue 13, item 11 and its "Bugs"): every hit is listed and reachable
however many an agency has, a page costs the same queries for 3 hits or 30, and a decision on
a match or a release request is made once even when two are made at the same moment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tcx.audit.models import AuditEvent
from tcx.organisations.models import CrimeArea
from tcx.policy import rules
from tcx.records import selectors, services
from tcx.records.models import Match, MatchKind, MatchStatus, Record, ReleaseRequest, ReleaseStatus
from tcx.testing import sign_in


def _hits(world, count: int, *, name: str = "Held") -> list[Match]:
    """``count`` hits of agency A on records of agency B, oldest first (written directly: the
    matching engine is tested elsewhere; here only the lists and lookups over its matches are).
    Every second hit is shared with A (A sees it in full), the rest are hit metadata only; each
    held record has a crime area."""
    now = timezone.now()
    mine = Record.objects.create(
        owner=world.agency_a, schema="Person", properties={"name": [f"Mine {name}"]}, caption=f"Mine {name}"
    )
    held = Record.objects.bulk_create(
        Record(
            owner=world.agency_b,
            schema="Person",
            properties={"name": [f"{name} {i}"]},
            caption=f"{name} {i}",
            hit_disclosure="organisation",
        )
        for i in range(count)
    )
    area = CrimeArea.objects.order_by("pk").first()
    assert area is not None
    Record.crime_areas.through.objects.bulk_create(
        Record.crime_areas.through(record_id=r.pk, crimearea_id=area.pk) for r in held
    )
    Record.audience_organisations.through.objects.bulk_create(
        Record.audience_organisations.through(record_id=r.pk, organisation_id=world.agency_a.pk)
        for r in held[1::2]
    )
    return Match.objects.bulk_create(
        Match(
            record_a=mine,
            record_b=record,
            kind=MatchKind.CROSS_AGENCY,
            score=0.9,
            band="match",
            created_at=now - dt.timedelta(minutes=count - i),
            updated_at=now - dt.timedelta(minutes=count - i),
        )
        for i, record in enumerate(held)
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def test_the_hit_pages_cost_the_same_queries_for_3_hits_or_30(world) -> None:
    client = sign_in(Client(), world.users["a_officer"])
    _hits(world, 3, name="First")
    # a pending release request on a hit that A does not see, so the page shows its badge too
    first_hidden = Match.objects.filter(record_b__caption="First 0").get()
    services.release_request_create(actor=world.users["a_officer"], match=first_hidden, purpose="a case")
    urls = ("/records/hits/", "/api/v1/hits?limit=100", "/")
    for url in urls:  # the first request of a session reads what later ones find cached
        client.get(url)
    small = {url: _queries(client, url) for url in urls}
    _hits(world, 27, name="Second")
    large = {url: _queries(client, url) for url in small}
    assert large == small
    page = client.get("/records/hits/").content.decode()
    assert page.count('aria-label="hit ') == 30
    assert "release requested" in page
    assert client.get("/api/v1/hits?limit=100").json()["count"] == 30


def test_the_oldest_of_201_hits_is_listed_and_can_be_decided_and_released(world) -> None:
    """It used to be outside the newest 200 that the list stopped at, and "not found"."""
    matches = _hits(world, 205)
    oldest = matches[0]
    held = oldest.record_b
    assert not rules.is_visible(held, world.users["a_officer"])  # a hit: metadata only

    officer = sign_in(Client(), world.users["a_officer"])
    first_page = officer.get("/records/hits/").content.decode()
    assert f'aria-label="hit {matches[-1].pk}"' in first_page
    assert f'aria-label="hit {oldest.pk}"' not in first_page and "?page=2" in first_page
    last_page = officer.get("/records/hits/?page=7").content.decode()  # 205 hits, 30 a page
    assert f'aria-label="hit {oldest.pk}"' in last_page
    assert "Page 7 of 7" in last_page

    listed = officer.get("/api/v1/hits?limit=100&offset=200").json()
    assert listed["count"] == 205
    assert [hit["id"] for hit in listed["items"]] == [m.pk for m in reversed(matches[:5])]
    assert listed["items"][-1]["other_record"] is None  # still only what a hit discloses
    every = [
        hit["id"]
        for offset in (0, 100, 200)
        for hit in officer.get(f"/api/v1/hits?limit=100&offset={offset}").json()["items"]
    ]
    assert sorted(every) == sorted(m.pk for m in matches)  # each once: none repeated, none lost

    assert selectors.access_hit(actor=world.users["a_officer"], match_id=oldest.pk).match == oldest
    response = officer.post(
        f"/api/v1/hits/{oldest.pk}/release-requests",
        {"purpose": "joint case"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    release_id = response.json()["id"]

    analyst = sign_in(Client(), world.users["a_analyst"])
    response = analyst.post(
        f"/api/v1/hits/{oldest.pk}/decision", {"confirm": True}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == MatchStatus.CONFIRMED

    supervisor = sign_in(Client(), world.users["b_supervisor"])
    response = supervisor.post(
        f"/api/v1/release-requests/{release_id}/decision", {"approve": True}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert rules.is_visible(Record.objects.get(pk=held.pk), world.users["a_officer"])


def test_every_release_request_is_listed_on_some_page(world) -> None:
    """The supervisors' list stopped at the newest 200 (the API's at 500)."""
    matches = _hits(world, 55)
    now = timezone.now()
    releases = ReleaseRequest.objects.bulk_create(
        ReleaseRequest(
            match=match,
            record_id=match.record_b_id,
            requester=world.agency_a,
            requested_by=world.users["a_officer"],
            purpose=f"case {i}",
            deadline=now + dt.timedelta(days=7),
            created_at=now - dt.timedelta(minutes=55 - i),
        )
        for i, match in enumerate(matches)
    )
    oldest = releases[0]
    supervisor = sign_in(Client(), world.users["b_supervisor"])
    action = f'action="/records/releases/{oldest.pk}/decision/"'
    assert action not in supervisor.get("/records/releases/").content.decode()
    assert action in supervisor.get("/records/releases/?page=2").content.decode()
    listed = supervisor.get("/api/v1/release-requests?limit=10&offset=50").json()
    assert listed["count"] == 55
    assert [r["id"] for r in listed["items"]] == [r.pk for r in reversed(releases[:5])]


def test_a_hit_lookup_is_one_bounded_read(world, django_assert_max_num_queries) -> None:
    """It read the whole list (604 queries for 200 hits) to find one."""
    matches = _hits(world, 40)
    actor = world.users["a_officer"]
    with django_assert_max_num_queries(6):
        selectors.access_hit(actor=actor, match_id=matches[0].pk)
    # agency B holds the other side: the hit is its hit too
    assert (
        selectors.access_hit(actor=world.users["b_officer"], match_id=matches[0].pk).own
        == matches[0].record_b
    )
    for outsider in ("partner_liaison", "secretariat_officer", "operator"):
        with pytest.raises(rules.NotFound):
            selectors.access_hit(actor=world.users[outsider], match_id=matches[0].pk)
    with pytest.raises(rules.NotFound):
        selectors.access_hit(actor=actor, match_id=matches[-1].pk + 1000)


def test_a_decided_match_or_release_is_not_decided_again(world) -> None:
    (match,) = _hits(world, 1)
    analyst = sign_in(Client(), world.users["a_analyst"])
    url = f"/api/v1/hits/{match.pk}/decision"
    assert analyst.post(url, {"confirm": True}, content_type="application/json").status_code == 200
    again = analyst.post(url, {"confirm": False}, content_type="application/json")
    assert again.status_code == 409 and "already confirmed" in again.json()["detail"]
    assert Match.objects.get(pk=match.pk).status == MatchStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="match.decided").count() == 1

    # rejected by the page: it leaves the list, and a second decision on it is "not found"
    (other,) = _hits(world, 1, name="Other")
    page = sign_in(Client(), world.users["a_supervisor"])
    assert page.post(f"/records/hits/{other.pk}/decision/", {"confirm": "0"}).status_code == 302
    assert page.post(f"/records/hits/{other.pk}/decision/", {"confirm": "1"}).status_code == 404
    assert Match.objects.get(pk=other.pk).status == MatchStatus.REJECTED

    release = services.release_request_create(actor=world.users["a_officer"], match=match, purpose="a case")
    supervisor = sign_in(Client(), world.users["b_supervisor"])
    url = f"/api/v1/release-requests/{release.pk}/decision"
    declined = supervisor.post(url, {"approve": False, "reason": "not now"}, content_type="application/json")
    assert declined.status_code == 200
    again = supervisor.post(url, {"approve": True}, content_type="application/json")
    assert again.status_code == 409 and "already declined" in again.json()["detail"]
    assert ReleaseRequest.objects.get(pk=release.pk).status == ReleaseStatus.DECLINED
    assert not rules.is_visible(Record.objects.get(pk=match.record_b_id), world.users["a_officer"])
    assert AuditEvent.objects.filter(action="release.decided").count() == 1


def _at_once(*decisions) -> list[BaseException | object]:
    """Run each decision in a thread of its own (its own database connection), all released at
    the same moment after each has read the object it decides on."""
    barrier = threading.Barrier(len(decisions))
    outcomes: list[BaseException | object] = [None] * len(decisions)

    def run(i: int, decide) -> None:
        try:
            outcomes[i] = decide(barrier)
        except BaseException as exc:  # the test reports what each thread met
            outcomes[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(decisions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


# SQLite is left out: its test database is in memory with a shared cache, where a second writer
# fails at once with "database table is locked" instead of waiting, so it cannot show two
# decisions meeting (and on SQLite IMMEDIATE transactions already let only one writer in).
def _skip_unless_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "two concurrent writers need PostgreSQL (SQLite's test database is a shared-cache memory DB)"
        )


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_deciding_one_release_at_once_make_one_decision(world) -> None:
    _skip_unless_postgresql()
    (match,) = _hits(world, 1)
    release = services.release_request_create(actor=world.users["a_officer"], match=match, purpose="a case")
    supervisor = world.users["b_supervisor"]

    def decide(approve: bool):
        def run(barrier: threading.Barrier):
            read = selectors.access_release_request(actor=supervisor, release_id=release.pk)
            assert read.status == ReleaseStatus.PENDING
            barrier.wait()  # both have read it pending before either decides
            return services.release_decide(
                actor=supervisor, release=read, approve=approve, reason="" if approve else "not now"
            )

        return run

    outcomes = _at_once(decide(True), decide(False))
    decided = [o for o in outcomes if isinstance(o, ReleaseRequest)]
    refused = [o for o in outcomes if isinstance(o, services.DecisionConflict)]
    assert len(decided) == 1 and len(refused) == 1, outcomes
    assert ReleaseRequest.objects.get(pk=release.pk).status == decided[0].status
    assert AuditEvent.objects.filter(action="release.decided").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_analysts_deciding_one_match_at_once_make_one_decision(world) -> None:
    _skip_unless_postgresql()
    (match,) = _hits(world, 1)
    deciders = [world.users["a_analyst"], world.users["a_supervisor"]]

    def decide(actor, confirm: bool):
        def run(barrier: threading.Barrier):
            view = selectors.access_hit(actor=actor, match_id=match.pk)
            assert view.match.status == MatchStatus.OPEN
            barrier.wait()
            return services.match_decide(actor=actor, match=view.match, confirm=confirm)

        return run

    outcomes = _at_once(decide(deciders[0], True), decide(deciders[1], False))
    decided = [o for o in outcomes if isinstance(o, Match)]
    refused = [o for o in outcomes if isinstance(o, (services.DecisionConflict, rules.NotFound))]
    assert len(decided) == 1 and len(refused) == 1, outcomes
    assert Match.objects.get(pk=match.pk).status == decided[0].status
    assert AuditEvent.objects.filter(action="match.decided").count() == 1
