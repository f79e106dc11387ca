"""The sharing model over the whole TLP × audience × role table."""

from __future__ import annotations

import datetime as dt

import pytest

from tcx.organisations.models import SharingGroup
from tcx.policy import rules
from tcx.policy.models import TLP
from tcx.policy.rules import Action, NotFound, Policy, PolicyError
from tcx.policy.tests.shareable.models import Note
from tcx.testing import PERSONAS

A_OPS = {"a_officer", "a_analyst", "a_supervisor"}
B_OPS = {"b_officer", "b_supervisor"}
PARTNER = {"partner_liaison"}
NOBODY_ELSE: set[str] = set()

# audience name -> (organisations, groups, legal basis)
AUDIENCES = {
    "owner only": ([], [], ""),
    "named agency A": (["a"], [], ""),
    "group ASEAN member states": ([], ["asean-member-states"], ""),
    "group ASEAN + Japan, with legal basis": ([], ["asean-plus-jp"], "ASEAN-Japan MoU 2023"),
    "named partner, with legal basis": (["partner"], [], "ASEAN-Japan MoU 2023"),
}

# Who, besides the owner's (agency B's) operational people, sees a note owned by agency B.
SHARED_LEVELS = {
    "owner only": NOBODY_ELSE,
    "named agency A": A_OPS,
    "group ASEAN member states": A_OPS,
    "group ASEAN + Japan, with legal basis": A_OPS | PARTNER,
    "named partner, with legal basis": PARTNER,
}
EXPECTED: dict[tuple[str, str], set[str]] = {}
for _audience in AUDIENCES:
    EXPECTED[(TLP.CLEAR, _audience)] = A_OPS | PARTNER
    for _tlp in (TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT):
        EXPECTED[(_tlp, _audience)] = SHARED_LEVELS[_audience]
    # RED goes to named organisations only: a group is not a named recipient.
    EXPECTED[(TLP.RED, _audience)] = (
        SHARED_LEVELS[_audience] if _audience.startswith(("named", "owner")) else set()
    )


def _note(world, tlp: str, audience: str) -> Note:
    orgs, groups, basis = AUDIENCES[audience]
    note = Note.objects.create(owner=world.agency_b, title=f"{tlp} {audience}", tlp=tlp, legal_basis=basis)
    note.audience_organisations.set([world.agency_a if o == "a" else world.partner for o in orgs])
    note.audience_groups.set(SharingGroup.objects.filter(slug__in=groups))
    return note


@pytest.mark.parametrize("audience", list(AUDIENCES))
@pytest.mark.parametrize("tlp", TLP.values)
def test_visibility_table(world, tlp: str, audience: str) -> None:
    note = _note(world, tlp, audience)
    Note.objects.create(owner=world.agency_c, title="someone else's", tlp=TLP.AMBER)
    expected = EXPECTED[(tlp, audience)] | B_OPS
    for persona in PERSONAS:
        actor = world.user(persona)
        listed = set(rules.visible(Note.objects.all(), actor).values_list("pk", flat=True))
        per_row = set(rules.visible(Note.objects.all(), actor, per_row=True).values_list("pk", flat=True))
        assert per_row == listed, f"visible(per_row=True) differs for {persona}"
        sees = note.pk in listed
        assert sees == (persona in expected), (
            f"{persona} {'sees' if sees else 'does not see'} {tlp}/{audience}"
        )
        assert rules.is_visible(note, actor) == sees, f"visible() and is_visible() disagree for {persona}"
        if not sees:
            with pytest.raises(NotFound):
                rules.access(Note.objects.all(), actor=actor, pk=note.pk)
        assert world.agency_c.pk not in set(
            rules.visible(Note.objects.all(), actor).values_list("owner_id", flat=True)
        ), f"{persona} sees agency C's unshared note"


def test_roles_without_operational_data_see_nothing_even_their_own(world) -> None:
    Note.objects.create(owner=world.secretariat, title="secretariat note", tlp=TLP.CLEAR)
    for persona in ("secretariat_officer", "operator", "a_admin", "anonymous"):
        assert not rules.visible(Note.objects.all(), world.user(persona)).exists()


def test_partner_never_sees_without_legal_basis_even_through_a_group(world) -> None:
    note = _note(world, TLP.AMBER, "group ASEAN + Japan, with legal basis")
    Note.objects.filter(pk=note.pk).update(legal_basis="")
    note.refresh_from_db()
    assert not rules.is_visible(note, world.users["partner_liaison"])
    assert rules.is_visible(note, world.users["a_officer"])


