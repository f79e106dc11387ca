"""The organisation directory, sharing groups and crime areas (reference data, read-only here)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tcx.kernel.forms import add_field_errors
from tcx.kernel.pages import actor_of, page
from tcx.organisations import selectors, services
from tcx.organisations.forms import CrimeAreaForm, OrganisationForm
from tcx.organisations.models import OrganisationKind
from tcx.policy.capabilities import Capability


def directory_view(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country") or None
    kind = request.GET.get("kind") or None
    if kind and kind not in OrganisationKind.values:
        kind = None
    organisations = selectors.organisation_list(country=country, kind=kind)
    context = {
        "organisations": organisations,
        "countries": selectors.country_list(),
        "kinds": OrganisationKind.choices,
        "selected_country": country or "",
        "selected_kind": kind or "",
        "can_edit": services.can_edit_reference(actor_of(request)),
    }
    template = (
        "organisations/partials/directory_rows.html"
        if request.headers.get("HX-Request")
        else "organisations/directory.html"
    )
    return render(request, template, context)


def organisation_detail_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.organisation_get(organisation_id=organisation_id)
    if organisation is None:
        raise Http404("organisation not found")
    groups = selectors.sharing_group_list().filter(
        pk__in=selectors.sharing_group_ids_for(organisation=organisation)
    )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "groups": groups,
            "can_edit": services.can_edit_reference(actor_of(request)),
        },
    )


def group_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/groups.html", {"groups": selectors.sharing_group_list()})


def group_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.sharing_group_get(slug=slug)
    if group is None:
        raise Http404("sharing group not found")
    members = selectors.sharing_group_members(group=group)
    return render(request, "organisations/group_detail.html", {"group": group, "members": members})


def crime_area_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/crime_areas.html",
        {
            "crime_areas": selectors.crime_area_list(),
            "can_edit": services.can_edit_reference(actor_of(request)),
        },
    )


def _apply_errors(form: Any, exc: services.ReferenceDataError) -> None:
    add_field_errors(form, exc)


@require_http_methods(["GET", "POST"])
@page(capability=Capability.EDIT_REFERENCE_DATA)
def organisation_create_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=actor, data=form.to_data(), request=request)
        except services.ReferenceDataError as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, f"{organisation.name} added to the directory.")
            return redirect("organisations:detail", organisation_id=organisation.pk)
    return render(request, "organisations/edit.html", {"form": form, "title": "Add an organisation"})


@require_http_methods(["GET", "POST"])
@page(capability=Capability.EDIT_REFERENCE_DATA)
def organisation_edit_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = actor_of(request)
    organisation = selectors.organisation_get(organisation_id=organisation_id)
    if organisation is None:
        raise Http404("organisation not found")
    initial = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "country": organisation.country.code if organisation.country else "",
        "parent": organisation.parent,
        "sector": organisation.sector,
        "is_national_contact_point": organisation.is_national_contact_point,
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation, pending = services.organisation_update(
                actor=actor, organisation=organisation, data=form.to_data(), request=request
            )
        except services.ReferenceDataError as exc:
            add_field_errors(form, exc)
        else:
            if pending is not None:
                messages.info(
                    request,
                    _(
                        "The change of kind, country or contact point waits for another editor's "
                        "approval; the agencies whose shared data or messages it would open are told."
                    ),
                )
                return redirect("organisations:changes")
            messages.success(request, f"{organisation.name} updated.")
            return redirect("organisations:detail", organisation_id=organisation.pk)
    return render(request, "organisations/edit.html", {"form": form, "title": f"Edit {organisation.name}"})


@require_http_methods(["GET", "POST"])
@page(capability=Capability.EDIT_REFERENCE_DATA)
def crime_area_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    crime_area = selectors.crime_area_get(code=code)
    if crime_area is None:
        raise Http404("crime area not found")
    initial = {
        "name": crime_area.name,
        "description": crime_area.description,
        "unconfirmed": crime_area.unconfirmed,
        "lead_shepherd": crime_area.lead_shepherd.code if crime_area.lead_shepherd else "",
        "is_priority": crime_area.is_priority,
    }
    form = CrimeAreaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.crime_area_update(
                actor=actor, crime_area=crime_area, data=form.cleaned_data, request=request
            )
        except services.ReferenceDataError as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, f"{crime_area.name} updated.")
            return redirect("organisations:crime_areas")
    return render(request, "organisations/edit.html", {"form": form, "title": f"Edit {crime_area.name}"})


@page(capability=Capability.EDIT_REFERENCE_DATA)
def organisation_change_list_view(request: HttpRequest) -> HttpResponse:
    """Changes of kind, country or contact point: pending ones first, each with who asked and who decided."""
    actor = actor_of(request)
    changes = selectors.organisation_change_list()[:200]
    return render(request, "organisations/changes.html", {"changes": changes, "actor": actor})


@require_POST
@page(capability=Capability.EDIT_REFERENCE_DATA)
def organisation_change_decide_view(request: HttpRequest, change_id: int) -> HttpResponse:
    actor = actor_of(request)
    change = selectors.organisation_change_get(change_id=change_id)
    if change is None:
        raise Http404("change not found")
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
        return redirect("organisations:changes")
    try:
        change = services.organisation_change_decide(
            actor=actor, change=change, approve=decision == "approve", request=request
        )
    except services.ChangeRefused as exc:
        messages.error(request, str(exc))
    except services.ReferenceDataError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Change %(status)s.") % {"status": change.get_status_display()})
    return redirect("organisations:changes")
