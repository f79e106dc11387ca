"""The one router class of the API, and the rule an operation may declare.

``ApiRouter`` is what every app's ``api.py`` mounts: its operations authenticate their caller
with the API's authentication (a token, or the verified session; 401 problem+json otherwise,
never a redirect) unless one is named ``dangerously_…`` and says why in the route test. An
operation that needs a capability, or shows operational data, says so below its route::

    @router.get("/records/{record_id}", response=RecordOut)
    @operation(audit_read=AuditAction.RECORD_VIEWED)
    def get_record(request, record_id: int):
        record = selectors.access_record(actor=actor_of(request), record_id=record_id)
        read(request, target=record)
        ...

The caller without the capability gets 404 problem+json (what it may not do is "not found");
the read is recorded once the operation returned (``tcx.kernel.pages.enforce``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ninja import Router

from tcx.audit.registry import AuditAction
from tcx.kernel.pages import PAGE_RULE, PageRule, enforce
from tcx.policy.capabilities import Capability
from tcx.policy.rules import NotFound

Operation = TypeVar("Operation", bound=Callable[..., Any])


def operation(
    *, capability: Capability | None = None, audit_read: AuditAction | None = None
) -> Callable[[Operation], Operation]:
    """Declare what an operation of an ``ApiRouter`` checks; put it below ``@router.<method>``."""

    def declare(view: Operation) -> Operation:
        setattr(view, PAGE_RULE, PageRule(capability, audit_read))
        return view

    return declare


def _refuse() -> Exception:
    return NotFound("not found")


def _apply_rule(view: Operation) -> Operation:
    rule = getattr(view, PAGE_RULE, None)
    if rule is None:
        return view
    return enforce(rule, view, refuse=_refuse)


class ApiRouter(Router):
    """A django-ninja router whose operations apply the rule each declares (``operation``)."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.add_decorator(_apply_rule, mode="operation")
