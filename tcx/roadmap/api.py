"""Roadmap endpoints: meetings, decisions, plan loading, action lines and progress, programmes
and nominations, equipment needs and offers. Visibility through ``selectors`` (404 otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Status
from ninja.files import UploadedFile

from tcx.api.problems import ApiProblem
from tcx.api.routing import ApiRouter
from tcx.kernel.pages import actor_of
from tcx.roadmap import planfile, selectors, services
from tcx.roadmap.schemas import (
    ActionLineOut,
    DecisionIn,
    DecisionOut,
    DecisionPatch,
    DocumentOut,
    DropIn,
    LinePatch,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    NeedIn,
    NeedOut,
    NominationDecisionIn,
    NominationIn,
    NominationOut,
    OfferIn,
    OfferMatchIn,
    OfferOut,
    OfferTrackIn,
    PlanLoaded,
    ProgrammeIn,
    ProgrammeOut,
    ProgressIn,
    ProgressOut,
)

router = ApiRouter(tags=["roadmap"])


# --- meetings and decisions -----------------------------------------------------------------


@router.get("/meetings", response=list[MeetingOut], summary="Meetings the caller may see")
def list_meetings(request: HttpRequest) -> Any:
    return selectors.meeting_list(actor=actor_of(request))


@router.post("/meetings", response={201: MeetingOut}, summary="Create a meeting (Secretariat)")
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Any:
    return Status(201, services.meeting_create(actor=actor_of(request), data=payload.dict()))


@router.get("/meetings/{meeting_id}", response=MeetingOut)
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    return selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)


@router.patch("/meetings/{meeting_id}", response=MeetingOut, summary="Change a meeting (Secretariat)")
def update_meeting(request: HttpRequest, meeting_id: int, payload: MeetingPatch) -> Any:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    return services.meeting_update(
        actor=actor_of(request), meeting=meeting, data=payload.dict(exclude_unset=True)
    )


@router.get("/meetings/{meeting_id}/documents", response=list[DocumentOut], summary="A meeting's documents")
def list_meeting_documents(request: HttpRequest, meeting_id: int) -> Any:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    return meeting.documents.order_by("pk")


@router.post(
    "/meetings/{meeting_id}/documents",
    response={201: DocumentOut},
    summary="Attach a document to a meeting (multipart: file, title; Secretariat)",
)
def add_meeting_document(
    request: HttpRequest, meeting_id: int, file: File[UploadedFile], title: Form[str] = ""
) -> Any:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    if not file.size:
        raise ApiProblem(422, "the file is empty", errors=[{"field": "file", "message": "the file is empty"}])
    document = services.meeting_document_add(actor=actor_of(request), meeting=meeting, title=title, file=file)
    return Status(201, document)


@router.get("/decisions", response=list[DecisionOut], summary="Decisions of the meetings the caller may see")
def list_decisions(request: HttpRequest, meeting_id: int | None = None) -> Any:
    qs = selectors.decision_list(actor=actor_of(request))
    return qs.filter(meeting_id=meeting_id) if meeting_id else qs


@router.post(
    "/meetings/{meeting_id}/decisions", response={201: DecisionOut}, summary="Record a decision (Secretariat)"
)
def create_decision(request: HttpRequest, meeting_id: int, payload: DecisionIn) -> Any:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    return Status(
        201, services.decision_create(actor=actor_of(request), meeting=meeting, data=payload.dict())
    )


@router.patch("/decisions/{decision_id}", response=DecisionOut, summary="Change a decision (Secretariat)")
def update_decision(request: HttpRequest, decision_id: int, payload: DecisionPatch) -> Any:
    decision = selectors.access_decision(actor=actor_of(request), decision_id=decision_id)
    return services.decision_update(
        actor=actor_of(request), decision=decision, data=payload.dict(exclude_unset=True)
    )


_TEXT = {"type": "string", "maxLength": 300}
_LINE = {
    "type": "object",
    "required": ["code", "title", "due_on"],
    "properties": {
        "code": {"type": "string", "maxLength": 60},
        "title": _TEXT,
        "description": {"type": "string"},
        "crime_area": {"type": "string"},
        "lead": {"type": "string"},
        "co_leads": {"type": "array", "items": {"type": "string"}},
        "partners": {"type": "array", "items": {"type": "string"}},
        "starts_on": {"type": "string", "format": "date"},
        "due_on": {"type": "string", "format": "date"},
        "decision": {
            "type": "object",
            "properties": {"meeting": {"type": "string"}, "reference": {"type": "string"}},
        },
        "milestones": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"title": _TEXT, "due_on": {"type": "string", "format": "date"}},
            },
        },
    },
    "additionalProperties": False,
}
# The plan file's format (README.md of the app; fixtures/plan-2016-2025.json is an example).
PLAN_FILE = {
    "type": "object",
    "required": ["plan", "components"],
    "properties": {
        "plan": {
            "type": "object",
            "required": ["code", "title", "starts_on", "ends_on"],
            "properties": {
                "code": {"type": "string", "maxLength": 60},
                "title": {"type": "string", "maxLength": 200},
                "starts_on": {"type": "string", "format": "date"},
                "ends_on": {"type": "string", "format": "date"},
            },
        },
        "components": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "title"],
                "properties": {
                    "code": {"type": "string", "maxLength": 60},
                    "title": {"type": "string", "maxLength": 200},
                    "crime_area": {"type": "string"},
                    "action_lines": {"type": "array", "items": _LINE},
                },
            },
        },
    },
    "additionalProperties": False,
}


@router.post(
    "/plan",
    response={201: PlanLoaded},
    summary="Load a plan file (JSON body; Secretariat)",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": PLAN_FILE}}}},
)
def load_plan(request: HttpRequest) -> Any:
    if selectors.scope_of(actor_of(request)) is None:
        raise ApiProblem(404, "not found")
    plan = planfile.plan_load(actor=actor_of(request), raw=request.body)
    components = plan.components.count()
    lines = sum(c.action_lines.count() for c in plan.components.all())
    return Status(201, {"code": plan.code, "components": components, "action_lines": lines})


# --- action lines and progress --------------------------------------------------------------


@router.get("/lines", response=list[ActionLineOut], summary="Action lines, with computed status")
def list_lines(
    request: HttpRequest,
    country: str | None = None,
    crime_area: str | None = None,
    status: str | None = None,
    meeting_id: int | None = None,
    due_before_next_somtc: bool = False,
) -> Any:
    filters: dict[str, Any] = {
        "country": country,
        "crime_area": crime_area,
        "status": status,
        "meeting": meeting_id,
    }
    if due_before_next_somtc:
        somtc = selectors.next_somtc()
        filters["due_before"] = somtc.starts_on if somtc else dt.date.max
    return selectors.action_line_list(actor=actor_of(request), filters=filters)


@router.get("/lines/{line_id}", response=ActionLineOut)
def get_line(request: HttpRequest, line_id: int) -> Any:
    return selectors.access_action_line(actor=actor_of(request), line_id=line_id)


@router.patch("/lines/{line_id}", response=ActionLineOut, summary="Change an action line (Secretariat)")
def update_line(request: HttpRequest, line_id: int, payload: LinePatch) -> Any:
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    services.action_line_update(actor=actor_of(request), line=line, data=payload.dict(exclude_unset=True))
    return selectors.access_action_line(actor=actor_of(request), line_id=line_id)


@router.post(
    "/lines/{line_id}/milestones", response={201: MilestoneOut}, summary="Add a milestone (Secretariat)"
)
def add_milestone(request: HttpRequest, line_id: int, payload: MilestoneIn) -> Any:
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    return Status(201, services.milestone_add(actor=actor_of(request), line=line, data=payload.dict()))


@router.patch("/milestones/{milestone_id}", response=MilestoneOut, summary="Change a milestone (Secretariat)")
def update_milestone(request: HttpRequest, milestone_id: int, payload: MilestonePatch) -> Any:
    milestone = selectors.access_milestone(actor=actor_of(request), milestone_id=milestone_id)
    return services.milestone_update(
        actor=actor_of(request), milestone=milestone, data=payload.dict(exclude_unset=True)
    )


@router.delete("/milestones/{milestone_id}", response={204: None}, summary="Remove a milestone (Secretariat)")
def remove_milestone(request: HttpRequest, milestone_id: int) -> Any:
    milestone = selectors.access_milestone(actor=actor_of(request), milestone_id=milestone_id)
    services.milestone_remove(actor=actor_of(request), milestone=milestone)
    return Status(204, None)


@router.get("/lines/{line_id}/progress", response=list[ProgressOut])
def list_progress(request: HttpRequest, line_id: int) -> Any:
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    return selectors.progress_list(actor=actor_of(request), line=line)


@router.post(
    "/lines/{line_id}/progress", response={201: ProgressOut}, summary="Record progress (lead/co-lead state)"
)
def record_progress(request: HttpRequest, line_id: int, payload: ProgressIn) -> Any:
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    meeting = (
        selectors.access_meeting(actor=actor_of(request), meeting_id=payload.meeting_id)
        if payload.meeting_id
        else None
    )
    update = services.progress_record(
        actor=actor_of(request), line=line, text=payload.text, status=payload.status, meeting=meeting
    )
    return Status(201, update)


@router.post("/lines/{line_id}/drop", response=ActionLineOut, summary="Drop a line (Secretariat)")
def drop_line(request: HttpRequest, line_id: int, payload: DropIn) -> Any:
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    return services.action_line_drop(actor=actor_of(request), line=line, reason=payload.reason)


# --- capacity building ----------------------------------------------------------------------


@router.get("/programmes", response=list[ProgrammeOut])
def list_programmes(request: HttpRequest) -> Any:
    return selectors.programme_list(actor=actor_of(request))


@router.post(
    "/programmes", response={201: ProgrammeOut}, summary="Create a programme (sponsor or Secretariat)"
)
def create_programme(request: HttpRequest, payload: ProgrammeIn) -> Any:
    return Status(201, services.programme_create(actor=actor_of(request), data=payload.dict()))


@router.get("/programmes/{programme_id}", response=ProgrammeOut)
def get_programme(request: HttpRequest, programme_id: int) -> Any:
    return selectors.access_programme(actor=actor_of(request), programme_id=programme_id)


@router.get("/programmes/{programme_id}/nominations", response=list[NominationOut])
def list_nominations(request: HttpRequest, programme_id: int) -> Any:
    programme = selectors.access_programme(actor=actor_of(request), programme_id=programme_id)
    return selectors.nomination_list(actor=actor_of(request), programme=programme)


@router.post(
    "/programmes/{programme_id}/nominations",
    response={201: NominationOut},
    summary="Nominate (member-state agency)",
)
def create_nomination(request: HttpRequest, programme_id: int, payload: NominationIn) -> Any:
    programme = selectors.access_programme(actor=actor_of(request), programme_id=programme_id)
    nomination = services.nomination_create(
        actor=actor_of(request),
        programme=programme,
        nominee_name=payload.nominee_name,
        nominee_title=payload.nominee_title,
    )
    return Status(201, nomination)


@router.post(
    "/nominations/{nomination_id}/decision",
    response=NominationOut,
    summary="Approve, decline, attendance, completion",
)
def decide_nomination(request: HttpRequest, nomination_id: int, payload: NominationDecisionIn) -> Any:
    nomination = selectors.access_nomination(actor=actor_of(request), nomination_id=nomination_id)
    return services.nomination_decide(actor=actor_of(request), nomination=nomination, status=payload.status)


# --- equipment ------------------------------------------------------------------------------


@router.get("/equipment/needs", response=list[NeedOut])
def list_needs(request: HttpRequest) -> Any:
    return selectors.need_list(actor=actor_of(request))


@router.post(
    "/equipment/needs", response={201: NeedOut}, summary="Post an equipment need (member-state agency)"
)
def create_need(request: HttpRequest, payload: NeedIn) -> Any:
    return Status(201, services.need_post(actor=actor_of(request), **payload.dict()))


@router.get("/equipment/offers", response=list[OfferOut])
def list_offers(request: HttpRequest) -> Any:
    return selectors.offer_list(actor=actor_of(request))


@router.post("/equipment/offers", response={201: OfferOut}, summary="Offer equipment (dialogue partner)")
def create_offer(request: HttpRequest, payload: OfferIn) -> Any:
    data = payload.dict()
    need_id = data.pop("need_id")
    need = selectors.access_need(actor=actor_of(request), need_id=need_id) if need_id else None
    return Status(201, services.offer_post(actor=actor_of(request), need=need, **data))


@router.post("/equipment/offers/{offer_id}/match", response=OfferOut, summary="Match an offer to a need")
def match_offer(request: HttpRequest, offer_id: int, payload: OfferMatchIn) -> Any:
    offer = selectors.access_offer(actor=actor_of(request), offer_id=offer_id)
    need = selectors.access_need(actor=actor_of(request), need_id=payload.need_id)
    return services.offer_match(actor=actor_of(request), offer=offer, need=need)


@router.post(
    "/equipment/offers/{offer_id}/tracking", response=OfferOut, summary="Shipped, delivered, withdrawn"
)
def track_offer(request: HttpRequest, offer_id: int, payload: OfferTrackIn) -> Any:
    offer = selectors.access_offer(actor=actor_of(request), offer_id=offer_id)
    return services.offer_track(actor=actor_of(request), offer=offer, status=payload.status, on=payload.on)
