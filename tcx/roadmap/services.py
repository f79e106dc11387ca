"""Writes on the roadmap. Each is a verb with keyword-only arguments, in a transaction, writing
its audit event. Permission checks refuse with ``NotFound`` when the actor may not even see the
object, and with ``Refused`` when they see it but may not do this."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tcx.accounts.services import Refused
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.organisations.models import Country, CrimeArea
from tcx.policy.rules import NotFound
from tcx.roadmap import selectors
from tcx.roadmap.models import (
    CLOSED_STATUSES,
    ActionLine,
    Component,
    Decision,
    EquipmentNeed,
    EquipmentOffer,
    LineStatus,
    Meeting,
    MeetingDocument,
    Nomination,
    NominationStatus,
    OfferStatus,
    Programme,
    ProgressUpdate,
)

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


class RoadmapError(ValueError):
    """Bad input: ``errors`` maps a field (or a file row) to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _require_secretariat(actor: Any) -> None:
    scope = selectors.scope_of(actor)
    if scope is None:
        raise NotFound("not found")
    if actor.role != "secretariat_officer":
        raise Refused("only the ASEAN Secretariat manages meetings, decisions and the plan")


def _country(code: str | None, field: str, *, kind: str | None = None) -> Country | None:
    if not code:
        return None
    country = Country.objects.filter(code=str(code).upper()).first()
    if country is None or (kind and country.kind != kind):
        what = {"member_state": "member state", "dialogue_partner": "dialogue partner"}.get(
            kind or "", "country"
        )
        raise RoadmapError({field: f"unknown {what} {code!r}"})
    return country


def _dates(starts_on: dt.date | None, ends_on: dt.date | None, start: str, end: str) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise RoadmapError({end: f"{end} {ends_on} is before {start} {starts_on}"})


@transaction.atomic
def meeting_create(*, actor: Any, data: dict[str, Any]) -> Meeting:
    """Create a meeting (AMMTC, SOMTC, a SOMTC+partner consultation ...)."""
    _require_secretariat(actor)
    _dates(data["starts_on"], data["ends_on"], "starts_on", "ends_on")
    if Meeting.objects.filter(number=data["number"]).exists():
        raise RoadmapError({"number": f"a meeting {data['number']!r} already exists"})
    partners = [_country(c, "partners", kind="dialogue_partner") for c in data.get("partners", [])]
    parent = None
    if data.get("parent"):
        parent = Meeting.objects.filter(number=data["parent"]).first()
        if parent is None:
            raise RoadmapError({"parent": f"unknown meeting {data['parent']!r}"})
    meeting = Meeting.objects.create(
        kind=data["kind"],
        number=data["number"],
        title=data.get("title") or data["number"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        host=_country(data.get("host"), "host"),
        chair=_country(data.get("chair"), "chair", kind="member_state"),
        mode=data.get("mode", "in_person"),
        parent=parent,
        participants=data.get("participants", ""),
        agenda=data.get("agenda", ""),
        outcome=data.get("outcome", ""),
    )
    meeting.partners.set([p for p in partners if p])
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_MEETING_SAVED, target=meeting, data={"number": meeting.number}
    )
    return meeting


@transaction.atomic
def meeting_document_add(*, actor: Any, meeting: Meeting, title: str, file: UploadedFile) -> MeetingDocument:
    _require_secretariat(actor)
    document = MeetingDocument.objects.create(meeting=meeting, title=title, file=file, uploaded_by=actor)
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_DOCUMENT_ADDED, target=document, data={"title": title}
    )
    return document


@transaction.atomic
def decision_create(*, actor: Any, meeting: Meeting, data: dict[str, Any]) -> Decision:
    _require_secretariat(actor)
    if Decision.objects.filter(meeting=meeting, reference=data["reference"]).exists():
        raise RoadmapError({"reference": f"{meeting.number} already has a decision {data['reference']!r}"})
    component = None
    if data.get("component"):
        component = Component.objects.filter(code=data["component"]).first()
        if component is None:
            raise RoadmapError({"component": f"unknown component {data['component']!r}"})
    areas = _crime_areas(data.get("crime_areas", []), "crime_areas")
    decision = Decision.objects.create(
        meeting=meeting,
        reference=data["reference"],
        text=data["text"],
        proposed_by=_country(data.get("proposed_by"), "proposed_by", kind="member_state"),
        component=component,
    )
    decision.crime_areas.set(areas)
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_DECISION_SAVED,
        target=decision,
        data={"reference": decision.reference},
    )
    return decision


