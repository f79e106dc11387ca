"""Writes on accounts: users, MFA devices and API tokens. Each writes its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tcx.accounts.models import ApiToken, MfaEnrolmentCode, Role, TokenScope, User
from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.kernel.errors import FieldErrors
from tcx.organisations.models import Organisation
from tcx.policy import rules
from tcx.policy.capabilities import ROLES_BY_KIND, Capability, has_capability

TOKEN_PREFIX = "tcx"  # noqa: S105 - a label, not a secret


class AccountError(FieldErrors):
    """A request on accounts that cannot be carried out; ``errors`` maps fields to reasons."""


class Refused(Exception):
    """The actor may not do this (role or agency). Shown to users as "not found" or 403."""


def _check_role(organisation: Organisation, role: str) -> None:
    if role not in Role.values:
        raise AccountError({"role": f"unknown role {role!r}; use one of {', '.join(Role.values)}"})
    if role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        allowed = ", ".join(sorted(ROLES_BY_KIND.get(organisation.kind, frozenset())))
        raise AccountError(
            {"role": f"a {organisation.get_kind_display()} can have only these roles: {allowed}"}
        )


def can_manage_user(actor: User, user: User) -> bool:
    """An agency admin manages the people of their own agency; the operator bootstraps admins."""
    if has_capability(actor, Capability.ADMINISTER_AGENCY):
        return user.organisation_id == actor.organisation_id
    return False


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    organisation: Organisation,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    request: HttpRequest | None = None,
    validate: bool = True,
) -> User:
    """Create a person. ``actor`` None is the CLI or the demo seed (the node's own operator)."""
    if actor is not None:
        if has_capability(actor, Capability.ADMINISTER_AGENCY):
            if organisation.pk != actor.organisation_id:
                raise Refused("an agency admin creates users of their own agency only")
        elif has_capability(actor, Capability.ONBOARD_ACCOUNTS):
            if not rules.onboards_role(actor, role):
                raise Refused("the operator creates agency admins and operators only")
        else:
            raise Refused("only an agency admin creates users")
    errors: dict[str, str] = {}
    username = username.strip()
    if not username:
        errors["username"] = "a username is required"
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = f"the username {username!r} is taken"
    try:
        _check_role(organisation, role)
    except AccountError as exc:
        errors.update(exc.errors)
    user = User(
        username=username,
        email=email.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation,
        role=role,
        job_title=job_title.strip(),
    )
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise AccountError(errors)
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor,
        action=AuditAction.USER_CREATED,
        target=user,
        target_owner=organisation,
        data={"username": user.username, "role": role, "organisation": organisation.name},
        request=request,
    )
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict[str, Any], request: HttpRequest | None = None) -> User:
    """Change a person's role, name, title, e-mail or active flag (agency admin of their agency)."""
    if not can_manage_user(actor, user):
        raise Refused("not your agency's user")
    allowed = {"role", "first_name", "last_name", "email", "job_title", "is_active"}
    unknown = set(data) - allowed
    if unknown:
        raise AccountError(dict.fromkeys(sorted(unknown), "this field cannot be changed here"))
    if "role" in data:
        _check_role(user.organisation, data["role"])
    if user.pk == actor.pk and (data.get("is_active") is False or data.get("role", actor.role) != actor.role):
        raise AccountError({"role": "you cannot remove your own admin role or deactivate yourself"})
    changes = {k: v for k, v in data.items() if getattr(user, k) != v}
    for key, value in changes.items():
        setattr(user, key, value.strip() if isinstance(value, str) and key != "role" else value)
    if changes:
        user.save()
        if changes.get("is_active") is False:
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(
            actor=actor,
            action=AuditAction.USER_UPDATED,
            target=user,
            target_owner=user.organisation_id,
            data={"changes": changes},
            request=request,
        )
    return user


@transaction.atomic
def mfa_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Remove a person's authenticators so they enrol again at next sign-in."""
    if not can_manage_user(actor, user):
        raise Refused("not your agency's user")
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(
        actor=actor,
        action=AuditAction.MFA_RESET,
        target=user,
        target_owner=user.organisation_id,
        request=request,
    )


def can_issue_enrolment_code(actor: User, user: User) -> bool:
    """An agency admin for their agency's people; the operator for the admins and operators it
    creates (each agency's first admin)."""
    return can_manage_user(actor, user) or rules.onboards_account(actor, user)


def _hash_enrolment_code(code: str) -> str:
    return hashlib.sha256(f"tcx-mfa-enrolment:{code.strip().upper()}".encode()).hexdigest()


