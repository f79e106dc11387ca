"""The navigation of the page shell. Each app adds its entry here, with the roles that see it."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclasses.dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None = None  # None: every signed-in person
    # an HTMX partial that fills the entry's badge after the page has loaded (its own request,
    # so no page pays for another app's counts); fetched once per page, never polled, so that
    # an idle page does not keep its session alive past the idle timeout
    badge: str | None = None


ALL_OPERATIONAL = frozenset({"officer", "analyst", "supervisor", "partner_liaison"})
# the roadmap is not operational data: member states, the Secretariat and partners (tcx/roadmap)
ROADMAP_ROLES = frozenset(
    {"officer", "analyst", "supervisor", "agency_admin", "secretariat_officer", "partner_liaison"}
)

NAVIGATION: list[NavItem] = [
    NavItem("Home", "web:home"),
    NavItem("Notifications", "notifications:list", badge="notifications:badge"),
    NavItem("Records", "records:list", ALL_OPERATIONAL),
    NavItem("Hits", "records:hits", ALL_OPERATIONAL),
    NavItem("Exchange", "exchange:inbox", ALL_OPERATIONAL, badge="exchange:nav_badge"),
    NavItem("Releases", "records:releases", frozenset({"supervisor"})),
    NavItem("Roadmap", "roadmap:index", ROADMAP_ROLES),
    NavItem("Meetings", "roadmap:meetings", ROADMAP_ROLES),
    NavItem("Programmes", "roadmap:programmes", ROADMAP_ROLES),
    NavItem("Equipment", "roadmap:equipment", ROADMAP_ROLES),
    NavItem("Directory", "organisations:directory"),
    NavItem("Crime areas", "organisations:crime_areas"),
    NavItem("Sharing groups", "organisations:groups"),
    NavItem("Users", "accounts:users", frozenset({"agency_admin"})),
    NavItem("Audit", "audit:events"),
    NavItem("Jobs", "jobs:list", frozenset({"operator"})),
    NavItem("API tokens", "accounts:tokens"),
]


def navigation_for(user: Any, path: str, *, badges: bool = True) -> list[dict[str, Any]]:
    items = []
    for item in NAVIGATION:
        if item.roles is not None and user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # an app that is not installed on this node
            continue
        badge_url = None
        if item.badge and badges:
            try:
                badge_url = reverse(item.badge)
            except NoReverseMatch:
                badge_url = None
        items.append({"label": item.label, "url": url, "current": False, "badge_url": badge_url})
    # the current entry is the one with the longest URL the path starts with
    urls = [str(i["url"]) for i in items]
    matching = [n for n, url in enumerate(urls) if (path == url if url == "/" else path.startswith(url))]
    if matching:
        items[max(matching, key=lambda n: len(urls[n]))]["current"] = True
    return items
