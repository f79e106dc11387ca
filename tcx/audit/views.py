"""Audit views: who did what, filtered to what the actor may read (``selectors.audit_event_list``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tcx.audit import selectors
from tcx.audit.registry import AuditAction
from tcx.kernel.pages import actor_of, page, read
from tcx.policy.actors import MaybeActor
from tcx.policy.capabilities import Capability, has_capability


@page(audit_read=AuditAction.AUDIT_VIEWED)
def event_list_view(request: HttpRequest) -> HttpResponse:
    filters = {
        "action": request.GET.get("action") if request.GET.get("action") in AuditAction.values else None,
        "outside_only": request.GET.get("outside") == "1",
    }
    events = selectors.audit_event_list(actor=actor_of(request), filters=filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    read(request, data={"filters": {k: v for k, v in filters.items() if v}, "page": page.number})
    return render(
        request,
        "audit/events.html",
        {
            "page": page,
            "actions": AuditAction.choices,
            "filters": filters,
            "scope": _scope_label(request.user),
        },
    )


def _scope_label(user: MaybeActor) -> str:
    if has_capability(user, Capability.OPERATE_PLATFORM):
        return "System events of this node (sign-ins, accounts, tokens, reference data)."
    if has_capability(user, Capability.VIEW_AUDIT):
        return "Events that touch your agency's data, and the actions of your agency's people."
    return "Your own actions."
