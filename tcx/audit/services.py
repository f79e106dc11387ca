"""Writing and verifying the audit log. ``record`` is the one call every app makes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from tcx.audit.models import AuditEvent
from tcx.audit.registry import AuditAction

GENESIS = "0" * 64
# Serialises chain extension inside one process; the database lock below does it across processes.
_chain_lock = threading.Lock()
_PG_LOCK_KEY = 0x7C7A0D17


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


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(event)).hexdigest()


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
    action = AuditAction(action)  # refuses an action that is not in the registry
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        if target_owner is None:
            target_owner = getattr(target, "owner", None)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
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
        data=json.loads(json.dumps(data or {}, default=str)),
    )
    with _chain_lock, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        event.seq, event.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
        event.hash = compute_hash(event, event.prev_hash)
        event.save(force_insert=True)
    return event


@dataclasses.dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def _iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(*, progress: Any = None) -> VerifyResult:
    """Walk the whole chain; name the first event whose link is broken and why."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for event in _iter_events():
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return VerifyResult(
                False,
                checked,
                event.seq,
                f"event #{event.seq} does not point at the hash of the event before it",
            )
        if compute_hash(event, prev_hash) != event.hash:
            return VerifyResult(
                False,
                checked,
                event.seq,
                f"event #{event.seq} was altered: its content does not match its hash",
            )
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(1)
    return VerifyResult(True, checked)
