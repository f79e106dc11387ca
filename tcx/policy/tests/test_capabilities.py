"""The capability table: every role at every kind of organisation, and the one function that
answers it for a person."""

from __future__ import annotations

import pytest

from tcx.accounts.models import Role as AccountRole
from tcx.organisations.models import OrganisationKind
from tcx.policy import Capability, capabilities_of, has_capability, roles_with
from tcx.policy.capabilities import ROLES_BY_KIND, TABLE, Role
from tcx.testing import PERSONAS

C = Capability
MS = OrganisationKind.MEMBER_STATE_AGENCY
PA = OrganisationKind.PARTNER_AGENCY
AB = OrganisationKind.ASEAN_BODY
IO = OrganisationKind.INTERNATIONAL

# Written out by hand, pair by pair, for the pairs accounts creates (not derived from the table).
EXPECTED: dict[tuple[str, str], set[Capability]] = {
    ("officer", MS): {
        C.SEE_OPERATIONAL, C.EDIT_OPERATIONAL, C.EXCHANGE, C.HANDLE_REQUESTS,
        C.SEE_ROADMAP, C.CONTRIBUTE_ROADMAP,
    },
    ("analyst", MS): {
        C.SEE_OPERATIONAL, C.EDIT_OPERATIONAL, C.EXCHANGE, C.DECIDE_MATCH,
        C.SEE_ROADMAP, C.CONTRIBUTE_ROADMAP,
    },
    ("supervisor", MS): {
        C.SEE_OPERATIONAL, C.EDIT_OPERATIONAL, C.EXCHANGE, C.DECIDE_MATCH, C.RELEASE, C.SUPERVISE,
        C.VIEW_AUDIT, C.SEE_ROADMAP, C.CONTRIBUTE_ROADMAP,
    },
    ("agency_admin", MS): {C.ADMINISTER_AGENCY, C.VIEW_AUDIT, C.SEE_ROADMAP, C.CONTRIBUTE_ROADMAP},
    ("officer", IO): {C.SEE_OPERATIONAL, C.EDIT_OPERATIONAL, C.EXCHANGE, C.HANDLE_REQUESTS},
    ("analyst", IO): {C.SEE_OPERATIONAL, C.EDIT_OPERATIONAL, C.EXCHANGE, C.DECIDE_MATCH},
    ("supervisor", IO): {
        C.SEE_OPERATIONAL, C.EDIT_OPERATIONAL, C.EXCHANGE, C.DECIDE_MATCH, C.RELEASE, C.SUPERVISE,
        C.VIEW_AUDIT,
    },
    ("agency_admin", IO): {C.ADMINISTER_AGENCY, C.VIEW_AUDIT},
    ("partner_liaison", PA): {C.SEE_OPERATIONAL, C.EXCHANGE, C.HANDLE_REQUESTS, C.SEE_PARTNER_ROADMAP},
    ("agency_admin", PA): {C.ADMINISTER_AGENCY, C.VIEW_AUDIT},
    ("secretariat_officer", AB): {C.COUNT, C.EDIT_REFERENCE_DATA, C.SEE_ROADMAP, C.EDIT_ROADMAP},
    ("agency_admin", AB): {C.ADMINISTER_AGENCY, C.VIEW_AUDIT},
    ("operator", AB): {C.OPERATE_PLATFORM, C.EDIT_REFERENCE_DATA, C.ONBOARD_ACCOUNTS},
}  # fmt: skip


def test_the_table_covers_every_role_at_every_kind() -> None:
    assert set(TABLE) == {(role, kind) for role in AccountRole.values for kind in OrganisationKind.values}
    assert set(Role) == set(AccountRole.values)


def test_the_pairs_accounts_creates_are_the_expected_ones() -> None:
    assert {(role, kind) for kind, roles in ROLES_BY_KIND.items() for role in roles} == set(EXPECTED)


@pytest.mark.parametrize(("role", "kind"), sorted(EXPECTED))
def test_each_pair_has_exactly_its_capabilities(role: str, kind: str) -> None:
    assert set(TABLE[(role, kind)]) == EXPECTED[(role, kind)]


