"""The append-only, hash-chained audit log, partitioned so that writers do not wait for each other.

Events are chained per *partition* (``partition``, ``pseq`` from 1 without gaps): one partition
per day, organisation and lane (``2026-12-04/org-12/0``; ``platform`` for events with no
organisation). Each event's keyed hash covers its content and the previous hash of its partition,
so altering or removing a row breaks that partition's chain from there on. The ``root`` partition
records the heads of the others (``tcx.audit.services.checkpoint``) and the signed checkpoints
outside the database vouch for the root. Events written before partitioning form the ``legacy``
partition, ordered by ``seq``. ``seq`` is a global number in writing order (unique, with gaps).
Database triggers refuse UPDATE and DELETE of events.
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
    # The chain this event belongs to and its place in it (None in the legacy chain: ``seq``).
    partition = models.CharField(max_length=80)
    pseq = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["target_owner", "-seq"]),
            models.Index(fields=["organisation", "-seq"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["partition", "pseq"], name="audit_event_partition_pseq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action


class AuditPartition(models.Model):
    """One chain of events: registered with its first event, in the same transaction.

    ``anchored_pseq`` / ``anchored_hash`` are the head the root chain last recorded (written by
    the checkpoint only, never by writers, so writers never wait on this row)."""

    key = models.CharField(max_length=80, unique=True)
    day = models.DateField(null=True, blank=True, db_index=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    lane = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    anchored_pseq = models.PositiveBigIntegerField(default=0)
    anchored_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
