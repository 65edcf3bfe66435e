"""The provider's ownership statement journeys through the web, and what they refuse."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from registry.audit.models import AuditEvent
from registry.filings.models import FilingSnapshot
from registry.filings.validation import MESSAGES as FILING_MESSAGES
from registry.providers import services
from registry.providers.models import InvestmentLink, OwnershipStatement
from registry.providers.validation import MESSAGES
from registry.providers.views import NOT_WITHDRAWABLE
from tests.base import PersonaTestCase
from tests.factories import raise_finding

# What a service takes for one investor; tests override what they assert on.
LINK = {
    "investor_name": "Northwind Capital LLP",
    "investor_kind": "fund",
    "country": "US",
    "registration_number": "",
    "share_percent": Decimal("30"),
    "votes_percent": Decimal("30"),
    "board_appointment": False,
    "significant_influence": False,
    "state_affiliation": "none",
    "acquired_on": None,
    "ceased_on": None,
    "nsi_notified": False,
    "nsi_reference": "",
}

# What a person types into the investor form.
FORM = {
    "investor_name": "Northwind Capital LLP",
    "investor_kind": "fund",
    "country": "US",
    "registration_number": "LP001234",
    "share_percent": "30",
    "votes_percent": "12.5",
    "board_appointment": "on",
    "state_affiliation": "none",
    "acquired_on_day": "1",
    "acquired_on_month": "3",
    "acquired_on_year": "2021",
    "ceased_on_day": "",
    "ceased_on_month": "",
    "ceased_on_year": "",
    "nsi_reference": "",
}


def draft_statement(provider, actor, links=(LINK,), *, amend=False) -> OwnershipStatement:
    """Start a statement and add these investors, through the services."""
    statement = services.ownership_start(actor=actor, provider=provider, amend=amend)
    for values in links:
        services.link_save(actor=actor, statement=statement, values=values)
    statement.refresh_from_db()
    return statement


def sign(statement: OwnershipStatement, actor) -> OwnershipStatement:
    statement.refresh_from_db()
    return services.ownership_sign(
        actor=actor,
        statement=statement,
        name=actor.full_name,
        role="Director",
        expected_lock_version=statement.lock_version,
    )


def submitted_statement(case, links=(LINK,)) -> OwnershipStatement:
    """Acme's next statement, filled in by Alice, signed and submitted."""
    statement = sign(draft_statement(case.acme, case.alice, links), case.alice)
    return services.ownership_transition(actor=case.alice, statement=statement, action="submit")


def accepted_statement(case, links=(LINK,)) -> OwnershipStatement:
    """Acme's next statement, submitted, reviewed by Olivia and accepted by Diana."""
    statement = submitted_statement(case, links)
    services.ownership_transition(actor=case.olivia, statement=statement, action="start_review")
    return services.ownership_transition(
        actor=case.diana, statement=statement, action="accept", reason="Complete and consistent"
    )


def withdrawn_statement(case) -> OwnershipStatement:
    statement = accepted_statement(case)
    return services.ownership_transition(
        actor=case.alice, statement=statement, action="withdraw", reason="Sold to a new owner"
    )


def changes_requested_statement(case) -> OwnershipStatement:
    statement = submitted_statement(case)
    services.ownership_transition(actor=case.olivia, statement=statement, action="start_review")
    raise_finding(statement, case.olivia)
    return services.ownership_transition(
        actor=case.olivia,
        statement=statement,
        action="request_changes",
        reason="Give the exact votes held by Northwind",
    )


LINK_PAGES = {"providers:ownership-link-edit", "providers:ownership-link-remove"}


def url(name: str, pk: int) -> str:
    """The page of a statement, or of a link for the pages that take one."""
    return reverse(name, kwargs={"link_id" if name in LINK_PAGES else "statement_id": pk})


# The statement of truth, signed on check your answers as the statement is submitted.
SIGNED = {"signatory_role": "Head of Compliance", "confirm": "on"}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


