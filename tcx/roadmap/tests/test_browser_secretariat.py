"""In Chromium: the ASEAN Secretariat officer creates a meeting (a first try with its dates out of
order is refused and names the field), then records a decision on the meeting's page."""

from __future__ import annotations

import re

import pytest

from tcx.testing_browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_creates_a_meeting_and_a_decision(live_server, page, settings, tmp_path) -> None:
    from tcx.roadmap.models import Decision, Meeting
    from tcx.roadmap.tests.authz import setup
    from tcx.testing import build_world

    settings.TCX_REQUIRE_MFA = False  # sign-in with MFA has its own browser test
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    setup(world)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("secretariat_officer")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/roadmap/meetings/")
    page.get_by_role("link", name="New meeting").click()
    page.wait_for_url(f"{base}/roadmap/meetings/new/")
    page.get_by_label("Type").select_option("somtc_plus")
    page.get_by_label("Number", exact=True).fill("SOMTC+KR-T")
    page.get_by_label("Title", exact=True).fill("SOMTC+Republic of Korea Consultation")
    page.get_by_label("Starts on").fill("2030-07-02")
    page.get_by_label("Ends on").fill("2030-07-01")
    page.get_by_label("Host").select_option("BN")
    page.get_by_label("Chair").select_option("TH")
    page.get_by_label("Mode").select_option("video")
    page.get_by_label("Dialogue partners taking part").select_option(["KR"])
    page.get_by_label("Session of").select_option("T-SOMTC")
    page.get_by_role("button", name="Create meeting").click()
    error = page.locator(".errorlist").filter(has_text="is before starts_on")
    error.wait_for()
    assert "ends_on 2030-07-01 is before starts_on 2030-07-02" in error.inner_text()
    assert not Meeting.objects.filter(number="SOMTC+KR-T").exists()

    page.get_by_label("Ends on").fill("2030-07-02")
    page.get_by_role("button", name="Create meeting").click()
    page.wait_for_url(re.compile(r".*/roadmap/meetings/\d+/$"))
    assert "SOMTC+KR-T: SOMTC+Republic of Korea Consultation" in page.locator("h1").inner_text()
    assert "chaired by Thailand" in page.locator("main").inner_text()

    page.get_by_label("Reference", exact=True).fill("K1")
    page.get_by_label("Decision or recommendation").fill("Train officers in tracing crypto-asset flows")
    page.get_by_label("Crime areas").select_option(["cybercrime", "money-laundering"])
    page.get_by_label("Proposed by").select_option("TH")
    page.get_by_role("button", name="Add decision").click()
    page.wait_for_url(re.compile(r".*/roadmap/meetings/\d+/$"))
    decisions = page.locator("main ol").first.inner_text()
    assert "K1" in decisions and "crypto-asset flows" in decisions and "proposed by Thailand" in decisions
    decision = Decision.objects.get(meeting__number="SOMTC+KR-T", reference="K1")
    assert {a.code for a in decision.crime_areas.all()} == {"cybercrime", "money-laundering"}
    screenshot(page, "roadmap-meeting-decision")