def _crime_areas(codes: list[str], field: str) -> list[CrimeArea]:
    areas = []
    for code in codes:
        area = CrimeArea.objects.filter(code=code).first()
        if area is None:
            raise RoadmapError({field: f"unknown crime area {code!r}"})
        areas.append(area)
    return areas


@transaction.atomic
def action_line_save(*, actor: Any | None, component: Component, data: dict[str, Any]) -> ActionLine:
    """Create or update (by code) an action line. The lead defaults to the crime area's lead shepherd."""
    if actor is not None:
        _require_secretariat(actor)
    area = (
        _crime_areas([data["crime_area"]], "crime_area")[0]
        if data.get("crime_area")
        else component.crime_area
    )
    lead = _country(data.get("lead"), "lead", kind="member_state")
    if lead is None:
        lead = area.lead_shepherd if area else None
    if lead is None:
        raise RoadmapError({"lead": "no lead given and the crime area has no lead shepherd"})
    co_leads = [_country(c, "co_leads", kind="member_state") for c in data.get("co_leads", [])]
    partners = [_country(c, "partners", kind="dialogue_partner") for c in data.get("partners", [])]
    _dates(data.get("starts_on"), data["due_on"], "starts_on", "due_on")
    decision = data.get("decision")
    line, created = ActionLine.objects.update_or_create(
        code=data["code"],
        defaults={
            "component": component,
            "decision": decision,
            "title": data["title"],
            "description": data.get("description", ""),
            "crime_area": area,
            "lead": lead,
            "starts_on": data.get("starts_on"),
            "due_on": data["due_on"],
            "updated_at": timezone.now(),
        },
    )
    line.co_leads.set([c for c in co_leads if c])
    line.partners.set([p for p in partners if p])
    milestones = data.get("milestones")
    if milestones is not None:
        line.milestones.all().delete()
        for m in milestones:
            if m["due_on"] > data["due_on"]:
                raise RoadmapError(
                    {"milestones": f"milestone {m['title']!r} is due after the line ({data['due_on']})"}
                )
            line.milestones.create(title=m["title"], due_on=m["due_on"], done_on=m.get("done_on"))
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_LINE_SAVED,
        target=line,
        data={"code": line.code, "created": created},
    )
    return line


@transaction.atomic
def action_line_drop(*, actor: Any, line: ActionLine, reason: str) -> ActionLine:
    """The Secretariat drops a line (a decision of a meeting); it is then closed."""
    _require_secretariat(actor)
    if line.is_closed:
        raise RoadmapError({"status": f"the action line is already {line.get_status_display().lower()}"})
    line.status = LineStatus.DROPPED
    line.closed_at = line.updated_at = timezone.now()
    line.save(update_fields=["status", "closed_at", "updated_at"])
    audit.record(actor=actor, action=AuditAction.ROADMAP_LINE_SAVED, target=line, data={"dropped": reason})
    return line


