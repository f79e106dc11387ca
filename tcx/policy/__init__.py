"""The sharing model of TCX: one module decides who may see and do what.

Use ``has_capability(actor, Capability.X)`` for what a person may do in general (the table is in
``tcx.policy.capabilities``), ``visible(queryset, actor)`` for lists, ``access(...)`` for one
object, ``can(actor, action, obj)`` for an action on one object, and the ``Shareable`` model
mixin (``tcx.policy.models``) for the fields. Every function takes an ``Actor``.

The names below are imported on first use (this package is an installed app, imported before
the models it reads are ready).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tcx.policy.actors import Actor, MaybeActor, signed_in
    from tcx.policy.capabilities import (
        TABLE,
        Capability,
        Role,
        capabilities_of,
        has_capability,
        holders,
        roles_with,
    )

__all__ = [
    "TABLE",
    "Actor",
    "Capability",
    "MaybeActor",
    "Role",
    "capabilities_of",
    "has_capability",
    "holders",
    "roles_with",
    "signed_in",
]

_WHERE = {
    "Actor": "tcx.policy.actors",
    "MaybeActor": "tcx.policy.actors",
    "signed_in": "tcx.policy.actors",
    "TABLE": "tcx.policy.capabilities",
    "Capability": "tcx.policy.capabilities",
    "Role": "tcx.policy.capabilities",
    "capabilities_of": "tcx.policy.capabilities",
    "has_capability": "tcx.policy.capabilities",
    "holders": "tcx.policy.capabilities",
    "roles_with": "tcx.policy.capabilities",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
