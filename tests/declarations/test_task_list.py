"""The task list: what is still to do, never an error before the person has acted, each linked
to the question that answers it; the sections the regulator raised findings on, marked; and
every finding linked to a question that is there on the page it opens."""

from __future__ import annotations

import re
from collections import defaultdict

from django.urls import reverse

from registry.declarations import selectors, services
from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.views.findings import place_findings
from registry.filings.selectors import filing_feedback
from registry.lib.problems import ProblemsError
from registry.review.models import Case
from registry.review.services import case_decide, finding_add
from tests.base import PersonaTestCase
from tests.declarations.test_findings import FINDINGS, declaration_with_changes_requested
from tests.factories import AIModelFactory, complete_declaration
from tests.review import offered_paths


def task(html: str, name: str) -> str:
    """The task list item whose task is called `name`."""
    for item in re.findall(r'<li class="govuk-task-list__item.*?</li>', html, re.S):
        if f">{name}</" in item:
            return item
    raise AssertionError(f"no task {name!r}")


class NewDraftTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.model = AIModelFactory(provider=cls.acme, name="Acme Fresh")

    def setUp(self):
        self.declaration = services.declaration_start(actor=self.bob, model=self.model, amend=False)
        self.sign_in(self.bob)
        self.html = self.client.get(
            reverse("declarations:declaration", args=[self.declaration.pk])
        ).content.decode()

    def test_a_new_draft_opens_without_an_error(self):
        self.assertNotIn("govuk-error-summary", self.html)
        self.assertNotIn('role="alert"', self.html)
        self.assertNotIn("There is a problem", self.html)
        self.assertNotIn("govuk-tag--red", self.html)

    def test_what_is_still_to_do_is_a_list_each_linked_to_its_question(self):
        count = int(re.search(r"(\d+) things to do before you can submit", self.html).group(1))
        items = re.search(
            r'id="things-to-do".*?<ul class="govuk-list govuk-list--bullet">(.*?)</ul>',
            self.html,
            re.S,
        ).group(1)
        links = re.findall(r'<li><a class="govuk-link" href="([^"]+)">', items)
        self.assertEqual(len(links), count)
        self.assertGreater(count, 3)
        general = reverse("declarations:general", args=[self.declaration.pk])
        self.assertIn(f"{general}#id_illegal_content_measures", links)

    def test_the_statement_of_truth_is_not_a_thing_to_do_it_is_signed_on_submit(self):
        self.assertNotIn("Confirm the statement of truth", self.html)
        self.assertNotIn("Enter the name of the person signing", self.html)
        self.assertNotIn(">Statement of truth<", self.html)

    def test_sections_not_started_and_the_check_that_cannot_start_yet(self):
        self.assertIn("You have completed 0 of 4 sections", self.html)
        self.assertIn("Not yet started", task(self.html, "General information"))
        check = task(self.html, "Check your answers and submit")
        self.assertIn("Cannot start yet", check)
        self.assertNotIn("href=", check)
        # The answers and the label so far can still be looked at.
        self.assertIn(reverse("declarations:check", args=[self.declaration.pk]), self.html)


class CompleteDraftTests(PersonaTestCase):
    def test_a_complete_draft_not_yet_signed_is_ready_to_check_and_submit(self):
        model = AIModelFactory(provider=self.acme, name="Acme Ready")
        draft = complete_declaration(model=model, signed_at=None, signatory_role="")
        self.sign_in(self.bob)
        html = self.client.get(
            reverse("declarations:declaration", args=[draft.pk])
        ).content.decode()
        self.assertIn("You have completed 4 of 4 sections", html)
        self.assertIn("Ready to submit", html)
        check = task(html, "Check your answers and submit")
        self.assertIn(f'href="{reverse("declarations:check", args=[draft.pk])}"', check)
        self.assertNotIn("to do before you can submit", html)


class FindingsOnTheTaskListTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = declaration_with_changes_requested(cls)

    def test_marks_each_section_with_the_regulators_findings_on_it(self):
        self.sign_in(self.bob)
        html = self.client.get(
            reverse("declarations:declaration", args=[self.declaration.pk])
        ).content.decode()
        expected = {
            "General information": 1,
            "Data sources": 2,
            "Supply chain": 1,
            "Red-teaming": 1,
            "Check your answers and submit": 1,
        }
        self.assertEqual(sum(expected.values()), len(FINDINGS))
        for name, count in expected.items():
            with self.subTest(name):
                self.assertIn(f"Regulator's findings: {count}<", task(html, name))


