"""Notifications: one row per recipient, and each person's e-mail preference."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailPreference(models.TextChoices):
    IMMEDIATE = "immediate", _("Every notification by e-mail at once")
    DIGEST = "digest", _("Urgent ones at once, the rest in a daily digest")
    NONE = "none", _("No e-mail: only in TCX")


class EmailDelivery(models.TextChoices):
    """How this notification goes out by e-mail, decided when it is created."""

    NONE = "none", _("not e-mailed")
    IMMEDIATE = "immediate", _("at once")
    DIGEST = "digest", _("in the daily digest")


class Notification(models.Model):
    """What one person is told. It carries only what that person may see (see services.notify)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    # what it is about: ``app_label.model`` and its primary key, and (when it has one) the
    # object's global identifier, so a notification survives a move between nodes
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_ref = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=EmailDelivery.choices, default=EmailDelivery.NONE)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # the run that claimed it for e-mail (an immediate send or a digest): never sent twice
    email_batch = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "kind", "target_type", "target_id"], name="notification_dedup"),
            models.Index(fields=["email", "emailed_at"], name="notification_email_due"),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A person's choice of e-mail; without a row, the default (``TCX_NOTIFICATION_EMAIL_DEFAULT``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    email = models.CharField(max_length=10, choices=EmailPreference.choices, default=EmailPreference.DIGEST)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"