def test_a_role_at_a_kind_it_cannot_be_given_keeps_its_role_but_not_the_roadmap() -> None:
    """A member-state agency that became a partner agency: its officers keep their operational
    capabilities (the visibility rule then applies the partner's legal-basis condition) but not
    the member states' roadmap."""
    assert TABLE[("officer", PA)] == TABLE[("officer", IO)]
    assert TABLE[("secretariat_officer", MS)] == {C.COUNT, C.EDIT_REFERENCE_DATA}
    assert C.SEE_PARTNER_ROADMAP not in TABLE[("partner_liaison", MS)]


def test_the_secretariat_counts_without_seeing_any_record() -> None:
    caps = TABLE[("secretariat_officer", AB)]
    assert C.COUNT in caps
    assert C.SEE_OPERATIONAL not in caps
    assert roles_with(C.COUNT) == {"secretariat_officer"}


def test_who_sees_operational_data_and_who_edits_it() -> None:
    assert roles_with(C.SEE_OPERATIONAL) == {"officer", "analyst", "supervisor", "partner_liaison"}
    assert roles_with(C.EDIT_OPERATIONAL) == {"officer", "analyst", "supervisor"}
    assert roles_with(C.RELEASE) == {"supervisor"}
    assert roles_with(C.SEE_ROADMAP, kind=IO) == frozenset()


EXPECTED_PERSONAS: dict[str, set[Capability]] = {
    "anonymous": set(),
    "a_officer": EXPECTED[("officer", MS)],
    "a_analyst": EXPECTED[("analyst", MS)],
    "a_supervisor": EXPECTED[("supervisor", MS)],
    "a_admin": EXPECTED[("agency_admin", MS)],
    "b_officer": EXPECTED[("officer", MS)],
    "b_supervisor": EXPECTED[("supervisor", MS)],
    "partner_liaison": EXPECTED[("partner_liaison", PA)],
    "secretariat_officer": EXPECTED[("secretariat_officer", AB)],
    "operator": EXPECTED[("operator", AB)],
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_is_answered_from_the_table(world, persona: str) -> None:
    user = world.user(persona)
    assert set(capabilities_of(user)) == EXPECTED_PERSONAS[persona]
    for capability in Capability:
        assert has_capability(user, capability) == (capability in EXPECTED_PERSONAS[persona])


def test_an_inactive_person_has_no_capability(world) -> None:
    user = world.users["a_supervisor"]
    user.is_active = False
    assert capabilities_of(user) == frozenset()
    assert not has_capability(user, C.SEE_OPERATIONAL)


def test_the_anonymous_user_has_no_capability() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert capabilities_of(AnonymousUser()) == frozenset()
    assert capabilities_of(None) == frozenset()


def test_holders_select_the_people_with_a_capability(world) -> None:
    from tcx.accounts.models import User
    from tcx.policy import holders

    supervisors = set(User.objects.filter(holders(C.RELEASE)).values_list("username", flat=True))
    assert supervisors == {"a_supervisor", "b_supervisor"}
    roadmap = set(User.objects.filter(holders(C.SEE_ROADMAP)).values_list("username", flat=True))
    assert roadmap == {"a_officer", "a_analyst", "a_supervisor", "a_admin", "b_officer", "b_supervisor",
                       "secretariat_officer"}  # fmt: skip
    world.users["b_supervisor"].is_active = False
    world.users["b_supervisor"].save()
    assert set(User.objects.filter(holders(C.RELEASE)).values_list("username", flat=True)) == {"a_supervisor"}


def test_the_table_in_the_design_document_is_the_table() -> None:
    """docs/design.md ("Capabilities") shows the table the closing notes quote: it must be true."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "design.md").read_text()
    section = text.split("## Capabilities", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    columns = ["officer", "analyst", "supervisor", "partner_liaison", "agency_admin", "secretariat_officer",
               "operator"]  # fmt: skip
    marks = {"✓": set(OrganisationKind.values), "MS": {MS}, "PA": {PA}, "AB": {AB}, "": set()}
    documented = set()
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        capability = Capability(cells[0].split("`")[1])
        for role, mark in zip(columns, cells[1:], strict=True):
            for kind in marks[mark]:
                documented.add((role, kind, capability))
    actual = {(role, kind, cap) for (role, kind), caps in TABLE.items() for cap in caps}
    assert documented == actual
    assert {cap for _, _, cap in documented} == set(Capability)
