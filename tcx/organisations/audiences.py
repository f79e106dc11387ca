"""The audiences of the organisations app, registered with the visibility rule (``ready()``):
the organisations an object names, and the members of the sharing groups it names."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from tcx.organisations import selectors
from tcx.policy.actors import Actor
from tcx.policy.audiences import AudienceProvider
from tcx.policy.models import TLP

NAMED_LEVELS = frozenset({TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED})
# RED goes to named organisations only: a group is not a named recipient.
GROUP_LEVELS = frozenset({TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT})


def actor_group_ids(actor: Actor) -> set[int]:
    """The sharing groups of the actor's organisation, resolved once per actor object (request or
    token)."""
    cache: set[int] | None = getattr(actor, "_tcx_group_ids", None)
    if cache is None:
        cache = selectors.sharing_group_ids_for(organisation=actor.organisation)
        actor._tcx_group_ids = cache  # type: ignore[attr-defined]
    return cache


def _through(model: type[models.Model], field: str) -> Any:
    return model._meta.get_field(field).remote_field.through  # type: ignore[union-attr]


def _named_sql(model: type[models.Model], actor: Actor, per_row: bool) -> Q | Exists | None:
    through = _through(model, "audience_organisations")
    fk = f"{model._meta.model_name}_id"
    if per_row:
        return Exists(through.objects.filter(**{fk: OuterRef("pk")}, organisation_id=actor.organisation_id))
    return Q(pk__in=through.objects.filter(organisation_id=actor.organisation_id).values(fk))


def _named_contains(obj: Any, actor: Actor) -> bool:
    return bool(obj.audience_organisations.filter(pk=actor.organisation_id).exists())


def _groups_sql(model: type[models.Model], actor: Actor, per_row: bool) -> Q | Exists | None:
    through = _through(model, "audience_groups")
    fk = f"{model._meta.model_name}_id"
    groups = actor_group_ids(actor)
    if per_row:
        return Exists(through.objects.filter(**{fk: OuterRef("pk")}, sharinggroup_id__in=groups))
    return Q(pk__in=through.objects.filter(sharinggroup_id__in=groups).values(fk))


def _groups_contains(obj: Any, actor: Actor) -> bool:
    return bool(obj.audience_groups.filter(pk__in=actor_group_ids(actor)).exists())


NAMED_ORGANISATIONS = AudienceProvider(
    name="organisations", levels=NAMED_LEVELS, sql=_named_sql, contains=_named_contains
)
SHARING_GROUPS = AudienceProvider(
    name="sharing_groups", levels=GROUP_LEVELS, sql=_groups_sql, contains=_groups_contains
)
