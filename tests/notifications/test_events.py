"""The messages a filing's moves send to the people who file for its provider.

Submitting, asking for changes, accepting, rejecting and withdrawing each write one message per
owner and submitter of the provider, in the transaction of the move, for both kinds of filing.
Nobody else hears of it, and nothing the regulator keeps to itself is ever in it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail

from registry.declarations.models import DataSource, ProvenanceDeclaration
from registry.declarations.services import DECLARATION
from registry.filings.models import Filing, FilingKind
from registry.filings.services import filing_transition
from registry.lib.problems import ProblemsError
from registry.notifications.events import transition_notify
from registry.notifications.models import Kind, Notification
from registry.providers.services import OWNERSHIP
from registry.review.models import Case, NoteKind
from registry.review.services import confidentiality_rule, note_add
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    MembershipFactory,
    UserFactory,
    complete_declaration,
    complete_ownership_statement,
    ownership_in_force,
    raise_finding,
)
from tests.labels import accept_ownership, publish

LONDON = ZoneInfo("Europe/London")
FILERS = ["alice@acme.example", "bob@acme.example"]


def at(year: int, month: int, day: int):
    """Patch the clock to noon, London time, on that day."""
    moment = datetime(year, month, day, 12, tzinfo=LONDON)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def move(filing: Filing, action: str, actor, reason: str = "") -> None:
    """Take the filing through one transition, by the path both kinds share."""
    spec = DECLARATION if filing.kind == FilingKind.DECLARATION else OWNERSHIP
    filing_transition(spec=spec, filing_id=filing.pk, action=action, actor=actor, reason=reason)


def messages(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("email", "id"))


def bodies(message: Notification) -> tuple[str, str]:
    return message.body_text, message.body_html


class EventTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ownership_in_force(cls.acme)  # so that its declarations can be accepted

    def declaration(self, name: str = "Acme Chat") -> ProvenanceDeclaration:
        return complete_declaration(model=AIModelFactory(provider=self.acme, name=name))

    def statement(self):
        return complete_ownership_statement(provider=self.acme)

    def under_review(self, filing: Filing) -> None:
        move(filing, "submit", self.bob)
        move(filing, "start_review", self.olivia)

    def changes_requested(self, filing: Filing, reason: str = "Please answer the findings"):
        self.under_review(filing)
        raise_finding(filing, self.olivia, field="signatory_name", message="Sign as a director")
        move(filing, "request_changes", self.olivia, reason)

    def assertOnlyFilersHeard(self, kind: str) -> Notification:
        """One message of `kind` each to alice and bob; alice's is returned."""
        found = messages(kind)
        self.assertEqual([message.email for message in found], FILERS)
        self.assertEqual([message.recipient for message in found], [self.alice, self.bob])
        return found[0]


class FilingReceivedTests(EventTestCase):
    def test_a_submitted_declaration_is_acknowledged_with_the_date_its_review_is_due(self):
        declaration = self.declaration()
        with at(2026, 3, 2):
            move(declaration, "submit", self.bob)
        message = self.assertOnlyFilersHeard(Kind.FILING_RECEIVED)
        self.assertEqual(
            message.subject, "We have received your provenance declaration for Acme Chat 1.0"
        )
        self.assertEqual(message.link, f"/declarations/{declaration.pk}/")
        for body in bodies(message):
            self.assertIn("finish reviewing it by 30 March 2026", body)  # 28 days on
            self.assertIn(declaration.reference, body)
            self.assertIn("submitted by Bob Submitter on 2 March 2026", body)
            self.assertIn(f"{settings.SITE_URL}/declarations/{declaration.pk}/", body)

    def test_a_submitted_ownership_statement_is_acknowledged_with_its_own_page(self):
        statement = self.statement()
        with at(2026, 3, 2):
            move(statement, "submit", self.alice)
        message = self.assertOnlyFilersHeard(Kind.FILING_RECEIVED)
        self.assertEqual(message.subject, "We have received your ownership statement for Acme AI")
        self.assertEqual(message.link, f"/ownership/{statement.pk}/")
        for body in bodies(message):
            self.assertIn("finish reviewing it by 30 March 2026", body)
            self.assertIn("submitted by Alice Owner", body)
            self.assertIn(statement.reference, body)


