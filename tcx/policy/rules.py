"""Who may see and do what. Every visibility question in TCX is answered here.

Visibility of a shareable object for an actor (a user):
- only the people with ``Capability.SEE_OPERATIONAL`` (officers, analysts, supervisors, partner
  liaisons; ``tcx.policy.capabilities``) see operational data; the agency admin, the
  Secretariat officer and the platform operator see none;
- the owner's people see everything the owner holds;
- CLEAR is visible to every operational user of the node;
- GREEN, AMBER and AMBER+STRICT are visible to the audience: named organisations and the
  members of named sharing groups (and any other audience an app registers, see
  ``tcx.policy.audiences``);
- RED is visible to the named organisations only (a group is not a named recipient);
- a dialogue-partner agency never sees a non-CLEAR object that has no legal basis, even if a
  group reaches it (defence in depth: group membership can change after the object was shared).

What an actor may not see is "not found" (``NotFound``), never "forbidden".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet, Value

from tcx.kernel.errors import FieldErrors
from tcx.organisations import selectors as org_selectors
from tcx.organisations.models import Organisation, OrganisationKind
from tcx.policy.actors import Actor, MaybeActor, signed_in
from tcx.policy.audiences import audience_providers
from tcx.policy.capabilities import Capability, Role, has_capability, roles_with
from tcx.policy.models import (
    TLP,
    HandlingCode,
    InformationAssessment,
    Shareable,
    SourceReliability,
)

# The role sets of the table, for the few callers that still select people by role.
OPERATIONAL_ROLES = roles_with(Capability.SEE_OPERATIONAL)
EDITOR_ROLES = roles_with(Capability.EDIT_OPERATIONAL)
# Who decides the release of an agency's records behind a hit (and is told of hits on them).
RELEASER_ROLES = roles_with(Capability.RELEASE)
# The platform operator onboards agencies; the Secretariat keeps the SOMTC facts (lead shepherds).
REFERENCE_EDITOR_ROLES = roles_with(Capability.EDIT_REFERENCE_DATA)
# The accounts the operator creates, and so may give a first MFA enrolment code: agencies' first
# admins and other operators.
OPERATOR_ONBOARDED_ROLES = frozenset({Role.AGENCY_ADMIN, Role.OPERATOR})

M = TypeVar("M", bound=models.Model)


class NotFound(Exception):
    """The object does not exist, or the actor may not see it: the two are never told apart."""


class PolicyError(FieldErrors):
    """A sharing policy that breaks the rules; ``errors`` maps each field to what is wrong."""


class Action(models.TextChoices):
    VIEW = "view", "view"
    EDIT = "edit", "edit"
    ARCHIVE = "archive", "archive"
    SHARE = "share", "change the audience"
    RELEASE = "release", "release"
    EXPORT = "export", "export"
    FORWARD = "forward", "forward to a third party"


def sees_operational_data(actor: MaybeActor) -> bool:
    return has_capability(actor, Capability.SEE_OPERATIONAL)


def edits_operational_data(actor: MaybeActor) -> bool:
    """An agency's officers, analysts and supervisors: they write and decide for their agency."""
    return has_capability(actor, Capability.EDIT_OPERATIONAL)


def edits_reference_data(actor: MaybeActor) -> bool:
    """May change organisations, sharing groups and crime areas (and decide the changes of an
    organisation's kind, country or routing that another editor asked for)."""
    return has_capability(actor, Capability.EDIT_REFERENCE_DATA)


def onboards_role(actor: MaybeActor, role: str) -> bool:
    """May ``actor`` create a person of ``role``? The operator onboards agencies' first admins
    and other operators; an agency's own people are its admin's."""
    return has_capability(actor, Capability.ONBOARD_ACCOUNTS) and role in OPERATOR_ONBOARDED_ROLES


def onboards_account(actor: MaybeActor, user: Actor) -> bool:
    """The operator onboards agencies' first admins and other operators (it issues their MFA
    enrolment codes); an agency's own people are its admin's."""
    return onboards_role(actor, user.role)


def _audience(model: type[models.Model], actor: Actor, *, per_row: bool) -> Q:
    """Who else than the owner's people an object reaches: the union of the registered audiences,
    each at the TLP levels it reaches."""
    audience = Q(pk__in=[])
    for provider in audience_providers():
        condition = provider.sql(model, actor, per_row)
        if condition is not None:
            audience |= Q(Q(tlp__in=sorted(provider.levels)), condition)
    return audience


def visible(queryset: QuerySet[M], actor: MaybeActor, *, per_row: bool = False) -> QuerySet[M]:
    """The objects of ``queryset`` (a ``Shareable`` model) that ``actor`` may see.

    ``per_row=True`` states the same rule with correlated EXISTS probes of the audience tables
    instead of IN over the actor's whole audience: for a caller that walks a few rows in index
    order (a page of an inbox), where building the full audience set would cost more than the
    page."""
    person = signed_in(actor)
    if person is None or not sees_operational_data(person):
        return queryset.none()
    audience = _audience(queryset.model, person, per_row=per_row)
    if person.organisation.kind == OrganisationKind.PARTNER_AGENCY:
        audience &= ~Q(legal_basis="")
    return queryset.filter(Q(owner_id=person.organisation_id) | Q(tlp=TLP.CLEAR) | audience)


