"""The authorization matrix: every route, every persona. A route without an entry fails.

The world (agencies, personas) is built once for this module, inside a transaction rolled back at
its end; each route's own objects are built once per route, inside the test's transaction; each
persona's call runs in a savepoint rolled back before the next persona's call. So every call sees
the same state, and the world is not built again ~1,500 times."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import uuid
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

import tcx
from tcx.testing import (
    PERSONAS,
    Case,
    World,
    build_world,
    enrol_everyone,
    prepare_case,
    run_case,
    state_digests,
)


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


def test_every_allowed_write_declares_its_effect() -> None:
    undeclared = [
        f"{case.method} {case.route}"
        for case in MATRIX
        if case.may_write and case.effect is None and not all(case.is_refused(p) for p in PERSONAS)
    ]
    assert not undeclared, f"writes some persona may make that declare no effect: {undeclared}"


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The world of every route, built once and rolled back after the last route."""
    checkpoints = tmp_path_factory.mktemp("matrix-audit") / "world.jsonl"
    with django_db_blocker.unblock(), override_settings(TCX_AUDIT_CHECKPOINT_FILE=str(checkpoints)):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            enrol_everyone(world)
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.parametrize("case", MATRIX, ids=lambda c: f"{c.method}-{c.route}")
def test_authorization_matrix(case: Case, matrix_world: World, db, tmp_path) -> None:
    # each route starts from the bare world: what an earlier route's setup noted is gone
    world = dataclasses.replace(matrix_world, extra={})
    for user in world.users.values():
        user.refresh_from_db()
    prepared = prepare_case(case, world)
    # every persona's call starts from this same state (each is rolled back): read it once
    before = state_digests() if case.may_write else None
    failures: list[str] = []
    for persona in PERSONAS:
        # a persona's audit checkpoints describe events that are rolled back: a file of its own
        with override_settings(TCX_AUDIT_CHECKPOINT_FILE=str(tmp_path / f"{uuid.uuid4().hex}.jsonl")):
            try:
                with transaction.atomic():
                    run_case(case, persona, world, prepared, before)
                    transaction.set_rollback(True)
            except AssertionError as failure:
                failures.append(str(failure).splitlines()[0])
    assert not failures, "\n".join(failures)
