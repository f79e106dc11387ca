"""Exchanges (threads) between agencies, their messages, participants, attachments, read
receipts, forward requests and in-app notifications.

An ``Exchange`` and each ``Message`` are ``Shareable``: the owner is the sending organisation and
the audience is the other participants, so ``tcx.policy.rules`` answers every visibility question.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tcx.policy.models import Shareable


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    NORMAL = "normal", "Normal"
    ROUTINE = "routine", "Routine"


class ExchangeStatus(models.TextChoices):
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


STATUS_ORDER = [s.value for s in ExchangeStatus]


class Routing(models.TextChoices):
    """How a message to an agency reached the organisation that receives it."""

    AGENCY = "agency", "the agency itself"
    CONTACT_POINT = "contact_point", "national contact point"
    UNIT = "unit", "unit named by the sender"


class ParticipantRole(models.TextChoices):
    RECIPIENT = "to", "Recipient"
    COPY = "cc", "Copy"
    FORWARDED = "fwd", "Forwarded to"


class ReferenceSequence(models.Model):
    """The last reference number given per sender country and year."""

    country_code = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country_code", "year"], name="exchange_seq_unique")]

    def __str__(self) -> str:
        return f"{self.country_code}-{self.year}: {self.last}"


class Exchange(Shareable):
    """One request or piece of information and every message of its thread."""

    reference = models.CharField(max_length=20, unique=True)
    subject = models.CharField(max_length=300)
    crime_areas = models.ManyToManyField("organisations.CrimeArea", blank=True, related_name="exchanges")
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=12, choices=ExchangeStatus.choices, default=ExchangeStatus.SENT)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Extension point: linked records (tcx.records) as ids, resolved through records.selectors
    # with the reader as actor; nothing is shown for an id the reader may not see.
    linked_record_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-updated_at", "-id"], name="exchange_outbox_order"),
            models.Index(fields=["status", "deadline_at"]),
            models.Index(fields=["-updated_at", "-id"], name="exchange_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.answered_at is None
            and self.status != ExchangeStatus.CLOSED
            and self.deadline_at < timezone.now()
        )


class Participant(models.Model):
    """An organisation that receives the exchange, and who handles it there.

    The sender addresses agencies; each message to an agency is delivered to the unit the sender
    named, else to the agency's national contact point (its unit flagged as one), else to the
    agency itself. ``organisation`` is where it was delivered, ``addressed_to`` the agency named.
    """

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    addressed_to = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routing = models.CharField(max_length=16, choices=Routing.choices, default=Routing.AGENCY)
    role = models.CharField(max_length=3, choices=ParticipantRole.choices, default=ParticipantRole.RECIPIENT)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Copies of the exchange's order and state (kept by the services), so that an agency's inbox
    # is read in order from one index and its counts go straight to the open requests, instead
    # of sorting and counting every exchange the agency ever received.
    updated_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=ExchangeStatus.choices, default=ExchangeStatus.SENT)
    deadline_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "organisation"], name="exchange_participant_once")
        ]
        indexes = [
            models.Index(fields=["organisation", "exchange"]),
            models.Index(fields=["organisation", "-updated_at", "-exchange"], name="exchange_inbox_order"),
            models.Index(fields=["organisation", "status", "deadline_at"], name="exchange_inbox_state"),
            # Three equality columns: SQLite picks it over the two above even without statistics
            # (a table rebuilt by a migration loses them).
            models.Index(
                fields=["assigned_to", "organisation", "status"],
                condition=models.Q(assigned_to__isnull=False),
                name="exchange_assigned_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exchange_id} → {self.organisation_id} ({self.role})"


class Message(Shareable):
    """One message of a thread, with its own handling codes, TLP and evaluation."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    is_answer = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"message {self.pk} of {self.exchange_id}"


class Attachment(models.Model):
    """A file of a message, encrypted at rest under MEDIA_ROOT; only its metadata is here."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    storage_name = models.CharField(max_length=100, unique=True)
    key_id = models.CharField(max_length=16)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ReadReceipt(models.Model):
    """Who read a message, and when (first read)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["read_at"]
        constraints = [models.UniqueConstraint(fields=["message", "reader"], name="exchange_receipt_once")]

    def __str__(self) -> str:
        return f"{self.reader_id} read {self.message_id}"


class ForwardStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the provider"
    APPROVED = "approved", "Approved"
    PARTIAL = "partial", "Approved in part"
    DECLINED = "declined", "Declined"


class ForwardRequest(models.Model):
    """A forward of an exchange to a third organisation.

    Each part of the thread (the exchange and every message the requester could see) has its
    ``ForwardConsent``: what its owner's handling codes let the requester pass on is consented at
    once; the rest waits for the owner of that part. The new organisation sees the thread once
    the exchange's owner consented, and of it only the messages whose owners consented."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="forwards")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=ForwardStatus.choices, default=ForwardStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"forward {self.exchange_id} → {self.organisation_id} ({self.status})"


class ForwardConsent(models.Model):
    """The decision of one part's owner on one forward: ``message`` is None for the exchange
    itself (its subject and participants), else one message of the thread."""

    forward = models.ForeignKey(ForwardRequest, on_delete=models.CASCADE, related_name="consents")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ForwardStatus.choices, default=ForwardStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["forward", "message"], name="exchange_forward_consent_once"),
            models.UniqueConstraint(
                fields=["forward"],
                condition=models.Q(message__isnull=True),
                name="exchange_forward_consent_exchange_once",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="exchange_consent_waiting")]

    def __str__(self) -> str:
        return f"consent {self.forward_id}/{self.message_id} by {self.organisation_id} ({self.status})"
