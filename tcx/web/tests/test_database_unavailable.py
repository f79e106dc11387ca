"""A database that cannot be reached answers 503 Service Unavailable with Retry-After — a
problem+json for the API, a short page for people — never a 500 (bench/load/faults.py saw
500s during a PostgreSQL restart). The database is made unreachable for real: the connection
the request uses points at a closed port (PostgreSQL) or an unopenable file (SQLite)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.db import connections
from django.test import Client

from tcx.testing import sign_in


@contextlib.contextmanager
def unreachable_database() -> Iterator[None]:
    """Requests in this block find the default database unreachable; the test's own connection
    (and its transaction) is put back afterwards untouched."""
    original = connections["default"]
    settings_dict = dict(original.settings_dict)
    if original.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT="1")  # nothing listens on port 1
    else:
        settings_dict["NAME"] = "/nonexistent-directory/tcx.sqlite3"
    broken = original.__class__(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


def _token(world) -> str:
    from tcx.accounts import services as account_services

    _, secret = account_services.token_create(
        actor=world.users["a_officer"], name="unavailable", scope="read_write"
    )
    return secret


@pytest.mark.parametrize("path", ["/api/v1/records?limit=20", "/api/v1/exchange/exchanges"])
def test_an_api_request_gets_503_with_retry_after(world, path: str) -> None:
    secret = _token(world)
    client = Client(raise_request_exception=False)
    with unreachable_database():
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit() and int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503 and "database is unavailable" in body["detail"]
    assert response["Cache-Control"] == "no-store" and "Content-Security-Policy" in response


def test_an_api_write_gets_503_not_500(world) -> None:
    secret = _token(world)
    client = Client(raise_request_exception=False)
    with unreachable_database():
        response = client.post(
            "/api/v1/records",
            data={"schema": "Person", "properties": {"name": ["Nguyen Van A"]}},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
    assert response.status_code == 503 and response["Retry-After"]


def test_a_page_gets_a_503_page(world) -> None:
    client = sign_in(Client(raise_request_exception=False), world.users["a_officer"])
    with unreachable_database():
        response = client.get("/records/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"Temporarily unavailable" in response.content
    assert response["Cache-Control"] == "no-store"


def test_other_server_errors_stay_500(world, settings) -> None:
    """Only an unreachable database is a 503: a bug is still a 500, logged."""
    from django.test import RequestFactory

    from tcx.web.views import server_error

    request = RequestFactory().get("/api/v1/records")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500 and not response.has_header("Retry-After")


def test_a_connection_the_server_ended_fails_the_health_check(db) -> None:
    """The health check of a reused PostgreSQL connection polls its socket (no round trip) and
    finds a connection the server ended, which Django then replaces before the request uses it."""
    import time

    original = connections["default"]
    if original.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend's health check")
    other = original.__class__(dict(original.settings_dict), alias="default")
    try:
        other.ensure_connection()
        assert other.is_usable()
        pid = other.connection.info.backend_pid
        with original.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while other.is_usable() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not other.is_usable()
    finally:
        other.close()
