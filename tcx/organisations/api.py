"""Reference-data endpoints: countries, organisations, sharing groups, crime areas."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tcx.organisations import selectors
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
