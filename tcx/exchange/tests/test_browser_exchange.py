"""End to end in Chromium: Viet Nam sends an urgent H2 request with a file to Thailand; Thailand
receives it, acknowledges, answers with a file and closes; Viet Nam sees who read it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tcx.testing_browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_send_receive_acknowledge_answer_close(live_server, page, settings, tmp_path) -> None:
    from tcx.testing import build_world

    settings.TCX_REQUIRE_MFA = False  # sign-in with MFA has its own browser test
    page.set_viewport_size({"width": 1366, "height": 768})
    world = build_world()
    base = live_server.url
    numbers = tmp_path / "numbers.pdf"
    numbers.write_bytes(PDF)

    _sign_in(page, base, "a_officer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exchange").click()
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Subject").fill("Identify the holders of these three phone numbers")
    page.get_by_label("To (agencies)", exact=True).select_option(str(world.agency_b.pk))
    page.get_by_label("Priority").select_option("urgent")
    page.get_by_label("H2 — not to be disseminated further without the provider's permission").check()
    page.get_by_label("Source evaluation").select_option("B")
    page.get_by_label("Information evaluation").select_option("2")
    page.get_by_label("Message", exact=True).fill("+84 912 345 678\n+855 12 345 678\n+66 81 234 5678")
    page.get_by_label("Attachments (up to 50 MB each)").set_input_files(str(numbers))
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r".*/exchange/\d+/$"))
    reference = page.get_by_role("heading", level=1).inner_text().split(" · ")[0]
    assert re.fullmatch(r"VN-\d{4}-\d{6}", reference)
    screenshot(page, "exchange-sent")

    _sign_in(page, base, "b_officer")
    page.goto(f"{base}/exchange/")
    page.get_by_label("Priority").select_option("urgent")  # an HTMX filter, no page load
    expect(page.locator("#exchange-rows")).to_contain_text(reference)  # no eval: the page has a CSP
    screenshot(page, "exchange-inbox")
    page.get_by_role("link", name=reference).click()
    assert page.get_by_text("Delivered").first.is_visible()
    assert page.get_by_role("link", name="numbers.pdf").is_visible()
    page.get_by_role("button", name="Acknowledge").click()
    assert page.get_by_text("Acknowledged.").is_visible()
    page.locator("form[action$='/reply/']").get_by_label("Message").fill("The holders are named in the file.")
    page.locator("form[action$='/reply/']").get_by_label("Attachments (up to 50 MB each)").set_input_files(
        str(numbers)
    )
    page.get_by_role("button", name="Send reply").click()
    assert page.get_by_text("Reply sent.").is_visible()
    assert page.locator("strong", has_text="Answered").is_visible()
    page.get_by_role("button", name="Close").click()
    assert page.locator("strong", has_text="Closed").is_visible()
    screenshot(page, "exchange-closed")

    _sign_in(page, base, "a_officer")
    page.goto(f"{base}/exchange/?box=outbox")
    page.get_by_role("link", name=reference).click()
    assert page.get_by_text(re.compile(r"Read by: b_officer")).is_visible()
    assert page.get_by_text("answer", exact=True).is_visible()
