"""Writing and verifying the audit log. ``record`` is the one call every app makes.

**Partitions.** One chain would make every audited request of the node wait for the one before it
to commit (its head is locked until then): about 200 events/s on PostgreSQL whatever the number of
workers. Events are therefore chained per partition, ``<day>/<organisation>/<lane>``
(``2026-12-04/org-12/0``, ``2026-12-04/platform/0`` for events with no organisation). A writer
locks one lane of its day and organisation with a transaction-scoped advisory lock, taking the
first lane no other transaction holds (``TCX_AUDIT_LANES``, default 16): writers of different
organisations never meet, and concurrent writers of one organisation take different lanes instead
of queueing. The lock is held until the caller's transaction ends, so an event is linked to a head
that is committed, and an event commits with the write it audits or not at all. On SQLite (one
writer at a time anyway) every organisation's day has the one lane 0.

**Keyed.** Each event's hash is HMAC-SHA256, under the audit key kept outside the database
(``tcx.audit.keys``), of the previous hash of its partition and the event's content (its partition
and place in it included).

**Root chain.** ``checkpoint`` enters the head ``(pseq, hash)`` of every partition that grew into
the ``root`` partition (one ``audit.partitions_anchored`` event, itself keyed and chained) and
signs the root's head outside the database (``tcx.audit.anchors``): one signature covers every
partition. The root's first event also links the chain written before partitioning (``legacy``,
ordered by ``seq``, plain SHA-256 before its ``audit.chain_keyed`` epoch), which is closed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest
from django.utils import timezone

from tcx.audit import anchors, keys
from tcx.audit.models import AuditEvent, AuditPartition
from tcx.audit.registry import AuditAction
from tcx.policy.actors import MaybeActor, person

GENESIS = "0" * 64
LEGACY = "legacy"
ROOT = "root"
PLATFORM = "platform"
EPOCH = AuditAction.AUDIT_CHAIN_KEYED.value
ANCHORED = AuditAction.AUDIT_PARTITIONS_ANCHORED.value
# The first argument of PostgreSQL's two-key advisory locks: the audit log's lock space.
_PG_LOCK_CLASS = 0x7C7A0D17 & 0x7FFFFFFF
# Partition heads entered in one root event at most (a root event stays a few tens of kB).
HEADS_PER_ROOT_EVENT = 200
# Partitions of days before this many days ago are closed (nothing is written to them any more).
OPEN_DAYS = 2
logger = logging.getLogger("tcx.audit")
# When this process last asked for a checkpoint (monotonic seconds); None before its first write.
_last_checkpoint: float | None = None


def lanes() -> int:
    if connection.vendor != "postgresql":
        return 1
    return max(1, int(keys.setting("TCX_AUDIT_LANES", "16")))


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
    if event.partition != LEGACY:
        payload["partition"] = event.partition
        payload["pseq"] = event.pseq
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def legacy_hash(event: AuditEvent, prev_hash: str) -> str:
    """The unkeyed hash of events written before the chain was keyed (anyone can recompute it)."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(event)).hexdigest()


def keyed_hash(event: AuditEvent, prev_hash: str, key: bytes) -> str:
    return hmac.new(key, prev_hash.encode() + b"\n" + _canonical(event), hashlib.sha256).hexdigest()


def partition_group(event: AuditEvent) -> str:
    """``<UTC day>/<organisation>`` of an event: its lanes are ``<group>/<lane>``."""
    day = event.created_at.astimezone(dt.UTC).date().isoformat()
    owner = f"org-{event.organisation_id}" if event.organisation_id else PLATFORM
    return f"{day}/{owner}"


def _lock_lane(group: str) -> int:
    """Lock a lane of ``group`` for the rest of the transaction: the first one free, else wait."""
    n = lanes()
    if connection.vendor != "postgresql":
        return 0  # SQLite: the transaction (BEGIN IMMEDIATE) already holds the one write lock
    with connection.cursor() as cursor:
        # LIMIT 1 stops at the first lane locked: the lanes after it are not tried (one lock held).
        cursor.execute(
            "SELECT lane FROM generate_series(0, %s) AS lane "
            "WHERE pg_try_advisory_xact_lock(%s, hashtext(%s || '/' || lane)) LIMIT 1",
            [n - 1, _PG_LOCK_CLASS, group],
        )
        row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        # Every lane is held: wait for one, spread by process and thread.
        lane = (os.getpid() + threading.get_ident()) % n
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_PG_LOCK_CLASS, f"{group}/{lane}"])
        return lane


