"""The exchange's notification kinds, and who is told what (discovered by tcx.notifications).

What a notification says leaves the node by e-mail, so it names the exchange by its reference
and priority, never its subject or body: the recipient opens the thread (audited) to read it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tcx.exchange.models import Priority
from tcx.notifications import services as notifications
from tcx.notifications.registry import register_deadline_check, register_kind
from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability

REQUEST = "exchange.request"
REPLY = "exchange.reply"
FORWARD_REQUEST = "exchange.forward_request"
ASSIGNED = "exchange.assigned"
DEADLINE_NEAR = "exchange.deadline_near"
DEADLINE_PASSED = "exchange.deadline_passed"

register_kind(REQUEST, gettext_lazy("A new request to your agency"))
register_kind(REPLY, gettext_lazy("A reply in an exchange"))
register_kind(FORWARD_REQUEST, gettext_lazy("A request to forward your agency's exchange"))
register_kind(ASSIGNED, gettext_lazy("An exchange assigned to you"))
register_kind(DEADLINE_NEAR, gettext_lazy("A request's deadline is near"), urgent_by_default=True)
register_kind(DEADLINE_PASSED, gettext_lazy("A request is past its deadline"), urgent_by_default=True)


def _remind() -> dict[str, int]:
    from tcx.exchange import services  # services import this module

    return services.exchange_remind()


register_deadline_check("exchange", _remind)


def _thread_url(exchange: Any) -> str:
    return reverse("exchange:thread", kwargs={"exchange_id": exchange.pk})


def request_sent(*, actor: Actor, exchange: Any) -> None:
    """The operational people of every organisation the request was delivered to (recipients
    and copy recipients: the thread's audience), urgent when the request is."""
    organisations = sorted(exchange.participants.values_list("organisation_id", flat=True))
    notifications.notify(
        recipients=[notifications.Recipients(organisation_id=pk) for pk in organisations],
        kind=REQUEST,
        target=exchange,
        title=_("New request %(reference)s (%(priority)s) from %(sender)s")
        % {
            "reference": exchange.reference,
            "priority": exchange.get_priority_display(),
            "sender": exchange.owner.display_name,
        },
        url=_thread_url(exchange),
        urgent=exchange.priority == Priority.URGENT,
        actor=actor,
    )


def replied(*, actor: Actor, exchange: Any, message: Any) -> None:
    """The organisations the reply is addressed to (its audience): the sender of the request on
    the owner's side; on a participant's side, the person it is assigned to, else its people."""
    audience = set(message.audience_organisations.values_list("pk", flat=True))
    recipients: list[Any] = []
    if exchange.owner_id in audience and exchange.sender_id is not None:
        recipients.append(exchange.sender)
    participants = exchange.participants.filter(organisation_id__in=audience).select_related("assigned_to")
    for participant in participants:
        if participant.assigned_to is not None:
            recipients.append(participant.assigned_to)
        else:
            recipients.append(notifications.Recipients(organisation_id=participant.organisation_id))
    notifications.notify(
        recipients=recipients,
        kind=REPLY,
        target=exchange,
        title=_("%(agency)s replied in %(reference)s")
        % {"agency": actor.organisation.display_name, "reference": exchange.reference},
        url=_thread_url(exchange),
        actor=actor,
    )


def forward_requested(*, actor: Actor, forward: Any, organisation_ids: list[int]) -> None:
    """The people who may decide a forward in each agency whose parts of the thread wait for it
    (each decides for its own parts only)."""
    exchange = forward.exchange
    notifications.notify(
        recipients=[
            notifications.Recipients(organisation_id=pk, capability=Capability.EDIT_OPERATIONAL)
            for pk in organisation_ids
        ],
        kind=FORWARD_REQUEST,
        target=exchange,
        title=_("%(agency)s asks to forward %(reference)s to %(to)s")
        % {
            "agency": actor.organisation.display_name,
            "reference": exchange.reference,
            "to": forward.organisation.display_name,
        },
        body=forward.reason,
        url=reverse("exchange:forwards"),
        actor=actor,
    )


def assigned(*, actor: Actor, exchange: Any, assignee: Any) -> None:
    notifications.notify(
        recipients=[assignee],
        kind=ASSIGNED,
        target=exchange,
        title=_("%(reference)s was assigned to you") % {"reference": exchange.reference},
        url=_thread_url(exchange),
        actor=actor,
    )


def deadline(*, users: list[Any], exchange: Any, overdue: bool, due: str) -> list[Any]:
    """Reminders and escalations (``exchange_remind`` decides who): each person is told once of
    each (near, passed) per exchange; returns the people told now."""
    if overdue:
        title = _("Overdue: %(reference)s was due %(due)s UTC")
    else:
        title = _("Due soon: %(reference)s is due %(due)s UTC")
    made = notifications.notify(
        recipients=users,
        kind=DEADLINE_PASSED if overdue else DEADLINE_NEAR,
        target=exchange,
        title=title % {"reference": exchange.reference, "due": due},
        url=_thread_url(exchange),
        once=True,
    )
    return [n.recipient for n in made]
