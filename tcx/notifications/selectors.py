"""Reading notifications: each person reads only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from tcx.notifications.models import Notification, Preference
from tcx.notifications.services import email_default
from tcx.policy.actors import Actor
from tcx.policy.rules import NotFound


def notification_list(*, actor: Actor, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's notifications, newest first (unbounded: the caller paginates)."""
    notifications = Notification.objects.filter(recipient_id=actor.pk)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def unread_count(*, actor: Actor) -> int:
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).count()


def access_notification(*, actor: Actor, notification_id: int) -> Notification:
    """The one lookup of a notification: NotFound if it does not exist or is someone else's."""
    notification = Notification.objects.filter(pk=notification_id, recipient_id=actor.pk).first()
    if notification is None:
        raise NotFound("notification not found")
    return notification


def email_preference(*, actor: Actor) -> str:
    chosen = Preference.objects.filter(user_id=actor.pk).values_list("email", flat=True).first()
    return chosen or email_default()
