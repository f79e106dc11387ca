"""The ASEAN Secretariat's pages: create and edit meetings, add decisions, load a plan file by
upload, edit and drop action lines, add, change and remove milestones. Each page refuses everyone
but the Secretariat (403; 404 when the object is not even visible) and writes through the same
services as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tcx.kernel.forms import add_field_errors
from tcx.kernel.pages import actor_of
from tcx.roadmap import planfile, selectors, services
from tcx.roadmap.forms import DecisionForm, DropForm, LineForm, MeetingForm, MilestoneForm, PlanUploadForm
from tcx.roadmap.views.pages import _line_context, _meeting_context, roadmap_view


@require_POST
@roadmap_view
def line_drop_view(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    services.require_secretariat(actor=actor_of(request))
    form = DropForm(request.POST)
    if form.is_valid():
        try:
            services.action_line_drop(actor=actor_of(request), line=line, reason=form.cleaned_data["reason"])
        except services.RoadmapError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, f"{line.code} dropped.")
            return redirect("roadmap:line", line_id=line.pk)
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    return render(request, "roadmap/line.html", _line_context(request, line, drop_form=form), status=422)


def _line_edit_context(
    request: HttpRequest,
    line: Any,
    *,
    form: LineForm | None = None,
    add_form: MilestoneForm | None = None,
    bound: tuple[int, MilestoneForm] | None = None,
) -> dict[str, Any]:
    milestones = []
    for milestone in line.milestones.all():
        if bound is not None and bound[0] == milestone.pk:
            milestones.append((milestone, bound[1]))
            continue
        initial = {"title": milestone.title, "due_on": milestone.due_on, "done_on": milestone.done_on}
        milestones.append((milestone, MilestoneForm(initial=initial, auto_id=f"id_m{milestone.pk}_%s")))
    return {
        "line": line,
        "form": form or LineForm(initial=LineForm.initial_of(line)),
        "milestones": milestones,
        "add_form": add_form or MilestoneForm(auto_id="id_new_%s"),
    }


@roadmap_view
def line_edit_view(request: HttpRequest, line_id: int) -> HttpResponse:
    """The Secretariat edits a line's details and milestones outside a plan reload."""
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    services.require_secretariat(actor=actor_of(request))
    if request.method != "POST":
        return render(request, "roadmap/line_edit.html", _line_edit_context(request, line))
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            services.action_line_update(actor=actor_of(request), line=line, data=dict(form.cleaned_data))
        except services.RoadmapError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, f"{line.code} saved.")
            return redirect("roadmap:line", line_id=line.pk)
    else:
        _check_the_rest(form, lambda data: services.action_line_check(line=line, data=data))
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    return render(request, "roadmap/line_edit.html", _line_edit_context(request, line, form=form), status=422)


@require_POST
@roadmap_view
def milestone_add_view(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.access_action_line(actor=actor_of(request), line_id=line_id)
    services.require_secretariat(actor=actor_of(request))
    form = MilestoneForm(request.POST, auto_id="id_new_%s")
    if form.is_valid():
        try:
            services.milestone_add(actor=actor_of(request), line=line, data=dict(form.cleaned_data))
        except services.RoadmapError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, "Milestone added.")
            return redirect("roadmap:line_edit", line_id=line.pk)
    else:
        _check_the_rest(form, lambda data: services.milestone_check(line=line, data=data, creating=True))
    return render(
        request, "roadmap/line_edit.html", _line_edit_context(request, line, add_form=form), status=422
    )


@require_POST
@roadmap_view
def milestone_edit_view(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(actor=actor_of(request), milestone_id=milestone_id)
    services.require_secretariat(actor=actor_of(request))
    form = MilestoneForm(request.POST, auto_id=f"id_m{milestone.pk}_%s")
    if form.is_valid():
        try:
            services.milestone_update(
                actor=actor_of(request), milestone=milestone, data=dict(form.cleaned_data)
            )
        except services.RoadmapError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, "Milestone saved.")
            return redirect("roadmap:line_edit", line_id=milestone.action_line_id)
    else:
        _check_the_rest(
            form,
            lambda data: services.milestone_check(line=milestone.action_line, data=data, creating=False),
        )
    line = selectors.access_action_line(actor=actor_of(request), line_id=milestone.action_line_id)
    context = _line_edit_context(request, line, bound=(milestone.pk, form))
    return render(request, "roadmap/line_edit.html", context, status=422)


