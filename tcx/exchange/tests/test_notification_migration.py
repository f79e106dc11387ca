"""The exchange's own notification ledger is retired: its unread items move to the platform's
notification centre (read ones are dropped), with the kind its key meant."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tcx.exchange import services
from tcx.notifications.models import Notification

BEFORE = [("exchange", "0007_shareable_gid")]
AFTER = [("exchange", "0008_retire_own_notifications")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest(app: str) -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] == app]


@pytest.mark.django_db(transaction=True)
def test_unread_exchange_notifications_move_to_the_platform(world):
    exchange = services.exchange_send(
        actor=world.users["a_officer"], subject="Wallet", body="Who holds it?", recipients=[world.agency_b.pk]
    )
    Notification.objects.all().delete()
    try:
        old_apps = _migrate(BEFORE)
        Old = old_apps.get_model("exchange", "Notification")
        Old.objects.create(
            user_id=world.users["b_supervisor"].pk,
            exchange_id=exchange.pk,
            key="escalated",
            text="Overdue: X",
        )
        Old.objects.create(
            user_id=world.users["b_officer"].pk, exchange_id=exchange.pk, key="forward-3", text="Forward?"
        )
        from django.utils import timezone

        Old.objects.create(
            user_id=world.users["b_officer"].pk,
            exchange_id=exchange.pk,
            key="reminded",
            text="old",
            read_at=timezone.now(),
        )
        _migrate(AFTER)
    finally:
        _migrate(_latest("exchange"))
    moved = {(n.recipient_id, n.kind, n.title, n.target_id, n.read_at) for n in Notification.objects.all()}
    assert moved == {
        (world.users["b_supervisor"].pk, "exchange.deadline_passed", "Overdue: X", str(exchange.pk), None),
        (world.users["b_officer"].pk, "exchange.forward_request", "Forward?", str(exchange.pk), None),
    }
