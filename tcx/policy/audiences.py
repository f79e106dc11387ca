"""Audience providers: the ways a shareable object reaches people beyond its owner.

The visibility rule (``tcx.policy.rules``) fixes what every audience shares: the owner's people
see everything the owner holds, TLP:CLEAR reaches every operational person, and a
dialogue-partner agency never sees a non-CLEAR object without a legal basis. *Who else* an object
reaches is the union of its audiences, each given by a provider an app registers here:

- the organisations app: the named organisations (at every level up to RED) and the members of
  the named sharing groups (GREEN to AMBER+STRICT; a group is not a named recipient);
- next, the cases app: the members of the joint investigation an item belongs to.

A provider states the same audience twice: as an SQL condition on a queryset's rows (for lists)
and as a test of one object in memory (for an object already loaded). The two must agree, which
the policy's tests check for every registered provider. A new audience is one
``register_audience`` call from an app's ``ready()``; the core rule is not edited.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from django.db import models
from django.db.models import Exists, Q

from tcx.policy.actors import Actor

# (model, actor, per_row) -> the condition on the model's rows that the actor is in this audience,
# or None when the audience does not apply to the model. ``per_row`` asks for correlated EXISTS
# probes (a caller walking a few rows in index order) instead of IN over the whole audience.
SqlForm = Callable[[type[models.Model], Actor, bool], "Q | Exists | None"]
# (object, actor) -> is the actor in this object's audience?
MemoryForm = Callable[[Any, Actor], bool]


@dataclasses.dataclass(frozen=True)
class AudienceProvider:
    """One kind of audience: at which TLP levels it reaches, and who is in it."""

    name: str
    levels: frozenset[str]
    sql: SqlForm
    contains: MemoryForm


_PROVIDERS: dict[str, AudienceProvider] = {}


def register_audience(provider: AudienceProvider) -> AudienceProvider:
    """Add ``provider`` to the visibility rule (again under the same name: replace it)."""
    _PROVIDERS[provider.name] = provider
    return provider


def unregister_audience(name: str) -> None:
    _PROVIDERS.pop(name, None)


def audience_providers() -> tuple[AudienceProvider, ...]:
    """The registered providers, in the order they were registered."""
    return tuple(_PROVIDERS.values())


@contextlib.contextmanager
def registered_audience(provider: AudienceProvider) -> Iterator[AudienceProvider]:
    """``provider`` registered for the ``with`` block only (tests)."""
    previous = _PROVIDERS.get(provider.name)
    register_audience(provider)
    try:
        yield provider
    finally:
        if previous is None:
            unregister_audience(provider.name)
        else:
            register_audience(previous)
