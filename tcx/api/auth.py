"""API authentication: bearer tokens for machine clients, the session for the web UI."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from tcx.accounts import services as account_services
from tcx.api.problems import ApiProblem

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tcx_…``. A read-only token may only read."""

    openapi_description = "An API token created under API tokens; shown once, revocable, expiring."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = account_services.token_authenticate(secret=token, request=request)
        if api_token is None:
            return None
        if api_token.scope == "read" and request.method not in SAFE_METHODS:
            raise ApiProblem(403, "this API token is read-only; create a read-write token to change data")
        request.user = api_token.user
        request.tcx_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class VerifiedSessionAuth(SessionAuth):
    """The web session, with CSRF on writes; outside demo mode only after MFA."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # A request with no signed-in session has no session to forge: it is unauthenticated
        # (401), not a CSRF failure (403). The CSRF check guards a session that exists.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if settings.TCX_REQUIRE_MFA and not request.user.is_verified():  # type: ignore[union-attr]
            return None
        return user


token_auth = TokenAuth()
session_auth = VerifiedSessionAuth()
API_AUTH = [token_auth, session_auth]
