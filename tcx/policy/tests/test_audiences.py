"""Audience providers: an app adds an audience to the visibility rule by registering it, and the
rule's SQL and in-memory forms keep agreeing with it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.db.models import Q

from tcx.accounts import services as account_services
from tcx.organisations import services as org_services
from tcx.policy import rules
from tcx.policy.actors import Actor
from tcx.policy.audiences import AudienceProvider, audience_providers, registered_audience
from tcx.policy.models import TLP
from tcx.policy.tests.shareable.models import Note
from tcx.policy.tests.test_policy import AUDIENCES, _note
from tcx.testing import PERSONAS


def _same_country_sql(model: type[models.Model], actor: Actor, per_row: bool) -> Q | None:
    if model is not Note:
        return None
    return Q(owner__country_id=actor.organisation.country_id)


def _same_country_contains(obj: Any, actor: Actor) -> bool:
    return isinstance(obj, Note) and obj.owner.country_id == actor.organisation.country_id


# A test-only audience: the agencies of the owner's own country, at GREEN and AMBER.
SAME_COUNTRY = AudienceProvider(
    name="test_same_country",
    levels=frozenset({TLP.GREEN, TLP.AMBER}),
    sql=_same_country_sql,
    contains=_same_country_contains,
)
# Another: everyone, at GREEN (to check that the core rule's conditions still apply to it).
EVERYONE = AudienceProvider(
    name="test_everyone",
    levels=frozenset({TLP.GREEN}),
    sql=lambda model, actor, per_row: Q(pk__isnull=False),
    contains=lambda obj, actor: True,
)


@pytest.fixture
def thai_immigration(world):
    """A second agency of agency B's country (Thailand), with one officer."""
    agency = org_services.organisation_ensure(
        name="Thai Immigration Bureau", kind="member_state_agency", country_code="TH", short_name="TIB"
    )
    return account_services.user_create(
        actor=None,
        username="th_immigration",
        password="correct horse battery",
        organisation=agency,
        role="officer",
        validate=False,
    )


def _sees(note: Note, actor: Any) -> bool:
    """What the rule answers, checked to be the same in its three forms."""
    listed = rules.visible(Note.objects.all(), actor).filter(pk=note.pk).exists()
    per_row = rules.visible(Note.objects.all(), actor, per_row=True).filter(pk=note.pk).exists()
    in_memory = rules.is_visible(Note.objects.get(pk=note.pk), actor)
    assert listed == per_row == in_memory, (listed, per_row, in_memory)
    return listed


def test_the_organisations_app_registers_named_organisations_and_sharing_groups() -> None:
    names = [provider.name for provider in audience_providers()]
    assert names[:2] == ["organisations", "sharing_groups"]


@pytest.mark.parametrize("audience", list(AUDIENCES))
@pytest.mark.parametrize("tlp", TLP.values)
def test_a_registered_audience_is_added_to_the_rule_in_both_forms(world, thai_immigration, tlp, audience):
    note = _note(world, tlp, audience)  # owned by agency B (Royal Thai Police)
    people = {persona: world.user(persona) for persona in PERSONAS} | {"th_immigration": thai_immigration}
    before = {persona: _sees(note, actor) for persona, actor in people.items()}
    with registered_audience(SAME_COUNTRY):
        during = {persona: _sees(note, actor) for persona, actor in people.items()}
    after = {persona: _sees(note, actor) for persona, actor in people.items()}
    assert after == before  # unregistered: gone
    # the new audience adds the Thai agency at GREEN and AMBER, and nobody else
    expected = dict(before)
    if tlp in (TLP.GREEN, TLP.AMBER):
        expected["th_immigration"] = True
    assert during == expected


@pytest.mark.parametrize("tlp", TLP.values)
def test_the_core_rule_still_holds_for_a_registered_audience(world, tlp):
    """Whatever an audience says: non-operational people see nothing, RED goes to named
    organisations only, and a partner agency never sees a non-CLEAR object without a legal basis."""
    note = _note(world, tlp, "owner only")
    with registered_audience(EVERYONE):
        seen = {persona for persona in PERSONAS if _sees(note, world.user(persona))}
    owner = {"b_officer", "b_supervisor"}
    members = owner | {"a_officer", "a_analyst", "a_supervisor"}
    if tlp == TLP.CLEAR:
        assert seen == members | {"partner_liaison"}
    elif tlp == TLP.GREEN:  # everyone reaches GREEN, but the partner has no legal basis
        assert seen == members
    else:  # the audience does not reach AMBER, AMBER+STRICT or RED
        assert seen == owner
