"""The hit inbox on the home page."""

from __future__ import annotations

from typing import Any

from tcx.policy import rules
from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability, has_capability
from tcx.records import selectors
from tcx.records.models import MatchStatus


def hits_panel(actor: Actor) -> dict[str, Any] | None:
    if not rules.sees_operational_data(actor):
        return None
    open_hits = selectors.hit_list(actor=actor, status=MatchStatus.OPEN)
    newest = open_hits[:5]
    items = []
    for hit in newest:
        if hit.is_hit:
            items.append(
                f"{hit.own.caption}: a record held by {hit.holder} — {hit.schema} — "
                f"{'strong' if hit.band == 'match' else 'possible'} match"
            )
        else:
            items.append(f"{hit.own.caption} matches {hit.other.caption if hit.other else ''} ({hit.holder})")
    if newest:  # the panel shows captions of records: a read of operational data
        from tcx.audit import services as audit
        from tcx.audit.registry import AuditAction

        audit.record(
            actor=actor,
            action=AuditAction.MATCH_VIEWED,
            data={"via": "home", "matches": [h.match.pk for h in newest]},
        )
    open_count = open_hits.count() if newest else 0  # no open hit: nothing more to ask
    if newest and open_hits.matches.filter(deconfliction=True).exists():
        items.insert(0, "Deconfliction: another agency targets the same subject in an active operation.")
    if has_capability(actor, Capability.RELEASE):
        pending = selectors.release_requests_to_decide(actor=actor).filter(status="pending")
        if pending.exists():
            items.append(f"{pending.count()} request(s) to release your agency's records wait for you.")
    return {
        "title": f"Hits ({open_count} open)",
        "items": items or ["No new hits on your records."],
        "link": ("/records/hits/", "Open the hit inbox"),
    }
