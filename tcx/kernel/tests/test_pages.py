"""The page decorator and the API router: the capability refused as "not found", the actor
resolved once, reads audited once the page or operation answered, NotFound answered centrally."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tcx.audit.models import AuditEvent
from tcx.policy.rules import Policy
from tcx.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tcx.kernel.tests.urls")]


def _record(world):
    from tcx.records import services

    return services.record_create(
        actor=world.users["a_officer"],
        schema="Person",
        properties={"name": ["Nguyen Van An"]},
        policy=Policy(),
    )


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_a_page_needs_its_capability_and_refuses_as_not_found(world) -> None:
    assert (
        sign_in(Client(), world.users["a_supervisor"]).get("/release/").content == b"releases of a_supervisor"
    )
    for persona in ("a_officer", "a_admin", "operator", "partner_liaison"):
        response = sign_in(Client(), world.users[persona]).get("/release/")
        assert response.status_code == 404, persona
        assert b"releases" not in response.content


def test_anonymous_is_sent_to_sign_in_before_any_capability_is_asked(world) -> None:
    response = Client().get("/release/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/release/"


def test_a_declared_read_is_audited_once_with_its_target(world) -> None:
    record = _record(world)
    before = len(_events("record.viewed"))
    response = sign_in(Client(), world.users["a_analyst"]).get(f"/record/{record.pk}/")
    assert response.status_code == 200
    events = _events("record.viewed")[before:]
    assert len(events) == 1
    assert events[0].target_id == str(record.pk)
    assert events[0].actor_id == world.users["a_analyst"].pk


def test_what_may_not_be_seen_is_not_found_and_not_audited_as_read(world) -> None:
    record = _record(world)
    before = len(_events("record.viewed"))
    for persona in ("b_officer", "a_admin"):  # another agency (AMBER, not shared); no capability
        response = sign_in(Client(), world.users[persona]).get(f"/record/{record.pk}/")
        assert response.status_code == 404, persona
        assert "Nguyen" not in response.content.decode()
    assert len(_events("record.viewed")) == before


def test_a_page_that_says_nothing_of_what_it_read_is_audited_all_the_same(world) -> None:
    before = len(_events("record.searched"))
    assert sign_in(Client(), world.users["a_officer"]).get("/forgetful/").status_code == 200
    events = _events("record.searched")[before:]
    assert len(events) == 1 and events[0].target_id == ""


def test_a_page_that_shows_nothing_records_no_read(world) -> None:
    before = len(_events("record.searched"))
    assert sign_in(Client(), world.users["a_officer"]).get("/moved/").status_code == 302
    assert len(_events("record.searched")) == before


@override_settings(DEBUG=False)
def test_not_found_from_any_page_is_the_404_page(world) -> None:
    response = sign_in(Client(), world.users["a_officer"]).get("/missing/")
    assert response.status_code == 404
    assert "web/404.html" in [t.name for t in response.templates]


def test_an_api_operation_needs_its_capability_and_audits_its_read(world) -> None:
    record = _record(world)
    before = len(_events("record.viewed"))
    officer = sign_in(Client(), world.users["a_officer"])
    assert officer.get(f"/kernel-api/records/{record.pk}").json() == {"caption": record.caption}
    assert len(_events("record.viewed")) == before + 1
    assert officer.get("/kernel-api/releases").status_code == 404
    assert sign_in(Client(), world.users["a_supervisor"]).get("/kernel-api/releases").json() == {"ok": True}
    admin = sign_in(Client(), world.users["a_admin"])
    assert admin.get(f"/kernel-api/records/{record.pk}").status_code == 404
    assert len(_events("record.viewed")) == before + 1


def test_an_api_operation_answers_anonymous_401_not_a_redirect(world) -> None:
    response = Client().get("/kernel-api/releases")
    assert response.status_code == 401
