"""The feedback form: no error before sending, every problem at once after, kept once, limited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from registry.lib.problems import ProblemsError
from registry.service.admin import FeedbackAdmin
from registry.service.forms import (
    IMPROVE_REQUIRED,
    IMPROVE_TOO_LONG,
    TRYING_TO_DO_REQUIRED,
    TRYING_TO_DO_TOO_LONG,
    page_name,
)
from registry.service.models import FEEDBACK_MAX_CHARS, Feedback
from registry.service.services import RATE_LIMITED, feedback_submit
from tests.base import PersonaTestCase

FEEDBACK_URL = reverse("service:feedback")
GOOD = {
    "trying_to_do": "Find out what Acme Chat was trained on",
    "how_to_improve": "Say on the search page what the filters mean",
}


def error_summary(response) -> str:
    """The error summary's HTML, or "" when the page has none."""
    html = response.content.decode()
    start = html.find('<div class="govuk-error-summary"')
    return "" if start == -1 else html[start : html.index("</ul>", start)]


class FormBeforeSendingTests(TestCase):
    def test_the_empty_form_shows_no_error(self):
        response = self.client.get(FEEDBACK_URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(error_summary(response), "")
        self.assertNotContains(response, "govuk-error-message")
        self.assertNotContains(response, "govuk-form-group--error")
        self.assertContains(response, "<title>Give feedback on this service \N{EN DASH}")

    def test_each_box_is_a_character_count_the_server_limits_not_the_browser(self):
        response = self.client.get(FEEDBACK_URL)
        for name in ("trying_to_do", "how_to_improve"):
            with self.subTest(field=name):
                self.assertContains(
                    response,
                    f'class="govuk-form-group govuk-character-count" '
                    f'data-module="govuk-character-count" data-maxlength="{FEEDBACK_MAX_CHARS}"',
                )
                self.assertContains(response, f'aria-describedby="id_{name}-info"')
                self.assertContains(
                    response,
                    f'<div id="id_{name}-info" class="govuk-hint govuk-character-count__message">'
                    "You can enter up to 1,200 characters</div>",
                    html=True,
                )
        self.assertNotContains(response, " maxlength=")

    def test_the_page_it_came_from_is_carried_in_the_form(self):
        response = self.client.get(FEEDBACK_URL, {"from": "labels:register"})
        self.assertContains(response, '<input type="hidden" name="page" value="labels:register"')

    def test_only_reading_and_sending_are_allowed(self):
        self.assertEqual(self.client.put(FEEDBACK_URL).status_code, 405)
        self.assertEqual(self.client.delete(FEEDBACK_URL).status_code, 405)


class FormProblemsTests(TestCase):
    def test_an_empty_form_gets_every_problem_at_once_and_keeps_nothing(self):
        response = self.client.post(FEEDBACK_URL, {"trying_to_do": "", "how_to_improve": "  "})
        self.assertEqual(response.status_code, 200)
        summary = error_summary(response)
        self.assertIn(f'<a href="#id_trying_to_do">{TRYING_TO_DO_REQUIRED}</a>', summary)
        self.assertIn(f'<a href="#id_how_to_improve">{IMPROVE_REQUIRED}</a>', summary)
        self.assertContains(response, "<title>Error: Give feedback on this service \N{EN DASH}")
        self.assertContains(response, 'id="id_trying_to_do_error"')
        self.assertContains(
            response, 'aria-describedby="id_trying_to_do_error id_trying_to_do-info"'
        )
        self.assertEqual(Feedback.objects.count(), 0)

    def test_one_missing_answer_is_the_only_problem_and_the_other_is_kept(self):
        response = self.client.post(FEEDBACK_URL, {**GOOD, "how_to_improve": ""})
        summary = error_summary(response)
        self.assertIn(IMPROVE_REQUIRED, summary)
        self.assertNotIn(TRYING_TO_DO_REQUIRED, summary)
        self.assertContains(response, GOOD["trying_to_do"])
        self.assertEqual(Feedback.objects.count(), 0)

    def test_over_long_answers_are_refused_together_and_given_back(self):
        too_long = "x" * (FEEDBACK_MAX_CHARS + 1)
        response = self.client.post(
            FEEDBACK_URL, {"trying_to_do": too_long, "how_to_improve": too_long + "y"}
        )
        summary = error_summary(response)
        self.assertIn(TRYING_TO_DO_TOO_LONG, summary)
        self.assertIn(IMPROVE_TOO_LONG, summary)
        self.assertIn("1,200 characters or less", TRYING_TO_DO_TOO_LONG)
        self.assertContains(response, too_long + "y</textarea>")
        self.assertEqual(Feedback.objects.count(), 0)

    def test_a_line_break_counts_as_one_character_as_the_count_on_the_page_says(self):
        # 1,100 letters and 100 line breaks sent as CR LF: 1,200 characters on the page.
        answer = "a" * 1100 + "\r\n" * 99 + "b"
        response = self.client.post(FEEDBACK_URL, {**GOOD, "trying_to_do": answer})
        self.assertRedirects(response, reverse("service:feedback-sent"))
        kept = Feedback.objects.get()
        self.assertEqual(len(kept.trying_to_do), FEEDBACK_MAX_CHARS)
        self.assertNotIn("\r", kept.trying_to_do)

    def test_a_form_without_its_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(FEEDBACK_URL, GOOD)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Feedback.objects.count(), 0)


