"""The inbox in Chromium: axe-core finds no WCAG 2.2 AA violations on the inbox, a message and the
dashboard's panel; a message is read and marked read; the inbox is kept as a screenshot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.base import PersonaTestCase
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_public_register import AXE, violations
from tests.notifications.test_views import notify

SCRIPT_SUBJECT = "Model <script>window.pwned = true</script> renamed"


class People:
    """The personas of `tests.base`, made in the live server's database."""


@pytest.fixture
def inbox(server):
    PersonaTestCase.setUpTestData.__func__(People)  # type: ignore[attr-defined]
    now = timezone.now()
    notify(
        People.alice,
        "Acme Chat 1.0: you have submitted version 1",
        created_at=now - timedelta(days=3),
        read_at=now - timedelta(days=2),
    )
    notify(People.alice, SCRIPT_SUBJECT, kind="withdrawn", created_at=now - timedelta(days=1))
    notify(
        People.alice,
        "Acme Chat 1.0: the regulator asked for changes",
        kind="changes_requested",
        body_text=(
            "The regulator has asked for changes to version 1 of Acme Chat 1.0.\n\n"
            "Finding on 'Signatory role': say what the signatory's role is.\n\n"
            "Make the changes and submit the declaration again."
        ),
        link="/dashboard/",
    )
    return People


def test_a_provider_reads_a_message_and_marks_everything_read(server, inbox, new_page):
    assert AXE.exists(), "run npm ci: axe-core comes from npm"
    page = new_page()
    sign_in(page, server, inbox.alice.email)
    assert page.get_by_role("heading", name="Latest messages").is_visible()
    assert violations(page) == [], "dashboard"
    screenshot(page, "inbox-dashboard-panel")
    messages = page.get_by_role("link", name="Messages (2 unread)")
    messages.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Messages"
    assert page.get_by_role("link", name=SCRIPT_SUBJECT).is_visible()
    assert page.evaluate("window.pwned") is None
    assert violations(page) == [], "inbox"
    screenshot(page, "inbox")

    page.get_by_role("link", name="Acme Chat 1.0: the regulator asked for changes").click()
    assert page.get_by_text("Make the changes and submit the declaration again.").is_visible()
    assert violations(page) == [], "message"
    screenshot(page, "inbox-message")
    page.get_by_role("button", name="Mark as read").click()
    assert "Message marked as read" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_role("link", name="Messages (1 unread)").is_visible()

    page.get_by_role("button", name="Mark all as read").click()
    assert page.get_by_text("You have read all your messages.").is_visible()
    assert page.get_by_role("link", name="Messages", exact=True).is_visible()
    assert page.console_watch.problems == []
