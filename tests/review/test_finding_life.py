"""Findings with a life: sent, answered by the provider (web and API), found changed or unchanged
when the provider resubmits, then resolved or carried forward by the officer."""

from __future__ import annotations

from django.urls import reverse

from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.services import declaration_submit
from registry.filings.states import Status
from registry.lib.problems import ProblemsError
from registry.review.models import Case, Finding, FindingStatus
from registry.review.services import (
    case_decide,
    finding_add,
    finding_conclude,
    finding_reply,
)
from tests.api.base import ApiTestCase
from tests.factories import AIModelFactory, complete_declaration


class FindingLifeTestCase(ApiTestCase):
    """An Acme declaration under review, with findings on a source's licence (by its row) and on
    the statement of truth, sent back for changes."""

    def setUp(self):
        self.declaration = complete_declaration(
            model=AIModelFactory(provider=self.acme), created_by=self.alice
        )
        self.submit()
        self.case = Case.objects.get(filing_kind="declaration", filing_id=self.declaration.pk)
        case_decide(actor=self.olivia, case=self.case, action="start_review")
        self.licence = finding_add(
            actor=self.olivia, case=self.case, field="sources.1.licence", message="Which?"
        )
        self.role = finding_add(
            actor=self.olivia, case=self.case, field="signatory_role", message="Check the role"
        )
        case_decide(actor=self.olivia, case=self.case, action="request_changes", reason="See")

    def submit(self) -> None:
        self.declaration = ProvenanceDeclaration.objects.get(pk=self.declaration.pk)
        declaration_submit(
            actor=self.alice, declaration=self.declaration, expected_lock_version=None
        )

    def fresh(self, finding: Finding) -> Finding:
        return Finding.objects.get(pk=finding.pk)

    def remove_source(self, removed: str, kept: str) -> None:
        """Remove a source, its share going to another so that the shares still add up."""
        sources = self.declaration.sources
        share = sources.get(name=removed).share_percent + sources.get(name=kept).share_percent
        sources.filter(name=kept).update(share_percent=share)
        sources.filter(name=removed).delete()

    def resubmit_with_licence(self, licence: str) -> None:
        """The provider removes the first source, so the one the finding is about moves up, and
        sets its licence: the finding follows its row by id, not its place."""
        self.remove_source("Source 1", kept="Source 3")
        self.declaration.sources.filter(name="Source 2").update(licence=licence)
        self.submit()
        case_decide(actor=self.olivia, case=self.case, action="start_review")


