"""The one check of a record's content, for every path that writes one: the API, the pages,
imports (in their parsing processes too) and the command line.

Pure and free of queries, so that an import's parsing processes run it on every row. Limits
are settings read when a check runs (``TCX_RECORD_MAX_NAME_CHARS`` ...); each refusal names
the property and the limit.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from tcx.kernel.text import text_problem
from tcx.matching.io import shown

SCHEMATA = (
    "Person",
    "Organization",
    "Company",
    "LegalEntity",
    "Vessel",
    "Vehicle",
    "BankAccount",
    "CryptoWallet",
    "Passport",
    "Identification",
)
EXTERNAL_ID_CHARS = 200  # the column's size


@dataclasses.dataclass(frozen=True, slots=True)
class RecordLimits:
    name_chars: int = 500
    value_chars: int = 4_000
    values: int = 500  # values of all properties of one record


_DEFAULT = RecordLimits()


def record_limits() -> RecordLimits:
    """The limits of the settings ``TCX_RECORD_MAX_NAME_CHARS``, ``TCX_RECORD_MAX_VALUE_CHARS``
    and ``TCX_RECORD_MAX_VALUES``."""
    return RecordLimits(
        name_chars=int(getattr(settings, "TCX_RECORD_MAX_NAME_CHARS", _DEFAULT.name_chars)),
        value_chars=int(getattr(settings, "TCX_RECORD_MAX_VALUE_CHARS", _DEFAULT.value_chars)),
        values=int(getattr(settings, "TCX_RECORD_MAX_VALUES", _DEFAULT.values)),
    )


@lru_cache(maxsize=64)
def _properties_of(schema: str) -> dict[str, str]:
    """Property name -> FollowTheMoney type name (``name``, ``date``, ``string`` ...)."""
    from followthemoney import model

    found = model.get(schema)
    return {} if found is None else {name: prop.type.name for name, prop in found.properties.items()}


def content_errors(schema: Any, properties: Any, limits: RecordLimits | None = None) -> dict[str, str]:
    """Everything wrong with a record's schema and properties, field -> reason (empty if
    nothing): an unknown schema, properties that are not lists of text, unknown properties,
    values past their length, control and bidirectional-override characters."""
    limits = limits or record_limits()
    if not isinstance(schema, str) or schema not in SCHEMATA:
        return {"schema": _("unknown schema %(schema)s; use one of %(known)s") % {
            "schema": shown(schema), "known": ", ".join(SCHEMATA)
        }}  # fmt: skip
    if not isinstance(properties, dict):
        return {"properties": _('properties map each property to a list of texts, e.g. {"name": ["..."]}')}
    known = _properties_of(schema)
    errors: dict[str, str] = {}
    count = 0
    for name, values in properties.items():
        if not isinstance(name, str) or name not in known:
            plain = isinstance(name, str) and len(name) <= 40 and name.isprintable()
            errors[f"properties.{name if plain else shown(name, 40)}"] = _("not a property of %(schema)s") % {
                "schema": schema
            }
            continue
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            errors[f"properties.{name}"] = _("must be a list of texts")
            continue
        count += len(values)
        is_name = known[name] == "name"
        for value in values:
            problem = text_problem(value, limit=limits.name_chars if is_name else limits.value_chars)
            if problem is not None:
                errors[f"properties.{name}"] = _("a value %(problem)s") % {"problem": problem}
                break
    if count > limits.values:
        errors["properties"] = _("%(count)d values; a record holds at most %(limit)d") % {
            "count": count,
            "limit": limits.values,
        }
    return errors


def external_id_error(value: Any) -> str | None:
    """What is wrong with a record's external id (the file's ``id``), or None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return _("must be text or a whole number, not %(kind)s") % {"kind": type(value).__name__}
    return text_problem(str(value), limit=EXTERNAL_ID_CHARS, one_line=True)
