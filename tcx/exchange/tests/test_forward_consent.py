"""Forwarding a thread asks the owner of each message: a RED/H2 reply never reaches a third
agency without its owner (issue 12, finding 2)."""

from __future__ import annotations

import pytest
from django.test import Client

from tcx.accounts import services as account_services
from tcx.accounts.models import Role
from tcx.exchange import selectors, services
from tcx.exchange.models import ForwardStatus
from tcx.policy.rules import NotFound, Policy
from tcx.testing import sign_in

pytestmark = pytest.mark.django_db

RED_TEXT = "Informant THX-77 inside the syndicate; do not act on this"


def _cambodian(world, username="c_officer", role=Role.OFFICER):
    return account_services.user_create(
        actor=None,
        username=username,
        password="correct horse battery",
        organisation=world.agency_c,
        role=role,
        validate=False,
    )


def _thread_with_red_reply(world):
    """Viet Nam sends AMBER to Thailand; Thailand answers RED + H2 for Viet Nam only."""
    exchange = services.exchange_send(
        actor=world.users["a_officer"],
        subject="Wallet 0x5a1f owners",
        body="Who holds wallet 0x5a1f?",
        recipients=[world.agency_b.pk],
        policy=Policy(tlp="AMBER"),
    )
    red = services.message_reply(
        actor=world.users["b_officer"],
        exchange=exchange,
        body=RED_TEXT,
        policy=Policy(tlp="RED", handling_codes=["H2"]),
    )
    return exchange, red


def _everything_cambodia_reads(client: Client, exchange) -> str:
    """The thread as Cambodia gets it through the API, the page, the list and the search."""
    parts = [
        client.get(f"/api/v1/exchange/exchanges/{exchange.pk}").content.decode(),
        client.get(f"/exchange/{exchange.pk}/").content.decode(),
        client.get("/api/v1/exchange/exchanges?box=all").content.decode(),
        client.get("/api/v1/exchange/exchanges?box=all&q=THX-77").content.decode(),
    ]
    return "\n".join(parts)


def test_requester_cannot_approve_the_forward_of_another_agencys_red_reply(world):
    exchange, red = _thread_with_red_reply(world)
    c_officer = _cambodian(world)
    forward = services.exchange_forward(
        actor=world.users["a_officer"], exchange=exchange, organisation_id=world.agency_c.pk
    )
    # The requester may not decide for Thailand's message: nothing waits for him, and a
    # decision he attempts changes nothing.
    assert forward.pk not in [
        f.pk for f in selectors.forward_requests_for_provider(actor=world.users["a_officer"])
    ]
    with pytest.raises((NotFound, services.ExchangeError)):
        services.forward_decide(actor=world.users["a_officer"], forward=forward, approve=True)
    with pytest.raises((NotFound, services.ExchangeError)):
        services.forward_decide(actor=world.users["a_supervisor"], forward=forward, approve=True)
    client = sign_in(Client(), c_officer)
    seen = _everything_cambodia_reads(client, exchange)
    assert RED_TEXT not in seen and "THX-77" not in seen
    assert not red.audience_organisations.filter(pk=world.agency_c.pk).exists()
    # Cambodia sees the rest of the thread: Viet Nam's own message.
    thread = client.get(f"/api/v1/exchange/exchanges/{exchange.pk}").json()
    assert [m["body"] for m in thread["messages"]] == ["Who holds wallet 0x5a1f?"]

    # The request shows to Thailand, whose people decide for their own message.
    waiting = selectors.forward_requests_for_provider(actor=world.users["b_supervisor"])
    assert forward.pk in [f.pk for f in waiting]
    services.forward_decide(actor=world.users["b_supervisor"], forward=forward, approve=True)
    forward.refresh_from_db()
    assert forward.status == ForwardStatus.APPROVED
    thread = client.get(f"/api/v1/exchange/exchanges/{exchange.pk}").json()
    assert RED_TEXT in [m["body"] for m in thread["messages"]]


def test_a_declined_message_stays_invisible_to_the_new_agency(world):
    exchange, _red = _thread_with_red_reply(world)
    c_officer = _cambodian(world)
    forward = services.exchange_forward(
        actor=world.users["a_officer"], exchange=exchange, organisation_id=world.agency_c.pk
    )
    services.forward_decide(actor=world.users["b_officer"], forward=forward, approve=False)
    forward.refresh_from_db()
    assert forward.status == ForwardStatus.PARTIAL
    seen = _everything_cambodia_reads(sign_in(Client(), c_officer), exchange)
    assert RED_TEXT not in seen
    assert "Who holds wallet 0x5a1f?" in seen


