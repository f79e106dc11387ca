"""Issue 12, finding 6: the chain is keyed and anchored, so someone with write access to the
database alone can neither rewrite it (recomputing plain SHA-256 hashes) nor cut off its newest
events. Each attack below verified on the unkeyed, unanchored chain.

Issue 13 partitioned the chain (a chain per day, organisation and lane, their heads recorded in
the root chain, which the checkpoints sign): the attacks are the same, made on one partition,
and the verifier names the partition and the event number in it."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tcx.audit import anchors, keys, services
from tcx.audit.migrations import _triggers
from tcx.audit.models import AuditEvent, AuditPartition
from tcx.audit.registry import AuditAction


@contextlib.contextmanager
def _as_database_admin() -> Iterator[None]:
    """Lift the append-only triggers, as someone with write access to the database can."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in _triggers.SQLITE:
                cursor.execute(statement)
        else:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def _recompute_with_sha256(partition: str) -> None:
    """The attacker's step after any change: recompute every hash and link of the partition as
    the unkeyed chain did, SHA-256 of the previous hash and the event's content."""
    prev = services.GENESIS
    for event in AuditEvent.objects.filter(partition=partition).order_by("pseq"):
        digest = hashlib.sha256(prev.encode() + b"\n" + services._canonical(event)).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        prev = digest


def _delete_and_renumber(partition: str, pseqs: set[int]) -> None:
    AuditEvent.objects.filter(partition=partition, pseq__in=pseqs).delete()
    events = AuditEvent.objects.filter(partition=partition).order_by("pseq").values_list("pk", flat=True)
    for new_pseq, pk in enumerate(list(events), start=1):
        AuditEvent.objects.filter(pk=pk).update(pseq=new_pseq)


def _events(world, n: int) -> list[AuditEvent]:
    return [
        services.record(
            actor=world.users["b_officer"],
            action=AuditAction.RECORD_VIEWED,
            target_type="record",
            target_id=i,
            target_owner=world.agency_a,
            data={"i": i},
        )
        for i in range(n)
    ]


def test_rewriting_an_event_and_recomputing_without_the_key_is_detected(world) -> None:
    victim = _events(world, 6)[3]
    with _as_database_admin():
        AuditEvent.objects.filter(pk=victim.pk).update(data={"i": 99})
        _recompute_with_sha256(victim.partition)
    result = services.verify()
    assert not result.ok and result.broken_partition == victim.partition
    assert result.broken_seq is not None and result.broken_seq <= victim.pseq
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify")


def test_reattributing_an_event_is_detected(world) -> None:
    """The attacker hands b_officer's read of agency A's record to an agency A officer."""
    victim = _events(world, 6)[2]
    someone_else = world.users["a_officer"]
    with _as_database_admin():
        AuditEvent.objects.filter(pk=victim.pk).update(
            actor_id=someone_else.pk, actor_label=someone_else.username, organisation_id=world.agency_a.pk
        )
        _recompute_with_sha256(victim.partition)
    result = services.verify()
    assert not result.ok and result.broken_partition == victim.partition
    assert result.broken_seq is not None and result.broken_seq <= victim.pseq


def test_deleting_the_newest_500_events_is_detected(world, django_capture_on_commit_callbacks) -> None:
    """Checkpoints every 100 events of a partition (the default): the root chain recorded a head
    the truncated partition no longer has."""
    with django_capture_on_commit_callbacks(execute=True):
        events = _events(world, 600)
    partition, head = events[-1].partition, events[-1].pseq
    assert head is not None and head % 100 == 0
    with _as_database_admin():
        AuditEvent.objects.filter(partition=partition, pseq__gt=head - 500).delete()
    result = services.verify()
    assert not result.ok
    assert (result.broken_partition, result.broken_seq) == (partition, head - 499)
    assert "were removed" in result.reason
    with pytest.raises(CommandError, match="were removed"):
        call_command("audit", "verify")


def test_deleting_in_the_middle_and_renumbering_is_detected(world) -> None:
    events = _events(world, 8)
    with _as_database_admin():
        _delete_and_renumber(events[4].partition, {events[4].pseq})
        _recompute_with_sha256(events[4].partition)
    result = services.verify()
    assert not result.ok and result.broken_partition == events[4].partition
    assert result.broken_seq is not None and result.broken_seq <= events[4].pseq


def test_removing_the_root_chain_is_detected(world) -> None:
    """Drop the root chain (the record of every partition's head) and the partitions it anchors:
    before issue 13 the equivalent was dropping the keyed epoch event."""
    _events(world, 5)
    with _as_database_admin():
        AuditEvent.objects.filter(partition=services.ROOT).delete()
    result = services.verify()
    assert not result.ok and result.broken_partition == services.ROOT
    assert "root chain was removed" in result.reason