def _lock_partition(key: str, *, wait: bool = True) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_PG_LOCK_CLASS, key])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))", [_PG_LOCK_CLASS, key])
        return bool(cursor.fetchone()[0])


def _next_seq_and_head(partition: str) -> tuple[int, int, str]:
    """The global number for a new event and its partition's head ``(pseq, hash)`` (0, GENESIS if empty).

    Read after the partition's lock is held, so the head is the committed one."""
    table = AuditEvent._meta.db_table
    if connection.vendor == "postgresql":
        seq_sql = "nextval('audit_event_seq')"
    else:
        seq_sql = f"(SELECT COALESCE(MAX(seq), 0) + 1 FROM {table})"  # noqa: S608 (our table name)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {seq_sql}, "  # noqa: S608 (fixed SQL, the partition is a parameter)
            f"(SELECT pseq FROM {table} WHERE partition = %s ORDER BY pseq DESC LIMIT 1), "
            f"(SELECT hash FROM {table} WHERE partition = %s ORDER BY pseq DESC LIMIT 1)",
            [partition, partition],
        )
        seq, pseq, hash_ = cursor.fetchone()
    return int(seq), int(pseq or 0), hash_ or GENESIS


def _append(event: AuditEvent, key: bytes, *, partition: str | None = None) -> None:
    """Link ``event`` to the head of its partition and insert it (inside a transaction)."""
    if partition is None:
        group = partition_group(event)
        lane = _lock_lane(group)
        partition = f"{group}/{lane}"
    else:
        group, lane = "", 0
        _lock_partition(partition)
    event.partition = partition
    event.seq, head_pseq, event.prev_hash = _next_seq_and_head(partition)
    event.pseq = head_pseq + 1
    if event.pseq == 1:
        # A new partition: registered with its first event, and the root chain exists to anchor it.
        if partition != ROOT:
            _ensure_root(key)
            if connection.vendor != "postgresql":
                event.seq = _next_seq_and_head(partition)[0]  # the root's first event took that number
        AuditPartition.objects.create(
            key=partition,
            day=event.created_at.astimezone(dt.UTC).date() if group else None,
            organisation_id=event.organisation_id if group else None,
            lane=lane,
        )
    event.hash = keyed_hash(event, event.prev_hash, key)
    event.save(force_insert=True)


def _system_event(data: dict[str, Any]) -> AuditEvent:
    return AuditEvent(created_at=timezone.now(), actor_label="system", action=ANCHORED, data=data)


def _legacy_head() -> tuple[int, str] | None:
    head = AuditEvent.objects.filter(partition=LEGACY).order_by("-seq").values_list("seq", "hash").first()
    return (int(head[0]), str(head[1])) if head else None


def _ensure_root(key: bytes) -> None:
    """Begin the root chain if it is not there: its first event links the closed legacy chain."""
    if AuditEvent.objects.filter(partition=ROOT).exists():
        return
    _lock_partition(ROOT)
    if AuditEvent.objects.filter(partition=ROOT).exists():
        return  # another transaction began it while this one waited
    legacy = _legacy_head()
    genesis = _system_event(
        {
            "key_id": keys.key_id(key),
            "algorithm": "HMAC-SHA256",
            "legacy": list(legacy) if legacy else None,
            "heads": {},
        }
    )
    _append(genesis, key, partition=ROOT)
    transaction.on_commit(_checkpoint_after_commit)


