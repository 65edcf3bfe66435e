"""The regulator's findings and messages on a declaration, as its provider sees them.

Sent findings sit beside the questions they are about, on the page that asks them; the task list
lists those being answered, each linked to where it is changed; the history keeps every round.
Internal notes and findings not yet sent never reach the provider, nor do regulators' names.
"""

from __future__ import annotations

import re

from django.urls import reverse

from registry.declarations import services
from registry.declarations.models import ProvenanceDeclaration
from registry.filings.states import Status
from registry.review.models import Case, Finding
from registry.review.services import case_decide, finding_add, note_add
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration

REASON = "Please answer the findings below."
MESSAGE = "We will call you on Tuesday about your crawl."
# Text that must never reach the provider: an internal note and a finding not yet sent.
NOTE_SENTINEL = "SENTINEL-INTERNAL-NOTE-7f3a"
UNSENT_SENTINEL = "SENTINEL-UNSENT-FINDING-9c2e"

FINDINGS = {
    "tdm_opt_out_measures": "TDM: say which opt-out protocols you honour.",
    "sources.1.licence": "LICENCE: the crawl cannot be CC0.",
    "sources.2": "WHOLE-SOURCE: explain where this synthetic data came from.",
    "supply_chain.0.country": "PARTY: where is this party incorporated?",
    "red_team_attestations.0.summary": "ATTESTATION: summarise what was found.",
    "signatory_role": "SIGNATORY: a director must sign.",
}


def first_field_after(html: str, text: str) -> str:
    """The name of the first form control after `text` on the page."""
    start = html.index(text)
    found = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"').search(html, start)
    return found.group(1) if found else ""


def declaration_with_changes_requested(case, name: str = "Acme Chat") -> ProvenanceDeclaration:
    """Acme's declaration, submitted by alice and sent back by olivia with FINDINGS sent, a
    message and an internal note."""
    declaration = complete_declaration(model=AIModelFactory(provider=case.acme, name=name))
    services.declaration_submit(
        actor=case.alice, declaration=declaration, expected_lock_version=None
    )
    review = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
    case_decide(actor=case.olivia, case=review, action="start_review")
    for field, message in FINDINGS.items():
        finding_add(actor=case.olivia, case=review, field=field, message=message)
    note_add(actor=case.olivia, case=review, kind="message", body=MESSAGE)
    note_add(actor=case.olivia, case=review, kind="note", body=NOTE_SENTINEL)
    case_decide(actor=case.olivia, case=review, action="request_changes", reason=REASON)
    return ProvenanceDeclaration.objects.get(pk=declaration.pk)


class FindingsTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = declaration_with_changes_requested(cls)
        cls.sources = list(cls.declaration.sources.order_by("id"))
        cls.party = cls.declaration.supply_chain.get()
        cls.attestation = cls.declaration.red_team_attestations.get()

    def url(self, name: str, *args) -> str:
        return reverse(f"declarations:{name}", args=[self.declaration.pk, *args])

    def page(self, name: str, *args) -> str:
        response = self.client.get(self.url(name, *args))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class TaskListTests(FindingsTestCase):
    def test_lists_each_finding_with_its_field_and_a_link_to_where_it_is_changed(self):
        self.sign_in(self.bob)
        html = self.page("declaration")
        self.assertIn("The regulator's findings", html)
        self.assertIn(REASON, html)
        links = {
            "tdm_opt_out_measures": self.url("general") + "#id_tdm_opt_out_measures",
            "sources.1.licence": self.url("source-rights", self.sources[1].pk) + "#id_licence",
            "sources.2": self.url("source-edit", self.sources[2].pk),
            "supply_chain.0.country": self.url("party-edit", self.party.pk) + "#id_country",
            "red_team_attestations.0.summary": (
                self.url("attestation-edit", self.attestation.pk) + "#id_summary"
            ),
            "signatory_role": self.url("check") + "#id_signatory_role",
        }
        for field, href in links.items():
            with self.subTest(field):
                self.assertIn(FINDINGS[field], html)
                self.assertIn(f'href="{href}"', html)

    def test_names_the_field_and_the_row_by_their_labels(self):
        self.sign_in(self.alice)
        html = self.page("declaration")
        self.assertIn("Text and data mining opt-out measures", html)
        self.assertIn("Data source “Source 2”: Licence", html)
        self.assertIn(f"Supply chain party “{self.party.name}”: Country", html)

    def test_shows_the_regulators_messages_but_no_regulator_by_name(self):
        self.sign_in(self.alice)
        html = self.page("declaration")
        self.assertIn(MESSAGE, html)
        self.assertIn("Message from the regulator", html)
        self.assertNotIn("Olivia", html)

    def test_a_finding_on_a_removed_row_says_so_and_links_nowhere(self):
        removed = self.sources[2].pk
        services.source_remove(actor=self.alice, source=self.sources[2])
        self.sign_in(self.alice)
        html = self.page("declaration")
        self.assertIn(FINDINGS["sources.2"], html)
        self.assertIn("Data source 3 of submission 1", html)
        self.assertIn("This row was removed", html)
        self.assertNotIn(self.url("source-edit", removed), html)

    def test_a_finding_follows_its_row_when_rows_before_it_are_removed(self):
        services.source_remove(actor=self.alice, source=self.sources[0])
        self.sign_in(self.alice)
        html = self.page("declaration")
        # "sources.1" was the second source when raised; it is the first now, and still itself.
        href = self.url("source-rights", self.sources[1].pk) + "#id_licence"
        self.assertIn(f'href="{href}"', html)
        self.assertEqual(
            first_field_after(
                self.page("source-rights", self.sources[1].pk), FINDINGS["sources.1.licence"]
            ),
            "licence",
        )


