"""Reads of the roadmap, taking the actor. The visibility rule lives here, in ``scope_of``.

Who sees what (the roadmap is not operational data; see README):
- the ASEAN Secretariat's officers and every person of a member-state agency: all of it
  (``Capability.SEE_ROADMAP``);
- a dialogue-partner liaison: the meetings its country takes part in (and their decisions), the
  action lines it is a partner of, the programmes it sponsors, its own equipment offers and the
  needs those offers are matched to, plus the open needs (so that it can offer)
  (``Capability.SEE_PARTNER_ROADMAP``);
- the platform operator and anyone else: nothing ("not found").
Every page and endpoint reads through these functions; a refused lookup raises ``NotFound``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability, has_capability
from tcx.policy.rules import NotFound
from tcx.roadmap.lateness import effective_status, region_today
from tcx.roadmap.models import (
    CLOSED_STATUSES,
    ActionLine,
    Decision,
    EquipmentNeed,
    EquipmentOffer,
    Meeting,
    MeetingDocument,
    MeetingKind,
    Milestone,
    Nomination,
    Programme,
    ProgressUpdate,
)


@dataclasses.dataclass(frozen=True)
class Scope:
    everything: bool
    partner_country_id: int | None = None


def scope_of(actor: Actor) -> Scope | None:
    """What part of the roadmap the actor sees: everything, one partner's share, or nothing."""
    if has_capability(actor, Capability.SEE_ROADMAP):
        return Scope(everything=True)
    if has_capability(actor, Capability.SEE_PARTNER_ROADMAP) and actor.organisation.country_id:
        return Scope(everything=False, partner_country_id=actor.organisation.country_id)
    return None


def sees_roadmap(actor: Actor) -> bool:
    return scope_of(actor) is not None


def _scope(actor: Actor) -> Scope:
    scope = scope_of(actor)
    if scope is None:
        raise NotFound("not found")
    return scope


def meeting_list(*, actor: Actor) -> QuerySet[Meeting]:
    scope = _scope(actor)
    qs = Meeting.objects.select_related("host", "chair").prefetch_related("partners")
    if not scope.everything:
        qs = qs.filter(partners=scope.partner_country_id).distinct()
    return qs


def access_meeting(*, actor: Actor, meeting_id: int) -> Meeting:
    meeting = meeting_list(actor=actor).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting not found")
    return meeting


def access_meeting_document(*, actor: Actor, document_id: int) -> MeetingDocument:
    document = MeetingDocument.objects.filter(
        pk=document_id, meeting__in=meeting_list(actor=actor).values("pk")
    ).first()
    if document is None:
        raise NotFound("document not found")
    return document


def decision_list(*, actor: Actor) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(meeting__in=meeting_list(actor=actor).values("pk"))
        .select_related("meeting", "proposed_by", "component")
        .prefetch_related("crime_areas")
    )


def access_decision(*, actor: Actor, decision_id: int) -> Decision:
    decision = decision_list(actor=actor).filter(pk=decision_id).first()
    if decision is None:
        raise NotFound(f"decision {decision_id} not found")
    return decision


def action_line_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[ActionLine]:
    scope = _scope(actor)
    filters = filters or {}
    qs = ActionLine.objects.select_related(
        "lead", "crime_area", "component", "decision__meeting", "component__crime_area"
    ).prefetch_related("co_leads", "partners", "milestones")
    if not scope.everything:
        qs = qs.filter(partners=scope.partner_country_id)
    if filters.get("country"):
        code = str(filters["country"]).upper()
        qs = qs.filter(Q(lead__code=code) | Q(co_leads__code=code) | Q(partners__code=code))
    if filters.get("crime_area"):
        qs = qs.filter(crime_area__code=filters["crime_area"])
    if filters.get("meeting"):
        qs = qs.filter(decision__meeting_id=filters["meeting"])
    if filters.get("due_before"):
        qs = qs.filter(due_on__lte=filters["due_before"]).exclude(status__in=CLOSED_STATUSES)
    status = filters.get("status")
    if status == "late":
        qs = qs.exclude(status__in=CLOSED_STATUSES).filter(due_on__lt=region_today())
    elif status:
        qs = qs.filter(status=status)
        if status not in CLOSED_STATUSES:
            qs = qs.filter(due_on__gte=region_today())
    return qs.distinct()


def access_action_line(*, actor: Actor, line_id: int) -> ActionLine:
    line = action_line_list(actor=actor).filter(pk=line_id).first()
    if line is None:
        raise NotFound("action line not found")
    return line


def access_milestone(*, actor: Actor, milestone_id: int) -> Milestone:
    milestone = (
        Milestone.objects.filter(pk=milestone_id, action_line__in=action_line_list(actor=actor).values("pk"))
        .select_related("action_line")
        .first()
    )
    if milestone is None:
        raise NotFound("milestone not found")
    return milestone


