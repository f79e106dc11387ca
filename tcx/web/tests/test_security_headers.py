"""Issue 12, finding 10: every answer carries a Content-Security-Policy and a Permissions-Policy;
pages and API answers are ``Cache-Control: no-store`` (they hold operational data or CSRF
tokens); static assets stay cacheable."""

from __future__ import annotations

import pytest
from django.test import Client

from tcx.testing import sign_in


@pytest.mark.parametrize("path", ["/", "/organisations/", "/api/v1/me", "/api/v1/organisations"])
def test_signed_in_pages_and_api_answers_are_not_cached(world, path: str) -> None:
    response = sign_in(Client(), world.users["a_officer"]).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_sign_in_page_and_errors_carry_the_headers_too(db) -> None:
    for path, status in [("/accounts/login/", 200), ("/api/v1/me", 401)]:
        response = Client().get(path)
        assert response.status_code == status
        assert response["Cache-Control"] == "no-store" and "Content-Security-Policy" in response


def test_pages_have_no_inline_script(world) -> None:
    import re

    client = sign_in(Client(), world.users["a_officer"])
    for path in ["/", "/organisations/", "/accounts/tokens/"]:
        html = client.get(path).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all("src=" in tag for tag in scripts), (path, scripts)
        assert "<style" not in html


def test_a_forwarded_for_header_counts_only_behind_a_trusted_proxy(world, settings) -> None:
    from tcx.accounts.models import AuthFailureWindow

    bogus = {"HTTP_AUTHORIZATION": "Bearer tcx_00000000_bogus", "REMOTE_ADDR": "10.0.0.1"}
    Client().get("/api/v1/me", HTTP_X_FORWARDED_FOR="203.0.113.5", **bogus)
    assert AuthFailureWindow.objects.filter(key="10.0.0.1").exists()  # a client cannot claim an address
    settings.TCX_TRUSTED_PROXY_COUNT = 1
    Client().get("/api/v1/me", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5", **bogus)
    assert AuthFailureWindow.objects.filter(key="203.0.113.5").exists()  # what our proxy saw


def test_static_assets_stay_cacheable(db) -> None:
    response = Client().get("/static/tcx/tcx.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