class ChangesRequestedTests(EventTestCase):
    def test_the_findings_sent_are_listed_with_the_questions_they_are_about(self):
        declaration = self.declaration()
        self.under_review(declaration)
        raise_finding(declaration, self.olivia, "sources.1.licence", "Name the licence")
        raise_finding(declaration, self.olivia, "signatory_name", "Sign as a director")
        move(declaration, "request_changes", self.olivia, "Two points to answer")
        message = self.assertOnlyFilersHeard(Kind.CHANGES_REQUESTED)
        self.assertEqual(
            message.subject, "Changes requested to your provenance declaration for Acme Chat 1.0"
        )
        self.assertEqual(message.link, f"/declarations/{declaration.pk}/")
        for body in bodies(message):
            self.assertIn("Two points to answer", body)
            self.assertIn("Data source “Source 2”: Licence", body)
            self.assertIn("Name the licence", body)
            self.assertIn("Signatory name", body)
            self.assertIn("Sign as a director", body)
        self.assertIn("1. Data source “Source 2”: Licence\nName the licence\n", message.body_text)

    def test_an_ownership_statement_names_the_investor_a_finding_is_about(self):
        statement = self.statement()
        self.under_review(statement)
        raise_finding(statement, self.olivia, "links.0.share_percent", "Give the exact figure")
        move(statement, "request_changes", self.olivia, "One point")
        message = self.assertOnlyFilersHeard(Kind.CHANGES_REQUESTED)
        self.assertEqual(
            message.subject, "Changes requested to your ownership statement for Acme AI"
        )
        self.assertEqual(message.link, f"/ownership/{statement.pk}/")
        for body in bodies(message):
            self.assertIn("Investor 1 Ltd: Shares held", body)
            self.assertIn("Give the exact figure", body)
            self.assertIn("One point", body)

    def test_a_second_request_lists_only_its_own_findings(self):
        declaration = self.declaration()
        self.under_review(declaration)
        raise_finding(declaration, self.olivia, "signatory_name", "First round")
        move(declaration, "request_changes", self.olivia, "Round one")
        move(declaration, "submit", self.alice)
        move(declaration, "start_review", self.olivia)
        raise_finding(declaration, self.olivia, "signatory_role", "Second round")
        move(declaration, "request_changes", self.olivia, "Round two")
        first, second = (m for m in messages(Kind.CHANGES_REQUESTED) if m.recipient == self.bob)
        self.assertIn("First round", first.body_text)
        self.assertIn("Second round", second.body_text)
        self.assertNotIn("First round", second.body_text)
        self.assertNotIn("Round one", second.body_text)


class AcceptedTests(EventTestCase):
    def test_an_accepted_declaration_links_to_the_models_new_label(self):
        declaration = publish(self, self.declaration())
        number = declaration.model.registration_number
        message = self.assertOnlyFilersHeard(Kind.ACCEPTED)
        self.assertEqual(
            message.subject, "Your provenance declaration for Acme Chat 1.0 has been accepted"
        )
        self.assertEqual(message.link, f"/register/models/{number}/")
        self.assertIn(
            f"label is now published on the public register:\n\n{settings.SITE_URL}"
            f"/register/models/{number}/",
            message.body_text,
        )
        self.assertIn(f'href="{settings.SITE_URL}/register/models/{number}/"', message.body_html)
        self.assertIn(">View the label</a>", message.body_html)

    def test_an_accepted_ownership_statement_links_to_the_providers_public_page(self):
        accept_ownership(self, self.statement())
        message = self.assertOnlyFilersHeard(Kind.ACCEPTED)
        self.assertEqual(message.subject, "Your ownership statement for Acme AI has been accepted")
        page = f"/register/providers/{self.acme.registration_number}/"
        self.assertEqual(message.link, page)
        for body in bodies(message):
            self.assertIn(f"{settings.SITE_URL}{page}", body)


class RejectedTests(EventTestCase):
    def test_a_rejection_gives_the_regulators_reason_for_both_kinds(self):
        filings = {
            "provenance declaration for Acme Chat 1.0": self.declaration(),
            "ownership statement for Acme AI": self.statement(),
        }
        for title, filing in filings.items():
            with self.subTest(filing.kind):
                self.under_review(filing)
                move(filing, "reject", self.diana, f"The {filing.kind} does not add up")
                message = Notification.objects.get(
                    recipient=self.bob, subject=f"Your {title} has been rejected"
                )
                self.assertEqual(message.kind, Kind.REJECTED)
                for body in bodies(message):
                    self.assertIn(f"The {filing.kind} does not add up", body)
                    self.assertIn(filing.reference, body)
        self.assertEqual(len(messages(Kind.REJECTED)), 4)  # alice and bob, for each filing


