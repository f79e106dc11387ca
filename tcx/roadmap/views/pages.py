"""Roadmap pages: the timeline (per crime area or lead), an action line with its progress, the
commitments of one country, meetings and their progress reports (PDF, XLSX), programmes and
nominations, equipment. Every lookup goes through ``selectors`` (not found otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tcx.accounts.services import Refused
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.kernel.forms import add_field_errors
from tcx.kernel.pages import actor_of
from tcx.organisations import selectors as org_selectors
from tcx.policy.capabilities import Capability, has_capability
from tcx.roadmap import reports, selectors, services
from tcx.roadmap.forms import (
    DecisionForm,
    DocumentForm,
    DropForm,
    NeedForm,
    NominationForm,
    OfferForm,
    ProgressForm,
)
from tcx.roadmap.models import LineStatus

STATUS_LABELS = {**dict(LineStatus.choices), "late": "Late"}


def roadmap_view(func: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Someone who sees the roadmap (signing in is the middleware's, a NotFound anywhere answers
    404 through ``tcx.kernel.routes.NotFoundMiddleware``)."""

    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not selectors.sees_roadmap(actor_of(request)):
            raise Http404("not found")
        try:
            return func(request, *args, **kwargs)
        except Refused as exc:
            return render(request, "roadmap/refused.html", {"reason": str(exc)}, status=403)

    return wrapper


def _with_status(lines: Any) -> list[Any]:
    """The lines with their computed status (late is never stored) as ``shown_status``."""
    out = list(lines)
    for line in out:
        line.shown_status = selectors.line_status(line)
        line.shown_label = STATUS_LABELS[line.shown_status]
    return out


def _filters(request: HttpRequest) -> dict[str, Any]:
    filters: dict[str, Any] = {
        "country": request.GET.get("country") or None,
        "crime_area": request.GET.get("crime_area") or None,
        "status": request.GET.get("status") or None,
    }
    if request.GET.get("due") == "next_somtc":
        somtc = selectors.next_somtc()
        filters["due_before"] = somtc.starts_on if somtc else None
    return filters


@roadmap_view
def roadmap_index_view(request: HttpRequest) -> HttpResponse:
    group = "lead" if request.GET.get("group") == "lead" else "crime_area"
    lines = _with_status(selectors.action_line_list(actor=actor_of(request), filters=_filters(request)))
    context = {
        "groups": selectors.roadmap_by(lines, group=group),
        "group": group,
        "next_somtc": selectors.next_somtc(),
        "countries": org_selectors.country_list().filter(kind="member_state"),
        "crime_areas": org_selectors.crime_area_list(),
        "statuses": [*LineStatus.choices, ("late", "Late")],
        "selected": request.GET,
        "manages": selectors.manages_plan(actor_of(request)),
    }
    template = "roadmap/partials/timeline.html" if request.headers.get("HX-Request") else "roadmap/index.html"
    return render(request, template, context)


@roadmap_view
def country_view(request: HttpRequest, code: str) -> HttpResponse:
    country = org_selectors.country_list().filter(code=code.upper(), kind="member_state").first()
    if country is None:
        raise Http404("country not found")
    lines = _with_status(
        selectors.action_line_list(actor=actor_of(request), filters={"country": country.code})
    )
    return render(
        request,
        "roadmap/country.html",
        {
            "country": country,
            "lines": lines,
        },
    )


def _line_context(
    request: HttpRequest, line: Any, form: ProgressForm | None = None, drop_form: DropForm | None = None
) -> dict[str, Any]:
    can_record = selectors.can_record_progress(actor_of(request), line) and not line.is_closed
    manages = selectors.manages_plan(actor_of(request))
    return {
        "line": line,
        "status": STATUS_LABELS[selectors.line_status(line)],
        "updates": selectors.progress_list(actor=actor_of(request), line=line),
        "can_record": can_record,
        "form": form or (ProgressForm() if can_record else None),
        "manages": manages,
        "drop_form": drop_form or (DropForm() if manages and not line.is_closed else None),
    }


@roadmap_view
def line_detail_view(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    return render(request, "roadmap/line.html", _line_context(request, line))


@require_POST
@roadmap_view
def progress_view(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.progress_record(
                actor=actor_of(request),
                line=line,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                evidence=form.cleaned_data.get("evidence"),
            )
        except services.RoadmapError as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, f"Progress recorded on {line.code}.")
            return redirect("roadmap:line", line_id=line.pk)
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    return render(request, "roadmap/line.html", _line_context(request, line, form), status=422)


@roadmap_view
def meeting_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "roadmap/meetings.html",
        {
            "meetings": selectors.meeting_list(actor=actor_of(request)),
            "manages": selectors.manages_plan(actor_of(request)),
        },
    )


def _meeting_context(
    request: HttpRequest, meeting: Any, decision_form: DecisionForm | None = None
) -> dict[str, Any]:
    decisions = selectors.decision_list(actor=actor_of(request)).filter(meeting=meeting)
    lines = _with_status(selectors.action_line_list(actor=actor_of(request), filters={"meeting": meeting.pk}))
    manages = selectors.manages_plan(actor_of(request))
    return {
        "meeting": meeting,
        "decisions": decisions,
        "lines": lines,
        "sessions": selectors.meeting_list(actor=actor_of(request)).filter(parent=meeting),
        "documents": meeting.documents.all(),
        "manages": manages,
        "document_form": DocumentForm() if manages else None,
        "decision_form": decision_form or (DecisionForm() if manages else None),
    }


