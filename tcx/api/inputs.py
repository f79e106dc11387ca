"""What every endpoint refuses before it runs, whatever the app: a NUL character in any text
(PostgreSQL cannot store one, and no legitimate text holds one: :mod:`tcx.kernel.text`, the
check of every stored text) and an integer beyond what a JSON
client represents exactly (±(2**53 − 1)), so that no database is handed a number it cannot bind.
Each refusal is a 422 problem naming the fields."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from pydantic import BaseModel

from tcx.api.problems import ApiProblem
from tcx.kernel.text import NUL, nul_problem

MAX_INTEGER = 2**53 - 1


def _printable(name: Any) -> str:
    return str(name).replace(NUL, "\\u0000")


def _unsafe(value: Any, loc: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True)
    if isinstance(value, str):
        if (problem := nul_problem(value)) is not None:
            yield loc, problem
    elif isinstance(value, UploadedFile):
        if NUL in (value.name or ""):
            yield loc, _("the file name contains the NUL character (U+0000)")
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -MAX_INTEGER <= value <= MAX_INTEGER:
            yield loc, _("must be between %(min)d and %(max)d") % {"min": -MAX_INTEGER, "max": MAX_INTEGER}
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unsafe(key, (*loc, _printable(key)))
            yield from _unsafe(item, (*loc, _printable(key)))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from _unsafe(item, (*loc, str(index)))


def unsafe_input(values: dict[str, Any]) -> list[dict[str, str]]:
    """The fields of an endpoint's validated arguments that no endpoint accepts, each with why.
    A model argument (a JSON body, pagination) is named by its fields, as the client sent them."""
    errors = []
    for name, value in values.items():
        loc = () if isinstance(value, BaseModel) else (name,)
        for where, message in _unsafe(value, loc):
            errors.append({"field": ".".join(where), "message": message})
    return errors


def refuse_unsafe(values: dict[str, Any]) -> None:
    """Raise a 422 problem naming every unsafe field of ``values``; an endpoint that parses a
    value itself (JSON sent in a form field) calls this on what it parsed."""
    errors = unsafe_input(values)
    if errors:
        detail = "; ".join(f"{e['field'] or 'request'}: {e['message']}" for e in errors)
        raise ApiProblem(422, detail, errors=errors)


def refuse_unsafe_input(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorates every operation of the API (``api.add_decorator``): runs after authentication
    and validation, before the endpoint."""

    @functools.wraps(view_func)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        refuse_unsafe(kwargs)
        return view_func(request, *args, **kwargs)

    return guarded
