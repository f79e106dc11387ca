"""The notification centre: the list (all or unread, newest first, paginated), mark one or all
read (POST with CSRF; HTMX gets the row or the list back), the navigation badge and the e-mail
preference. Everyone signed in has one; each person sees only their own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tcx.kernel.pages import actor_of
from tcx.notifications import registry, selectors, services
from tcx.notifications.models import EmailPreference, Notification
from tcx.policy.actors import user_of

PAGE_SIZE = 50


def _show(value: Any) -> str:
    return "unread" if value == "unread" else "all"


def _list_url(show: str) -> str:
    url = reverse("notifications:list")
    return f"{url}?show=unread" if show == "unread" else url


def _row(notification: Notification) -> dict[str, Any]:
    return {"n": notification, "kind": registry.label_of(notification.kind)}


def notification_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    show = _show(request.GET.get("show"))
    notifications = selectors.notification_list(actor=actor, unread_only=show == "unread")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": [_row(n) for n in page], "show": show}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "notification-list":
        return render(request, "notifications/partials/list.html", context)
    return render(request, "notifications/list.html", context)


@require_POST
def notification_read_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read; ``open`` also follows its link (a path on this node, checked when stored)."""
    actor = actor_of(request)
    notification = selectors.access_notification(actor=actor, notification_id=notification_id)
    services.notification_mark_read(actor=actor, notification=notification)
    if request.POST.get("open") and notification.url:
        return redirect(notification.url)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "notifications/partials/row.html",
            {**_row(notification), "show": _show(request.POST.get("show"))},
        )
    return redirect(_list_url(_show(request.POST.get("show"))))


@require_POST
def notifications_read_all_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    count = services.notifications_mark_all_read(actor=actor)
    messages.success(request, _("%(count)d notification(s) marked read.") % {"count": count})
    return redirect(_list_url(_show(request.POST.get("show"))))


def badge_view(request: HttpRequest) -> HttpResponse:
    """The badge of the Notifications entry in the navigation (HTMX, once per page)."""
    actor = actor_of(request)
    return render(
        request, "notifications/partials/badge.html", {"unread": selectors.unread_count(actor=actor)}
    )


@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    error = ""
    if request.method == "POST":
        try:
            services.preference_set(actor=actor, email=request.POST.get("email", ""), request=request)
        except services.NotificationError as exc:
            error = "; ".join(exc.errors.values())
        else:
            messages.success(request, _("Your notification preference is saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "choices": EmailPreference.choices,
            "current": selectors.email_preference(actor=actor),
            "has_email": bool(user_of(actor).email),
            "kinds": registry.kinds(),
            "error": error,
        },
        status=422 if error else 200,
    )
