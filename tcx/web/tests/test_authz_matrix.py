"""The authorization matrix: every route, every persona. A route without an entry fails."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tcx
from tcx.testing import PERSONAS, Case, run_case


def _matrix() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(tcx.__path__):
        if not module.ispkg:
            continue
        try:
            authz = importlib.import_module(f"tcx.{module.name}.tests.authz")
        except ModuleNotFoundError:
            continue
        cases.extend(authz.CASES)
    return cases


def _route_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(x for x in (namespace, pattern.namespace or "") if x)
            names |= _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"route {pattern.pattern} has no name, so the matrix cannot cover it"
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


MATRIX = _matrix()


@pytest.mark.django_db
def test_every_route_has_a_matrix_entry() -> None:
    missing = _route_names() - {case.route for case in MATRIX}
    assert not missing, f"routes without an authorization-matrix entry: {sorted(missing)}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=lambda c: f"{c.method}-{c.route}")
def test_authorization_matrix(case: Case, persona: str, world) -> None:
    run_case(case, persona, world)
