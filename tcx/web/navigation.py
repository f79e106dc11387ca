"""The navigation of the page shell. Each app adds its entry here, with the capabilities that
show it."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.urls import NoReverseMatch, reverse

from tcx.policy.actors import MaybeActor
from tcx.policy.capabilities import Capability, capabilities_of


@dataclasses.dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # the entry shows to a person with any of these capabilities; None: every signed-in person
    capabilities: frozenset[Capability] | None = None
    # an HTMX partial that fills the entry's badge after the page has loaded (its own request,
    # so no page pays for another app's counts); fetched once per page, never polled, so that
    # an idle page does not keep its session alive past the idle timeout
    badge: str | None = None


OPERATIONAL = frozenset({Capability.SEE_OPERATIONAL})
# the roadmap is not operational data: member states, the Secretariat and partners (tcx/roadmap)
ROADMAP = frozenset({Capability.SEE_ROADMAP, Capability.SEE_PARTNER_ROADMAP})

NAVIGATION: list[NavItem] = [
    NavItem("Home", "web:home"),
    NavItem("Notifications", "notifications:list", badge="notifications:badge"),
    NavItem("Records", "records:list", OPERATIONAL),
    NavItem("Hits", "records:hits", OPERATIONAL),
    NavItem("Exchange", "exchange:inbox", OPERATIONAL, badge="exchange:nav_badge"),
    NavItem("Releases", "records:releases", frozenset({Capability.RELEASE})),
    NavItem("Roadmap", "roadmap:index", ROADMAP),
    NavItem("Meetings", "roadmap:meetings", ROADMAP),
    NavItem("Programmes", "roadmap:programmes", ROADMAP),
    NavItem("Equipment", "roadmap:equipment", ROADMAP),
    NavItem("Directory", "organisations:directory"),
    NavItem("Crime areas", "organisations:crime_areas"),
    NavItem("Sharing groups", "organisations:groups"),
    NavItem("Users", "accounts:users", frozenset({Capability.ADMINISTER_AGENCY})),
    NavItem("Audit", "audit:events"),
    NavItem("Jobs", "jobs:list", frozenset({Capability.OPERATE_PLATFORM})),
    NavItem("API tokens", "accounts:tokens"),
]


def navigation_for(user: MaybeActor, path: str, *, badges: bool = True) -> list[dict[str, Any]]:
    items = []
    held = capabilities_of(user)
    for item in NAVIGATION:
        if item.capabilities is not None and not item.capabilities & held:
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
