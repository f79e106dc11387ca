"""End to end in Chromium: B imports, A creates a matching record, A sees the hit, B's
supervisor releases, A sees the record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tcx.testing_browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).parent / "data"


def _sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_hit_then_release(live_server, page, settings) -> None:
    from tcx.testing import build_world

    settings.TCX_REQUIRE_MFA = False  # sign-in with MFA has its own browser test
    build_world()
    base = live_server.url

    _sign_in(page, base, "b_officer")
    page.goto(f"{base}/records/import/")
    page.get_by_label("File (.jsonl, .csv or .xlsx)").set_input_files(str(DATA / "suspects.csv"))
    page.get_by_label("Column mapping (CSV/XLSX)").fill("id=ref,name=Full name,birthDate=DOB,schema=Kind")
    page.get_by_role("button", name="Import").click()
    # the import runs in the background; its page follows the progress until the report
    page.wait_for_url(re.compile(r".*/records/import/\d+/$"))
    expect(page.locator("#import-summary")).to_contain_text("3 created", timeout=30_000)
    expect(page.locator("#import-progress")).to_have_attribute("value", "100")

    _sign_in(page, base, "a_officer")
    page.goto(f"{base}/records/new/")
    page.get_by_label("Names (one per line, any script)").fill("Thaksin Shinawatra")
    page.get_by_label("Date of birth (YYYY, YYYY-MM or YYYY-MM-DD)").fill("1949")
    page.get_by_role("button", name="Save record").click()
    page.wait_for_url(re.compile(r".*/records/\d+/$"))
    page.goto(f"{base}/")
    assert page.get_by_role("heading", name=re.compile(r"Hits \(1 open\)")).is_visible()
    page.goto(f"{base}/records/hits/")
    summary = page.locator(".hit-summary").first.inner_text()
    assert "an agency of Thailand" in summary and "strong match" in summary
    assert "ทักษิณ" not in page.content()  # the hit does not show the record
    screenshot(page, "hit-inbox")
    page.get_by_label("Purpose").fill("joint investigation of case 2026/77")
    page.get_by_role("button", name="Request release").click()
    assert page.get_by_text("release requested", exact=True).is_visible()

    _sign_in(page, base, "b_supervisor")
    page.goto(f"{base}/records/releases/")
    assert page.get_by_text("joint investigation of case 2026/77").is_visible()
    page.get_by_role("button", name="Decide").click()  # Release is the default decision
    assert page.get_by_text("released", exact=False).first.is_visible()

    _sign_in(page, base, "a_officer")
    page.goto(f"{base}/records/hits/")
    page.get_by_role("link", name="ทักษิณ ชินวัตร").click()
    assert page.get_by_role("heading", name="ทักษิณ ชินวัตร").is_visible()
    assert "Royal Thai Police" in page.content()
    screenshot(page, "released-record")
