"""Every exchange and message carries a global id (issue 13 item 8): its own, kept for good and
shown by the API, so that nodes can exchange them without their local primary keys."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tcx.exchange import services
from tcx.exchange.models import Exchange, Message
from tcx.testing import sign_in


def _thread(world) -> Exchange:
    exchange = services.exchange_send(
        actor=world.users["a_officer"], subject="Wallet", body="Who holds it?", recipients=[world.agency_b.pk]
    )
    services.message_reply(actor=world.users["b_officer"], exchange=exchange, body="We do.")
    return exchange


def test_exchanges_and_messages_each_get_their_own_gid_kept_as_the_thread_moves(world) -> None:
    first, second = _thread(world), _thread(world)
    gids = [first.gid, second.gid, *Message.objects.values_list("gid", flat=True)]
    assert all(isinstance(g, uuid.UUID) for g in gids)
    assert len(gids) == 6 and len(set(gids)) == 6
    before = first.gid
    services.exchange_acknowledge(actor=world.users["b_officer"], exchange=first)
    services.exchange_close(actor=world.users["a_officer"], exchange=first)
    first.refresh_from_db()
    assert first.gid == before


def test_the_api_shows_the_gids_of_an_exchange_and_its_messages(world) -> None:
    exchange = _thread(world)
    client = sign_in(Client(), world.users["a_officer"])
    body = client.get(f"/api/v1/exchange/exchanges/{exchange.pk}").json()
    assert body["gid"] == str(exchange.gid)
    shown = {m["id"]: m["gid"] for m in body["messages"]}
    assert shown == {m.pk: str(m.gid) for m in exchange.messages.all()}
    listed = client.get("/api/v1/exchange/exchanges?box=sent").json()["items"]
    assert [e["gid"] for e in listed] == [str(exchange.gid)]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest(app: str) -> list[tuple[str, str]]:
    """The app's newest migration: where a test that migrates back must leave the database."""
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] == app]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_exchanges_and_messages_that_exist_each_their_own_gid(world) -> None:
    _thread(world)
    _thread(world)
    try:
        _migrate([("exchange", "0006_forward_consent")])
        _migrate([("exchange", "0007_shareable_gid")])
    finally:
        _migrate(_latest("exchange"))
    gids = [*Exchange.objects.values_list("gid", flat=True), *Message.objects.values_list("gid", flat=True)]
    assert len(gids) == 6 and None not in gids
    assert len(set(gids)) == 6
