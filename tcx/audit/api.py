"""Audit endpoints: the events the caller may read, and (operator) chain verification."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import paginate

from tcx.api.pagination import LimitOffsetPagination
from tcx.api.problems import ApiProblem
from tcx.api.routing import ApiRouter
from tcx.audit import selectors, services
from tcx.audit.registry import AuditAction
from tcx.kernel.pages import actor_of
from tcx.policy.capabilities import Capability, has_capability

router = ApiRouter(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    created_at: dt.datetime
    actor: str
    organisation_id: int | None
    action: str
    target_type: str
    target_id: str
    target_owner_id: int | None
    client_address: str
    data: dict[str, Any]
    partition: str  # the chain the event belongs to (day/organisation/lane, root or legacy)
    pseq: int | None  # its place in that chain (None in the legacy chain: seq)
    hash: str

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor_label)


class VerifyOut(Schema):
    ok: bool
    checked: int
    broken_partition: str | None  # the partition of the first broken link
    broken_seq: int | None  # its event number in that partition (seq in the legacy chain)
    reason: str
    partitions: int  # partitions verified
    legacy: int  # events hashed before the chain was keyed
    keyed_from: int | None  # the legacy chain's epoch event, from which its hashes are keyed
    checkpoints: int  # signed checkpoints outside the database that matched
    anchored_to: int | None  # the root event the newest checkpoint vouches for
    unanchored: int  # events the root chain does not record yet
    warnings: list[str]


@router.get("/events", response=list[AuditEventOut], summary="Audit events the caller may read")
@paginate(LimitOffsetPagination)
def list_events(request: HttpRequest, action: str | None = None, outside_only: bool = False) -> Any:
    if action and action not in AuditAction.values:
        raise ApiProblem(
            422, f"unknown action {action!r}", errors=[{"field": "action", "message": "unknown action"}]
        )
    services.record(
        actor=actor_of(request),
        action=AuditAction.AUDIT_VIEWED,
        request=request,
        data={"via": "api", "action": action, "outside_only": outside_only},
    )
    return selectors.audit_event_list(
        actor=actor_of(request), filters={"action": action, "outside_only": outside_only}
    )


@router.post(
    "/verify", response=VerifyOut, summary="Verify every partition of the hash chain (platform operator)"
)
def verify_chain(request: HttpRequest) -> Any:
    if not has_capability(request.user, Capability.OPERATE_PLATFORM):
        raise ApiProblem(403, "only the platform operator verifies the audit chain")
    result = services.verify()
    services.record(
        actor=actor_of(request),
        action=AuditAction.AUDIT_VERIFIED,
        request=request,
        data={"checked": result.checked, "ok": result.ok},
    )
    return result
