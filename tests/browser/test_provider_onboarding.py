"""A provider's first visit: an account, an organisation, a colleague invited and joined."""

from __future__ import annotations

import re

from django.core import mail

from registry.accounts.models import Membership
from tests.browser.conftest import screenshot

PASSWORD = "a-long-enough-passphrase"


def create_account(page, name: str, email: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def test_register_an_account_and_a_provider_invite_a_colleague_and_see_the_dashboard(
    server, new_page
):
    owner = new_page()
    owner.goto(server + "/")
    owner.get_by_role("button", name="Start now").click()

    # A mistake first: the error summary names the field, and nothing is lost.
    owner.get_by_label("Full name").fill("Priya Patel")
    owner.get_by_role("button", name="Create account").click()
    summary = owner.locator(".govuk-error-summary")
    assert "Enter your email address" in summary.inner_text()
    assert owner.get_by_label("Full name").input_value() == "Priya Patel"
    assert owner.title().startswith("Error: ")

    create_account(owner, "Priya Patel", "priya@gamma.example")
    assert "not part of an organisation yet" in owner.locator("h1").inner_text()
    owner.locator("main").get_by_role("link", name="Register your organisation").click()

    owner.get_by_label("Legal name").fill("Gamma Models Ltd")
    # An autocomplete over the country list: "UK" finds the United Kingdom. Its text box takes
    # the select's id once the script (loaded on demand) has enhanced it: wait for the box.
    owner.locator("input#id_country").fill("UK")
    owner.locator("#id_country__listbox li").first.click()
    owner.get_by_label(re.compile("Companies House number")).fill("12345678")
    owner.get_by_label("Registered address").fill("3 Example Road\nLeeds")
    owner.get_by_label("Website").fill("https://gamma.example")
    owner.get_by_label("Contact email address").fill("compliance@gamma.example")
    owner.get_by_role("button", name="Register organisation").click()
    panel = owner.locator(".govuk-panel").inner_text()
    assert "Organisation registered" in panel
    assert re.search(r"PRV-\d{6}", panel)
    screenshot(owner, "provider-registered")

    owner.locator("main").get_by_role("link", name="Invite a colleague").click()
    owner.get_by_label("Email address").fill("sam@gamma.example")
    owner.get_by_label("Submitter").check()
    owner.get_by_role("button", name="Send invitation").click()
    assert (
        "Invitation sent to sam@gamma.example"
        in owner.locator(".govuk-notification-banner--success").inner_text()
    )
    assert "sam@gamma.example" in owner.locator("table").last.inner_text()

    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    colleague = new_page()
    colleague.goto(server + "/invitations/" + link.rstrip("/").rsplit("/", 1)[1] + "/")
    assert "Join Gamma Models Ltd" in colleague.locator("h1").inner_text()
    colleague.locator("main").get_by_role("link", name="Create an account").click()
    create_account(colleague, "Sam Smith", "sam@gamma.example")
    colleague.get_by_role("button", name="Accept invitation").click()
    assert "Gamma Models Ltd" in colleague.locator("h1").inner_text()
    assert "submitter of this organisation" in colleague.locator("main").inner_text()

    owner.get_by_role("link", name="Dashboard").click()
    dashboard = owner.locator("main").inner_text()
    assert "2 members" in dashboard
    assert "owner of this organisation" in dashboard
    screenshot(owner, "provider-dashboard")
    assert Membership.objects.filter(provider__legal_name="Gamma Models Ltd").count() == 2
    assert owner.console_watch.problems == []
    assert colleague.console_watch.problems == []