class SendingTests(PersonaTestCase):
    def test_good_feedback_is_kept_once_and_leads_to_the_confirmation(self):
        response = self.client.post(FEEDBACK_URL, {**GOOD, "page": "labels:register"}, follow=True)
        self.assertRedirects(response, reverse("service:feedback-sent"))
        self.assertContains(response, '<h1 class="govuk-panel__title">Feedback sent</h1>')
        kept = Feedback.objects.get()
        self.assertEqual(kept.trying_to_do, GOOD["trying_to_do"])
        self.assertEqual(kept.how_to_improve, GOOD["how_to_improve"])
        self.assertEqual(kept.page, "labels:register")

    def test_who_sent_it_is_not_kept_even_when_signed_in(self):
        self.sign_in(self.alice)
        self.client.post(FEEDBACK_URL, GOOD)
        kept = Feedback.objects.get()
        stored = " ".join(str(value) for value in vars(kept).values())
        self.assertNotIn(self.alice.email, stored)
        self.assertNotIn(self.alice.full_name, stored)


class PageNameTests(TestCase):
    def test_only_the_name_of_a_page_of_the_service_is_kept(self):
        cases = {
            "labels:register": "labels:register",
            "labels:model": "labels:model",
            "accounts:invitation": "accounts:invitation",
            "service:privacy": "service:privacy",
            "home": "home",
            "service:feedback": "",
            "service:feedback-sent": "",
            "labels:no-such-page": "",
            "/register/": "",
            "/invitations/secret-token/": "",
            "https://evil.example/": "",
            "<script>": "",
            "": "",
            "x" * 5000: "",
        }
        for given, kept in cases.items():
            with self.subTest(given=given[:40]):
                self.assertEqual(page_name(given), kept)

    def test_a_tampered_page_is_dropped_not_refused(self):
        for tampered in ("/invitations/tok/?x=<b>", "x" * 5000):
            with self.subTest(tampered=tampered[:40]):
                response = self.client.post(FEEDBACK_URL, {**GOOD, "page": tampered})
                self.assertEqual(response.status_code, 302)
                self.assertEqual(Feedback.objects.order_by("id").last().page, "")


@override_settings(FEEDBACK_LIMIT_PER_HOUR=2, REGISTER_CONTACT_EMAIL="help@regulator.example")
class RateLimitTests(TestCase):
    def test_a_client_over_its_hourly_limit_is_told_why_and_nothing_is_kept(self):
        for _ in range(2):
            self.assertEqual(self.client.post(FEEDBACK_URL, GOOD).status_code, 302)
        response = self.client.post(FEEDBACK_URL, {**GOOD, "trying_to_do": "Third try"})
        self.assertEqual(response.status_code, 429)
        message = RATE_LIMITED.format(limit=2, email="help@regulator.example")
        self.assertIn(message, error_summary(response))
        self.assertContains(response, "Third try</textarea>", status_code=429)
        self.assertEqual(Feedback.objects.count(), 2)

    def test_another_client_still_may_send(self):
        for _ in range(3):
            self.client.post(FEEDBACK_URL, GOOD, REMOTE_ADDR="192.0.2.1")
        response = self.client.post(FEEDBACK_URL, GOOD, REMOTE_ADDR="192.0.2.2")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Feedback.objects.count(), 3)

    def test_a_form_with_problems_does_not_use_up_the_allowance(self):
        for _ in range(3):
            self.client.post(FEEDBACK_URL, {"trying_to_do": "", "how_to_improve": ""})
        self.assertEqual(self.client.post(FEEDBACK_URL, GOOD).status_code, 302)

    def test_the_service_refuses_with_a_stable_code_and_writes_nothing(self):
        for _ in range(2):
            feedback_submit(**GOOD, page="", client_address="198.51.100.7")
        with self.assertRaises(ProblemsError) as refused:
            feedback_submit(**GOOD, page="", client_address="198.51.100.7")
        self.assertEqual([p.code for p in refused.exception.problems], ["feedback_rate_limited"])
        self.assertEqual(Feedback.objects.count(), 2)


class StorageTests(TestCase):
    def test_the_database_refuses_feedback_without_an_answer(self):
        for missing in ("trying_to_do", "how_to_improve"):
            with (
                self.subTest(missing=missing),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
            ):
                Feedback.objects.create(**{**GOOD, missing: ""})


class AdminTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.feedback = Feedback.objects.create(
            trying_to_do="Compare two models",
            how_to_improve="Let me pick four",
            page="labels:compare",
        )

    def test_an_administrator_can_list_search_and_read_feedback(self):
        self.sign_in(self.ada)
        changelist = reverse("admin:service_feedback_changelist")
        self.assertContains(self.client.get(changelist), "Compare two models")
        self.assertContains(self.client.get(changelist, {"q": "four"}), "Compare two models")
        self.assertNotContains(self.client.get(changelist, {"q": "nothing"}), "Compare two models")
        page = self.client.get(reverse("admin:service_feedback_change", args=[self.feedback.pk]))
        self.assertContains(page, "Let me pick four")
        self.assertNotContains(page, "<textarea")

    def test_nobody_can_add_change_or_delete_feedback_in_the_admin(self):
        self.sign_in(self.ada)
        pk = self.feedback.pk
        self.assertEqual(self.client.get(reverse("admin:service_feedback_add")).status_code, 403)
        change = reverse("admin:service_feedback_change", args=[pk])
        response = self.client.post(change, {**GOOD, "page": ""})
        self.assertEqual(response.status_code, 403)
        delete = reverse("admin:service_feedback_delete", args=[pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.feedback.refresh_from_db()
        self.assertEqual(self.feedback.how_to_improve, "Let me pick four")

    def test_the_admin_is_read_only_by_design(self):
        self.assertEqual(set(FeedbackAdmin.readonly_fields), set(FeedbackAdmin.fields))

    def test_people_who_are_not_administrators_cannot_reach_it(self):
        self.sign_in(self.olivia)
        response = self.client.get(reverse("admin:service_feedback_changelist"), follow=True)
        self.assertEqual(response.status_code, 404)