class QuestionPageTests(FindingsTestCase):
    def setUp(self):
        self.sign_in(self.bob)

    def test_each_finding_sits_above_its_field_on_the_page_that_asks_it(self):
        pages = [
            ("tdm_opt_out_measures", ("general",), "tdm_opt_out_measures"),
            ("sources.1.licence", ("source-rights", self.sources[1].pk), "licence"),
            ("supply_chain.0.country", ("party-edit", self.party.pk), "country"),
            (
                "red_team_attestations.0.summary",
                ("attestation-edit", self.attestation.pk),
                "summary",
            ),
            ("signatory_role", ("check",), "signatory_role"),
        ]
        for field, page, control in pages:
            with self.subTest(field):
                html = self.page(*page)
                self.assertIn("The regulator's finding", html)
                self.assertEqual(first_field_after(html, FINDINGS[field]), control)

    def test_a_page_shows_only_the_findings_about_its_own_questions(self):
        general = self.page("general")
        source = self.page("source-rights", self.sources[1].pk)
        other_source = self.page("source-rights", self.sources[0].pk)
        self.assertNotIn(FINDINGS["sources.1.licence"], general)
        self.assertNotIn(FINDINGS["tdm_opt_out_measures"], source)
        self.assertNotIn(FINDINGS["sources.1.licence"], other_source)
        self.assertNotIn("The regulator's finding", other_source)

    def test_a_finding_about_a_whole_row_heads_its_summary(self):
        html = self.page("source-edit", self.sources[2].pk)
        self.assertLess(html.index(FINDINGS["sources.2"]), html.index("govuk-summary-card"))

    def test_check_your_answers_shows_each_finding_beside_its_answer(self):
        html = self.page("check")
        tdm_row = html.index("Text and data mining opt-outs")
        next_row = html.index("Illegal content", tdm_row)
        self.assertIn(FINDINGS["tdm_opt_out_measures"], html[tdm_row:next_row])
        signed_by = html.index('id="statement-of-truth"')
        self.assertIn(FINDINGS["signatory_role"], html[signed_by:])
        supply_chain = html.index('<h2 class="govuk-heading-m">Supply chain</h2>')
        red_teaming = html.index('<h2 class="govuk-heading-m">Red-teaming</h2>')
        self.assertIn(FINDINGS["supply_chain.0.country"], html[supply_chain:red_teaming])
        self.assertIn(FINDINGS["red_team_attestations.0.summary"], html[red_teaming:signed_by])
        self.assertIn(FINDINGS["sources.1.licence"], html[:supply_chain])

    def test_the_findings_are_gone_from_the_pages_once_it_is_resubmitted(self):
        services.declaration_submit(
            actor=self.bob, declaration=self.declaration, expected_lock_version=None
        )
        html = self.page("declaration")  # the read view now
        self.assertNotIn("The regulator asked for changes", html)
        # Still in the history, with the round they were sent in.
        self.assertIn(FINDINGS["sources.1.licence"], html)
        self.assertIn("6 findings on submission 1", html)