def is_visible(obj: Shareable, actor: MaybeActor) -> bool:
    """The same rule as ``visible`` for one object already in memory."""
    person = signed_in(actor)
    if person is None or not sees_operational_data(person):
        return False
    if obj.owner_id == person.organisation_id:
        return True
    if obj.tlp == TLP.CLEAR:
        return True
    if person.organisation.kind == OrganisationKind.PARTNER_AGENCY and not obj.legal_basis:
        return False
    return any(
        obj.tlp in provider.levels and provider.contains(obj, person) for provider in audience_providers()
    )


def access(queryset: QuerySet[M], *, actor: MaybeActor, pk: Any, action: str = Action.VIEW) -> M:
    """The one object lookup: the object if the actor may see it and do ``action``, else NotFound."""
    obj = visible(queryset, actor).filter(pk=pk).first()
    if obj is None or not can(actor, action, obj):  # type: ignore[arg-type]
        raise NotFound(f"{queryset.model._meta.verbose_name} {pk} not found")
    return obj


def can(actor: MaybeActor, action: str, obj: Shareable) -> bool:
    """May ``actor`` do ``action`` on ``obj``? Always False for what the actor may not see."""
    person = signed_in(actor)
    if person is None or not is_visible(obj, person):
        return False
    is_owner = obj.owner_id == person.organisation_id
    if action == Action.VIEW or action == Action.EXPORT:
        return True
    if action in (Action.EDIT, Action.ARCHIVE, Action.SHARE):
        return is_owner and has_capability(person, Capability.EDIT_OPERATIONAL)
    if action == Action.RELEASE:
        return is_owner and has_capability(person, Capability.RELEASE)
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
    obj.__dict__.pop("_tcx_audience", None)  # read by load_audiences: no longer the audience


# The columns of the rows ``load_audiences`` reads: kind, object id, label, then two sort keys.
AUDIENCE_ORGANISATION, AUDIENCE_GROUP, ALSO = 0, 1, 2


def audience_rows(model: type[models.Model], ids: list[Any]) -> list[QuerySet[Any]]:
    """The named organisations and sharing groups of the objects ``ids`` of a ``Shareable`` model,
    as rows (kind, object id, name, sort text, sort number) that a union can read at once."""
    fk = f"{model._meta.model_name}_id"
    org_through = model.audience_organisations.through  # type: ignore[attr-defined]
    group_through = model.audience_groups.through  # type: ignore[attr-defined]
    return [
        org_through.objects.filter(**{f"{fk}__in": ids})
        .order_by()
        .values_list(
            Value(AUDIENCE_ORGANISATION, output_field=models.IntegerField()),
            fk,
            "organisation__name",
            "organisation__country__name",
            Value(0, output_field=models.IntegerField()),
        ),
        group_through.objects.filter(**{f"{fk}__in": ids})
        .order_by()
        .values_list(
            Value(AUDIENCE_GROUP, output_field=models.IntegerField()),
            fk,
            "sharinggroup__name",
            Value("", output_field=models.CharField()),
            Value(0, output_field=models.IntegerField()),
        ),
    ]


def load_audiences(objs: list[Any], *, also: QuerySet[Any] | None = None) -> dict[Any, list[str]]:
    """Read the audiences of many objects of one model in one query, for ``policy_of`` (instead of
    a query per object and relation, or three prefetch queries). ``also`` adds rows of the same
    shape (kind ``ALSO``: a caller's own list, such as crime areas) to the same query; their labels
    are returned by object id, ordered by (sort number, sort text, label)."""
    if not objs:
        return {}
    parts = audience_rows(type(objs[0]), [o.pk for o in objs])
    if also is not None:
        parts.append(also)
    rows = list(parts[0].union(*parts[1:], all=True))
    # the models' own orderings: organisations by country name (none last), then name; sharing
    # groups by name
    rows.sort(key=lambda r: (r[4], r[3] is None, r[3] or "", r[2]))
    lists: dict[tuple[int, Any], list[str]] = {}
    for kind, pk, label, _, _ in rows:
        lists.setdefault((kind, pk), []).append(label)
    for obj in objs:
        obj._tcx_audience = (
            lists.get((AUDIENCE_ORGANISATION, obj.pk), []),
            lists.get((AUDIENCE_GROUP, obj.pk), []),
        )
    return {pk: labels for (kind, pk), labels in lists.items() if kind == ALSO}


def policy_of(obj: Shareable) -> dict[str, Any]:
    """The policy metadata of an object, as carried into every view and export."""
    audience = getattr(obj, "_tcx_audience", None)  # read for many objects at once (load_audiences)
    if audience is None:
        audience = (
            [o.name for o in obj.audience_organisations.all()],
            [g.name for g in obj.audience_groups.all()],
        )
    return {
        "owner": obj.owner.name,
        "tlp": obj.tlp,
        "handling_codes": list(obj.handling_codes or []),
        "handling_h3_text": obj.handling_h3_text,
        "evaluation": obj.evaluation,
        "legal_basis": obj.legal_basis,
        "review_date": obj.review_date.isoformat() if obj.review_date else None,
        "audience_organisations": list(audience[0]),
        "audience_groups": list(audience[1]),
    }


def runs_the_node(actor: Actor) -> bool:
    """The node's operator: sees the background job queue (every agency's jobs, no record
    content) and queues a failed job again."""
    return has_capability(actor, Capability.OPERATE_PLATFORM)
