"""The roadmap's home-page panel: the lines the actor's state leads that are due soon or late."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability, has_capability
from tcx.roadmap import selectors


def roadmap_panel(actor: Actor) -> dict[str, Any] | None:
    scope = selectors.scope_of(actor)
    if scope is None:
        return None
    somtc = selectors.next_somtc()
    lines = selectors.action_line_list(actor=actor).exclude(status__in=("done", "dropped"))
    if has_capability(actor, Capability.CONTRIBUTE_ROADMAP):
        country = actor.organisation.country_id
        lines = lines.filter(Q(lead_id=country) | Q(co_leads=country)).distinct()
    items = []
    late = [line for line in lines if selectors.line_status(line) == "late"]
    if late:
        items.append(f"{len(late)} action line(s) late: " + ", ".join(line.code for line in late[:5]))
    if somtc:
        due = lines.filter(due_on__lte=somtc.starts_on).count()
        items.append(f"{due} open action line(s) due before {somtc.number} ({somtc.starts_on:%d %b %Y}).")
    title = "Roadmap: lines you lead" if has_capability(actor, Capability.CONTRIBUTE_ROADMAP) else "Roadmap"
    return {
        "title": title,
        "items": items or ["Nothing due or late."],
        "link": ("/roadmap/", "Open the roadmap"),
    }
