"""Record pages: list and search, create, view (audited), archive; the hit inbox; releases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.policy import rules
from tcx.policy.rules import NotFound
from tcx.records import selectors, services
from tcx.records.forms import (
    PROPERTY_FIELDS,
    ImportForm,
    RecordForm,
    ReleaseDecisionForm,
    ReleaseRequestForm,
    SearchForm,
)
from tcx.records.models import LinkSchema


def _operational(request: HttpRequest) -> Any:
    actor: Any = request.user
    if not rules.sees_operational_data(actor):
        raise Http404("not found")
    return request.user


RECORDS_PER_PAGE = 50


@login_required
def record_list_view(request: HttpRequest) -> HttpResponse:
    actor = _operational(request)
    form = SearchForm(request.GET or None)
    query = form.data.get("q", "").strip() if form.is_bound else ""
    if query:
        results = selectors.record_search(actor=actor, text=query)
        records = [r for r, _ in results]
        audit.record(
            actor=actor,
            action=AuditAction.RECORD_SEARCHED,
            request=request,
            data={"q": query, "results": [r.pk for r in records]},
        )
        page = None
    else:
        # every record the actor may see, a page at a time (counted and sliced in the database)
        page = Paginator(selectors.record_list(actor=actor), RECORDS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        records = list(page)
        audit.record(
            actor=actor,
            action=AuditAction.RECORD_SEARCHED,
            request=request,
            data={"list": True, "results": [r.pk for r in records], "page": page.number},
        )
    template = "records/partials/rows.html" if request.headers.get("HX-Request") else "records/list.html"
    return render(
        request,
        template,
        {
            "records": records,
            "page": page,
            "form": form,
            "query": query,
            "can_create": actor.role in rules.EDITOR_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_create_view(request: HttpRequest) -> HttpResponse:
    actor = _operational(request)
    if actor.role not in rules.EDITOR_ROLES:
        raise Http404("not found")
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.record_create(
                actor=actor,
                schema=data["schema"],
                properties=form.properties(),
                policy=form.policy(),
                crime_areas=list(data["crime_areas"]),
                subject_role=data["subject_role"],
                source_reference=data["source_reference"],
                hit_disclosure=data["hit_disclosure"],
                operation_target=data["operation_target"],
                request=request,
            )
        except (services.RecordError, rules.PolicyError) as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"Record “{record.caption}” saved; it is being matched now.")
            return redirect("records:detail", record_id=record.pk)
    return render(request, "records/form.html", {"form": form})


@login_required
def record_detail_view(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = _operational(request)
    try:
        record = selectors.access_record(actor=actor, record_id=record_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    audit.record(actor=actor, action=AuditAction.RECORD_VIEWED, target=record, request=request)
    is_owner = record.owner_id == actor.organisation_id
    return render(
        request,
        "records/detail.html",
        {
            "record": record,
            "policy": rules.policy_of(record),
            "versions": record.versions.all() if is_owner else [],
            "can_archive": rules.can(actor, rules.Action.ARCHIVE, record) and record.status == "active",
            "links": selectors.record_links(actor=actor, record=record),
            "can_link": rules.can(actor, rules.Action.EDIT, record),
            "link_schemata": LinkSchema.choices,
        },
    )


@login_required
@require_POST
def record_archive_view(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = _operational(request)
    try:
        record = selectors.access_record(actor=actor, record_id=record_id, action=rules.Action.ARCHIVE)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    services.record_archive(actor=actor, record=record, request=request)
    messages.success(request, "Record archived: it no longer raises hits.")
    return redirect("records:detail", record_id=record.pk)


HITS_PER_PAGE = 30
RELEASES_PER_PAGE = 50


@login_required
def hit_list_view(request: HttpRequest) -> HttpResponse:
    actor = _operational(request)
    duplicates = request.GET.get("duplicates") == "1"
    hits = selectors.hit_list(actor=actor, include_duplicates=duplicates)
    page = Paginator(hits, HITS_PER_PAGE).get_page(request.GET.get("page"))
    audit.record(
        actor=actor,
        action=AuditAction.MATCH_VIEWED,
        request=request,
        data={"matches": [h.match.pk for h in page], "page": page.number},
    )
    return render(
        request,
        "records/hits.html",
        {"hits": page, "page": page, "duplicates": duplicates, "release_form": ReleaseRequestForm()},
    )


@login_required
@require_POST
def release_request_view(request: HttpRequest, match_id: int) -> HttpResponse:
    actor = _operational(request)
    try:
        view = selectors.access_hit(actor=actor, match_id=match_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    form = ReleaseRequestForm(request.POST)
    if form.is_valid():
        try:
            services.release_request_create(
                actor=actor, match=view.match, request=request, **form.cleaned_data
            )
        except services.RecordError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Release requested. The holder's supervisor decides.")
    else:
        messages.error(request, "Say why your agency needs the record.")
    return redirect("records:hits")


@login_required
@require_POST
def match_decision_view(request: HttpRequest, match_id: int) -> HttpResponse:
    actor = _operational(request)
    try:
        view = selectors.access_hit(actor=actor, match_id=match_id)
        services.match_decide(
            actor=actor, match=view.match, confirm=request.POST.get("confirm") == "1", request=request
        )
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except services.DecisionConflict as exc:
        messages.error(request, str(exc))
    return redirect("records:hits")


@login_required
def release_list_view(request: HttpRequest) -> HttpResponse:
    actor = _operational(request)
    if actor.role != "supervisor":
        raise Http404("not found")
    releases = selectors.release_requests_to_decide(actor=actor)
    page = Paginator(releases, RELEASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "records/releases.html", {"releases": page, "page": page, "form": ReleaseDecisionForm()}
    )


@login_required
@require_POST
def release_decision_view(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = _operational(request)
    try:
        release = selectors.access_release_request(actor=actor, release_id=release_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    form = ReleaseDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.release_decide(
                actor=actor,
                release=release,
                approve=form.cleaned_data["decision"] == "release",
                reason=form.cleaned_data["reason"],
                handling_codes=list(form.cleaned_data["handling_codes"]),
                request=request,
            )
        except (services.RecordError, services.DecisionConflict, rules.PolicyError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Request {release.pk}: {release.status}.")
    return redirect("records:releases")


@login_required
@require_http_methods(["GET", "POST"])
def record_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a file: it is queued and imported in the background; the run's page shows progress."""
    from tcx.matching.io import parse_mapping
    from tcx.records import import_runs

    actor = _operational(request)
    if actor.role not in rules.EDITOR_ROLES:
        raise Http404("not found")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = parse_mapping(form.cleaned_data["mapping"])
        except ValueError as exc:
            form.add_error("mapping", str(exc))
        else:
            policy = rules.Policy(
                tlp=form.cleaned_data["tlp"],
                audience_groups=[int(g) for g in form.cleaned_data["audience_groups"]],
                legal_basis=form.cleaned_data["legal_basis"],
            )
            try:
                run = import_runs.queue(
                    actor=actor,
                    upload=form.cleaned_data["file"],
                    policy=policy,
                    mapping=mapping,
                    schema=form.cleaned_data["schema"],
                )
            except (services.RecordError, rules.PolicyError) as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                return redirect("records:import_run", run_id=run.pk)
    runs = selectors.import_runs(actor=actor)[:10]
    return render(request, "records/import.html", {"form": form, "runs": runs})


