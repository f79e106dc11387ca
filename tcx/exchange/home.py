"""The home-page panel of the exchange: requests waiting for the agency, overdue ones."""

from __future__ import annotations

from typing import Any

from tcx.exchange import selectors
from tcx.policy import rules
from tcx.policy.actors import Actor


def exchange_panel(actor: Actor) -> dict[str, Any] | None:
    if not rules.sees_operational_data(actor):
        return None
    counts = selectors.waiting_counts(actor=actor)
    label = {key: selectors.count_label(value) for key, value in counts.items()}
    items = [f"{label['open']} request(s) waiting for your agency; {label['assigned']} assigned to you."]
    if counts["overdue"]:
        items.append(f"{label['overdue']} overdue.")
    return {"title": "Requests waiting for you", "items": items, "link": ("/exchange/", "Open the inbox")}
