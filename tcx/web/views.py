from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from tcx.kernel.pages import actor_of
from tcx.web.home import panels_for
from tcx.web.unavailable import database_unavailable, is_database_unavailable


def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"panels": panels_for(actor_of(request))})


def _wants_problem(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_problem(request):
        return JsonResponse(
            {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "not found"},
            status=404,
            content_type="application/problem+json",
        )
    return render(request, "web/404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django refuses before any view (a Host header that is not this node's, a
    malformed cookie ...); the API answers it as a problem like every other error."""
    if _wants_problem(request):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": "the request is malformed (for example, its Host header names another site)",
            },
            status=400,
            content_type="application/problem+json",
        )
    return defaults.bad_request(request, exception or Exception())


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its ``except``: a database that cannot be reached is a 503
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    if _wants_problem(request):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Internal Server Error",
                "status": 500,
                "detail": "the server failed; the error is logged",
            },
            status=500,
            content_type="application/problem+json",
        )
    return render(request, "web/500.html", status=500)
