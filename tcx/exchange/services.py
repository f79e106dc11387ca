"""Writes on exchanges: send, read (receipts), acknowledge, assign, answer/reply, close, forward
(with the provider's permission under H2), reminders and escalation.

Every write is one transaction with its audit event. A message is stored whole with all its
attachments or not at all: files written before a failure are removed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.exchange import selectors, storage
from tcx.exchange.models import (
    STATUS_ORDER,
    Attachment,
    Exchange,
    ExchangeStatus,
    ForwardRequest,
    ForwardStatus,
    Message,
    Notification,
    Participant,
    ParticipantRole,
    Priority,
    ReadReceipt,
    ReferenceSequence,
    Routing,
)
from tcx.organisations import selectors as org_selectors
from tcx.policy import rules
from tcx.policy.rules import Action, NotFound, Policy

DEFAULT_DEADLINES = {
    "urgent": dt.timedelta(hours=8),
    "normal": dt.timedelta(days=7),
    "routine": dt.timedelta(days=30),
}
DEFAULT_MAX_BODY_CHARS = 100_000


class ExchangeError(ValueError):
    """Input that breaks a rule; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclasses.dataclass
class Upload:
    """A file as received: its name, its bytes, and (optionally) the SHA-256 the sender declared."""

    name: str
    data: bytes
    sha256: str = ""


def deadline_for(priority: str, *, sent_at: dt.datetime) -> dt.datetime:
    """The answer deadline (UTC) of a request of ``priority`` sent at ``sent_at``.

    ``TCX_EXCHANGE_DEADLINES`` maps priorities to timedeltas; read at call time."""
    deadlines = {**DEFAULT_DEADLINES, **getattr(settings, "TCX_EXCHANGE_DEADLINES", {})}
    return (sent_at + deadlines[priority]).astimezone(dt.UTC)


def next_reference(*, country_code: str, year: int) -> str:
    """``VN-2026-000042``: the next number for the country and year, safe under concurrency.

    The UPDATE takes the row lock (PostgreSQL) or the database write lock (SQLite) until the
    caller's transaction ends, so two senders never get the same number."""
    for _ in range(3):
        updated = ReferenceSequence.objects.filter(country_code=country_code, year=year).update(
            last=F("last") + 1
        )
        if updated:
            break
        try:
            with transaction.atomic():
                ReferenceSequence.objects.create(country_code=country_code, year=year, last=1)
            break
        except IntegrityError:
            continue
    last = ReferenceSequence.objects.get(country_code=country_code, year=year).last
    return f"{country_code}-{year}-{last:06d}"


def _sender_check(actor: Any) -> None:
    if not rules.sees_operational_data(actor):
        raise NotFound("not found")


def _recipients(ids: list[int], field: str, errors: dict[str, str]) -> list[Any]:
    orgs = list(org_selectors.organisation_list().filter(pk__in=ids, is_active=True))
    missing = set(ids) - {o.pk for o in orgs}
    if missing:
        errors[field] = f"unknown recipient organisation(s): {sorted(missing)}"
    return orgs


def _contact_points(agencies: list[Any]) -> dict[int, Any]:
    """The national contact point units of the agencies that are not one themselves."""
    parents = [a.pk for a in agencies if not a.is_national_contact_point]
    if not parents:
        return {}
    units = org_selectors.organisation_list().filter(parent__in=parents, is_national_contact_point=True)
    found: dict[int, Any] = {}
    for unit in units.order_by("-pk"):
        if unit.parent_id is not None:
            found[unit.parent_id] = unit  # the oldest wins
    return found


def _route(agency: Any, unit: Any | None = None, contact_point: Any | None = None) -> tuple[Any, str]:
    """Where a message to ``agency`` is delivered: the ``unit`` the sender named, else the
    agency's national contact point (its active unit flagged as one), else the agency itself.

    Never to another agency of the same country: the sender chose the agency that may read it."""
    if unit is not None:
        return unit, Routing.UNIT
    if contact_point is None and not agency.is_national_contact_point:
        contact_point = _contact_points([agency]).get(agency.pk)
    if contact_point is not None:
        return contact_point, Routing.CONTACT_POINT
    return agency, Routing.AGENCY


