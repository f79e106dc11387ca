"""The API at /api/v1: one NinjaAPI, each app adds its router; errors are problem+json."""

from __future__ import annotations

import logging
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from tcx.accounts.api import router as accounts_router
from tcx.accounts.services import Refused
from tcx.api.auth import API_AUTH
from tcx.api.inputs import refuse_unsafe_input
from tcx.api.openapi import document_errors
from tcx.api.problems import ApiProblem, problem
from tcx.audit.api import router as audit_router
from tcx.exchange.api import router as exchange_router
from tcx.kernel.errors import FieldErrors
from tcx.notifications.api import router as notifications_router
from tcx.organisations.api import router as organisations_router
from tcx.policy.rules import NotFound
from tcx.records.api import router as records_router
from tcx.roadmap.api import router as roadmap_router
from tcx.web.unavailable import database_unavailable

logger = logging.getLogger(__name__)


class TcxApi(NinjaAPI):
    """The API whose OpenAPI document lists the errors every operation can answer."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(document)
        return document


api = TcxApi(
    title="TCX API",
    version="1",
    description=(
        "The API of TCX, the Transnational Crime Exchange. Authenticate with `Authorization: Bearer "
        "<token>` (create a token under API tokens) or the web session. Errors are RFC 9457 "
        "`application/problem+json`. What you may not see answers 404."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
# No endpoint ever sees a NUL character or an integer no database binds (tcx.api.inputs).
api.add_decorator(refuse_unsafe_input)


# Where ninja found the value: not part of the field's name as the client knows it.
LOCATIONS = {"body", "query", "path", "form", "file", "header", "cookie"}


def _validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", [])]
        if loc[:2] == ["body", "payload"]:  # a JSON body: ninja names it after the argument
            loc = loc[2:]
        elif loc and loc[0] in LOCATIONS:
            loc = loc[1:]
        field = ".".join(loc)
        message = error.get("msg", "invalid")
        if error.get("type") == "extra_forbidden":
            message = "unknown field"
        errors.append({"field": field, "message": message})
    return errors


@api.exception_handler(ValidationError)
def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = _validation_errors(exc)
    detail = "; ".join(f"{e['field'] or 'request'}: {e['message']}" for e in errors)
    return problem(422, detail, errors=errors)


@api.exception_handler(AuthenticationError)
def _on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = problem(
        401,
        "authentication required: send a valid, unexpired, unrevoked API token as "
        "'Authorization: Bearer <token>', or sign in",
    )
    response["WWW-Authenticate"] = 'Bearer realm="tcx"'
    return response


@api.exception_handler(AuthorizationError)
def _on_unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(403, str(exc) or "not allowed")


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc))


@api.exception_handler(ApiProblem)
def _on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem(exc.status, exc.detail, **exc.extra)


@api.exception_handler(NotFound)
def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, str(exc) or "not found")


@api.exception_handler(Http404)
def _on_http404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, str(exc) or "not found")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("database unavailable: %s", exc)
    return database_unavailable(request)


@api.exception_handler(Refused)
def _on_refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(403, str(exc))


@api.exception_handler(FieldErrors)
def _on_invalid(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
    """Every service's "bad input" (``tcx.kernel.errors.FieldErrors`` and the apps' subclasses)."""
    errors = [{"field": field, "message": message} for field, message in exc.errors.items()]
    return problem(422, str(exc), errors=errors)


api.add_router("/", accounts_router)
api.add_router("/", organisations_router)
api.add_router("/audit", audit_router)
api.add_router("/", records_router)
api.add_router("/exchange", exchange_router)
api.add_router("/roadmap", roadmap_router)
api.add_router("/notifications", notifications_router)