class JourneyTests(PersonaTestCase):
    def test_start_add_sign_check_submit_and_read(self):
        self.sign_in(self.bob)
        overview = self.client.get(reverse("providers:ownership"))
        self.assertContains(overview, "Start your ownership statement")

        response = self.client.post(reverse("providers:ownership-start"), {"start": "blank"})
        statement = OwnershipStatement.objects.get(provider=self.acme)
        self.assertRedirects(response, url("providers:ownership-statement", statement.pk))
        self.assertEqual((statement.version, statement.status), (1, "draft"))
        task_list = self.client.get(url("providers:ownership-statement", statement.pk))
        self.assertContains(task_list, "Not yet started", count=1)
        self.assertContains(task_list, "Cannot start yet")

        response = self.client.post(url("providers:ownership-link-add", statement.pk), FORM)
        self.assertRedirects(response, url("providers:ownership-links", statement.pk))
        link = statement.links.get()
        self.assertEqual(link.share_percent, Decimal("30"))
        self.assertEqual(link.votes_percent, Decimal("12.5"))
        self.assertEqual(link.acquired_on, date(2021, 3, 1))
        self.assertIs(link.board_appointment, True)
        links_page = self.client.get(url("providers:ownership-links", statement.pk))
        self.assertContains(links_page, "Northwind Capital LLP")
        self.assertContains(links_page, "United States")
        self.assertContains(links_page, "More than 25% to 50%")
        self.assertContains(links_page, "Exact: 12.5%")

        check = self.client.get(url("providers:ownership-check", statement.pk))
        self.assertContains(check, "Check your answers")
        self.assertContains(check, "You are signing as <strong>Bob Submitter</strong>")
        self.assertContains(check, url("providers:ownership-link-edit", link.pk))

        statement.refresh_from_db()
        response = self.client.post(
            url("providers:ownership-check", statement.pk),
            SIGNED | {"lock_version": statement.lock_version},
        )
        self.assertRedirects(response, url("providers:ownership-submitted", statement.pk))
        statement.refresh_from_db()
        self.assertEqual(
            (statement.signatory_name, statement.signatory_role),
            ("Bob Submitter", "Head of Compliance"),
        )
        confirmation = self.client.get(url("providers:ownership-submitted", statement.pk))
        self.assertContains(confirmation, "govuk-panel--confirmation")
        self.assertContains(confirmation, statement.reference)

        snapshot = FilingSnapshot.objects.get(filing_kind="ownership", filing_id=statement.pk)
        read = self.client.get(url("providers:ownership-statement", statement.pk))
        self.assertContains(read, snapshot.sha256)
        self.assertContains(read, "Submitted")
        self.assertNotContains(read, "govuk-task-list")
        statement.refresh_from_db()
        self.assertEqual(statement.status, "submitted")

    def test_the_task_list_counts_investors_and_can_check_and_submit(self):
        statement = draft_statement(self.acme, self.alice)  # signed as it is submitted
        self.sign_in(self.alice)
        response = self.client.get(url("providers:ownership-statement", statement.pk))
        self.assertContains(response, "1 investor<")
        self.assertContains(response, "Completed", count=1)
        self.assertContains(response, url("providers:ownership-check", statement.pk))
        self.assertNotContains(response, "to do before you can submit")

    def test_amending_copies_the_accepted_investors(self):
        accepted = accepted_statement(
            self,
            links=[
                LINK,
                LINK
                | {
                    "investor_name": "Jane Founder",
                    "investor_kind": "individual",
                    "country": "GB",
                    "share_percent": Decimal("51"),
                },
            ],
        )
        self.sign_in(self.alice)
        question = self.client.get(reverse("providers:ownership-start"))
        self.assertContains(question, f"Amend version {accepted.version}")
        response = self.client.post(reverse("providers:ownership-start"), {"start": "amend"})
        amendment = OwnershipStatement.objects.get(provider=self.acme, status="draft")
        self.assertRedirects(response, url("providers:ownership-statement", amendment.pk))
        self.assertEqual(amendment.amends_id, accepted.pk)
        self.assertEqual(amendment.version, accepted.version + 1)
        self.assertEqual(
            list(amendment.links.values_list("investor_name", "share_percent")),
            [("Northwind Capital LLP", Decimal("30")), ("Jane Founder", Decimal("51"))],
        )
        self.assertEqual(accepted.links.count(), 2)

    def test_starting_blank_after_an_accepted_statement_copies_nothing(self):
        accepted_statement(self)
        self.sign_in(self.alice)
        self.client.post(reverse("providers:ownership-start"), {"start": "blank"})
        self.assertEqual(
            OwnershipStatement.objects.get(provider=self.acme, status="draft").links.count(), 0
        )

    def test_start_question_needs_an_answer(self):
        accepted_statement(self)
        self.sign_in(self.alice)
        response = self.client.post(reverse("providers:ownership-start"), {"start": "sideways"})
        self.assertContains(response, "Select how you want to start the statement")
        self.assertFalse(OwnershipStatement.objects.filter(status="draft").exists())

    def test_a_second_statement_is_not_started_while_one_is_open(self):
        draft = draft_statement(self.acme, self.alice)
        self.sign_in(self.bob)
        response = self.client.post(reverse("providers:ownership-start"), {"start": "blank"})
        self.assertContains(response, "A statement is already in progress")
        self.assertContains(response, url("providers:ownership-statement", draft.pk))
        self.assertEqual(OwnershipStatement.objects.filter(provider=self.acme).count(), 1)

    def test_the_ownership_page_summarises_accepted_in_progress_and_past(self):
        withdrawn = withdrawn_statement(self)
        accepted = accepted_statement(
            self, links=[LINK | {"state_affiliation": "state_owned", "country": "CN"}]
        )
        draft = draft_statement(self.acme, self.bob)
        self.sign_in(self.victor)
        response = self.client.get(reverse("providers:ownership"))
        self.assertContains(response, "China")
        self.assertContains(response, "State-owned")
        self.assertContains(response, "More than 25% to 50%")
        self.assertContains(response, accepted.reference)
        self.assertContains(response, url("providers:ownership-statement", draft.pk))
        self.assertContains(response, withdrawn.reference)
        self.assertContains(response, "Withdrawn")
        # A viewer can read but not start anything.
        self.assertNotContains(response, reverse("providers:ownership-start"))

    def test_organisation_page_links_to_the_ownership_statements(self):
        self.sign_in(self.victor)
        response = self.client.get(reverse("providers:organisation"))
        self.assertContains(response, reverse("providers:ownership"))


