"""Writes on reference data. Each writes its audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.organisations.models import Country, CrimeArea, Organisation, SharingGroup
from tcx.organisations.reference import seed_reference_data


@transaction.atomic
def reference_data_seed(*, actor: Any = None) -> None:
    """Create the reference data of DOMAIN.md that is missing (idempotent)."""
    before = (Country.objects.count(), CrimeArea.objects.count(), SharingGroup.objects.count())
    seed_reference_data(Country, Organisation, SharingGroup, CrimeArea)
    after = (Country.objects.count(), CrimeArea.objects.count(), SharingGroup.objects.count())
    if after != before:
        audit.record(actor=actor, action=AuditAction.REFERENCE_SEEDED, data={"counts": after})


@transaction.atomic
def organisation_ensure(
    *,
    actor: Any = None,
    name: str,
    kind: str,
    country_code: str | None,
    short_name: str = "",
    sector: str = "",
    is_national_contact_point: bool = False,
    parent: Organisation | None = None,
) -> Organisation:
    """The organisation of that name, created if it does not exist yet (re-running changes nothing)."""
    existing = Organisation.objects.filter(name=name).first()
    if existing is not None:
        return existing
    country = Country.objects.get(code=country_code) if country_code else None
    organisation = Organisation.objects.create(
        name=name,
        kind=kind,
        country=country,
        short_name=short_name,
        sector=sector,
        is_national_contact_point=is_national_contact_point,
        parent=parent,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ORGANISATION_CREATED,
        target=organisation,
        data={"name": name, "kind": kind, "country": country_code},
    )
    return organisation