def test_truncation_is_detected_from_the_witness_copy(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Someone who can also empty the node's checkpoint file, cut the root chain back and the
    partition with it, is still caught by the witness's copy of the signed checkpoints."""
    settings.TCX_AUDIT_WITNESS_DIR = str(tmp_path / "witness")
    settings.TCX_AUDIT_CHECKPOINT_EVERY = 10
    with django_capture_on_commit_callbacks(execute=True):
        events = _events(world, 30)
    partition = events[0].partition
    anchors.checkpoint_path().write_text("")
    with _as_database_admin():
        AuditEvent.objects.filter(partition=partition, pseq__gt=15).delete()
        AuditEvent.objects.filter(partition=services.ROOT, pseq__gt=1).delete()
    result = services.verify()
    assert not result.ok and result.broken_partition == services.ROOT and "were removed" in result.reason


def test_checkpoints_are_signed_and_reach_the_witnesses(world, settings, tmp_path) -> None:
    received = tmp_path / "received.jsonl"
    settings.TCX_AUDIT_WITNESS_DIR = str(tmp_path / "witness")
    settings.TCX_AUDIT_WITNESS_COMMAND = f"sh -c 'cat >> {received}'"
    _events(world, 3)
    checkpoint = services.checkpoint()
    assert checkpoint is not None
    head = AuditEvent.objects.filter(partition=services.ROOT).order_by("-pseq").first()
    assert head is not None and (checkpoint["seq"], checkpoint["hash"]) == (head.pseq, head.hash)
    assert checkpoint["partition"] == services.ROOT
    local = anchors.checkpoint_path().read_text().splitlines()
    witness = (tmp_path / "witness" / "checkpoints.jsonl").read_text().splitlines()
    assert local == witness == received.read_text().splitlines()
    # The second party checks the signature with the public key alone.
    line = json.loads(local[-1])
    signature = line.pop("signature")
    public = keys.public_key_from_text(line["public_key"])
    public.verify(base64.b64decode(signature), anchors._signed_bytes(line))
    # A forged line (a bigger seq, no valid signature) is reported and ignored, not trusted.
    forged = dict(json.loads(local[-1]), seq=head.pseq + 50)
    with anchors.checkpoint_path().open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    result = services.verify()
    assert result.ok and result.anchored_to == head.pseq
    assert any("valid signature" in w for w in result.warnings)


def _legacy_chain(n: int) -> None:
    """Events as the code before the key wrote them: one chain over ``seq``, plain SHA-256."""
    with _as_database_admin():
        AuditEvent.objects.all().delete()
        AuditPartition.objects.all().delete()
    prev = services.GENESIS
    for seq in range(1, n + 1):
        event = AuditEvent(
            seq=seq,
            partition=services.LEGACY,
            actor_label="system",
            action=AuditAction.REFERENCE_SEEDED,
            prev_hash=prev,
        )
        event.hash = services.legacy_hash(event, prev)
        event.save(force_insert=True)
        prev = event.hash


def test_a_chain_from_before_the_key_is_linked_by_the_root_and_reported(world, settings, tmp_path) -> None:
    """An existing unkeyed chain (the legacy partition): the first write under the key begins
    the keyed root chain, whose first event links the legacy head; verify checks the legacy part
    with plain SHA-256 and says so. (Before issue 13 an epoch event continued the one chain.)"""
    settings.TCX_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.key")
    _legacy_chain(4)
    assert keys.load_key() is None
    assert services.verify().ok  # before the upgrade's first write: all legacy, nothing to key with
    event = services.record(action=AuditAction.REFERENCE_UPDATED)
    key_file = keys.key_path()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    root = AuditEvent.objects.get(partition=services.ROOT)
    legacy_head = AuditEvent.objects.get(partition=services.LEGACY, seq=4)
    assert root.data["legacy"] == [4, legacy_head.hash] and root.data["key_id"] == keys.key_id(
        keys.load_key()
    )
    assert event.partition.endswith("/platform/0") and event.pseq == 1
    result = services.verify()
    assert result.ok and result.legacy == 4 and result.checked == 6 and result.partitions == 3
    assert any("hashed before the chain was keyed" in w for w in result.warnings)
    # The legacy part can no longer be rewritten: the keyed root links to its old head.
    with _as_database_admin():
        AuditEvent.objects.filter(partition=services.LEGACY, seq=2).update(actor_label="someone else")
        prev = services.GENESIS
        for old in AuditEvent.objects.filter(partition=services.LEGACY).order_by("seq"):
            digest = services.legacy_hash(old, prev)
            AuditEvent.objects.filter(pk=old.pk).update(prev_hash=prev, hash=digest)
            prev = digest
    result = services.verify()
    assert not result.ok and (result.broken_partition, result.broken_seq) == (services.LEGACY, 4)
    assert "root chain linked" in result.reason


def test_a_keyed_legacy_chain_and_its_old_checkpoints_still_verify(world, settings) -> None:
    """A node of issue 12 (keyed epoch, format-1 checkpoints naming ``seq``) upgraded: its
    events and checkpoints still verify, and cutting its legacy chain is still caught by them."""
    _legacy_chain(3)
    key = keys.load_key(create=True)
    assert key is not None
    head = AuditEvent.objects.get(seq=3)
    prev = head.hash
    for seq in (4, 5, 6):
        event = AuditEvent(
            seq=seq,
            partition=services.LEGACY,
            actor_label="system",
            action=services.EPOCH if seq == 4 else AuditAction.REFERENCE_UPDATED,
            data={"key_id": keys.key_id(key), "legacy_events": 3} if seq == 4 else {},
            prev_hash=prev,
        )
        event.hash = services.keyed_hash(event, prev, key)
        event.save(force_insert=True)
        prev = event.hash
    body = {
        "format": anchors.LEGACY_FORMAT,
        "seq": 6,
        "hash": prev,
        "count": 6,
        "time": "2026-12-01T00:00:00+00:00",
        "key_id": keys.key_id(key),
        "public_key": keys.public_key_text(key),
    }
    body["signature"] = base64.b64encode(keys.signing_key(key).sign(anchors._signed_bytes(body))).decode()
    anchors.checkpoint_path().parent.mkdir(parents=True, exist_ok=True)
    anchors.checkpoint_path().write_text(json.dumps(body) + "\n")
    result = services.verify()
    assert result.ok and result.keyed_from == 4 and result.legacy == 3 and result.checkpoints == 1
    _events(world, 2)  # writing on: new partitions, the root links the legacy head
    assert services.verify().ok
    with _as_database_admin():
        AuditEvent.objects.filter(partition=services.LEGACY, seq=6).delete()
    result = services.verify()
    assert not result.ok and (result.broken_partition, result.broken_seq) == (services.LEGACY, 6)


def test_another_key_is_named(world, settings, tmp_path) -> None:
    _events(world, 3)
    settings.TCX_AUDIT_KEY_FILE = str(tmp_path / "other.key")
    (tmp_path / "other.key").write_text(os.urandom(32).hex())
    result = services.verify()
    assert not result.ok and "not with this node's key" in result.reason
    assert result.broken_partition == services.ROOT


def test_verify_reports_the_anchor_and_writes_one(world, capsys) -> None:
    _events(world, 3)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit chain OK" in out and "partitions verified" in out
    newest = anchors.read(keys.load_key() or b"").newest
    head = AuditEvent.objects.filter(partition=services.ROOT).order_by("-pseq").first()
    assert newest is not None and head is not None and newest["seq"] == head.pseq
    # the newest root event records the head of every partition written to
    for partition in AuditEvent.objects.exclude(partition=services.ROOT).values_list("partition", flat=True):
        last = AuditEvent.objects.filter(partition=partition).order_by("-pseq").first()
        assert last is not None
        assert AuditPartition.objects.get(key=partition).anchored_pseq == last.pseq
    call_command("audit", "public-key")
    assert capsys.readouterr().out.startswith("ed25519:")


def test_a_checkpoint_is_written_at_the_first_write_after_the_interval(
    world, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """The time schedule: a process that last asked for a checkpoint an hour ago (interval 10
    minutes) anchors its next event, whatever its number: the root records it and is signed."""
    _events(world, 2)
    monkeypatch.setattr(services, "_last_checkpoint", services.time.monotonic() - 3600)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.record(action=AuditAction.REFERENCE_UPDATED)
    assert event.pseq is not None and event.pseq % anchors.every() != 0
    newest = anchors.read(keys.load_key() or b"").newest
    assert newest is not None
    root = AuditEvent.objects.get(partition=services.ROOT, pseq=newest["seq"])
    assert root.hash == newest["hash"]
    assert root.data["heads"][event.partition] == [event.pseq, event.hash]
    with django_capture_on_commit_callbacks(execute=True):
        services.record(action=AuditAction.REFERENCE_UPDATED)  # the next one, within the interval
    assert anchors.read(keys.load_key() or b"").newest == newest
