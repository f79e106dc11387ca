"""Issue 13: the audit chain is partitioned per day, organisation and lane so that audited reads
do not wait for each other; every partition is tamper-evident on its own, the root chain records
their heads, and ``verify`` names the first broken link as partition and event number."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tcx.audit import services
from tcx.audit.models import AuditEvent, AuditPartition
from tcx.audit.registry import AuditAction
from tcx.audit.tests.test_keyed_chain import _as_database_admin


def _reads(user, n: int, owner=None) -> list[AuditEvent]:
    return [
        services.record(
            actor=user,
            action=AuditAction.RECORD_VIEWED,
            target_type="record",
            target_id=i,
            target_owner=owner,
        )
        for i in range(n)
    ]


def _broken(partition: str, pseq: int) -> services.VerifyResult:
    result = services.verify()
    assert not result.ok, "the tampering went unnoticed"
    assert (result.broken_partition, result.broken_seq) == (partition, pseq), result.reason
    with pytest.raises(CommandError, match=f"partition {partition} at event #{pseq}"):
        call_command("audit", "verify")
    return result


def test_events_go_to_their_agency_and_day_and_the_rest_to_the_platform(world) -> None:
    a = _reads(world.users["a_officer"], 2)
    b = _reads(world.users["b_officer"], 1)
    system = services.record(action=AuditAction.REFERENCE_UPDATED)
    anonymous = services.record(action=AuditAction.LOGIN_FAILED, actor_label="nobody")
    day = a[0].created_at.date().isoformat()
    assert [e.partition for e in a] == [f"{day}/org-{world.agency_a.pk}/0"] * 2
    assert [e.pseq for e in a] == [1, 2]
    assert b[0].partition == f"{day}/org-{world.agency_b.pk}/0" and b[0].pseq == 1
    assert system.partition == anonymous.partition == f"{day}/platform/0"
    registered = AuditPartition.objects.get(key=a[0].partition)
    assert (registered.organisation_id, registered.lane, str(registered.day)) == (world.agency_a.pk, 0, day)
    assert services.verify().ok


def test_an_audit_event_commits_with_its_write_or_not_at_all(world) -> None:
    officer = world.users["a_officer"]
    first = _reads(officer, 1)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        _reads(officer, 2)
        raise RuntimeError("the audited write fails")
    assert not AuditEvent.objects.filter(partition=first.partition, pseq__gt=1).exists()
    again = _reads(officer, 1)[0]
    assert (again.partition, again.pseq, again.prev_hash) == (first.partition, 2, first.hash)
    assert services.verify().ok


def test_editing_an_event_names_its_partition_and_number(world) -> None:
    victim = _reads(world.users["a_officer"], 5)[2]
    _reads(world.users["b_officer"], 3)
    with _as_database_admin():
        AuditEvent.objects.filter(pk=victim.pk).update(target_id="999")
    assert "altered" in _broken(victim.partition, victim.pseq).reason


def test_deleting_an_event_is_named(world) -> None:
    events = _reads(world.users["b_officer"], 5)
    with _as_database_admin():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    assert "missing" in _broken(events[1].partition, events[1].pseq).reason


def test_reordering_two_events_is_detected(world) -> None:
    events = _reads(world.users["a_officer"], 5)
    first, second = events[1], events[2]
    with _as_database_admin():
        AuditEvent.objects.filter(pk=first.pk).update(pseq=1000)
        AuditEvent.objects.filter(pk=second.pk).update(pseq=first.pseq)
        AuditEvent.objects.filter(pk=first.pk).update(pseq=second.pseq)
    _broken(first.partition, first.pseq)


def test_inserting_an_event_is_detected(world) -> None:
    """A row made up without the key, put at the end of a partition with a correct link."""
    events = _reads(world.users["a_officer"], 3)
    head = events[-1]
    forged = AuditEvent(
        seq=head.seq + 1000,
        partition=head.partition,
        pseq=(head.pseq or 0) + 1,
        actor_label="a_officer",
        action=AuditAction.RECORD_VIEWED,
        prev_hash=head.hash,
    )
    forged.hash = services.legacy_hash(forged, head.hash)
    forged.save(force_insert=True)
    assert "without the audit key" in _broken(head.partition, forged.pseq).reason


def test_deleting_a_partition_head_after_a_checkpoint_is_detected(world) -> None:
    events = _reads(world.users["a_officer"], 4)
    assert services.checkpoint() is not None  # the root records the head, #4
    with _as_database_admin():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    assert "were removed" in _broken(events[-1].partition, 4).reason


def test_deleting_a_whole_partition_is_detected(world) -> None:
    """With its registration (the root recorded it) and without (it is still registered)."""
    a = _reads(world.users["a_officer"], 3)[0].partition
    b = _reads(world.users["b_officer"], 3)[0].partition
    services.checkpoint()
    with _as_database_admin():
        AuditEvent.objects.filter(partition=a).delete()
    AuditPartition.objects.filter(key=a).delete()
    assert "the root chain recorded it" in _broken(a, 1).reason
    with _as_database_admin():
        AuditEvent.objects.filter(partition=b).delete()
    c = _reads(world.users["a_supervisor"], 1)[0].partition  # a later partition, not anchored yet
    with _as_database_admin():
        AuditEvent.objects.filter(partition=c).delete()
    first = min(a, b)
    result = services.verify()
    assert not result.ok and result.broken_partition == first  # the first broken link, by name
    assert AuditPartition.objects.filter(key=c).exists()


def test_a_registered_partition_without_events_is_detected(world) -> None:
    partition = _reads(world.users["b_officer"], 2)[0].partition
    with _as_database_admin():
        AuditEvent.objects.filter(partition=partition).delete()
    assert "registered but its events were removed" in _broken(partition, 1).reason


def test_a_checkpoint_covers_every_partition(world) -> None:
    written = {e.partition for e in _reads(world.users["a_officer"], 2) + _reads(world.users["b_officer"], 2)}
    checkpoint = services.checkpoint()
    assert checkpoint is not None and checkpoint["partition"] == services.ROOT
    recorded: dict[str, list] = {}
    for root in AuditEvent.objects.filter(partition=services.ROOT).order_by("pseq"):
        recorded.update(root.data["heads"])
    everything = set(AuditEvent.objects.exclude(partition=services.ROOT).values_list("partition", flat=True))
    assert written <= everything == set(recorded)
    for partition, (pseq, hash_) in recorded.items():
        head = AuditEvent.objects.filter(partition=partition).order_by("-pseq").first()
        assert head is not None and [head.pseq, head.hash] == [pseq, hash_]
    result = services.verify()
    assert result.ok and result.unanchored == 0 and result.anchored_to == checkpoint["seq"]


def _skip_unless_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite's test database lets one writer in)")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_agency_take_lanes_and_the_chain_verifies(world) -> None:
    """Four writers of one agency each hold their transaction open until all four have written:
    with one chain head they would wait for each other forever (the barrier times out); they
    take four lanes. Then many writers write at once: every partition verifies, without gaps."""
    _skip_unless_postgresql()
    officer = world.users["a_officer"]
    barrier = threading.Barrier(4, timeout=20)
    written: list[AuditEvent] = []
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                written.extend(_reads(officer, 1))
                barrier.wait()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hold) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len({e.partition for e in written}) == 4
    assert {e.partition.rsplit("/", 1)[1] for e in written} == {"0", "1", "2", "3"}

    users = [world.users[p] for p in ("a_officer", "a_analyst", "b_officer", "b_supervisor", "operator")]

    def write(user) -> None:
        try:
            for i in range(40):
                with transaction.atomic():
                    _reads(user, 1, owner=world.agency_a)
                if i % 10 == 0:
                    services.checkpoint(wait=False)  # root writers meet the partition writers
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(users[i % len(users)],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    services.checkpoint()
    result = services.verify()
    assert result.ok, result.reason
    assert AuditEvent.objects.filter(action=AuditAction.RECORD_VIEWED).count() == 4 + 8 * 40
    for partition in set(AuditEvent.objects.values_list("partition", flat=True)):
        numbers = list(
            AuditEvent.objects.filter(partition=partition).order_by("pseq").values_list("pseq", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_single_chain_as_the_legacy_partition(settings, tmp_path) -> None:
    """Events written under migration 0005 (one chain over seq) verify after 0006, as the legacy
    partition the root chain links, and the append-only triggers are still there."""
    settings.TCX_AUDIT_KEY_FILE = str(tmp_path / "audit.key")  # a node from before the key
    with _as_database_admin():
        AuditEvent.objects.all().delete()
    AuditPartition.objects.all().delete()
    _migrate([("audit", "0005_action_without_choices")])
    try:
        old_apps = (
            MigrationExecutor(connection).loader.project_state(("audit", "0005_action_without_choices")).apps
        )
        OldEvent = old_apps.get_model("audit", "AuditEvent")
        prev = services.GENESIS
        for seq in range(1, 4):
            event = OldEvent(
                seq=seq, actor_label="system", action="reference.updated", prev_hash=prev, data={}
            )
            event.partition = services.LEGACY  # how the hash reads it; no such column yet
            event.hash = services.legacy_hash(event, prev)
            del event.partition
            event.save(force_insert=True)
            prev = event.hash
    finally:
        _migrate([("audit", "0006_partitioned_chain")])
    assert list(AuditEvent.objects.order_by().values_list("partition", "pseq").distinct()) == [
        (services.LEGACY, None)
    ]
    assert services.verify().ok
    new = services.record(action=AuditAction.REFERENCE_UPDATED)
    assert new.seq > 3
    result = services.verify()
    assert result.ok and result.legacy == 3 and result.checked == AuditEvent.objects.count() >= 5
    from django.db import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
