"""Pages and an API built only to test the kernel's decorators (``test_pages``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from ninja import NinjaAPI

from tcx.api.auth import API_AUTH
from tcx.api.routing import ApiRouter, operation
from tcx.audit.registry import AuditAction
from tcx.config import urls as site
from tcx.kernel.pages import actor_of, page, read
from tcx.kernel.routes import authenticated_by_the_api
from tcx.policy.capabilities import Capability
from tcx.policy.rules import NotFound
from tcx.records import selectors


@page(capability=Capability.RELEASE)
def release_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"releases of {actor_of(request).username}")


@page(capability=Capability.SEE_OPERATIONAL, audit_read=AuditAction.RECORD_VIEWED)
def record_page(request: HttpRequest, record_id: int) -> HttpResponse:
    record = selectors.access_record(actor=actor_of(request), record_id=record_id)
    read(request, target=record)
    return HttpResponse(record.caption)


@page(audit_read=AuditAction.RECORD_SEARCHED)
def forgetful_page(request: HttpRequest) -> HttpResponse:
    """Shows operational data but never says what: audited all the same, without a target."""
    return HttpResponse("a list")


@page(audit_read=AuditAction.RECORD_SEARCHED)
def moved_page(request: HttpRequest) -> HttpResponse:
    read(request, data={"shown": False})
    return redirect("/")


def missing_page(request: HttpRequest) -> HttpResponse:
    raise NotFound("no such thing")


api = NinjaAPI(urls_namespace="kernel-api", auth=API_AUTH)
router = ApiRouter()


@router.get("/records/{record_id}")
@operation(capability=Capability.SEE_OPERATIONAL, audit_read=AuditAction.RECORD_VIEWED)
def api_record(request: HttpRequest, record_id: int) -> Any:
    record = selectors.access_record(actor=actor_of(request), record_id=record_id)
    read(request, target=record)
    return {"caption": record.caption}


@router.get("/releases")
@operation(capability=Capability.RELEASE)
def api_releases(request: HttpRequest) -> Any:
    return {"ok": True}


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "not found"}, status=404)


api.add_router("/", router)

urlpatterns = [
    *site.urlpatterns,  # the node's own pages: the 404 page's navigation names them
    path("release/", release_page),
    path("record/<int:record_id>/", record_page),
    path("forgetful/", forgetful_page),
    path("moved/", moved_page),
    path("missing/", missing_page),
    path("kernel-api/", authenticated_by_the_api(api.urls)),
]

handler404 = "tcx.web.views.not_found"
