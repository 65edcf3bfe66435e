"""The service's own pages in Chromium: axe-core finds no WCAG 2.2 A or AA violation on any of
them, none scrolls sideways at 320 or 375 pixels, and the feedback form works with only a keyboard
and with JavaScript turned off."""

from __future__ import annotations

import pytest

from registry.service.forms import IMPROVE_REQUIRED, TRYING_TO_DO_REQUIRED
from registry.service.models import Feedback
from tests.browser.conftest import screenshot
from tests.browser.test_public_register import AXE, violations

pytestmark = pytest.mark.browser

# The pages linked from every page's footer, and the feedback form's two pages.
PAGES = [
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/contact/",
    "/terms/",
    "/register/data/",
    "/feedback/",
    "/feedback/sent/",
]
# Enough presses of Tab to pass the header's links; the form's first box comes well before.
MAX_TABS = 40


def active_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def tab_to(page, element_id: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if active_id(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_axe_finds_no_violations_on_the_service_pages(server, new_page):
    assert AXE.exists(), "run npm ci: axe-core comes from npm"
    page = new_page()
    for path in PAGES:
        page.goto(server + path)
        assert violations(page) == [], path
        assert page.console_watch.problems == [], path
    page.goto(server + "/feedback/")
    page.get_by_role("button", name="Send feedback").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert violations(page) == [], "feedback with its problems"
    screenshot(page, "feedback-problems")


@pytest.mark.parametrize("width", [320, 375])
def test_no_service_page_scrolls_sideways_on_a_narrow_screen(server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(server + path)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{path} is {scroll_width} pixels wide"
    finally:
        context.close()


def test_feedback_is_sent_with_only_a_keyboard(server, new_page):
    page = new_page()
    page.goto(server + "/feedback/?from=service:privacy")
    tab_to(page, "id_trying_to_do")
    page.keyboard.press("Enter")  # a line break in the box, not a submission
    tab_to(page, "id_how_to_improve")
    page.keyboard.press("Shift+Tab")
    assert active_id(page) == "id_trying_to_do"
    # Sending with the boxes empty: the error summary takes focus, and its link leads to the box.
    tab_to(page, "send-feedback")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == TRYING_TO_DO_REQUIRED
    page.keyboard.press("Enter")
    assert active_id(page) == "id_trying_to_do"
    page.keyboard.type("Find which models were trained on crawled news")
    page.keyboard.press("Tab")
    assert active_id(page) == "id_how_to_improve"
    page.keyboard.type("Let me filter by the share crawled")
    page.keyboard.press("Tab")
    assert active_id(page) == "send-feedback"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Feedback sent").is_visible()
    # Let the page's scripts and styles finish loading before the live server stops.
    page.wait_for_load_state("networkidle")
    kept = Feedback.objects.get()
    assert kept.trying_to_do.endswith("Find which models were trained on crawled news")
    assert kept.page == "service:privacy"


def test_feedback_is_sent_without_javascript(server, browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1200, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(server + "/feedback/")
        assert page.get_by_text("You can enter up to 1,200 characters").first.is_visible()
        page.get_by_role("button", name="Send feedback").click()
        summary = page.locator(".govuk-error-summary")
        assert summary.get_by_role("link", name=TRYING_TO_DO_REQUIRED).is_visible()
        assert summary.get_by_role("link", name=IMPROVE_REQUIRED).is_visible()
        page.get_by_label("What were you trying to do?").fill("Read a label")
        page.get_by_label("How could we improve this service?").fill("Shorter labels")
        page.get_by_role("button", name="Send feedback").click()
        assert page.get_by_role("heading", name="Feedback sent").is_visible()
        page.wait_for_load_state("networkidle")
        assert Feedback.objects.filter(how_to_improve="Shorter labels").count() == 1
    finally:
        context.close()
