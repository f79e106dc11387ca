"""Capacity building: programmes sponsored by dialogue partners, nominations by member states."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tcx.accounts.services import Refused
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.policy.actors import Actor, user_of
from tcx.policy.capabilities import Capability, has_capability
from tcx.policy.rules import NotFound
from tcx.roadmap import selectors
from tcx.roadmap.models import MAX_SEATS_PER_COUNTRY, Nomination, NominationStatus, Programme
from tcx.roadmap.services._base import RoadmapError, _check_text, _country, _crime_areas, _dates, _own_country


@transaction.atomic
def programme_create(*, actor: Actor, data: dict[str, Any]) -> Programme:
    """A partner liaison creates a programme its country sponsors; the Secretariat may name any sponsor."""
    scope = selectors.scope_of(actor)
    if scope is None:
        raise NotFound("not found")
    if scope.partner_country_id is not None:
        sponsor = _own_country(actor)
        if data.get("sponsor") and data["sponsor"].upper() != sponsor.code:
            raise RoadmapError({"sponsor": "a partner creates programmes it sponsors itself"})
        sponsor_organisation = actor.organisation
    elif has_capability(actor, Capability.EDIT_ROADMAP):
        named = _country(data.get("sponsor"), "sponsor", kind="dialogue_partner")
        if named is None:
            raise RoadmapError({"sponsor": "name the dialogue partner that sponsors the programme"})
        sponsor = named
        sponsor_organisation = None
    else:
        raise Refused("programmes are created by their sponsor or the ASEAN Secretariat")
    errors: dict[str, str] = {}
    title = _check_text(data.get("title"), "title", errors, max_length=200)
    seats = data.get("seats_per_country", 2)
    if not 1 <= seats <= MAX_SEATS_PER_COUNTRY:
        errors["seats_per_country"] = f"between 1 and {MAX_SEATS_PER_COUNTRY}"
    if errors:
        raise RoadmapError(errors)
    _dates(data["starts_on"], data["ends_on"], "starts_on", "ends_on")
    area = _crime_areas([data["crime_area"]], "crime_area")[0] if data.get("crime_area") else None
    programme = Programme.objects.create(
        title=title,
        kind=data["kind"],
        sponsor=sponsor,
        sponsor_organisation=sponsor_organisation,
        host=_country(data.get("host"), "host"),
        crime_area=area,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        seats_per_country=seats,
        description=data.get("description", ""),
    )
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_PROGRAMME_SAVED,
        target=programme,
        data={"title": programme.title},
    )
    return programme


@transaction.atomic
def nomination_create(
    *, actor: Actor, programme: Programme, nominee_name: str, nominee_title: str = ""
) -> Nomination:
    """A member-state agency nominates an officer, within its country's seats."""
    selectors.access_programme(actor=actor, programme_id=programme.pk)
    if not has_capability(actor, Capability.CONTRIBUTE_ROADMAP):
        raise Refused("member-state agencies nominate officers for programmes")
    errors: dict[str, str] = {}
    if not nominee_name.strip():
        errors["nominee_name"] = "name the officer"
    elif len(nominee_name.strip()) > 200:
        errors["nominee_name"] = "at most 200 characters"
    if len(nominee_title.strip()) > 200:
        errors["nominee_title"] = "at most 200 characters"
    if errors:
        raise RoadmapError(errors)
    country = _own_country(actor)
    Programme.objects.select_for_update().get(pk=programme.pk)
    taken = programme.nominations.filter(country=country).exclude(status=NominationStatus.DECLINED).count()
    if taken >= programme.seats_per_country:
        raise RoadmapError(
            {
                "nominee_name": f"{country.name} has used its {programme.seats_per_country} "
                "seat(s) on this programme"
            }
        )
    nomination = Nomination.objects.create(
        programme=programme,
        organisation=actor.organisation,
        country=country,
        nominee_name=nominee_name.strip(),
        nominee_title=nominee_title.strip(),
        nominated_by=user_of(actor),
    )
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_NOMINATION_MADE,
        target=nomination,
        data={"programme": programme.pk},
    )
    return nomination


NOMINATION_STEPS = {
    NominationStatus.NOMINATED: {NominationStatus.APPROVED, NominationStatus.DECLINED},
    NominationStatus.APPROVED: {
        NominationStatus.ATTENDED,
        NominationStatus.NO_SHOW,
        NominationStatus.DECLINED,
    },
    NominationStatus.ATTENDED: {NominationStatus.COMPLETED},
}


@transaction.atomic
def nomination_decide(*, actor: Actor, nomination: Nomination, status: str) -> Nomination:
    """The sponsor (or the Secretariat) approves or declines, then records attendance and completion."""
    selectors.access_nomination(actor=actor, nomination_id=nomination.pk)
    if not selectors.manages_programme(actor, nomination.programme):
        raise Refused("the sponsor or the ASEAN Secretariat decides nominations")
    allowed = NOMINATION_STEPS.get(NominationStatus(nomination.status), set())
    if status not in allowed:
        raise RoadmapError(
            {
                "status": f"a nomination that is {nomination.status} cannot become {status!r} "
                f"(allowed: {', '.join(sorted(allowed)) or 'none'})"
            }
        )
    nomination.status = status
    nomination.save(update_fields=["status"])
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_NOMINATION_DECIDED, target=nomination, data={"status": status}
    )
    return nomination
