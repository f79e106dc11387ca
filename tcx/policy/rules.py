"""Who may see and do what. Every visibility question in TCX is answered here.

Visibility of a shareable object for an actor (a user):
- only the operational roles (officer, analyst, supervisor, partner liaison) see operational
  data; the agency admin, the Secretariat officer and the platform operator see none;
- the owner's people see everything the owner holds;
- CLEAR is visible to every operational user of the node;
- GREEN, AMBER and AMBER+STRICT are visible to the audience: named organisations and the
  members of named sharing groups;
- RED is visible to the named organisations only (a group is not a named recipient);
- a dialogue-partner agency never sees a non-CLEAR object that has no legal basis, even if a
  group reaches it (defence in depth: group membership can change after the object was shared).

What an actor may not see is "not found" (``NotFound``), never "forbidden".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Protocol, TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from tcx.organisations import selectors as org_selectors
from tcx.organisations.models import Organisation, OrganisationKind
from tcx.policy.models import (
    TLP,
    HandlingCode,
    InformationAssessment,
    Shareable,
    SourceReliability,
)


class User(Protocol):
    """What the policy needs of an actor (``tcx.accounts.models.User`` is one)."""

    pk: Any
    role: str
    organisation_id: int | None
    organisation: Organisation
    is_active: bool

    @property
    def is_authenticated(self) -> bool: ...


OPERATIONAL_ROLES = frozenset({"officer", "analyst", "supervisor", "partner_liaison"})
EDITOR_ROLES = frozenset({"officer", "analyst", "supervisor"})
# Who decides the release of an agency's records behind a hit (and is told of hits on them).
RELEASER_ROLES = frozenset({"supervisor"})
# The platform operator onboards agencies; the Secretariat keeps the SOMTC facts (lead shepherds).
REFERENCE_EDITOR_ROLES = frozenset({"operator", "secretariat_officer"})
# The accounts the operator creates, and so may give a first MFA enrolment code: agencies' first
# admins and other operators.
OPERATOR_ONBOARDED_ROLES = frozenset({"agency_admin", "operator"})

M = TypeVar("M", bound=models.Model)


class NotFound(Exception):
    """The object does not exist, or the actor may not see it: the two are never told apart."""


class PolicyError(ValueError):
    """A sharing policy that breaks the rules; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


class Action(models.TextChoices):
    VIEW = "view", "view"
    EDIT = "edit", "edit"
    ARCHIVE = "archive", "archive"
    SHARE = "share", "change the audience"
    RELEASE = "release", "release"
    EXPORT = "export", "export"
    FORWARD = "forward", "forward to a third party"


def sees_operational_data(actor: User | None) -> bool:
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.role in OPERATIONAL_ROLES
        and actor.organisation_id is not None
    )


def edits_operational_data(actor: User | None) -> bool:
    """An agency's officers, analysts and supervisors: they write and decide for their agency."""
    return sees_operational_data(actor) and actor is not None and actor.role in EDITOR_ROLES


def edits_reference_data(actor: Any) -> bool:
    """May change organisations, sharing groups and crime areas (and decide the changes of an
    organisation's kind, country or routing that another editor asked for)."""
    return bool(actor is not None and actor.is_authenticated and actor.role in REFERENCE_EDITOR_ROLES)


def onboards_account(actor: Any, user: Any) -> bool:
    """The operator onboards agencies' first admins and other operators (it issues their MFA
    enrolment codes); an agency's own people are its admin's."""
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.role == "operator"
        and user.role in OPERATOR_ONBOARDED_ROLES
    )


def _actor_groups(actor: User) -> set[int]:
    cache = getattr(actor, "_tcx_group_ids", None)
    if cache is None:
        cache = org_selectors.sharing_group_ids_for(organisation=actor.organisation)
        actor._tcx_group_ids = cache  # type: ignore[attr-defined]
    return cache


