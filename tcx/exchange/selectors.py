"""Reads on exchanges. Every function takes the actor and returns only what the actor may see
(``tcx.policy.rules``); an exchange the actor may not see is ``NotFound``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tcx.exchange.models import (
    Attachment,
    Exchange,
    ExchangeStatus,
    ForwardConsent,
    ForwardRequest,
    ForwardStatus,
    Message,
    Participant,
    ParticipantRole,
)
from tcx.policy import rules
from tcx.policy.actors import Actor, user_of
from tcx.policy.capabilities import Capability, has_capability, holders
from tcx.policy.rules import NotFound

# The time zone an agency works in, by country (display only; everything is stored in UTC).
COUNTRY_TIME_ZONES = {
    "BN": "Asia/Brunei",
    "KH": "Asia/Phnom_Penh",
    "ID": "Asia/Jakarta",
    "LA": "Asia/Vientiane",
    "MY": "Asia/Kuala_Lumpur",
    "MM": "Asia/Yangon",
    "PH": "Asia/Manila",
    "SG": "Asia/Singapore",
    "TH": "Asia/Bangkok",
    "VN": "Asia/Ho_Chi_Minh",
    "TL": "Asia/Dili",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
    "CN": "Asia/Shanghai",
    "AU": "Australia/Sydney",
    "NZ": "Pacific/Auckland",
    "IN": "Asia/Kolkata",
    "GB": "Europe/London",
    "US": "America/New_York",
    "CA": "America/Toronto",
    "RU": "Europe/Moscow",
}


def time_zone_of(organisation: Any) -> ZoneInfo:
    code = organisation.country.code if getattr(organisation, "country_id", None) else ""
    return ZoneInfo(COUNTRY_TIME_ZONES.get(code, "UTC"))


def local_time(moment: dt.datetime, *, organisation: Any) -> dt.datetime:
    """``moment`` (UTC) in the time zone of ``organisation``."""
    return moment.astimezone(time_zone_of(organisation))


def colleagues(*, organisation_id: int, capability: Capability = Capability.SEE_OPERATIONAL) -> QuerySet[Any]:
    """The active people of an agency with ``capability`` (by default, its operational people:
    for assignment, reminders, escalation)."""
    users = get_user_model().objects.filter(holders(capability), organisation_id=organisation_id)
    return users.order_by("last_name", "first_name", "username")


# The largest id the database holds (64-bit signed): a larger one cannot exist.
MAX_ID = 2**63 - 1


def _id_or_not_found(value: int, what: str) -> int:
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"{what} {value} not found")
    return value


def access_exchange(*, actor: Actor, exchange_id: int, action: str = rules.Action.VIEW) -> Exchange:
    """The one lookup of an exchange: NotFound if it does not exist or the actor may not see it."""
    _id_or_not_found(exchange_id, "exchange")
    queryset = Exchange.objects.select_related("owner__country", "sender")
    return rules.access(queryset, actor=actor, pk=exchange_id, action=action)


def thread_messages(*, actor: Actor, exchange: Exchange) -> list[Message]:
    """The messages of the thread the actor may see (each message has its own policy)."""
    queryset = Message.objects.filter(exchange=exchange).select_related("owner", "author")
    return list(
        rules.visible(queryset, actor).prefetch_related(
            "attachments", "receipts__reader", "receipts__organisation"
        )
    )


def access_attachment(*, actor: Actor, attachment_id: int) -> Attachment:
    _id_or_not_found(attachment_id, "attachment")
    attachment = Attachment.objects.filter(pk=attachment_id).select_related("message__exchange").first()
    # The message and its thread: a message is never reached outside a thread its reader sees.
    if (
        attachment is None
        or not rules.is_visible(attachment.message, actor)
        or not rules.is_visible(attachment.message.exchange, actor)
    ):
        raise NotFound(f"attachment {attachment_id} not found")
    return attachment


@dataclasses.dataclass
class ExchangeFilters:
    box: str = "inbox"  # inbox | outbox | all
    priority: str = ""
    overdue: bool = False
    crime_area: str = ""
    country: str = ""
    assigned_to_me: bool = False
    status: str = ""
    q: str = ""


OPEN_STATUSES = (ExchangeStatus.SENT, ExchangeStatus.DELIVERED, ExchangeStatus.ACKNOWLEDGED)
# The counts of the inbox and the badge stop here ("1000+"): they never scan a whole inbox.
COUNT_LIMIT = 1000
# A text search with at most this many matching exchanges filters the inbox by their ids; one
# with more walks the inbox in order and tests each row (the first 100 come quickly then).
SEARCH_ID_LIMIT = 2000
REFERENCE_RE = re.compile(r"^[A-Za-z]{2}-\d{4}-\d*$")


def overdue_q(now: dt.datetime | None = None) -> Q:
    return Q(answered_at__isnull=True, deadline_at__lt=now or timezone.now()) & ~Q(
        status=ExchangeStatus.CLOSED
    )


def _text_matches(*, actor: Actor, text: str) -> Q:
    """Exchanges whose subject, or a message the actor may see, contains ``text``.

    Few matches (a phone number, a name): the ids, found through the text indexes (pg_trgm on
    PostgreSQL). Many (a common word): the same test row by row, as the inbox is walked."""
    subjects = Exchange.objects.filter(subject__icontains=text).values_list("pk", flat=True)
    bodies = rules.visible(Message.objects.filter(body__icontains=text), actor, per_row=True).values_list(
        "exchange_id", flat=True
    )
    ids = set(subjects.order_by()[: SEARCH_ID_LIMIT + 1])
    if len(ids) <= SEARCH_ID_LIMIT:
        ids |= set(bodies.order_by()[: SEARCH_ID_LIMIT + 1 - len(ids)])
    if len(ids) <= SEARCH_ID_LIMIT:
        return Q(pk__in=sorted(ids))
    in_bodies = rules.visible(
        Message.objects.filter(exchange=OuterRef("pk"), body__icontains=text), actor, per_row=True
    )
    return Q(subject__icontains=text) | Q(Exists(in_bodies))


def _reference_prefix(prefix: str) -> Q:
    """A reference or its beginning, through an index rather than a text search: PostgreSQL's
    pattern index serves LIKE 'prefix%'; SQLite's LIKE ignores case, so there the same rows are
    also bounded as a range of the unique index (binary order: exact)."""
    q = Q(reference__startswith=prefix)
    if connection.vendor == "sqlite":
        q &= Q(reference__gte=prefix, reference__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))
    return q


def exchange_list(*, actor: Actor, filters: ExchangeFilters | None = None) -> QuerySet[Exchange]:
    """The exchanges the actor may see: received (inbox), sent (outbox) or both ("all"), filtered,
    newest first, as one queryset with no cap (the caller paginates: every exchange is reachable).

    The inbox is read from the agency's participant rows, newest first, through the index
    (organisation, -updated_at), the outbox through (owner, -updated_at); "all" is the exchanges
    the agency sent or takes part in. The policy decides what is visible."""
    return _box(actor, filters or ExchangeFilters())


def _box(actor: Actor, f: ExchangeFilters) -> QuerySet[Exchange]:
    org = actor.organisation_id if rules.sees_operational_data(actor) else 0
    queryset = rules.visible(Exchange.objects.all(), actor, per_row=True)
    mine = Participant.objects.filter(exchange=OuterRef("pk"), organisation_id=org)
    order: tuple[str, ...] = ("-updated_at", "-pk")
    if f.box == "inbox":
        # The agency's own participant row (one per exchange: no duplicates), with every
        # condition on it in one filter() so that they all apply to that same row.
        own: dict[str, Any] = {"participants__organisation_id": org}
        if f.status:
            own["participants__status"] = f.status
        if f.overdue:
            own["participants__status__in"] = OPEN_STATUSES
            own["participants__deadline_at__lt"] = timezone.now()
        queryset = queryset.filter(**own)
        order = ("-participants__updated_at", "-participants__exchange_id")
    elif f.box == "outbox":
        queryset = queryset.filter(owner_id=org)
        if f.status:
            queryset = queryset.filter(status=f.status)
        if f.overdue:
            queryset = queryset.filter(overdue_q())
    else:
        # sent by the agency (conditions on the exchange) or received (on its participant row)
        sent = Q(owner_id=org)
        received = mine
        if f.status:
            sent &= Q(status=f.status)
            received = received.filter(status=f.status)
        if f.overdue:
            sent &= overdue_q()
            received = received.filter(status__in=OPEN_STATUSES, deadline_at__lt=timezone.now())
        queryset = queryset.filter(sent | Exists(received))
    if f.priority:
        queryset = queryset.filter(priority=f.priority)
    if f.crime_area:
        queryset = queryset.filter(crime_areas__code=f.crime_area)
    if f.country:
        code = f.country.upper()
        other = Participant.objects.filter(exchange=OuterRef("pk"), organisation__country__code=code)
        queryset = queryset.filter(Q(owner__country__code=code) | Exists(other))
    if f.assigned_to_me:
        queryset = queryset.filter(Exists(mine.filter(assigned_to=user_of(actor))))
    text = f.q.strip()
    if text and REFERENCE_RE.match(text):
        queryset = queryset.filter(_reference_prefix(text.upper()))
    elif text:
        queryset = queryset.filter(_text_matches(actor=actor, text=text))
    return queryset.select_related("owner__country").order_by(*order)


def linked_records(*, actor: Actor, exchange: Exchange) -> list[Any]:
    """The records linked to the exchange that the actor may see, in the order they were linked.

    Each is resolved through ``tcx.records`` with the reader as actor, so the records' own
    policy decides: a record the reader may not see is left out, with no trace that it is there.
    """
    ids = list(exchange.linked_record_ids or [])
    if not ids or not apps.is_installed("tcx.records") or not rules.is_visible(exchange, actor):
        return []
    from tcx.records import selectors as record_selectors

    found = {r.pk: r for r in record_selectors.record_list(actor=actor).filter(pk__in=ids)}
    return [found[record_id] for record_id in ids if record_id in found]


def participants_of(*, actor: Actor, exchange: Exchange) -> list[Participant]:
    if not rules.is_visible(exchange, actor):
        return []
    return list(exchange.participants.select_related("organisation__country", "addressed_to", "assigned_to"))


def my_participation(*, actor: Actor, exchange: Exchange) -> Participant | None:
    return next(
        (
            p
            for p in participants_of(actor=actor, exchange=exchange)
            if p.organisation_id == actor.organisation_id
        ),
        None,
    )


def forward_requests_for_provider(*, actor: Actor) -> QuerySet[ForwardRequest]:
    """Forward requests waiting for the actor's agency's decision: those where a part of the
    thread the agency owns (the exchange or one of its messages) waits for its consent. The
    person who asked never decides their own request."""
    if not has_capability(actor, Capability.EDIT_OPERATIONAL):
        return ForwardRequest.objects.none()
    waiting = ForwardConsent.objects.filter(
        forward=OuterRef("pk"), organisation_id=actor.organisation_id, status=ForwardStatus.PENDING
    )
    return (
        ForwardRequest.objects.filter(Exists(waiting), status=ForwardStatus.PENDING)
        .exclude(requested_by=user_of(actor))
        .select_related("exchange", "organisation", "requested_by")
    )


def access_forward(*, actor: Actor, forward_id: int) -> ForwardRequest:
    _id_or_not_found(forward_id, "forward request")
    forward = forward_requests_for_provider(actor=actor).filter(pk=forward_id).first()
    if forward is None or not rules.is_visible(forward.exchange, actor):
        raise NotFound(f"forward request {forward_id} not found")
    return forward


def forwards_of(*, actor: Actor, exchange: Exchange) -> list[ForwardRequest]:
    """The forwards of a thread the actor's agency asked for or has a part in."""
    if not rules.is_visible(exchange, actor):
        return []
    part = ForwardConsent.objects.filter(forward=OuterRef("pk"), organisation_id=actor.organisation_id)
    forwards = exchange.forwards.filter(
        Q(requested_by__organisation_id=actor.organisation_id) | Exists(part)
    ).select_related("organisation", "requested_by")
    return list(forwards)


