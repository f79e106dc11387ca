"""Response headers every page and API answer carries: what the browser may load and use, and
that nothing the node answers (beyond its static assets) is kept in a cache."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Scripts and style sheets come from the node's own static files only: no inline <script> or
# <style>, no eval (HTMX is told not to use it, see base.html). Style *attributes* are allowed
# (style-src-attr): some app templates lay out with them and Swagger UI sets them; they cannot run
# code. Images may be data: URIs (Swagger UI's icons). No plugin, no framing, no <base>, forms
# post only to the node.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# No page of TCX needs a camera, a microphone, the location, sensors, payment or USB.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and ``Cache-Control: no-store`` on everything
    but static assets: pages and API answers carry operational data or CSRF tokens, and must not
    stay in a browser's or a proxy's cache after the person signs out. (Referrer-Policy,
    X-Frame-Options and nosniff come from Django's own middleware and settings.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


class TrustedProxyMiddleware:
    """Behind ``TCX_TRUSTED_PROXY_COUNT`` reverse proxies (TLS termination, a load balancer), the
    client's address is the one the outermost trusted proxy appended to ``X-Forwarded-For``, not
    the proxy's own ``REMOTE_ADDR``. Lockout, the throttling of failed sign-ins and the audit log
    all key on it, so it is set once, here, first. With no trusted proxy (the default) the header
    is ignored: any client could write it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = int(getattr(settings, "TCX_TRUSTED_PROXY_COUNT", 0))
        if count > 0:
            hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
            if len(hops) >= count:
                request.META["REMOTE_ADDR"] = hops[-count][:64]
        return self.get_response(request)
