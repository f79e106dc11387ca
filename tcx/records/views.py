"""Record pages: list and search, create, view (audited), archive; the hit inbox; releases."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tcx.audit.registry import AuditAction
from tcx.kernel.errors import FieldErrors
from tcx.kernel.forms import add_field_errors
from tcx.kernel.pages import actor_of, page, read
from tcx.policy import rules
from tcx.policy.capabilities import Capability, has_capability
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

RECORDS_PER_PAGE = 50


@page(capability=Capability.SEE_OPERATIONAL, audit_read=AuditAction.RECORD_SEARCHED)
def record_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = SearchForm(request.GET or None)
    query = form.data.get("q", "").strip() if form.is_bound else ""
    if query:
        results = selectors.record_search(actor=actor, text=query)
        records = [r for r, _ in results]
        read(request, data={"q": query, "results": [r.pk for r in records]})
        page = None
    else:
        # every record the actor may see, a page at a time (counted and sliced in the database)
        page = Paginator(selectors.record_list(actor=actor), RECORDS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        records = list(page)
        read(request, data={"list": True, "results": [r.pk for r in records], "page": page.number})
    template = "records/partials/rows.html" if request.headers.get("HX-Request") else "records/list.html"
    return render(
        request,
        template,
        {
            "records": records,
            "page": page,
            "form": form,
            "query": query,
            "can_create": has_capability(actor, Capability.EDIT_OPERATIONAL),
        },
    )


@require_http_methods(["GET", "POST"])
@page(capability=Capability.EDIT_OPERATIONAL)
def record_create_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
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
        except FieldErrors as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, f"Record “{record.caption}” saved; it is being matched now.")
            return redirect("records:detail", record_id=record.pk)
    return render(request, "records/form.html", {"form": form})


@page(capability=Capability.SEE_OPERATIONAL, audit_read=AuditAction.RECORD_VIEWED)
def record_detail_view(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = actor_of(request)
    record = selectors.access_record(actor=actor, record_id=record_id)
    read(request, target=record)
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


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def record_archive_view(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = actor_of(request)
    record = selectors.access_record(actor=actor, record_id=record_id, action=rules.Action.ARCHIVE)
    services.record_archive(actor=actor, record=record, request=request)
    messages.success(request, "Record archived: it no longer raises hits.")
    return redirect("records:detail", record_id=record.pk)


HITS_PER_PAGE = 30
RELEASES_PER_PAGE = 50


@page(capability=Capability.SEE_OPERATIONAL, audit_read=AuditAction.MATCH_VIEWED)
def hit_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    duplicates = request.GET.get("duplicates") == "1"
    hits = selectors.hit_list(actor=actor, include_duplicates=duplicates)
    page = Paginator(hits, HITS_PER_PAGE).get_page(request.GET.get("page"))
    read(request, data={"matches": [h.match.pk for h in page], "page": page.number})
    return render(
        request,
        "records/hits.html",
        {"hits": page, "page": page, "duplicates": duplicates, "release_form": ReleaseRequestForm()},
    )


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def release_request_view(request: HttpRequest, match_id: int) -> HttpResponse:
    actor = actor_of(request)
    view = selectors.access_hit(actor=actor, match_id=match_id)
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


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def match_decision_view(request: HttpRequest, match_id: int) -> HttpResponse:
    actor = actor_of(request)
    view = selectors.access_hit(actor=actor, match_id=match_id)
    try:
        services.match_decide(
            actor=actor, match=view.match, confirm=request.POST.get("confirm") == "1", request=request
        )
    except services.DecisionConflict as exc:
        messages.error(request, str(exc))
    return redirect("records:hits")


@page(capability=Capability.RELEASE)
def release_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    releases = selectors.release_requests_to_decide(actor=actor)
    page = Paginator(releases, RELEASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "records/releases.html", {"releases": page, "page": page, "form": ReleaseDecisionForm()}
    )


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def release_decision_view(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = actor_of(request)
    release = selectors.access_release_request(actor=actor, release_id=release_id)
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


@require_http_methods(["GET", "POST"])
@page(capability=Capability.EDIT_OPERATIONAL)
def record_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a file: it is queued and imported in the background; the run's page shows progress."""
    from tcx.matching.io import parse_mapping
    from tcx.records import import_runs

    actor = actor_of(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = parse_mapping(form.cleaned_data["mapping"])
        except ValueError as exc:
            form.add_error("mapping", str(exc))
        else:
            try:
                run = import_runs.queue(
                    actor=actor,
                    upload=form.cleaned_data["file"],
                    policy=form.policy(),
                    mapping=mapping,
                    schema=form.cleaned_data["schema"],
                )
            except FieldErrors as exc:
                add_field_errors(form, exc)
            else:
                return redirect("records:import_run", run_id=run.pk)
    runs = selectors.import_runs(actor=actor)[:10]
    return render(request, "records/import.html", {"form": form, "runs": runs})


@page(capability=Capability.SEE_OPERATIONAL)
def record_import_run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """An import's progress and, when it is done, its report (HTMX polls the status part)."""
    actor = actor_of(request)
    run = selectors.access_import_run(actor=actor, run_id=run_id)
    template = (
        "records/partials/import_run.html" if request.headers.get("HX-Request") else "records/import_run.html"
    )
    return render(request, template, {"run": run})


@page(capability=Capability.SEE_OPERATIONAL)
def record_export_view(request: HttpRequest) -> HttpResponseBase:
    from django.http import StreamingHttpResponse

    from tcx.records.exporting import FORMATS, export_records

    actor = actor_of(request)
    fmt = request.GET.get("format", "jsonl")
    if fmt not in FORMATS:
        raise Http404("unknown format")
    response = StreamingHttpResponse(
        export_records(actor=actor, fmt=fmt, request=request),
        content_type="application/x-ndjson" if fmt == "jsonl" else "text/csv",
    )
    response["Content-Disposition"] = f'attachment; filename="tcx-records.{fmt}"'
    return response


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def record_link_view(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = actor_of(request)
    source = selectors.access_record(actor=actor, record_id=record_id, action=rules.Action.EDIT)
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


@require_http_methods(["GET", "POST"])
@page(capability=Capability.SEE_OPERATIONAL)
def record_edit_view(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = actor_of(request)
    record = selectors.access_record(actor=actor, record_id=record_id, action=rules.Action.EDIT)
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
        except FieldErrors as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, "Record saved; it is being matched again.")
            return redirect("records:detail", record_id=record.pk)
    return render(request, "records/form.html", {"form": form, "record": record})
