"""Deadlines are stored in UTC and shown in the agency's time zone, across the region
(Myanmar UTC+6:30 to Japan UTC+9) and across midnight."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tcx.exchange import selectors, services
from tcx.exchange.models import Exchange, Participant

YANGON = ZoneInfo("Asia/Yangon")
TOKYO = ZoneInfo("Asia/Tokyo")


def _org(code):
    return SimpleNamespace(country_id=1, country=SimpleNamespace(code=code))


def test_urgent_request_sent_late_evening_in_yangon_is_due_next_morning():
    sent = dt.datetime(2026, 3, 10, 22, 45, tzinfo=YANGON)  # 16:15 UTC
    deadline = services.deadline_for("urgent", sent_at=sent)
    assert deadline.tzinfo == dt.UTC
    assert deadline == dt.datetime(2026, 3, 11, 0, 15, tzinfo=dt.UTC)
    assert selectors.local_time(deadline, organisation=_org("MM")) == dt.datetime(
        2026, 3, 11, 6, 45, tzinfo=YANGON
    )
    # The same moment is 09:15 the next day in Tokyo and 07:15 in Bangkok.
    assert (
        selectors.local_time(deadline, organisation=_org("JP")).strftime("%Y-%m-%d %H:%M")
        == "2026-03-11 09:15"
    )
    assert (
        selectors.local_time(deadline, organisation=_org("TH")).strftime("%Y-%m-%d %H:%M")
        == "2026-03-11 07:15"
    )


def test_deadline_crosses_the_utc_date_but_not_tokyos():
    sent = dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC)  # 05:00 on 1 Jan in Tokyo
    deadline = services.deadline_for("urgent", sent_at=sent)
    assert deadline == dt.datetime(2027, 1, 1, 4, 0, tzinfo=dt.UTC)
    assert deadline.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M") == "2027-01-01 13:00"


@pytest.mark.parametrize(
    ("priority", "delta"), [("normal", dt.timedelta(days=7)), ("routine", dt.timedelta(days=30))]
)
def test_normal_and_routine_deadlines(priority, delta):
    sent = dt.datetime(2026, 6, 1, 23, 59, tzinfo=ZoneInfo("Asia/Manila"))
    assert services.deadline_for(priority, sent_at=sent) - sent == delta


def test_deadlines_are_configurable_at_call_time(settings):
    settings.TCX_EXCHANGE_DEADLINES = {"urgent": dt.timedelta(hours=4)}
    sent = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert services.deadline_for("urgent", sent_at=sent) == sent + dt.timedelta(hours=4)
    assert services.deadline_for("normal", sent_at=sent) == sent + dt.timedelta(days=7)


@pytest.mark.django_db
def test_overdue_is_computed_at_the_same_instant_everywhere(world):
    exchange = services.exchange_send(
        actor=world.users["a_officer"],
        subject="s",
        body="b",
        recipients=[world.agency_b.pk],
        priority="urgent",
    )
    assert not exchange.is_overdue
    late = exchange.created_at - dt.timedelta(seconds=1)
    Exchange.objects.filter(pk=exchange.pk).update(deadline_at=late)
    Participant.objects.filter(exchange=exchange).update(deadline_at=late)  # the inbox's copy
    exchange.refresh_from_db()
    assert exchange.is_overdue
    for actor in (world.users["a_officer"], world.users["b_officer"]):
        overdue = selectors.exchange_list(
            actor=actor, filters=selectors.ExchangeFilters(box="all", overdue=True)
        )
        assert list(overdue) == [exchange]
