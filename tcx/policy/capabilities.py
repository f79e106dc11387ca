"""What each person may do: one table of capabilities, answered by one function.

A person's capabilities follow from their role and the kind of their organisation (an officer
of a member-state agency contributes to the roadmap; an officer of an international
organisation does not). ``TABLE`` maps every (role, organisation kind) pair to its capabilities;
``has_capability(actor, capability)`` answers from it, and every page, endpoint, service,
selector, panel and navigation entry of TCX asks it instead of comparing role names.

Capabilities say what a person may do in general; whether they may see or act on one object
(its owner, audience and TLP) is the visibility rule of ``tcx.policy.rules``, which asks
``SEE_OPERATIONAL`` first. The table is documented in docs/design.md ("Capabilities").
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

from django.db.models import Q

from tcx.organisations.models import OrganisationKind
from tcx.policy.actors import MaybeActor, signed_in


class Role(enum.StrEnum):
    """The roles a person may hold (``tcx.accounts.models.Role`` gives them their labels)."""

    OFFICER = "officer"
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    AGENCY_ADMIN = "agency_admin"
    SECRETARIAT_OFFICER = "secretariat_officer"
    PARTNER_LIAISON = "partner_liaison"
    OPERATOR = "operator"


class Capability(enum.StrEnum):
    """What a person may do on the platform, whatever object it is done to."""

    # Operational data (records, hits, exchanges): see what the visibility rule lets through.
    SEE_OPERATIONAL = "see_operational"
    # Create, edit, archive and re-share the agency's own records; import; decide forwards.
    EDIT_OPERATIONAL = "edit_operational"
    # Send requests and replies on the exchange, and ask to forward a thread.
    EXCHANGE = "exchange"
    # The first-line handler of incoming requests: reminded when one nears its deadline.
    HANDLE_REQUESTS = "handle_requests"
    # Confirm or reject a match (a hit) on the agency's records.
    DECIDE_MATCH = "decide_match"
    # Decide the release of the agency's records behind a hit; told of hits and release requests.
    RELEASE = "release"
    # The agency's service measures and overdue requests escalated to it (counts, never content).
    SUPERVISE = "supervise"
    # Aggregate statistics of the node without seeing any record (the Secretariat, trends).
    COUNT = "count"
    # Organisations, sharing groups, crime areas (and approving another editor's changes).
    EDIT_REFERENCE_DATA = "edit_reference_data"
    # Create agencies' first admins and other operators, and give them MFA enrolment codes.
    ONBOARD_ACCOUNTS = "onboard_accounts"
    # An agency's own people and API tokens.
    ADMINISTER_AGENCY = "administer_agency"
    # The audit events that touch the agency's data and its people's actions.
    VIEW_AUDIT = "view_audit"
    # The node itself: system events, verifying the audit chain, node health.
    OPERATE_PLATFORM = "operate_platform"
    # The whole roadmap (meetings, plan, programmes, equipment), which is not operational data.
    SEE_ROADMAP = "see_roadmap"
    # A dialogue partner's share of the roadmap: its meetings, lines, programmes and offers.
    SEE_PARTNER_ROADMAP = "see_partner_roadmap"
    # A member state's part of the roadmap: progress on lines it leads, nominations, needs.
    CONTRIBUTE_ROADMAP = "contribute_roadmap"
    # Manage meetings, decisions, the plan, every programme and every equipment offer.
    EDIT_ROADMAP = "edit_roadmap"


C = Capability
_OPERATIONAL = frozenset({C.SEE_OPERATIONAL, C.EXCHANGE})
_EDITOR = _OPERATIONAL | {C.EDIT_OPERATIONAL}

# The capabilities of a role at an organisation of any kind ...
_ANY_KIND: Mapping[Role, frozenset[Capability]] = {
    Role.OFFICER: _EDITOR | {C.HANDLE_REQUESTS},
    Role.ANALYST: _EDITOR | {C.DECIDE_MATCH},
    Role.SUPERVISOR: _EDITOR | {C.DECIDE_MATCH, C.RELEASE, C.SUPERVISE, C.VIEW_AUDIT},
    Role.PARTNER_LIAISON: _OPERATIONAL | {C.HANDLE_REQUESTS},
    Role.AGENCY_ADMIN: frozenset({C.ADMINISTER_AGENCY, C.VIEW_AUDIT}),
    Role.SECRETARIAT_OFFICER: frozenset({C.COUNT, C.EDIT_REFERENCE_DATA}),
    Role.OPERATOR: frozenset({C.OPERATE_PLATFORM, C.EDIT_REFERENCE_DATA, C.ONBOARD_ACCOUNTS}),
}
# ... and what it adds at one kind of organisation: the roadmap belongs to the member states,
# the Secretariat and the dialogue partners.
_MEMBER_STATE = frozenset({C.SEE_ROADMAP, C.CONTRIBUTE_ROADMAP})
_AT_KIND: Mapping[tuple[Role, OrganisationKind], frozenset[Capability]] = {
    (Role.OFFICER, OrganisationKind.MEMBER_STATE_AGENCY): _MEMBER_STATE,
    (Role.ANALYST, OrganisationKind.MEMBER_STATE_AGENCY): _MEMBER_STATE,
    (Role.SUPERVISOR, OrganisationKind.MEMBER_STATE_AGENCY): _MEMBER_STATE,
    (Role.AGENCY_ADMIN, OrganisationKind.MEMBER_STATE_AGENCY): _MEMBER_STATE,
    (Role.SECRETARIAT_OFFICER, OrganisationKind.ASEAN_BODY): frozenset({C.SEE_ROADMAP, C.EDIT_ROADMAP}),
    (Role.PARTNER_LIAISON, OrganisationKind.PARTNER_AGENCY): frozenset({C.SEE_PARTNER_ROADMAP}),
}

# The table: every (role, organisation kind) pair and its capabilities.
TABLE: Mapping[tuple[str, str], frozenset[Capability]] = {
    (role, kind): _ANY_KIND[role] | _AT_KIND.get((role, kind), frozenset())
    for role in Role
    for kind in OrganisationKind
}

# The roles an organisation of each kind may give its people (the pairs accounts creates; the
# others exist only when an organisation's kind changed after its people were created).
ROLES_BY_KIND: Mapping[str, frozenset[Role]] = {
    OrganisationKind.MEMBER_STATE_AGENCY: frozenset(
        {Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.AGENCY_ADMIN}
    ),
    OrganisationKind.PARTNER_AGENCY: frozenset({Role.PARTNER_LIAISON, Role.AGENCY_ADMIN}),
    OrganisationKind.ASEAN_BODY: frozenset({Role.SECRETARIAT_OFFICER, Role.AGENCY_ADMIN, Role.OPERATOR}),
    OrganisationKind.INTERNATIONAL: frozenset(
        {Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.AGENCY_ADMIN}
    ),
}


def capabilities_of(actor: MaybeActor) -> frozenset[Capability]:
    """Everything ``actor`` may do; nothing for the anonymous, the inactive and the unknown.

    Not memoised: a dictionary lookup on the role and the organisation's kind (which Django
    caches on the user object), so a role or kind changed in the same process is never
    answered from an old value."""
    person = signed_in(actor)
    if person is None or person.organisation_id is None:
        return frozenset()
    return TABLE.get((person.role, person.organisation.kind), frozenset())


def has_capability(actor: MaybeActor, capability: Capability) -> bool:
    """May ``actor`` do ``capability``? False for the anonymous and the inactive."""
    return capability in capabilities_of(actor)


def roles_with(capability: Capability, *, kind: str | None = None) -> frozenset[str]:
    """The roles that hold ``capability`` (at organisations of ``kind``, or of some kind)."""
    return frozenset(
        role for (role, kind_), caps in TABLE.items() if capability in caps and kind in (None, kind_)
    )


def holders(capability: Capability, *, prefix: str = "") -> Q:
    """The people who hold ``capability``, as a filter on the user model (``prefix`` for a
    relation to it, e.g. ``"user__"``); the SQL form of ``has_capability`` for active people."""
    condition = Q(pk__in=[])
    for kind in OrganisationKind:
        roles = sorted(roles_with(capability, kind=kind))
        if roles:
            condition |= Q(**{f"{prefix}role__in": roles, f"{prefix}organisation__kind": kind})
    return condition & Q(**{f"{prefix}is_active": True})


def capability_table(
    roles: Iterable[str] = tuple(Role), kinds: Iterable[str] = tuple(OrganisationKind)
) -> dict[tuple[str, str], frozenset[Capability]]:
    """The table restricted to some roles and kinds (for documentation and tests)."""
    return {(role, kind): TABLE[(role, kind)] for role in roles for kind in kinds}
