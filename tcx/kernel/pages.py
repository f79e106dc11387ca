"""The one page decorator: ``page(capability=…, audit_read=…)``.

It resolves the actor once (``actor_of(request)``), answers "not found" to anyone without the
capability (never "forbidden"), and records the audited read of operational data once the page
is shown: the view says what it showed with ``read(request, target=…, data=…)``. Signing in is
the middleware's (``tcx.kernel.routes``)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability, has_capability

View = TypeVar("View", bound=Callable[..., Any])

# Where a view's page rule is kept (read by the route enumeration test).
PAGE_RULE = "tcx_page_rule"


@dataclasses.dataclass(frozen=True)
class PageRule:
    """What ``page`` (or an API operation's ``operation``) checks: read by the route test."""

    capability: Capability | None
    audit_read: AuditAction | None


_ACTOR = "tcx_actor"
_READS = "tcx_reads"


def actor_of(request: HttpRequest) -> Actor:
    """The actor of a page or an API operation: resolved once by ``page`` (the signed-in person)
    or by the API's authentication (the token's person, or the session's).

    Typed as a signed-in ``Actor``: sign-in is required by middleware for every page but the
    ``public`` and ``dangerously_public`` ones (which ask for no actor), and the API refuses an
    operation without a token or a session before it runs. The policy still refuses the
    anonymous user at run time, whatever its type says."""
    actor = getattr(request, _ACTOR, None)
    return cast("Actor", actor if actor is not None else request.user)


def read(request: HttpRequest, *, target: Any = None, data: dict[str, Any] | None = None) -> None:
    """What a page (or API operation) declared with ``audit_read`` showed: recorded once it
    answers."""
    reads = getattr(request, _READS, None)
    if reads is None:
        raise ImproperlyConfigured("read() on a page that declares no audit_read")
    reads.append((target, data))


def page(
    *, capability: Capability | None = None, audit_read: AuditAction | None = None
) -> Callable[[View], View]:
    """The page decorator: the actor resolved once, the capability checked (without it the page
    is "not found", never "forbidden"), and reads of operational data audited in one place.

    With ``audit_read``, a page that answers 2xx records that action once per ``read(request,
    …)`` the view made, or once without a target when it made none: a page that shows
    operational data is never left unaudited."""

    def decorate(view: View) -> View:
        rule = PageRule(capability, audit_read)
        wrapper = enforce(rule, view, refuse=_page_not_found)
        setattr(wrapper, PAGE_RULE, rule)
        return wrapper

    return decorate


def _page_not_found() -> Exception:
    return Http404("not found")


def enforce(rule: PageRule, view: View, *, refuse: Callable[[], Exception]) -> View:
    """``view`` behind ``rule``: the actor resolved once, the capability checked (``refuse()``
    is raised without it), and the declared read audited once the view succeeded (a response
    of 2xx, or any value an API operation returns)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        actor = request.user
        if rule.capability is not None and not has_capability(actor, rule.capability):
            raise refuse()
        setattr(request, _ACTOR, actor)
        if rule.audit_read is not None:
            setattr(request, _READS, [])
        result = view(request, *args, **kwargs)
        status = getattr(result, "status_code", 200)
        if rule.audit_read is not None and 200 <= status < 300:
            for target, data in getattr(request, _READS) or [(None, None)]:
                audit.record(actor=actor, action=rule.audit_read, target=target, data=data, request=request)
        return result

    return wrapper  # type: ignore[return-value]
