"""A caseload worked in a real browser: a new case officer sets up their account from the emailed
link, bulk-assigns three cases, raises a finding from the link beside an answer and requests
changes; the provider replies and resubmits; the finding shows as answered and changed, with its
diff; a decision maker accepts after the confirmation page, and the label is live."""

from __future__ import annotations

import io
import json

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.roles import CASE_OFFICER, DECISION_MAKER, MemberRole
from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.services import declaration_submit
from registry.filings.states import Status
from registry.review.models import Case, Finding, FindingStatus
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_regulator_set_up import code_for
from tests.factories import (
    AIModelFactory,
    MembershipFactory,
    ProviderFactory,
    UserFactory,
    complete_declaration,
    ownership_in_force,
    regulator,
)

PASSWORD = "a-long-enough-passphrase"
OLD_MEASURES = "We honour robots.txt and TDM-Rep opt-outs at crawl time."
NEW_MEASURES = "We honour robots.txt, TDM-Rep and ai.txt opt-outs, checked again before training."
FINDING = "Say whether you honour ai.txt, and whether opt-outs are checked again before training."
REPLY = "We do now: ai.txt is honoured and opt-outs are checked again before each training run."


def sign_in_with_code(page, server: str, person) -> None:
    """Sign in as regulator staff: password, then a code from their authenticator."""
    sign_in(page, server, person.email)
    device = TOTPDevice.objects.get(user=person)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code").fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Continue").click()


def set_up_from_the_email(page, server: str) -> None:
    """A case officer made by `create_regulator` opens the emailed link: a password, then an
    authenticator app, then the console."""
    call_command(
        "create_regulator", "rita@regulator.example", "Rita Officer", role=CASE_OFFICER,
        stdout=io.StringIO(),
    )  # fmt: skip
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/account/set-up/" in line)
    page.goto(link)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    secret = page.locator(".register-secret").inner_text()
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="Continue").click()
    assert page.url.split("?")[0] == server + reverse("review:console")


def error_summary(page) -> str:
    return page.locator(".govuk-error-summary").inner_text()


def main_text(page) -> str:
    return page.locator("main").inner_text()