@roadmap_view
def meeting_detail_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    return render(request, "roadmap/meeting.html", _meeting_context(request, meeting))


@require_POST
@roadmap_view
def meeting_document_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Give the document a title and a file.")
    else:
        services.meeting_document_add(actor=actor_of(request), meeting=meeting, **form.cleaned_data)
        messages.success(request, "Document attached.")
    return redirect("roadmap:meeting", meeting_id=meeting.pk)


@roadmap_view
def document_download_view(request: HttpRequest, document_id: int) -> HttpResponseBase:
    document = selectors.access_meeting_document(actor=actor_of(request), document_id=document_id)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=str(document.file.name).rsplit("/", 1)[-1]
    )


@roadmap_view
def evidence_download_view(request: HttpRequest, update_id: int) -> HttpResponseBase:
    update = selectors.access_progress_update(actor=actor_of(request), update_id=update_id)
    if not update.evidence:
        raise Http404("no evidence")
    return FileResponse(
        update.evidence.open("rb"), as_attachment=True, filename=str(update.evidence.name).rsplit("/", 1)[-1]
    )


def _report_lines(request: HttpRequest, meeting: Any) -> list[Any]:
    """The lines the report covers: those of the meeting's decisions (and of its sessions' decisions)."""
    meetings = [
        meeting.pk,
        *selectors.meeting_list(actor=actor_of(request)).filter(parent=meeting).values_list("pk", flat=True),
    ]
    return list(
        selectors.action_line_list(actor=actor_of(request))
        .filter(decision__meeting__in=meetings)
        .prefetch_related("progress_updates__country")
    )


@roadmap_view
def meeting_report_pdf_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    body = reports.report_pdf(meeting=meeting, lines=_report_lines(request, meeting))
    audit.record(
        actor=actor_of(request),
        action=AuditAction.ROADMAP_REPORT_EXPORTED,
        target=meeting,
        data={"format": "pdf"},
        request=request,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{meeting.number}-progress.pdf"'
    return response


@roadmap_view
def meeting_report_xlsx_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    body = reports.report_xlsx(meeting=meeting, lines=_report_lines(request, meeting))
    audit.record(
        actor=actor_of(request),
        action=AuditAction.ROADMAP_REPORT_EXPORTED,
        target=meeting,
        data={"format": "xlsx"},
        request=request,
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.number}-progress.xlsx"'
    return response


@roadmap_view
def programme_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "roadmap/programmes.html", {"programmes": selectors.programme_list(actor=actor_of(request))}
    )


def _programme_context(
    request: HttpRequest, programme: Any, form: NominationForm | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    can_nominate = has_capability(actor, Capability.CONTRIBUTE_ROADMAP)
    return {
        "programme": programme,
        "nominations": selectors.nomination_list(actor=actor, programme=programme),
        "manages": selectors.manages_programme(actor, programme),
        "form": form or (NominationForm() if can_nominate else None),
    }


@roadmap_view
def programme_detail_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.access_programme(actor=actor_of(request), programme_id=programme_id)
    return render(request, "roadmap/programme.html", _programme_context(request, programme))


@require_POST
@roadmap_view
def nominate_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.access_programme(actor=actor_of(request), programme_id=programme_id)
    form = NominationForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_create(actor=actor_of(request), programme=programme, **form.cleaned_data)
        except services.RoadmapError as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, "Nomination sent.")
            return redirect("roadmap:programme", programme_id=programme.pk)
    return render(request, "roadmap/programme.html", _programme_context(request, programme, form), status=422)


@require_POST
@roadmap_view
def nomination_decision_view(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = selectors.access_nomination(actor=actor_of(request), nomination_id=nomination_id)
    try:
        services.nomination_decide(
            actor=actor_of(request), nomination=nomination, status=request.POST.get("status", "")
        )
    except services.RoadmapError as exc:
        messages.error(request, str(exc))
    return redirect("roadmap:programme", programme_id=nomination.programme_id)


@roadmap_view
def equipment_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    scope = selectors.scope_of(actor)
    assert scope is not None
    need_form = NeedForm(prefix="need")
    offer_form = OfferForm(prefix="offer")
    if request.method == "POST":
        try:
            if "need-title" in request.POST:
                need_form = NeedForm(request.POST, prefix="need")
                if need_form.is_valid():
                    services.need_post(actor=actor, **need_form.cleaned_data)
                    messages.success(request, "Need posted.")
                    return redirect("roadmap:equipment")
            else:
                offer_form = OfferForm(request.POST, prefix="offer")
                if offer_form.is_valid():
                    need_id = request.POST.get("need")
                    need = selectors.access_need(actor=actor, need_id=int(need_id)) if need_id else None
                    services.offer_post(actor=actor, need=need, **offer_form.cleaned_data)
                    messages.success(request, "Offer posted.")
                    return redirect("roadmap:equipment")
        except services.RoadmapError as exc:
            messages.error(request, str(exc))
        except ValueError:
            raise Http404("need not found") from None
    is_member = has_capability(actor, Capability.CONTRIBUTE_ROADMAP)
    return render(
        request,
        "roadmap/equipment.html",
        {
            "needs": selectors.need_list(actor=actor),
            "offers": selectors.offer_list(actor=actor),
            "need_form": need_form if is_member else None,
            "offer_form": offer_form if scope.partner_country_id else None,
        },
    )
