"""The regulator's findings and messages on an ownership statement, as its provider sees them.

Sent findings sit beside the questions they are about (an investor's page, the statement of truth);
the task list lists those being answered; the history keeps every round. Internal notes and
findings not yet sent never reach the provider, nor do regulators' names.
"""

from __future__ import annotations

import re

from django.urls import reverse

from registry.filings.states import Status
from registry.providers import services
from registry.providers.models import OwnershipStatement
from registry.review.models import Case, Finding
from registry.review.services import case_decide, finding_add, note_add
from tests.base import PersonaTestCase
from tests.factories import complete_ownership_statement

REASON = "Please answer the findings below."
MESSAGE = "Your NSI notification is on file with us."
NOTE_SENTINEL = "SENTINEL-INTERNAL-NOTE-4b1d"
UNSENT_SENTINEL = "SENTINEL-UNSENT-FINDING-e81a"

FINDINGS = {
    "links.1.share_percent": "SHARES: the filing at Companies House says 40%.",
    "links.0": "WHOLE-LINK: is this investor state-owned?",
    "signatory_name": "SIGNATORY: a director must sign.",
}


def first_field_after(html: str, text: str) -> str:
    """The name of the first form control after `text` on the page."""
    start = html.index(text)
    found = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"').search(html, start)
    return found.group(1) if found else ""


def statement_with_changes_requested(case) -> OwnershipStatement:
    """Acme's statement with two investors, sent back by olivia with FINDINGS, a message and an
    internal note."""
    statement = complete_ownership_statement(provider=case.acme, links=2)
    services.ownership_transition(actor=case.alice, statement=statement, action="submit")
    review = Case.objects.get(filing_kind="ownership", filing_id=statement.pk)
    case_decide(actor=case.olivia, case=review, action="start_review")
    for field, message in FINDINGS.items():
        finding_add(actor=case.olivia, case=review, field=field, message=message)
    note_add(actor=case.olivia, case=review, kind="message", body=MESSAGE)
    note_add(actor=case.olivia, case=review, kind="note", body=NOTE_SENTINEL)
    case_decide(actor=case.olivia, case=review, action="request_changes", reason=REASON)
    return OwnershipStatement.objects.get(pk=statement.pk)


class OwnershipFindingsTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.statement = statement_with_changes_requested(cls)
        cls.links = list(cls.statement.links.order_by("id"))

    def statement_url(self, name: str) -> str:
        return reverse(f"providers:{name}", kwargs={"statement_id": self.statement.pk})

    def link_url(self, link) -> str:
        return reverse("providers:ownership-link-edit", kwargs={"link_id": link.pk})

    def page(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class TaskListTests(OwnershipFindingsTestCase):
    def test_lists_each_finding_with_a_link_to_where_it_is_changed(self):
        self.sign_in(self.bob)
        html = self.page(self.statement_url("ownership-statement"))
        self.assertIn("The regulator's findings", html)
        self.assertIn(REASON, html)
        links = {
            "links.1.share_percent": self.link_url(self.links[1]) + "#id_share_percent",
            "links.0": self.link_url(self.links[0]),
            "signatory_name": self.statement_url("ownership-check") + "#signatory-name",
        }
        for field, href in links.items():
            with self.subTest(field):
                self.assertIn(FINDINGS[field], html)
                self.assertIn(f'href="{href}"', html)
        self.assertIn("Investor 2 Ltd: Shares held", html)

    def test_marks_the_sections_the_findings_are_about(self):
        self.sign_in(self.alice)
        html = self.page(self.statement_url("ownership-statement"))
        self.assertIn(
            '<strong class="govuk-tag govuk-tag--orange govuk-!-margin-bottom-2" '
            'id="task-links-findings">Regulator\'s findings: 2</strong>',
            html,
        )
        self.assertIn('id="task-check-findings">Regulator\'s findings: 1</strong>', html)

    def test_shows_the_regulators_messages_but_no_regulator_by_name(self):
        self.sign_in(self.alice)
        html = self.page(self.statement_url("ownership-statement"))
        self.assertIn(MESSAGE, html)
        self.assertNotIn("Olivia", html)

    def test_a_finding_on_a_removed_investor_says_so(self):
        removed = self.links[1].pk
        services.link_remove(actor=self.alice, link=self.links[1])
        self.sign_in(self.alice)
        html = self.page(self.statement_url("ownership-statement"))
        self.assertIn(FINDINGS["links.1.share_percent"], html)
        self.assertIn("Investor 2 of submission 1: Shares held", html)
        self.assertIn("This row was removed", html)
        self.assertNotIn(reverse("providers:ownership-link-edit", args=[removed]), html)


class QuestionPageTests(OwnershipFindingsTestCase):
    def setUp(self):
        self.sign_in(self.alice)

    def test_a_finding_sits_above_its_field_on_the_investors_page(self):
        html = self.page(self.link_url(self.links[1]))
        self.assertEqual(
            first_field_after(html, FINDINGS["links.1.share_percent"]), "share_percent"
        )
        self.assertNotIn(FINDINGS["links.0"], html)

    def test_a_finding_about_a_whole_investor_heads_its_page(self):
        html = self.page(self.link_url(self.links[0]))
        self.assertLess(html.index(FINDINGS["links.0"]), html.index("<form"))
        self.assertNotIn(FINDINGS["links.1.share_percent"], html)

    def test_the_statement_of_truth_finding_sits_above_the_name(self):
        html = self.page(self.statement_url("ownership-check"))
        name = html.index('id="signatory-name"')
        self.assertLess(html.index(FINDINGS["signatory_name"]), name)

    def test_check_your_answers_shows_each_finding_beside_its_answer(self):
        html = self.page(self.statement_url("ownership-check"))
        second = html.index("Investor 2 Ltd</h3>")
        shares = html.index("Shares</dt>", second)
        votes = html.index("Votes</dt>", shares)
        self.assertIn(FINDINGS["links.1.share_percent"], html[shares:votes])
        first = html.index("Investor 1 Ltd</h3>")
        self.assertIn(FINDINGS["links.0"], html[first:second])
        statement = html.index('id="statement-of-truth"')
        self.assertIn(FINDINGS["signatory_name"], html[statement:])


class ReadViewTests(OwnershipFindingsTestCase):
    def test_a_viewer_sees_the_findings_and_messages_without_links_to_change_them(self):
        self.sign_in(self.victor)
        html = self.page(self.statement_url("ownership-statement"))
        self.assertIn("The regulator asked for changes", html)
        self.assertIn(MESSAGE, html)
        for message in FINDINGS.values():
            self.assertIn(message, html)
        self.assertNotIn(self.link_url(self.links[1]), html)
        self.assertNotIn("Olivia", html)

    def test_past_findings_stay_in_the_history_after_resubmission(self):
        services.ownership_transition(actor=self.alice, statement=self.statement, action="submit")
        self.sign_in(self.alice)
        html = self.page(self.statement_url("ownership-statement"))
        self.assertNotIn("The regulator asked for changes", html)
        self.assertIn("3 findings on submission 1", html)
        self.assertIn(FINDINGS["links.1.share_percent"], html)
        self.assertIn(MESSAGE, html)


class NeverShownTests(OwnershipFindingsTestCase):
    """Internal notes and unsent findings, on every page of every provider persona."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # An unsent finding on the case being answered (the services never leave one there, so
        # this guards the pages' own filter), and a second round under review with another.
        review = Case.objects.get(filing_kind="ownership", filing_id=cls.statement.pk)
        Finding.objects.create(
            case=review,
            submission=1,
            field="links.0.country",
            row_id=cls.links[0].pk,
            message=UNSENT_SENTINEL,
            raised_by=cls.olivia,
        )

    def urls(self) -> list[str]:
        names = ("ownership-statement", "ownership-links", "ownership-sign", "ownership-check")
        return [
            *(self.statement_url(name) for name in names),
            *(self.link_url(link) for link in self.links),
            reverse("providers:ownership"),
            reverse("providers:dashboard"),
        ]

    def assert_never_shown(self) -> None:
        for person in (self.alice, self.bob, self.victor):
            self.sign_in(person)
            for url in self.urls():
                with self.subTest(person=person.full_name, url=url):
                    response = self.client.get(url, follow=True)
                    self.assertIn(response.status_code, (200, 403))
                    html = response.content.decode()
                    self.assertNotIn(NOTE_SENTINEL, html)
                    self.assertNotIn(UNSENT_SENTINEL, html)
                    self.assertNotIn("Olivia", html)

    def test_not_while_changes_are_requested(self):
        self.assert_never_shown()
        # The same pages do show what was sent: the assertions above can fail.
        self.sign_in(self.alice)
        self.assertIn(FINDINGS["links.0"], self.page(self.link_url(self.links[0])))

    def test_not_while_the_next_submission_is_under_review(self):
        services.ownership_transition(actor=self.alice, statement=self.statement, action="submit")
        review = Case.objects.get(filing_kind="ownership", filing_id=self.statement.pk)
        case_decide(actor=self.olivia, case=review, action="start_review")
        finding_add(actor=self.olivia, case=review, field="links.1", message=UNSENT_SENTINEL)
        note_add(actor=self.olivia, case=review, kind="note", body=NOTE_SENTINEL + "-round-2")
        self.statement.refresh_from_db()
        self.assertEqual(self.statement.status, Status.UNDER_REVIEW)
        self.assert_never_shown()

    def test_another_provider_cannot_open_any_of_the_pages(self):
        self.sign_in(self.charlie)
        for url in self.urls()[:-2]:  # but their own ownership page and dashboard
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
