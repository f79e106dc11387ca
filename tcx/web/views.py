from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from tcx.web.home import panels_for


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"panels": panels_for(request.user)})


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


def server_error(request: HttpRequest) -> HttpResponse:
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