def visible(queryset: QuerySet[M], actor: User | None, *, per_row: bool = False) -> QuerySet[M]:
    """The objects of ``queryset`` (a ``Shareable`` model) that ``actor`` may see.

    ``per_row=True`` states the same rule with correlated EXISTS probes of the audience tables
    instead of IN over the actor's whole audience: for a caller that walks a few rows in index
    order (a page of an inbox), where building the full audience set would cost more than the
    page."""
    if not sees_operational_data(actor):
        return queryset.none()
    assert actor is not None
    model = queryset.model
    org_id = actor.organisation_id
    org_through = model.audience_organisations.through  # type: ignore[attr-defined]
    group_through = model.audience_groups.through  # type: ignore[attr-defined]
    fk = f"{model._meta.model_name}_id"
    named: Q | Exists
    in_group: Q | Exists
    if per_row:
        named = Exists(org_through.objects.filter(**{fk: OuterRef("pk")}, organisation_id=org_id))
        in_group = Exists(
            group_through.objects.filter(**{fk: OuterRef("pk")}, sharinggroup_id__in=_actor_groups(actor))
        )
    else:
        named = Q(pk__in=org_through.objects.filter(organisation_id=org_id).values(fk))
        in_group = Q(pk__in=group_through.objects.filter(sharinggroup_id__in=_actor_groups(actor)).values(fk))
    audience = Q(tlp__in=[TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT]) & (named | in_group)
    audience |= Q(tlp=TLP.RED) & named
    if actor.organisation.kind == OrganisationKind.PARTNER_AGENCY:
        audience &= ~Q(legal_basis="")
    return queryset.filter(Q(owner_id=org_id) | Q(tlp=TLP.CLEAR) | audience)


def is_visible(obj: Shareable, actor: User | None) -> bool:
    """The same rule as ``visible`` for one object already in memory."""
    if not sees_operational_data(actor):
        return False
    assert actor is not None
    if obj.owner_id == actor.organisation_id:  # type: ignore[attr-defined]
        return True
    if obj.tlp == TLP.CLEAR:
        return True
    if actor.organisation.kind == OrganisationKind.PARTNER_AGENCY and not obj.legal_basis:
        return False
    named = obj.audience_organisations.filter(pk=actor.organisation.pk).exists()
    if obj.tlp == TLP.RED:
        return named
    if named:
        return True
    return obj.audience_groups.filter(pk__in=_actor_groups(actor)).exists()


def access(queryset: QuerySet[M], *, actor: User | None, pk: Any, action: str = Action.VIEW) -> M:
    """The one object lookup: the object if the actor may see it and do ``action``, else NotFound."""
    obj = visible(queryset, actor).filter(pk=pk).first()
    if obj is None or not can(actor, action, obj):  # type: ignore[arg-type]
        raise NotFound(f"{queryset.model._meta.verbose_name} {pk} not found")
    return obj


def can(actor: User | None, action: str, obj: Shareable) -> bool:
    """May ``actor`` do ``action`` on ``obj``? Always False for what the actor may not see."""
    if not is_visible(obj, actor):
        return False
    assert actor is not None
    is_owner = obj.owner_id == actor.organisation_id  # type: ignore[attr-defined]
    if action == Action.VIEW or action == Action.EXPORT:
        return True
    if action in (Action.EDIT, Action.ARCHIVE, Action.SHARE):
        return is_owner and actor.role in EDITOR_ROLES
    if action == Action.RELEASE:
        return is_owner and actor.role == "supervisor"
    if action == Action.FORWARD:
        if is_owner:
            return True
        return HandlingCode.H2 not in (obj.handling_codes or []) and obj.tlp not in (
            TLP.RED,
            TLP.AMBER_STRICT,
        )
    return False


@dataclasses.dataclass
class Policy:
    """A sharing policy as the user gives it, before it is validated and applied."""

    audience_organisations: list[int] = dataclasses.field(default_factory=list)
    audience_groups: list[int] = dataclasses.field(default_factory=list)
    tlp: str = TLP.AMBER
    handling_codes: list[str] = dataclasses.field(default_factory=list)
    handling_h3_text: str = ""
    evaluation_source: str = ""
    evaluation_information: str = ""
    legal_basis: str = ""
    review_date: dt.date | None = None


