"""Authorization matrix of the accounts routes (pages and API)."""

from __future__ import annotations

from tcx.testing import NOTHING_CHANGES, PERSONAS, Case, World

ADMIN_ONLY_PAGE = {p: 404 for p in PERSONAS if p not in ("anonymous", "a_admin")}
ADMIN_ONLY_API = {p: 403 for p in PERSONAS if p not in ("anonymous", "a_admin")}


def _token(world: World, persona: str = "a_officer") -> int:
    from tcx.accounts import services

    key = f"token:{persona}"
    if key not in world.extra:
        token, _ = services.token_create(actor=world.users[persona], name="border system", scope="read_write")
        world.extra[key] = token.pk
    return int(world.extra[key])


def _officer(world: World) -> dict[str, int]:
    return {"user_id": world.users["a_officer"].pk}


def _other_agency_user(world: World) -> dict[str, int]:
    return {"user_id": world.users["b_officer"].pk}


def _token_kwargs(world: World) -> dict[str, int]:
    return {"token_id": _token(world)}


def _new_user(world: World) -> dict[str, str]:
    return {"username": "new.person", "password": "a long enough passphrase", "role": "analyst"}


CASES = [
    # Pages
    Case("accounts:login", expect={"anonymous": 200}, default=302),
    Case("accounts:mfa", default=302),
    # signing out ends the session (not a row TCX keeps)
    Case("accounts:logout", method="POST", default=302, expect={"anonymous": 302}, effect=NOTHING_CHANGES),
    Case("accounts:users", expect=ADMIN_ONLY_PAGE),
    Case("accounts:user_create", expect=ADMIN_ONLY_PAGE),
    # The admin sees the new person's one-time MFA enrolment code (200), not a redirect.
    Case(
        "accounts:user_create",
        method="POST",
        body=_new_user,
        expect={**ADMIN_ONLY_PAGE, "a_admin": 200},
        effect=("accounts.User", "accounts.MfaEnrolmentCode"),
    ),
    Case(
        "accounts:user_enrolment_code",
        method="POST",
        kwargs=_officer,
        expect={**ADMIN_ONLY_PAGE, "a_admin": 200},
        effect="accounts.MfaEnrolmentCode",
    ),
    Case("accounts:user_enrolment_code", method="POST", kwargs=_other_agency_user, default=404),
    Case("accounts:user_edit", kwargs=_officer, expect=ADMIN_ONLY_PAGE),
    Case("accounts:user_edit", kwargs=_other_agency_user, default=404),
    Case(
        "accounts:user_edit",
        method="POST",
        kwargs=_officer,
        body=lambda w: {"role": "supervisor", "first_name": "X", "is_active": "on"},
        expect={**ADMIN_ONLY_PAGE, "a_admin": 302},
        effect="accounts.User",
    ),
    Case(
        "accounts:user_mfa_reset",
        method="POST",
        kwargs=_officer,
        expect={**ADMIN_ONLY_PAGE, "a_admin": 302},
        effect="otp_totp.TOTPDevice",
    ),
    Case("accounts:user_mfa_reset", method="POST", kwargs=_other_agency_user, default=404),
    Case("accounts:tokens"),
    Case(
        "accounts:tokens",
        method="POST",
        body=lambda w: {"name": "ci", "scope": "read", "expires_in_days": 30},
        effect="accounts.ApiToken",
    ),
    Case(
        "accounts:token_revoke",
        method="POST",
        kwargs=_token_kwargs,
        default=404,
        expect={"a_officer": 302, "a_admin": 302},
        effect="accounts.ApiToken",
    ),
    # API
    Case("api:me"),
    Case("api:list_users", expect=ADMIN_ONLY_API),
    Case(
        "api:create_user",
        method="POST",
        body=_new_user,
        expect={**ADMIN_ONLY_API, "a_admin": 201},
        effect="accounts.User",
    ),
    Case("api:get_user", kwargs=_officer, expect=ADMIN_ONLY_API),
    Case("api:get_user", kwargs=_other_agency_user, expect={**ADMIN_ONLY_API, "a_admin": 404}),
    Case(
        "api:update_user",
        method="PATCH",
        kwargs=_officer,
        body=lambda w: {"job_title": "Liaison officer"},
        expect=ADMIN_ONLY_API,
        effect="accounts.User",
    ),
    Case(
        "api:update_user",
        method="PATCH",
        kwargs=_other_agency_user,
        body=lambda w: {"job_title": "x"},
        expect={**ADMIN_ONLY_API, "a_admin": 404},
    ),
    Case(
        "api:reset_user_mfa",
        method="POST",
        kwargs=_officer,
        expect={**ADMIN_ONLY_API, "a_admin": 204},
        effect="otp_totp.TOTPDevice",
    ),
    Case(
        "api:issue_enrolment_code",
        method="POST",
        kwargs=_officer,
        expect={**ADMIN_ONLY_API, "a_admin": 201},
        effect="accounts.MfaEnrolmentCode",
    ),
    Case(
        "api:issue_enrolment_code",
        method="POST",
        kwargs=_other_agency_user,
        expect={**ADMIN_ONLY_API, "a_admin": 404},
    ),
    Case("api:list_tokens"),
    Case(
        "api:create_token",
        method="POST",
        body=lambda w: {"name": "ci"},
        default=201,
        effect="accounts.ApiToken",
    ),
    Case(
        "api:revoke_token",
        method="DELETE",
        kwargs=_token_kwargs,
        default=404,
        expect={"a_officer": 200, "a_admin": 200},
        effect="accounts.ApiToken",
    ),
]
