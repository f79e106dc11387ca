"""Reference-data endpoints: countries, organisations, sharing groups, crime areas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from tcx.api.pagination import LimitOffsetPagination
from tcx.api.problems import ApiProblem
from tcx.api.routing import ApiRouter
from tcx.api.schemas import PatchInput, StrictInput
from tcx.kernel.pages import actor_of
from tcx.organisations import selectors, services
from tcx.organisations.models import OrganisationChangeStatus
from tcx.policy.rules import NotFound

router = ApiRouter(tags=["reference data"])


class CountryOut(Schema):
    code: str
    name: str
    kind: str
    unconfirmed: bool


class OrganisationOut(Schema):
    id: int
    code: str = Field(
        description="The organisation's stable code, the same on every node (country and short name)"
    )
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
    if not services.can_edit_reference(actor_of(request)):
        raise ApiProblem(403, "only the platform operator and Secretariat officers edit reference data")
    return request.user


@router.post("/organisations", response={201: OrganisationOut}, summary="Onboard an organisation")
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    actor = _editor(request)
    return Status(201, services.organisation_create(actor=actor, data=payload.dict(), request=request))


class OrganisationChangeOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    changes: dict[str, bool | int | str | None]
    previous: dict[str, bool | int | str | None]
    status: str
    requested_by: str | None
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_requested_by(obj: Any) -> str | None:
        return obj.requested_by.username if obj.requested_by else None

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        return obj.decided_by.username if obj.decided_by else None


class OrganisationChangeDecision(StrictInput):
    approve: bool


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 202: OrganisationChangeOut},
    summary="Change an organisation (kind, country, parent, contact point: wait for a second editor, 202)",
)
def update_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationPatch) -> Any:
    actor = _editor(request)
    organisation = selectors.organisation_get(organisation_id=organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} not found")
    organisation, pending = services.organisation_update(
        actor=actor, organisation=organisation, data=payload.dict(exclude_unset=True), request=request
    )
    if pending is not None:
        return Status(202, pending)
    return organisation


@router.get(
    "/organisation-changes",
    response=list[OrganisationChangeOut],
    summary="Changes of kind, country or contact point and their approval (reference-data editors)",
)
@paginate(LimitOffsetPagination)
def list_organisation_changes(request: HttpRequest, status: str | None = None) -> Any:
    _editor(request)
    if status is not None and status not in OrganisationChangeStatus.values:
        raise ApiProblem(422, f"status must be one of {', '.join(OrganisationChangeStatus.values)}")
    return selectors.organisation_change_list(status=status)


@router.post(
    "/organisation-changes/{change_id}/decision",
    response=OrganisationChangeOut,
    summary="Approve or reject a pending change (another editor than the requester)",
)
def decide_organisation_change(
    request: HttpRequest, change_id: int, payload: OrganisationChangeDecision
) -> Any:
    actor = _editor(request)
    change = selectors.organisation_change_get(change_id=change_id)
    if change is None:
        raise NotFound(f"organisation change {change_id} not found")
    try:
        return services.organisation_change_decide(
            actor=actor, change=change, approve=payload.approve, request=request
        )
    except services.ChangeRefused as exc:
        raise ApiProblem(exc.status, str(exc)) from exc


@router.patch("/crime-areas/{code}", response=CrimeAreaOut)
def update_crime_area(request: HttpRequest, code: str, payload: CrimeAreaPatch) -> Any:
    actor = _editor(request)
    crime_area = selectors.crime_area_get(code=code)
    if crime_area is None:
        raise NotFound(f"crime area {code} not found")
    return services.crime_area_update(
        actor=actor, crime_area=crime_area, data=payload.dict(exclude_unset=True), request=request
    )
