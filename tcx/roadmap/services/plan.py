"""Meetings, their documents and decisions; action lines and their milestones (the Secretariat's
writes; the plan file itself is loaded by ``tcx.roadmap.planfile``)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.kernel.updates import apply_changes
from tcx.organisations.models import Country, CrimeArea
from tcx.policy.actors import Actor, user_of
from tcx.roadmap.models import (
    ActionLine,
    Component,
    Decision,
    LineStatus,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingMode,
    Milestone,
)
from tcx.roadmap.services._base import (
    RoadmapError,
    _check_countries,
    _check_country,
    _check_crime_areas,
    _check_date,
    _check_order,
    _check_text,
    _check_unknown,
    _country,
    _crime_areas,
    _dates,
    _require_secretariat,
)

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


def meeting_check(*, data: dict[str, Any], meeting: Meeting | None = None) -> None:
    """Check a meeting's fields without writing (a form shows these next to its own errors)."""
    _meeting_values(data=data, meeting=meeting)


@transaction.atomic
def meeting_create(*, actor: Actor, data: dict[str, Any]) -> Meeting:
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
def meeting_update(*, actor: Actor, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """Change the fields of a meeting given in ``data`` (the others stay); every bad field is named."""
    _require_secretariat(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    values, partners = _meeting_values(data=data, meeting=meeting)
    apply_changes(meeting, values)
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
def meeting_document_add(
    *, actor: Actor, meeting: Meeting, title: str, file: UploadedFile[bytes]
) -> MeetingDocument:
    """Attach a document (agenda, minutes, report) to a meeting."""
    _require_secretariat(actor)
    title = title.strip() or str(file.name or "document")
    document = MeetingDocument.objects.create(
        meeting=meeting, title=title[:200], file=file, uploaded_by=user_of(actor)
    )
    audit.record(
        actor=actor, action=AuditAction.ROADMAP_DOCUMENT_ADDED, target=document, data={"title": title}
    )
    return document


DECISION_FIELDS = ("reference", "text", "crime_areas", "proposed_by", "component")


def _decision_values(
    *, meeting: Meeting, data: dict[str, Any], current: Decision | None = None
) -> tuple[dict[str, Any], list[CrimeArea]]:
    errors: dict[str, str] = {}
    _check_unknown(data, DECISION_FIELDS, errors)
    reference = _check_text(data.get("reference"), "reference", errors, max_length=60)
    others = Decision.objects.filter(meeting=meeting, reference=reference)
    if current is not None:
        others = others.exclude(pk=current.pk)
    if reference and others.exists():
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
    values = {"reference": reference, "text": text, "proposed_by": proposed_by, "component": component}
    return values, areas


def decision_check(*, meeting: Meeting, data: dict[str, Any]) -> None:
    """Check a decision's fields without writing."""
    _decision_values(meeting=meeting, data=data)


@transaction.atomic
def decision_create(*, actor: Actor, meeting: Meeting, data: dict[str, Any]) -> Decision:
    """Record a decision or recommendation of a meeting; every bad field is named."""
    _require_secretariat(actor)
    values, areas = _decision_values(meeting=meeting, data=data)
    decision = Decision.objects.create(meeting=meeting, **values)
    decision.crime_areas.set(areas)
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_DECISION_SAVED,
        target=decision,
        data={"reference": decision.reference},
    )
    return decision


@transaction.atomic
def decision_update(*, actor: Actor, decision: Decision, data: dict[str, Any]) -> Decision:
    """Change the fields of a decision given in ``data`` (the others stay); every bad field is named."""
    _require_secretariat(actor)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    merged = {
        "reference": decision.reference,
        "text": decision.text,
        "crime_areas": list(decision.crime_areas.values_list("code", flat=True)),
        "proposed_by": decision.proposed_by.code if decision.proposed_by else None,
        "component": decision.component.code if decision.component else None,
        **data,
    }
    values, areas = _decision_values(meeting=decision.meeting, data=merged, current=decision)
    apply_changes(decision, values)
    decision.crime_areas.set(areas)
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_DECISION_SAVED,
        target=decision,
        data={"reference": decision.reference, "changed": sorted(data)},
    )
    return decision


# --- action lines and milestones ------------------------------------------------------------


@transaction.atomic
def action_line_save(*, actor: Actor | None, component: Component, data: dict[str, Any]) -> ActionLine:
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


def _line_values(
    *, line: ActionLine, data: dict[str, Any]
) -> tuple[dict[str, Any], list[Country] | None, list[Country] | None]:
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
    return values, co_leads, partners


def action_line_check(*, line: ActionLine, data: dict[str, Any]) -> None:
    """Check changes to an action line without writing."""
    _line_values(line=line, data=data)


@transaction.atomic
def action_line_update(*, actor: Actor, line: ActionLine, data: dict[str, Any]) -> ActionLine:
    """Change an action line's details outside a plan reload (the fields given in ``data``; the
    others stay). Same rules as a plan file: known crime areas and countries, the lead a member
    state (defaulting to the crime area's lead shepherd), the due date not before the start, no
    milestone after the due date. Every bad field is named and nothing is written.

    A later re-load of the plan file that holds the line overwrites these changes (by code)."""
    _require_secretariat(actor)
    line = ActionLine.objects.select_for_update().get(pk=line.pk)
    values, co_leads, partners = _line_values(line=line, data=data)
    apply_changes(line, {**values, "updated_at": timezone.now()})
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


def milestone_check(*, line: ActionLine, data: dict[str, Any], creating: bool) -> None:
    """Check a milestone's fields without writing."""
    _milestone_values(data=data, line=line, creating=creating)


def _milestone_audit(actor: Actor, line: ActionLine, what: str, milestone: Milestone) -> None:
    line.updated_at = timezone.now()
    line.save(update_fields=["updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_LINE_SAVED,
        target=line,
        data={"code": line.code, "milestone": what, "title": milestone.title},
    )


@transaction.atomic
def milestone_add(*, actor: Actor, line: ActionLine, data: dict[str, Any]) -> Milestone:
    """Add a milestone to an action line; it may not be due after the line."""
    _require_secretariat(actor)
    line = ActionLine.objects.select_for_update().get(pk=line.pk)
    milestone = line.milestones.create(**_milestone_values(data=data, line=line, creating=True))
    _milestone_audit(actor, line, "added", milestone)
    return milestone


@transaction.atomic
def milestone_update(*, actor: Actor, milestone: Milestone, data: dict[str, Any]) -> Milestone:
    """Change a milestone (title, due date, the date it was done)."""
    _require_secretariat(actor)
    line = ActionLine.objects.select_for_update().get(pk=milestone.action_line_id)
    milestone = Milestone.objects.get(pk=milestone.pk)
    apply_changes(milestone, _milestone_values(data=data, line=line, creating=False))
    _milestone_audit(actor, line, "changed", milestone)
    return milestone


@transaction.atomic
def milestone_remove(*, actor: Actor, milestone: Milestone) -> None:
    """Remove a milestone from its action line."""
    _require_secretariat(actor)
    line = ActionLine.objects.select_for_update().get(pk=milestone.action_line_id)
    milestone.delete()
    _milestone_audit(actor, line, "removed", milestone)


@transaction.atomic
def action_line_drop(*, actor: Actor, line: ActionLine, reason: str) -> ActionLine:
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
