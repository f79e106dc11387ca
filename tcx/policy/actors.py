"""Who acts: the ``Actor`` type every service, selector and access function takes.

An actor is the signed-in person (``tcx.accounts.models.User``) as the policy reads it: a
``Protocol`` rather than a separate value object, because services keep the actor as a foreign
key (``created_by``, ``decided_by``, the audit event's actor), filter by it and hand it to the
audit log; a copy would need the user looked up again at each of those places. The protocol
names exactly what the policy reads, so a test's stand-in or a token's user satisfy it alike,
and mypy checks every caller passes one. What depends on it is resolved from it in one place:
``tcx.policy.capabilities_of`` (role and organisation kind) and the actor's sharing groups
(memoised on the object for the request or token it was resolved for).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from django.contrib.auth import get_user_model

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, _User  # _User: the AUTH_USER_MODEL

    from tcx.organisations.models import Organisation


class Actor(Protocol):
    """What the policy reads of a person (``tcx.accounts.models.User`` is one)."""

    @property
    def pk(self) -> Any: ...

    @property
    def role(self) -> str: ...

    @property
    def organisation_id(self) -> int: ...

    @property
    def organisation(self) -> Organisation: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_authenticated(self) -> bool: ...


# What a request carries before sign-in is checked: a person, the anonymous user, or nobody
# (a test or a command acting as no one). Every policy function refuses the last two.
MaybeActor: TypeAlias = "Actor | AnonymousUser | None"


def signed_in(actor: MaybeActor) -> Actor | None:
    """The actor if it is a signed-in, active person; None otherwise (the anonymous user)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    return actor


def user_of(actor: Actor) -> _User:
    """The person an actor is, as the model a foreign key or a lookup takes (``created_by``,
    ``filter(user=…)``). An actor that is not a person (a stand-in) cannot be kept as one: a
    TypeError says so."""
    user_model = get_user_model()
    if not isinstance(actor, user_model):
        kind = type(actor).__name__
        raise TypeError(f"an actor kept as a person must be a {user_model.__name__}, not {kind}")
    return actor


def person(actor: MaybeActor) -> _User | None:
    """The signed-in person an actor is (see ``user_of``); None for the anonymous user or nobody."""
    if actor is None or not actor.is_authenticated:
        return None
    return user_of(actor)