def _open_heads() -> dict[str, tuple[int, str]]:
    """The committed head of every partition that may have grown since the root last recorded it."""
    newest = AuditEvent.objects.filter(partition=OuterRef("key")).order_by("-pseq")
    since = timezone.now().astimezone(dt.UTC).date() - dt.timedelta(days=OPEN_DAYS)
    rows = (
        AuditPartition.objects.exclude(key__in=[ROOT, LEGACY])
        .filter(Q(day__gte=since) | Q(anchored_pseq=0))
        .annotate(
            head_pseq=Subquery(newest.values("pseq")[:1]), head_hash=Subquery(newest.values("hash")[:1])
        )
        .values_list("key", "anchored_pseq", "head_pseq", "head_hash")
    )
    return {k: (int(p), str(h)) for k, anchored, p, h in rows if p is not None and p > anchored}


def _anchor(key: bytes, *, wait: bool) -> tuple[int, str] | None:
    """Enter the heads of the partitions that grew into the root chain; the root's head after.

    None if ``wait`` is false and another checkpoint holds the root."""
    with transaction.atomic():
        if not _lock_partition(ROOT, wait=wait):
            return None
        if not AuditEvent.objects.filter(partition=ROOT).exists():
            _ensure_root(key)
        heads = _open_heads()
        items = sorted(heads.items())
        for start in range(0, len(items), HEADS_PER_ROOT_EVENT):
            chunk = dict(items[start : start + HEADS_PER_ROOT_EVENT])
            _append(_system_event({"heads": {k: list(v) for k, v in chunk.items()}}), key, partition=ROOT)
            for partition, (pseq, hash_) in chunk.items():
                AuditPartition.objects.filter(key=partition).update(anchored_pseq=pseq, anchored_hash=hash_)
        root = AuditEvent.objects.filter(partition=ROOT).order_by("-pseq").values_list("pseq", "hash").first()
        assert root is not None and root[0] is not None
        return int(root[0]), str(root[1])


def checkpoint(*, wait: bool = True) -> dict[str, Any] | None:
    """Anchor every partition that grew in the root chain and sign the root's head; None if the log is empty.

    Call it outside a transaction (the commands do): it vouches for the heads at once. With
    ``wait`` false it gives way (None) to a checkpoint another process is writing."""
    if not AuditEvent.objects.exists():
        return None
    key = keys.load_key(create=True)
    assert key is not None
    root = _anchor(key, wait=wait)
    if root is None:
        return None
    return anchors.write(
        seq=root[0],
        hash=root[1],
        key=key,
        partition=ROOT,
        extra={"partitions": AuditPartition.objects.count()},
    )


def _schedule_checkpoint(event: AuditEvent) -> None:
    """Checkpoint every N events of a partition and at the first write after T minutes, after commit."""
    global _last_checkpoint
    now = time.monotonic()
    every = anchors.every()
    due = every > 0 and (event.pseq or 0) % every == 0
    if _last_checkpoint is None:
        _last_checkpoint = now
    elif anchors.minutes() > 0 and now - _last_checkpoint >= anchors.minutes() * 60:
        due = True
    if due:
        _last_checkpoint = now
        transaction.on_commit(_checkpoint_after_commit)