def _routes(agencies: list[Any], units: dict[int, int], errors: dict[str, str]) -> dict[int, tuple[Any, str]]:
    """The organisation each addressed agency's message is delivered to (see ``_route``)."""
    by_id = {a.pk: a for a in agencies}
    strays = sorted(set(units) - set(by_id))
    if strays:
        errors["units"] = f"a unit is named for organisation(s) that are not recipients: {strays}"
        return {}
    unit_list = org_selectors.organisation_list().filter(pk__in=set(units.values()), parent__isnull=False)
    named = {o.pk: o for o in unit_list} if units else {}
    wrong = [
        f"{unit_id} is not a unit of {by_id[agency_id].name}"
        for agency_id, unit_id in units.items()
        if unit_id not in named or named[unit_id].parent_id != agency_id
    ]
    if wrong:
        errors["units"] = "; ".join(wrong)
        return {}
    contact_points = _contact_points([a for a in agencies if a.pk not in units])
    routes = {a.pk: _route(a, named.get(units.get(a.pk, 0)), contact_points.get(a.pk)) for a in agencies}
    seen: dict[int, Any] = {}
    for agency_id, (organisation, _) in routes.items():
        if organisation.pk in seen:
            errors["recipients"] = (
                f"{seen[organisation.pk].name} and {by_id[agency_id].name} are both delivered to "
                f"{organisation.name}; name it once"
            )
        seen[organisation.pk] = by_id[agency_id]
    return routes


def _store_files(uploads: list[Upload], errors: dict[str, str]) -> list[tuple[Upload, str, str]]:
    checked = []
    problems = []
    for upload in uploads:
        try:
            sha256, content_type = storage.inspect(upload.name, upload.data, declared_sha256=upload.sha256)
        except storage.AttachmentError as exc:
            problems.append(str(exc))
        else:
            checked.append((upload, sha256, content_type))
    if problems:
        errors["attachments"] = "; ".join(problems)
    return checked


def _attach(message: Message, checked: list[tuple[Upload, str, str]], written: list[str]) -> None:
    if not checked:
        return
    taken = {n.lower() for n in message.attachments.values_list("name", flat=True)}
    for upload, sha256, content_type in checked:
        stored = storage.write(upload.name, upload.data, sha256=sha256, content_type=content_type)
        written.append(stored.storage_name)
        name = storage.unique_name(stored.name, taken)
        taken.add(name.lower())
        Attachment.objects.create(
            message=message,
            name=name,
            size=stored.size,
            sha256=stored.sha256,
            content_type=stored.content_type,
            storage_name=stored.storage_name,
            key_id=stored.key_id,
        )