def forward_parts_waiting(*, actor: Actor, forward: ForwardRequest) -> list[Message]:
    """The actor's agency's messages that a forward asks to pass on (for its decision)."""
    ids = ForwardConsent.objects.filter(
        forward=forward, organisation_id=actor.organisation_id, status=ForwardStatus.PENDING
    ).values_list("message_id", flat=True)
    return list(Message.objects.filter(pk__in=ids, owner_id=actor.organisation_id))


def forward_waiting_for(*, forward: ForwardRequest) -> list[str]:
    """The names of the agencies whose consent a forward still waits for (no content)."""
    if forward.status != ForwardStatus.PENDING:
        return []
    names = ForwardConsent.objects.filter(forward=forward, status=ForwardStatus.PENDING).values_list(
        "organisation__name", flat=True
    )
    return sorted(set(names))


def waiting_counts(*, actor: Actor) -> dict[str, int]:
    """For the home panel and the badge: open received requests, overdue ones, assigned to me.

    Each count stops at ``COUNT_LIMIT + 1`` (shown as "1000+"), read from the participant rows'
    (organisation, status, deadline_at) index; the policy still decides what is counted."""
    if not rules.sees_operational_data(actor):
        return {"open": 0, "overdue": 0, "assigned": 0}
    visible = rules.visible(Exchange.objects.all(), actor, per_row=True)
    # One filter() per count: every condition applies to the agency's own participant row.
    own = {"participants__organisation_id": actor.organisation_id, "participants__status__in": OPEN_STATUSES}
    queries = {
        "open": visible.filter(**own),
        "overdue": visible.filter(**own, participants__deadline_at__lt=timezone.now()),
        "assigned": visible.filter(**own, participants__assigned_to=user_of(actor)),
    }
    # The three capped counts in one round trip: SELECT (SELECT COUNT(*) FROM (... LIMIT n)), ...
    # The inner SQL is the ORM's own, with its values as parameters: nothing user-given is pasted.
    parts = [
        query.order_by().values("pk")[: COUNT_LIMIT + 1].query.sql_with_params() for query in queries.values()
    ]
    sql = "SELECT " + ", ".join(  # noqa: S608
        f"(SELECT COUNT(*) FROM ({part}) AS capped_{n})"  # noqa: S608
        for n, (part, _) in enumerate(parts)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params in parts for param in params])
        row = cursor.fetchone()
    return dict(zip(queries, row, strict=True))


