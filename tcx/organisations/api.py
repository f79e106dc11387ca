"""Reference-data endpoints: countries, organisations, sharing groups, crime areas."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from tcx.api.problems import ApiProblem
from tcx.api.schemas import PatchInput, StrictInput
from tcx.organisations import selectors, services
from tcx.policy.rules import NotFound

router = Router(tags=["reference data"])


class CountryOut(Schema):
    code: str
    name: str
    kind: str
    unconfirmed: bool


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    country: str | None
    parent_id: int | None
    is_national_contact_point: bool
    sector: str
    unconfirmed: bool

    @staticmethod
    def resolve_country(obj: object) -> str | None:
        country = getattr(obj, "country", None)
        return country.code if country else None


class SharingGroupOut(Schema):
    id: int
    slug: str
    name: str
    description: str


class SharingGroupDetailOut(SharingGroupOut):
    members: list[OrganisationOut]


class CrimeAreaOut(Schema):
    code: str
    name: str
    is_priority: bool
    lead_shepherd: str | None
    unconfirmed: bool
    added_year: int | None

    @staticmethod
    def resolve_lead_shepherd(obj: object) -> str | None:
        lead = getattr(obj, "lead_shepherd", None)
        return lead.code if lead else None


@router.get("/countries", response=list[CountryOut], summary="Member states, dialogue partners")
def list_countries(request: HttpRequest) -> object:
    return selectors.country_list()


@router.get("/organisations", response=list[OrganisationOut], summary="The organisation directory")
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest, country: str | None = None, kind: str | None = None) -> object:
    return selectors.organisation_list(country=country, kind=kind)


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: int) -> object:
    organisation = selectors.organisation_get(organisation_id=organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} not found")
    return organisation


@router.get("/sharing-groups", response=list[SharingGroupOut])
def list_sharing_groups(request: HttpRequest) -> object:
    return selectors.sharing_group_list()


@router.get("/sharing-groups/{slug}", response=SharingGroupDetailOut)
def get_sharing_group(request: HttpRequest, slug: str) -> object:
    group = selectors.sharing_group_get(slug=slug)
    if group is None:
        raise NotFound(f"sharing group {slug} not found")
    return {
        "id": group.pk,
        "slug": group.slug,
        "name": group.name,
        "description": group.description,
        "members": list(selectors.sharing_group_members(group=group)),
    }


@router.get("/crime-areas", response=list[CrimeAreaOut])
def list_crime_areas(request: HttpRequest) -> object:
    return selectors.crime_area_list()


class OrganisationIn(StrictInput):
    name: str = Field(max_length=200)
    kind: str
    country: str | None = None
    short_name: str = Field("", max_length=40)
    parent: int | None = None
    sector: str = Field("", max_length=40)
    is_national_contact_point: bool = False


class OrganisationPatch(PatchInput):
    nullable = frozenset({"country", "parent"})

    name: str | None = Field(None, max_length=200)
    kind: str | None = None
    country: str | None = None
    short_name: str | None = Field(None, max_length=40)
    parent: int | None = None
    sector: str | None = Field(None, max_length=40)
    is_national_contact_point: bool | None = None
    is_active: bool | None = None
    unconfirmed: bool | None = None


class CrimeAreaPatch(StrictInput):
    name: str | None = None
    description: str | None = None
    lead_shepherd: str | None = None
    unconfirmed: bool | None = None
    is_priority: bool | None = None


def _editor(request: HttpRequest) -> Any:
    if not services.can_edit_reference(request.user):
        raise ApiProblem(403, "only the platform operator and Secretariat officers edit reference data")
    return request.user


@router.post("/organisations", response={201: OrganisationOut}, summary="Onboard an organisation")
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    actor = _editor(request)
    return Status(201, services.organisation_create(actor=actor, data=payload.dict(), request=request))


@router.patch("/organisations/{organisation_id}", response=OrganisationOut)
def update_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationPatch) -> Any:
    actor = _editor(request)
    organisation = selectors.organisation_get(organisation_id=organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} not found")
    return services.organisation_update(
        actor=actor, organisation=organisation, data=payload.dict(exclude_unset=True), request=request
    )


@router.patch("/crime-areas/{code}", response=CrimeAreaOut)
def update_crime_area(request: HttpRequest, code: str, payload: CrimeAreaPatch) -> Any:
    actor = _editor(request)
    crime_area = selectors.crime_area_get(code=code)
    if crime_area is None:
        raise NotFound(f"crime area {code} not found")
    return services.crime_area_update(
        actor=actor, crime_area=crime_area, data=payload.dict(exclude_unset=True), request=request
    )