@require_POST
@roadmap_view
def milestone_remove_view(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(actor=actor_of(request), milestone_id=milestone_id)
    services.milestone_remove(actor=actor_of(request), milestone=milestone)
    messages.success(request, f"Milestone {milestone.title!r} removed.")
    return redirect("roadmap:line_edit", line_id=milestone.action_line_id)


def _put_errors(form: Any, exc: services.RoadmapError) -> None:
    """The services' errors, each on its field (or above the form, named, when no field has its name)."""
    add_field_errors(form, exc, name_other_fields=True)


def _check_the_rest(form: Any, check: Callable[[dict[str, Any]], None]) -> None:
    """A form with fields that did not parse: add what the services find in the fields that did,
    so that one submission shows every bad field."""
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    try:
        check(data)
    except services.RoadmapError as exc:
        for field, message in exc.errors.items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, message)


def _meeting_form_view(request: HttpRequest, meeting: Any | None) -> HttpResponse:
    """Create (``meeting`` None) or edit a meeting, with an optional document attached."""
    services.require_secretariat(actor=actor_of(request))
    if request.method != "POST":
        initial = MeetingForm.initial_of(meeting) if meeting is not None else {"mode": "video"}
        form = MeetingForm(initial=initial, meeting=meeting)
        return render(request, "roadmap/meeting_form.html", {"form": form, "meeting": meeting})
    form = MeetingForm(request.POST, request.FILES, meeting=meeting)
    if form.is_valid():
        try:
            with transaction.atomic():
                if meeting is None:
                    saved = services.meeting_create(actor=actor_of(request), data=form.meeting_data())
                else:
                    saved = services.meeting_update(
                        actor=actor_of(request), meeting=meeting, data=form.meeting_data()
                    )
                if form.cleaned_data.get("document"):
                    services.meeting_document_add(
                        actor=actor_of(request),
                        meeting=saved,
                        title=form.cleaned_data.get("document_title") or "",
                        file=form.cleaned_data["document"],
                    )
        except services.RoadmapError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, f"Meeting {saved.number} {'created' if meeting is None else 'saved'}.")
            return redirect("roadmap:meeting", meeting_id=saved.pk)
    else:
        _check_the_rest(
            form,
            lambda data: services.meeting_check(
                data={k: v for k, v in data.items() if k not in ("document", "document_title")},
                meeting=meeting,
            ),
        )
    return render(request, "roadmap/meeting_form.html", {"form": form, "meeting": meeting}, status=422)


@roadmap_view
def meeting_create_view(request: HttpRequest) -> HttpResponse:
    return _meeting_form_view(request, None)


@roadmap_view
def meeting_edit_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    return _meeting_form_view(request, meeting)


@require_POST
@roadmap_view
def decision_create_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=actor_of(request), meeting_id=meeting_id)
    services.require_secretariat(actor=actor_of(request))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.decision_create(
                actor=actor_of(request), meeting=meeting, data=dict(form.cleaned_data)
            )
        except services.RoadmapError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, f"Decision {decision.reference} recorded.")
            return redirect("roadmap:meeting", meeting_id=meeting.pk)
    else:
        _check_the_rest(form, lambda data: services.decision_check(meeting=meeting, data=data))
    return render(request, "roadmap/meeting.html", _meeting_context(request, meeting, form), status=422)


MAX_PLAN_BYTES = 5 * 1024 * 1024


@roadmap_view
def plan_upload_view(request: HttpRequest) -> HttpResponse:
    """Load a plan file by upload: the same checks as ``tcx roadmap load-plan``; a bad file loads
    nothing and the page lists every bad row and field."""
    services.require_secretariat(actor=actor_of(request))
    form = PlanUploadForm(request.POST, request.FILES) if request.method == "POST" else PlanUploadForm()
    errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_PLAN_BYTES:
            form.add_error("file", "plan files are limited to 5 MB")
        else:
            try:
                plan = planfile.plan_load(actor=actor_of(request), raw=upload.read())
            except services.RoadmapError as exc:
                errors = exc.errors
            else:
                lines = sum(c.action_lines.count() for c in plan.components.all())
                components = plan.components.count()
                messages.success(
                    request, f"Plan {plan.code} loaded: {components} component(s), {lines} action line(s)."
                )
                return redirect("roadmap:index")
    status = 422 if request.method == "POST" else 200
    return render(request, "roadmap/plan.html", {"form": form, "errors": errors}, status=status)