def _check_linked_records(actor: Any, ids: list[int], errors: dict[str, str]) -> list[int]:
    """The ids of records the sender links, each one a record the sender may see."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    if not apps.is_installed("tcx.records"):
        errors["linked_record_ids"] = "this node has no records to link"
        return []
    from tcx.records import selectors as record_selectors

    seen = set(record_selectors.record_list(actor=actor).filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in seen]
    if missing:
        # "not found" for a record the sender may not see as for one that does not exist.
        errors["linked_record_ids"] = f"record(s) not found: {missing}"
    return ids


def _check_body(body: str, errors: dict[str, str]) -> str:
    body = (body or "").strip()
    limit = int(getattr(settings, "TCX_EXCHANGE_MAX_BODY_CHARS", DEFAULT_MAX_BODY_CHARS))
    if not body:
        errors["body"] = "write the message"
    elif len(body) > limit:
        errors["body"] = f"the message has {len(body)} characters; at most {limit} are allowed"
    return body


def _cleanup_on_failure(written: list[str]) -> None:
    for name in written:
        storage.remove(name)


def exchange_send(
    *,
    actor: Any,
    subject: str,
    body: str,
    recipients: list[int],
    copy_recipients: list[int] | None = None,
    units: dict[int, int] | None = None,
    priority: str = Priority.NORMAL,
    crime_areas: list[str] | None = None,
    policy: Policy | None = None,
    attachments: list[Upload] | None = None,
    linked_record_ids: list[int] | None = None,
    request: HttpRequest | None = None,
) -> Exchange:
    """Send a new request: the thread, its first message and its attachments, whole or not at all.

    ``recipients`` and ``copy_recipients`` are agencies; ``units`` maps an agency to the unit of
    it that should receive the request; any other agency's copy goes to its national contact
    point (``_route``). The organisations reached are the audience of the exchange and of the
    message; a dialogue-partner recipient needs a legal basis."""
    _sender_check(actor)
    written: list[str] = []
    try:
        with transaction.atomic():
            exchange = _send(
                actor=actor,
                subject=subject,
                body=body,
                recipients=recipients,
                copy_recipients=copy_recipients or [],
                units=units or {},
                priority=priority,
                crime_areas=crime_areas or [],
                policy=policy or Policy(),
                attachments=attachments or [],
                linked_record_ids=linked_record_ids or [],
                written=written,
                request=request,
            )
    except BaseException:
        _cleanup_on_failure(written)
        raise
    return exchange


def _send(
    *,
    actor: Any,
    subject: str,
    body: str,
    recipients: list[int],
    copy_recipients: list[int],
    units: dict[int, int],
    priority: str,
    crime_areas: list[str],
    policy: Policy,
    attachments: list[Upload],
    linked_record_ids: list[int],
    written: list[str],
    request: HttpRequest | None,
) -> Exchange:
    errors: dict[str, str] = {}
    subject = (subject or "").strip()
    if not subject:
        errors["subject"] = "give the exchange a subject"
    elif len(subject) > 300:
        errors["subject"] = "the subject may have at most 300 characters"
    body = _check_body(body, errors)
    if priority not in Priority.values:
        errors["priority"] = f"unknown priority {priority!r}; use one of {', '.join(Priority.values)}"
    to_orgs = _recipients(recipients, "recipients", errors)
    cc_orgs = _recipients([i for i in copy_recipients if i not in recipients], "copy_recipients", errors)
    if not recipients and "recipients" not in errors:
        errors["recipients"] = "name at least one recipient organisation"
    routes = _routes(to_orgs + cc_orgs, units, errors)
    if actor.organisation_id in set(recipients) | set(copy_recipients) | {o.pk for o, _ in routes.values()}:
        errors["recipients"] = "your own agency cannot be a recipient"
    areas = list(org_selectors.crime_area_list().filter(code__in=crime_areas)) if crime_areas else []
    if len(areas) != len(set(crime_areas)):
        errors["crime_areas"] = f"unknown crime area(s): {sorted(set(crime_areas) - {a.code for a in areas})}"
    linked = _check_linked_records(actor, linked_record_ids, errors)
    checked = _store_files(attachments, errors)
    audience = [routes[o.pk][0].pk if o.pk in routes else o.pk for o in to_orgs + cc_orgs]
    try:
        validated = rules.validate_policy(
            dataclasses.replace(policy, audience_organisations=audience, audience_groups=[]),
            owner=actor.organisation,
        )
    except rules.PolicyError as exc:
        errors.update({k: v for k, v in exc.errors.items() if k not in ("audience_organisations",)})
        validated = policy
    if errors:
        raise ExchangeError(errors)
    now = timezone.now()
    country = actor.organisation.country.code if actor.organisation.country_id else "XX"
    exchange = Exchange.objects.create(
        owner=actor.organisation,
        reference=next_reference(country_code=country, year=now.year),
        subject=subject,
        priority=priority,
        sender=actor,
        created_at=now,
        updated_at=now,
        deadline_at=deadline_for(priority, sent_at=now),
        linked_record_ids=linked,
    )
    rules.apply_policy(exchange, validated)
    if areas:
        exchange.crime_areas.set(areas)
    Participant.objects.bulk_create(
        [
            Participant(
                exchange=exchange,
                organisation=routes[o.pk][0],
                addressed_to=o,
                routing=routes[o.pk][1],
                role=role,
                **_participant_copy(exchange),
            )
            for orgs, role in ((to_orgs, ParticipantRole.RECIPIENT), (cc_orgs, ParticipantRole.COPY))
            for o in orgs
        ]
    )
    message = Message.objects.create(
        exchange=exchange, owner=actor.organisation, author=actor, body=body, created_at=now
    )
    rules.apply_policy(message, validated)
    _attach(message, checked, written)
    audit.record(
        actor=actor,
        action=AuditAction.EXCHANGE_SENT,
        target=exchange,
        request=request,
        data={
            "reference": exchange.reference,
            "recipients": [o.pk for o in to_orgs],
            "copy": [o.pk for o in cc_orgs],
            "delivered_to": sorted(audience),
            "priority": priority,
            "attachments": [c[1] for c in checked],
            "linked_records": linked,
        },
    )
    return exchange


def _thread_audience(exchange: Exchange, *, without: int) -> list[int]:
    orgs = {exchange.owner_id, *exchange.participants.values_list("organisation_id", flat=True)}
    return sorted(orgs - {without})


def _participant(exchange: Exchange, actor: Any) -> Participant | None:
    return exchange.participants.filter(organisation_id=actor.organisation_id).first()


def _participant_copy(exchange: Exchange) -> dict[str, Any]:
    """The exchange's columns every participant row copies (its inbox order and state)."""
    return {"updated_at": exchange.updated_at, "status": exchange.status, "deadline_at": exchange.deadline_at}


