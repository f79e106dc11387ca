"""Who may read which audit events.

- supervisors and agency admins: events that touch their agency's data, and the actions of
  their agency's people ("who read our data");
- the platform operator: system events (accounts, sign-ins, tokens, reference data);
- everyone else: their own actions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tcx.audit.models import AuditEvent
from tcx.audit.registry import SYSTEM_ACTIONS
from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability, has_capability


def audit_event_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("organisation", "target_owner")
    if actor is None or not actor.is_authenticated:
        return qs.none()
    if has_capability(actor, Capability.OPERATE_PLATFORM):
        qs = qs.filter(action__in=SYSTEM_ACTIONS)
    elif has_capability(actor, Capability.VIEW_AUDIT):
        qs = qs.filter(Q(target_owner_id=actor.organisation_id) | Q(organisation_id=actor.organisation_id))
    else:
        qs = qs.filter(actor_id=actor.pk)
    filters = filters or {}
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor_label=filters["actor"])
    if filters.get("outside_only") and actor.organisation_id:
        # Reads of our data by other agencies: the question a supervisor asks most.
        qs = qs.filter(target_owner_id=actor.organisation_id, organisation_id__isnull=False).exclude(
            organisation_id=actor.organisation_id
        )
    return qs.order_by("-seq")
