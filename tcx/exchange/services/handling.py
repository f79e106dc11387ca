"""What recipients and the clock do with a thread: read, acknowledge, assign, close, forward,
remind and escalate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.exchange import notifications as exchange_notifications
from tcx.exchange import selectors
from tcx.exchange.models import (
    Exchange,
    ExchangeStatus,
    ForwardConsent,
    ForwardRequest,
    ForwardStatus,
    Message,
    Participant,
    ParticipantRole,
    ReadReceipt,
)
from tcx.exchange.services._base import (
    DEFAULT_DEADLINES,
    ExchangeError,
    _advance,
    _participant,
    _participant_copy,
    _route,
    check_no_nul,
)
from tcx.organisations import selectors as org_selectors
from tcx.policy import rules
from tcx.policy.actors import Actor, user_of
from tcx.policy.capabilities import Capability, has_capability
from tcx.policy.rules import Action, NotFound


@transaction.atomic
def exchange_mark_read(
    *,
    actor: Actor,
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
            ReadReceipt.objects.filter(reader=user_of(actor), message__in=foreign).values_list(
                "message_id", flat=True
            )
        )
        ReadReceipt.objects.bulk_create(
            [
                ReadReceipt(message=m, reader=user_of(actor), organisation_id=actor.organisation_id)
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


def _recipient_check(exchange: Exchange, actor: Actor) -> Participant:
    if not rules.is_visible(exchange, actor):
        raise NotFound("not found")
    participant = _participant(exchange, actor)
    if participant is None:
        raise NotFound("not found")
    return participant


@transaction.atomic
def exchange_acknowledge(*, actor: Actor, exchange: Exchange, request: HttpRequest | None = None) -> Exchange:
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
    *, actor: Actor, exchange: Exchange, assignee_id: int | None, request: HttpRequest | None = None
) -> Participant:
    """Assign the exchange to a colleague of the actor's agency (None: unassign)."""
    participant = _recipient_check(exchange, actor)
    assignee = None
    if assignee_id is not None and not 1 <= assignee_id <= selectors.MAX_ID:
        raise ExchangeError(
            {"assignee": "choose an active colleague of your agency who handles operational data"}
        )
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
        exchange_notifications.assigned(actor=actor, exchange=exchange, assignee=assignee)
    return participant


@transaction.atomic
def exchange_close(*, actor: Actor, exchange: Exchange, request: HttpRequest | None = None) -> Exchange:
    """Close the thread (the sender or a recipient agency)."""
    if not rules.is_visible(exchange, actor):
        raise NotFound("not found")
    if exchange.owner_id != actor.organisation_id and _participant(exchange, actor) is None:
        raise NotFound("not found")
    if exchange.status != ExchangeStatus.CLOSED:
        _advance(exchange, ExchangeStatus.CLOSED, closed_at=timezone.now())
        audit.record(actor=actor, action=AuditAction.EXCHANGE_CLOSED, target=exchange, request=request)
    return exchange


def _apply_forward(forward: ForwardRequest) -> None:
    """Give the new organisation what the owners consented to, and nothing else: the thread once
    the exchange's owner consented, and each message whose own owner consented. The forward's
    status follows its consents."""
    exchange = forward.exchange
    consents = list(forward.consents.select_related("message"))
    whole = next(c for c in consents if c.message_id is None)
    statuses = {c.status for c in consents}
    if whole.status == ForwardStatus.DECLINED:
        forward.status = ForwardStatus.DECLINED
    elif ForwardStatus.PENDING in statuses:
        forward.status = ForwardStatus.PENDING
    elif ForwardStatus.DECLINED in statuses:
        forward.status = ForwardStatus.PARTIAL
    else:
        forward.status = ForwardStatus.APPROVED
    if forward.status != ForwardStatus.PENDING and forward.decided_at is None:
        forward.decided_at = timezone.now()
    forward.save(update_fields=["status", "decided_at"])
    if whole.status != ForwardStatus.APPROVED:
        return
    organisation, routing = _route(forward.organisation)
    Participant.objects.get_or_create(
        exchange=exchange,
        organisation=organisation,
        defaults={
            "role": ParticipantRole.FORWARDED,
            "addressed_to": forward.organisation,
            "routing": routing,
            **_participant_copy(exchange),
        },
    )
    exchange.audience_organisations.add(organisation)
    for consent in consents:
        if consent.message is not None and consent.status == ForwardStatus.APPROVED:
            consent.message.audience_organisations.add(organisation)