class WithdrawnTests(EventTestCase):
    def test_a_withdrawal_says_who_withdrew_it_and_why(self):
        declaration = publish(self, self.declaration())
        with at(2026, 5, 4):
            move(declaration, "withdraw", self.alice, "The model is retired")
        message = self.assertOnlyFilersHeard(Kind.WITHDRAWN)
        self.assertEqual(
            message.subject, "Your provenance declaration for Acme Chat 1.0 has been withdrawn"
        )
        self.assertEqual(message.link, f"/declarations/{declaration.pk}/")
        for body in bodies(message):
            self.assertIn("withdrawn by Alice Owner on 4 May 2026", body)
            self.assertIn("The model is retired", body)

    def test_a_withdrawn_ownership_statement_links_to_its_page(self):
        statement = accept_ownership(self, self.statement())
        move(statement, "withdraw", self.bob, "Superseded by a restructuring")
        message = self.assertOnlyFilersHeard(Kind.WITHDRAWN)
        self.assertEqual(message.subject, "Your ownership statement for Acme AI has been withdrawn")
        self.assertEqual(message.link, f"/ownership/{statement.pk}/")
        self.assertIn("Superseded by a restructuring", message.body_text)


class RecipientTests(EventTestCase):
    def test_only_the_providers_owners_and_submitters_with_active_accounts_hear(self):
        MembershipFactory(
            user=UserFactory(email="gone@acme.example", is_active=False),
            provider=self.acme,
            role="submitter",
        )
        for filing in (self.declaration(), self.statement()):
            self.changes_requested(filing)
        heard = set(Notification.objects.values_list("email", flat=True))
        self.assertEqual(heard, set(FILERS))
        for person in (self.victor, self.charlie, self.nadia, self.olivia, self.diana, self.ada):
            with self.subTest(person.email):
                self.assertNotIn(person.email, heard)
        self.assertNotIn("gone@acme.example", heard)

    def test_each_move_a_provider_hears_of_writes_one_message_per_filer(self):
        first = publish(self, self.declaration())
        second = complete_declaration(model=first.model)
        self.changes_requested(second)
        move(second, "submit", self.alice)
        move(second, "start_review", self.olivia)
        move(second, "accept", self.diana, "Complete")  # supersedes the first: nothing said
        move(second, "withdraw", self.alice, "Retired")
        counts = Counter(Notification.objects.values_list("kind", "email"))
        for email in FILERS:
            with self.subTest(email):
                self.assertEqual(counts[(Kind.FILING_RECEIVED, email)], 3)
                self.assertEqual(counts[(Kind.CHANGES_REQUESTED, email)], 1)
                self.assertEqual(counts[(Kind.ACCEPTED, email)], 2)
                self.assertEqual(counts[(Kind.WITHDRAWN, email)], 1)
        self.assertEqual(sum(counts.values()), 14)

    def test_the_same_transition_told_again_writes_nothing_new(self):
        declaration = self.declaration()
        move(declaration, "submit", self.bob)
        case = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        declaration = ProvenanceDeclaration.objects.get(pk=declaration.pk)
        transition_notify(case=case, filing=declaration, action="submit")
        self.assertEqual(Notification.objects.count(), 2)

    def test_a_refused_move_tells_nobody(self):
        declaration = self.declaration()
        with self.assertRaises(ProblemsError):
            move(declaration, "submit", self.victor)  # a viewer may not submit
        self.assertIs(Notification.objects.exists(), False)

    def test_the_emails_leave_only_once_the_move_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            move(self.statement(), "submit", self.bob)
        self.assertEqual(mail.outbox, [])
        for callback in callbacks:
            callback()
        self.assertEqual(sorted(email.to[0] for email in mail.outbox), FILERS)
        self.assertEqual(
            {email.subject for email in mail.outbox},
            {"We have received your ownership statement for Acme AI"},
        )


