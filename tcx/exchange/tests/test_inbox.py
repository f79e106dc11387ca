"""The inbox read from the participants' rows: their copies of the exchange's order and state
follow every change, counts stop at a limit, the text search takes either path with the same
answer, a reference is found through its index, and the policy still decides what is listed."""

from __future__ import annotations

import pytest

from tcx.exchange import selectors, services
from tcx.exchange.models import Exchange, ExchangeStatus, Participant
from tcx.policy.models import TLP
from tcx.policy.rules import Policy

pytestmark = pytest.mark.django_db


def _send(world, **kwargs):
    defaults = {
        "actor": world.users["a_officer"],
        "subject": "Identify the holder of +84 912 345 678",
        "body": "Urgent: the number called the victims.",
        "recipients": [world.agency_b.pk],
    }
    defaults.update(kwargs)
    return services.exchange_send(**defaults)


def _copies_match(exchange: Exchange) -> None:
    exchange.refresh_from_db()
    for participant in Participant.objects.filter(exchange=exchange):
        assert (participant.updated_at, participant.status, participant.deadline_at) == (
            exchange.updated_at,
            exchange.status,
            exchange.deadline_at,
        )


def _refs(actor, **filters) -> list[str]:
    listed = selectors.exchange_list(actor=actor, filters=selectors.ExchangeFilters(**filters))
    return [e.reference for e in listed]


def test_participant_rows_follow_every_state_change(world):
    b = world.users["b_officer"]
    exchange = _send(world, copy_recipients=[world.agency_c.pk])
    _copies_match(exchange)
    services.exchange_mark_read(actor=b, exchange=exchange, messages=list(exchange.messages.all()))
    _copies_match(exchange)
    services.exchange_acknowledge(actor=b, exchange=exchange)
    _copies_match(exchange)
    services.message_reply(actor=b, exchange=exchange, body="Holder identified.")
    _copies_match(exchange)
    assert Participant.objects.filter(exchange=exchange, status=ExchangeStatus.ANSWERED).count() == 2
    services.exchange_forward(
        actor=world.users["a_officer"], exchange=exchange, organisation_id=world.secretariat.pk
    )
    _copies_match(exchange)
    services.exchange_close(actor=b, exchange=exchange)
    _copies_match(exchange)


def test_inbox_is_newest_activity_first(world):
    b = world.users["b_officer"]
    first = _send(world, subject="first")
    second = _send(world, subject="second")
    assert _refs(b) == [second.reference, first.reference]
    services.message_reply(actor=world.users["a_officer"], exchange=first, body="a reminder")
    assert _refs(b) == [first.reference, second.reference]
    assert _refs(b, status=ExchangeStatus.SENT) == [first.reference, second.reference]
    services.exchange_acknowledge(actor=b, exchange=second)
    assert _refs(b, status=ExchangeStatus.ACKNOWLEDGED) == [second.reference]


def test_counts_stop_at_the_limit(world, monkeypatch):
    b = world.users["b_officer"]
    for n in range(4):
        _send(world, subject=f"request {n}")
    assert selectors.waiting_counts(actor=b)["open"] == 4
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    counts = selectors.waiting_counts(actor=b)
    assert counts["open"] == 3 and selectors.count_label(counts["open"]) == "2+"
    assert selectors.count_label(2) == "2"


def test_counts_leave_out_what_the_policy_hides(world):
    """A participant row alone does not make an exchange visible: the policy decides."""
    b = world.users["b_officer"]
    exchange = _send(world)
    assert selectors.waiting_counts(actor=b)["open"] == 1
    exchange.audience_organisations.clear()  # as if the audience had been withdrawn
    Exchange.objects.filter(pk=exchange.pk).update(tlp=TLP.RED)
    assert selectors.waiting_counts(actor=b) == {"open": 0, "overdue": 0, "assigned": 0}
    assert _refs(b) == []
    assert selectors.waiting_counts(actor=world.users["operator"]) == {"open": 0, "overdue": 0, "assigned": 0}


