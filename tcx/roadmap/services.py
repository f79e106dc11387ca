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
    MeetingKind,
    MeetingMode,
    Milestone,
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
    if not selectors.manages_plan(actor):
        raise Refused("only the ASEAN Secretariat manages meetings, decisions and the plan")


def require_secretariat(*, actor: Any) -> None:
    """Pages that only show a Secretariat form refuse everyone else before showing it."""
    _require_secretariat(actor)


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


# Collecting checks: each adds its message to ``errors`` (keyed by the field) instead of raising,
# so that a form or a request shows every bad field at once and nothing is written.


def _check_country(
    code: Any, field: str, errors: dict[str, str], *, kind: str | None = None
) -> Country | None:
    try:
        return _country(code, field, kind=kind)
    except RoadmapError as exc:
        message = exc.errors[field]
        errors[field] = f"{errors[field]}; {message}" if field in errors else message
        return None


def _check_countries(codes: Any, field: str, errors: dict[str, str], *, kind: str) -> list[Country]:
    if codes is None:
        return []
    if isinstance(codes, str) or not isinstance(codes, list | tuple):
        errors[field] = "a list of country codes is required"
        return []
    found = [_check_country(code, field, errors, kind=kind) for code in codes if code]
    return [c for c in found if c is not None]


def _check_date(value: Any, field: str, errors: dict[str, str], *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = "required"
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = f"{value!r} is not a date (YYYY-MM-DD)"
        return None


def _check_text(value: Any, field: str, errors: dict[str, str], *, max_length: int = 0) -> str:
    text = str(value or "").strip()
    if not text:
        errors[field] = "required"
    elif max_length and len(text) > max_length:
        errors[field] = f"at most {max_length} characters"
    return text


def _check_unknown(data: dict[str, Any], allowed: tuple[str, ...], errors: dict[str, str]) -> None:
    for key in sorted(set(data) - set(allowed)):
        errors[key] = "unknown field"


def _check_order(
    starts_on: dt.date | None, ends_on: dt.date | None, start: str, end: str, errors: dict[str, str]
) -> None:
    if start in errors or end in errors:
        return
    if starts_on and ends_on and ends_on < starts_on:
        errors[end] = f"{end} {ends_on} is before {start} {starts_on}"


# --- meetings and decisions -----------------------------------------------------------------

MEETING_FIELDS = (
    "kind", "number", "title", "starts_on", "ends_on", "host", "chair", "mode", "partners", "parent",
    "participants", "agenda", "outcome", "unconfirmed",
)  # fmt: skip


def _is_session_of(candidate: Meeting, meeting: Meeting) -> bool:
    """Whether ``candidate`` is ``meeting`` or one of its sessions (at any depth)."""
    seen: set[int] = set()
    node: Meeting | None = candidate
    while node is not None and node.pk not in seen:
        if node.pk == meeting.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def _meeting_values(
    *, data: dict[str, Any], meeting: Meeting | None
) -> tuple[dict[str, Any], list[Country] | None]:
    """Check a meeting's fields (all of them to create; those given to change) and return the values
    to store and the partners (None: unchanged). Raises RoadmapError naming every bad field."""
    creating = meeting is None
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    _check_unknown(data, MEETING_FIELDS, errors)
    if creating or "kind" in data:
        if data.get("kind") in MeetingKind.values:
            values["kind"] = str(data["kind"])
        else:
            errors["kind"] = (
                f"unknown meeting type {data.get('kind')!r} (one of {', '.join(MeetingKind.values)})"
            )
    if creating or "number" in data:
        number = _check_text(data.get("number"), "number", errors, max_length=60)
        others = Meeting.objects.filter(number=number)
        if meeting is not None:
            others = others.exclude(pk=meeting.pk)
        if number and others.exists():
            errors["number"] = f"a meeting {number!r} already exists"
        values["number"] = number
    if "title" in data:
        values["title"] = str(data["title"] or "").strip()[:200]
    for key in ("starts_on", "ends_on"):
        if creating or key in data:
            values[key] = _check_date(data.get(key), key, errors, required=True)
    _check_order(
        values.get("starts_on", getattr(meeting, "starts_on", None)),
        values.get("ends_on", getattr(meeting, "ends_on", None)),
        "starts_on",
        "ends_on",
        errors,
    )
    if "host" in data:
        values["host"] = _check_country(data["host"], "host", errors)
    if "chair" in data:
        values["chair"] = _check_country(data["chair"], "chair", errors, kind="member_state")
    if creating or "mode" in data:
        mode = data.get("mode") or MeetingMode.IN_PERSON
        if mode in MeetingMode.values:
            values["mode"] = str(mode)
        else:
            errors["mode"] = f"unknown mode {mode!r} (one of {', '.join(MeetingMode.values)})"
    partners = None
    if creating or "partners" in data:
        partners = _check_countries(data.get("partners"), "partners", errors, kind="dialogue_partner")
    if "parent" in data:
        parent = None
        if data["parent"]:
            parent = Meeting.objects.filter(number=str(data["parent"])).first()
            if parent is None:
                errors["parent"] = f"unknown meeting {data['parent']!r}"
            elif meeting is not None and _is_session_of(parent, meeting):
                errors["parent"] = "a meeting cannot be a session of itself or of one of its sessions"
        values["parent"] = parent
    for key in ("participants", "agenda", "outcome"):
        if key in data:
            values[key] = str(data[key] or "")
    if "unconfirmed" in data:
        values["unconfirmed"] = bool(data["unconfirmed"])
    if errors:
        raise RoadmapError(errors)
    if "title" in values or creating:
        values["title"] = values.get("title") or values.get("number") or getattr(meeting, "number", "")
    return values, partners


@transaction.atomic
def meeting_create(*, actor: Any, data: dict[str, Any]) -> Meeting:
    """Create a meeting (AMMTC, SOMTC, a SOMTC+partner consultation ...); every bad field is named."""
    _require_secretariat(actor)
    values, partners = _meeting_values(data=data, meeting=None)
    meeting = Meeting.objects.create(**values)
    meeting.partners.set(partners or [])
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_MEETING_SAVED,
        target=meeting,
        data={"number": meeting.number, "created": True},
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """Change the fields of a meeting given in ``data`` (the others stay); every bad field is named."""
    _require_secretariat(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    values, partners = _meeting_values(data=data, meeting=meeting)
    for key, value in values.items():
        setattr(meeting, key, value)
    meeting.save()
    if partners is not None:
        meeting.partners.set(partners)
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_MEETING_SAVED,
        target=meeting,
        data={"number": meeting.number, "changed": sorted(data)},
    )
    return meeting


@transaction.atomic
def meeting_document_add(*, actor: Any, meeting: Meeting, title: str, file: UploadedFile) -> MeetingDocument:
    """Attach a document (agenda, minutes, report) to a meeting."""
    _require_secretariat(actor)
    title = title.strip() or str(file.name or "document")
    document = MeetingDocument.objects.create(
        meeting=meeting, title=title[:200], file=file, uploaded_by=actor
    )
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_DOCUMENT_ADDED, target=document, data={"title": title}
    )
    return document


