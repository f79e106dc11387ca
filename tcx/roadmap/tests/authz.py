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
from typing import Any

from tcx.testing import Case, World

VN = ("a_officer", "a_analyst", "a_supervisor", "a_admin")
TH = ("b_officer", "b_supervisor")
MEMBERS = VN + TH
NOTHING = {"operator": 404}


def setup(world: World) -> None:
    if "line_vn" in world.extra:
        return
    from tcx.organisations import services as org_services
    from tcx.organisations.models import Country
    from tcx.roadmap.models import (
        ActionLine,
        Component,
        Decision,
        EquipmentNeed,
        EquipmentOffer,
        Meeting,
        MeetingDocument,
        Nomination,
        PlanOfAction,
        Programme,
        ProgressUpdate,
    )

    c = {x.code: x for x in Country.objects.filter(code__in=["VN", "TH", "JP", "AU", "BN"])}
    australia = org_services.organisation_ensure(
        name="Australian Federal Police", kind="partner_agency", country_code="AU"
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
    jp = Meeting.objects.create(
        kind="somtc_plus",
        number="T-SOMTC+JP",
        title="SOMTC+Japan",
        starts_on=d(2030, 7, 2),
        ends_on=d(2030, 7, 2),
        chair=c["VN"],
        parent=plen,
    )
    jp.partners.set([c["JP"]])
    au = Meeting.objects.create(
        kind="somtc_plus",
        number="T-SOMTC+AU",
        title="SOMTC+Australia",
        starts_on=d(2030, 7, 2),
        ends_on=d(2030, 7, 2),
        parent=plen,
    )
    au.partners.set([c["AU"]])
    d_plen = Decision.objects.create(meeting=plen, reference="P1", text="Exchange trends")
    d_jp = Decision.objects.create(meeting=jp, reference="J1", text="Counter online scams")
    plan = PlanOfAction.objects.create(
        code="t-plan", title="Plan", starts_on=d(2026, 1, 1), ends_on=d(2031, 1, 1)
    )
    comp = Component.objects.create(plan=plan, code="t-comp", title="Component")
    line_vn = ActionLine.objects.create(
        component=comp, decision=d_jp, code="VN-1", title="Scam campaign", lead=c["VN"], due_on=d(2030, 6, 30)
    )
    line_vn.partners.set([c["JP"]])
    line_th = ActionLine.objects.create(
        component=comp,
        decision=d_plen,
        code="TH-1",
        title="Trend statistics",
        lead=c["TH"],
        due_on=d(2030, 6, 30),
    )
    p_jp = Programme.objects.create(
        title="English course",
        kind="language",
        sponsor=c["JP"],
        starts_on=d(2030, 1, 1),
        ends_on=d(2030, 1, 20),
        seats_per_country=5,
    )
    p_au = Programme.objects.create(
        title="Study visit",
        kind="study_visit",
        sponsor=c["AU"],
        starts_on=d(2030, 1, 1),
        ends_on=d(2030, 1, 5),
    )
    nomination = Nomination.objects.create(
        programme=p_jp,
        organisation=world.agency_a,
        country=c["VN"],
        nominee_name="Nguyễn Văn An",
        nominated_by=world.users["a_officer"],
    )
    need = EquipmentNeed.objects.create(organisation=world.agency_a, title="Test kits", quantity=10)
    offer_jp = EquipmentOffer.objects.create(
        organisation=world.partner, country=c["JP"], title="Kits", quantity=10
    )
    offer_au = EquipmentOffer.objects.create(
        organisation=australia, country=c["AU"], title="Radios", quantity=5
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
        document=document.pk, evidence=evidence.pk,
        plen=plen.pk, jp=jp.pk, au=au.pk, line_vn=line_vn.pk, line_th=line_th.pk, p_jp=p_jp.pk,
        p_au=p_au.pk, nomination=nomination.pk, need=need.pk, offer_jp=offer_jp.pk, offer_au=offer_au.pk,
    )  # fmt: skip


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
) -> Case:
    """A write: ``allowed`` personas get ``ok``, ``hidden`` ones 404, the rest 403, the operator 404."""
    expect = {**dict.fromkeys(allowed, ok), **dict.fromkeys(hidden, 404), **NOTHING}
    return Case(
        route, method="POST", kwargs=kwargs, body=body, setup=setup, expect=expect, default=403, writes=True
    )


