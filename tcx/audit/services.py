"""Writing and verifying the audit log. ``record`` is the one call every app makes.

The chain is keyed: each event's hash is HMAC-SHA256, under the audit key kept outside the
database (``tcx.audit.keys``), of the previous hash and the event's content. A chain begun before
the key (plain SHA-256, "legacy") is continued by an ``audit.chain_keyed`` epoch event, keyed like
every event after it; its link covers the legacy hashes from then on. Signed checkpoints written
outside the database (``tcx.audit.anchors``) anchor the newest events.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from tcx.audit import anchors, keys
from tcx.audit.models import AuditEvent
from tcx.audit.registry import AuditAction

GENESIS = "0" * 64
# Serialises chain extension inside one process; the database lock below does it across processes.
_chain_lock = threading.Lock()
_PG_LOCK_KEY = 0x7C7A0D17
EPOCH = AuditAction.AUDIT_CHAIN_KEYED.value
logger = logging.getLogger("tcx.audit")
# The hash of the last event this process wrote (its chain is keyed).
_last_written = ""
# When this process last asked for a checkpoint (monotonic seconds); None before its first write.
_last_checkpoint: float | None = None


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_owner_id": event.target_owner_id,
        "client_address": event.client_address,
        "data": event.data,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def legacy_hash(event: AuditEvent, prev_hash: str) -> str:
    """The unkeyed hash of events written before the chain was keyed (anyone can recompute it)."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(event)).hexdigest()


def keyed_hash(event: AuditEvent, prev_hash: str, key: bytes) -> str:
    return hmac.new(key, prev_hash.encode() + b"\n" + _canonical(event), hashlib.sha256).hexdigest()


def _write_epoch(head: AuditEvent | None, key: bytes) -> AuditEvent:
    """Start keying the chain: an event, itself keyed, that links to the legacy head (if any)."""
    epoch = AuditEvent(
        created_at=timezone.now(),
        actor_label="system",
        action=EPOCH,
        data={
            "key_id": keys.key_id(key),
            "algorithm": "HMAC-SHA256",
            "legacy_events": head.seq if head else 0,
        },
    )
    epoch.seq, epoch.prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS)
    epoch.hash = keyed_hash(epoch, epoch.prev_hash, key)
    epoch.save(force_insert=True)
    _schedule_checkpoint(epoch.seq, epoch.hash, force=True)
    return epoch


def _keyed_head(key: bytes) -> tuple[int, str]:
    """The head ``(seq, hash)`` to extend, after writing the epoch event if the chain is not keyed yet.

    A head this process wrote is known keyed without another query (a hash names one content
    under one key; a rolled-back write leaves another head)."""
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is not None and head[1] == _last_written:
        return head
    if head is None or not AuditEvent.objects.filter(action=EPOCH).exists():
        epoch = _write_epoch(AuditEvent.objects.order_by("-seq").first(), key)
        return epoch.seq, epoch.hash
    return head  # a keyed chain (``verify`` checks that its head is right)


def _schedule_checkpoint(seq: int, hash_: str, *, force: bool = False) -> None:
    """Checkpoint every N events and at the first write after T minutes, once the write commits."""
    global _last_checkpoint
    now = time.monotonic()
    every = anchors.every()
    due = force or (every > 0 and seq % every == 0)
    if _last_checkpoint is None:
        _last_checkpoint = now
    elif anchors.minutes() > 0 and now - _last_checkpoint >= anchors.minutes() * 60:
        due = True
    if due:
        _last_checkpoint = now
        transaction.on_commit(lambda: _checkpoint_after_commit(seq, hash_))


def _checkpoint_after_commit(seq: int, hash_: str) -> None:
    # The write is committed: a failing checkpoint is logged, never turned into a failed request.
    try:
        key = keys.load_key()
        if key is not None:
            anchors.write(seq=seq, hash=hash_, key=key)
    except Exception:
        logger.exception("audit checkpoint of event #%s failed", seq)


def ensure_keyed() -> tuple[int, str]:
    """Key the chain now if it is not (``tcx audit checkpoint`` on a node upgraded with no write since)."""
    with _chain_lock, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        key = keys.load_key(create=True)
        assert key is not None
        return _keyed_head(key)


