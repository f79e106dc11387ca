"""Reads on accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from tcx.accounts.models import ApiToken, MfaEnrolmentCode, User
from tcx.policy.capabilities import Capability, has_capability
from tcx.policy.rules import NotFound


def user_list(*, fetched_by: User) -> QuerySet[User]:
    """The people an agency admin manages: their own agency's. Nobody else lists users."""
    if not has_capability(fetched_by, Capability.ADMINISTER_AGENCY):
        return User.objects.none()
    return User.objects.select_related("organisation").filter(organisation_id=fetched_by.organisation_id)


def access_user(*, actor: User, user_id: int) -> User:
    user = user_list(fetched_by=actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def token_list(*, actor: User) -> QuerySet[ApiToken]:
    """The actor's own tokens; for an agency admin, every token of their agency."""
    qs = ApiToken.objects.select_related("user")
    if has_capability(actor, Capability.ADMINISTER_AGENCY):
        return qs.filter(user__organisation_id=actor.organisation_id)
    return qs.filter(user=actor)


def access_token(*, actor: User, token_id: int) -> ApiToken:
    token = token_list(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"token {token_id} not found")
    return token


def has_confirmed_mfa(*, user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def user_exists(*, username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def user_by_username(*, username: str) -> User | None:
    """For the CLI, which acts as a named person."""
    return User.objects.select_related("organisation").filter(username=username, is_active=True).first()


def enrolment_code_usable(*, user: User, code_id: int) -> MfaEnrolmentCode | None:
    """The person's enrolment code of that id if it is still unused and unexpired."""
    code = MfaEnrolmentCode.objects.filter(pk=code_id, user=user).first()
    return code if code is not None and code.is_usable() else None
