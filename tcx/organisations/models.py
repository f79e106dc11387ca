"""Countries, organisations, sharing groups and crime areas: the reference data of the region.

All of it is data an administrator can edit, seeded from DOMAIN.md; facts DOMAIN.md marks as
unconfirmed carry ``unconfirmed=True``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.text import slugify

CODE_LENGTH = 60


def new_organisation_code() -> str:
    """A unique placeholder code for an organisation created outside the services (which give it
    :func:`organisation_code` at once)."""
    return f"org-{uuid.uuid4().hex[:12]}"


def organisation_code(
    model: type[models.Model], *, country_code: str | None, short_name: str, name: str
) -> str:
    """The organisation's stable code: its country code and short name (or name) as a slug,
    ``vn-mps``, numbered if another organisation holds it already (``vn-mps-2``). Takes the model,
    so that a data migration can use it with its historical model."""
    base = slugify(f"{country_code or ''} {short_name or name}")[: CODE_LENGTH - 4].strip("-") or "org"
    code, n = base, 1
    while model._default_manager.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


class CountryKind(models.TextChoices):
    MEMBER_STATE = "member_state", "ASEAN member state"
    DIALOGUE_PARTNER = "dialogue_partner", "Dialogue partner"
    OTHER = "other", "Other"


class OrganisationKind(models.TextChoices):
    MEMBER_STATE_AGENCY = "member_state_agency", "Member-state agency"
    ASEAN_BODY = "asean_body", "ASEAN body"
    PARTNER_AGENCY = "partner_agency", "Dialogue-partner agency"
    INTERNATIONAL = "international", "International organisation"


class Country(models.Model):
    # ISO 3166-1 alpha-2, or "EU" for the European Union as a dialogue partner.
    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=CountryKind.choices)
    member_since = models.DateField(null=True, blank=True)
    unconfirmed = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # Stable across nodes and renames (issue 13 item 8): set once at creation, never edited.
    code = models.SlugField(
        max_length=CODE_LENGTH, unique=True, default=new_organisation_code, editable=False
    )
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=24, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="units")
    is_national_contact_point = models.BooleanField(default=False)
    sector = models.CharField(max_length=40, blank=True, help_text="police, immigration, customs, FIU ...")
    is_active = models.BooleanField(default=True)
    unconfirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["country__name", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_partner(self) -> bool:
        return self.kind == OrganisationKind.PARTNER_AGENCY

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class SharingGroup(models.Model):
    """A named set of organisations: explicit members plus every organisation of the listed
    countries whose kind is in ``member_kinds`` (so a new agency joins automatically)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="sharing_groups")
    countries = models.ManyToManyField(Country, blank=True, related_name="sharing_groups")
    member_kinds = models.JSONField(
        default=list, blank=True, help_text="organisation kinds admitted through the countries"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CrimeArea(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_priority = models.BooleanField(default=True, help_text="one of SOMTC's ten priority crime areas")
    lead_shepherd = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="shepherded_areas"
    )
    unconfirmed = models.BooleanField(default=False, help_text="lead shepherd not confirmed")
    added_year = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class OrganisationChangeStatus(models.TextChoices):
    PENDING = "pending", "waiting for approval"
    APPROVED = "approved", "approved and applied"
    REJECTED = "rejected", "rejected"
    WITHDRAWN = "withdrawn", "withdrawn by the requester"


class OrganisationChange(models.Model):
    """A change of an organisation's kind, country, parent or contact-point flag, waiting for a
    second person's approval.

    Kind and country decide which sharing groups an organisation belongs to and whether it is a
    dialogue partner (``tcx.policy.rules``): changing them changes what other agencies' policies
    grant it; parent and contact-point flag decide where the exchange delivers messages to the
    parent agency. So one person never changes them alone."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="pending_changes")
    changes = models.JSONField(
        help_text="the proposed values: kind, country code, parent id, contact-point flag"
    )
    previous = models.JSONField(help_text="the values when the change was requested")
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=OrganisationChangeStatus.choices, default=OrganisationChangeStatus.PENDING
    )
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"change of {self.organisation_id}: {self.changes} ({self.status})"
