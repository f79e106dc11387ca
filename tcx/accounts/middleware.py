"""Session idle timeout and the MFA gate for the web UI."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in but not yet MFA-verified person may reach.
_OPEN_PREFIXES = ("/accounts/login", "/accounts/mfa", "/accounts/logout", "/static/", "/api/")


class SessionIdleTimeoutMiddleware:
    """Signs a person out after ``TCX_SESSION_IDLE_SECONDS`` without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            now = int(time.time())
            last = request.session.get("tcx_last_seen")
            if last is not None and now - int(last) > settings.TCX_SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, "Your session expired after a period of inactivity. Sign in again.")
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if last is None or now - int(last) > 30:
                request.session["tcx_last_seen"] = now
        return self.get_response(request)


class RequireVerifiedMiddleware:
    """Outside demo mode, a signed-in person reaches nothing but the MFA pages until verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.TCX_REQUIRE_MFA
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect("accounts:mfa")
        return self.get_response(request)