class EveryFindingLandsOnItsQuestionTests(PersonaTestCase):
    """A finding may be raised on any path the regulator's console offers: each general answer,
    each of the model's details, each answer of every source (a dataset, a crawl, a synthetic
    source), of the party and of the attestation, and the statement of truth. Each links to the
    page where it is answered, and is shown there: above its question, or (about a whole row, or
    a question that row's kind is not asked) at the top."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        model = AIModelFactory(provider=cls.acme, name="Acme Findings")
        cls.declaration = complete_declaration(model=model)
        services.declaration_submit(
            actor=cls.alice, declaration=cls.declaration, expected_lock_version=None
        )
        review = Case.objects.get(filing_kind="declaration", filing_id=cls.declaration.pk)
        case_decide(actor=cls.olivia, case=review, action="start_review")
        data = selectors.declaration_data(
            ProvenanceDeclaration.objects.select_related("model").get(pk=cls.declaration.pk)
        )
        offered = offered_paths("declaration", data)
        cls.paths = []
        for path in offered:
            try:
                finding_add(
                    actor=cls.olivia, case=review, field=path, message=message(len(cls.paths))
                )
            except ProblemsError:
                continue  # offered, but refused by the review's own rule: never sent
            cls.paths.append(path)
        case_decide(actor=cls.olivia, case=review, action="request_changes", reason="See")
        cls.declaration.refresh_from_db()
        feedback = filing_feedback(cls.declaration, findings_only_current=True)
        cls.placed = place_findings(cls.declaration, feedback.findings)

    def test_the_paths_cover_every_kind_of_answer(self):
        heads = {path.split(".")[0] for path in self.paths}
        self.assertLessEqual(
            {"model", "sources", "supply_chain", "red_team_attestations", "signatory_role"}, heads
        )
        self.assertLessEqual(set(selectors.GENERAL_FIELDS), heads)
        for path in (
            "sources.1.crawler_name",
            "sources.1.top_domains",
            "sources.2.generator_models",
        ):
            self.assertIn(path, self.paths)
        self.assertEqual(len(self.placed), len(self.paths))

    def test_each_is_shown_on_the_page_it_links_to_at_its_question(self):
        by_page = defaultdict(list)
        for item in self.placed:
            self.assertFalse(item.removed)
            path, _, anchor = item.url.partition("#")
            by_page[path].append((item, anchor))
        self.sign_in(self.bob)
        for path, placed in by_page.items():
            response = self.client.get(path)
            html = response.content.decode()
            for item, anchor in placed:
                field = item.finding.field
                with self.subTest(field, page=path):
                    self.assertEqual(response.status_code, 200)
                    shown = message(self.paths.index(field))
                    self.assertIn(shown, html)
                    if anchor:
                        self.assertIn(f'id="{anchor}"', html)
                        self.assertTrue(beside(html, anchor, shown))

    def test_an_answer_lands_on_its_question_unless_that_kind_of_row_is_not_asked_it(self):
        anchors = {item.finding.field: item.url.partition("#")[2] for item in self.placed}
        self.assertEqual(anchors["sources.1.crawler_name"], "id_crawler_name")
        self.assertEqual(anchors["sources.2.generator_models"], "id_generator_models_0_name")
        self.assertNotIn("sources.0.crawler_name", anchors)  # a dataset is not asked it
        self.assertEqual(anchors["sources.0"], "")
        self.assertEqual(anchors["red_team_attestations.0.report_sha256"], "id_report")
        unanchored = [
            field
            for field, anchor in anchors.items()
            if not anchor and field.split(".")[0] != "sources"
        ]
        self.assertEqual(unanchored, ["supply_chain.0", "red_team_attestations.0"])


def beside(html: str, anchor: str, shown: str) -> bool:
    """Whether `shown` sits directly above the question `anchor` names (the first control after
    it), or inside its answer's row on a summary."""
    named, found = html.index(f'id="{anchor}"'), html.index(shown)
    tag = html.rfind("<", 0, named)
    if found < tag:
        return not re.search(r"<(input|select|textarea)\b", html[found:tag])
    following = html.find('class="govuk-summary-list__row', named)
    return following == -1 or found < following


def message(number: int) -> str:
    return f"FINDING-{number:03d}-SENTINEL"
