"""Lateness is computed, never stored.

A due date is a date, and the region spans UTC+6:30 (Myanmar) to UTC+9 (eastern Indonesia,
Timor-Leste). We close a due date at the end of that day in the westernmost zone of the region,
UTC+6:30 (Asia/Yangon): at 17:30 UTC on the due date. So no one is ever marked late while it is
still the due date in their own capital, and the answer is the same for every viewer.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

DUE_DATE_ZONE = ZoneInfo("Asia/Yangon")


def due_closes_at(due_on: dt.date) -> dt.datetime:
    """The instant a due date is over: the start of the next day in UTC+6:30."""
    return dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time(0, 0), tzinfo=DUE_DATE_ZONE)


def is_past_due(due_on: dt.date, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= due_closes_at(due_on)


def effective_status(status: str, due_on: dt.date, now: dt.datetime | None = None) -> str:
    """The status to show: what people decided, or "late" if an open line's due date is over."""
    if status in ("done", "dropped"):
        return status
    return "late" if is_past_due(due_on, now) else status


def region_today(now: dt.datetime | None = None) -> dt.date:
    """Today in the zone that closes due dates (consistent with ``is_past_due``)."""
    return (now or timezone.now()).astimezone(DUE_DATE_ZONE).date()
