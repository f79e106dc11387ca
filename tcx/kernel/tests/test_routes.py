"""Safe by default: every URL of the node and every operation of the API either needs a signed-in
person (or an authenticated API caller), or is on the explicit public list below with the reason
it may be reached without one. A new route is protected without anyone writing a decorator; a
route that opts out and is not listed here fails this test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tcx.api.routing import ApiRouter
from tcx.api.urls import api
from tcx.kernel.pages import PAGE_RULE
from tcx.kernel.routes import API_VIEW, PUBLIC_REASON
from tcx.policy.capabilities import TABLE, Capability

# The pages anyone may reach, by URL name, and why. Any other opt-out must be named dangerously_….
PUBLIC_PAGES = {
    "accounts:login": "signing in is how a person gets a session",
    "accounts:logout": "signing out works (and says so) even when the session has already expired",
}
# The parts of the API that answer without authentication, and why.
PUBLIC_API = {
    "api:openapi-json": "the API's description is public: it names operations and fields, never data",
    "api:openapi-view": "the interactive documentation of that description",
}


def _patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[Any]:
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(x for x in (namespace, pattern.namespace or "") if x)
            yield from _patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern.callback


PATTERNS = list(_patterns())


API_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def _path(route: str) -> str:
    """A concrete path for a route: every parameter filled with a value of its type."""
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<(?:[a-z]+:)?[^>]+>", "x", path)
    return "/" + path


def test_every_page_needs_a_signed_in_person_unless_listed() -> None:
    for route, name, view in PATTERNS:
        if getattr(view, API_VIEW, False):
            continue
        if getattr(view, "login_required", True):
            continue
        reason = getattr(view, PUBLIC_REASON, "")
        assert name in PUBLIC_PAGES, (
            f"{name} ({route}) opts out of sign-in but is not on the public list of {__name__}"
        )
        assert reason, f"{name} opts out of sign-in without saying why (tcx.kernel.routes.public)"
        if name not in ("accounts:login", "accounts:logout"):
            assert view.__name__.startswith("dangerously_"), f"{name}: a public page is named dangerously_…"


def test_the_api_urls_are_the_apis_to_authenticate() -> None:
    api_names = {name for _, name, view in PATTERNS if getattr(view, API_VIEW, False)}
    assert api_names, "the API's URLs are not marked as authenticated by the API"
    assert {name for _, name, _ in PATTERNS if name.startswith("api:")} == api_names


def _operations() -> Iterator[tuple[str, Any]]:
    # the operations as the API serves them: each router bound to the API, auth inherited
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                yield f"{bound.prefix}{path}", operation


def test_every_api_operation_authenticates_its_caller() -> None:
    operations = list(_operations())
    assert len(operations) > 50
    for path, operation in operations:
        name = operation.view_func.__name__
        if name.startswith("dangerously_"):
            continue
        assert operation.auth_callbacks, (
            f"{operation.methods} {path} ({name}) answers without authentication: give it auth, "
            "or name it dangerously_… and list why"
        )


def test_the_public_lists_name_real_routes() -> None:
    names = {name for _, name, _ in PATTERNS}
    assert set(PUBLIC_PAGES) <= names
    assert set(PUBLIC_API) <= names


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_from_every_page_and_refused_by_every_api_url() -> None:
    """Whatever the route and its arguments: a page redirects to the sign-in page (``next`` = the
    page), the API answers 401 problem+json, and only the public list answers anything else."""
    client = Client()
    for route, name, view in PATTERNS:
        if name in PUBLIC_PAGES or name in PUBLIC_API or name == "api:api-root":
            continue
        path = _path(route)
        if getattr(view, API_VIEW, False):
            # each method the URL serves answers 401 problem+json (the others 405, reading nothing)
            answers = [client.generic(method, path, "{}", "application/json") for method in API_METHODS]
            refused = [r for r in answers if r.status_code != 405]
            assert refused, f"{name} {path}: no method served"
            for response in refused:
                assert response.status_code == 401, f"{name} {path}: {response.status_code}"
                assert response["Content-Type"] == "application/problem+json", name
        else:
            response = client.get(path)
            assert response.status_code == 302, f"{name} {path}: {response.status_code}"
            assert response["Location"].startswith("/accounts/login/?next="), name


@pytest.mark.django_db
def test_the_public_pages_answer_anonymous() -> None:
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


# The apps whose pages show operational data: each page asks a capability only those who see
# operational data hold (the visibility rule then decides object by object).
OPERATIONAL_APPS = ("records", "exchange")


def test_every_page_of_operational_data_asks_a_capability_of_those_who_see_it() -> None:
    seen = 0
    for route, name, view in PATTERNS:
        if name.split(":")[0] not in OPERATIONAL_APPS:
            continue
        rule = getattr(view, PAGE_RULE, None)
        assert rule is not None and rule.capability is not None, f"{name} ({route}) has no @page capability"
        for (role, kind), capabilities in TABLE.items():
            if rule.capability in capabilities:
                assert Capability.SEE_OPERATIONAL in capabilities, (name, role, kind)
        seen += 1
    assert seen > 20


def test_every_router_of_the_api_is_the_api_router() -> None:
    for prefix, router in api._routers:
        if router is api.default_router:
            continue
        assert isinstance(router, ApiRouter), f"the router at {prefix!r} is not an ApiRouter"