class ReadViewTests(FindingsTestCase):
    def test_a_viewer_sees_the_findings_and_messages_without_links_to_change_them(self):
        self.sign_in(self.victor)
        html = self.page("declaration")
        self.assertIn("The regulator asked for changes", html)
        self.assertIn(REASON, html)
        self.assertIn(MESSAGE, html)
        for message in FINDINGS.values():
            self.assertIn(message, html)
        self.assertNotIn(self.url("general"), html)
        self.assertNotIn("Olivia", html)


class NeverShownTests(FindingsTestCase):
    """Internal notes and unsent findings, on every page of every provider persona."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A second round: resubmitted, under review, with a finding not yet sent.
        declaration = cls.declaration
        services.declaration_submit(
            actor=cls.alice, declaration=declaration, expected_lock_version=None
        )
        review = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        case_decide(actor=cls.olivia, case=review, action="start_review")
        finding_add(
            actor=cls.olivia, case=review, field="sources.0.licence", message=UNSENT_SENTINEL
        )
        note_add(actor=cls.olivia, case=review, kind="note", body=NOTE_SENTINEL + "-round-2")
        # The other declaration is being answered; an unsent finding sits on its case too (the
        # services never leave one there, so this guards the pages' own filter).
        cls.answering = declaration_with_changes_requested(cls, name="Acme Vision")
        Finding.objects.create(
            case=Case.objects.get(filing_kind="declaration", filing_id=cls.answering.pk),
            submission=1,
            field="tdm_opt_out_measures",
            message=UNSENT_SENTINEL,
            raised_by=cls.olivia,
        )

    def pages(self, declaration: ProvenanceDeclaration) -> list[str]:
        sources = declaration.sources.order_by("id")
        urls = [
            reverse(f"declarations:{name}", args=[declaration.pk])
            for name in (
                "declaration",
                "general",
                "sources",
                "parties",
                "attestations",
                "statement",
                "check",
            )
        ]
        urls += [
            reverse("declarations:source-edit", args=[declaration.pk, source.pk])
            for source in sources
        ]
        urls += [
            reverse("declarations:party-edit", args=[declaration.pk, party.pk])
            for party in declaration.supply_chain.all()
        ]
        urls += [
            reverse("declarations:attestation-edit", args=[declaration.pk, attestation.pk])
            for attestation in declaration.red_team_attestations.all()
        ]
        urls += [
            reverse("declarations:model", args=[declaration.model_id]),
            reverse("declarations:model-edit", args=[declaration.model_id]),
            reverse("providers:dashboard"),
        ]
        return urls

    def test_no_provider_persona_ever_sees_them(self):
        self.declaration.refresh_from_db()
        self.assertEqual(self.declaration.status, Status.UNDER_REVIEW)
        for person in (self.alice, self.bob, self.victor):
            self.sign_in(person)
            for declaration in (self.declaration, self.answering):
                for url in self.pages(declaration):
                    with self.subTest(person=person.full_name, url=url):
                        response = self.client.get(url, follow=True)
                        self.assertIn(response.status_code, (200, 403))
                        html = response.content.decode()
                        self.assertNotIn(NOTE_SENTINEL, html)
                        self.assertNotIn(UNSENT_SENTINEL, html)
                        self.assertNotIn("Olivia", html)

    def test_the_sent_findings_are_shown_where_the_unsent_are_not(self):
        # The pages that hide the sentinels do show what was sent: the test above can fail.
        self.sign_in(self.alice)
        html = self.client.get(self.url("declaration")).content.decode()
        self.assertIn(FINDINGS["sources.1.licence"], html)
        self.assertIn(MESSAGE, html)
        answering = reverse("declarations:general", args=[self.answering.pk])
        self.assertIn(FINDINGS["tdm_opt_out_measures"], self.client.get(answering).content.decode())

    def test_another_provider_cannot_open_any_of_the_pages(self):
        self.sign_in(self.charlie)
        for url in self.pages(self.answering)[:-1]:  # but their own dashboard
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