def _checkpoint_after_commit() -> None:
    # The write is committed: a failing checkpoint is logged, never turned into a failed request.
    try:
        checkpoint(wait=False)
    except Exception:
        logger.exception("audit checkpoint failed")


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def record(
    *,
    actor: MaybeActor = None,
    action: AuditAction | str,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    target_owner: Any = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to its partition's chain, in the caller's transaction.

    ``target`` may be a model instance: its type, id and (if it has one) owner are taken from it.
    ``actor`` is a user or None for the system; ``actor_label`` names an unauthenticated actor
    (for example the username given in a failed login).
    """
    action = AuditAction(action)  # refuses an action that is not in the registry
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        if target_owner is None:
            target_owner = getattr(target, "owner", None)
    user = person(actor)
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
    key = keys.load_key(create=True)
    assert key is not None
    with transaction.atomic():
        _append(event, key)
    _schedule_checkpoint(event)
    return event


@dataclasses.dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None  # the event's number in its partition (``seq`` in the legacy chain)
    broken_partition: str | None = None
    reason: str = ""
    legacy: int = 0  # events hashed without the key, before the legacy chain's epoch
    keyed_from: int | None = None  # seq of the legacy chain's epoch event
    partitions: int = 0  # partitions verified (legacy and root included)
    checkpoints: int = 0  # signed checkpoints matched
    anchored_to: int | None = None  # the root event of the newest signed checkpoint
    unanchored: int = 0  # events the root chain does not vouch for yet
    warnings: list[str] = dataclasses.field(default_factory=list)


class _Broken(Exception):
    def __init__(self, partition: str, seq: int, reason: str) -> None:
        super().__init__(reason)
        self.partition, self.seq, self.reason = partition, seq, reason


def _iter_legacy(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(partition=LEGACY, seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def _iter_partition(partition: str, batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(partition=partition, pseq__gt=last).order_by("pseq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].pseq or 0


def _iter_partitioned(batch: int = 2000) -> Iterator[AuditEvent]:
    """Every event outside the legacy and root chains, by partition then place (keyset pages)."""
    qs = AuditEvent.objects.exclude(partition__in=[LEGACY, ROOT]).order_by("partition", "pseq")
    last: tuple[str, int] | None = None
    while True:
        page = (
            qs
            if last is None
            else qs.filter(Q(partition__gt=last[0]) | Q(partition=last[0], pseq__gt=last[1]))
        )
        rows = list(page[:batch])
        if not rows:
            return
        yield from rows
        last = (rows[-1].partition, rows[-1].pseq or 0)


def _verify_legacy(
    key: bytes | None, anchored: anchors.Checkpoints, result: VerifyResult, progress: Any
) -> tuple[int, str, bool]:
    """The chain from before partitioning, by ``seq``: ``(count, head hash, keyed)``."""

    def broken(seq: int, reason: str) -> _Broken:
        return _Broken(LEGACY, seq, f"legacy event #{seq} {reason}")

    signed = anchored.of(LEGACY)
    prev_hash, expected, keyed = GENESIS, 1, False
    for event in _iter_legacy():
        if event.seq != expected:
            raise broken(expected, "is missing")
        if event.prev_hash != prev_hash:
            raise broken(event.seq, "does not point at the hash of the event before it")
        if not keyed and event.action == EPOCH:
            if key is None:
                raise broken(event.seq, f"keys the chain but this node has no audit key ({keys.key_path()})")
            if keyed_hash(event, prev_hash, key) != event.hash:
                if event.data.get("key_id") not in (None, keys.key_id(key)):
                    raise broken(
                        event.seq,
                        f"keyed the chain with key {event.data.get('key_id')}, "
                        f"not with this node's key {keys.key_id(key)}",
                    )
                raise broken(event.seq, "was altered: its content does not match its keyed hash")
            keyed, result.keyed_from = True, event.seq
        elif keyed:
            assert key is not None
            if keyed_hash(event, prev_hash, key) != event.hash:
                raise broken(
                    event.seq,
                    "was altered or rewritten without the audit key: "
                    "its content does not match its keyed hash",
                )
        else:
            if legacy_hash(event, prev_hash) != event.hash:
                raise broken(event.seq, "was altered: its content does not match its hash")
            result.legacy += 1
        checkpoint = signed.get(event.seq)
        if checkpoint is not None:
            if checkpoint["hash"] != event.hash:
                raise broken(
                    event.seq,
                    f"does not match the signed checkpoint of {checkpoint['time']}: the chain was rewritten",
                )
            result.checkpoints += 1
        prev_hash = event.hash
        expected += 1
        result.checked += 1
        if progress is not None:
            progress(1)
    count = expected - 1
    if signed and max(signed) > count:
        newest = signed[max(signed)]
        raise broken(
            count + 1,
            f"is missing: the legacy chain ends at event #{count} but a signed checkpoint of "
            f"{newest['time']} vouches for event #{newest['seq']}: events #{count + 1} to #{newest['seq']} "
            "were removed",
        )
    if count:
        result.partitions += 1
    return count, prev_hash, keyed


def _walk_keyed(
    partition: str,
    events: Iterator[AuditEvent],
    key: bytes | None,
    result: VerifyResult,
    progress: Any,
    *,
    claims: dict[int, str] | None = None,
) -> Iterator[AuditEvent]:
    """Check one partition's links, numbers and keyed hashes, and the root's records of its heads."""
    prev_hash, expected = GENESIS, 1
    for event in events:
        if event.pseq != expected:
            raise _Broken(partition, expected, f"event {partition}#{expected} is missing")
        if event.prev_hash != prev_hash:
            raise _Broken(
                partition,
                expected,
                f"event {partition}#{expected} does not point at the hash of the event before it",
            )
        if key is None:
            raise _Broken(
                partition,
                expected,
                f"partition {partition} is keyed but this node has no audit key ({keys.key_path()})",
            )
        if keyed_hash(event, prev_hash, key) != event.hash:
            if (
                partition == ROOT
                and expected == 1
                and event.data.get("key_id") not in (None, keys.key_id(key))
            ):
                raise _Broken(
                    partition,
                    expected,
                    f"the root chain was keyed with key {event.data.get('key_id')}, "
                    f"not with this node's key {keys.key_id(key)}",
                )
            raise _Broken(
                partition,
                expected,
                f"event {partition}#{expected} was altered or rewritten without the audit key: "
                "its content does not match its keyed hash",
            )
        claimed = (claims or {}).get(expected)
        if claimed is not None and claimed != event.hash:
            raise _Broken(
                partition,
                expected,
                f"event {partition}#{expected} does not match the head the root chain recorded: "
                "the partition was rewritten",
            )
        yield event
        prev_hash = event.hash
        expected += 1
        result.checked += 1
        if progress is not None:
            progress(1)
    count = expected - 1
    if claims and max(claims) > count:
        raise _Broken(
            partition,
            count + 1,
            f"event {partition}#{count + 1} is missing: the root chain recorded partition {partition} up to "
            f"event #{max(claims)}: events #{count + 1} to #{max(claims)} were removed",
        )
    result.partitions += 1
    if partition != ROOT:  # the root is anchored by the signed checkpoints (``_verify_root``)
        result.unanchored += count - max(claims or {0: ""})


def _verify_root(
    key: bytes | None, anchored: anchors.Checkpoints, result: VerifyResult, progress: Any
) -> tuple[int, dict[str, dict[int, str]], list[Any] | None]:
    """The root chain: ``(count, the partition heads it records, the legacy head it links)``."""
    signed = anchored.of(ROOT)
    claims: dict[str, dict[int, str]] = {}
    legacy: list[Any] | None = None
    count = 0
    for event in _walk_keyed(ROOT, _iter_partition(ROOT), key, result, progress):
        count = event.pseq or 0
        if count == 1:
            legacy = event.data.get("legacy")
        for partition, (pseq, hash_) in (event.data.get("heads") or {}).items():
            # Only the newest record of each partition is kept (memory bounded by the number of
            # partitions): the keyed hashes already check everything before it.
            known = claims.get(partition)
            if known is None or int(pseq) >= max(known):
                claims[partition] = {int(pseq): str(hash_)}
        checkpoint = signed.get(count)
        if checkpoint is not None:
            if checkpoint["hash"] != event.hash:
                raise _Broken(
                    ROOT,
                    count,
                    f"event {ROOT}#{count} does not match the signed checkpoint of {checkpoint['time']}: "
                    "the root chain was rewritten",
                )
            result.checkpoints += 1
            result.anchored_to = count
    result.unanchored += count - (result.anchored_to or 0)
    newest = anchored.newest_of(ROOT)
    if newest is not None and newest["seq"] > count:
        raise _Broken(
            ROOT,
            count + 1,
            f"event {ROOT}#{count + 1} is missing: the root chain ends at event #{count} but a signed "
            f"checkpoint of {newest['time']} vouches for event #{newest['seq']}: events #{count + 1} to "
            f"#{newest['seq']} were removed",
        )
    return count, claims, legacy


def verify(*, progress: Any = None) -> VerifyResult:
    """Walk every partition and check it against the key, the root chain and the signed checkpoints.

    Names the first broken link (partition and event number): a missing event, a wrong link, an
    altered event, a partition or newest events the root chain or a signed checkpoint vouches for
    that are gone. Order: the legacy chain, the root chain, then the partitions by name."""
    key = keys.load_key()
    anchored = anchors.read(key) if key is not None else anchors.Checkpoints()
    result = VerifyResult(ok=True, checked=0)
    result.warnings.extend(anchored.problems)
    try:
        _verify_all(key, anchored, result, progress)
    except _Broken as broken:
        result.ok = False
        result.broken_partition, result.broken_seq, result.reason = (
            broken.partition,
            broken.seq,
            broken.reason,
        )
        return result
    if result.legacy:
        result.warnings.append(
            f"legacy events #1 to #{result.legacy} were hashed before the chain was keyed (plain SHA-256): "
            "until a keyed event linked them they could have been rewritten by anyone with write access "
            "to the database"
        )
    if key is not None and result.checked and result.anchored_to is None:
        result.warnings.append(
            "no signed checkpoint matches the root chain yet: removal of the newest events cannot be detected"
        )
    return result


def _verify_all(
    key: bytes | None, anchored: anchors.Checkpoints, result: VerifyResult, progress: Any
) -> None:
    legacy_count, legacy_head, legacy_keyed = _verify_legacy(key, anchored, result, progress)
    root_count, claims, legacy_claim = _verify_root(key, anchored, result, progress)
    if root_count:
        if legacy_claim is None and legacy_count:
            raise _Broken(
                LEGACY,
                1,
                "legacy events were added after the chain was partitioned (the root chain links none)",
            )
        if legacy_claim is not None:
            claim_seq, claim_hash = int(legacy_claim[0]), str(legacy_claim[1])
            if legacy_count < claim_seq:
                raise _Broken(
                    LEGACY,
                    legacy_count + 1,
                    f"legacy event #{legacy_count + 1} is missing: the root chain linked the legacy chain "
                    f"up to event #{claim_seq}: events #{legacy_count + 1} to #{claim_seq} were removed",
                )
            if legacy_count > claim_seq:
                raise _Broken(
                    LEGACY,
                    claim_seq + 1,
                    f"legacy event #{claim_seq + 1} was added after the legacy chain was closed",
                )
            if legacy_head != claim_hash:
                raise _Broken(
                    LEGACY,
                    claim_seq,
                    f"legacy event #{claim_seq} does not match the head the root chain linked: "
                    "the legacy chain was rewritten",
                )
    elif legacy_count and not legacy_keyed and key is not None:
        # The key is made by the first keyed write, which keys the legacy chain (epoch) or begins
        # the root chain: a legacy chain with neither on a node that has a key was recomputed.
        raise _Broken(
            LEGACY,
            1,
            "this node has an audit key but the chain carries no keyed epoch: "
            "the chain was rewritten without the key",
        )
    registered = set(AuditPartition.objects.exclude(key__in=[LEGACY, ROOT]).values_list("key", flat=True))
    if not root_count and (registered or AuditEvent.objects.exclude(partition=LEGACY).exists()):
        # The root chain begins in the transaction of the first partition's first event.
        raise _Broken(
            ROOT, 1, f"event {ROOT}#1 is missing: the partitions exist but the root chain was removed"
        )
    expected = sorted(registered | set(claims) - {LEGACY, ROOT})
    pending = iter(expected)
    upcoming = next(pending, None)

    def missing(partition: str) -> _Broken:
        return _Broken(
            partition,
            1,
            f"partition {partition} has no events: "
            + (
                "the root chain recorded it, its events were removed"
                if partition in claims
                else "it is registered but its events were removed"
            ),
        )

    for partition, rows in itertools.groupby(_iter_partitioned(), key=lambda event: event.partition):
        if upcoming is not None and upcoming < partition:
            raise missing(upcoming)
        if upcoming == partition:
            upcoming = next(pending, None)
        if partition not in registered:
            raise _Broken(partition, 1, f"partition {partition} is not registered: its record was removed")
        for _ in _walk_keyed(partition, rows, key, result, progress, claims=claims.get(partition)):
            pass
    if upcoming is not None:
        raise missing(upcoming)