@pytest.mark.parametrize("id_limit", [2000, 1])
def test_text_search_gives_the_same_answer_on_either_path(world, monkeypatch, id_limit):
    """Few matches filter by ids; many walk the inbox and test each row: the same answer."""
    monkeypatch.setattr(selectors, "SEARCH_ID_LIMIT", id_limit)
    b = world.users["b_officer"]
    in_subject = _send(world, subject="Phone +855 12 345 678")
    in_body = _send(world, subject="Vessel", body="its master's phone is +855 12 345 678")
    _send(world, subject="Wallet", body="bc1q...")
    # A message B may not see: its text must not make the exchange match for B.
    hidden = _send(world, subject="Car", body="plate 51F-123.45", recipients=[world.agency_c.pk])
    hidden.audience_organisations.add(world.agency_b)  # the thread, not its message
    Participant.objects.create(exchange=hidden, organisation=world.agency_b, updated_at=hidden.updated_at)
    assert _refs(b, q="345 678") == [in_body.reference, in_subject.reference]
    assert _refs(b, q="PHONE") == [in_body.reference, in_subject.reference]
    assert _refs(b, q="car") == [hidden.reference]
    assert _refs(b, q="51F-123") == []
    assert _refs(world.users["a_officer"], box="all", q="51F-123") == [hidden.reference]


def test_reference_search_is_exact_or_a_prefix(world):
    b = world.users["b_officer"]
    one = _send(world)
    two = _send(world)
    assert _refs(b, q=one.reference) == [one.reference]
    assert _refs(b, q=one.reference.lower()) == [one.reference]
    assert _refs(b, q=one.reference[:-1]) == [two.reference, one.reference]
    assert _refs(b, q="TH-2026-") == []
    # A reference B is not party to is not found by its number either.
    other = _send(world, recipients=[world.agency_c.pk])
    assert _refs(b, box="all", q=other.reference) == []


def test_inbox_page_shows_capped_counts(world, monkeypatch):
    from django.test import Client

    from tcx.testing import sign_in

    for n in range(3):
        _send(world, subject=f"request {n}", policy=Policy())
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 1)
    page = sign_in(Client(), world.users["b_officer"]).get("/exchange/").content.decode()
    assert "1+ open received" in page


def test_every_page_carries_the_exchange_badge_for_operational_people(world):
    from django.test import Client

    from tcx.testing import sign_in

    exchange = _send(world)
    Exchange.objects.filter(pk=exchange.pk).update(deadline_at=exchange.created_at)
    Participant.objects.filter(exchange=exchange).update(deadline_at=exchange.created_at)
    b = sign_in(Client(), world.users["b_officer"])
    home = b.get("/organisations/").content.decode()
    assert 'hx-get="/exchange/badge/nav/"' in home
    badge = b.get("/exchange/badge/nav/").content.decode()
    assert "1 overdue" in badge
    admin = sign_in(Client(), world.users["a_admin"])
    assert "/exchange/badge/nav/" not in admin.get("/organisations/").content.decode()
    assert admin.get("/exchange/badge/nav/").status_code == 404


def test_all_box_merges_received_and_sent_newest_first(world):
    b = world.users["b_officer"]
    received = _send(world, subject="to B")
    sent = services.exchange_send(actor=b, subject="from B", body="b", recipients=[world.agency_c.pk])
    later = _send(world, subject="to B again")
    _send(world, subject="not for B", recipients=[world.agency_c.pk])
    assert _refs(b, box="all") == [later.reference, sent.reference, received.reference]
    listed = selectors.exchange_list(actor=b, filters=selectors.ExchangeFilters(box="all"))[:2]
    assert [e.reference for e in listed] == [later.reference, sent.reference]
    assert _refs(b, box="all", q="from B") == [sent.reference]
    assert _refs(b, box="outbox") == [sent.reference]


def test_badges_are_not_polled(world):
    """A polled badge would keep an idle page's session alive past the idle timeout."""
    from django.test import Client

    from tcx.testing import sign_in

    _send(world)
    b = sign_in(Client(), world.users["b_officer"])
    for url in ("/organisations/", "/exchange/"):
        assert "every " not in b.get(url).content.decode()
