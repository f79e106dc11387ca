"""Safe-by-default pages.

- Django's ``LoginRequiredMiddleware``: every page needs a signed-in person (the others are sent
  to the sign-in page, ``?next=`` the page they asked for); a view opts out only with
  ``public`` (the sign-in steps) or by being named ``dangerously_…`` and saying why
  (``dangerously_public``). The API authenticates each of its operations itself (a token or the
  session, answering 401 problem+json, never a redirect), so its URLs are handed to it whole.
- ``NotFoundMiddleware``: ``tcx.policy.NotFound`` raised by any page answers the 404 page; no
  view catches it by hand.
- ``tcx.kernel.pages.page(capability=…, audit_read=…)``: the one page decorator.

``tcx/web/tests/test_routes.py`` enumerates every URL and every API operation and fails on one
that is neither protected nor on its explicit public list.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from tcx.policy.rules import NotFound

View = TypeVar("View", bound=Callable[..., Any])

# Where a view's opt-out and its page rule are kept (read by the route enumeration test).
PUBLIC_REASON = "tcx_public_reason"
API_VIEW = "tcx_authenticated_by_the_api"


def public(reason: str) -> Callable[[View], View]:
    """A step of signing in (or out): reachable without a session. ``reason`` says why; the
    route enumeration test lists each such view by name."""

    def decorate(view: View) -> View:
        setattr(view, PUBLIC_REASON, reason)
        return login_not_required(view)

    return decorate


def dangerously_public(reason: str) -> Callable[[View], View]:
    """Any other route without a signed-in person. Its view must be named ``dangerously_…``
    (and its test says why): a public page of operational data is a leak."""

    def decorate(view: View) -> View:
        if not view.__name__.startswith("dangerously_"):
            raise ImproperlyConfigured(f"{view.__name__} opts out of sign-in: name it dangerously_…")
        return public(reason)(view)

    return decorate


def authenticated_by_the_api(urls: Any) -> Any:
    """The API's URLs (``api.urls``): each operation authenticates itself (bearer token or the
    verified session) and answers 401 problem+json, so the page sign-in redirect is not theirs."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        callback = pattern.callback

        @functools.wraps(callback)
        def view(request: HttpRequest, *args: Any, _callback: Any = callback, **kwargs: Any) -> Any:
            return _callback(request, *args, **kwargs)

        setattr(view, API_VIEW, True)
        pattern.callback = login_not_required(view)
    return patterns, app_name, namespace


class NotFoundMiddleware:
    """``NotFound`` from any page (an access function, a service) answers Django's 404 page, as
    ``Http404`` does: what one may not see and what does not exist are one answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(str(exception) or "not found") from exception
