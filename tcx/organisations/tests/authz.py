"""Reference data is not operational: every signed-in persona reads it; nobody anonymous does."""

from __future__ import annotations

from tcx.testing import Case

CASES = [
    Case("organisations:directory"),
    Case("organisations:detail", kwargs=lambda w: {"organisation_id": w.agency_b.pk}),
    Case("organisations:groups"),
    Case("organisations:group_detail", kwargs=lambda w: {"slug": "mekong"}),
    Case("organisations:crime_areas"),
    Case("api:list_countries"),
    Case("api:list_organisations"),
    Case("api:get_organisation", kwargs=lambda w: {"organisation_id": w.agency_b.pk}),
    Case("api:list_sharing_groups"),
    Case("api:get_sharing_group", kwargs=lambda w: {"slug": "asean-plus-jp"}),
    Case("api:list_crime_areas"),
]
