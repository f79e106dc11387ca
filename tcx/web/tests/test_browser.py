"""In a real browser: an officer signs in with MFA and sees their home page."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tcx.testing_browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_with_mfa_and_sees_home(live_server, page) -> None:
    from tcx.accounts import services
    from tcx.testing import build_world

    world = build_world()
    # The agency admin gives the officer a one-time enrolment code (issue 12: no trust on first use).
    _, enrolment_code = services.mfa_enrolment_code_issue(
        actor=world.users["a_admin"], user=world.users["a_officer"]
    )
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("a_officer")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/accounts/mfa/.*"))
    assert page.get_by_role("heading", name="Set up your authenticator").is_visible()
    assert page.locator("#mfa-secret").count() == 0  # the password alone shows no key
    page.get_by_label("Enrolment code from your agency administrator").fill(enrolment_code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_selector("#mfa-secret")
    assert page.locator("svg").first.is_visible()  # the QR code, drawn on the node
    device = TOTPDevice.objects.get(user=world.users["a_officer"], confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Six-digit code from your authenticator app").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name=re.compile("Good day")).is_visible()
    assert page.get_by_role("heading", name="What is shared with your agency").is_visible()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").is_visible()
    shot = screenshot(page, "officer-home")
    assert shot.stat().st_size > 5000

    # The directory filter works through HTMX without a page load.
    page.get_by_role("link", name="Directory").click()
    page.get_by_label("Country").select_option("TH")
    # (expect() runs in Playwright's isolated world: no eval in the page, which the CSP forbids)
    expect(page.locator("#directory-rows")).not_to_contain_text("Viet Nam Ministry")
    assert page.get_by_role("link", name="Royal Thai Police").is_visible()
    screenshot(page, "directory-thailand")
