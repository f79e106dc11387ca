"""Sign-in with MFA, lockout and session expiry, as a person in a browser meets them."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tcx.audit.models import AuditEvent
from tcx.audit.registry import AuditAction

PASSWORD = "correct horse battery"


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password, "next": "/"})


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _enrolment_code(world, persona: str = "a_officer") -> str:
    from tcx.accounts import services

    _, code = services.mfa_enrolment_code_issue(actor=world.users["a_admin"], user=world.users[persona])
    return code


def test_first_sign_in_enrols_an_authenticator_then_asks_for_codes(world) -> None:
    code = _enrolment_code(world)
    client = Client()
    response = _login(client, "a_officer")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/")
    # Until MFA is done, nothing else opens.
    assert client.get("/").status_code == 302
    assert b"enrolment code" in client.get("/accounts/mfa/").content
    assert client.post("/accounts/mfa/", {"enrolment_code": code.lower()}).status_code == 302
    page = client.get("/accounts/mfa/")
    assert b"Set up your authenticator" in page.content
    secret = re.search(rb'id="mfa-secret">([A-Z2-7]+)<', page.content)
    assert secret, "the enrolment page shows the key for manual entry"
    device = TOTPDevice.objects.get(user=world.users["a_officer"], confirmed=False)
    wrong = client.post("/accounts/mfa/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and b"not right" in wrong.content
    throttled = client.post("/accounts/mfa/", {"code": _code(device)})
    assert b"Too many wrong codes" in throttled.content  # a guesser is slowed down
    device.refresh_from_db()
    device.throttle_reset()  # ... as a person is, after waiting a few seconds
    ok = client.post("/accounts/mfa/", {"code": _code(device), "next": "/"})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ENROLLED, actor_label="a_officer").exists()

    # Next time: the code of the enrolled device, no new enrolment.
    client.post("/accounts/logout/")
    second = Client()
    _login(second, "a_officer")
    prompt = second.get("/accounts/mfa/")
    assert b"Enter your code" in prompt.content
    device.refresh_from_db()
    device.last_t = -1  # the same time step may not be used twice; pretend a new one
    device.save()
    assert second.post("/accounts/mfa/", {"code": _code(device)}).status_code == 302
    assert second.get("/").status_code == 200


def test_wrong_password_is_refused_and_audited(world) -> None:
    client = Client()
    response = _login(client, "a_officer", "wrong")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor_label="a_officer").exists()
    assert client.get("/").status_code == 302


def test_lockout_after_repeated_failures(world, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "b_officer", "wrong")
    locked = _login(Client(), "b_officer")  # even the right password is refused now
    assert locked.status_code == 429
    assert b"locked" in locked.content
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, actor_label="b_officer").exists()
    # Another account from the same address is not locked.
    assert _login(Client(), "a_officer").status_code == 302


@override_settings(TCX_REQUIRE_MFA=False)
def test_demo_mode_signs_in_without_mfa(world) -> None:
    client = Client()
    assert _login(client, "a_officer").status_code == 302
    assert client.get("/").status_code == 200


def test_idle_session_expires(world, settings) -> None:
    from tcx.testing import sign_in

    client = sign_in(Client(), world.users["a_officer"])
    assert client.get("/").status_code == 200
    session = client.session
    session["tcx_last_seen"] = int(time.time()) - settings.TCX_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_next_never_leaves_the_node(world, target: str) -> None:
    from django.test import override_settings

    with override_settings(TCX_REQUIRE_MFA=False):
        response = Client().post(
            "/accounts/login/", {"username": "a_officer", "password": PASSWORD, "next": target}
        )
    assert response.status_code == 302 and response["Location"] == "/"


def test_passwords_are_hashed_with_argon2_in_real_runs() -> None:
    from tcx.config import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_createuser_command(world) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from tcx.accounts.models import User

    stdin = io.StringIO("a long enough passphrase\n")
    import sys

    old, sys.stdin = sys.stdin, stdin
    try:
        call_command(
            "createuser", "rtp.admin", "--organisation", "RTP", "--role", "agency_admin", "--password-stdin"
        )
        with pytest.raises(CommandError, match="role"):
            sys.stdin = io.StringIO("a long enough passphrase\n")
            call_command(
                "createuser", "x", "--organisation", "RTP", "--role", "partner_liaison", "--password-stdin"
            )
    finally:
        sys.stdin = old
    user = User.objects.get(username="rtp.admin")
    assert user.organisation == world.agency_b and user.check_password("a long enough passphrase")
    assert user.mfa_enrolment_codes.filter(used_at__isnull=True).count() == 1  # the first admin's code
    assert not User.objects.filter(username="x").exists()
