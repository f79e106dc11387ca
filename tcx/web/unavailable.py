"""A database that cannot be reached (down, restarting, refusing connections, or a connection
that broke under the request) is a temporary condition, not a server fault: the node answers
503 Service Unavailable with ``Retry-After``, a problem+json for the API and a short page for
people, never a 500. Used by the API's exception handler and by the 500 handler, which sees
what middleware and page views raise."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tcx.api.problems import problem

# OperationalError: the server cannot be reached or the connection broke (and, on SQLite, a
# lock held past the timeout); InterfaceError: the connection is already closed.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    detail = _("the database is unavailable for a moment; try again shortly")
    if request.path.startswith("/api/"):
        response: HttpResponse = problem(503, detail, retry_after=RETRY_AFTER_SECONDS)
    else:
        # rendered without the request: the context processors would read the database again
        response = HttpResponse(
            render_to_string("web/503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
