"""Authorization matrix of the roadmap routes.

The world: a SOMTC plenary and SOMTC+Japan / SOMTC+Australia consultations, a decision of the
plenary and one of the Japan consultation; line VN-1 (led by Viet Nam = agency A, Japan partner),
line TH-1 (led by Thailand = agency B, no partner); a programme Japan sponsors (with a nomination by
agency A) and one Australia sponsors; an open need of agency A; offers by Japan and Australia.
Member states and the Secretariat see everything; Japan's liaison sees only its share; the
operator sees nothing (404)."""

# ruff: noqa: E501 - the matrix reads best one route a line
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tcx.testing import Case, World

VN = ("a_officer", "a_analyst", "a_supervisor", "a_admin")
TH = ("b_officer", "b_supervisor")
MEMBERS = VN + TH
NOTHING = {"operator": 404}


def setup(world: World) -> None:
    """The roadmap's world, written in few queries (bulk inserts, no audit events): it is built
    again for each of the ~750 persona×route checks of the matrix."""
    if "line_vn" in world.extra:
        return
    from tcx.organisations.models import Country, Organisation
    from tcx.roadmap.models import (
        ActionLine,
        Component,
        Decision,
        EquipmentNeed,
        EquipmentOffer,
        Meeting,
        MeetingDocument,
        Milestone,
        Nomination,
        PlanOfAction,
        Programme,
        ProgressUpdate,
    )

    c = {x.code: x for x in Country.objects.filter(code__in=["VN", "TH", "JP", "AU", "BN"])}
    australia = Organisation.objects.filter(name="Australian Federal Police").first()
    if australia is None:
        australia = Organisation.objects.create(
            name="Australian Federal Police", kind="partner_agency", country=c["AU"]
        )
    d = dt.date
    plen = Meeting.objects.create(
        kind="somtc",
        number="T-SOMTC",
        title="Plenary",
        starts_on=d(2030, 7, 1),
        ends_on=d(2030, 7, 2),
        host=c["BN"],
    )
    jp, au = Meeting.objects.bulk_create(
        [
            Meeting(
                kind="somtc_plus",
                number="T-SOMTC+JP",
                title="SOMTC+Japan",
                starts_on=d(2030, 7, 2),
                ends_on=d(2030, 7, 2),
                chair=c["VN"],
                parent=plen,
            ),
            Meeting(
                kind="somtc_plus",
                number="T-SOMTC+AU",
                title="SOMTC+Australia",
                starts_on=d(2030, 7, 2),
                ends_on=d(2030, 7, 2),
                parent=plen,
            ),
        ]
    )
    Meeting.partners.through.objects.bulk_create(
        [
            Meeting.partners.through(meeting_id=jp.pk, country_id=c["JP"].pk),
            Meeting.partners.through(meeting_id=au.pk, country_id=c["AU"].pk),
        ]
    )
    d_plen, d_jp = Decision.objects.bulk_create(
        [
            Decision(meeting=plen, reference="P1", text="Exchange trends"),
            Decision(meeting=jp, reference="J1", text="Counter online scams"),
        ]
    )
    plan = PlanOfAction.objects.create(
        code="t-plan", title="Plan", starts_on=d(2026, 1, 1), ends_on=d(2031, 1, 1)
    )
    comp = Component.objects.create(plan=plan, code="t-comp", title="Component")
    line_vn, line_th = ActionLine.objects.bulk_create(
        [
            ActionLine(
                component=comp,
                decision=d_jp,
                code="VN-1",
                title="Scam campaign",
                lead=c["VN"],
                due_on=d(2030, 6, 30),
            ),
            ActionLine(
                component=comp,
                decision=d_plen,
                code="TH-1",
                title="Trend statistics",
                lead=c["TH"],
                due_on=d(2030, 6, 30),
            ),
        ]
    )
    ActionLine.partners.through.objects.create(actionline_id=line_vn.pk, country_id=c["JP"].pk)
    m_vn, m_th = Milestone.objects.bulk_create(
        [
            Milestone(action_line=line_vn, title="Campaign plan agreed", due_on=d(2030, 3, 31)),
            Milestone(action_line=line_th, title="Template circulated", due_on=d(2030, 3, 31)),
        ]
    )
    p_jp, p_au = Programme.objects.bulk_create(
        [
            Programme(
                title="English course",
                kind="language",
                sponsor=c["JP"],
                starts_on=d(2030, 1, 1),
                ends_on=d(2030, 1, 20),
                seats_per_country=5,
            ),
            Programme(
                title="Study visit",
                kind="study_visit",
                sponsor=c["AU"],
                starts_on=d(2030, 1, 1),
                ends_on=d(2030, 1, 5),
            ),
        ]
    )
    nomination = Nomination.objects.create(
        programme=p_jp,
        organisation=world.agency_a,
        country=c["VN"],
        nominee_name="Nguyễn Văn An",
        nominated_by=world.users["a_officer"],
    )
    need = EquipmentNeed.objects.create(organisation=world.agency_a, title="Test kits", quantity=10)
    offer_jp, offer_au = EquipmentOffer.objects.bulk_create(
        [
            EquipmentOffer(organisation=world.partner, country=c["JP"], title="Kits", quantity=10),
            EquipmentOffer(organisation=australia, country=c["AU"], title="Radios", quantity=5),
        ]
    )
    document = MeetingDocument.objects.create(
        meeting=plen,
        title="Agenda",
        file=_stored("roadmap/meetings/matrix-agenda.txt"),
        uploaded_by=world.users["secretariat_officer"],
    )
    evidence = ProgressUpdate.objects.create(
        action_line=line_th,
        country=c["TH"],
        organisation=world.agency_b,
        author=world.users["b_officer"],
        text="Started",
        status="on_track",
        evidence=_stored("roadmap/evidence/matrix-minutes.txt"),
    )
    world.extra.update(
        d_plen=d_plen.pk,
        d_jp=d_jp.pk,
        document=document.pk,
        evidence=evidence.pk,
        m_vn=m_vn.pk,
        m_th=m_th.pk,
        plen=plen.pk,
        jp=jp.pk,
        au=au.pk,
        line_vn=line_vn.pk,
        line_th=line_th.pk,
        p_jp=p_jp.pk,
        p_au=p_au.pk,
        nomination=nomination.pk,
        need=need.pk,
        offer_jp=offer_jp.pk,
        offer_au=offer_au.pk,
    )


