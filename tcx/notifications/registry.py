"""The registry of notification kinds. Every app registers the kinds it sends, once, at start-up
(in its own ``notifications.py``, which this app discovers, or in its AppConfig.ready()).

A kind is a stable code (``<app>.<event>``), a translatable label people see in their
notification centre and preferences, and whether it is urgent by default (urgent: e-mailed at
once even to people who take the rest as a daily digest).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

_KINDS: dict[str, Kind] = {}
# periodic checks that notify (deadlines near or passed): name -> a callable returning counts
_CHECKS: dict[str, Callable[[], dict[str, int]]] = {}


class UnknownKind(LookupError):
    """A notification of a kind nobody registered (a typo, or an app that is not installed)."""


@dataclasses.dataclass(frozen=True)
class Kind:
    code: str
    label: Any  # a lazy translation
    urgent_by_default: bool = False
    # operational: only people who handle operational data may receive it (a defence in depth:
    # the caller already chose recipients who may see what the notification says)
    operational: bool = True
    description: Any = ""


def register_kind(
    code: str,
    label: Any,
    *,
    urgent_by_default: bool = False,
    operational: bool = True,
    description: Any = "",
) -> Kind:
    """Register a kind; registering the same code again with the same meaning is harmless
    (ready() may run twice in tests), with a different meaning is a programming error."""
    if "." not in code or len(code) > 60:
        raise ValueError(f"a notification kind is '<app>.<event>' of at most 60 characters, not {code!r}")
    kind = Kind(code, label, urgent_by_default, operational, description)
    existing = _KINDS.get(code)
    if existing is not None and (existing.urgent_by_default, existing.operational) != (
        kind.urgent_by_default,
        kind.operational,
    ):
        raise ValueError(f"notification kind {code!r} is already registered differently")
    _KINDS[code] = kind
    return kind


def get_kind(code: str) -> Kind:
    try:
        return _KINDS[code]
    except KeyError:
        raise UnknownKind(f"no notification kind {code!r} is registered") from None


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def label_of(code: str) -> Any:
    """The kind's label, or its code if the app that registered it is gone (old rows stay readable)."""
    kind = _KINDS.get(code)
    return kind.label if kind else code


def register_deadline_check(name: str, check: Callable[[], dict[str, int]]) -> None:
    """Register an app's deadline check (``tcx notifications deadlines`` runs every one). A check
    is idempotent: it tells each person once however often it runs, and returns what it did."""
    _CHECKS[name] = check


def deadline_checks() -> dict[str, Callable[[], dict[str, int]]]:
    return dict(sorted(_CHECKS.items()))