class RegulatorMessageTests(EventTestCase):
    def test_a_message_to_the_provider_reaches_its_filers_and_an_internal_note_nobody(self):
        declaration = self.declaration()
        self.under_review(declaration)
        case = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        note_add(actor=self.olivia, case=case, kind=NoteKind.NOTE, body="Check the licences")
        self.assertEqual(messages(Kind.REGULATOR_MESSAGE), [])
        note_add(actor=self.olivia, case=case, kind=NoteKind.MESSAGE, body="Please call us <today>")
        message = self.assertOnlyFilersHeard(Kind.REGULATOR_MESSAGE)
        self.assertEqual(
            message.subject,
            "A message from the regulator about your provenance declaration for Acme Chat 1.0",
        )
        self.assertEqual(message.link, f"/declarations/{declaration.pk}/")
        self.assertIn("Please call us <today>", message.body_text)
        self.assertIn("Please call us &lt;today&gt;", message.body_html)
        for body in bodies(message):
            self.assertIn(declaration.reference, body)
            self.assertNotIn("Olivia", body)  # the regulator writes as the regulator

    def test_a_message_about_an_ownership_statement_links_to_the_statement(self):
        statement = self.statement()
        self.under_review(statement)
        case = Case.objects.get(filing_kind="ownership", filing_id=statement.pk)
        note_add(actor=self.olivia, case=case, kind=NoteKind.MESSAGE, body="One question")
        message = self.assertOnlyFilersHeard(Kind.REGULATOR_MESSAGE)
        self.assertEqual(message.link, f"/ownership/{statement.pk}/")
        self.assertIn("ownership statement for Acme AI", message.subject)


class RegulatorOnlyContentTests(EventTestCase):
    SENTINELS = ("SENTINEL-NOTE", "SENTINEL-UNSENT", "SENTINEL-RULING", "SENTINEL-CLAIM")

    def test_internal_notes_unsent_findings_and_rulings_never_reach_the_provider(self):
        declaration = self.declaration()
        DataSource.objects.filter(declaration=declaration, name="Source 1").update(
            confidential=True, confidentiality_reason="SENTINEL-CLAIM"
        )
        self.changes_requested(declaration)
        move(declaration, "submit", self.bob)
        move(declaration, "start_review", self.olivia)
        case = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        note_add(actor=self.olivia, case=case, kind=NoteKind.NOTE, body="SENTINEL-NOTE")
        raise_finding(declaration, self.olivia, "signatory_role", "SENTINEL-UNSENT")
        source = declaration.sources.get(name="Source 1")
        confidentiality_rule(
            actor=self.olivia, case=case, source=source, accepted=True, reason="SENTINEL-RULING"
        )
        move(declaration, "accept", self.diana, "Complete")
        statement = self.statement()
        self.under_review(statement)
        case = Case.objects.get(filing_kind="ownership", filing_id=statement.pk)
        note_add(actor=self.olivia, case=case, kind=NoteKind.NOTE, body="SENTINEL-NOTE")
        raise_finding(statement, self.olivia, "signatory_name", "SENTINEL-UNSENT")
        move(statement, "reject", self.diana, "Incomplete")
        sent = Notification.objects.all()
        self.assertEqual(
            set(sent.values_list("kind", flat=True)),
            {Kind.FILING_RECEIVED, Kind.CHANGES_REQUESTED, Kind.ACCEPTED, Kind.REJECTED},
        )
        for message in sent:
            shown = " ".join((message.subject, *bodies(message)))
            for secret in (*self.SENTINELS, "Olivia Officer", "Diana Decider"):
                with self.subTest(kind=message.kind, secret=secret):
                    self.assertNotIn(secret, shown)


class EscapingTests(EventTestCase):
    NAME = '<script>alert("x")</script>'

    def test_provider_text_is_escaped_in_html_and_left_as_written_in_text(self):
        declaration = self.declaration(name=self.NAME)
        declaration.sources.filter(name="Source 2").update(name="<img src=x onerror=alert(1)>")
        self.under_review(declaration)
        raise_finding(declaration, self.olivia, "sources.1.licence", "Say <which> & why")
        move(declaration, "request_changes", self.olivia, "See <b>below</b>")
        message = messages(Kind.CHANGES_REQUESTED)[0]
        self.assertEqual(
            message.subject, f"Changes requested to your provenance declaration for {self.NAME} 1.0"
        )
        for raw in (self.NAME, "<img src=x onerror=alert(1)>", "Say <which> & why", "<b>below"):
            with self.subTest(raw):
                self.assertIn(raw, message.body_text)
                self.assertNotIn(raw, message.body_html)
        html = message.body_html
        self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)
        self.assertIn("Say &lt;which&gt; &amp; why", html)
        self.assertNotIn("&lt;", message.body_text + message.subject)