@transaction.atomic
def progress_record(
    *,
    actor: Any,
    line: ActionLine,
    text: str,
    status: str,
    evidence: UploadedFile | None = None,
    meeting: Meeting | None = None,
) -> ProgressUpdate:
    """A member-state agency reports progress on a line its state leads or co-leads; the status it
    reports becomes the line's status (done closes the line)."""
    selectors.access_action_line(actor=actor, line_id=line.pk)
    line = ActionLine.objects.select_for_update().get(pk=line.pk)
    if not selectors.can_record_progress(actor, line):
        raise Refused("only the lead and co-lead member states record progress on this action line")
    if line.status in CLOSED_STATUSES:
        raise RoadmapError(
            {
                "status": f"the action line is {line.get_status_display().lower()}: "
                "it takes no more progress updates"
            }
        )
    errors = {}
    if not text.strip():
        errors["text"] = "say what was done"
    if status not in (LineStatus.NOT_STARTED, LineStatus.ON_TRACK, LineStatus.AT_RISK, LineStatus.DONE):
        errors["status"] = (
            f"{status!r} is not a status a member state reports (not_started, on_track, at_risk, done)"
        )
    if evidence is not None and evidence.size and evidence.size > MAX_EVIDENCE_BYTES:
        errors["evidence"] = "evidence files are limited to 20 MB"
    if errors:
        raise RoadmapError(errors)
    now = timezone.now()
    update = ProgressUpdate.objects.create(
        action_line=line,
        country=actor.organisation.country,
        organisation=actor.organisation,
        author=actor,
        meeting=meeting,
        text=text.strip(),
        status=status,
        evidence=evidence or "",
        created_at=now,
    )
    line.status = status
    line.updated_at = now
    line.closed_at = now if status == LineStatus.DONE else None
    line.save(update_fields=["status", "updated_at", "closed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_PROGRESS_RECORDED,
        target=line,
        data={"status": status, "update": update.pk, "evidence": bool(evidence)},
    )
    return update


# --- capacity building ---------------------------------------------------------------------


@transaction.atomic
def programme_create(*, actor: Any, data: dict[str, Any]) -> Programme:
    """A partner liaison creates a programme its country sponsors; the Secretariat may name any sponsor."""
    scope = selectors.scope_of(actor)
    if scope is None:
        raise NotFound("not found")
    if scope.partner_country_id is not None:
        sponsor = actor.organisation.country
        if data.get("sponsor") and data["sponsor"].upper() != sponsor.code:
            raise RoadmapError({"sponsor": "a partner creates programmes it sponsors itself"})
        sponsor_organisation = actor.organisation
    elif actor.role == "secretariat_officer":
        sponsor = _country(data.get("sponsor"), "sponsor", kind="dialogue_partner")
        if sponsor is None:
            raise RoadmapError({"sponsor": "name the dialogue partner that sponsors the programme"})
        sponsor_organisation = None
    else:
        raise Refused("programmes are created by their sponsor or the ASEAN Secretariat")
    _dates(data["starts_on"], data["ends_on"], "starts_on", "ends_on")
    area = _crime_areas([data["crime_area"]], "crime_area")[0] if data.get("crime_area") else None
    programme = Programme.objects.create(
        title=data["title"],
        kind=data["kind"],
        sponsor=sponsor,
        sponsor_organisation=sponsor_organisation,
        host=_country(data.get("host"), "host"),
        crime_area=area,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        seats_per_country=data.get("seats_per_country", 2),
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
    *, actor: Any, programme: Programme, nominee_name: str, nominee_title: str = ""
) -> Nomination:
    """A member-state agency nominates an officer, within its country's seats."""
    selectors.access_programme(actor=actor, programme_id=programme.pk)
    if actor.role not in selectors.MEMBER_STATE_ROLES or actor.organisation.kind != "member_state_agency":
        raise Refused("member-state agencies nominate officers for programmes")
    if not nominee_name.strip():
        raise RoadmapError({"nominee_name": "name the officer"})
    country = actor.organisation.country
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
        nominated_by=actor,
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
def nomination_decide(*, actor: Any, nomination: Nomination, status: str) -> Nomination:
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


# --- equipment ------------------------------------------------------------------------------


@transaction.atomic
def need_post(*, actor: Any, title: str, description: str = "", quantity: int = 1) -> EquipmentNeed:
    if selectors.scope_of(actor) is None:
        raise NotFound("not found")
    if actor.role not in selectors.MEMBER_STATE_ROLES or actor.organisation.kind != "member_state_agency":
        raise Refused("member-state agencies post equipment needs")
    if not title.strip() or quantity < 1:
        raise RoadmapError(
            {"title" if not title.strip() else "quantity": "required" if not title.strip() else "at least 1"}
        )
    need = EquipmentNeed.objects.create(
        organisation=actor.organisation, title=title.strip(), description=description, quantity=quantity
    )
    audit.record(actor=actor, action=AuditAction.ROADMAP_NEED_POSTED, target=need, data={"title": need.title})
    return need


@transaction.atomic
def offer_post(
    *, actor: Any, title: str, description: str = "", quantity: int = 1, need: EquipmentNeed | None = None
) -> EquipmentOffer:
    scope = selectors.scope_of(actor)
    if scope is None:
        raise NotFound("not found")
    if scope.partner_country_id is None:
        raise Refused("dialogue partners offer equipment")
    if not title.strip() or quantity < 1:
        raise RoadmapError(
            {"title" if not title.strip() else "quantity": "required" if not title.strip() else "at least 1"}
        )
    offer = EquipmentOffer.objects.create(
        organisation=actor.organisation,
        country=actor.organisation.country,
        title=title.strip(),
        description=description,
        quantity=quantity,
    )
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_OFFER_POSTED, target=offer, data={"title": offer.title}
    )
    if need is not None:
        offer = offer_match(actor=actor, offer=offer, need=need)
    return offer


