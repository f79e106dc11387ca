"""Reference data is not operational: every signed-in persona reads it; nobody anonymous does."""

from __future__ import annotations

from tcx.testing import PERSONAS, Case, World

# The operator onboards agencies; the Secretariat keeps SOMTC facts. Everyone else: not found / 403.
EDITORS = ("operator", "secretariat_officer")
EDIT_PAGE = {p: 404 for p in PERSONAS if p not in ("anonymous", *EDITORS)}
EDIT_API = {p: 403 for p in PERSONAS if p not in ("anonymous", *EDITORS)}
NEW_AGENCY = {"name": "Brunei Narcotics Control Bureau", "kind": "member_state_agency", "country": "BN"}


def _pending_change(world: World) -> int:
    """A change of the partner's kind requested by the operator (so only the Secretariat officer
    may approve it)."""
    from tcx.organisations import services

    if "change" not in world.extra:
        _, change = services.organisation_update(
            actor=world.users["operator"],
            organisation=world.partner,
            data={"kind": "member_state_agency", "country": "TH"},
        )
        assert change is not None
        world.extra["change"] = change.pk
    return int(world.extra["change"])


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
    Case("organisations:create", expect=EDIT_PAGE),
    Case(
        "organisations:create",
        method="POST",
        effect="organisations.Organisation",
        body=lambda w: NEW_AGENCY,
        expect=EDIT_PAGE,
        default=302,
    ),
    Case("organisations:edit", kwargs=lambda w: {"organisation_id": w.agency_b.pk}, expect=EDIT_PAGE),
    Case(
        "organisations:edit",
        method="POST",
        effect="organisations.Organisation",
        kwargs=lambda w: {"organisation_id": w.agency_b.pk},
        body=lambda w: {
            "name": "Royal Thai Police",
            "kind": "member_state_agency",
            "country": "TH",
            "sector": "police",
            "is_national_contact_point": "on",
        },
        expect=EDIT_PAGE,
        default=302,
    ),
    Case("organisations:crime_area_edit", kwargs=lambda w: {"code": "cybercrime"}, expect=EDIT_PAGE),
    Case(
        "organisations:crime_area_edit",
        method="POST",
        effect="organisations.CrimeArea",
        kwargs=lambda w: {"code": "cybercrime"},
        body=lambda w: {"name": "Cybercrime", "lead_shepherd": "SG", "is_priority": "on"},
        expect=EDIT_PAGE,
        default=302,
    ),
    Case(
        "api:create_organisation",
        method="POST",
        effect="organisations.Organisation",
        body=lambda w: NEW_AGENCY,
        expect=EDIT_API,
        default=201,
    ),
    Case(
        "api:update_organisation",
        method="PATCH",
        effect="organisations.Organisation",
        kwargs=lambda w: {"organisation_id": w.agency_b.pk},
        body=lambda w: {"sector": "police"},
        expect=EDIT_API,
    ),
    Case(
        "api:update_crime_area",
        method="PATCH",
        effect="organisations.CrimeArea",
        kwargs=lambda w: {"code": "cybercrime"},
        body=lambda w: {"unconfirmed": False},
        expect=EDIT_API,
    ),
    Case("organisations:changes", expect=EDIT_PAGE),
    # The operator asked for the change: refused by a redirect with an error, nothing decided.
    Case(
        "organisations:change_decide",
        method="POST",
        refused=("operator",),
        effect="organisations.OrganisationChange",
        kwargs=lambda w: {"change_id": _pending_change(w)},
        body=lambda w: {"decision": "approve"},
        expect=EDIT_PAGE,
        default=302,
    ),
    Case("api:list_organisation_changes", setup=_pending_change, expect=EDIT_API),
    Case(
        "api:decide_organisation_change",
        method="POST",
        effect="organisations.OrganisationChange",
        kwargs=lambda w: {"change_id": _pending_change(w)},
        body=lambda w: {"approve": True},
        # The operator asked for it: only another editor approves.
        expect={**EDIT_API, "operator": 403},
    ),
]
