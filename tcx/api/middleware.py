"""Guards on API requests that answer before any endpoint runs, each with a problem+json that
names what is wrong: oversize bodies, wrong content types, malformed JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tcx.api.problems import problem

BODY_METHODS = {"POST", "PUT", "PATCH"}
# Endpoints that take files: their own body limit (setting name, default bytes) instead of
# TCX_MAX_BODY_BYTES. Each app that accepts uploads adds its path here.
UPLOAD_PATHS: dict[str, tuple[str, int]] = {
    "/api/v1/records/import": ("TCX_IMPORT_MAX_BYTES", 512 * 1024 * 1024),
    "/api/v1/exchange/exchanges/upload": ("TCX_EXCHANGE_MAX_UPLOAD_BYTES", 8 * 51 * 1024 * 1024),
}
ACCEPTED_TYPES = ("application/json", "multipart/form-data")


class ApiRequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            refusal = self._check(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        upload = UPLOAD_PATHS.get(request.path.rstrip("/"))
        limit = getattr(settings, upload[0], upload[1]) if upload else settings.TCX_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem(400, "the Content-Length header is not a number")
        if length > limit:
            return problem(
                413, f"the request body is {length} bytes; the API accepts at most {limit} bytes", limit=limit
            )
        if request.method not in BODY_METHODS or length == 0:
            return None
        content_type = (request.content_type or "").lower()
        if content_type not in ACCEPTED_TYPES:
            return problem(
                415,
                f"the body is sent as {content_type or 'no content type'}; send application/json "
                "(or multipart/form-data for file uploads)",
            )
        if content_type == "application/json":
            try:
                json.loads(request.body)
            except UnicodeDecodeError:
                return problem(400, "the JSON body is not valid UTF-8")
            except json.JSONDecodeError as exc:
                return problem(
                    400,
                    f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                    line=exc.lineno,
                    column=exc.colno,
                )
        return None
