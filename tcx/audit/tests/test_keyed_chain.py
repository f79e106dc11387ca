"""Issue 12, finding 6: the chain is keyed and anchored, so someone with write access to the
database alone can neither rewrite it (recomputing plain SHA-256 hashes) nor cut off its newest
events. Each attack below verified on the unkeyed, unanchored chain."""

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
from tcx.audit.models import AuditEvent
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


def _recompute_with_sha256() -> None:
    """The attacker's step after any change: recompute every hash and link as the unkeyed
    chain did, SHA-256 of the previous hash and the event's content."""
    prev = services.GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        digest = hashlib.sha256(prev.encode() + b"\n" + services._canonical(event)).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        prev = digest


def _delete_and_renumber(seqs: set[int]) -> None:
    AuditEvent.objects.filter(seq__in=seqs).delete()
    for new_seq, pk in enumerate(AuditEvent.objects.order_by("seq").values_list("pk", flat=True), start=1):
        AuditEvent.objects.filter(pk=pk).update(seq=new_seq)


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
        _recompute_with_sha256()
    result = services.verify()
    assert not result.ok
    assert result.broken_seq is not None and result.broken_seq <= victim.seq
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
        _recompute_with_sha256()
    result = services.verify()
    assert not result.ok
    assert result.broken_seq is not None and result.broken_seq <= victim.seq


def test_deleting_the_newest_500_events_is_detected(world, django_capture_on_commit_callbacks) -> None:
    """Checkpoints every 100 events (the default), outside the database: the last one vouches
    for an event the truncated chain no longer has."""
    with django_capture_on_commit_callbacks(execute=True):
        _events(world, 600)
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None
    with _as_database_admin():
        AuditEvent.objects.filter(seq__gt=head.seq - 500).delete()
    result = services.verify()
    assert not result.ok
    assert result.broken_seq == head.seq - 499
    assert "were removed" in result.reason
    with pytest.raises(CommandError, match="were removed"):
        call_command("audit", "verify")


def test_deleting_in_the_middle_and_renumbering_is_detected(world) -> None:
    events = _events(world, 8)
    with _as_database_admin():
        _delete_and_renumber({events[4].seq})
        _recompute_with_sha256()
    result = services.verify()
    assert not result.ok
    assert result.broken_seq is not None and result.broken_seq <= events[4].seq


def test_recomputing_the_whole_chain_as_unkeyed_is_detected(world) -> None:
    """Drop the keyed epoch event and pass everything off as a chain from before the key."""
    _events(world, 5)
    with _as_database_admin():
        _delete_and_renumber(
            set(AuditEvent.objects.filter(action=services.EPOCH).values_list("seq", flat=True))
        )
        _recompute_with_sha256()
    result = services.verify()
    assert not result.ok
    assert "no keyed epoch" in result.reason


