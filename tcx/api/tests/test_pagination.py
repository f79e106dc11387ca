"""Issue 12, finding 10: ``offset=10**20`` on the organisations list was a 500 (the database's
integers overflow). Every paginated list declares and enforces its bounds."""

from __future__ import annotations

import pytest
from django.test import Client

from tcx.api.pagination import MAX_OFFSET
from tcx.testing import sign_in


def _paginated_paths() -> list[str]:
    from tcx.api.urls import api

    schema = api.get_openapi_schema()
    paths = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and "{" not in path and any(p["name"] == "offset" for p in get.get("parameters", [])):
            paths.append(path)
    return sorted(paths)


def test_every_list_declares_its_offset_bound() -> None:
    from tcx.api.urls import api

    paths = _paginated_paths()
    assert "/api/v1/organisations" in paths and len(paths) >= 5
    schema = api.get_openapi_schema()
    for path in paths:
        offset = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "offset")
        assert offset["schema"]["maximum"] == MAX_OFFSET, path


@pytest.mark.parametrize("offset", [10**20, MAX_OFFSET + 1, -1])
def test_an_offset_out_of_bounds_is_a_clear_422_everywhere(world, offset: int) -> None:
    client = sign_in(Client(), world.users["a_admin"])
    for path in _paginated_paths():
        response = client.get(path, {"offset": offset})
        assert response.status_code == 422, (path, response.status_code, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"
        assert "offset" in response.json()["detail"]


def test_the_last_allowed_offset_answers_an_empty_page(world) -> None:
    client = sign_in(Client(), world.users["a_officer"])
    response = client.get("/api/v1/organisations", {"offset": MAX_OFFSET})
    assert response.status_code == 200 and response.json()["items"] == []
