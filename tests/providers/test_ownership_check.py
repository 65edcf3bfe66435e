"""An ownership statement's check your answers: what the provider's labels would say of who
controls it, and the statement of truth signed by the person signed in as it is submitted.

Every post is answered with a redirect: what stops it is shown by the page that follows, once.
"""

from __future__ import annotations

from django.urls import reverse

from registry.accounts.validation import MESSAGES as ACCOUNT_MESSAGES
from registry.filings.models import FilingSnapshot
from registry.filings.states import Status
from registry.providers.models import OwnershipStatement
from registry.review.models import Case
from registry.review.services import case_decide, finding_add
from tests.base import PersonaTestCase
from tests.factories import InvestmentLinkFactory, complete_ownership_statement
from tests.labels.test_selectors import CN_STATE


class OwnershipCheckTestCase(PersonaTestCase):
    """Acme's complete statement, never signed, with two UK investors and a Chinese state body."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.statement = complete_ownership_statement(
            provider=cls.acme, signed_at=None, signatory_name="", signatory_role=""
        )
        InvestmentLinkFactory(statement=cls.statement, **CN_STATE)

    def url(self, name: str = "ownership-check") -> str:
        return reverse(f"providers:{name}", kwargs={"statement_id": self.statement.pk})

    def fresh(self) -> OwnershipStatement:
        return OwnershipStatement.objects.get(pk=self.statement.pk)

    def sign(self, **changes):
        form = {
            "signatory_role": "Company Secretary",
            "confirm": "on",
            "lock_version": self.fresh().lock_version,
        }
        return self.client.post(self.url(), form | changes)


class CheckPageTests(OwnershipCheckTestCase):
    def test_says_what_the_labels_would_say_of_control_with_the_alerts(self):
        self.sign_in(self.bob)
        response = self.client.get(self.url())
        self.assertContains(response, "On your models' labels")
        self.assertEqual(response.context["control"]["verdict"], "foreign_state_influence")
        self.assertEqual(response.context["control"]["countries"], ["CN"])
        self.assertContains(response, "Foreign state control or influence")
        self.assertContains(response, "Eastern Capital Co")

    def test_the_statement_is_signed_just_above_submit_by_the_person_signed_in(self):
        self.sign_in(self.bob)
        response = self.client.get(self.url())
        html = response.content.decode()
        self.assertIn("You are signing as <strong>Bob Submitter</strong>", html)
        self.assertNotIn('name="signatory_name"', html)
        self.assertLess(html.index('id="statement-of-truth"'), html.index('name="signatory_role"'))
        self.assertLess(html.index('name="confirm"'), html.index(">Sign and submit</button>"))
        self.assertNotContains(response, "govuk-error-summary")

    def test_the_old_statement_of_truth_page_leads_to_check_your_answers(self):
        self.sign_in(self.bob)
        response = self.client.get(self.url("ownership-sign"))
        self.assertRedirects(response, self.url() + "#statement-of-truth")

    def test_the_task_list_has_no_statement_task_and_no_error(self):
        self.sign_in(self.bob)
        html = self.client.get(self.url("ownership-statement")).content.decode()
        self.assertNotIn(">Statement of truth<", html)
        self.assertNotIn("govuk-error-summary", html)
        self.assertIn(f'href="{self.url()}"', html)  # nothing else to do: check can start


class SignAndSubmitTests(OwnershipCheckTestCase):
    def test_signs_as_the_account_holder_and_submits_in_one_step(self):
        self.sign_in(self.bob)
        response = self.sign(signatory_name="Mallory Impostor")
        self.assertRedirects(response, self.url("ownership-submitted"))
        statement = self.fresh()
        self.assertEqual(statement.status, Status.SUBMITTED)
        self.assertEqual(
            (statement.signatory_name, statement.signatory_role),
            ("Bob Submitter", "Company Secretary"),
        )
        snapshot = FilingSnapshot.objects.get(filing_kind="ownership", filing_id=statement.pk)
        self.assertIn('"signatory_name":"Bob Submitter"', snapshot.content)

    def test_missing_answers_are_shown_after_a_redirect_once_and_nothing_is_signed(self):
        self.sign_in(self.bob)
        response = self.sign(signatory_role="", confirm="")
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        page = self.client.get(self.url())
        self.assertContains(page, "Enter your role in the organisation")
        self.assertContains(page, "Confirm the statement of truth")
        self.assertEqual((self.fresh().status, self.fresh().signed_at), (Status.DRAFT, None))
        self.assertNotContains(self.client.get(self.url()), "govuk-error-summary")

    def test_an_unconfirmed_email_address_is_told_how_to_confirm_it(self):
        self.bob.email_verified_at = None
        self.bob.save(update_fields=["email_verified_at"])
        self.sign_in(self.bob)
        page = self.client.get(self.url())
        self.assertContains(page, "Send the link again")
        self.assertNotContains(page, ">Sign and submit</button>")
        self.assertRedirects(self.sign(), self.url(), fetch_redirect_response=False)
        refused = self.client.get(self.url())
        self.assertContains(refused, ACCOUNT_MESSAGES["email_not_verified"].replace("'", "&#x27;"))
        self.assertEqual((self.fresh().status, self.fresh().signed_at), (Status.DRAFT, None))

    def test_a_change_made_meanwhile_is_refused_and_needs_a_fresh_confirmation(self):
        self.sign_in(self.bob)
        old = self.fresh().lock_version
        OwnershipStatement.objects.filter(pk=self.statement.pk).update(lock_version=old + 1)
        self.assertRedirects(self.sign(lock_version=old), self.url(), fetch_redirect_response=False)
        page = self.client.get(self.url())
        self.assertContains(page, "Someone else changed this since you opened it")
        self.assertContains(page, f'name="lock_version" value="{old + 1}"')
        self.assertNotContains(page, "checked")
        self.assertEqual(self.fresh().status, Status.DRAFT)

    def test_a_second_submit_changes_nothing_and_says_why(self):
        self.sign_in(self.bob)
        lock_version = self.fresh().lock_version
        self.sign(lock_version=lock_version)
        second = self.sign(lock_version=lock_version)
        self.assertRedirects(second, self.url("ownership-statement"), fetch_redirect_response=False)
        self.assertEqual(
            FilingSnapshot.objects.filter(
                filing_kind="ownership", filing_id=self.statement.pk
            ).count(),
            1,
        )


class StatementFindingsTests(OwnershipCheckTestCase):
    def test_findings_on_the_statement_sit_above_their_answers_and_are_linked_there(self):
        self.sign_in(self.bob)
        self.sign()
        review = Case.objects.get(filing_kind="ownership", filing_id=self.statement.pk)
        case_decide(actor=self.olivia, case=review, action="start_review")
        for field, said in (
            ("signatory_name", "NAME: who?"),
            ("signatory_role", "ROLE: a director"),
        ):
            finding_add(actor=self.olivia, case=review, field=field, message=said)
        case_decide(actor=self.olivia, case=review, action="request_changes", reason="See")
        html = self.client.get(self.url()).content.decode()
        self.assertLess(html.index("ROLE: a director"), html.index('name="signatory_role"'))
        self.assertLess(html.index("NAME: who?"), html.index('id="signatory-name"'))
        task_list = self.client.get(self.url("ownership-statement")).content.decode()
        for anchor in ("signatory-name", "id_signatory_role"):
            with self.subTest(anchor):
                self.assertIn(f'href="{self.url()}#{anchor}"', task_list)
                self.assertIn(f'id="{anchor}"', html)
