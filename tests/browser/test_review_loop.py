"""The whole review loop in a real browser: submitted, sent back with a finding, answered,
resubmitted, compared, accepted, and the label live."""

from __future__ import annotations

import json

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.roles import CASE_OFFICER, DECISION_MAKER, MemberRole
from registry.declarations.models import ProvenanceDeclaration
from registry.filings.states import Status
from registry.review.models import Case
from tests.browser.conftest import screenshot, sign_in
from tests.factories import (
    AIModelFactory,
    MembershipFactory,
    ProviderFactory,
    UserFactory,
    complete_declaration,
    regulator,
)

OLD_MEASURES = "We honour robots.txt and TDM-Rep opt-outs at crawl time."
NEW_MEASURES = "We honour robots.txt, TDM-Rep and ai.txt opt-outs, checked again before training."
FINDING = "Say whether you honour ai.txt, and whether opt-outs are checked again before training."


def sign_in_with_code(page, server: str, person) -> None:
    """Sign in as regulator staff: password, then a code from their authenticator."""
    sign_in(page, server, person.email)
    device = TOTPDevice.objects.get(user=person)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code").fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Continue").click()


def regulator_with_device(group: str, email: str, name: str):
    person = regulator(group, email=email, full_name=name)
    TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    return person


def send_back(page, message: str) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Send back for changes"))
    form.get_by_label("Message to the provider").fill(message)
    form.get_by_role("button", name="Send back for changes").click()


def error_summary(page) -> str:
    return page.locator(".govuk-error-summary").inner_text()


def banner(page) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


def test_changes_requested_answered_resubmitted_and_accepted(server, new_page):
    provider = ProviderFactory(legal_name="Delta Models Ltd")
    owner = UserFactory(email="dev@delta.example", full_name="Dev Owner")
    MembershipFactory(user=owner, provider=provider, role=MemberRole.OWNER)
    model = AIModelFactory(provider=provider, name="Delta Chat", version="1.0")
    declaration = complete_declaration(model=model, created_by=owner)
    olivia = regulator_with_device(CASE_OFFICER, "olivia@regulator.example", "Olivia Officer")
    diana = regulator_with_device(DECISION_MAKER, "diana@regulator.example", "Diana Decider")

    # 1. The provider checks their answers and submits.
    provider_page = new_page()
    sign_in(provider_page, server, owner.email)
    provider_page.goto(server + reverse("declarations:check", args=[declaration.pk]))
    provider_page.get_by_label("Your role in the organisation").fill("Director")
    provider_page.get_by_label("I confirm the statement of truth").check()
    provider_page.get_by_role("button", name="Sign and submit").click()
    assert "Declaration submitted" in provider_page.locator(".govuk-panel").inner_text()

    # 2. The case officer finds it in the queue, takes it into review and raises a finding.
    officer = new_page()
    sign_in_with_code(officer, server, olivia)
    officer.goto(server + reverse("review:console"))
    queue = officer.locator("main").inner_text()
    assert declaration.reference in queue
    assert "28 days left" in queue
    screenshot(officer, "console-queue")
    officer.get_by_role("link", name=declaration.reference).first.click()
    officer.get_by_role("button", name="Start review").click()
    assert "Under review" in officer.locator("main").inner_text()

    # Sending back without a finding is refused, and says why.
    send_back(officer, "Please see the finding.")
    assert "Raise at least one finding" in error_summary(officer)

    officer.get_by_label("Or type the path of the field").fill("tdm_opt_out_measures")
    officer.get_by_label("What must the provider change?").fill(FINDING)
    officer.get_by_role("button", name="Raise finding").click()
    assert FINDING in officer.locator("main").inner_text()
    send_back(officer, "Please see the finding.")
    assert "Changes requested" in officer.locator("main").inner_text()
    screenshot(officer, "console-case-changes-requested")
    case = Case.objects.get(filing_id=declaration.pk)
    assert case.status == Status.CHANGES_REQUESTED and case.due_on is None

    # 3. The provider sees the finding beside the field, answers it and resubmits.
    provider_page.goto(server + reverse("declarations:declaration", args=[declaration.pk]))
    task_list = provider_page.locator("main").inner_text()
    assert "The regulator's findings" in task_list
    assert FINDING in task_list
    provider_page.goto(server + reverse("declarations:general", args=[declaration.pk]))
    finding = provider_page.locator(".app-finding")
    assert FINDING in finding.inner_text()
    screenshot(provider_page, "provider-finding-beside-the-field")
    provider_page.get_by_label("How do you honour text and data mining opt-outs?").fill(
        NEW_MEASURES
    )
    provider_page.get_by_role("button", name="Save and continue").click()
    provider_page.goto(server + reverse("declarations:check", args=[declaration.pk]))
    provider_page.get_by_label("Your role in the organisation").fill("Director")
    provider_page.get_by_label("I confirm the statement of truth").check()
    provider_page.get_by_role("button", name="Sign and submit").click()
    assert "Declaration submitted" in provider_page.locator(".govuk-panel").inner_text()

    # 4. The diff shows what changed; the case officer takes it into review again.
    officer.goto(server + reverse("review:case", args=[case.pk]))
    officer.get_by_role("button", name="Start review").click()
    page_text = officer.locator("main").inner_text()
    assert OLD_MEASURES in page_text and NEW_MEASURES in page_text
    screenshot(officer, "console-case-diff")

    # 5. A case officer can't accept; the decision maker does, and the label is live.
    assert officer.get_by_role("button", name="Accept").count() == 0
    decider = new_page()
    sign_in_with_code(decider, server, diana)
    decider.goto(server + reverse("review:case", args=[case.pk]))
    decider.get_by_label("Reason for the decision").fill("Complete and consistent.")
    decider.get_by_role("button", name="Accept").click()
    assert "Accepted" in decider.locator("main").inner_text()
    screenshot(decider, "console-case-accepted")

    accepted = ProvenanceDeclaration.objects.select_related("model").get(pk=declaration.pk)
    assert accepted.status == Status.ACCEPTED
    number = accepted.model.registration_number
    assert number.startswith("MOD-")
    label = decider.request.get(f"{server}/api/v1/public/models/{number}/").json()
    assert label["model"]["registration_number"] == number
    assert NEW_MEASURES in json.dumps(label)
    decider.goto(server + reverse("labels:model", args=[number]))
    assert "Delta Chat" in decider.locator("h1").inner_text()
    assert number in decider.locator("main").inner_text()
    screenshot(decider, "label-live")
    for page in (provider_page, officer, decider):
        assert page.console_watch.problems == []
