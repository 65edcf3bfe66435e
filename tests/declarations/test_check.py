"""Check your answers: the answers, the label they would publish with its alerts, and the
statement of truth signed by the person signed in, in the same step as Submit.

Every post is answered with a redirect: what stops it is shown by the page that follows, once.
"""

from __future__ import annotations

from django.urls import reverse

from registry.accounts.validation import MESSAGES as ACCOUNT_MESSAGES
from registry.declarations import services
from registry.declarations.models import DataSource, ProvenanceDeclaration
from registry.filings.models import FilingSnapshot
from registry.filings.states import Status
from registry.labels.selectors.label import NUMBER_ON_ACCEPTANCE
from registry.review.models import Case
from registry.review.services import case_decide, finding_add
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration


class CheckTestCase(PersonaTestCase):
    """Acme's complete draft of Acme Chat, never signed; its crawl ignores robots.txt."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        model = AIModelFactory(provider=cls.acme, name="Acme Chat")
        cls.draft = complete_declaration(
            model=model, signed_at=None, signatory_name="", signatory_role=""
        )
        DataSource.objects.filter(declaration=cls.draft, category="web_crawl").update(
            robots_txt_respected=False
        )

    def url(self, name: str = "check") -> str:
        return reverse(f"declarations:{name}", args=[self.draft.pk])

    def fresh(self) -> ProvenanceDeclaration:
        return ProvenanceDeclaration.objects.get(pk=self.draft.pk)

    def sign(self, **changes):
        form = {
            "signatory_role": "Head of Compliance",
            "confirm": "on",
            "lock_version": self.fresh().lock_version,
        }
        return self.client.post(self.url(), form | changes)


class CheckPageTests(CheckTestCase):
    def test_shows_the_label_as_it_would_be_published_with_its_alerts(self):
        self.sign_in(self.bob)
        response = self.client.get(self.url())
        self.assertContains(response, "Your label, if the regulator accepts this declaration")
        self.assertContains(response, 'id="facts-title"')  # the label's own facts panel
        self.assertContains(response, NUMBER_ON_ACCEPTANCE)
        alerts = response.context["label"]["public_alerts"]
        self.assertIn("crawl_without_opt_out", [alert["code"] for alert in alerts])
        for alert in alerts:
            with self.subTest(alert["code"]):
                self.assertContains(response, alert["title"])
                self.assertContains(response, alert["explanation"])
        self.assertContains(response, "Your label would show")
        self.assertContains(response, "of them high")

    def test_the_statement_is_signed_just_above_submit_by_the_person_signed_in(self):
        self.sign_in(self.bob)
        response = self.client.get(self.url())
        html = response.content.decode()
        self.assertIn("You are signing as <strong>Bob Submitter</strong>", html)
        self.assertNotIn('name="signatory_name"', html)
        statement = html.index('id="statement-of-truth"')
        self.assertLess(statement, html.index('name="signatory_role"'))
        self.assertLess(html.index('name="confirm"'), html.index(">Sign and submit</button>"))
        # Nothing is an error before the person acts.
        self.assertNotContains(response, "govuk-error-summary")
        self.assertNotContains(response, "to do before you can submit")

    def test_the_role_this_person_gave_last_time_is_kept_but_not_anothers(self):
        ProvenanceDeclaration.objects.filter(pk=self.draft.pk).update(
            signatory_name="Bob Submitter", signatory_role="Head of Compliance"
        )
        self.sign_in(self.bob)
        self.assertContains(self.client.get(self.url()), 'value="Head of Compliance"')
        self.sign_in(self.alice)
        self.assertNotContains(self.client.get(self.url()), 'value="Head of Compliance"')

    def test_a_draft_with_things_to_do_lists_them_and_offers_no_submit(self):
        DataSource.objects.filter(declaration=self.draft).update(share_percent=10)
        self.sign_in(self.bob)
        response = self.client.get(self.url())
        self.assertContains(response, "1 thing to do before you can submit")
        self.assertContains(response, "they add up to 30%")
        self.assertContains(response, "You can sign and submit once the")
        self.assertNotContains(response, ">Sign and submit</button>")
        self.assertNotContains(response, "govuk-error-summary")
        # The preview is there all the same: it shows the gap as "not stated".
        self.assertContains(response, 'id="facts-title"')

    def test_a_draft_holding_half_answers_still_has_its_preview(self):
        # What a draft saved over the API may hold: a source with no name, no share and no
        # answers yet, and a language with no share.
        model = AIModelFactory(provider=self.acme, name="Acme Sketch")
        draft = ProvenanceDeclaration.objects.create(
            model=model, version=1, created_by=self.bob, languages=[{"code": "cy"}]
        )
        DataSource.objects.create(declaration=draft, name="", category="other")
        self.sign_in(self.bob)
        response = self.client.get(reverse("declarations:check", args=[draft.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="facts-title"')
        self.assertContains(response, "things to do before you can submit")

    def test_the_old_statement_page_leads_to_check_your_answers(self):
        self.sign_in(self.bob)
        response = self.client.get(self.url("statement"))
        self.assertRedirects(response, self.url() + "#statement-of-truth")


class SignAndSubmitTests(CheckTestCase):
    def test_signs_as_the_account_holder_and_submits_in_one_step(self):
        self.sign_in(self.bob)
        response = self.sign(signatory_name="Mallory Impostor")  # not a question: ignored
        self.assertRedirects(response, self.url("submitted"))
        declaration = self.fresh()
        self.assertEqual(declaration.status, Status.SUBMITTED)
        self.assertEqual(
            (declaration.signatory_name, declaration.signatory_role),
            ("Bob Submitter", "Head of Compliance"),
        )
        self.assertIsNotNone(declaration.signed_at)
        snapshot = FilingSnapshot.objects.get(filing_kind="declaration", filing_id=self.draft.pk)
        self.assertIn('"signatory_name":"Bob Submitter"', snapshot.content)
        read = self.client.get(self.url("declaration"))
        self.assertContains(read, "Bob Submitter, Head of Compliance")

    def test_missing_answers_are_shown_after_a_redirect_once_and_nothing_is_signed(self):
        self.sign_in(self.bob)
        response = self.sign(signatory_role="", confirm="")
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        page = self.client.get(self.url())
        self.assertContains(page, "govuk-error-summary")
        self.assertContains(page, "Enter your role in the organisation")
        self.assertContains(page, "Confirm the statement of truth")
        self.assertContains(page, "<title>Error: ")
        self.assertEqual((self.fresh().status, self.fresh().signed_at), (Status.DRAFT, None))
        # Refreshing the page shows it as it is: the refusal was said once, and nothing re-posts.
        self.assertNotContains(self.client.get(self.url()), "govuk-error-summary")

    def test_an_unconfirmed_email_address_is_told_how_to_confirm_it(self):
        self.bob.email_verified_at = None
        self.bob.save(update_fields=["email_verified_at"])
        self.sign_in(self.bob)
        page = self.client.get(self.url())
        self.assertContains(page, "Confirm your email address before you sign")
        self.assertContains(page, reverse("accounts:email-verification-send"))
        self.assertContains(page, "Send the link again")
        self.assertNotContains(page, ">Sign and submit</button>")
        # Posted all the same (a page opened before), it is refused, saying how to confirm.
        response = self.sign()
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        refused = self.client.get(self.url())
        self.assertContains(refused, "govuk-error-summary")
        self.assertContains(refused, ACCOUNT_MESSAGES["email_not_verified"].replace("'", "&#x27;"))
        declaration = self.fresh()
        self.assertEqual((declaration.status, declaration.signed_at), (Status.DRAFT, None))

    def test_a_change_made_meanwhile_is_refused_and_submitting_needs_a_fresh_confirmation(self):
        self.sign_in(self.bob)
        old = self.fresh().lock_version
        services.party_save(
            actor=self.alice,
            declaration=self.draft,
            values={"name": "Cloud Co Ltd", "role": "cloud_hosting", "country": "GB"},
        )
        response = self.sign(lock_version=old)
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        page = self.client.get(self.url())
        self.assertContains(page, "Someone changed this declaration since you opened this page")
        self.assertContains(page, f'name="lock_version" value="{self.fresh().lock_version}"')
        self.assertContains(page, 'value="Head of Compliance"')
        self.assertNotContains(page, "checked")
        self.assertEqual(self.fresh().status, Status.DRAFT)

    def test_nothing_is_signed_when_the_submission_is_refused(self):
        DataSource.objects.filter(declaration=self.draft).update(share_percent=10)
        self.sign_in(self.bob)
        response = self.sign()  # posted directly: the page offers no button
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        page = self.client.get(self.url())
        self.assertContains(page, "You cannot submit yet: do the things listed")
        declaration = self.fresh()
        self.assertEqual((declaration.status, declaration.signed_at), (Status.DRAFT, None))
        self.assertEqual(declaration.signatory_role, "")

    def test_a_second_submit_changes_nothing_and_says_why(self):
        self.sign_in(self.bob)
        lock_version = self.fresh().lock_version
        self.sign(lock_version=lock_version)
        second = self.sign(lock_version=lock_version)
        self.assertRedirects(second, self.url("declaration"), fetch_redirect_response=False)
        messages = [str(m) for m in self.client.get(self.url("declaration")).context["messages"]]
        self.assertEqual(
            messages, ["This declaration has been submitted, so it can no longer be changed"]
        )
        snapshots = FilingSnapshot.objects.filter(
            filing_kind="declaration", filing_id=self.draft.pk
        )
        self.assertEqual(snapshots.count(), 1)

    def test_a_viewer_may_not_sign(self):
        self.sign_in(self.victor)
        self.assertEqual(self.sign().status_code, 403)
        self.assertEqual(self.fresh().status, Status.DRAFT)


class StatementFindingsTests(CheckTestCase):
    def test_a_finding_on_the_statement_sits_above_the_answer_it_is_about(self):
        self.sign_in(self.bob)
        self.sign()
        review = Case.objects.get(filing_kind="declaration", filing_id=self.draft.pk)
        case_decide(actor=self.olivia, case=review, action="start_review")
        finding_add(
            actor=self.olivia, case=review, field="signatory_role", message="ROLE: a director"
        )
        finding_add(
            actor=self.olivia, case=review, field="signatory_name", message="NAME: who is this?"
        )
        case_decide(actor=self.olivia, case=review, action="request_changes", reason="See")
        html = self.client.get(self.url()).content.decode()
        self.assertLess(html.index("ROLE: a director"), html.index('name="signatory_role"'))
        self.assertLess(html.index("NAME: who is this?"), html.index('id="signatory-name"'))
        task_list = self.client.get(self.url("declaration")).content.decode()
        for anchor in ("signatory-name", "id_signatory_role"):
            with self.subTest(anchor):
                self.assertIn(f'href="{self.url()}#{anchor}"', task_list)
                self.assertIn(f'id="{anchor}"', html)
