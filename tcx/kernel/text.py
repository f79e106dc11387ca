"""The one check of a stored text, for every app and every path (the API's guard on every
endpoint, records, exchange, roadmap): no NUL character (PostgreSQL cannot store one, and no
legitimate text holds one), no control, bidirectional-override or surrogate character, a bounded
length, and, for a one-line text, no line break or tab. Each refusal says what is wrong."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tcx.matching.io import UNSAFE_TEXT

NUL = "\x00"


def nul_problem(value: Any) -> str | None:
    """What is wrong with a text holding the NUL character, or None (also for a non-text)."""
    if isinstance(value, str) and NUL in value:
        return _("contains the NUL character (U+0000), which no text may hold")
    return None


def text_problem(value: str, *, limit: int, one_line: bool = False) -> str | None:
    """What is wrong with one stored text value, or None."""
    if len(value) > limit:
        length = len(value)
        return _("is %(length)d characters long; the limit is %(limit)d") % {"length": length, "limit": limit}
    if (problem := nul_problem(value)) is not None:
        return problem
    bad = UNSAFE_TEXT.search(value)
    if bad is not None:
        return _(
            "holds the character U+%(code)04X (a control, bidirectional-override or surrogate "
            "character), which no stored text may hold"
        ) % {"code": ord(bad.group())}
    if one_line and ("\n" in value or "\r" in value or "\t" in value):
        return _("holds a line break or tab; it is one line")
    return None


def texts_problems(errors: dict[str, str], *, limit: int = 1_000_000, **texts: Any) -> None:
    """Add to ``errors`` what is wrong with each named text (a string, or strings in a list)."""
    for field, value in texts.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, str) and (problem := text_problem(item, limit=limit)) is not None:
                errors[field] = problem
                break
