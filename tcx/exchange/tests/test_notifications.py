"""Who the exchange notifies, and what it tells them: the agencies a request reaches, the other
side of a reply, the owner asked to forward, deadlines — by reference, never by subject."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

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


def _everyone_told(world, kind: str) -> set[str]:
    return {p for p, user in world.users.items() if kind in _kinds(user)}


def test_a_passed_deadline_reaches_the_recipient_agencys_supervisors_once_through_the_command(world):
    from django.core.management import call_command

    from tcx.exchange.models import Exchange, Participant

    exchange = _send(world, copy_recipients=[world.agency_c.pk])
    past = timezone.now() - dt.timedelta(hours=1)
    Exchange.objects.filter(pk=exchange.pk).update(deadline_at=past)
    Participant.objects.filter(exchange=exchange).update(deadline_at=past)
    call_command("notifications", "deadlines")
    call_command("notifications", "deadlines")  # idempotent: nobody is told twice
    assert _everyone_told(world, "exchange.deadline_passed") == {"b_supervisor"}
    assert _kinds(world.users["b_supervisor"]).count("exchange.deadline_passed") == 1


def test_an_assignment_tells_the_assignee_only(world):
    exchange = _send(world)
    services.exchange_assign(
        actor=world.users["b_officer"], exchange=exchange, assignee_id=world.users["b_supervisor"].pk
    )
    assert _everyone_told(world, "exchange.assigned") == {"b_supervisor"}


def test_a_request_never_reaches_a_person_who_may_not_see_it(world):
    _send(world)
    # agency B's operational people only: not the sender's agency, not C, not the partner, not
    # B's people without operational data (there are none in B here), not the Secretariat
    assert _everyone_told(world, "exchange.request") == {"b_officer", "b_supervisor"}


def test_the_exchange_keeps_no_notification_ledger_of_its_own(world):
    from django.apps import apps

    assert "notification" not in {m._meta.model_name for m in apps.get_app_config("exchange").get_models()}
