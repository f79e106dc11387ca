"""Sign-in with MFA, sign-out, the agency's users and the person's API tokens."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tcx.accounts import failures, selectors, services
from tcx.accounts.forms import (
    EnrolmentCodeForm,
    TokenCodeForm,
    TokenCreateForm,
    UserCreateForm,
    UserUpdateForm,
)
from tcx.accounts.models import AuthFailureScope, MfaEnrolmentCode, User
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.kernel.forms import add_field_errors
from tcx.kernel.pages import actor_of, page
from tcx.kernel.routes import public
from tcx.policy.actors import user_of
from tcx.policy.capabilities import Capability


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers once an account is locked for this address: a page, not a bare
    403. Repeated attempts while locked are counted, not audited one by one."""
    username = ""
    if isinstance(credentials, dict):
        username = str(credentials.get("username", ""))
    elif request.method == "POST":
        username = request.POST.get("username", "")
    failures.note_failure(kind="locked", request=request, username=username)
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


def _throttled_response(request: HttpRequest) -> HttpResponse:
    failures.note_failure(kind="throttled", request=request)
    minutes = int(settings.TCX_AUTH_FAILURE_WINDOW_MINUTES)
    return render(request, "accounts/locked.html", {"minutes": minutes, "by_address": True}, status=429)


@public("signing in is how a person gets a session")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("web:home")
    if request.method == "POST" and failures.address_is_throttled(request=request):
        # Password spraying: many usernames from one address. Refused before any password check.
        return _throttled_response(request)
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            auth_login(request, user)
            request.session["tcx_last_seen"] = None
            if not settings.TCX_REQUIRE_MFA:
                audit.record(actor=user, action=AuditAction.LOGIN, request=request, data={"mfa": False})
                return redirect(_safe_next(request))
            return redirect(f"/accounts/mfa/?next={_safe_next(request)}")
        failures.note_failure(kind="password", request=request, username=request.POST.get("username", ""))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _safe_next(request), "demo": settings.DEMO_MODE},
    )


_ENROLMENT_SESSION_KEY = "tcx_mfa_enrolment_code"


def _enrolment_code_in_session(request: HttpRequest, user: User) -> MfaEnrolmentCode | None:
    pk = request.session.get(_ENROLMENT_SESSION_KEY)
    if pk is None:
        return None
    code = selectors.enrolment_code_usable(user=user, code_id=pk)
    if code is None:
        request.session.pop(_ENROLMENT_SESSION_KEY, None)
    return code


@require_http_methods(["GET", "POST"])
def mfa_view(request: HttpRequest) -> HttpResponse:
    """Second step: a code from a confirmed authenticator, or enrolment of a first one. Outside
    demo mode, enrolling needs the one-time enrolment code the agency admin gave the person."""
    user = user_of(actor_of(request))
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_safe_next(request))
    enrolling = not selectors.has_confirmed_mfa(user=user)
    enrolment_code = _enrolment_code_in_session(request, user) if enrolling else None
    if enrolling and settings.TCX_REQUIRE_MFA and enrolment_code is None:
        return _enrolment_code_step(request, user)
    device = services.mfa_device_for_enrolment(user=user) if enrolling else None
    form = TokenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        devices = [device] if enrolling else list(TOTPDevice.objects.filter(user=user, confirmed=True))
        throttled = [d for d in devices if d is not None and not d.verify_is_allowed()[0]]
        if throttled and len(throttled) == len(devices):
            form.add_error(
                "code", _("Too many wrong codes in a row: wait a few seconds, then try the current code.")
            )
            return render(request, "accounts/mfa.html", _mfa_context(form, enrolling, device, request))
        if enrolling:
            assert device is not None
            matched = device if device.verify_token(code) else None
        else:
            matched = next(
                (d for d in TOTPDevice.objects.filter(user=user, confirmed=True) if d.verify_token(code)),
                None,
            )
        if matched is not None:
            if enrolling:
                try:
                    services.mfa_confirm(
                        user=user, device=matched, enrolment_code=enrolment_code, request=request
                    )
                except services.EnrolmentCodeUsed:
                    request.session.pop(_ENROLMENT_SESSION_KEY, None)
                    messages.error(request, _("Your enrolment code was used or replaced meanwhile."))
                    return redirect(f"{reverse('accounts:mfa')}?next={_safe_next(request)}")
                request.session.pop(_ENROLMENT_SESSION_KEY, None)
            otp_login(request, matched)
            audit.record(actor=user, action=AuditAction.LOGIN, request=request, data={"mfa": True})
            return redirect(_safe_next(request))
        audit.record(actor=user, action=AuditAction.MFA_FAILED, request=request)
        form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    return render(request, "accounts/mfa.html", _mfa_context(form, enrolling, device, request))


