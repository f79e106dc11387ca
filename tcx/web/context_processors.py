from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tcx.web.navigation import navigation_for


def tcx(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "TCX_DEMO": settings.DEMO_MODE,
        "nav_items": navigation_for(user, request.path) if user is not None and user.is_authenticated else [],
    }