def test_a_caseload_worked_from_set_up_to_acceptance(server, new_page, settings):
    settings.SITE_URL = server
    provider = ProviderFactory(legal_name="Delta Models Ltd")
    owner = UserFactory(email="dev@delta.example", full_name="Dev Owner")
    MembershipFactory(user=owner, provider=provider, role=MemberRole.OWNER)
    ownership_in_force(provider)
    declaration = complete_declaration(
        model=AIModelFactory(provider=provider, name="Delta Chat", version="1.0"),
        created_by=owner,
        tdm_opt_out_measures=OLD_MEASURES,
    )
    others = [
        complete_declaration(model=AIModelFactory(provider=provider, name=name), created_by=owner)
        for name in ("Delta Code", "Delta Vision")
    ]
    diana = regulator(DECISION_MAKER, email="diana@regulator.example", full_name="Diana Decider")
    TOTPDevice.objects.create(user=diana, name="Phone", confirmed=True)

    # 1. The provider signs the statement of truth and submits; two more arrive over the API.
    provider_page = new_page()
    sign_in(provider_page, server, owner.email)
    provider_page.goto(server + reverse("declarations:check", args=[declaration.pk]))
    provider_page.get_by_label("Your role in the organisation").fill("Director")
    provider_page.get_by_label("I confirm the statement of truth").check()
    provider_page.get_by_role("button", name="Sign and submit").click()
    assert "Declaration submitted" in provider_page.locator(".govuk-panel").inner_text()
    for other in others:
        declaration_submit(actor=owner, declaration=other, expected_lock_version=None)

    # 2. A new case officer gets in from the emailed link and assigns all three to herself.
    officer = new_page()
    officer.set_viewport_size({"width": 1920, "height": 1080})
    set_up_from_the_email(officer, server)
    for ticked in officer.locator("input[name=case]").all():
        ticked.check()
    officer.get_by_label("Assign selected cases to").select_option(label="Rita Officer")
    officer.get_by_role("button", name="Assign selected").click()
    assert Case.objects.filter(assignee__email="rita@regulator.example").count() == 3
    screenshot(officer, "console-queue-assigned")

    # 3. She takes the case into review and raises a finding from the link beside the answer.
    case = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
    officer.goto(server + reverse("review:case", args=[case.pk]))
    officer.get_by_role("button", name="Start review").click()
    officer.get_by_role("link", name="The filing").click()
    officer.get_by_role(
        "link", name="Raise a finding on Text and data mining opt-out measures"
    ).click()
    assert OLD_MEASURES in main_text(officer)  # the answer as submitted
    officer.get_by_label("What must the provider change?").fill(FINDING)
    officer.get_by_role("button", name="Raise finding").click()
    # Back where she was: the filing, at the answer.
    assert officer.url.endswith(
        reverse("review:case-filing", args=[case.pk]) + "#field-tdm_opt_out_measures"
    )
    officer.get_by_role("link", name="Request changes (1 finding)").click()
    assert FINDING in main_text(officer)
    officer.get_by_label("Message to the provider").fill("Please see the finding.")
    officer.get_by_role("button", name="Send back for changes").click()
    assert "was sent back for changes" in main_text(officer)
    assert Case.objects.get(pk=case.pk).status == Status.CHANGES_REQUESTED

    # 4. The provider replies to the finding, changes the answer and resubmits.
    provider_page.goto(server + reverse("declarations:declaration", args=[declaration.pk]))
    assert FINDING in main_text(provider_page)
    provider_page.get_by_role("link", name="Reply to the finding on").first.click()
    provider_page.get_by_role("button", name="Save reply").click()
    assert "Write your reply to the finding" in error_summary(provider_page)
    provider_page.get_by_label("Your reply").fill(REPLY)
    provider_page.get_by_role("button", name="Save reply").click()
    assert "Your reply: " + REPLY in main_text(provider_page)
    provider_page.goto(server + reverse("declarations:general", args=[declaration.pk]))
    provider_page.get_by_label("How do you honour text and data mining opt-outs?").fill(
        NEW_MEASURES
    )
    provider_page.get_by_role("button", name="Save and continue").click()
    provider_page.goto(server + reverse("declarations:check", args=[declaration.pk]))
    provider_page.get_by_label("Your role in the organisation").fill("Director")
    provider_page.get_by_label("I confirm the statement of truth").check()
    provider_page.get_by_role("button", name="Sign and submit").click()
    assert "Declaration submitted" in provider_page.locator(".govuk-panel").inner_text()

    # 5. The case says at the top what was answered and changed; the finding links to its diff.
    officer.goto(server + reverse("review:case", args=[case.pk]))
    top = officer.locator(".govuk-notification-banner").first.inner_text()
    assert "1 of 1 finding answered, 1 with its field changed" in top
    screenshot(officer, "console-case-resubmitted")
    officer.get_by_role("link", name="Findings (1)").click()
    assert REPLY in main_text(officer)
    assert "Changed" in officer.locator(".govuk-summary-card__title").inner_text()
    officer.get_by_role("link", name="See the change").click()
    assert "#since-submission-tdm_opt_out_measures" in officer.url
    changed = officer.locator("#since-submission-tdm_opt_out_measures").inner_text()
    assert OLD_MEASURES in changed and NEW_MEASURES in changed
    assert Finding.objects.get(case=case).status == FindingStatus.CHANGED
    officer.get_by_role("button", name="Start review").click()
    assert officer.get_by_role("link", name="Accept").count() == 0  # a case officer

    # 6. The decision maker reads what accepting will do, then accepts; the label is live.
    decider = new_page()
    sign_in_with_code(decider, server, diana)
    decider.goto(server + reverse("review:case", args=[case.pk]))
    decider.locator(".app-case-panel").get_by_role("link", name="Accept").click()
    consequences = decider.locator("#consequences").inner_text()
    assert "Registers Delta Chat 1.0 and gives it the next MOD- number" in consequences
    screenshot(decider, "console-accept-confirmation")
    decider.get_by_label("Reason for the decision").fill("Complete and consistent.")
    decider.get_by_role("button", name="Accept and publish").click()
    assert "its label is published" in main_text(decider)

    accepted = ProvenanceDeclaration.objects.select_related("model").get(pk=declaration.pk)
    assert accepted.status == Status.ACCEPTED
    number = accepted.model.registration_number
    label = decider.request.get(f"{server}/api/v1/public/models/{number}/").json()
    assert NEW_MEASURES in json.dumps(label)
    decider.goto(server + reverse("labels:model", args=[number]))
    assert "Delta Chat" in decider.locator("h1").inner_text()
    for page in (provider_page, officer, decider):
        assert page.console_watch.problems == []
