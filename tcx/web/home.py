"""The home page: "what needs my attention", one set of panels per persona.

Each panel is a function of the actor returning a dict (title, items, link) or None. Apps that
come later add their panels (hits, messages, deadlines) to ``PANELS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from tcx.accounts import selectors as account_selectors
from tcx.audit import selectors as audit_selectors
from tcx.exchange.home import exchange_panel
from tcx.organisations import selectors as org_selectors
from tcx.policy import rules
from tcx.policy.actors import Actor, user_of
from tcx.policy.capabilities import Capability, has_capability
from tcx.records.home import hits_panel
from tcx.roadmap.home import roadmap_panel

Panel = dict[str, Any]


def _account_panel(actor: Actor) -> Panel | None:
    items = []
    soon = timezone.now() + dt.timedelta(days=14)
    user = user_of(actor)
    for token in account_selectors.token_list(actor=user).filter(
        user=user, revoked_at__isnull=True, expires_at__lte=soon, expires_at__gt=timezone.now()
    ):
        items.append(f"API token “{token.name}” expires on {token.expires_at:%Y-%m-%d}.")
    if not account_selectors.has_confirmed_mfa(user=user):
        items.append(
            "You have no authenticator yet: you will enrol one at your next sign-in outside demo mode, "
            "with the enrolment code your agency administrator gives you."
        )
    return {"title": "Your account", "items": items or ["Nothing needs your attention."], "link": None}


def _outside_reads_panel(actor: Actor) -> Panel | None:
    if not has_capability(actor, Capability.VIEW_AUDIT):
        return None
    since = timezone.now() - dt.timedelta(days=7)
    events = audit_selectors.audit_event_list(actor=actor, filters={"outside_only": True}).filter(
        created_at__gte=since
    )
    count = events.count()
    return {
        "title": "Who read our data",
        "items": [f"{count} access(es) to your agency's data by other agencies in the last 7 days."],
        "link": ("/audit/?outside=1", "Open the audit log"),
    }


def _users_panel(actor: Actor) -> Panel | None:
    if not has_capability(actor, Capability.ADMINISTER_AGENCY):
        return None
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = account_selectors.user_list(fetched_by=user_of(actor))
    without_mfa = users.filter(is_active=True).exclude(
        pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id")
    )
    items = [f"{users.filter(is_active=True).count()} active people in your agency."]
    if without_mfa.exists():
        items.append(
            f"{without_mfa.count()} have not enrolled an authenticator yet: "
            "each needs an enrolment code from you (People → Issue enrolment code)."
        )
    return {"title": "Your agency's people", "items": items, "link": ("/accounts/users/", "Manage users")}


def _operator_panel(actor: Actor) -> Panel | None:
    if not has_capability(actor, Capability.OPERATE_PLATFORM):
        return None
    last = audit_selectors.audit_event_list(actor=actor, filters={"action": "audit.verified"}).first()
    items = [
        f"Last audit-chain verification: {last.created_at:%Y-%m-%d %H:%M} UTC "
        f"({last.data.get('checked')} events)."
        if last
        else "The audit chain has not been verified yet: run `tcx audit verify`."
    ]
    failed = audit_selectors.audit_event_list(actor=actor, filters={"action": "auth.locked_out"}).filter(
        created_at__gte=timezone.now() - dt.timedelta(days=1)
    )
    if failed.exists():
        items.append(f"{failed.count()} account lockout(s) in the last 24 hours.")
    return {"title": "Node health", "items": items, "link": ("/audit/", "System events")}


def _groups_panel(actor: Actor) -> Panel | None:
    if not has_capability(actor, Capability.SEE_OPERATIONAL):
        return None
    group_ids = org_selectors.sharing_group_ids_for(organisation=actor.organisation)
    names = [g.name for g in org_selectors.sharing_group_list().filter(pk__in=group_ids)]
    return {
        "title": "What is shared with your agency",
        "items": [f"Your agency is in {len(names)} sharing group(s): {', '.join(names) or 'none'}."],
        "link": ("/organisations/groups/", "Sharing groups"),
    }


def _secretariat_panel(actor: Actor) -> Panel | None:
    if not has_capability(actor, Capability.COUNT):
        return None
    countries = org_selectors.country_list().filter(kind="member_state")
    agencies = org_selectors.organisation_list(kind="member_state_agency")
    return {
        "title": "The network",
        "items": [
            f"{countries.count()} member states, {agencies.count()} member-state agencies on this node."
        ],
        "link": ("/organisations/", "Directory"),
    }


def _organisation_changes_panel(actor: Actor) -> Panel | None:
    """For the reference-data editors: changes of kind, country or routing awaiting a second person."""
    if not rules.edits_reference_data(actor):
        return None
    pending = org_selectors.organisation_change_list(status="pending")
    count = pending.count()
    if not count:
        return None
    waiting_for_me = pending.exclude(requested_by=user_of(actor)).count()
    return {
        "title": "Organisation changes awaiting approval",
        "items": [
            f"{count} pending; {waiting_for_me} requested by someone else, for you to approve or reject."
        ],
        "link": ("/organisations/changes/", "Review changes"),
    }


PANELS: list[Callable[[Any], Panel | None]] = [
    exchange_panel,
    hits_panel,
    roadmap_panel,
    _groups_panel,
    _outside_reads_panel,
    _users_panel,
    _operator_panel,
    _organisation_changes_panel,
    _secretariat_panel,
    _account_panel,
]


def panels_for(actor: Actor) -> list[Panel]:
    return [panel for panel in (build(actor) for build in PANELS) if panel]