def test_truncation_is_detected_from_the_witness_copy(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Someone who can also empty the node's checkpoint file is still caught by the witness's copy."""
    settings.TCX_AUDIT_WITNESS_DIR = str(tmp_path / "witness")
    settings.TCX_AUDIT_CHECKPOINT_EVERY = 10
    with django_capture_on_commit_callbacks(execute=True):
        _events(world, 30)
    anchors.checkpoint_path().write_text("")
    with _as_database_admin():
        AuditEvent.objects.filter(seq__gt=15).delete()
    result = services.verify()
    assert not result.ok and "were removed" in result.reason


def test_checkpoints_are_signed_and_reach_the_witnesses(world, settings, tmp_path) -> None:
    received = tmp_path / "received.jsonl"
    settings.TCX_AUDIT_WITNESS_DIR = str(tmp_path / "witness")
    settings.TCX_AUDIT_WITNESS_COMMAND = f"sh -c 'cat >> {received}'"
    _events(world, 3)
    checkpoint = services.checkpoint()
    assert checkpoint is not None
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None and (checkpoint["seq"], checkpoint["hash"]) == (head.seq, head.hash)
    local = anchors.checkpoint_path().read_text().splitlines()
    witness = (tmp_path / "witness" / "checkpoints.jsonl").read_text().splitlines()
    assert local == witness == received.read_text().splitlines()
    # The second party checks the signature with the public key alone.
    line = json.loads(local[-1])
    signature = line.pop("signature")
    public = keys.public_key_from_text(line["public_key"])
    public.verify(base64.b64decode(signature), anchors._signed_bytes(line))
    # A forged line (a bigger seq, no valid signature) is reported and ignored, not trusted.
    forged = dict(json.loads(local[-1]), seq=head.seq + 50)
    with anchors.checkpoint_path().open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    result = services.verify()
    assert result.ok and result.anchored_to == head.seq
    assert any("valid signature" in w for w in result.warnings)


def test_a_chain_from_before_the_key_is_continued_and_reported(world, settings, tmp_path) -> None:
    """An existing unkeyed chain: the first write under the key adds the keyed epoch event;
    verify checks the legacy part with plain SHA-256 and says so."""
    settings.TCX_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.key")
    with _as_database_admin():
        AuditEvent.objects.all().delete()
    prev = services.GENESIS
    for seq in range(1, 5):  # written by the code before the key
        event = AuditEvent(seq=seq, actor_label="system", action=AuditAction.REFERENCE_SEEDED, prev_hash=prev)
        event.hash = services.legacy_hash(event, prev)
        event.save(force_insert=True)
        prev = event.hash
    assert keys.load_key() is None
    assert services.verify().ok  # before the upgrade's first write: all legacy, nothing to key with
    services.record(action=AuditAction.REFERENCE_UPDATED)
    key_file = keys.key_path()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    epoch = AuditEvent.objects.get(action=services.EPOCH)
    assert epoch.seq == 5 and epoch.data["legacy_events"] == 4
    result = services.verify()
    assert result.ok and result.legacy == 4 and result.keyed_from == 5 and result.checked == 6
    assert any("hashed before the chain was keyed" in w for w in result.warnings)
    # The legacy part can no longer be rewritten: the keyed epoch links to its old head.
    with _as_database_admin():
        AuditEvent.objects.filter(seq=2).update(actor_label="someone else")
        prev = services.GENESIS
        for event in AuditEvent.objects.filter(seq__lte=4).order_by("seq"):
            digest = services.legacy_hash(event, prev)
            AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
            prev = digest
    result = services.verify()
    assert not result.ok and result.broken_seq == 5


def test_another_key_is_named(world, settings, tmp_path) -> None:
    _events(world, 3)
    settings.TCX_AUDIT_KEY_FILE = str(tmp_path / "other.key")
    (tmp_path / "other.key").write_text(os.urandom(32).hex())
    result = services.verify()
    assert not result.ok and "not with this node's key" in result.reason


def test_verify_reports_the_anchor_and_writes_one(world, capsys) -> None:
    _events(world, 3)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit chain OK" in out and "keyed from event #1" in out
    newest = anchors.read(keys.load_key() or b"").newest
    head = AuditEvent.objects.order_by("-seq").first()
    assert newest is not None and head is not None and newest["seq"] == head.seq
    call_command("audit", "public-key")
    assert capsys.readouterr().out.startswith("ed25519:")


def test_a_checkpoint_is_written_at_the_first_write_after_the_interval(
    world, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """The time schedule: a process that last asked for a checkpoint an hour ago (interval 10
    minutes) anchors its next event, whatever its number."""
    _events(world, 2)
    monkeypatch.setattr(services, "_last_checkpoint", services.time.monotonic() - 3600)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.record(action=AuditAction.REFERENCE_UPDATED)
    assert event.seq % anchors.every() != 0
    newest = anchors.read(keys.load_key() or b"").newest
    assert newest is not None and (newest["seq"], newest["hash"]) == (event.seq, event.hash)
    with django_capture_on_commit_callbacks(execute=True):
        services.record(action=AuditAction.REFERENCE_UPDATED)  # the next one, within the interval
    assert anchors.read(keys.load_key() or b"").newest == newest
