"""RFC 9457 problem details: every API error is ``application/problem+json``."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    status: int, detail: str, *, title: str | None = None, type_: str = "about:blank", **extra: Any
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


class ApiProblem(Exception):
    """Raise from an endpoint to answer with a problem of the given status."""

    def __init__(self, status: int, detail: str, **extra: Any):
        self.status = status
        self.detail = detail
        self.extra = extra
        super().__init__(detail)