def _manages_offer(actor: Any, offer: EquipmentOffer) -> bool:
    scope = selectors.scope_of(actor)
    if scope is None:
        return False
    return actor.role == "secretariat_officer" or offer.country_id == scope.partner_country_id


@transaction.atomic
def offer_match(*, actor: Any, offer: EquipmentOffer, need: EquipmentNeed) -> EquipmentOffer:
    """Match an offer to a need: the offering partner or the Secretariat."""
    selectors.access_offer(actor=actor, offer_id=offer.pk)
    selectors.access_need(actor=actor, need_id=need.pk)
    if not _manages_offer(actor, offer):
        raise Refused("the offering partner or the ASEAN Secretariat matches an offer")
    if offer.status != OfferStatus.OFFERED:
        raise RoadmapError({"status": f"the offer is already {offer.get_status_display().lower()}"})
    if need.status != "open":
        raise RoadmapError({"need_id": f"the need is {need.get_status_display().lower()}"})
    offer.need = need
    offer.status = OfferStatus.MATCHED
    offer.save(update_fields=["need", "status"])
    need.status = "matched"
    need.save(update_fields=["status"])
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_OFFER_UPDATED, target=offer, data={"matched": need.pk}
    )
    return offer


OFFER_STEPS = {
    OfferStatus.OFFERED: {OfferStatus.WITHDRAWN},
    OfferStatus.MATCHED: {OfferStatus.SHIPPED, OfferStatus.DELIVERED, OfferStatus.WITHDRAWN},
    OfferStatus.SHIPPED: {OfferStatus.DELIVERED},
}


@transaction.atomic
def offer_track(
    *, actor: Any, offer: EquipmentOffer, status: str, on: dt.date | None = None
) -> EquipmentOffer:
    """Track an offer to delivery (shipped, delivered) or withdraw it."""
    selectors.access_offer(actor=actor, offer_id=offer.pk)
    if not _manages_offer(actor, offer):
        raise Refused("the offering partner or the ASEAN Secretariat tracks an offer")
    allowed = OFFER_STEPS.get(OfferStatus(offer.status), set())
    if status not in allowed:
        raise RoadmapError(
            {
                "status": f"an offer that is {offer.status} cannot become {status!r} "
                f"(allowed: {', '.join(sorted(allowed)) or 'none'})"
            }
        )
    offer.status = status
    if status == OfferStatus.DELIVERED:
        offer.delivered_on = on or timezone.localdate()
    offer.save(update_fields=["status", "delivered_on"])
    if offer.need_id:
        need = offer.need
        assert need is not None
        need.status = {"delivered": "delivered", "withdrawn": "open"}.get(status, need.status)
        need.save(update_fields=["status"])
        if status == OfferStatus.WITHDRAWN:
            offer.need = None
            offer.save(update_fields=["need"])
    audit.record(actor=actor, action=AuditAction.ROADMAP_OFFER_UPDATED, target=offer, data={"status": status})
    return offer