DECISION_FIELDS = ("reference", "text", "crime_areas", "proposed_by", "component")


@transaction.atomic
def decision_create(*, actor: Any, meeting: Meeting, data: dict[str, Any]) -> Decision:
    """Record a decision or recommendation of a meeting; every bad field is named."""
    _require_secretariat(actor)
    errors: dict[str, str] = {}
    _check_unknown(data, DECISION_FIELDS, errors)
    reference = _check_text(data.get("reference"), "reference", errors, max_length=60)
    if reference and Decision.objects.filter(meeting=meeting, reference=reference).exists():
        errors["reference"] = f"{meeting.number} already has a decision {reference!r}"
    text = _check_text(data.get("text"), "text", errors)
    component = None
    if data.get("component"):
        component = Component.objects.filter(code=data["component"]).first()
        if component is None:
            errors["component"] = f"unknown component {data['component']!r}"
    areas = _check_crime_areas(data.get("crime_areas") or [], "crime_areas", errors)
    proposed_by = _check_country(data.get("proposed_by"), "proposed_by", errors, kind="member_state")
    if errors:
        raise RoadmapError(errors)
    decision = Decision.objects.create(
        meeting=meeting, reference=reference, text=text, proposed_by=proposed_by, component=component
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


def _check_crime_areas(codes: Any, field: str, errors: dict[str, str]) -> list[CrimeArea]:
    if isinstance(codes, str) or not isinstance(codes, list | tuple):
        errors[field] = "a list of crime-area codes is required"
        return []
    try:
        return _crime_areas([c for c in codes if c], field)
    except RoadmapError as exc:
        errors.setdefault(field, exc.errors[field])
        return []


# --- action lines and milestones ------------------------------------------------------------


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


LINE_FIELDS = (
    "title", "description", "crime_area", "lead", "co_leads", "partners", "starts_on", "due_on",
    "decision_id",
)  # fmt: skip


@transaction.atomic
def action_line_update(*, actor: Any, line: ActionLine, data: dict[str, Any]) -> ActionLine:
    """Change an action line's details outside a plan reload (the fields given in ``data``; the
    others stay). Same rules as a plan file: known crime areas and countries, the lead a member
    state (defaulting to the crime area's lead shepherd), the due date not before the start, no
    milestone after the due date. Every bad field is named and nothing is written.

    A later re-load of the plan file that holds the line overwrites these changes (by code)."""
    _require_secretariat(actor)
    line = ActionLine.objects.select_for_update().select_related("component__crime_area").get(pk=line.pk)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    _check_unknown(data, LINE_FIELDS, errors)
    if "title" in data:
        values["title"] = _check_text(data["title"], "title", errors, max_length=300)
    if "description" in data:
        values["description"] = str(data["description"] or "")
    if "crime_area" in data:
        areas = _check_crime_areas([data["crime_area"]] if data["crime_area"] else [], "crime_area", errors)
        values["crime_area"] = areas[0] if areas else None
    if "lead" in data:
        lead = _check_country(data["lead"], "lead", errors, kind="member_state")
        if lead is None and "lead" not in errors:
            area = values.get("crime_area", line.crime_area) or line.component.crime_area
            lead = area.lead_shepherd if area else None
            if lead is None:
                errors["lead"] = "no lead given and the crime area has no lead shepherd"
        values["lead"] = lead
    co_leads = partners = None
    if "co_leads" in data:
        co_leads = _check_countries(data["co_leads"], "co_leads", errors, kind="member_state")
    if "partners" in data:
        partners = _check_countries(data["partners"], "partners", errors, kind="dialogue_partner")
    if "starts_on" in data:
        values["starts_on"] = _check_date(data["starts_on"], "starts_on", errors, required=False)
    if "due_on" in data:
        values["due_on"] = _check_date(data["due_on"], "due_on", errors, required=True)
    due_on = values.get("due_on", line.due_on)
    _check_order(values.get("starts_on", line.starts_on), due_on, "starts_on", "due_on", errors)
    if "due_on" not in errors and due_on:
        after = line.milestones.filter(due_on__gt=due_on).first()
        if after is not None:
            errors["due_on"] = (
                f"milestone {after.title!r} is due on {after.due_on}, after {due_on}: move or remove it first"
            )
    if "decision_id" in data:
        decision = None
        if data["decision_id"] not in (None, ""):
            try:
                decision = Decision.objects.filter(pk=int(data["decision_id"])).first()
            except (TypeError, ValueError):
                decision = None
            if decision is None:
                errors["decision_id"] = f"unknown decision {data['decision_id']!r}"
        values["decision"] = decision
    if errors:
        raise RoadmapError(errors)
    for key, value in values.items():
        setattr(line, key, value)
    line.updated_at = timezone.now()
    line.save()
    if co_leads is not None:
        line.co_leads.set(co_leads)
    if partners is not None:
        line.partners.set(partners)
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_LINE_SAVED,
        target=line,
        data={"code": line.code, "changed": sorted(data)},
    )
    return line