def manages_plan(actor: Actor) -> bool:
    """The ASEAN Secretariat manages meetings, decisions, the plan and its action lines."""
    return has_capability(actor, Capability.EDIT_ROADMAP)


def progress_list(*, actor: Actor, line: ActionLine) -> QuerySet[ProgressUpdate]:
    access_action_line(actor=actor, line_id=line.pk)
    return line.progress_updates.select_related("country", "organisation", "author", "meeting")


def access_progress_update(*, actor: Actor, update_id: int) -> ProgressUpdate:
    update = (
        ProgressUpdate.objects.filter(
            pk=update_id, action_line__in=action_line_list(actor=actor).values("pk")
        )
        .select_related("action_line")
        .first()
    )
    if update is None:
        raise NotFound("progress update not found")
    return update


def can_record_progress(actor: Actor, line: ActionLine) -> bool:
    """Member-state agencies record progress on the lines their state leads or co-leads."""
    if not has_capability(actor, Capability.CONTRIBUTE_ROADMAP):
        return False
    country_id = actor.organisation.country_id
    return line.lead_id == country_id or any(c.pk == country_id for c in line.co_leads.all())


def next_somtc(*, today: dt.date | None = None) -> Meeting | None:
    """The next SOMTC plenary (reference data for everyone who sees the roadmap)."""
    today = today or region_today()
    return Meeting.objects.filter(kind=MeetingKind.SOMTC, starts_on__gte=today).order_by("starts_on").first()


def line_status(line: ActionLine, now: dt.datetime | None = None) -> str:
    return effective_status(line.status, line.due_on, now)


def programme_list(*, actor: Actor) -> QuerySet[Programme]:
    scope = _scope(actor)
    qs = Programme.objects.select_related("sponsor", "host", "crime_area", "sponsor_organisation")
    if not scope.everything:
        qs = qs.filter(sponsor_id=scope.partner_country_id)
    return qs


def access_programme(*, actor: Actor, programme_id: int) -> Programme:
    programme = programme_list(actor=actor).filter(pk=programme_id).first()
    if programme is None:
        raise NotFound("programme not found")
    return programme


def nomination_list(*, actor: Actor, programme: Programme) -> QuerySet[Nomination]:
    access_programme(actor=actor, programme_id=programme.pk)
    return programme.nominations.select_related("country", "organisation")


def access_nomination(*, actor: Actor, nomination_id: int) -> Nomination:
    nomination = (
        Nomination.objects.select_related("programme", "country")
        .filter(pk=nomination_id, programme__in=programme_list(actor=actor).values("pk"))
        .first()
    )
    if nomination is None:
        raise NotFound("nomination not found")
    return nomination


def manages_programme(actor: Actor, programme: Programme) -> bool:
    """The Secretariat, and the partner that sponsors it, manage a programme."""
    scope = scope_of(actor)
    if scope is None:
        return False
    if has_capability(actor, Capability.EDIT_ROADMAP):
        return True
    return scope.partner_country_id is not None and programme.sponsor_id == scope.partner_country_id


def offer_list(*, actor: Actor) -> QuerySet[EquipmentOffer]:
    scope = _scope(actor)
    qs = EquipmentOffer.objects.select_related("organisation", "country", "need__organisation")
    if not scope.everything:
        qs = qs.filter(country=scope.partner_country_id)
    return qs


def access_offer(*, actor: Actor, offer_id: int) -> EquipmentOffer:
    offer = offer_list(actor=actor).filter(pk=offer_id).first()
    if offer is None:
        raise NotFound("offer not found")
    return offer


def need_list(*, actor: Actor) -> QuerySet[EquipmentNeed]:
    scope = _scope(actor)
    qs = EquipmentNeed.objects.select_related("organisation__country").prefetch_related(
        Prefetch("offers", queryset=EquipmentOffer.objects.select_related("organisation"))
    )
    if not scope.everything:
        qs = qs.filter(Q(status="open") | Q(offers__country_id=scope.partner_country_id)).distinct()
    return qs


def access_need(*, actor: Actor, need_id: int) -> EquipmentNeed:
    need = need_list(actor=actor).filter(pk=need_id).first()
    if need is None:
        raise NotFound("need not found")
    return need


def roadmap_by(lines: list[ActionLine], *, group: str) -> list[tuple[str, list[ActionLine]]]:
    """The timeline grouped per crime area (default) or per lead member state."""
    groups: dict[str, list[ActionLine]] = {}
    for line in lines:
        if group == "lead":
            key = line.lead.name
        else:
            area = line.crime_area or line.component.crime_area
            key = area.name if area else "Cross-cutting"
        groups.setdefault(key, []).append(line)
    return sorted(groups.items())
