"""Notifications: ``notify`` (every app calls it), mark read, the e-mail preference, e-mail at
once and the daily digest.

**What a notification may say is the caller's responsibility.** A notification is stored and
e-mailed as given; it carries no policy of its own. So the caller passes only recipients who may
see what it says, and writes titles and bodies that are generic where a recipient may not see
the object: a hit tells the other agency "a new hit on your record #12", never the other agency's
record; a release request names the record the recipient owns, not the requester's data. The
link (``url``) goes through the ordinary access checks when it is opened, so it may point at an
object the recipient cannot yet open. As a second line, a kind registered ``operational`` is never
delivered to someone who does not handle operational data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.kernel.errors import FieldErrors
from tcx.notifications import registry
from tcx.notifications.models import EmailDelivery, EmailPreference, Notification, Preference
from tcx.policy import rules
from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability, holders

logger = logging.getLogger(__name__)

DEFAULT_DEDUP_WINDOW = dt.timedelta(minutes=10)
# an immediate e-mail that failed (mail server down) is retried by the next digest run, once it
# is this old (younger ones are still being sent by the transaction that created them)
IMMEDIATE_RETRY_AFTER = dt.timedelta(minutes=5)
MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 2000
MAX_URL_CHARS = 500
DIGEST_MAX_LINES = 100


class NotificationError(FieldErrors):
    """Input that breaks a rule; ``errors`` maps each field to what is wrong."""


@dataclasses.dataclass(frozen=True)
class Recipients:
    """The active people of one organisation, all of them or only those with a capability."""

    organisation_id: int
    capability: Capability | None = None


def _people(selection: Recipients) -> list[Any]:
    users = get_user_model().objects.filter(organisation_id=selection.organisation_id, is_active=True)
    if selection.capability is not None:
        users = users.filter(holders(selection.capability))
    return list(users.order_by("pk"))


def _resolve(recipients: Any, *, kind: registry.Kind, actor: Actor | None) -> list[Any]:
    if isinstance(recipients, Recipients) or not isinstance(recipients, Iterable):
        recipients = [recipients]
    people: dict[int, Any] = {}
    for entry in recipients:
        for user in _people(entry) if isinstance(entry, Recipients) else [entry]:
            if user is None or not user.is_active:
                continue
            if kind.operational and not rules.sees_operational_data(user):
                continue
            people[user.pk] = user
    if actor is not None:
        people.pop(actor.pk, None)  # nobody is told of what they did themselves
    return [people[pk] for pk in sorted(people)]


def email_default() -> str:
    """The e-mail preference of someone who never chose (read at call time)."""
    value = getattr(settings, "TCX_NOTIFICATION_EMAIL_DEFAULT", EmailPreference.DIGEST)
    return value if value in EmailPreference.values else EmailPreference.DIGEST


def _preferences(user_ids: list[int]) -> dict[int, str]:
    chosen = dict(Preference.objects.filter(user_id__in=user_ids).values_list("user_id", "email"))
    default = email_default()
    return {pk: chosen.get(pk, default) for pk in user_ids}


def _delivery(preference: str, *, urgent: bool, address: str) -> str:
    if not address or preference == EmailPreference.NONE:
        return EmailDelivery.NONE
    if preference == EmailPreference.IMMEDIATE or urgent:
        return EmailDelivery.IMMEDIATE
    return EmailDelivery.DIGEST


def _check(title: str, url: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = "a notification needs a title"
    if url and (not url.startswith("/") or url.startswith("//") or len(url) > MAX_URL_CHARS):
        errors["url"] = f"a path on this node starting with a single '/', at most {MAX_URL_CHARS} characters"
    if errors:
        raise NotificationError(errors)


def notify(
    *,
    recipients: Any,
    kind: str,
    title: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    body: str = "",
    url: str = "",
    urgent: bool | None = None,
    actor: Actor | None = None,
    once: bool = False,
) -> list[Notification]:
    """Tell ``recipients`` (users, and/or ``Recipients`` selections of an organisation's people)
    that something of ``kind`` happened to ``target``; return the notifications created.

    Runs in the caller's transaction: if the caller rolls back, nobody is told and nothing is
    e-mailed (e-mails at once go out after the commit). The same kind and target is not repeated to
    the same person within ``TCX_NOTIFICATION_DEDUP_SECONDS`` (default 10 minutes; best effort:
    two concurrent transactions may both notify). ``actor`` (the person who did it) is never told.
    ``once``: never again to a person already told of this kind and target (a deadline reminder is
    sent once, however often the check runs). ``urgent`` None takes the kind's default; a body
    longer than 2,000 characters is cut (free text the caller's user wrote must not make the
    caller's action fail). See the module
    docstring: the caller decides what each recipient may be told.
    """
    spec = registry.get_kind(kind)
    _check(title, url)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    target_ref = str(getattr(target, "global_id", "") or "")[:64] if target is not None else ""
    urgent = spec.urgent_by_default if urgent is None else urgent
    people = _resolve(recipients, kind=spec, actor=actor)
    if not people:
        return []
    now = timezone.now()
    with transaction.atomic():
        if target_type:
            window = dt.timedelta(
                seconds=getattr(settings, "TCX_NOTIFICATION_DEDUP_SECONDS", DEFAULT_DEDUP_WINDOW.seconds)
            )
            earlier = Notification.objects.filter(
                recipient_id__in=[u.pk for u in people],
                kind=kind,
                target_type=target_type,
                target_id=str(target_id),
            )
            if not once:
                earlier = earlier.filter(created_at__gte=now - window)
            recent = set(earlier.values_list("recipient_id", flat=True))
            people = [u for u in people if u.pk not in recent]
        preferences = _preferences([u.pk for u in people])
        created = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    kind=kind,
                    target_type=target_type,
                    target_id=str(target_id)[:64],
                    target_ref=target_ref,
                    title=title.strip()[:MAX_TITLE_CHARS],
                    body=body if len(body) <= MAX_BODY_CHARS else body[: MAX_BODY_CHARS - 1] + "…",
                    url=url,
                    urgent=urgent,
                    created_at=now,
                    email=_delivery(preferences[user.pk], urgent=urgent, address=user.email),
                )
                for user in people
            ]
        )
        immediate = [n.pk for n in created if n.email == EmailDelivery.IMMEDIATE]
        if immediate:
            transaction.on_commit(functools.partial(send_immediate, notification_ids=immediate))
    return created


def _absolute(url: str) -> str:
    base = str(getattr(settings, "TCX_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{url}" if url else base


def _claim(queryset: Any) -> list[Notification]:
    """Mark these notifications e-mailed under a fresh batch id and return the ones this call
    claimed: a concurrent run's UPDATE waits for ours and then finds them taken."""
    batch = uuid.uuid4()
    queryset.filter(emailed_at__isnull=True).update(emailed_at=timezone.now(), email_batch=batch)
    return list(
        Notification.objects.filter(email_batch=batch)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )


def _message_for(notification: Notification) -> mail.EmailMessage:
    lines = [notification.body] if notification.body else []
    link = _absolute(notification.url)
    if link:
        lines.append(link)
    lines.append(_("You receive this because of your notification preferences in TCX."))
    return mail.EmailMessage(
        subject=f"[TCX] {notification.title}",
        body="\n\n".join(lines),
        to=[notification.recipient.email],
    )


def send_immediate(*, notification_ids: list[int]) -> int:
    """E-mail these notifications now (after the commit that created them). A failure rolls the
    claim back, so the next digest run retries them; a notification is never e-mailed twice."""
    try:
        with transaction.atomic():
            claimed = _claim(
                Notification.objects.filter(pk__in=notification_ids, email=EmailDelivery.IMMEDIATE)
            )
            if claimed:
                with translation.override(settings.LANGUAGE_CODE):
                    messages = [_message_for(n) for n in claimed]
                mail.get_connection(fail_silently=False).send_messages(messages)
            return len(claimed)
    except Exception:  # the mail server is down: the digest run retries
        logger.exception("notification e-mail failed; the next digest run retries it")
        return 0


def _digest_message(user: Any, notifications: list[Notification]) -> mail.EmailMessage:
    lines = [_("Your TCX notifications since the last digest:"), ""]
    for n in notifications[:DIGEST_MAX_LINES]:
        link = _absolute(n.url)
        lines.append(f"- {n.created_at:%Y-%m-%d %H:%M} UTC  {n.title}" + (f"\n  {link}" if link else ""))
    if len(notifications) > DIGEST_MAX_LINES:
        more = len(notifications) - DIGEST_MAX_LINES
        lines.append(_("… and %(count)d more: open your notifications in TCX.") % {"count": more})
    lines += ["", _("You receive this because of your notification preferences in TCX.")]
    return mail.EmailMessage(
        subject=_("[TCX] %(count)d new notification(s)") % {"count": len(notifications)},
        body="\n".join(lines),
        to=[user.email],
    )


def digest_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """E-mail each person one digest of their notifications not e-mailed yet (and retry the
    immediate ones that failed). Idempotent: run it daily from a scheduler, or twice: a
    notification is claimed in the transaction that sends it and never e-mailed again; if sending
    fails, the claim rolls back and the next run retries. Someone who switched to "no e-mail"
    since is not e-mailed."""
    now = now or timezone.now()
    due = Notification.objects.filter(emailed_at__isnull=True).filter(
        models.Q(email=EmailDelivery.DIGEST, created_at__lte=now)
        | models.Q(email=EmailDelivery.IMMEDIATE, created_at__lte=now - IMMEDIATE_RETRY_AFTER)
    )
    counts = {"digests": 0, "notifications": 0, "failed": 0}
    recipient_ids = sorted(set(due.values_list("recipient_id", flat=True)))
    preferences = _preferences(recipient_ids)
    for recipient_id in recipient_ids:
        mine = due.filter(recipient_id=recipient_id)
        if preferences[recipient_id] == EmailPreference.NONE:
            mine.update(email=EmailDelivery.NONE)
            continue
        try:
            with transaction.atomic():
                claimed = _claim(mine)
                if not claimed or not claimed[0].recipient.email:
                    continue
                with translation.override(settings.LANGUAGE_CODE):
                    message = _digest_message(claimed[0].recipient, claimed)
                mail.get_connection(fail_silently=False).send_messages([message])
        except Exception:
            logger.exception("notification digest to user %s failed; the next run retries it", recipient_id)
            counts["failed"] += 1
            continue
        counts["digests"] += 1
        counts["notifications"] += len(claimed)
    return counts


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read (already read: unchanged)."""
    if notification.recipient_id != actor.pk:
        raise rules.NotFound("notification not found")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read; how many were unread."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preference_set(*, actor: Actor, email: str, request: HttpRequest | None = None) -> Preference:
    """Set how the actor is e-mailed. Audited: it decides where alerts about operational data go."""
    if email not in EmailPreference.values:
        raise NotificationError({"email": f"choose one of {', '.join(EmailPreference.values)}"})
    preference, _created = Preference.objects.get_or_create(user_id=actor.pk, defaults={"email": email})
    before = email_default() if _created else preference.email
    if preference.email != email:
        preference.email = email
    preference.updated_at = timezone.now()
    preference.save()
    if before != email or _created:
        audit.record(
            actor=actor,
            action=AuditAction.NOTIFICATION_PREFERENCE_SET,
            target_type="notifications.preference",
            target_id=actor.pk,
            data={"email": email, "before": before},
            request=request,
        )
    return preference
