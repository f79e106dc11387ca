"""Reads of reference data. Reference data is not operational: every signed-in user sees it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

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
    """The sharing groups the organisation belongs to, explicitly or through its country and kind
    (one query: it runs on every read of operational data)."""
    explicit = Exists(
        SharingGroup.organisations.through.objects.filter(
            sharinggroup_id=OuterRef("pk"), organisation_id=organisation.pk
        )
    )
    if not organisation.country_id:
        return set(SharingGroup.objects.filter(explicit).order_by().values_list("pk", flat=True))
    by_country = Exists(
        SharingGroup.countries.through.objects.filter(
            sharinggroup_id=OuterRef("pk"), country_id=organisation.country_id
        )
    )
    rows = (
        SharingGroup.objects.filter(explicit | by_country)
        .order_by()
        .values_list("pk", "member_kinds", explicit)
    )
    return {pk for pk, kinds, is_member in rows if is_member or organisation.kind in (kinds or [])}


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