def test_the_request_shows_to_the_owner_of_the_withheld_message_on_its_page_and_api(world):
    exchange, red = _thread_with_red_reply(world)
    c_officer = _cambodian(world)
    forward = services.exchange_forward(
        actor=world.users["a_officer"], exchange=exchange, organisation_id=world.agency_c.pk
    )
    requester = sign_in(Client(), world.users["a_officer"])
    assert requester.get("/api/v1/exchange/forwards").json() == []
    mine = requester.get(f"/api/v1/exchange/exchanges/{exchange.pk}")
    assert mine.status_code == 200
    assert (
        requester.post(
            f"/api/v1/exchange/forwards/{forward.pk}/decision", {"approve": True}, "application/json"
        ).status_code
        == 404
    )
    owner = sign_in(Client(), world.users["b_officer"])
    listed = owner.get("/api/v1/exchange/forwards").json()
    assert [(f["id"], f["status"], f["waiting_for"]) for f in listed] == [
        (forward.pk, "pending", ["Royal Thai Police"])
    ]
    page = owner.get("/exchange/forwards/").content.decode()
    assert exchange.reference in page and "1 message" in page
    response = owner.post(f"/exchange/forwards/{forward.pk}/decision/", {"decision": "approve"})
    assert response.status_code == 302
    red.refresh_from_db()
    assert red.audience_organisations.filter(pk=world.agency_c.pk).exists()
    thread = sign_in(Client(), c_officer).get(f"/api/v1/exchange/exchanges/{exchange.pk}").json()
    assert RED_TEXT in [m["body"] for m in thread["messages"]]


def test_a_recipient_forwarding_waits_for_the_threads_owner_before_anything_shows(world):
    """Thailand asks to forward Viet Nam's H2 thread: Cambodia sees nothing, not even Thailand's
    own reply, until Viet Nam consents to the exchange itself."""
    exchange = services.exchange_send(
        actor=world.users["a_officer"],
        subject="Vessel IMO 9074729",
        body="Where is it now?",
        recipients=[world.agency_b.pk],
        policy=Policy(tlp="AMBER", handling_codes=["H2"]),
    )
    services.message_reply(
        actor=world.users["b_officer"], exchange=exchange, body="Off Songkhla", policy=Policy()
    )
    c_officer = _cambodian(world)
    forward = services.exchange_forward(
        actor=world.users["b_officer"], exchange=exchange, organisation_id=world.agency_c.pk
    )
    client = sign_in(Client(), c_officer)
    assert client.get(f"/api/v1/exchange/exchanges/{exchange.pk}").status_code == 404
    assert client.get("/api/v1/exchange/exchanges?box=all").json()["items"] == []
    with pytest.raises(NotFound):
        services.forward_decide(actor=world.users["b_supervisor"], forward=forward, approve=True)
    services.forward_decide(actor=world.users["a_supervisor"], forward=forward, approve=True)
    bodies = [m["body"] for m in client.get(f"/api/v1/exchange/exchanges/{exchange.pk}").json()["messages"]]
    assert bodies == ["Where is it now?", "Off Songkhla"]


def test_a_reply_page_can_go_to_fewer_organisations_of_the_thread(world):
    exchange = services.exchange_send(
        actor=world.users["a_officer"],
        subject="Wallet 0x5a1f owners",
        body="Who holds wallet 0x5a1f?",
        recipients=[world.agency_b.pk, world.agency_c.pk],
    )
    c_officer = _cambodian(world)
    thai = sign_in(Client(), world.users["b_officer"])
    page = thai.get(f"/exchange/{exchange.pk}/").content.decode()
    assert 'name="audience"' in page
    response = thai.post(
        f"/exchange/{exchange.pk}/reply/",
        {"body": RED_TEXT, "tlp": "RED", "handling_codes": ["H2"], "audience": [world.agency_a.pk]},
    )
    assert response.status_code == 302
    cambodia = sign_in(Client(), c_officer).get(f"/api/v1/exchange/exchanges/{exchange.pk}").json()
    assert [m["body"] for m in cambodia["messages"]] == ["Who holds wallet 0x5a1f?"]
    viet_nam = sign_in(Client(), world.users["a_officer"]).get(f"/api/v1/exchange/exchanges/{exchange.pk}")
    assert RED_TEXT in viet_nam.content.decode()
    # An organisation outside the thread is refused, through the API as through the page.
    response = thai.post(
        f"/api/v1/exchange/exchanges/{exchange.pk}/messages",
        {"body": "x", "audience": [world.partner.pk]},
        "application/json",
    )
    assert response.status_code == 422 and "do not take part" in response.content.decode()