class StatusTests(FindingLifeTestCase):
    def test_a_sent_finding_is_open_then_answered(self):
        self.assertEqual(self.fresh(self.licence).status, FindingStatus.OPEN)
        finding_reply(actor=self.bob, finding=self.licence, reply="It is CC-BY-4.0, as stated")
        found = self.fresh(self.licence)
        self.assertEqual(found.status, FindingStatus.ANSWERED)
        self.assertEqual(found.replied_by, self.bob)

    def test_on_resubmission_each_finding_is_found_changed_or_unchanged_from_its_fields_diff(self):
        self.resubmit_with_licence("MIT")
        self.assertEqual(self.fresh(self.licence).status, FindingStatus.CHANGED)
        self.assertEqual(self.fresh(self.role).status, FindingStatus.UNCHANGED)

    def test_a_field_left_as_it_was_is_unchanged_wherever_its_row_moved(self):
        licence = self.declaration.sources.get(name="Source 2").licence
        self.resubmit_with_licence(licence)
        self.assertEqual(self.fresh(self.licence).status, FindingStatus.UNCHANGED)

    def test_a_removed_row_counts_as_changed(self):
        self.remove_source("Source 2", kept="Source 1")
        self.submit()
        self.assertEqual(self.fresh(self.licence).status, FindingStatus.CHANGED)

    def test_the_officer_resolves_one_and_carries_the_other_forward(self):
        self.resubmit_with_licence("MIT")
        finding_conclude(actor=self.olivia, finding=self.licence, outcome="resolved")
        finding_conclude(actor=self.olivia, finding=self.role, outcome="carried_forward")
        self.assertEqual(self.fresh(self.licence).status, FindingStatus.RESOLVED)
        self.assertEqual(self.fresh(self.role).status, FindingStatus.CARRIED_FORWARD)
        carried = Finding.objects.get(case=self.case, submission=2)
        self.assertEqual((carried.field, carried.message), ("signatory_role", "Check the role"))
        self.assertEqual(carried.status, FindingStatus.NOT_SENT)
        # It goes with the next request for changes, and that request needs no other.
        case_decide(actor=self.olivia, case=self.case, action="request_changes", reason="Again")
        self.assertEqual(self.fresh(carried).status, FindingStatus.OPEN)

    def test_a_carried_finding_follows_its_row_to_its_new_place(self):
        self.resubmit_with_licence("MIT")
        finding_conclude(actor=self.olivia, finding=self.licence, outcome="carried_forward")
        carried = Finding.objects.get(case=self.case, submission=2)
        self.assertEqual(carried.field, "sources.0.licence")  # the source before it went
        self.assertEqual(carried.row_id, self.licence.row_id)

    def refused(self, code: str, finding: Finding, outcome: str = "resolved", actor=None) -> None:
        with self.subTest(code), self.assertRaises(ProblemsError) as caught:
            finding_conclude(actor=actor or self.olivia, finding=finding, outcome=outcome)
        self.assertEqual(caught.exception.problems[0].code, code)

    def test_what_cannot_be_concluded_says_why(self):
        self.refused("finding_outcome_unknown", self.licence, outcome="bogus")
        self.refused("case_not_under_review", self.licence)  # the provider has it
        self.resubmit_with_licence("MIT")
        fresh = finding_add(actor=self.olivia, case=self.case, field="signatory_role", message="x")
        self.refused("finding_not_resubmitted", fresh)
        self.refused("not_permitted", self.role, actor=self.alice)
        finding_conclude(actor=self.olivia, finding=self.licence, outcome="resolved")
        self.refused("finding_concluded", self.licence)


class ReplyRuleTests(FindingLifeTestCase):
    def refused(self, code: str, **kwargs) -> None:
        values = {"actor": self.alice, "finding": self.licence, "reply": "Fine"} | kwargs
        with self.assertRaises(ProblemsError) as caught:
            finding_reply(**values)
        self.assertEqual(caught.exception.problems[0].code, code)
        self.assertEqual(self.fresh(self.licence).reply, "")

    def test_a_reply_needs_words_and_not_too_many(self):
        self.refused("finding_reply_required", reply="   ")
        self.refused("finding_reply_too_long", reply="x" * 10_001)

    def test_only_the_providers_editors_reply(self):
        self.refused("not_permitted", actor=self.victor)  # a viewer
        self.refused("not_permitted", actor=self.charlie)  # another provider
        self.refused("not_permitted", actor=self.olivia)  # the regulator

    def test_only_while_changes_are_asked_on_its_submission(self):
        self.submit()
        self.refused("finding_not_open")

    def test_a_reply_can_be_rewritten_until_resubmission_and_is_audited(self):
        finding_reply(actor=self.alice, finding=self.licence, reply="First")
        finding_reply(actor=self.bob, finding=self.licence, reply="Second")
        self.assertEqual(self.fresh(self.licence).reply, "Second")
        events = self.case_events("case.finding_answered")
        self.assertEqual([event.after["reply"] for event in events], ["First", "Second"])

    def case_events(self, action: str):
        from registry.audit.models import AuditEvent

        return AuditEvent.objects.filter(action=action).order_by("id")


