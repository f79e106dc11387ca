"""Shared API schema pieces."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, ValidationInfo, field_validator


class StrictInput(Schema):
    """Request bodies refuse unknown fields, so a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class PolicyTextsIn(StrictInput):
    """A sharing policy whose audience is given elsewhere (an exchange's recipients)."""

    tlp: str = "AMBER"
    handling_codes: list[str] = []
    handling_h3_text: str = ""
    evaluation_source: str = ""
    evaluation_information: str = ""
    legal_basis: str = ""
    review_date: dt.date | None = None


class PolicyIn(PolicyTextsIn):
    """A sharing policy, as every endpoint takes one: the fields of
    :class:`tcx.policy.rules.Policy` (the pages' are :class:`tcx.policy.forms.PolicyFields`)."""

    audience_organisations: list[int] = []
    audience_groups: list[int] = []


def _without_null(schema: dict[str, Any], model: Any) -> None:
    """The JSON schema of a PATCH body: a field outside ``nullable`` is not null (nor defaults
    to null, which means "left out")."""
    for name, field in schema.get("properties", {}).items():
        if name in getattr(model, "nullable", ()):
            continue
        options = field.get("anyOf")
        if options and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del field["anyOf"]
            if len(rest) == 1:
                field.update(rest[0])
            else:
                field["anyOf"] = rest
        if "default" in field and field["default"] is None:
            del field["default"]


class PatchInput(StrictInput):
    """A PATCH body: the fields sent are changed, those left out stay as they are. ``null`` is
    no value: it is refused, except for the fields in ``nullable`` (those a client may clear)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_without_null)
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError(_("may not be null: leave the field out to keep its value"))
        return value


class Message(Schema):
    detail: str
