"""The append-only, hash-chained audit log.

Each event's hash covers its content and the previous event's hash, so altering or removing
any row breaks the chain from there on. Database triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tcx.audit.registry import AuditAction


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The registry (tcx.audit.registry) is checked by ``audit.record``, not by a database choice
    # list, so an app registers a new action without a migration.
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_owner = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    client_address = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["target_owner", "-seq"]),
            models.Index(fields=["organisation", "-seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
