"""Failed authentications, counted per client address and per account in fixed time windows.

A bogus token or a wrong password updates a counter row (``AuthFailureWindow``) instead of
writing a permanent audit event each: the audit log gets one event when a counter crosses a
threshold (the first one, then ten and a hundred times it ...), so a flood of 1,000 bogus
requests leaves three events, not 1,000. The same counters throttle password spraying from
one address across many usernames. The store is a database table, so every gunicorn worker
counts in the same place, and it stays bounded: windows older than two windows are purged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone

from tcx.accounts.models import AuthFailureScope, AuthFailureWindow, User
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction

# What failed, and the audit action its pattern is recorded as.
KIND_ACTIONS: dict[str, AuditAction] = {
    "password": AuditAction.LOGIN_FAILED,
    "token": AuditAction.TOKEN_REFUSED,
    "enrolment_code": AuditAction.MFA_FAILED,
    "locked": AuditAction.LOCKED_OUT,
    "throttled": AuditAction.LOGIN_THROTTLED,
}


def window_seconds() -> int:
    return int(settings.TCX_AUTH_FAILURE_WINDOW_MINUTES) * 60


def _window_start(now: dt.datetime) -> dt.datetime:
    seconds = window_seconds()
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _thresholds(first: int) -> list[int]:
    """first, 10×first, 100×first ... up to a billion (a counter never runs past it)."""
    out, value = [], max(1, first)
    while value <= 10**9:
        out.append(value)
        value *= 10
    return out


def _first_threshold(scope: str) -> int:
    if scope == AuthFailureScope.ACCOUNT:
        return int(settings.TCX_AUTH_FAILURE_AUDIT_ACCOUNT)
    return int(settings.TCX_AUTH_FAILURE_AUDIT_ADDRESS)


def _count(*, scope: str, kind: str, key: str, now: dt.datetime) -> AuthFailureWindow:
    start = _window_start(now)
    key = key[:150]
    with transaction.atomic():
        row = AuthFailureWindow.objects.filter(scope=scope, kind=kind, key=key, window_start=start).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = AuthFailureWindow.objects.create(
                        scope=scope, kind=kind, key=key, window_start=start, failures=0
                    )
            except IntegrityError:  # another worker created it first
                row = AuthFailureWindow.objects.get(scope=scope, kind=kind, key=key, window_start=start)
            # A new window: drop the windows nobody reads any more (keeps the table bounded).
            AuthFailureWindow.objects.filter(
                window_start__lt=start - dt.timedelta(seconds=window_seconds())
            ).delete()
        AuthFailureWindow.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
        row.refresh_from_db(fields=["failures", "audited_at_count"])
    return row


def _audit_if_crossed(
    row: AuthFailureWindow, *, user: Any, request: HttpRequest | None, detail: dict[str, Any]
) -> None:
    crossed = [
        t for t in _thresholds(_first_threshold(row.scope)) if row.audited_at_count < t <= row.failures
    ]
    if not crossed:
        return
    threshold = crossed[-1]
    # Only the worker that moves the mark writes the event, however many count at once.
    moved = AuthFailureWindow.objects.filter(pk=row.pk, audited_at_count__lt=threshold).update(
        audited_at_count=threshold
    )
    if not moved:
        return
    audit.record(
        action=KIND_ACTIONS[row.kind],
        actor_label=(user.username if user is not None else row.key)[:150],
        target=user,
        target_owner=user.organisation_id if user is not None else None,
        data={
            **detail,
            "pattern": f"{row.failures} failed {row.kind} authentications from this {row.get_scope_display()}"
            f" within {settings.TCX_AUTH_FAILURE_WINDOW_MINUTES} minutes",
            "scope": row.scope,
            "key": row.key,
            "failures": row.failures,
            "window_start": row.window_start.isoformat(),
        },
        request=request,
    )


def client_address(request: HttpRequest | None) -> str:
    return audit.client_address(request) or "unknown"


def note_failure(
    *,
    kind: str,
    request: HttpRequest | None,
    username: str = "",
    user: User | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Count one failed authentication for the client address and, if it names an existing
    account, for that account; audit a counter that crosses a threshold."""
    assert kind in KIND_ACTIONS
    now = timezone.now()
    if user is None and username:
        user = User.objects.select_related("organisation").filter(username__iexact=username[:150]).first()
    address_row = _count(scope=AuthFailureScope.ADDRESS, kind=kind, key=client_address(request), now=now)
    _audit_if_crossed(address_row, user=None, request=request, detail=detail or {})
    if user is not None:
        account_row = _count(scope=AuthFailureScope.ACCOUNT, kind=kind, key=user.username, now=now)
        _audit_if_crossed(account_row, user=user, request=request, detail=detail or {})


def recent_failures(*, scope: str, kind: str, key: str) -> int:
    """Failures in the current and the previous window (a sliding look, so a boundary between
    two windows does not reset a throttle)."""
    start = _window_start(timezone.now()) - dt.timedelta(seconds=window_seconds())
    total = AuthFailureWindow.objects.filter(
        scope=scope, kind=kind, key=key[:150], window_start__gte=start
    ).aggregate(total=Sum("failures"))["total"]
    return int(total or 0)


def address_is_throttled(*, request: HttpRequest, kind: str = "password") -> bool:
    """Too many failed sign-ins from this address, whatever the usernames (password spraying)."""
    return (
        recent_failures(scope=AuthFailureScope.ADDRESS, kind=kind, key=client_address(request))
        >= settings.TCX_LOGIN_ADDRESS_LIMIT
    )


def axes_client_ip(request: HttpRequest) -> str | None:
    """The address django-axes locks on: the same one the audit log and these counters use
    (``REMOTE_ADDR``, which ``TrustedProxyMiddleware`` sets from a trusted proxy's header).
    None when there is none (axes stores it in an IP address column)."""
    return audit.client_address(request) or None
