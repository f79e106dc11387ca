"""Issue 12, findings 7 and 10: failed authentications are counted, not audited one by one;
lockout is keyed on the account and the address; password spraying is throttled; enrolling an
authenticator needs a one-time code from the agency admin; anonymous API writes answer 401."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tcx.accounts import services
from tcx.accounts.models import AuthFailureWindow, MfaEnrolmentCode
from tcx.audit.models import AuditEvent

PASSWORD = "correct horse battery"


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password, "next": "/"})


def _totp(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- finding 7: anonymous requests no longer fill the audit log ---------------------------------


def test_a_thousand_bogus_tokens_leave_a_handful_of_audit_events(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    before = AuditEvent.objects.count()
    for i in range(1000):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer tcx_{i:08x}_bogus")
        assert response.status_code == 401
    added = AuditEvent.objects.filter(action="token.refused")
    assert AuditEvent.objects.count() - before <= 5
    # ... and the pattern is there: the address, and how many failed.
    assert added.exists()
    last = added.latest("seq")
    assert last.client_address == "203.0.113.7" and last.data["failures"] == 1000
    window = AuthFailureWindow.objects.get(scope="address", kind="token", key="203.0.113.7")
    assert window.failures == 1000
    assert AuthFailureWindow.objects.count() == 1  # one counter row, not one row per request


def test_a_revoked_token_is_counted_for_its_account_and_shown_to_its_agency(world) -> None:
    token, secret = services.token_create(actor=world.users["a_officer"], name="border")
    services.token_revoke(actor=world.users["a_officer"], token=token)
    for _ in range(3):
        assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    events = AuditEvent.objects.filter(action="token.refused", target_owner=world.agency_a)
    assert events.count() == 1 and events.get().data["reason"] == "revoked"


def test_old_failure_windows_are_purged(world, settings) -> None:
    old = timezone.now() - dt.timedelta(minutes=10 * settings.TCX_AUTH_FAILURE_WINDOW_MINUTES)
    AuthFailureWindow.objects.create(scope="address", kind="token", key="198.51.100.1", window_start=old)
    Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer tcx_00000000_bogus")
    assert not AuthFailureWindow.objects.filter(key="198.51.100.1").exists()


# --- finding 10: lockout per account and address; spraying throttled --------------------------


def test_lockout_is_keyed_on_account_and_address(world, settings) -> None:
    attacker = "198.51.100.66"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(REMOTE_ADDR=attacker), "b_officer", "wrong")
    assert _login(Client(REMOTE_ADDR=attacker), "b_officer").status_code == 429
    # The officer at their own desk is not locked out by someone else's guesses.
    assert _login(Client(REMOTE_ADDR="192.0.2.10"), "b_officer").status_code == 302


def test_password_spraying_from_one_address_is_throttled(world, settings) -> None:
    from tcx.accounts.models import User

    agency = world.agency_a
    for i in range(40):
        User.objects.create_user(username=f"spray{i}", password=PASSWORD, organisation=agency, role="officer")
    sprayer = "198.51.100.99"
    answers = [_login(Client(REMOTE_ADDR=sprayer), f"spray{i}", "Winter2026!").status_code for i in range(40)]
    assert answers.count(429) >= 40 - settings.TCX_LOGIN_ADDRESS_LIMIT
    # Once throttled, even a right password from that address is not checked ...
    assert _login(Client(REMOTE_ADDR=sprayer), "spray0").status_code == 429
    # ... while everyone else signs in, and the audit log holds the pattern, not 40 events.
    assert _login(Client(REMOTE_ADDR="192.0.2.10"), "spray0").status_code == 302
    assert AuditEvent.objects.filter(action__in=["auth.login_failed", "auth.login_throttled"]).count() <= 40
    assert AuditEvent.objects.filter(action="auth.login_throttled", client_address=sprayer).count() == 1


# --- finding 10: MFA enrolment needs a one-time code from the agency admin ---------------------


def test_the_password_alone_no_longer_enrols_an_authenticator(world) -> None:
    thief = Client()
    assert _login(thief, "a_officer").status_code == 302
    page = thief.get("/accounts/mfa/")
    assert b"mfa-secret" not in page.content  # no key, no QR code
    assert not TOTPDevice.objects.filter(user=world.users["a_officer"]).exists()
    wrong = thief.post("/accounts/mfa/", {"enrolment_code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 200 and b"not right" in wrong.content
    assert b"mfa-secret" not in thief.get("/accounts/mfa/").content
    assert thief.get("/").status_code == 302


def test_an_enrolment_code_is_hashed_single_use_and_audited(world) -> None:
    officer = world.users["a_officer"]
    enrolment, code = services.mfa_enrolment_code_issue(actor=world.users["a_admin"], user=officer)
    assert enrolment.code_hash == hashlib.sha256(f"tcx-mfa-enrolment:{code}".encode()).hexdigest()
    assert code not in json.dumps(list(MfaEnrolmentCode.objects.values()), default=str)
    issued = AuditEvent.objects.get(action="auth.mfa_code_issued")
    assert issued.actor_label == "a_admin" and code not in json.dumps(issued.data)

    client = Client()
    _login(client, "a_officer")
    assert client.post("/accounts/mfa/", {"enrolment_code": code}).status_code == 302
    assert b"mfa-secret" in client.get("/accounts/mfa/").content  # now the key and QR code show
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.post("/accounts/mfa/", {"code": _totp(device), "next": "/"}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.used_at is not None
    assert AuditEvent.objects.get(action="auth.mfa_enrolled").data["enrolment_code"] == enrolment.pk

    # After an MFA reset, the spent code does not enrol a new authenticator.
    services.mfa_reset(actor=world.users["a_admin"], user=officer)
    again = Client()
    _login(again, "a_officer")
    refused = again.post("/accounts/mfa/", {"enrolment_code": code})
    assert refused.status_code == 200 and b"not right" in refused.content


def test_an_expired_or_replaced_code_is_refused(world) -> None:
    officer = world.users["a_officer"]
    _, first_code = services.mfa_enrolment_code_issue(actor=world.users["a_admin"], user=officer)
    second, second_code = services.mfa_enrolment_code_issue(actor=world.users["a_admin"], user=officer)
    client = Client()
    _login(client, "a_officer")
    assert b"not right" in client.post("/accounts/mfa/", {"enrolment_code": first_code}).content
    MfaEnrolmentCode.objects.filter(pk=second.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert b"not right" in client.post("/accounts/mfa/", {"enrolment_code": second_code}).content


def test_only_the_agency_admin_issues_codes_for_their_people(world) -> None:
    import pytest

    with pytest.raises(services.Refused):
        services.mfa_enrolment_code_issue(actor=world.users["a_admin"], user=world.users["b_officer"])
    with pytest.raises(services.Refused):
        services.mfa_enrolment_code_issue(actor=world.users["a_supervisor"], user=world.users["a_officer"])
    assert not MfaEnrolmentCode.objects.exists()


# --- finding 10: unauthenticated API writes answer 401, not 403 "CSRF" -------------------------


def test_anonymous_api_write_is_401_problem_not_csrf(world) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/tokens", data=json.dumps({"name": "x"}), content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "CSRF" not in response.json()["detail"]


def test_a_signed_in_session_without_csrf_token_is_still_refused(world) -> None:
    from tcx.testing import sign_in

    client = sign_in(Client(enforce_csrf_checks=True), world.users["a_officer"])
    response = client.post("/api/v1/tokens", data=json.dumps({"name": "x"}), content_type="application/json")
    assert response.status_code == 403
    assert not world.users["a_officer"].api_tokens.exists()
