from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tcx.web.navigation import navigation_for


def tcx(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    # badges are fetched by their own requests, which a person still setting up MFA cannot make
    # (they would come back as the MFA page itself)
    verified = signed_in and (not settings.TCX_REQUIRE_MFA or user.is_verified())  # type: ignore[union-attr]
    return {
        "TCX_DEMO": settings.DEMO_MODE,
        "nav_items": navigation_for(user, request.path, badges=verified) if signed_in else [],
    }