@login_required
def record_import_run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """An import's progress and, when it is done, its report (HTMX polls the status part)."""
    actor = _operational(request)
    try:
        run = selectors.access_import_run(actor=actor, run_id=run_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    template = (
        "records/partials/import_run.html" if request.headers.get("HX-Request") else "records/import_run.html"
    )
    return render(request, template, {"run": run})


@login_required
def record_export_view(request: HttpRequest) -> HttpResponseBase:
    from django.http import StreamingHttpResponse

    from tcx.records.exporting import FORMATS, export_records

    actor = _operational(request)
    fmt = request.GET.get("format", "jsonl")
    if fmt not in FORMATS:
        raise Http404("unknown format")
    response = StreamingHttpResponse(
        export_records(actor=actor, fmt=fmt, request=request),
        content_type="application/x-ndjson" if fmt == "jsonl" else "text/csv",
    )
    response["Content-Disposition"] = f'attachment; filename="tcx-records.{fmt}"'
    return response


@login_required
@require_POST
def record_link_view(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = _operational(request)
    try:
        source = selectors.access_record(actor=actor, record_id=record_id, action=rules.Action.EDIT)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    try:
        target_id = int(request.POST.get("target") or "")
        target = selectors.access_record(actor=actor, record_id=target_id, action=rules.Action.EDIT)
    except (ValueError, NotFound):
        messages.error(request, "Link to a record of your agency: give its number.")
        return redirect("records:detail", record_id=record_id)
    try:
        services.record_link_create(
            actor=actor,
            source=source,
            target=target,
            schema=request.POST.get("schema", ""),
            relationship=request.POST.get("relationship", ""),
            request=request,
        )
    except services.RecordError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Link added.")
    return redirect("records:detail", record_id=record_id)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit_view(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = _operational(request)
    try:
        record = selectors.access_record(actor=actor, record_id=record_id, action=rules.Action.EDIT)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    form = RecordForm(request.POST or None, initial=RecordForm.initial_for(record))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # properties the form does not show are kept as they were
        shown = {f"{name}" for name, _ in PROPERTY_FIELDS}
        stored = record.properties if isinstance(record.properties, dict) else {}
        properties = {k: v for k, v in stored.items() if k not in shown} | form.properties()
        try:
            services.record_update(
                actor=actor,
                record=record,
                policy=form.policy(),
                request=request,
                data={
                    "schema": data["schema"],
                    "properties": properties,
                    "crime_areas": list(data["crime_areas"]),
                    "subject_role": data["subject_role"],
                    "source_reference": data["source_reference"],
                    "hit_disclosure": data["hit_disclosure"],
                    "operation_target": data["operation_target"],
                },
            )
        except (services.RecordError, rules.PolicyError) as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "Record saved; it is being matched again.")
            return redirect("records:detail", record_id=record.pk)
    return render(request, "records/form.html", {"form": form, "record": record})
