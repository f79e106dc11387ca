"""Who the exchange notifies, and what it tells them: the agencies a request reaches, the other
side of a reply, the owner asked to forward, deadlines — by reference, never by subject."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from tcx.exchange import services
from tcx.notifications import selectors as notifications
from tcx.policy.rules import Policy

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[str]:
    return [n.kind for n in notifications.notification_list(actor=user)]


def _send(world, **kwargs):
    return services.exchange_send(
        **{
            "actor": world.users["a_officer"],
            "subject": "Holders of +84 912 345 678",
            "body": "secret details",
            "recipients": [world.agency_b.pk],
            "priority": "urgent",
            "policy": Policy(handling_codes=["H2"]),
            **kwargs,
        }
    )


def test_a_request_reaches_the_recipient_agency_only_and_says_no_subject(world):
    exchange = _send(world)
    (told,) = notifications.notification_list(actor=world.users["b_officer"])
    assert told.kind == "exchange.request" and told.urgent
    assert exchange.reference in told.title and "912" not in told.title + told.body
    assert told.url == f"/exchange/{exchange.pk}/"
    assert _kinds(world.users["b_supervisor"]) == ["exchange.request"]
    # not the sender, not its colleagues, not a third agency, not the partner
    for persona in ("a_officer", "a_supervisor", "partner_liaison", "secretariat_officer"):
        assert _kinds(world.users[persona]) == [], persona


def test_a_reply_tells_the_other_side(world):
    exchange = _send(world)
    services.message_reply(actor=world.users["b_officer"], exchange=exchange, body="found them")
    assert _kinds(world.users["a_officer"]) == ["exchange.reply"]  # the sender of the request
    assert _kinds(world.users["a_supervisor"]) == []
    services.message_reply(actor=world.users["a_officer"], exchange=exchange, body="thanks")
    assert _kinds(world.users["b_supervisor"]) == ["exchange.reply", "exchange.request"]
    assert _kinds(world.users["b_officer"]) == ["exchange.reply", "exchange.request"]
    assert _kinds(world.users["a_officer"]) == ["exchange.reply"]  # not told of their own reply


def test_a_forward_request_reaches_the_owner(world):
    exchange = _send(world)
    services.exchange_forward(
        actor=world.users["b_officer"], exchange=exchange, organisation_id=world.agency_c.pk, reason="case 9"
    )
    (told,) = notifications.notification_list(actor=world.users["a_supervisor"])
    assert told.kind == "exchange.forward_request" and told.body == "case 9"
    assert _kinds(world.users["a_officer"]) == ["exchange.forward_request"]


def test_deadlines_are_told_once_and_e_mailed_at_once(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.users["b_officer"].email = "officer@rtp.example"
    world.users["b_officer"].save()
    exchange = _send(world, priority="normal")
    with django_capture_on_commit_callbacks(execute=True):
        services.exchange_remind(now=exchange.deadline_at - dt.timedelta(hours=1))
        services.exchange_remind(now=exchange.deadline_at - dt.timedelta(minutes=30))
    assert _kinds(world.users["b_officer"]) == ["exchange.deadline_near", "exchange.request"]
    assert [m.subject for m in mail.outbox] == [
        f"[TCX] Due soon: {exchange.reference} is due {exchange.deadline_at:%Y-%m-%d %H:%M} UTC"
    ]