def _advance(exchange: Exchange, status: str, **fields: Any) -> None:
    """Move the exchange forward to ``status`` (never backwards); ``fields`` are saved too,
    and the participants' copies of the order and state follow."""
    if (
        STATUS_ORDER.index(status) > STATUS_ORDER.index(exchange.status)
        and exchange.status != ExchangeStatus.CLOSED
    ):
        exchange.status = status
    exchange.updated_at = timezone.now()
    for name, value in fields.items():
        setattr(exchange, name, value)
    exchange.save(update_fields=["status", "updated_at", *fields])
    Participant.objects.filter(exchange=exchange).update(**_participant_copy(exchange))


@transaction.atomic
def message_reply(
    *,
    actor: Any,
    exchange: Exchange,
    body: str,
    policy: Policy | None = None,
    attachments: list[Upload] | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """Reply in a thread; a reply from a recipient agency answers the request.

    The reply goes to every organisation of the thread (sender and participants)."""
    written: list[str] = []
    try:
        return _reply(
            actor=actor,
            exchange=exchange,
            body=body,
            policy=policy or Policy(),
            attachments=attachments or [],
            written=written,
            request=request,
        )
    except BaseException:
        _cleanup_on_failure(written)
        raise


def _reply(
    *,
    actor: Any,
    exchange: Exchange,
    body: str,
    policy: Policy,
    attachments: list[Upload],
    written: list[str],
    request: HttpRequest | None,
) -> Message:
    if not rules.is_visible(exchange, actor):
        raise NotFound("not found")
    errors: dict[str, str] = {}
    if exchange.status == ExchangeStatus.CLOSED:
        errors["exchange"] = "the exchange is closed"
    body = _check_body(body, errors)
    checked = _store_files(attachments, errors)
    audience = _thread_audience(exchange, without=actor.organisation_id)
    try:
        validated = rules.validate_policy(
            dataclasses.replace(policy, audience_organisations=audience, audience_groups=[]),
            owner=actor.organisation,
        )
    except rules.PolicyError as exc:
        errors.update(exc.errors)
        validated = policy
    if errors:
        raise ExchangeError(errors)
    is_answer = actor.organisation_id != exchange.owner_id
    message = Message.objects.create(
        exchange=exchange, owner=actor.organisation, author=actor, body=body, is_answer=is_answer
    )
    rules.apply_policy(message, validated)
    _attach(message, checked, written)
    if is_answer:
        _advance(exchange, ExchangeStatus.ANSWERED, answered_at=exchange.answered_at or message.created_at)
    else:
        _advance(exchange, exchange.status)
    audit.record(
        actor=actor,
        action=AuditAction.EXCHANGE_REPLIED,
        target=message,
        request=request,
        data={"exchange": exchange.pk, "reference": exchange.reference, "answer": is_answer},
    )
    return message


@transaction.atomic
def exchange_mark_read(
    *,
    actor: Any,
    exchange: Exchange,
    messages: list[Message],
    records: list[Any] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Record that ``actor`` read the thread: receipts for the messages of other agencies, the
    read in the audit log (and a read of each linked record shown, for its owner to see), and
    delivery when a recipient agency first opens it."""
    audit.record(
        actor=actor,
        action=AuditAction.EXCHANGE_READ,
        target=exchange,
        request=request,
        data={"reference": exchange.reference, "messages": [m.pk for m in messages]},
    )
    for record in records or []:
        audit.record(
            actor=actor,
            action=AuditAction.RECORD_VIEWED,
            target=record,
            request=request,
            data={"via": "exchange", "exchange": exchange.pk, "reference": exchange.reference},
        )
    foreign = [m for m in messages if m.owner_id != actor.organisation_id]
    if foreign:
        seen = set(
            ReadReceipt.objects.filter(reader=actor, message__in=foreign).values_list("message_id", flat=True)
        )
        ReadReceipt.objects.bulk_create(
            [
                ReadReceipt(message=m, reader=actor, organisation_id=actor.organisation_id)
                for m in foreign
                if m.pk not in seen
            ]
        )
    participant = _participant(exchange, actor)
    if participant is not None and participant.delivered_at is None:
        participant.delivered_at = timezone.now()
        participant.save(update_fields=["delivered_at"])
        if exchange.status == ExchangeStatus.SENT:
            _advance(exchange, ExchangeStatus.DELIVERED)
        audit.record(actor=actor, action=AuditAction.EXCHANGE_DELIVERED, target=exchange, request=request)


def _recipient_check(exchange: Exchange, actor: Any) -> Participant:
    if not rules.is_visible(exchange, actor):
        raise NotFound("not found")
    participant = _participant(exchange, actor)
    if participant is None:
        raise NotFound("not found")
    return participant


@transaction.atomic
def exchange_acknowledge(*, actor: Any, exchange: Exchange, request: HttpRequest | None = None) -> Exchange:
    """A recipient agency confirms it has the request and is working on it."""
    participant = _recipient_check(exchange, actor)
    if exchange.status == ExchangeStatus.CLOSED:
        raise ExchangeError({"exchange": "the exchange is closed"})
    if participant.acknowledged_at is None:
        now = timezone.now()
        participant.acknowledged_at = now
        participant.delivered_at = participant.delivered_at or now
        participant.save(update_fields=["acknowledged_at", "delivered_at"])
        _advance(exchange, ExchangeStatus.ACKNOWLEDGED)
        audit.record(actor=actor, action=AuditAction.EXCHANGE_ACKNOWLEDGED, target=exchange, request=request)
    return exchange


@transaction.atomic
def exchange_assign(
    *, actor: Any, exchange: Exchange, assignee_id: int | None, request: HttpRequest | None = None
) -> Participant:
    """Assign the exchange to a colleague of the actor's agency (None: unassign)."""
    participant = _recipient_check(exchange, actor)
    assignee = None
    if assignee_id is not None:
        assignee = selectors.colleagues(organisation_id=actor.organisation_id).filter(pk=assignee_id).first()
        if assignee is None or not rules.sees_operational_data(assignee):
            raise ExchangeError(
                {"assignee": "choose an active colleague of your agency who handles operational data"}
            )
    participant.assigned_to = assignee
    participant.save(update_fields=["assigned_to"])
    _advance(exchange, exchange.status)
    audit.record(
        actor=actor,
        action=AuditAction.EXCHANGE_ASSIGNED,
        target=exchange,
        request=request,
        data={"assignee": assignee.pk if assignee else None},
    )
    if assignee is not None and assignee.pk != actor.pk:
        Notification.objects.get_or_create(
            user=assignee,
            exchange=exchange,
            key=f"assigned-{timezone.now():%Y%m%d%H%M%S%f}",
            defaults={"text": f"{exchange.reference} was assigned to you: {exchange.subject}"[:300]},
        )
    return participant


@transaction.atomic
def exchange_close(*, actor: Any, exchange: Exchange, request: HttpRequest | None = None) -> Exchange:
    """Close the thread (the sender or a recipient agency)."""
    if not rules.is_visible(exchange, actor):
        raise NotFound("not found")
    if exchange.owner_id != actor.organisation_id and _participant(exchange, actor) is None:
        raise NotFound("not found")
    if exchange.status != ExchangeStatus.CLOSED:
        _advance(exchange, ExchangeStatus.CLOSED, closed_at=timezone.now())
        audit.record(actor=actor, action=AuditAction.EXCHANGE_CLOSED, target=exchange, request=request)
    return exchange


def _add_forward_participant(exchange: Exchange, agency: Any) -> None:
    organisation, routing = _route(agency)
    Participant.objects.get_or_create(
        exchange=exchange,
        organisation=organisation,
        defaults={
            "role": ParticipantRole.FORWARDED,
            "addressed_to": agency,
            "routing": routing,
            **_participant_copy(exchange),
        },
    )
    exchange.audience_organisations.add(organisation)
    for message in exchange.messages.all():
        message.audience_organisations.add(organisation)


@transaction.atomic
def exchange_forward(
    *,
    actor: Any,
    exchange: Exchange,
    organisation_id: int,
    reason: str = "",
    request: HttpRequest | None = None,
) -> ForwardRequest:
    """Forward the thread to a third organisation. Where the handling codes allow it (``can``
    FORWARD) it happens at once; under H2 (or TLP:RED / AMBER+STRICT) it becomes a request the
    provider's people approve or decline."""
    if not rules.is_visible(exchange, actor) or actor.role not in rules.EDITOR_ROLES | {"partner_liaison"}:
        raise NotFound("not found")
    target = org_selectors.organisation_list().filter(pk=organisation_id, is_active=True).first()
    if target is None:
        raise ExchangeError({"organisation": f"unknown organisation {organisation_id}"})
    reached, _ = _route(target)
    if reached.pk == exchange.owner_id or exchange.participants.filter(organisation=reached).exists():
        raise ExchangeError({"organisation": f"{target.name} already takes part in this exchange"})
    if target.is_partner and not exchange.legal_basis:
        raise ExchangeError(
            {"organisation": "a dialogue-partner agency can only receive an exchange that has a legal basis"}
        )
    allowed = rules.can(actor, Action.FORWARD, exchange) and all(
        rules.can(actor, Action.FORWARD, m) for m in exchange.messages.all()
    )
    forward = ForwardRequest.objects.create(
        exchange=exchange, requested_by=actor, organisation=target, reason=reason[:500]
    )
    if allowed:
        forward.status = ForwardStatus.APPROVED
        forward.decided_by = actor
        forward.decided_at = timezone.now()
        forward.save(update_fields=["status", "decided_by", "decided_at"])
        _add_forward_participant(exchange, target)
        action = AuditAction.EXCHANGE_FORWARDED
    else:
        action = AuditAction.EXCHANGE_FORWARD_REQUESTED
    audit.record(
        actor=actor,
        action=action,
        target=exchange,
        request=request,
        data={"to": target.pk, "forward": forward.pk},
    )
    return forward


@transaction.atomic
def forward_decide(
    *, actor: Any, forward: ForwardRequest, approve: bool, request: HttpRequest | None = None
) -> ForwardRequest:
    """The provider (the exchange's owner) approves or declines a forward under H2."""
    exchange = forward.exchange
    if not rules.can(actor, Action.SHARE, exchange):
        raise NotFound("not found")
    if forward.status != ForwardStatus.PENDING:
        raise ExchangeError({"forward": "this forward request has already been decided"})
    forward.status = ForwardStatus.APPROVED if approve else ForwardStatus.DECLINED
    forward.decided_by = actor
    forward.decided_at = timezone.now()
    forward.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        _add_forward_participant(exchange, forward.organisation)
    audit.record(
        actor=actor,
        action=AuditAction.EXCHANGE_FORWARD_DECIDED,
        target=exchange,
        request=request,
        data={"forward": forward.pk, "approved": approve, "to": forward.organisation_id},
    )
    return forward


@transaction.atomic
def notifications_mark_read(*, actor: Any) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def _notify(users: list[Any], exchange: Exchange, key: str, text: str) -> list[Any]:
    """Create the notification once per user and key; return the users newly notified."""
    fresh = []
    for user in users:
        _, created = Notification.objects.get_or_create(
            user=user, exchange=exchange, key=key, defaults={"text": text[:300]}
        )
        if created:
            fresh.append(user)
    return fresh


def exchange_remind(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind the handlers of open requests whose deadline is near, and escalate overdue ones to
    the recipient agency's supervisors. Idempotent: each reminder and escalation is sent once.

    ``TCX_EXCHANGE_REMIND_BEFORE`` (a fraction of the answer time, default 0.25) sets "near"."""
    now = now or timezone.now()
    fraction = float(getattr(settings, "TCX_EXCHANGE_REMIND_BEFORE", 0.25))
    counts = {"reminders": 0, "escalations": 0}
    open_exchanges = Exchange.objects.filter(answered_at__isnull=True).exclude(status=ExchangeStatus.CLOSED)
    for exchange in open_exchanges.filter(
        deadline_at__lte=now + max(DEFAULT_DEADLINES.values())
    ).select_related("owner"):
        window = (exchange.deadline_at - exchange.created_at) * fraction
        if now < exchange.deadline_at - window:
            continue
        overdue = now >= exchange.deadline_at
        due = f"{exchange.deadline_at:%Y-%m-%d %H:%M}"
        with transaction.atomic():
            for participant in exchange.participants.filter(role=ParticipantRole.RECIPIENT).select_related(
                "organisation"
            ):
                if overdue:
                    users = list(
                        selectors.colleagues(
                            organisation_id=participant.organisation_id, roles=["supervisor"]
                        )
                    )
                    key, text = (
                        "escalated",
                        f"Overdue: {exchange.reference} ({exchange.subject}) was due {due} UTC",
                    )
                else:
                    users = (
                        [participant.assigned_to]
                        if participant.assigned_to
                        else list(
                            selectors.colleagues(
                                organisation_id=participant.organisation_id,
                                roles=["officer", "partner_liaison"],
                            )
                        )
                    )
                    key, text = (
                        "reminded",
                        f"Due soon: {exchange.reference} ({exchange.subject}) is due {due} UTC",
                    )
                fresh = _notify(users, exchange, key, text)
                if not fresh:
                    continue
                counts["escalations" if overdue else "reminders"] += 1
                emails = [u.email for u in fresh if u.email]
                if emails:
                    send_mail(f"[TCX] {text}", text, None, emails, fail_silently=True)
                audit.record(
                    actor=None,
                    action=AuditAction.EXCHANGE_ESCALATED if overdue else AuditAction.EXCHANGE_REMINDED,
                    target=exchange,
                    data={"organisation": participant.organisation_id, "users": [u.pk for u in fresh]},
                )
    return counts
