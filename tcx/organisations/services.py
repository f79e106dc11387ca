"""Writes on reference data. Each writes its audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.kernel.errors import FieldErrors
from tcx.kernel.updates import apply_changes
from tcx.organisations import selectors
from tcx.organisations.models import (
    Country,
    CrimeArea,
    Organisation,
    OrganisationChange,
    OrganisationChangeStatus,
    OrganisationKind,
    SharingGroup,
    organisation_code,
)
from tcx.organisations.reference import seed_reference_data
from tcx.policy import rules
from tcx.policy.actors import Actor, user_of


@transaction.atomic
def reference_data_seed(*, actor: Actor | None = None) -> None:
    """Create the reference data of DOMAIN.md that is missing (idempotent)."""
    before = (Country.objects.count(), CrimeArea.objects.count(), SharingGroup.objects.count())
    seed_reference_data(Country, Organisation, SharingGroup, CrimeArea)
    after = (Country.objects.count(), CrimeArea.objects.count(), SharingGroup.objects.count())
    if after != before:
        audit.record(actor=actor, action=AuditAction.REFERENCE_SEEDED, data={"counts": after})


@transaction.atomic
def organisation_ensure(
    *,
    actor: Actor | None = None,
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
        code=organisation_code(Organisation, country_code=country_code, short_name=short_name, name=name),
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


class ReferenceDataError(FieldErrors):
    """An edit of reference data that breaks a rule; ``errors`` maps each field to what is wrong."""


class Refused(Exception):
    """The actor may not edit reference data."""


def can_edit_reference(actor: Actor) -> bool:
    return rules.edits_reference_data(actor)


def _check_editor(actor: Actor) -> None:
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
def organisation_create(*, actor: Actor, data: dict[str, Any], request: Any = None) -> Organisation:
    """Onboard an organisation (operator or Secretariat officer)."""
    _check_editor(actor)
    allowed = {"name", "short_name", "kind", "country", "parent", "is_national_contact_point", "sector"}
    _refuse_unknown(data, allowed)
    cleaned = _clean_organisation(data, instance=None)
    # A new unit flagged as another agency's national contact point would receive that agency's
    # messages at once: the flag waits for a second editor, as on an existing organisation.
    contact_point = bool(cleaned.get("is_national_contact_point")) and cleaned.get("parent") is not None
    if contact_point:
        cleaned["is_national_contact_point"] = False
    country = cleaned.get("country")
    cleaned["code"] = organisation_code(
        Organisation,
        country_code=country.code if country else None,
        short_name=cleaned.get("short_name", ""),
        name=cleaned["name"],
    )
    organisation = Organisation.objects.create(**cleaned)
    audit.record(
        actor=actor,
        action=AuditAction.ORGANISATION_CREATED,
        target=organisation,
        data={"name": organisation.name, "kind": organisation.kind},
        request=request,
    )
    if contact_point:
        _change_request(
            actor=actor,
            organisation=organisation,
            changes={"is_national_contact_point": True},
            request=request,
        )
    return organisation


# Kind and country decide an organisation's sharing groups and whether it is a dialogue partner
# (tcx.policy.rules): what other agencies' sharing policies grant it. Parent and the national
# contact point flag decide where the exchange delivers messages addressed to the parent agency
# (tcx.exchange routes them to its contact point unit). One person never changes any of them.
GUARDED_FIELDS = ("kind", "country", "parent", "is_national_contact_point")


def _guarded_state(organisation: Organisation) -> dict[str, Any]:
    return {
        "kind": organisation.kind,
        "country": organisation.country.code if organisation.country else None,
        "parent": organisation.parent_id,
        "is_national_contact_point": organisation.is_national_contact_point,
    }


def _guarded_changes(organisation: Organisation, cleaned: dict[str, Any]) -> dict[str, Any]:
    current = _guarded_state(organisation)
    proposed: dict[str, Any] = {}
    if "kind" in cleaned:
        proposed["kind"] = cleaned["kind"]
    if "country" in cleaned:
        proposed["country"] = cleaned["country"].code if cleaned["country"] is not None else None
    if "parent" in cleaned:
        proposed["parent"] = cleaned["parent"].pk if cleaned["parent"] is not None else None
    if "is_national_contact_point" in cleaned:
        proposed["is_national_contact_point"] = bool(cleaned["is_national_contact_point"])
    return {k: v for k, v in proposed.items() if current[k] != v}


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, data: dict[str, Any], request: Any = None
) -> tuple[Organisation, OrganisationChange | None]:
    """Change an organisation's facts; ``is_active=False`` retires it without losing its history.

    A change of a ``GUARDED_FIELDS`` field (kind, country, parent, contact-point flag) is not
    applied: it becomes a pending ``OrganisationChange`` that another editor approves
    (``organisation_change_decide``), and the agencies whose shared data or messages it would
    open are told. The other fields are applied at once. Returns the organisation and the
    pending change, if one was requested."""
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
    guarded = _guarded_changes(organisation, cleaned)
    for field in GUARDED_FIELDS:
        cleaned.pop(field, None)
    pending = _change_request(actor=actor, organisation=organisation, changes=guarded, request=request)
    changed = apply_changes(organisation, cleaned)
    if changed:
        audit.record(
            actor=actor,
            action=AuditAction.ORGANISATION_UPDATED,
            target=organisation,
            data={"changes": {k: str(getattr(organisation, k)) for k in changed}},
            request=request,
        )
    return organisation, pending


class ChangeRefused(Exception):
    """A decision on a pending change that cannot be taken: 403 for the requester approving their
    own change, 409 for a change decided already or overtaken by another edit."""

    def __init__(self, message: str, *, status: int = 409):
        self.status = status
        super().__init__(message)


def _groups_if(organisation: Organisation, *, kind: str, country_id: int | None) -> set[int]:
    probe = Organisation(pk=organisation.pk, kind=kind, country_id=country_id)
    return selectors.sharing_group_ids_for(organisation=probe)


def affected_organisations(*, organisation: Organisation, changes: dict[str, Any]) -> list[Organisation]:
    """The agencies whose shared data the change would open to ``organisation``: the members of
    every sharing group it would join, and, if it would stop being a dialogue partner, the members
    of the groups it is in already (their group-shared data without a legal basis opens to it);
    for a change of parent or contact-point flag, the parent agencies whose messages it reroutes."""
    kind = changes.get("kind", organisation.kind)
    country_id = organisation.country_id
    if "country" in changes:
        code = changes["country"]
        country_id = Country.objects.filter(code=code).values_list("pk", flat=True).first() if code else None
    before = selectors.sharing_group_ids_for(organisation=organisation)
    after = _groups_if(organisation, kind=kind, country_id=country_id)
    opened = after - before
    if organisation.kind == OrganisationKind.PARTNER_AGENCY and kind != OrganisationKind.PARTNER_AGENCY:
        opened |= after & before
    members: dict[int, Organisation] = {}
    for group in SharingGroup.objects.filter(pk__in=opened):
        for member in selectors.sharing_group_members(group=group):
            if member.pk != organisation.pk:
                members[member.pk] = member
    # Routing: the parent whose messages would go to this unit, and the one whose would stop.
    parent_id = changes.get("parent", organisation.parent_id)
    contact_point = changes.get("is_national_contact_point", organisation.is_national_contact_point)
    routed = {parent_id} if contact_point and parent_id else set()
    if organisation.is_national_contact_point and organisation.parent_id:
        routed.add(organisation.parent_id)
    if {"parent", "is_national_contact_point"} & set(changes):
        for parent in Organisation.objects.filter(pk__in=routed).exclude(pk=organisation.pk):
            members[parent.pk] = parent
    return sorted(members.values(), key=lambda o: o.name)


def _change_request(
    *, actor: Actor, organisation: Organisation, changes: dict[str, Any], request: Any
) -> OrganisationChange | None:
    if not changes:
        return None
    if OrganisationChange.objects.filter(
        organisation=organisation, status=OrganisationChangeStatus.PENDING
    ).exists():
        waiting = (
            "a change of this organisation's kind, country or contact point is waiting for approval; "
            "decide or withdraw it first"
        )
        raise ReferenceDataError(dict.fromkeys(changes, waiting))
    previous = _guarded_state(organisation)
    change = OrganisationChange.objects.create(
        organisation=organisation, changes=changes, previous=previous, requested_by=user_of(actor)
    )
    affected = affected_organisations(organisation=organisation, changes=changes)
    audit.record(
        actor=actor,
        action=AuditAction.ORGANISATION_CHANGE_REQUESTED,
        target=organisation,
        data={
            "change": change.pk,
            "changes": changes,
            "previous": previous,
            "affected_organisations": [o.pk for o in affected],
        },
        request=request,
    )
    _notify_affected(actor=actor, change=change, affected=affected, request=request)
    return change


def _notify_affected(
    *, actor: Actor, change: OrganisationChange, affected: list[Organisation], request: Any
) -> None:
    """No notification centre exists yet: each agency whose data the change would open gets an
    audit event targeted at it (on the request and on the decision), which its supervisors and
    admins see in their audit log; the pending changes are listed on the directory's page."""
    for other in affected:
        audit.record(
            actor=actor,
            action=AuditAction.ORGANISATION_CHANGE_NOTIFIED,
            target=change,
            target_owner=other,
            data={
                "change": change.pk,
                "organisation": change.organisation.name,
                "changes": change.changes,
                "previous": change.previous,
                "status": change.status,
            },
            request=request,
        )


