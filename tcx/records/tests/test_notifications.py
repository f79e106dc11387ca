"""Who a hit and a release tell, and that each side hears only about its own record."""

from __future__ import annotations

import pytest

from tcx.jobs import runner as jobs
from tcx.notifications import selectors as notifications
from tcx.policy.rules import Policy
from tcx.records import services
from tcx.records.models import Match

pytestmark = pytest.mark.django_db

THAKSIN_TH = {"name": ["ทักษิณ ชินวัตร"], "birthDate": ["1949-07-26"], "nationality": ["th"]}
THAKSIN_EN = {"name": ["Thaksin Shinawatra"], "birthDate": ["1949"], "nationality": ["th"]}


def _told(user) -> list:
    return list(notifications.notification_list(actor=user))


@pytest.fixture
def hit(world, settings, django_capture_on_commit_callbacks):
    settings.TCX_JOBS = "worker"
    held = services.record_create(
        actor=world.users["b_officer"], schema="Person", properties=THAKSIN_TH, policy=Policy()
    )
    mine = services.record_create(
        actor=world.users["a_officer"], schema="Person", properties=THAKSIN_EN, policy=Policy()
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.run_pending()
    return mine, held, Match.objects.get()


def test_a_hit_tells_each_agency_about_its_own_record_only(world, hit):
    mine, held, _ = hit
    (a_told,) = _told(world.users["a_officer"])  # the author of A's record
    assert a_told.kind == "records.hit" and f"#{mine.pk}" in a_told.title
    assert f"#{held.pk}" not in a_told.title + a_told.body and "Thai" not in a_told.body
    (b_told,) = _told(world.users["b_supervisor"])
    assert f"#{held.pk}" in b_told.title and f"#{mine.pk}" not in b_told.title + b_told.body
    assert [n.kind for n in _told(world.users["a_supervisor"])] == ["records.hit"]
    for persona in ("a_analyst", "partner_liaison", "secretariat_officer"):
        assert _told(world.users[persona]) == [], persona


def test_release_request_and_decline_with_its_reason(world, hit):
    _, held, match = hit
    release = services.release_request_create(
        actor=world.users["a_officer"], match=match, purpose="money trail of case 77", priority="urgent"
    )
    asked = _told(world.users["b_supervisor"])[0]
    assert asked.kind == "records.release_request" and asked.urgent and asked.body == "money trail of case 77"
    assert f"#{held.pk}" in asked.title
    services.release_decide(
        actor=world.users["b_supervisor"], release=release, approve=False, reason="an ongoing operation"
    )
    decided = _told(world.users["a_officer"])[0]
    assert decided.kind == "records.release_decision"
    assert "declined" in decided.title and decided.body == "Reason: an ongoing operation"
    assert f"#{held.pk}" not in decided.title + decided.body
    assert _told(world.users["a_supervisor"])[0].kind == "records.release_decision"
