"""Routing: a request to an agency reaches the unit the sender named, else the agency's
national contact point, else the agency itself; bad units are clear errors that send nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tcx.accounts.models import Role
from tcx.exchange import selectors, services
from tcx.exchange.models import Exchange, Participant, Routing
from tcx.organisations import services as org_services
from tcx.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def thai_units(world):
    """Royal Thai Police (agency B) with its international desk (the national contact point)
    and its cyber unit, one officer in each."""
    from tcx.accounts import services as account_services

    def unit(name: str, ncp: bool):
        org = org_services.organisation_ensure(
            name=name, kind="member_state_agency", country_code="TH", is_national_contact_point=ncp
        )
        org.parent = world.agency_b
        org.save(update_fields=["parent"])
        return org

    desk = unit("RTP International Affairs Division", True)
    cyber = unit("RTP Cyber Crime Investigation Bureau", False)
    people = {
        org.pk: account_services.user_create(
            actor=None,
            username=f"officer{org.pk}",
            password="correct horse battery",
            organisation=org,
            role=Role.OFFICER,
            validate=False,
        )
        for org in (desk, cyber)
    }
    return desk, cyber, people


def _send(world, **kwargs):
    defaults = {
        "actor": world.users["a_officer"],
        "subject": "Scam centre call records",
        "body": "Please identify the subscribers.",
        "recipients": [world.agency_b.pk],
    }
    defaults.update(kwargs)
    return services.exchange_send(**defaults)


def _inbox(user) -> list[str]:
    return [e.reference for e in selectors.exchange_list(actor=user)]


def test_without_a_unit_the_request_reaches_the_national_contact_point(world, thai_units):
    desk, cyber, people = thai_units
    exchange = _send(world)
    participant = Participant.objects.get(exchange=exchange)
    assert (participant.organisation, participant.addressed_to, participant.routing) == (
        desk,
        world.agency_b,
        Routing.CONTACT_POINT,
    )
    assert _inbox(people[desk.pk]) == [exchange.reference]
    assert _inbox(people[cyber.pk]) == []
    assert _inbox(world.users["b_officer"]) == []  # the agency's other people: not addressed


def test_a_named_unit_receives_it_and_the_contact_point_does_not(world, thai_units):
    desk, cyber, people = thai_units
    exchange = _send(world, units={world.agency_b.pk: cyber.pk})
    participant = Participant.objects.get(exchange=exchange)
    assert (participant.organisation, participant.routing) == (cyber, Routing.UNIT)
    assert _inbox(people[cyber.pk]) == [exchange.reference]
    assert _inbox(people[desk.pk]) == []
    # The unit answers; the sender sees where it went and how.
    services.message_reply(actor=people[cyber.pk], exchange=exchange, body="Subscribers identified.")
    thread = sign_in(Client(), world.users["a_officer"]).get(f"/api/v1/exchange/exchanges/{exchange.pk}")
    [p] = thread.json()["participants"]
    assert (p["organisation"], p["addressed_to"], p["routing"]) == (cyber.pk, world.agency_b.pk, "unit")


def test_an_agency_without_units_receives_it_itself(world):
    exchange = _send(world, copy_recipients=[world.agency_c.pk])
    routes = {p.organisation_id: p.routing for p in Participant.objects.filter(exchange=exchange)}
    assert routes == {world.agency_b.pk: Routing.AGENCY, world.agency_c.pk: Routing.AGENCY}


def test_an_agency_that_is_itself_the_contact_point_keeps_it(world, thai_units):
    world.agency_b.is_national_contact_point = True
    world.agency_b.save(update_fields=["is_national_contact_point"])
    exchange = _send(world)
    assert Participant.objects.get(exchange=exchange).organisation == world.agency_b


@pytest.mark.parametrize(
    ("units", "message"),
    [
        (lambda w, desk, cyber: {w.agency_c.pk: cyber.pk}, "not recipients"),
        (lambda w, desk, cyber: {w.agency_b.pk: w.agency_c.pk}, "is not a unit of Royal Thai Police"),
        (lambda w, desk, cyber: {w.agency_b.pk: 999_999}, "is not a unit of Royal Thai Police"),
    ],
)
def test_a_bad_unit_is_a_clear_error_and_sends_nothing(world, thai_units, units, message):
    desk, cyber, _ = thai_units
    with pytest.raises(services.ExchangeError) as error:
        _send(world, units=units(world, desk, cyber))
    assert message in error.value.errors["units"]
    assert not Exchange.objects.exists()


def test_two_recipients_reaching_one_organisation_is_an_error(world, thai_units):
    desk = thai_units[0]
    with pytest.raises(services.ExchangeError) as error:
        _send(world, recipients=[world.agency_b.pk, desk.pk])
    assert "name it once" in error.value.errors["recipients"]
    assert not Exchange.objects.exists()


def test_api_unit_errors_name_the_field(world, thai_units):
    client = sign_in(Client(), world.users["a_officer"])
    body = {
        "subject": "s",
        "body": "b",
        "recipients": [world.agency_b.pk],
        "units": {str(world.agency_b.pk): world.agency_c.pk},
    }
    response = client.post("/api/v1/exchange/exchanges", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["units"]
    assert not Exchange.objects.exists()


def test_compose_page_names_a_unit(world, thai_units):
    _desk, cyber, people = thai_units
    client = sign_in(Client(), world.users["a_officer"])
    response = client.post(
        "/exchange/new/",
        {
            "subject": "Vessel",
            "body": "IMO 9074729",
            "recipients": [world.agency_b.pk],
            "units": [cyber.pk],
            "priority": "normal",
            "tlp": "AMBER",
        },
    )
    assert response.status_code == 302
    assert _inbox(people[cyber.pk]) == [Exchange.objects.get().reference]


def test_a_forward_to_an_agency_reaches_its_contact_point(world, thai_units):
    desk, _cyber, people = thai_units
    exchange = _send(world, recipients=[world.agency_c.pk])
    services.exchange_forward(
        actor=world.users["a_officer"], exchange=exchange, organisation_id=world.agency_b.pk
    )
    assert _inbox(people[desk.pk]) == [exchange.reference]