def test_new_agency_joins_group_audience_automatically(world) -> None:
    from tcx.organisations import services

    note = _note(world, TLP.GREEN, "group ASEAN member states")
    newcomer = services.organisation_ensure(
        name="Timor-Leste Customs", kind="member_state_agency", country_code="TL"
    )
    from tcx.accounts import services as account_services

    officer = account_services.user_create(
        actor=None, username="tl", password="x" * 12, organisation=newcomer, role="officer", validate=False
    )
    assert rules.is_visible(note, officer)


@pytest.mark.parametrize(
    ("persona", "action", "allowed"),
    [
        ("b_officer", Action.EDIT, True),
        ("b_officer", Action.RELEASE, False),
        ("b_supervisor", Action.RELEASE, True),
        ("a_officer", Action.VIEW, True),
        ("a_officer", Action.EDIT, False),
        ("a_supervisor", Action.RELEASE, False),
        ("a_officer", Action.FORWARD, False),  # H2: no further dissemination without permission
        ("b_officer", Action.FORWARD, True),
        ("partner_liaison", Action.VIEW, False),
        ("b_officer", "delete", False),  # an action the policy does not know is refused
    ],
)
def test_can(world, persona: str, action: str, allowed: bool) -> None:
    note = _note(world, TLP.AMBER, "named agency A")
    note.handling_codes = ["H2"]
    note.save()
    actor = world.users[persona]
    assert rules.can(actor, action, note) is allowed


def test_forward_allowed_without_h2_unless_strict(world) -> None:
    note = _note(world, TLP.AMBER, "named agency A")
    assert rules.can(world.users["a_officer"], Action.FORWARD, note)
    note.tlp = TLP.AMBER_STRICT
    note.save()
    assert not rules.can(world.users["a_officer"], Action.FORWARD, note)


class TestValidation:
    def test_partner_in_audience_needs_legal_basis(self, world) -> None:
        group = SharingGroup.objects.get(slug="asean-plus-jp")
        with pytest.raises(PolicyError) as exc:
            rules.validate_policy(Policy(audience_groups=[group.pk]), owner=world.agency_b)
        assert "legal_basis" in exc.value.errors
        assert (
            "Japan National Police Agency" in exc.value.errors["legal_basis"]
            or "NPA" in exc.value.errors["legal_basis"]
        )
        ok = rules.validate_policy(
            Policy(audience_groups=[group.pk], legal_basis=" MoU "), owner=world.agency_b
        )
        assert ok.legal_basis == "MoU"

    def test_member_state_audience_needs_no_legal_basis(self, world) -> None:
        rules.validate_policy(Policy(audience_organisations=[world.agency_a.pk]), owner=world.agency_b)

    def test_every_wrong_field_is_named(self, world) -> None:
        with pytest.raises(PolicyError) as exc:
            rules.validate_policy(
                Policy(
                    tlp="PURPLE",
                    handling_codes=["H3", "H9"],
                    evaluation_source="Z",
                    evaluation_information="7",
                    audience_organisations=[999999],
                    review_date=dt.date(2000, 1, 1),
                ),
                owner=world.agency_b,
            )
        assert {
            "tlp",
            "handling_codes",
            "handling_h3_text",
            "evaluation_source",
            "evaluation_information",
            "audience_organisations",
            "review_date",
        } <= set(exc.value.errors)

    def test_red_refuses_groups(self, world) -> None:
        group = SharingGroup.objects.get(slug="mekong")
        with pytest.raises(PolicyError) as exc:
            rules.validate_policy(Policy(tlp=TLP.RED, audience_groups=[group.pk]), owner=world.agency_b)
        assert "audience_groups" in exc.value.errors

    def test_half_an_evaluation_is_refused(self, world) -> None:
        with pytest.raises(PolicyError) as exc:
            rules.validate_policy(Policy(evaluation_source="B"), owner=world.agency_b)
        assert "evaluation" in exc.value.errors

    def test_apply_policy_writes_fields_and_audience(self, world) -> None:
        note = Note.objects.create(owner=world.agency_b, title="n")
        policy = rules.validate_policy(
            Policy(
                tlp=TLP.GREEN,
                audience_organisations=[world.agency_a.pk, world.agency_b.pk],
                handling_codes=["H0", "H3", "H0"],
                handling_h3_text="no court use before 2027",
                evaluation_source="B",
                evaluation_information="2",
            ),
            owner=world.agency_b,
        )
        rules.apply_policy(note, policy)
        note.refresh_from_db()
        assert note.handling_codes == ["H0", "H3"]
        assert list(note.audience_organisations.all()) == [
            world.agency_a
        ]  # the owner is never its own audience
        meta = rules.policy_of(note)
        assert meta["evaluation"] == "B2" and meta["tlp"] == "GREEN" and meta["owner"] == world.agency_b.name
