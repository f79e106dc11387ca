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


class ReferenceDataError(ValueError):
    """An edit of reference data that breaks a rule; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class Refused(Exception):
    """The actor may not edit reference data."""


# The platform operator onboards agencies; the Secretariat keeps the SOMTC facts (lead shepherds).
REFERENCE_EDITORS = frozenset({"operator", "secretariat_officer"})


def can_edit_reference(actor: Any) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.role in REFERENCE_EDITORS)


def _check_editor(actor: Any) -> None:
    if not can_edit_reference(actor):
        raise Refused("only the platform operator and Secretariat officers edit reference data")


def _refuse_unknown(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ReferenceDataError(dict.fromkeys(sorted(unknown), "unknown field"))


def _clean_organisation(data: dict[str, Any], *, instance: Organisation | None) -> dict[str, Any]:
    from tcx.organisations.models import OrganisationKind

    errors: dict[str, str] = {}
    cleaned = dict(data)
    name = str(cleaned.get("name", instance.name if instance else "")).strip()
    if not name:
        errors["name"] = "a name is required"
    elif Organisation.objects.filter(name__iexact=name).exclude(pk=instance.pk if instance else 0).exists():
        errors["name"] = f"an organisation called {name!r} exists already"
    cleaned["name"] = name
    kind = cleaned.get("kind", instance.kind if instance else "")
    if kind not in OrganisationKind.values:
        errors["kind"] = f"kind must be one of {', '.join(OrganisationKind.values)}"
    if "country" in cleaned:
        code = cleaned.pop("country")
        country = Country.objects.filter(code=str(code).upper()).first() if code else None
        if code and country is None:
            errors["country"] = f"unknown country code {code!r}"
        cleaned["country"] = country
    country = cleaned.get("country", instance.country if instance else None)
    if kind == OrganisationKind.MEMBER_STATE_AGENCY and (country is None or country.kind != "member_state"):
        errors["country"] = "a member-state agency belongs to one of the ASEAN member states"
    if kind == OrganisationKind.PARTNER_AGENCY and (country is None or country.kind != "dialogue_partner"):
        errors["country"] = "a dialogue-partner agency belongs to a dialogue partner"
    if "parent" in cleaned and cleaned["parent"] is not None:
        parent = Organisation.objects.filter(pk=cleaned["parent"]).first()
        if parent is None or (instance is not None and parent.pk == instance.pk):
            errors["parent"] = "the parent must be another existing organisation"
        cleaned["parent"] = parent
    if errors:
        raise ReferenceDataError(errors)
    return cleaned


@transaction.atomic
def organisation_create(*, actor: Any, data: dict[str, Any], request: Any = None) -> Organisation:
    """Onboard an organisation (operator or Secretariat officer)."""
    _check_editor(actor)
    allowed = {"name", "short_name", "kind", "country", "parent", "is_national_contact_point", "sector"}
    _refuse_unknown(data, allowed)
    cleaned = _clean_organisation(data, instance=None)
    organisation = Organisation.objects.create(**cleaned)
    audit.record(
        actor=actor,
        action=AuditAction.ORGANISATION_CREATED,
        target=organisation,
        data={"name": organisation.name, "kind": organisation.kind},
        request=request,
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, data: dict[str, Any], request: Any = None
) -> Organisation:
    """Change an organisation's facts; ``is_active=False`` retires it without losing its history."""
    _check_editor(actor)
    allowed = {
        "name",
        "short_name",
        "kind",
        "country",
        "parent",
        "is_national_contact_point",
        "sector",
        "is_active",
        "unconfirmed",
    }
    _refuse_unknown(data, allowed)
    cleaned = _clean_organisation(data, instance=organisation)
    changes = {k: v for k, v in cleaned.items() if getattr(organisation, k) != v}
    for key, value in changes.items():
        setattr(organisation, key, value)
    if changes:
        organisation.save()
        audit.record(
            actor=actor,
            action=AuditAction.ORGANISATION_UPDATED,
            target=organisation,
            data={"changes": {k: str(v) for k, v in changes.items()}},
            request=request,
        )
    return organisation


@transaction.atomic
def crime_area_update(
    *, actor: Any, crime_area: CrimeArea, data: dict[str, Any], request: Any = None
) -> CrimeArea:
    """Change a crime area: name, description, lead shepherd and whether that fact is confirmed."""
    _check_editor(actor)
    allowed = {"name", "description", "lead_shepherd", "unconfirmed", "is_priority"}
    _refuse_unknown(data, allowed)
    cleaned = dict(data)
    if "lead_shepherd" in cleaned:
        code = cleaned["lead_shepherd"]
        lead = Country.objects.filter(code=str(code).upper(), kind="member_state").first() if code else None
        if code and lead is None:
            raise ReferenceDataError({"lead_shepherd": f"{code!r} is not an ASEAN member state"})
        cleaned["lead_shepherd"] = lead
    if "name" in cleaned and not str(cleaned["name"]).strip():
        raise ReferenceDataError({"name": "a name is required"})
    changes = {k: v for k, v in cleaned.items() if getattr(crime_area, k) != v}
    for key, value in changes.items():
        setattr(crime_area, key, value)
    if changes:
        crime_area.save()
        audit.record(
            actor=actor,
            action=AuditAction.REFERENCE_UPDATED,
            target=crime_area,
            data={"crime_area": crime_area.code, "changes": {k: str(v) for k, v in changes.items()}},
            request=request,
        )
    return crime_area