MILESTONE_FIELDS = ("title", "due_on", "done_on")


def _milestone_values(*, data: dict[str, Any], line: ActionLine, creating: bool) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    _check_unknown(data, MILESTONE_FIELDS, errors)
    if creating or "title" in data:
        values["title"] = _check_text(data.get("title"), "title", errors, max_length=300)
    if creating or "due_on" in data:
        due_on = _check_date(data.get("due_on"), "due_on", errors, required=True)
        if due_on and due_on > line.due_on:
            errors["due_on"] = f"{due_on} is after the line's due date {line.due_on}"
        values["due_on"] = due_on
    if "done_on" in data:
        values["done_on"] = _check_date(data["done_on"], "done_on", errors, required=False)
    if errors:
        raise RoadmapError(errors)
    return values


def _milestone_audit(actor: Any, line: ActionLine, what: str, milestone: Milestone) -> None:
    line.updated_at = timezone.now()
    line.save(update_fields=["updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_LINE_SAVED,
        target=line,
        data={"code": line.code, "milestone": what, "title": milestone.title},
    )


@transaction.atomic
def milestone_add(*, actor: Any, line: ActionLine, data: dict[str, Any]) -> Milestone:
    """Add a milestone to an action line; it may not be due after the line."""
    _require_secretariat(actor)
    line = ActionLine.objects.select_for_update().get(pk=line.pk)
    milestone = line.milestones.create(**_milestone_values(data=data, line=line, creating=True))
    _milestone_audit(actor, line, "added", milestone)
    return milestone


@transaction.atomic
def milestone_update(*, actor: Any, milestone: Milestone, data: dict[str, Any]) -> Milestone:
    """Change a milestone (title, due date, the date it was done)."""
    _require_secretariat(actor)
    line = ActionLine.objects.select_for_update().get(pk=milestone.action_line_id)
    milestone = Milestone.objects.get(pk=milestone.pk)
    for key, value in _milestone_values(data=data, line=line, creating=False).items():
        setattr(milestone, key, value)
    milestone.save()
    _milestone_audit(actor, line, "changed", milestone)
    return milestone


@transaction.atomic
def milestone_remove(*, actor: Any, milestone: Milestone) -> None:
    """Remove a milestone from its action line."""
    _require_secretariat(actor)
    line = ActionLine.objects.select_for_update().get(pk=milestone.action_line_id)
    milestone.delete()
    _milestone_audit(actor, line, "removed", milestone)


@transaction.atomic
def action_line_drop(*, actor: Any, line: ActionLine, reason: str) -> ActionLine:
    """The Secretariat drops a line (a decision of a meeting), saying why; it is then closed."""
    _require_secretariat(actor)
    line = ActionLine.objects.select_for_update().get(pk=line.pk)
    errors: dict[str, str] = {}
    if line.is_closed:
        errors["status"] = f"the action line is already {line.get_status_display().lower()}"
    if not reason.strip():
        errors["reason"] = "say why the line is dropped (e.g. the meeting that decided it)"
    if errors:
        raise RoadmapError(errors)
    line.status = LineStatus.DROPPED
    line.dropped_reason = reason.strip()
    line.closed_at = line.updated_at = timezone.now()
    line.save(update_fields=["status", "dropped_reason", "closed_at", "updated_at"])
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_LINE_SAVED, target=line, data={"dropped": reason.strip()}
    )
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
