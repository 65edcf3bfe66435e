"""Getting in as new regulator staff: the link from the email, a password, an authenticator app,
and the console."""

from __future__ import annotations

import io
from base64 import b32decode

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp

from registry.accounts.roles import CASE_OFFICER
from tests.browser.conftest import screenshot

PASSWORD = "a-long-enough-passphrase"
WIDTHS = {"desktop": 1280, "mobile": 375}


def keep_screenshots(page, name: str) -> None:
    """Screenshots of the page as wide as a desktop and as a phone, for people to look at."""
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{label}")
    page.set_viewport_size({"width": 1200, "height": 900})


def code_for(secret_text: str, offset: int = 0) -> str:
    """The code an authenticator app shows for the secret key printed on the page."""
    secret = secret_text.replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{(totp(key) + offset) % 1_000_000:06d}"


def test_a_new_case_officer_sets_up_their_account_from_the_email_and_reaches_the_console(
    server, new_page, settings
):
    settings.SITE_URL = server
    call_command(
        "create_regulator",
        "rita@regulator.example",
        "Rita Regulator",
        role=CASE_OFFICER,
        stdout=io.StringIO(),
    )
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/account/set-up/" in line)
    assert link.startswith(server)

    # 1. The link opens a form; choosing a password is the first step.
    page = new_page()
    page.goto(link)
    assert page.locator("h1").inner_text() == "Set up your account"
    assert "Step 1 of 2" in page.locator("main").inner_text()
    keep_screenshots(page, "regulator-set-up-password")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill("not-the-same-passphrase")
    page.get_by_role("button", name="Continue").click()
    assert "The passwords do not match" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    # 2. The authenticator app: a slip of the finger, then the right code at once.
    assert page.locator("h1").inner_text() == "Set up your authenticator app"
    assert "Step 2 of 2" in page.locator("main").inner_text()
    keep_screenshots(page, "regulator-set-up-authenticator")
    secret = page.locator(".register-secret").inner_text()
    page.get_by_label("Code").fill(code_for(secret, offset=1))
    page.get_by_role("button", name="Confirm").click()
    assert "The code is not correct" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()

    # 3. Backup codes, then the console.
    assert page.locator("h1").inner_text() == "Your backup codes"
    page.get_by_role("link", name="Continue").click()
    assert page.url.split("?")[0] == server + reverse("review:console")
    assert page.get_by_role("link", name="Console").count() >= 1
    assert page.console_watch.problems == []

    # The link is spent: opened again, it says so and where to go instead.
    again = new_page()
    again.goto(link)
    assert again.locator("h1").inner_text() == "This link has already been used"
    keep_screenshots(again, "regulator-set-up-link-used")
    again.locator("main").get_by_role("link", name="Sign in").click()
    assert again.locator("h1").inner_text() == "Sign in"