def _enrolment_code_step(request: HttpRequest, user: User) -> HttpResponse:
    """Before the QR code is shown: the one-time code from the agency admin."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if failures.recent_failures(
            scope=AuthFailureScope.ACCOUNT, kind="enrolment_code", key=user.username
        ) >= int(settings.TCX_ENROLMENT_CODE_ATTEMPTS):
            form.add_error(
                "enrolment_code",
                _("Too many wrong enrolment codes: ask your agency administrator for a new one later."),
            )
        else:
            code = services.mfa_enrolment_code_check(
                user=user, code=form.cleaned_data["enrolment_code"], request=request
            )
            if code is not None:
                request.session[_ENROLMENT_SESSION_KEY] = code.pk
                return redirect(f"{reverse('accounts:mfa')}?next={_safe_next(request)}")
            form.add_error(
                "enrolment_code",
                _("That enrolment code is not right, was used already or has expired."),
            )
    return render(request, "accounts/mfa_enrolment_code.html", {"form": form, "next": _safe_next(request)})


def _mfa_context(
    form: TokenCodeForm, enrolling: bool, device: TOTPDevice | None, request: HttpRequest
) -> dict[str, Any]:
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if device is not None:
        qr = segno.make(device.config_url, error="m")
        context["qr_svg"] = qr.svg_inline(scale=4, title="QR code for your authenticator app")
        context["secret_b32"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return context


@public("signing out works (and says so) even when the session has already expired")
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(actor=request.user, action=AuditAction.LOGOUT, request=request)
    auth_logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


@page(capability=Capability.ADMINISTER_AGENCY)
def user_list_view(request: HttpRequest) -> HttpResponse:
    actor = user_of(actor_of(request))
    users = selectors.user_list(fetched_by=actor)
    return render(request, "accounts/user_list.html", {"users": users})


@require_http_methods(["GET", "POST"])
@page(capability=Capability.ADMINISTER_AGENCY)
def user_create_view(request: HttpRequest) -> HttpResponse:
    actor = user_of(actor_of(request))
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                actor=actor, organisation=actor.organisation, request=request, **form.cleaned_data
            )
        except services.AccountError as exc:
            add_field_errors(form, exc)
        else:
            enrolment, code = services.mfa_enrolment_code_issue(actor=actor, user=user, request=request)
            messages.success(request, _("%(username)s can now sign in.") % {"username": user.username})
            return render(
                request,
                "accounts/enrolment_code.html",
                {"subject": user, "code": code, "enrolment": enrolment},
            )
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@page(capability=Capability.ADMINISTER_AGENCY)
def user_edit_view(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = user_of(actor_of(request))
    user = selectors.access_user(actor=actor, user_id=user_id)
    initial = {
        f: getattr(user, f) for f in ("first_name", "last_name", "email", "job_title", "role", "is_active")
    }
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=actor, user=user, data=form.cleaned_data, request=request)
        except services.AccountError as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, f"{user.username} updated.")
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "subject": user, "creating": False})


@require_POST
@page(capability=Capability.ADMINISTER_AGENCY)
def user_mfa_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = user_of(actor_of(request))
    user = selectors.access_user(actor=actor, user_id=user_id)
    services.mfa_reset(actor=actor, user=user, request=request)
    messages.success(
        request,
        _("%(username)s will enrol a new authenticator at next sign-in: issue them an enrolment code.")
        % {"username": user.username},
    )
    return redirect("accounts:users")


@require_POST
@page(capability=Capability.ADMINISTER_AGENCY)
def user_enrolment_code_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Issue a person's one-time MFA enrolment code and show it, once, to the admin."""
    actor = user_of(actor_of(request))
    user = selectors.access_user(actor=actor, user_id=user_id)
    enrolment, code = services.mfa_enrolment_code_issue(actor=actor, user=user, request=request)
    return render(
        request, "accounts/enrolment_code.html", {"subject": user, "code": code, "enrolment": enrolment}
    )


@require_http_methods(["GET", "POST"])
def token_list_view(request: HttpRequest) -> HttpResponse:
    actor = user_of(actor_of(request))
    form = TokenCreateForm(request.POST or None, initial={"expires_in_days": settings.TCX_TOKEN_DEFAULT_DAYS})
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = services.token_create(actor=actor, request=request, **form.cleaned_data)
        except services.AccountError as exc:
            add_field_errors(form, exc)
        else:
            form = TokenCreateForm(initial={"expires_in_days": settings.TCX_TOKEN_DEFAULT_DAYS})
    tokens = selectors.token_list(actor=actor)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "secret": secret})


@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = user_of(actor_of(request))
    token = selectors.access_token(actor=actor, token_id=token_id)
    try:
        services.token_revoke(actor=actor, token=token, request=request)
    except services.Refused as exc:
        raise Http404("token not found") from exc
    messages.success(request, f"Token {token.name} revoked.")
    return redirect("accounts:tokens")
