"""Reminders before due dates: 30 and 7 days before, and once when a line turns late.

There is no mail on an air-gapped node: a reminder is a stored ``Reminder`` (shown on the home
page of the lead state's people) and an audit event. Each is sent once per line, kind and due date.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.roadmap.lateness import is_past_due, region_today
from tcx.roadmap.models import CLOSED_STATUSES, ActionLine, Reminder


def reminder_kind(line: ActionLine, now: dt.datetime) -> str | None:
    if line.status in CLOSED_STATUSES:
        return None
    if is_past_due(line.due_on, now):
        return "late"
    days = (line.due_on - region_today(now)).days
    if days <= 7:
        return "due_7"
    if days <= 30:
        return "due_30"
    return None


@transaction.atomic
def reminders_send(*, now: dt.datetime | None = None) -> list[Reminder]:
    """Create the reminders that are due and not yet sent; returns the new ones."""
    now = now or timezone.now()
    sent = []
    for line in ActionLine.objects.exclude(status__in=CLOSED_STATUSES).select_related("lead"):
        kind = reminder_kind(line, now)
        if kind is None:
            continue
        reminder, created = Reminder.objects.get_or_create(action_line=line, kind=kind, due_on=line.due_on)
        if created:
            audit.record(
                action=AuditAction.ROADMAP_REMINDER_SENT,
                target=line,
                data={"kind": kind, "due_on": line.due_on.isoformat(), "lead": line.lead.code},
            )
            sent.append(reminder)
    return sent