def validate_policy(policy: Policy, *, owner: Organisation, today: dt.date | None = None) -> Policy:
    """Check a policy as a whole; raise PolicyError naming every field that is wrong."""
    errors: dict[str, str] = {}
    if policy.tlp not in TLP.values:
        errors["tlp"] = f"unknown TLP level {policy.tlp!r}; use one of {', '.join(TLP.values)}"
    codes = list(dict.fromkeys(policy.handling_codes))
    unknown = [c for c in codes if c not in HandlingCode.values]
    if unknown:
        errors["handling_codes"] = f"unknown handling code(s) {', '.join(map(str, unknown))}; use H0-H3"
    text = (policy.handling_h3_text or "").strip()
    if HandlingCode.H3 in codes and not text:
        errors["handling_h3_text"] = "handling code H3 needs the text of the restriction"
    if text and HandlingCode.H3 not in codes:
        errors["handling_h3_text"] = "restriction text is given but handling code H3 is not set"
    if policy.evaluation_source and policy.evaluation_source not in SourceReliability.values:
        errors["evaluation_source"] = "source evaluation must be A, B, C or X"
    if policy.evaluation_information and policy.evaluation_information not in InformationAssessment.values:
        errors["evaluation_information"] = "information evaluation must be 1, 2, 3 or 4"
    if bool(policy.evaluation_source) != bool(policy.evaluation_information):
        errors.setdefault("evaluation", "give both parts of the 4x4 evaluation (e.g. B2) or neither")
    org_ids = set(policy.audience_organisations)
    found_orgs = set(Organisation.objects.filter(pk__in=org_ids).values_list("pk", flat=True))
    if org_ids - found_orgs:
        errors["audience_organisations"] = f"unknown organisation(s): {sorted(org_ids - found_orgs)}"
    group_ids = set(policy.audience_groups)
    found_groups = set(
        org_selectors.sharing_group_list().filter(pk__in=group_ids).values_list("pk", flat=True)
    )
    if group_ids - found_groups:
        errors["audience_groups"] = f"unknown sharing group(s): {sorted(group_ids - found_groups)}"
    if policy.tlp == TLP.RED and group_ids:
        errors["audience_groups"] = "TLP:RED goes to named organisations only, not to sharing groups"
    if not errors:
        partners = org_selectors.partner_organisations_in(organisation_ids=found_orgs, group_ids=found_groups)
        partners = [p for p in partners if p.pk != owner.pk]
        if partners and not policy.legal_basis.strip():
            names = ", ".join(p.display_name for p in partners[:3])
            errors["legal_basis"] = (
                f"the audience includes dialogue-partner agencies ({names}); name the legal basis "
                "(the instrument that allows sharing with them)"
            )
    if policy.review_date and policy.review_date < (today or dt.date.today()):
        errors["review_date"] = "the review date is in the past"
    if errors:
        raise PolicyError(errors)
    return dataclasses.replace(
        policy,
        audience_organisations=sorted(found_orgs - {owner.pk}),
        audience_groups=sorted(found_groups),
        handling_codes=codes,
        handling_h3_text=text,
        legal_basis=policy.legal_basis.strip(),
    )


def apply_policy(obj: Shareable, policy: Policy) -> None:
    """Write a validated policy onto a saved object (fields and audience)."""
    obj.tlp = policy.tlp
    obj.handling_codes = policy.handling_codes
    obj.handling_h3_text = policy.handling_h3_text
    obj.evaluation_source = policy.evaluation_source
    obj.evaluation_information = policy.evaluation_information
    obj.legal_basis = policy.legal_basis
    obj.review_date = policy.review_date
    obj.save(
        update_fields=[
            "tlp",
            "handling_codes",
            "handling_h3_text",
            "evaluation_source",
            "evaluation_information",
            "legal_basis",
            "review_date",
        ]
    )
    obj.audience_organisations.set(policy.audience_organisations)
    obj.audience_groups.set(policy.audience_groups)


def policy_of(obj: Shareable) -> dict[str, Any]:
    """The policy metadata of an object, as carried into every view and export."""
    return {
        "owner": obj.owner.name,  # type: ignore[attr-defined]
        "tlp": obj.tlp,
        "handling_codes": list(obj.handling_codes or []),
        "handling_h3_text": obj.handling_h3_text,
        "evaluation": obj.evaluation,
        "legal_basis": obj.legal_basis,
        "review_date": obj.review_date.isoformat() if obj.review_date else None,
        "audience_organisations": [o.name for o in obj.audience_organisations.all()],
        "audience_groups": [g.name for g in obj.audience_groups.all()],
    }


def runs_the_node(actor: Any) -> bool:
    """The node's operator: sees the background job queue (every agency's jobs, no record
    content) and queues a failed job again."""
    return bool(actor is not None and actor.is_authenticated and actor.is_active and actor.role == "operator")
