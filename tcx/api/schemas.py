"""Shared API schema pieces."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class StrictInput(Schema):
    """Request bodies refuse unknown fields, so a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Message(Schema):
    detail: str
