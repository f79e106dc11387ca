"""``/api/v1/notifications``: the caller's own notifications, for national systems and apps.

Responses: 200 with the result; 401 without a valid token or session; 403 for a read-only token
on a write; 404 (problem+json) for a notification that does not exist or is someone else's;
422 for bad parameters (a ``limit`` or ``offset`` that is not a number)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import paginate

from tcx.api.pagination import LimitOffsetPagination
from tcx.api.routing import ApiRouter
from tcx.kernel.pages import actor_of
from tcx.notifications import selectors, services

router = ApiRouter(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    urgent: bool
    target_type: str
    target_id: str
    target_ref: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


@router.get("", response=list[NotificationOut], summary="Your notifications, newest first")
@paginate(LimitOffsetPagination)
def notifications_list(request: HttpRequest, unread: bool = False) -> Any:
    return selectors.notification_list(actor=actor_of(request), unread_only=unread)


@router.get("/unread", response=UnreadOut, summary="How many of your notifications are unread")
def notifications_unread_count(request: HttpRequest) -> Any:
    return {"unread": selectors.unread_count(actor=actor_of(request))}


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one of yours read")
def notification_mark_read(request: HttpRequest, notification_id: int) -> Any:
    notification = selectors.access_notification(actor=actor_of(request), notification_id=notification_id)
    return services.notification_mark_read(actor=actor_of(request), notification=notification)


@router.post("/read-all", response=MarkedOut, summary="Mark all of yours read")
def notifications_mark_all_read(request: HttpRequest) -> Any:
    return {"marked": services.notifications_mark_all_read(actor=actor_of(request))}