def _stored(name: str) -> str:
    """A file under MEDIA_ROOT, written once (the matrix builds its world for every run)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"matrix file"))
    return name


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("minutes.txt", b"minutes")


def kw(name: str, key: str) -> Any:
    return lambda w: {name: w.extra[key]}


def _page(route: str, expect: dict[str, int] | None = None, kwargs: Any = None) -> Case:
    return Case(route, kwargs=kwargs, setup=setup, expect={**NOTHING, **(expect or {})})


def _write(
    route: str,
    ok: int,
    allowed: tuple[str, ...],
    kwargs: Any = None,
    body: Any = None,
    hidden: tuple[str, ...] = (),
    method: str = "POST",
    effect: str | None = None,
) -> Case:
    """A write: ``allowed`` personas get ``ok``, ``hidden`` ones 404, the rest 403, the operator 404."""
    expect = {**dict.fromkeys(allowed, ok), **dict.fromkeys(hidden, 404), **NOTHING}
    return Case(
        route,
        method=method,
        kwargs=kwargs,
        body=body,
        setup=setup,
        expect=expect,
        default=403,
        writes=True,
        effect=effect,
    )


SECRETARIAT = ("secretariat_officer",)
PARTNER_HIDDEN = ("partner_liaison",)


def _form(route: str, kwargs: Any = None, hidden: tuple[str, ...] = ()) -> Case:
    """A page that only shows a Secretariat form: the Secretariat 200, who may not see the object
    404, everyone else who sees the roadmap 403."""
    expect = {"secretariat_officer": 200, **dict.fromkeys(hidden, 404), **NOTHING}
    return Case(route, kwargs=kwargs, setup=setup, expect=expect, default=403)


def _plan_upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("plan.json", json.dumps(PLAN).encode(), content_type="application/json")


PLAN = {
    "plan": {"code": "m-plan", "title": "Plan", "starts_on": "2026-01-01", "ends_on": "2030-12-31"},
    "components": [{"code": "m-c", "title": "C", "crime_area": "cybercrime", "action_lines": [
        {"code": "M-1", "title": "Line", "due_on": "2029-01-01"}]}],
}  # fmt: skip
PROGRESS = {"text": "Workshop held in Hà Nội", "status": "on_track"}
MEETING_FORM = {
    "kind": "somtc_plus",
    "number": "T-SOMTC+CN",
    "title": "SOMTC+China",
    "starts_on": "2030-07-02",
    "ends_on": "2030-07-02",
    "host": "BN",
    "chair": "MY",
    "mode": "video",
    "partners": ["CN"],
    "parent": "T-SOMTC",
}
MEETING_EDIT = {
    "kind": "somtc_plus",
    "number": "T-SOMTC+JP",
    "title": "SOMTC+Japan (changed)",
    "starts_on": "2030-07-02",
    "ends_on": "2030-07-03",
    "chair": "VN",
    "mode": "video",
    "partners": ["JP"],
}
DECISION_FORM = {
    "reference": "N1",
    "text": "Share scam-centre indicators",
    "crime_areas": ["cybercrime"],
    "proposed_by": "VN",
}
LINE_FORM = {
    "title": "Scam campaign (changed)",
    "lead": "VN",
    "co_leads": ["LA"],
    "partners": ["JP"],
    "due_on": "2030-06-30",
}
MILESTONE_FORM = {"title": "Joint operation", "due_on": "2030-05-31"}

CASES: list[Case] = [
    # pages
    _page("roadmap:index"),
    _page("roadmap:country", kwargs=lambda w: {"code": "VN"}),
    _page("roadmap:line", kwargs=kw("line_id", "line_vn")),
    _page("roadmap:line", {"partner_liaison": 404}, kwargs=kw("line_id", "line_th")),
    _page("roadmap:meetings"),
    _page("roadmap:meeting", kwargs=kw("meeting_id", "jp")),
    _page("roadmap:meeting", {"partner_liaison": 404}, kwargs=kw("meeting_id", "plen")),
    _page("roadmap:report_pdf", kwargs=kw("meeting_id", "jp")),
    _page("roadmap:report_xlsx", {"partner_liaison": 404}, kwargs=kw("meeting_id", "plen")),
    _page("roadmap:programmes"),
    _page("roadmap:programme", kwargs=kw("programme_id", "p_jp")),
    _page("roadmap:programme", {"partner_liaison": 404}, kwargs=kw("programme_id", "p_au")),
    _page("roadmap:equipment"),
    _page("roadmap:document", {"partner_liaison": 404}, kwargs=kw("document_id", "document")),
    _page("roadmap:evidence", {"partner_liaison": 404}, kwargs=kw("update_id", "evidence")),
    _write("roadmap:meeting_document", 302, ("secretariat_officer",), kwargs=kw("meeting_id", "plen"), body=lambda w: {"title": "Minutes", "file": _upload()}, hidden=("partner_liaison",), effect="roadmap.MeetingDocument"),
    _write("roadmap:progress", 302, VN, kwargs=kw("line_id", "line_vn"), body=lambda w: PROGRESS, effect="roadmap.ProgressUpdate"),
    _write("roadmap:progress", 302, TH, kwargs=kw("line_id", "line_th"), body=lambda w: PROGRESS, hidden=("partner_liaison",), effect="roadmap.ProgressUpdate"),
    _write("roadmap:nominate", 302, MEMBERS, kwargs=kw("programme_id", "p_jp"), body=lambda w: {"nominee_name": "Somchai"}, effect="roadmap.Nomination"),
    _write("roadmap:nominate", 302, MEMBERS, kwargs=kw("programme_id", "p_au"), body=lambda w: {"nominee_name": "Somchai"}, hidden=("partner_liaison",), effect="roadmap.Nomination"),
    _write("roadmap:nomination_decision", 302, ("partner_liaison", "secretariat_officer"), kwargs=kw("nomination_id", "nomination"), body=lambda w: {"status": "approved"}, effect="roadmap.Nomination"),
    # the Secretariat's pages: meetings, decisions, the plan file, action lines and milestones
    _form("roadmap:meeting_create"),
    _form("roadmap:meeting_edit", kwargs=kw("meeting_id", "jp")),
    _form("roadmap:meeting_edit", kwargs=kw("meeting_id", "plen"), hidden=PARTNER_HIDDEN),
    _form("roadmap:plan_upload"),
    _form("roadmap:line_edit", kwargs=kw("line_id", "line_vn")),
    _form("roadmap:line_edit", kwargs=kw("line_id", "line_th"), hidden=PARTNER_HIDDEN),
    _write("roadmap:meeting_create", 302, SECRETARIAT, body=lambda w: MEETING_FORM, effect="roadmap.Meeting"),
    _write("roadmap:meeting_edit", 302, SECRETARIAT, kwargs=kw("meeting_id", "jp"), body=lambda w: MEETING_EDIT, effect="roadmap.Meeting"),
    _write("roadmap:decision_create", 302, SECRETARIAT, kwargs=kw("meeting_id", "jp"), body=lambda w: DECISION_FORM, effect="roadmap.Decision"),
    _write("roadmap:decision_create", 302, SECRETARIAT, kwargs=kw("meeting_id", "plen"), body=lambda w: DECISION_FORM, hidden=PARTNER_HIDDEN, effect="roadmap.Decision"),
    _write("roadmap:plan_upload", 302, SECRETARIAT, body=lambda w: {"file": _plan_upload()}, effect="roadmap.PlanOfAction"),
    _write("roadmap:line_edit", 302, SECRETARIAT, kwargs=kw("line_id", "line_vn"), body=lambda w: LINE_FORM, effect="roadmap.ActionLine"),
    _write("roadmap:line_drop", 302, SECRETARIAT, kwargs=kw("line_id", "line_vn"), body=lambda w: {"reason": "merged into TH-1"}, effect="roadmap.ActionLine"),
    _write("roadmap:line_drop", 302, SECRETARIAT, kwargs=kw("line_id", "line_th"), body=lambda w: {"reason": "merged"}, hidden=PARTNER_HIDDEN, effect="roadmap.ActionLine"),
    _write("roadmap:milestone_add", 302, SECRETARIAT, kwargs=kw("line_id", "line_vn"), body=lambda w: MILESTONE_FORM, effect="roadmap.Milestone"),
    _write("roadmap:milestone_edit", 302, SECRETARIAT, kwargs=kw("milestone_id", "m_vn"), body=lambda w: MILESTONE_FORM, effect="roadmap.Milestone"),
    _write("roadmap:milestone_edit", 302, SECRETARIAT, kwargs=kw("milestone_id", "m_th"), body=lambda w: MILESTONE_FORM, hidden=PARTNER_HIDDEN, effect="roadmap.Milestone"),
    _write("roadmap:milestone_remove", 302, SECRETARIAT, kwargs=kw("milestone_id", "m_vn"), effect="roadmap.Milestone"),
    _write("roadmap:equipment", 302, MEMBERS, body=lambda w: {"need-title": "Radios", "need-quantity": "3"}, effect="roadmap.EquipmentNeed"),
    _write("roadmap:equipment", 302, ("partner_liaison",), body=lambda w: {"offer-title": "Radios", "offer-quantity": "3"}, effect="roadmap.EquipmentOffer"),
    # API
    _page("api:list_meetings"),
    _page("api:get_meeting", {"partner_liaison": 404}, kwargs=kw("meeting_id", "plen")),
    _page("api:get_meeting", kwargs=kw("meeting_id", "jp")),
    _page("api:list_meeting_documents", {"partner_liaison": 404}, kwargs=kw("meeting_id", "plen")),
    _page("api:list_meeting_documents", kwargs=kw("meeting_id", "jp")),
    # multipart: sent without a file the call is refused before it reaches the meeting (the
    # Secretariat's upload, a member state's 403 and a partner's 404 are in test_secretariat_forms)
    Case(
        "api:add_meeting_document",
        method="POST",
        kwargs=kw("meeting_id", "plen"),
        setup=setup,
        default=422,
        expect={"anonymous": 401},
        writes=True,
    ),
    _page("api:list_decisions"),
    _page("api:list_lines"),
    _page("api:get_line", {"partner_liaison": 404}, kwargs=kw("line_id", "line_th")),
    _page("api:list_progress", kwargs=kw("line_id", "line_vn")),
    _page("api:list_programmes"),
    _page("api:get_programme", {"partner_liaison": 404}, kwargs=kw("programme_id", "p_au")),
    _page("api:list_nominations", kwargs=kw("programme_id", "p_jp")),
    _page("api:list_needs"),
    _page("api:list_offers"),
    _write("api:create_meeting", 201, ("secretariat_officer",), body=lambda w: {"kind": "ammtc", "number": "AMMTC-99", "starts_on": "2031-01-01", "ends_on": "2031-01-02", "host": "VN"}, effect="roadmap.Meeting"),
    _write("api:update_meeting", 200, SECRETARIAT, kwargs=kw("meeting_id", "jp"), body=lambda w: {"outcome": "Agreed"}, method="PATCH", effect="roadmap.Meeting"),
    _write("api:update_meeting", 200, SECRETARIAT, kwargs=kw("meeting_id", "plen"), body=lambda w: {"outcome": "Agreed"}, hidden=PARTNER_HIDDEN, method="PATCH", effect="roadmap.Meeting"),
    _write("api:update_line", 200, SECRETARIAT, kwargs=kw("line_id", "line_vn"), body=lambda w: {"co_leads": ["LA"], "due_on": "2030-06-29"}, method="PATCH", effect="roadmap.ActionLine"),
    _write("api:add_milestone", 201, SECRETARIAT, kwargs=kw("line_id", "line_vn"), body=lambda w: MILESTONE_FORM, effect="roadmap.Milestone"),
    _write("api:update_milestone", 200, SECRETARIAT, kwargs=kw("milestone_id", "m_vn"), body=lambda w: {"done_on": "2030-03-30"}, method="PATCH", effect="roadmap.Milestone"),
    _write("api:update_milestone", 200, SECRETARIAT, kwargs=kw("milestone_id", "m_th"), body=lambda w: {"done_on": "2030-03-30"}, hidden=PARTNER_HIDDEN, method="PATCH", effect="roadmap.Milestone"),
    _write("api:remove_milestone", 204, SECRETARIAT, kwargs=kw("milestone_id", "m_vn"), method="DELETE", effect="roadmap.Milestone"),
    _write("api:create_decision", 201, ("secretariat_officer",), kwargs=kw("meeting_id", "plen"), body=lambda w: {"reference": "P2", "text": "More"}, hidden=("partner_liaison",), effect="roadmap.Decision"),
    _write("api:update_decision", 200, ("secretariat_officer",), kwargs=kw("decision_id", "d_plen"), body=lambda w: {"text": "Exchange trends monthly"}, hidden=("partner_liaison",), method="PATCH", effect="roadmap.Decision"),
    _write("api:update_decision", 200, ("secretariat_officer",), kwargs=kw("decision_id", "d_jp"), body=lambda w: {"crime_areas": ["online-scams"]}, method="PATCH", effect="roadmap.Decision"),
    _write("api:load_plan", 201, ("secretariat_officer",), body=lambda w: PLAN, effect="roadmap.PlanOfAction"),
    _write("api:record_progress", 201, VN, kwargs=kw("line_id", "line_vn"), body=lambda w: PROGRESS, effect="roadmap.ProgressUpdate"),
    _write("api:record_progress", 201, TH, kwargs=kw("line_id", "line_th"), body=lambda w: PROGRESS, hidden=("partner_liaison",), effect="roadmap.ProgressUpdate"),
    _write("api:drop_line", 200, ("secretariat_officer",), kwargs=kw("line_id", "line_vn"), body=lambda w: {"reason": "merged"}, effect="roadmap.ActionLine"),
    _write("api:create_programme", 201, ("partner_liaison", "secretariat_officer"), body=lambda w: {"title": "Forensics", "kind": "training", "sponsor": "JP", "starts_on": "2031-01-01", "ends_on": "2031-01-05"}, effect="roadmap.Programme"),
    _write("api:create_nomination", 201, MEMBERS, kwargs=kw("programme_id", "p_jp"), body=lambda w: {"nominee_name": "Somchai"}, effect="roadmap.Nomination"),
    _write("api:create_nomination", 201, MEMBERS, kwargs=kw("programme_id", "p_au"), body=lambda w: {"nominee_name": "Somchai"}, hidden=("partner_liaison",), effect="roadmap.Nomination"),
    _write("api:decide_nomination", 200, ("partner_liaison", "secretariat_officer"), kwargs=kw("nomination_id", "nomination"), body=lambda w: {"status": "approved"}, effect="roadmap.Nomination"),
    _write("api:create_need", 201, MEMBERS, body=lambda w: {"title": "Radios", "quantity": 3}, effect="roadmap.EquipmentNeed"),
    _write("api:create_offer", 201, ("partner_liaison",), body=lambda w: {"title": "Radios", "quantity": 3}, effect="roadmap.EquipmentOffer"),
    _write("api:match_offer", 200, ("partner_liaison", "secretariat_officer"), kwargs=kw("offer_id", "offer_jp"), body=lambda w: {"need_id": w.extra["need"]}, effect="roadmap.EquipmentOffer"),
    _write("api:match_offer", 200, ("secretariat_officer",), kwargs=kw("offer_id", "offer_au"), body=lambda w: {"need_id": w.extra["need"]}, hidden=("partner_liaison",), effect="roadmap.EquipmentOffer"),
    _write("api:track_offer", 200, ("partner_liaison", "secretariat_officer"), kwargs=kw("offer_id", "offer_jp"), body=lambda w: {"status": "withdrawn"}, effect="roadmap.EquipmentOffer"),
]  # fmt: skip