# Unambiguous letters and digits (no 0/O, 1/I/L), grouped for reading aloud over the phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@transaction.atomic
def mfa_enrolment_code_issue(
    *, actor: User | None, user: User, request: HttpRequest | None = None
) -> tuple[MfaEnrolmentCode, str]:
    """Issue the one-time code a person needs to enrol an authenticator; returns it once (only
    its hash is kept). Earlier unused codes of the person stop working. ``actor`` None is the CLI."""
    if actor is not None and not can_issue_enrolment_code(actor, user):
        raise Refused("not your agency's user")
    now = timezone.now()
    MfaEnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    hours = int(settings.TCX_MFA_ENROLMENT_CODE_HOURS)
    enrolment = MfaEnrolmentCode.objects.create(
        user=user,
        code_hash=_hash_enrolment_code(code),
        issued_by=actor,
        expires_at=now + dt.timedelta(hours=hours),
    )
    audit.record(
        actor=actor,
        action=AuditAction.MFA_CODE_ISSUED,
        target=user,
        target_owner=user.organisation_id,
        data={"username": user.username, "expires_at": enrolment.expires_at},
        request=request,
    )
    return enrolment, code


def mfa_enrolment_code_check(
    *, user: User, code: str, request: HttpRequest | None = None
) -> MfaEnrolmentCode | None:
    """The usable enrolment code of ``user`` that ``code`` is, or None (counted as a failure)."""
    from tcx.accounts import failures

    enrolment = MfaEnrolmentCode.objects.filter(user=user, code_hash=_hash_enrolment_code(code)).first()
    if enrolment is None or not enrolment.is_usable():
        failures.note_failure(kind="enrolment_code", request=request, user=user)
        return None
    return enrolment


def mfa_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device a person is enrolling (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


class EnrolmentCodeUsed(Exception):
    """The enrolment code was used, replaced or expired meanwhile."""


@transaction.atomic
def mfa_confirm(
    *,
    user: User,
    device: TOTPDevice,
    enrolment_code: MfaEnrolmentCode | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Confirm the authenticator a person enrols; outside demo mode this spends their one-time
    enrolment code (single use: a second enrolment with the same code is refused)."""
    if settings.TCX_REQUIRE_MFA:
        if enrolment_code is None or enrolment_code.user_id != user.pk:
            raise EnrolmentCodeUsed("an enrolment code is needed")
        spent = MfaEnrolmentCode.objects.filter(
            pk=enrolment_code.pk, used_at__isnull=True, expires_at__gt=timezone.now()
        ).update(used_at=timezone.now())
        if not spent:
            raise EnrolmentCodeUsed("the enrolment code was used, replaced or has expired")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit.record(
        actor=user,
        action=AuditAction.MFA_ENROLLED,
        target=user,
        target_owner=user.organisation_id,
        data={"enrolment_code": enrolment_code.pk if enrolment_code is not None else None},
        request=request,
    )


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor: User,
    name: str,
    scope: str = TokenScope.READ,
    expires_in_days: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for the actor. Returns the token and its secret, which is never stored."""
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "give the token a name (which client uses it)"
    if scope not in TokenScope.values:
        errors["scope"] = f"scope must be one of {', '.join(TokenScope.values)}"
    days = settings.TCX_TOKEN_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= settings.TCX_TOKEN_MAX_DAYS:
        errors["expires_in_days"] = f"a token lives between 1 and {settings.TCX_TOKEN_MAX_DAYS} days"
    if errors:
        raise AccountError(errors)
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=prefix,
        token_hash=_hash_token(secret),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.record(
        actor=actor,
        action=AuditAction.TOKEN_CREATED,
        target=token,
        target_owner=actor.organisation_id,
        data={"name": name, "scope": scope, "prefix": prefix, "expires_at": token.expires_at},
        request=request,
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    """Revoke a token: its owner, or an agency admin of the owner's agency."""
    if token.user_id != actor.pk and not can_manage_user(actor, token.user):
        raise Refused("not your token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action=AuditAction.TOKEN_REVOKED,
            target=token,
            target_owner=token.user.organisation_id,
            data={"prefix": token.prefix},
            request=request,
        )
    return token


def token_authenticate(*, secret: str, request: HttpRequest | None = None) -> ApiToken | None:
    """The active token for a presented secret, or None. A refusal is counted per client address
    and account (``failures``), and audited when the count crosses a threshold, never once per
    request: anonymous clients cannot fill the audit log with bogus tokens."""
    from tcx.accounts import failures

    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(token_hash=_hash_token(secret))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_active(now):
        failures.note_failure(
            kind="token",
            request=request,
            user=token.user if token is not None else None,
            detail={
                "reason": "unknown" if token is None else token.status,
                "prefix": (secret.split("_")[1] if secret.count("_") >= 2 else "")[:12],
            },
        )
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
