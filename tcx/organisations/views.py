"""The organisation directory, sharing groups and crime areas (reference data, read-only here)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tcx.organisations import selectors
from tcx.organisations.models import OrganisationKind


@login_required
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
    }
    template = (
        "organisations/partials/directory_rows.html"
        if request.headers.get("HX-Request")
        else "organisations/directory.html"
    )
    return render(request, template, context)


@login_required
def organisation_detail_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.organisation_get(organisation_id=organisation_id)
    if organisation is None:
        raise Http404("organisation not found")
    groups = selectors.sharing_group_list().filter(
        pk__in=selectors.sharing_group_ids_for(organisation=organisation)
    )
    return render(request, "organisations/detail.html", {"organisation": organisation, "groups": groups})


@login_required
def group_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/groups.html", {"groups": selectors.sharing_group_list()})


@login_required
def group_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.sharing_group_get(slug=slug)
    if group is None:
        raise Http404("sharing group not found")
    members = selectors.sharing_group_members(group=group)
    return render(request, "organisations/group_detail.html", {"group": group, "members": members})


@login_required
def crime_area_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/crime_areas.html", {"crime_areas": selectors.crime_area_list()})