def checkpoint() -> dict[str, Any] | None:
    """Write a signed checkpoint of the head of the chain now; None if the chain is empty.

    Call it outside a transaction (the commands do): it vouches for the head at once."""
    if not AuditEvent.objects.exists():
        return None
    seq, hash_ = ensure_keyed()
    key = keys.load_key()
    assert key is not None
    return anchors.write(seq=seq, hash=hash_, key=key)


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def record(
    *,
    actor: Any = None,
    action: AuditAction | str,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    target_owner: Any = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    ``target`` may be a model instance: its type, id and (if it has one) owner are taken from it.
    ``actor`` is a user or None for the system; ``actor_label`` names an unauthenticated actor
    (for example the username given in a failed login).
    """
    global _last_written
    action = AuditAction(action)  # refuses an action that is not in the registry
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        if target_owner is None:
            target_owner = getattr(target, "owner", None)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    data = dict(data or {})
    token = getattr(request, "tcx_token", None)
    if token is not None:
        # which of the person's API tokens acted (a machine client), inside the keyed hash
        data.setdefault("api_token", {"id": token.pk, "name": token.name})
    event = AuditEvent(
        created_at=timezone.now(),
        actor=user,
        actor_label=(user.username if user else actor_label or "system")[:150],
        organisation_id=getattr(user, "organisation_id", None),
        action=action.value,
        target_type=target_type,
        target_id=str(target_id)[:64],
        target_owner_id=getattr(target_owner, "pk", target_owner),
        client_address=client_address(request),
        data=json.loads(json.dumps(data, default=str)),
    )
    with _chain_lock, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        key = keys.load_key(create=True)
        assert key is not None
        head = _keyed_head(key)
        event.seq, event.prev_hash = head[0] + 1, head[1]
        event.hash = keyed_hash(event, event.prev_hash, key)
        event.save(force_insert=True)
        _last_written = event.hash
    _schedule_checkpoint(event.seq, event.hash)
    return event


@dataclasses.dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    legacy: int = 0  # events hashed without the key, before the epoch
    keyed_from: int | None = None  # seq of the epoch event
    checkpoints: int = 0  # signed checkpoints matched
    anchored_to: int | None = None  # seq of the newest checkpoint
    unanchored: int = 0  # events after the newest checkpoint
    warnings: list[str] = dataclasses.field(default_factory=list)


def _iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(*, progress: Any = None) -> VerifyResult:
    """Walk the whole chain and check it against the key and the signed checkpoints.

    Names the first event whose link or keyed hash is wrong, an event that does not match a
    checkpoint (the chain was rewritten), and events a checkpoint vouches for that are gone
    (the newest events were removed)."""
    key = keys.load_key()
    anchored = anchors.read(key) if key is not None else anchors.Checkpoints()
    result = VerifyResult(ok=True, checked=0)
    if anchored.problems:
        result.warnings.extend(anchored.problems)

    def broken(seq: int, reason: str) -> VerifyResult:
        result.ok, result.broken_seq, result.reason = False, seq, reason
        return result

    prev_hash = GENESIS
    expected_seq = 1
    keyed = False
    for event in _iter_events():
        if event.seq != expected_seq:
            return broken(expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return broken(event.seq, f"event #{event.seq} does not point at the hash of the event before it")
        if not keyed and event.action == EPOCH:
            if key is None:
                return broken(
                    event.seq,
                    f"the chain is keyed from event #{event.seq} but this node has no audit key "
                    f"({keys.key_path()})",
                )
            if keyed_hash(event, prev_hash, key) != event.hash:
                if event.data.get("key_id") not in (None, keys.key_id(key)):
                    return broken(
                        event.seq,
                        f"the chain was keyed at event #{event.seq} with key {event.data.get('key_id')}, "
                        f"not with this node's key {keys.key_id(key)}",
                    )
                return broken(
                    event.seq, f"event #{event.seq} was altered: its content does not match its keyed hash"
                )
            keyed, result.keyed_from = True, event.seq
        elif keyed:
            assert key is not None
            if keyed_hash(event, prev_hash, key) != event.hash:
                return broken(
                    event.seq,
                    f"event #{event.seq} was altered or rewritten without the audit key: "
                    "its content does not match its keyed hash",
                )
        else:
            if legacy_hash(event, prev_hash) != event.hash:
                return broken(
                    event.seq, f"event #{event.seq} was altered: its content does not match its hash"
                )
            result.legacy += 1
        anchor = anchored.by_seq.get(event.seq)
        if anchor is not None:
            if anchor["hash"] != event.hash:
                return broken(
                    event.seq,
                    f"event #{event.seq} does not match the signed checkpoint of {anchor['time']}: "
                    "the chain was rewritten",
                )
            result.checkpoints += 1
            result.anchored_to = event.seq
        prev_hash = event.hash
        expected_seq += 1
        result.checked += 1
        if progress is not None:
            progress(1)
    newest = anchored.newest
    if newest is not None and newest["seq"] > result.checked:
        return broken(
            result.checked + 1,
            f"the chain ends at event #{result.checked} but a signed checkpoint of {newest['time']} "
            f"vouches for event #{newest['seq']}: "
            f"events #{result.checked + 1} to #{newest['seq']} were removed",
        )
    if not keyed and key is not None and result.checked:
        # The key is made by the first keyed write, with its epoch event: a chain with no epoch
        # on a node that has a key was recomputed with plain SHA-256.
        return broken(
            1,
            "this node has an audit key but the chain carries no keyed epoch: "
            "the chain was rewritten without the key",
        )
    if result.legacy:
        result.warnings.append(
            f"events #1 to #{result.legacy} were hashed before the chain was keyed (plain SHA-256): "
            f"until event #{result.legacy + 1} linked them into the keyed chain they could have been "
            "rewritten by anyone with write access to the database"
        )
    result.unanchored = result.checked - (result.anchored_to or 0)
    if key is not None and result.checked and result.anchored_to is None:
        result.warnings.append(
            "no signed checkpoint matches this chain yet: removal of the newest events cannot be detected"
        )
    return result
