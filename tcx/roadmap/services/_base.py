"""What every roadmap service shares: the error that names bad fields, the Secretariat check,
and the collecting checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tcx.accounts.services import Refused
from tcx.kernel.errors import FieldErrors
from tcx.kernel.text import text_problem
from tcx.organisations.models import Country, CrimeArea
from tcx.policy.actors import Actor
from tcx.policy.rules import NotFound
from tcx.roadmap import selectors


class RoadmapError(FieldErrors):
    """Bad input: ``errors`` maps a field (or a file row) to its message."""


def _require_secretariat(actor: Actor) -> None:
    scope = selectors.scope_of(actor)
    if scope is None:
        raise NotFound("not found")
    if not selectors.manages_plan(actor):
        raise Refused("only the ASEAN Secretariat manages meetings, decisions and the plan")


def require_secretariat(*, actor: Actor) -> None:
    """Pages that only show a Secretariat form refuse everyone else before showing it."""
    _require_secretariat(actor)


def _own_country(actor: Actor) -> Country:
    """The country of the actor's agency (a member state's or a dialogue partner's), which the
    roadmap keeps on what the agency posts."""
    country = actor.organisation.country
    if country is None:
        raise RoadmapError({"organisation": "your agency has no country"})
    return country


def _country(code: str | None, field: str, *, kind: str | None = None) -> Country | None:
    if not code:
        return None
    country = Country.objects.filter(code=str(code).upper()).first()
    if country is None or (kind and country.kind != kind):
        what = {"member_state": "member state", "dialogue_partner": "dialogue partner"}.get(
            kind or "", "country"
        )
        raise RoadmapError({field: f"unknown {what} {code!r}"})
    return country


def _dates(starts_on: dt.date | None, ends_on: dt.date | None, start: str, end: str) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise RoadmapError({end: f"{end} {ends_on} is before {start} {starts_on}"})


# Collecting checks: each adds its message to ``errors`` (keyed by the field) instead of raising,
# so that a form or a request shows every bad field at once and nothing is written.


def _check_country(
    code: Any, field: str, errors: dict[str, str], *, kind: str | None = None
) -> Country | None:
    try:
        return _country(code, field, kind=kind)
    except RoadmapError as exc:
        message = exc.errors[field]
        errors[field] = f"{errors[field]}; {message}" if field in errors else message
        return None


def _check_countries(codes: Any, field: str, errors: dict[str, str], *, kind: str) -> list[Country]:
    if codes is None:
        return []
    if isinstance(codes, str) or not isinstance(codes, list | tuple):
        errors[field] = "a list of country codes is required"
        return []
    found = [_check_country(code, field, errors, kind=kind) for code in codes if code]
    return [c for c in found if c is not None]


def _check_date(value: Any, field: str, errors: dict[str, str], *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = "required"
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = f"{value!r} is not a date (YYYY-MM-DD)"
        return None


def _check_text(value: Any, field: str, errors: dict[str, str], *, max_length: int = 0) -> str:
    text = str(value or "").strip()
    if not text:
        errors[field] = "required"
    elif max_length and len(text) > max_length:
        errors[field] = f"at most {max_length} characters"
    elif (problem := text_problem(text, limit=len(text))) is not None:
        errors[field] = problem  # a NUL, control or bidirectional-override character
    return text


def _check_unknown(data: dict[str, Any], allowed: tuple[str, ...], errors: dict[str, str]) -> None:
    for key in sorted(set(data) - set(allowed)):
        errors[key] = "unknown field"


def _check_order(
    starts_on: dt.date | None, ends_on: dt.date | None, start: str, end: str, errors: dict[str, str]
) -> None:
    if start in errors or end in errors:
        return
    if starts_on and ends_on and ends_on < starts_on:
        errors[end] = f"{end} {ends_on} is before {start} {starts_on}"


def _crime_areas(codes: list[str], field: str) -> list[CrimeArea]:
    areas = []
    for code in codes:
        area = CrimeArea.objects.filter(code=code).first()
        if area is None:
            raise RoadmapError({field: f"unknown crime area {code!r}"})
        areas.append(area)
    return areas


def _check_crime_areas(codes: Any, field: str, errors: dict[str, str]) -> list[CrimeArea]:
    if isinstance(codes, str) or not isinstance(codes, list | tuple):
        errors[field] = "a list of crime-area codes is required"
        return []
    try:
        return _crime_areas([c for c in codes if c], field)
    except RoadmapError as exc:
        errors.setdefault(field, exc.errors[field])
        return []
