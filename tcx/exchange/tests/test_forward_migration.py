"""The migration that brings consents closes the leak in forwards approved before it: a message
whose owner never agreed is taken back from the new organisation and waits for its owner."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tcx.exchange import services
from tcx.exchange.models import ForwardConsent, ForwardRequest, Participant
from tcx.policy.rules import Policy

BEFORE = [("exchange", "0005_sqlite_plans_without_statistics")]
AFTER = [("exchange", "0006_forward_consent")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest(app: str) -> list[tuple[str, str]]:
    """The app's newest migration: where a test that migrates back must leave the database."""
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] == app]


@pytest.mark.django_db(transaction=True)
def test_a_forward_approved_under_the_old_rule_gives_back_what_no_owner_allowed(world):
    exchange = services.exchange_send(
        actor=world.users["a_officer"], subject="Wallet", body="Who holds it?", recipients=[world.agency_b.pk]
    )
    red = services.message_reply(
        actor=world.users["b_officer"], exchange=exchange, body="informant", policy=Policy(tlp="RED")
    )
    plain = services.message_reply(
        actor=world.users["b_officer"], exchange=exchange, body="public", policy=Policy(tlp="GREEN")
    )
    # What the old forward_decide did: the Viet Nam officer approved his own request for all.
    now = timezone.now()
    forward = ForwardRequest.objects.create(
        exchange=exchange,
        requested_by=world.users["a_officer"],
        organisation=world.agency_c,
        status="approved",
        decided_by=world.users["a_officer"],
        decided_at=now,
    )
    Participant.objects.create(
        exchange=exchange, organisation=world.agency_c, addressed_to=world.agency_c, role="fwd"
    )
    for part in (exchange, *exchange.messages.all()):
        part.audience_organisations.add(world.agency_c)
    try:
        _migrate(BEFORE)
        _migrate(AFTER)
    finally:
        _migrate(_latest("exchange"))
    forward.refresh_from_db()
    assert forward.status == "pending"
    assert not red.audience_organisations.filter(pk=world.agency_c.pk).exists()
    assert plain.audience_organisations.filter(pk=world.agency_c.pk).exists()
    waiting = ForwardConsent.objects.get(forward=forward, status="pending")
    assert waiting.message_id == red.pk and waiting.organisation_id == world.agency_b.pk