class LinkEditingTests(PersonaTestCase):
    def setUp(self):
        self.statement = draft_statement(self.acme, self.alice)
        self.link = self.statement.links.get()
        self.sign_in(self.alice)

    def test_change_an_investor(self):
        response = self.client.get(url("providers:ownership-link-edit", self.link.pk))
        self.assertContains(response, 'value="Northwind Capital LLP"')
        self.assertContains(response, 'name="share_percent" value="30"')
        self.assertContains(response, 'name="lock_version" value="1"')
        response = self.client.post(
            url("providers:ownership-link-edit", self.link.pk),
            FORM | {"investor_name": "Northwind Holdings", "lock_version": "1"},
        )
        self.assertRedirects(response, url("providers:ownership-links", self.statement.pk))
        self.link.refresh_from_db()
        self.assertEqual(self.link.investor_name, "Northwind Holdings")
        self.assertEqual(self.link.lock_version, 2)

    def test_remove_an_investor_after_asking(self):
        page = self.client.get(url("providers:ownership-link-remove", self.link.pk))
        self.assertContains(page, "Remove Northwind Capital LLP from the statement?")
        self.assertTrue(InvestmentLink.objects.filter(pk=self.link.pk).exists())
        response = self.client.post(url("providers:ownership-link-remove", self.link.pk))
        self.assertRedirects(response, url("providers:ownership-links", self.statement.pk))
        self.assertFalse(InvestmentLink.objects.filter(pk=self.link.pk).exists())

    def test_a_change_voids_the_signature(self):
        sign(self.statement, self.alice)
        self.client.post(
            url("providers:ownership-link-edit", self.link.pk), FORM | {"lock_version": "1"}
        )
        self.statement.refresh_from_db()
        self.assertIsNone(self.statement.signed_at)

    def test_a_stale_save_is_refused_and_keeps_what_was_typed(self):
        # Bob saves first, from a form he opened at the same time as Alice.
        services.link_save(
            actor=self.bob,
            statement=self.statement,
            values={"investor_name": "Bob's spelling"},
            link=self.link,
            expected_lock_version=1,
        )
        response = self.client.post(
            url("providers:ownership-link-edit", self.link.pk),
            FORM | {"investor_name": "Alice's spelling", "lock_version": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else changed this since you opened it")
        self.assertContains(response, 'value="Alice&#x27;s spelling"')
        self.assertContains(response, "The latest saved version")
        self.assertContains(response, "Bob&#x27;s spelling")
        self.assertContains(response, 'name="lock_version" value="2"')
        self.link.refresh_from_db()
        self.assertEqual(self.link.investor_name, "Bob's spelling")
        # Saving again, now knowingly against Bob's version, goes through.
        response = self.client.post(
            url("providers:ownership-link-edit", self.link.pk),
            FORM | {"investor_name": "Alice's spelling", "lock_version": "2"},
        )
        self.assertEqual(response.status_code, 302)
        self.link.refresh_from_db()
        self.assertEqual(self.link.investor_name, "Alice's spelling")

    def test_a_save_without_the_version_it_was_opened_on_is_refused(self):
        response = self.client.post(url("providers:ownership-link-edit", self.link.pk), FORM)
        self.assertContains(response, "Someone else changed this since you opened it")
        self.link.refresh_from_db()
        self.assertEqual(self.link.votes_percent, Decimal("30"))

    def test_a_stale_signature_is_refused(self):
        statement_version = self.statement.lock_version
        services.link_save(actor=self.bob, statement=self.statement, values=LINK)
        check = url("providers:ownership-check", self.statement.pk)
        response = self.client.post(
            check, {"signatory_role": "CEO", "confirm": "on", "lock_version": statement_version}
        )
        self.assertRedirects(response, check, fetch_redirect_response=False)
        response = self.client.get(check)
        self.assertContains(response, "Someone else changed this since you opened it")
        self.assertContains(response, 'value="CEO"')
        self.statement.refresh_from_db()
        self.assertIsNone(self.statement.signed_at)


class BadInputTests(PersonaTestCase):
    def setUp(self):
        self.statement = draft_statement(self.acme, self.alice, links=())
        self.sign_in(self.bob)

    def test_each_bad_answer_is_named_and_nothing_is_saved(self):
        tomorrow = timezone.localdate() + timedelta(days=1)
        future = {
            "acquired_on_day": str(tomorrow.day),
            "acquired_on_month": str(tomorrow.month),
            "acquired_on_year": str(tomorrow.year),
        }
        ceased_first = {"ceased_on_day": "1", "ceased_on_month": "1", "ceased_on_year": "2020"}
        cases = {
            "unknown kind": ({"investor_kind": "hedge"}, MESSAGES["investor_kind_invalid"]),
            "no kind": ({"investor_kind": ""}, MESSAGES["investor_kind_invalid"]),
            "unknown country": ({"country": "XX"}, MESSAGES["investor_country_invalid"]),
            "negative shares": ({"share_percent": "-1"}, "shares held must be 0% or more"),
            "shares over 100": ({"share_percent": "101"}, "shares held must be 100% or less"),
            "shares not a number": ({"share_percent": "abc"}, "must be a number, like 12.5"),
            "votes not a number": ({"votes_percent": "abc"}, "votes held must be a number"),
            "too many decimals": ({"votes_percent": "12.3456"}, "no more than 3 decimal places"),
            "no exact share": ({"share_percent": ""}, MESSAGES["share_percent_required"]),
            "no exact votes": ({"votes_percent": ""}, MESSAGES["votes_percent_required"]),
            "no name": ({"investor_name": "  "}, MESSAGES["investor_name_required"]),
            "name too long": ({"investor_name": "x" * 301}, "300 characters or fewer"),
            "unknown affiliation": ({"state_affiliation": "alien"}, "state affiliation"),
            "ceased before acquired": (ceased_first, MESSAGES["link_dates_order"]),
            "acquired in the future": (future, "The date acquired must be today or in the past"),
            "not a real date": (
                {"acquired_on_day": "31", "acquired_on_month": "2"},
                "must be a real date",
            ),
            "NSI without reference": ({"nsi_notified": "on"}, "Security and Investment Act notice"),
        }
        for name, (overrides, message) in cases.items():
            with self.subTest(name):
                response = self.client.post(
                    url("providers:ownership-link-add", self.statement.pk), FORM | overrides
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "There is a problem")
                self.assertContains(response, escape(message))
                # What was typed is still there to correct.
                self.assertContains(response, 'value="LP001234"')
        self.assertEqual(self.statement.links.count(), 0)

    def test_every_problem_shows_at_once(self):
        response = self.client.post(
            url("providers:ownership-link-add", self.statement.pk),
            FORM
            | {"share_percent": "abc", "nsi_notified": "on"}
            | {"ceased_on_day": "1", "ceased_on_month": "1", "ceased_on_year": "2099"},
        )
        self.assertEqual(
            {field: list(errors) for field, errors in response.context["form"].errors.items()},
            {
                "share_percent": ["Percentage of shares held must be a number, like 12.5"],
                "ceased_on": ["The date the holding ended must be today or in the past"],
                "nsi_reference": [MESSAGES["nsi_reference_required"]],
            },
        )

    def test_shares_over_100_are_in_the_checklist_and_block_submission(self):
        for name, share in (("First Fund", "60"), ("Second Fund", "50")):
            services.link_save(
                actor=self.alice,
                statement=self.statement,
                values=LINK | {"investor_name": name, "share_percent": Decimal(share)},
            )
        statement = sign(self.statement, self.alice)
        task_list = self.client.get(url("providers:ownership-statement", statement.pk))
        self.assertContains(task_list, "1 thing to do before you can submit")
        self.assertContains(task_list, escape(MESSAGES["shares_over_100"]))
        self.assertEqual(
            task_list.context["checklist"],
            [
                {
                    "message": MESSAGES["shares_over_100"],
                    "url": url("providers:ownership-links", statement.pk),
                }
            ],
        )
        self.assertContains(task_list, "Cannot start yet")
        links_page = self.client.get(url("providers:ownership-links", statement.pk))
        self.assertContains(links_page, escape(MESSAGES["shares_over_100"]))
        self.assertContains(links_page, "110% of shares")
        check = self.client.get(url("providers:ownership-check", statement.pk))
        self.assertContains(check, escape(MESSAGES["shares_over_100"]))
        self.assertNotContains(check, ">Sign and submit</button>")
        response = self.client.post(
            url("providers:ownership-check", statement.pk),
            SIGNED | {"lock_version": statement.lock_version},
        )
        self.assertRedirects(response, url("providers:ownership-check", statement.pk))
        statement.refresh_from_db()
        self.assertEqual(statement.status, "draft")
        self.assertFalse(FilingSnapshot.objects.filter(filing_id=statement.pk).exists())

    def test_checklist_links_each_problem_to_the_field_that_fixes_it(self):
        # Saved without the checks a form makes (as an older version copied by amendment may be).
        link = InvestmentLink.objects.create(
            statement=self.statement,
            investor_name="Old Investor",
            investor_kind="other",
            country="",
            votes_percent=Decimal("5"),
            acquired_on=timezone.localdate() + timedelta(days=3),
        )
        response = self.client.get(url("providers:ownership-statement", self.statement.pk))
        edit = url("providers:ownership-link-edit", link.pk)
        self.assertEqual(
            response.context["checklist"],
            [
                {
                    "message": f"Old Investor: {MESSAGES['investor_country_invalid']}",
                    "url": f"{edit}#id_country",
                },
                {
                    "message": f"Old Investor: {MESSAGES['share_percent_required']}",
                    "url": f"{edit}#id_share_percent",
                },
                {
                    "message": "Old Investor: The date acquired must be today or in the past",
                    "url": f"{edit}#id_acquired_on_day",
                },
            ],
        )
        self.assertContains(response, f'href="{edit}#id_share_percent"')
        # Things to do, not errors: nothing has been refused yet.
        self.assertContains(response, "3 things to do before you can submit")
        self.assertNotContains(response, "There is a problem")

    def test_sign_needs_role_and_confirmation(self):
        check = url("providers:ownership-check", self.statement.pk)
        response = self.client.post(check, {"signatory_role": "", "lock_version": 1}, follow=True)
        self.assertRedirects(response, check)
        self.assertContains(response, "Enter your role in the organisation")
        self.assertContains(response, "Confirm the statement of truth")
        self.statement.refresh_from_db()
        self.assertIsNone(self.statement.signed_at)


class ViewerTests(PersonaTestCase):
    def test_a_viewer_is_told_viewers_cannot_change_filings(self):
        draft = draft_statement(self.acme, self.alice, links=())
        self.sign_in(self.victor)
        for name in ("providers:ownership-link-add", "providers:ownership-sign"):
            with self.subTest(name):
                response = self.client.post(url(name, draft.pk), FORM)
                self.assertEqual(response.status_code, 403)
                self.assertContains(response, "Viewers cannot change filings", status_code=403)
        self.assertEqual(draft.links.count(), 0)
        draft.refresh_from_db()
        self.assertIsNone(draft.signed_at)
        # They still read it, without the task list.
        response = self.client.get(url("providers:ownership-statement", draft.pk))
        self.assertContains(response, "Only owners and submitters can change it")
        self.assertNotContains(response, "govuk-task-list")


class PermissionTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.submitted = submitted_statement(cls)
        cls.submitted_link = cls.submitted.links.get()

    def test_another_providers_statement_is_not_found(self):
        self.sign_in(self.charlie)
        for name, pk in (
            ("providers:ownership-statement", self.submitted.pk),
            ("providers:ownership-links", self.submitted.pk),
            ("providers:ownership-link-add", self.submitted.pk),
            ("providers:ownership-link-edit", self.submitted_link.pk),
            ("providers:ownership-withdraw", self.submitted.pk),
        ):
            with self.subTest(name):
                self.assertEqual(self.client.get(url(name, pk)).status_code, 404)
                self.assertEqual(self.client.post(url(name, pk), FORM).status_code, 404)
        self.assertEqual(self.submitted.links.count(), 1)

    def test_editing_a_submitted_statement_by_url_is_refused_and_changes_nothing(self):
        self.sign_in(self.bob)
        statement_page = url("providers:ownership-statement", self.submitted.pk)
        attempts = [
            ("providers:ownership-link-add", self.submitted.pk, FORM),
            ("providers:ownership-link-edit", self.submitted_link.pk, FORM | {"lock_version": 1}),
            ("providers:ownership-link-remove", self.submitted_link.pk, {}),
            ("providers:ownership-sign", self.submitted.pk, {"signatory_name": "X"}),
            ("providers:ownership-check", self.submitted.pk, {"lock_version": 99}),
            ("providers:ownership-discard", self.submitted.pk, {}),
        ]
        for name, pk, data in attempts:
            with self.subTest(name):
                self.assertRedirects(self.client.get(url(name, pk)), statement_page)
                response = self.client.post(url(name, pk), data, follow=True)
                self.assertRedirects(response, statement_page)
                self.assertIn(FILING_MESSAGES["not_editable"], messages_of(response))
        self.submitted.refresh_from_db()
        self.assertEqual(self.submitted.status, "submitted")
        self.assertEqual(
            list(self.submitted.links.values_list("investor_name", flat=True)),
            ["Northwind Capital LLP"],
        )
        self.assertEqual(FilingSnapshot.objects.filter(filing_id=self.submitted.pk).count(), 1)


class SubmissionTests(PersonaTestCase):
    def test_a_double_click_submits_once(self):
        statement = draft_statement(self.acme, self.alice)
        self.sign_in(self.alice)
        data = SIGNED | {"lock_version": statement.lock_version}
        first = self.client.post(url("providers:ownership-check", statement.pk), data)
        second = self.client.post(url("providers:ownership-check", statement.pk), data, follow=True)
        self.assertRedirects(first, url("providers:ownership-submitted", statement.pk))
        self.assertRedirects(second, url("providers:ownership-statement", statement.pk))
        self.assertIn(FILING_MESSAGES["not_editable"], messages_of(second))
        self.assertEqual(
            FilingSnapshot.objects.filter(filing_kind="ownership", filing_id=statement.pk).count(),
            1,
        )
        self.assertEqual(
            AuditEvent.objects.filter(
                action="ownership.submit", target_id=str(statement.pk)
            ).count(),
            1,
        )

    def test_a_submission_overtaken_by_an_edit_is_refused(self):
        statement = sign(draft_statement(self.acme, self.alice), self.alice)
        opened_on = statement.lock_version
        sign(statement, self.bob)
        self.sign_in(self.alice)
        response = self.client.post(
            url("providers:ownership-check", statement.pk),
            SIGNED | {"lock_version": opened_on},
            follow=True,
        )
        self.assertContains(response, escape(FILING_MESSAGES["stale_edit"]))
        statement.refresh_from_db()
        self.assertEqual(statement.status, "draft")

    def test_the_confirmation_of_a_draft_leads_back_to_it(self):
        statement = draft_statement(self.acme, self.alice)
        self.sign_in(self.alice)
        response = self.client.get(url("providers:ownership-submitted", statement.pk))
        self.assertRedirects(response, url("providers:ownership-statement", statement.pk))

    def test_changes_requested_shows_the_reason_and_resubmits(self):
        statement = changes_requested_statement(self)
        self.sign_in(self.bob)
        task_list = self.client.get(url("providers:ownership-statement", statement.pk))
        self.assertContains(task_list, "The regulator asked for changes")
        self.assertContains(task_list, "Give the exact votes held by Northwind")
        self.assertContains(task_list, "by the regulator")
        self.assertNotContains(task_list, "Delete this draft")
        link = statement.links.get()
        self.client.post(
            url("providers:ownership-link-edit", link.pk),
            FORM | {"votes_percent": "27.25", "lock_version": link.lock_version},
        )
        statement.refresh_from_db()
        response = self.client.post(
            url("providers:ownership-check", statement.pk),
            SIGNED | {"lock_version": statement.lock_version},
        )
        self.assertRedirects(response, url("providers:ownership-submitted", statement.pk))
        snapshots = FilingSnapshot.objects.filter(filing_kind="ownership", filing_id=statement.pk)
        self.assertEqual(list(snapshots.values_list("submission", flat=True)), [1, 2])
        read = self.client.get(url("providers:ownership-statement", statement.pk))
        self.assertContains(read, snapshots.get(submission=2).sha256)
        self.assertNotContains(read, snapshots.get(submission=1).sha256)

    def test_a_submitted_draft_cannot_be_deleted(self):
        statement = changes_requested_statement(self)
        self.sign_in(self.alice)
        response = self.client.post(url("providers:ownership-discard", statement.pk), follow=True)
        self.assertIn(FILING_MESSAGES["not_discardable"], messages_of(response))
        self.assertTrue(OwnershipStatement.objects.filter(pk=statement.pk).exists())

    def test_delete_a_draft_never_submitted(self):
        statement = draft_statement(self.acme, self.alice)
        self.sign_in(self.bob)
        page = self.client.get(url("providers:ownership-discard", statement.pk))
        self.assertContains(page, f"Delete draft ownership statement version {statement.version}?")
        response = self.client.post(url("providers:ownership-discard", statement.pk))
        self.assertRedirects(response, reverse("providers:ownership"))
        self.assertFalse(OwnershipStatement.objects.filter(pk=statement.pk).exists())
        self.assertFalse(InvestmentLink.objects.filter(statement_id=statement.pk).exists())


class WithdrawalTests(PersonaTestCase):
    def test_withdraw_an_accepted_statement_with_a_reason(self):
        statement = accepted_statement(self)
        self.sign_in(self.alice)
        read = self.client.get(url("providers:ownership-statement", statement.pk))
        self.assertContains(read, url("providers:ownership-withdraw", statement.pk))
        self.assertContains(read, "Complete and consistent")
        response = self.client.post(
            url("providers:ownership-withdraw", statement.pk), {"reason": "Investor bought out"}
        )
        self.assertRedirects(response, url("providers:ownership-withdrawn", statement.pk))
        confirmation = self.client.get(url("providers:ownership-withdrawn", statement.pk))
        self.assertContains(confirmation, "Ownership statement withdrawn")
        self.assertContains(confirmation, statement.reference)
        statement.refresh_from_db()
        self.assertEqual(
            (statement.status, statement.withdrawal_reason), ("withdrawn", "Investor bought out")
        )

    def test_withdrawal_needs_a_reason(self):
        statement = accepted_statement(self)
        self.sign_in(self.alice)
        response = self.client.post(
            url("providers:ownership-withdraw", statement.pk), {"reason": "  "}
        )
        self.assertContains(response, "Give the reason for withdrawing")
        statement.refresh_from_db()
        self.assertEqual(statement.status, "accepted")

    def test_only_an_accepted_statement_can_be_withdrawn(self):
        statement = submitted_statement(self)
        self.sign_in(self.alice)
        response = self.client.post(
            url("providers:ownership-withdraw", statement.pk),
            {"reason": "Changed mind"},
            follow=True,
        )
        self.assertRedirects(response, url("providers:ownership-statement", statement.pk))
        self.assertIn(NOT_WITHDRAWABLE, messages_of(response))
        statement.refresh_from_db()
        self.assertEqual(statement.status, "submitted")

    def test_a_viewer_cannot_withdraw(self):
        statement = accepted_statement(self)
        self.sign_in(self.victor)
        response = self.client.post(
            url("providers:ownership-withdraw", statement.pk), {"reason": "No"}
        )
        self.assertEqual(response.status_code, 403)
        statement.refresh_from_db()
        self.assertEqual(statement.status, "accepted")


class QueryCountTests(PersonaTestCase):
    def statement_with(self, count: int) -> OwnershipStatement:
        statement = draft_statement(self.acme, self.alice, links=())
        InvestmentLink.objects.bulk_create(
            InvestmentLink(
                statement=statement,
                investor_name=f"Investor {n}",
                investor_kind="individual",
                country="GB",
                share_percent=Decimal("0.4"),
                votes_percent=Decimal("0.4"),
            )
            for n in range(count)
        )
        return statement

    def queries(self, path: str) -> int:
        self.client.get(path)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_the_task_list_runs_the_same_queries_for_5_and_200_investors(self):
        self.sign_in(self.alice)
        small, large = self.statement_with(5), None
        small_count = self.queries(url("providers:ownership-statement", small.pk))
        services.ownership_discard(actor=self.alice, statement=small)
        large = self.statement_with(200)
        path = url("providers:ownership-statement", large.pk)
        self.assertEqual(self.queries(path), small_count)
        # 1 session, 2 user, 3 membership, 4 statement and provider, 5 history, 6 investors,
        # 7 the navigation's regulator groups, 8 its count of unread messages
        with self.assertNumQueries(8):
            response = self.client.get(path)
        self.assertContains(response, "200 investors")

    def test_the_investor_list_runs_the_same_queries_for_5_and_200_investors(self):
        self.sign_in(self.alice)
        small = self.statement_with(5)
        small_count = self.queries(url("providers:ownership-links", small.pk))
        services.ownership_discard(actor=self.alice, statement=small)
        large = self.statement_with(200)
        path = url("providers:ownership-links", large.pk)
        self.assertEqual(self.queries(path), small_count)
        # 1 session, 2 user, 3 membership, 4 statement and provider, 5 count, 6 every holding
        # for the totals, 7 the page of investors, 8 the navigation's regulator groups, 9 its
        # count of unread messages
        with self.assertNumQueries(9):
            response = self.client.get(path)
        self.assertContains(response, "Page 1 of 2")
        self.assertContains(response, "80% of shares")

    def test_check_your_answers_runs_the_same_queries_for_5_and_200_investors(self):
        self.sign_in(self.alice)
        small = self.statement_with(5)
        small_count = self.queries(url("providers:ownership-check", small.pk))
        services.ownership_discard(actor=self.alice, statement=small)
        large = self.statement_with(200)
        path = url("providers:ownership-check", large.pk)
        self.assertEqual(self.queries(path), small_count)
        # 1 session, 2 user, 3 membership, 4 statement and provider, 5 investors for the
        # checklist, 6 investors for the summary, 7 the navigation's regulator groups, 8 its
        # count of unread messages
        with self.assertNumQueries(8):
            response = self.client.get(path)
        self.assertContains(response, 'class="govuk-summary-card__title"', count=200)


class AdminTests(PersonaTestCase):
    def test_a_submitted_statement_is_read_only_in_the_admin(self):
        statement = submitted_statement(self)
        self.sign_in(self.ada)
        changelist = self.client.get(reverse("admin:providers_ownershipstatement_changelist"))
        self.assertContains(changelist, statement.reference)
        page = self.client.get(
            reverse("admin:providers_ownershipstatement_change", args=[statement.pk])
        )
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')
        link_page = self.client.get(
            reverse("admin:providers_investmentlink_change", args=[statement.links.get().pk])
        )
        self.assertNotContains(link_page, 'name="_save"')
        self.assertEqual(
            self.client.get(reverse("admin:providers_ownershipstatement_add")).status_code, 403
        )

    def test_a_draft_investor_can_be_corrected_in_the_admin(self):
        statement = draft_statement(self.acme, self.alice)
        self.sign_in(self.ada)
        page = self.client.get(
            reverse("admin:providers_investmentlink_change", args=[statement.links.get().pk])
        )
        self.assertContains(page, 'name="_save"')