PLAN = {
    "plan": {"code": "m-plan", "title": "Plan", "starts_on": "2026-01-01", "ends_on": "2030-12-31"},
    "components": [{"code": "m-c", "title": "C", "crime_area": "cybercrime", "action_lines": [
        {"code": "M-1", "title": "Line", "due_on": "2029-01-01"}]}],
}  # fmt: skip
PROGRESS = {"text": "Workshop held in Hà Nội", "status": "on_track"}

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
    _write("roadmap:meeting_document", 302, ("secretariat_officer",), kwargs=kw("meeting_id", "plen"), body=lambda w: {"title": "Minutes", "file": _upload()}, hidden=("partner_liaison",)),
    _write("roadmap:progress", 302, VN, kwargs=kw("line_id", "line_vn"), body=lambda w: PROGRESS),
    _write("roadmap:progress", 302, TH, kwargs=kw("line_id", "line_th"), body=lambda w: PROGRESS, hidden=("partner_liaison",)),
    _write("roadmap:nominate", 302, MEMBERS, kwargs=kw("programme_id", "p_jp"), body=lambda w: {"nominee_name": "Somchai"}),
    _write("roadmap:nominate", 302, MEMBERS, kwargs=kw("programme_id", "p_au"), body=lambda w: {"nominee_name": "Somchai"}, hidden=("partner_liaison",)),
    _write("roadmap:nomination_decision", 302, ("partner_liaison", "secretariat_officer"), kwargs=kw("nomination_id", "nomination"), body=lambda w: {"status": "approved"}),
    _write("roadmap:equipment", 302, MEMBERS, body=lambda w: {"need-title": "Radios", "need-quantity": "3"}),
    _write("roadmap:equipment", 302, ("partner_liaison",), body=lambda w: {"offer-title": "Radios", "offer-quantity": "3"}),
    # API
    _page("api:list_meetings"),
    _page("api:get_meeting", {"partner_liaison": 404}, kwargs=kw("meeting_id", "plen")),
    _page("api:get_meeting", kwargs=kw("meeting_id", "jp")),
    _page("api:list_decisions"),
    _page("api:list_lines"),
    _page("api:get_line", {"partner_liaison": 404}, kwargs=kw("line_id", "line_th")),
    _page("api:list_progress", kwargs=kw("line_id", "line_vn")),
    _page("api:list_programmes"),
    _page("api:get_programme", {"partner_liaison": 404}, kwargs=kw("programme_id", "p_au")),
    _page("api:list_nominations", kwargs=kw("programme_id", "p_jp")),
    _page("api:list_needs"),
    _page("api:list_offers"),
    _write("api:create_meeting", 201, ("secretariat_officer",), body=lambda w: {"kind": "ammtc", "number": "AMMTC-99", "starts_on": "2031-01-01", "ends_on": "2031-01-02", "host": "VN"}),
    _write("api:create_decision", 201, ("secretariat_officer",), kwargs=kw("meeting_id", "plen"), body=lambda w: {"reference": "P2", "text": "More"}, hidden=("partner_liaison",)),
    _write("api:load_plan", 201, ("secretariat_officer",), body=lambda w: PLAN),
    _write("api:record_progress", 201, VN, kwargs=kw("line_id", "line_vn"), body=lambda w: PROGRESS),
    _write("api:record_progress", 201, TH, kwargs=kw("line_id", "line_th"), body=lambda w: PROGRESS, hidden=("partner_liaison",)),
    _write("api:drop_line", 200, ("secretariat_officer",), kwargs=kw("line_id", "line_vn"), body=lambda w: {"reason": "merged"}),
    _write("api:create_programme", 201, ("partner_liaison", "secretariat_officer"), body=lambda w: {"title": "Forensics", "kind": "training", "sponsor": "JP", "starts_on": "2031-01-01", "ends_on": "2031-01-05"}),
    _write("api:create_nomination", 201, MEMBERS, kwargs=kw("programme_id", "p_jp"), body=lambda w: {"nominee_name": "Somchai"}),
    _write("api:create_nomination", 201, MEMBERS, kwargs=kw("programme_id", "p_au"), body=lambda w: {"nominee_name": "Somchai"}, hidden=("partner_liaison",)),
    _write("api:decide_nomination", 200, ("partner_liaison", "secretariat_officer"), kwargs=kw("nomination_id", "nomination"), body=lambda w: {"status": "approved"}),
    _write("api:create_need", 201, MEMBERS, body=lambda w: {"title": "Radios", "quantity": 3}),
    _write("api:create_offer", 201, ("partner_liaison",), body=lambda w: {"title": "Radios", "quantity": 3}),
    _write("api:match_offer", 200, ("partner_liaison", "secretariat_officer"), kwargs=kw("offer_id", "offer_jp"), body=lambda w: {"need_id": w.extra["need"]}),
    _write("api:match_offer", 200, ("secretariat_officer",), kwargs=kw("offer_id", "offer_au"), body=lambda w: {"need_id": w.extra["need"]}, hidden=("partner_liaison",)),
    _write("api:track_offer", 200, ("partner_liaison", "secretariat_officer"), kwargs=kw("offer_id", "offer_jp"), body=lambda w: {"status": "withdrawn"}),
]  # fmt: skip