class ReplyPageTests(FindingLifeTestCase):
    def url(self, finding: Finding) -> str:
        return reverse("declarations:finding-reply", args=[finding.pk])

    def test_the_task_list_offers_a_reply_and_shows_it(self):
        self.sign_in(self.bob)
        task_list = reverse("declarations:declaration", args=[self.declaration.pk])
        self.assertContains(self.client.get(task_list), self.url(self.licence))
        response = self.client.post(self.url(self.licence), {"reply": "It is CC-BY-4.0"})
        self.assertRedirects(response, task_list)
        page = self.client.get(task_list)
        self.assertContains(page, "Your reply: It is CC-BY-4.0")
        self.assertContains(page, "Change your reply")

    def test_an_empty_reply_is_refused_with_the_problem_and_nothing_saved(self):
        self.sign_in(self.alice)
        self.assertNotContains(self.client.get(self.url(self.licence)), "govuk-error-summary")
        response = self.client.post(self.url(self.licence), {"reply": " "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Write your reply to the finding")
        self.assertContains(response, "govuk-error-summary")
        self.assertEqual(self.fresh(self.licence).reply, "")

    def test_the_persona_matrix(self):
        expected = {
            "anonymous": 302,
            "alice": 200,
            "bob": 200,
            "victor": 403,
            "charlie": 404,
            "nadia": 302,
            "olivia": 404,
            "diana": 404,
            "ada": 403,
        }
        for persona, status in expected.items():
            with self.subTest(persona):
                self.client.logout()
                if persona != "anonymous":
                    self.sign_in(getattr(self, persona))
                self.assertEqual(self.client.get(self.url(self.licence)).status_code, status)
                response = self.client.post(self.url(self.licence), {"reply": f"By {persona}"})
                saved = self.fresh(self.licence).reply
                if status == 200:
                    self.assertEqual(response.status_code, 302)
                    self.assertEqual(saved, f"By {persona}")
                else:
                    self.assertEqual(response.status_code, status)
                    self.assertNotEqual(saved, f"By {persona}")

    def test_an_unsent_finding_is_not_found(self):
        self.resubmit_with_licence("MIT")
        finding_conclude(actor=self.olivia, finding=self.role, outcome="carried_forward")
        unsent = Finding.objects.get(case=self.case, submission=2)
        self.sign_in(self.alice)
        self.assertEqual(self.client.get(self.url(unsent)).status_code, 404)


class ReplyApiTests(FindingLifeTestCase):
    def reply(self, finding_id: int, body, key: str = "acme"):
        return self.call("POST", f"/api/v1/findings/{finding_id}/reply", body, key=key)

    def test_reply_and_read_it_back_with_the_filing(self):
        response = self.reply(self.licence.pk, {"reply": "It is CC-BY-4.0"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "answered")
        self.assertEqual(response.json()["reply"], "It is CC-BY-4.0")
        read = self.call("GET", f"/api/v1/declarations/{self.declaration.pk}/").json()
        by_id = {finding["id"]: finding for finding in read["findings"]}
        self.assertEqual(by_id[self.licence.pk]["status"], "answered")
        self.assertEqual(by_id[self.licence.pk]["reply"], "It is CC-BY-4.0")
        self.assertEqual(by_id[self.role.pk]["status"], "open")

    def test_bad_replies_are_refused_with_their_pointer_and_nothing_saved(self):
        cases = [
            ({"reply": ""}, 400, "finding_reply_required", "/reply"),
            ({"reply": None}, 400, "null", "/reply"),
            ({"reply": "x", "extra": 1}, 400, "unknown_field", "/extra"),
            ([], 400, "invalid", None),
        ]
        for body, status, code, pointer in cases:
            with self.subTest(body=body):
                response = self.reply(self.licence.pk, body)
                self.assertEqual(response.status_code, status, response.content)
                if pointer:
                    self.assertIn(pointer, [p["pointer"] for p in response.json()["problems"]])
                self.assertIn(code, [p["code"] for p in response.json()["problems"]])
        self.assertEqual(self.fresh(self.licence).reply, "")

    def test_another_providers_finding_is_not_found_and_a_read_key_cannot_reply(self):
        self.assertEqual(self.reply(self.licence.pk, {"reply": "x"}, key="beta").status_code, 404)
        self.assertEqual(self.reply(987654, {"reply": "x"}).status_code, 404)
        self.assertEqual(
            self.reply(self.licence.pk, {"reply": "x"}, key="acme-read").status_code, 403
        )
        self.assertEqual(self.reply(self.licence.pk, {"reply": "x"}, key=None).status_code, 401)
        self.assertEqual(self.fresh(self.licence).reply, "")

    def test_replying_once_resubmitted_says_why_not(self):
        self.submit()
        response = self.reply(self.licence.pk, {"reply": "Late"})
        self.assertProblem(response, 400, "finding_not_open", "/reply")
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, Status.SUBMITTED)


class ConsoleTests(FindingLifeTestCase):
    """What the officer sees of a finding's life on the case."""

    def setUp(self):
        super().setUp()
        finding_reply(actor=self.bob, finding=self.licence, reply="Now MIT, as the owner says")
        self.resubmit_with_licence("MIT")
        self.sign_in(self.olivia)

    def tab(self, name: str):
        return self.client.get(reverse(f"review:{name}", args=[self.case.pk]))

    def test_the_case_shows_at_the_top_what_the_resubmission_answered_and_changed(self):
        response = self.tab("case")
        resubmission = response.context["resubmission"]
        self.assertEqual((resubmission.answered, resubmission.changed), (1, 1))
        self.assertContains(
            response, "Submission 2: 1 of 2 findings answered, 1 with its field changed"
        )
        self.assertContains(response, "replied “Now MIT, as the owner says”")
        self.assertIn("Data sources: Source 1 (removed)", resubmission.changed_fields)

    def test_each_finding_links_to_the_diff_of_its_field(self):
        findings = self.tab("case-findings")
        row = next(r for r in findings.context["findings"] if r.finding.pk == self.licence.pk)
        self.assertEqual(row.diff_anchor, f"since-submission-sources-{self.licence.row_id}")
        changes = reverse("review:case-changes", args=[self.case.pk])
        self.assertContains(findings, f"{changes}#{row.diff_anchor}")
        self.assertContains(self.tab("case-changes"), f'id="{row.diff_anchor}"')
        self.assertContains(findings, "Now MIT, as the owner says")
        self.assertContains(findings, 'govuk-tag--purple app-summary-card__tag">Changed')
        self.assertContains(findings, 'govuk-tag--orange app-summary-card__tag">Unchanged')

    def test_resolve_from_the_findings_tab_and_come_back_to_it(self):
        url = reverse("review:finding-conclude", args=[self.case.pk, self.licence.pk])
        response = self.client.post(url, {"outcome": "resolved"})
        self.assertRedirects(response, reverse("review:case-findings", args=[self.case.pk]))
        self.assertEqual(self.fresh(self.licence).status, FindingStatus.RESOLVED)
        again = self.client.post(url, {"outcome": "resolved"})
        self.assertEqual(again.status_code, 200)
        self.assertContains(again, "This finding is already Resolved")
        bogus = self.client.post(url, {"outcome": "deleted"})
        self.assertContains(bogus, "Choose whether the finding is resolved or carried forward")

    # The findings tab: the session, the user, their authenticator and groups (4); the case;
    # the filing; the counts of flags, findings and unsent findings; the staff; the latest
    # snapshot; the findings with who raised, answered and concluded them; unread messages.
    FINDINGS_QUERIES = 13

    def test_the_findings_tab_runs_the_same_queries_for_2_findings_as_for_20(self):
        for extra in (0, 18):
            for _ in range(extra):
                finding_add(actor=self.olivia, case=self.case, field="signatory_role", message="x")
            with self.subTest(findings=2 + extra), self.assertNumQueries(self.FINDINGS_QUERIES):
                self.assertEqual(self.tab("case-findings").status_code, 200)