@transaction.atomic
def organisation_change_decide(
    *, actor: Actor, change: OrganisationChange, approve: bool, request: Any = None
) -> OrganisationChange:
    """Approve (apply) or reject a pending change of guarded fields. Another editor decides: the
    requester can only withdraw their own request, never approve it."""
    _check_editor(actor)
    change = OrganisationChange.objects.select_for_update().get(pk=change.pk)
    if change.status != OrganisationChangeStatus.PENDING:
        raise ChangeRefused(f"this change was decided already ({change.get_status_display()})")
    own = change.requested_by_id == actor.pk
    if approve and own:
        raise ChangeRefused("you requested this change: another editor must approve it", status=403)
    organisation = Organisation.objects.select_for_update().get(pk=change.organisation_id)
    affected = affected_organisations(organisation=organisation, changes=change.changes)
    if approve:
        current = _guarded_state(organisation)
        if any(current[k] != change.previous.get(k) for k in change.changes):
            raise ChangeRefused(
                "the organisation changed since this was requested; reject it and request it again"
            )
        cleaned = _clean_organisation(dict(change.changes), instance=organisation)
        apply_changes(organisation, {k: v for k, v in cleaned.items() if k in GUARDED_FIELDS})
        change.status = OrganisationChangeStatus.APPROVED
    else:
        change.status = OrganisationChangeStatus.WITHDRAWN if own else OrganisationChangeStatus.REJECTED
    change.decided_by = user_of(actor)
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ORGANISATION_CHANGE_DECIDED,
        target=organisation,
        data={"change": change.pk, "changes": change.changes, "status": change.status},
        request=request,
    )
    _notify_affected(actor=actor, change=change, affected=affected, request=request)
    if approve:
        audit.record(
            actor=actor,
            action=AuditAction.ORGANISATION_UPDATED,
            target=organisation,
            data={"changes": change.changes, "approved_change": change.pk},
            request=request,
        )
    return change


@transaction.atomic
def crime_area_update(
    *, actor: Actor, crime_area: CrimeArea, data: dict[str, Any], request: Any = None
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
    changed = apply_changes(crime_area, cleaned)
    if changed:
        audit.record(
            actor=actor,
            action=AuditAction.REFERENCE_UPDATED,
            target=crime_area,
            data={
                "crime_area": crime_area.code,
                "changes": {k: str(getattr(crime_area, k)) for k in changed},
            },
            request=request,
        )
    return crime_area