@transaction.atomic
def exchange_forward(
    *,
    actor: Actor,
    exchange: Exchange,
    organisation_id: int,
    reason: str = "",
    request: HttpRequest | None = None,
) -> ForwardRequest:
    """Ask to forward the thread to a third organisation.

    The request covers the exchange and every message of it the requester can see. A part the
    owner's handling codes let the requester pass on (``can`` FORWARD: the requester's own
    agency's parts; others' without H2, TLP:RED or AMBER+STRICT) is consented at once; every other
    part waits for its owner's people, who decide for their own parts only. Nothing is shown to
    the new organisation that its owner has not consented to."""
    if not rules.is_visible(exchange, actor) or not has_capability(actor, Capability.EXCHANGE):
        raise NotFound("not found")
    nul: dict[str, str] = {}
    check_no_nul(nul, reason=reason)
    if nul:
        raise ExchangeError(nul)
    if not 1 <= organisation_id <= selectors.MAX_ID:
        raise ExchangeError({"organisation": f"unknown organisation {organisation_id}"})
    target = org_selectors.organisation_list().filter(pk=organisation_id, is_active=True).first()
    if target is None:
        raise ExchangeError({"organisation": f"unknown organisation {organisation_id}"})
    reached, _routing = _route(target)
    if reached.pk == exchange.owner_id or exchange.participants.filter(organisation=reached).exists():
        raise ExchangeError({"organisation": f"{target.name} already takes part in this exchange"})
    if exchange.forwards.filter(organisation=target, status=ForwardStatus.PENDING).exists():
        raise ExchangeError(
            {
                "organisation": _("a forward to %(name)s already waits for its providers")
                % {"name": target.name}
            }
        )
    if target.is_partner and not exchange.legal_basis:
        raise ExchangeError(
            {"organisation": "a dialogue-partner agency can only receive an exchange that has a legal basis"}
        )
    now = timezone.now()
    forward = ForwardRequest.objects.create(
        exchange=exchange, requested_by=user_of(actor), organisation=target, reason=reason[:500]
    )
    parts: list[tuple[Message | None, Any]] = [(None, exchange)]
    parts += [(m, m) for m in selectors.thread_messages(actor=actor, exchange=exchange)]
    consents = []
    for message, part in parts:
        allowed = rules.can(actor, Action.FORWARD, part)
        consents.append(
            ForwardConsent(
                forward=forward,
                message=message,
                organisation_id=part.owner_id,
                status=ForwardStatus.APPROVED if allowed else ForwardStatus.PENDING,
                decided_by=user_of(actor) if allowed else None,
                decided_at=now if allowed else None,
            )
        )
    ForwardConsent.objects.bulk_create(consents)
    if all(c.status == ForwardStatus.APPROVED for c in consents):
        forward.decided_by = user_of(actor)
        forward.save(update_fields=["decided_by"])
    _apply_forward(forward)
    waiting = sorted({c.organisation_id for c in consents if c.status == ForwardStatus.PENDING})
    if waiting:
        exchange_notifications.forward_requested(actor=actor, forward=forward, organisation_ids=waiting)
    audit.record(
        actor=actor,
        action=AuditAction.EXCHANGE_FORWARDED
        if forward.status == ForwardStatus.APPROVED
        else AuditAction.EXCHANGE_FORWARD_REQUESTED,
        target=exchange,
        request=request,
        data={
            "to": target.pk,
            "forward": forward.pk,
            "forwarded_messages": [c.message_id for c in consents if c.message_id and c.status == "approved"],
            "waiting_for": waiting,
        },
    )
    return forward


@transaction.atomic
def forward_decide(
    *, actor: Actor, forward: ForwardRequest, approve: bool, request: HttpRequest | None = None
) -> ForwardRequest:
    """The owner of parts of the thread approves or declines forwarding its own parts.

    Only an editor of an agency whose parts wait decides, and only for those parts; the person
    who asked for the forward never decides it."""
    forward = ForwardRequest.objects.select_for_update().get(pk=forward.pk)
    exchange = forward.exchange
    if (
        not rules.is_visible(exchange, actor)
        or not rules.edits_operational_data(actor)
        or actor.pk == forward.requested_by_id
    ):
        raise NotFound("not found")
    mine = forward.consents.filter(organisation_id=actor.organisation_id, status=ForwardStatus.PENDING)
    if forward.status != ForwardStatus.PENDING or not mine.exists():
        # Nothing of the actor's agency waits (decided, never asked, or the request is over).
        raise NotFound("not found")
    decided = list(mine.values_list("message_id", flat=True))
    mine.update(
        status=ForwardStatus.APPROVED if approve else ForwardStatus.DECLINED,
        decided_by=user_of(actor),
        decided_at=timezone.now(),
    )
    forward.decided_by = user_of(actor)
    forward.save(update_fields=["decided_by"])
    _apply_forward(forward)
    audit.record(
        actor=actor,
        action=AuditAction.EXCHANGE_FORWARD_DECIDED,
        target=exchange,
        request=request,
        data={
            "forward": forward.pk,
            "approved": approve,
            "to": forward.organisation_id,
            "exchange_part": None in decided,
            "messages": [m for m in decided if m is not None],
            "status": forward.status,
        },
    )
    return forward


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
                            organisation_id=participant.organisation_id, capability=Capability.SUPERVISE
                        )
                    )
                else:
                    users = (
                        [participant.assigned_to]
                        if participant.assigned_to
                        else list(
                            selectors.colleagues(
                                organisation_id=participant.organisation_id,
                                capability=Capability.HANDLE_REQUESTS,
                            )
                        )
                    )
                # in-app and by e-mail per each person's preference (deadlines are urgent), once
                fresh = exchange_notifications.deadline(
                    users=users, exchange=exchange, overdue=overdue, due=due
                )
                if not fresh:
                    continue
                counts["escalations" if overdue else "reminders"] += 1
                audit.record(
                    actor=None,
                    action=AuditAction.EXCHANGE_ESCALATED if overdue else AuditAction.EXCHANGE_REMINDED,
                    target=exchange,
                    data={"organisation": participant.organisation_id, "users": [u.pk for u in fresh]},
                )
    return counts