def count_label(count: int) -> str:
    """A count as shown: "1000+" past ``COUNT_LIMIT``."""
    return f"{COUNT_LIMIT}+" if count > COUNT_LIMIT else str(count)


@dataclasses.dataclass
class ServiceMeasure:
    organisation: str
    due: int
    in_time: int
    within_5_days: int

    @property
    def share(self) -> float | None:
        return self.in_time / self.due if self.due else None

    @property
    def share_5_days(self) -> float | None:
        return self.within_5_days / self.due if self.due else None


def service_measures(*, actor: Actor, since: dt.datetime | None = None) -> ServiceMeasure | None:
    """The actor's agency's share of received requests answered within the deadline (and within
    5 days, Europol's target), over requests already answered or past their deadline.
    Supervisors only; counts, never content."""
    if not has_capability(actor, Capability.SUPERVISE):
        return None
    now = timezone.now()
    since = since or now - dt.timedelta(days=365)
    participations = Participant.objects.filter(
        organisation_id=actor.organisation_id, role=ParticipantRole.RECIPIENT, exchange__created_at__gte=since
    ).values_list("exchange_id", "exchange__created_at", "exchange__deadline_at")
    rows = list(participations)
    first_answer: dict[int, dt.datetime] = {}
    for exchange_id, created in (
        Message.objects.filter(
            exchange_id__in=[r[0] for r in rows], owner_id=actor.organisation_id, is_answer=True
        )
        .order_by("created_at")
        .values_list("exchange_id", "created_at")
    ):
        first_answer.setdefault(exchange_id, created)
    due = in_time = within_5 = 0
    for exchange_id, created, deadline in rows:
        answered = first_answer.get(exchange_id)
        if answered is None and deadline > now:
            continue
        due += 1
        if answered is not None and answered <= deadline:
            in_time += 1
        if answered is not None and answered - created <= dt.timedelta(days=5):
            within_5 += 1
    return ServiceMeasure(actor.organisation.name, due, in_time, within_5)
