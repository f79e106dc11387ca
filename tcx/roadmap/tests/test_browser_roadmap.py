"""In Chromium: Viet Nam's officer records progress (with evidence) on a line Viet Nam leads and
sees the roadmap change; the HTMX filter then finds the line by its new status."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tcx.testing_browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_progress_and_see_the_roadmap_change(live_server, page, settings, tmp_path) -> None:
    from tcx.roadmap.tests.authz import setup
    from tcx.testing import build_world

    settings.TCX_REQUIRE_MFA = False  # sign-in with MFA has its own browser test
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    setup(world)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("a_officer")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roadmap").click()
    row = page.locator("tr[data-line='VN-1']")
    assert "Not started" in row.inner_text()
    row.get_by_role("link", name="VN-1").click()
    page.wait_for_url(re.compile(r".*/roadmap/lines/\d+/$"))
    page.get_by_label("Status").select_option("at_risk")
    page.get_by_label("Progress").fill("Joint workshop held in Đà Nẵng; two states still to sign")
    evidence = tmp_path / "minutes.txt"
    evidence.write_text("Minutes of the workshop")
    page.get_by_label("Evidence (optional, up to 20 MB)").set_input_files(str(evidence))
    page.get_by_role("button", name="Record progress").click()
    page.wait_for_url(re.compile(r".*/roadmap/lines/\d+/$"))
    assert "Đà Nẵng" in page.locator("#progress").inner_text()
    assert "evidence attached" in page.locator("#progress").inner_text()
    assert page.locator("#line-status").inner_text() == "At risk"

    page.goto(f"{base}/roadmap/")
    assert "At risk" in page.locator("tr[data-line='VN-1']").inner_text()
    page.get_by_label("Status").select_option("at_risk")
    expect(page.locator("#timeline")).not_to_contain_text("TH-1")  # no eval: the page has a CSP
    assert page.locator("tr[data-line='VN-1']").is_visible()
    screenshot(page, "roadmap-at-risk")
