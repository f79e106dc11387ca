"""Reads of reference data. Reference data is not operational: every signed-in user sees it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tcx.organisations.models import (
    Country,
    CrimeArea,
    Organisation,
    OrganisationChange,
    OrganisationChangeStatus,
    OrganisationKind,
    SharingGroup,
)


def organisation_list(*, country: str | None = None, kind: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("country", "parent").filter(is_active=True)
    if country:
        qs = qs.filter(country__code=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def organisation_get(*, organisation_id: int) -> Organisation | None:
    return Organisation.objects.select_related("country", "parent").filter(pk=organisation_id).first()


def country_list() -> QuerySet[Country]:
    return Country.objects.all()


def crime_area_list() -> QuerySet[CrimeArea]:
    return CrimeArea.objects.select_related("lead_shepherd")


def sharing_group_list() -> QuerySet[SharingGroup]:
    return SharingGroup.objects.prefetch_related("countries", "organisations")


def sharing_group_get(*, slug: str) -> SharingGroup | None:
    return sharing_group_list().filter(slug=slug).first()


def _group_member_q(group: SharingGroup) -> Q:
    q = Q(pk__in=group.organisations.values("pk"))
    if group.member_kinds:
        q |= Q(country__in=group.countries.all(), kind__in=group.member_kinds)
    return q


def sharing_group_members(*, group: SharingGroup) -> QuerySet[Organisation]:
    """Every organisation in the group: explicit members and those admitted by country and kind."""
    return Organisation.objects.select_related("country").filter(_group_member_q(group), is_active=True)


def sharing_group_ids_for(*, organisation: Organisation) -> set[int]:
    """The sharing groups the organisation belongs to, explicitly or through its country and kind."""
    explicit = SharingGroup.objects.filter(organisations=organisation).values_list("pk", flat=True)
    ids = set(explicit)
    if organisation.country_id:
        for group_id, kinds in SharingGroup.objects.filter(countries=organisation.country_id).values_list(
            "pk", "member_kinds"
        ):
            if organisation.kind in (kinds or []):
                ids.add(group_id)
    return ids


def partner_organisations_in(*, organisation_ids: set[int], group_ids: set[int]) -> list[Organisation]:
    """The dialogue-partner agencies an audience reaches, directly or through its groups."""
    q = Q(pk__in=organisation_ids)
    for group in SharingGroup.objects.filter(pk__in=group_ids):
        q |= _group_member_q(group)
    return list(Organisation.objects.filter(q, kind=OrganisationKind.PARTNER_AGENCY).distinct())


def crime_area_get(*, code: str) -> CrimeArea | None:
    return crime_area_list().filter(code=code).first()


def organisation_change_list(*, status: str | None = None) -> QuerySet[OrganisationChange]:
    """Changes of kind, country or contact point, newest first (pending only when ``status="pending"``)."""
    qs = OrganisationChange.objects.select_related("organisation", "requested_by", "decided_by")
    if status in OrganisationChangeStatus.values:
        qs = qs.filter(status=status)
    return qs


def organisation_change_get(*, change_id: int) -> OrganisationChange | None:
    return organisation_change_list().filter(pk=change_id).first()
