"""The statutory pages: what each must say, the cookies page built from the settings, the footer."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from registry.service.selectors import AT_BROWSER_CLOSE, duration_in_words, rate_in_words
from tests.factories import PASSWORD
from tests.matrix import PERSONAS, MatrixTestCase

# What each page must say, whoever reads it; settings are read when the test runs.
MUST_SAY = {
    "service:accessibility": lambda: [
        '<h1 class="govuk-heading-l">Accessibility statement for the AI Training Data',
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Equality and Human Rights Commission (EHRC)",
        "Equality Commission for Northern Ireland",
        "Technical information about this service's accessibility",
        "Compliance status",
        "Web Content Accessibility Guidelines version 2.2</a> AA standard",
        "partially compliant",
        "How we tested this service",
        "axe-core",
        "JavaScript turned off",
        "only a keyboard",
        "Preparation of this accessibility statement",
        settings.REGISTER_CONTACT_EMAIL,
    ],
    "service:privacy": lambda: [
        '<h1 class="govuk-heading-l">Privacy notice</h1>',
        "We are the controller for the personal data in the register",
        "Digital Sovereignty Regulator",
        settings.REGISTER_DATA_PROTECTION_EMAIL,
        "the name and role of the person who signs each filing",
        "some of whom may be individuals",
        "The audit trail",
        "regulator staff",
        "article 6(1)(e)",
        "Digital Sovereignty Act",
        "How long we keep it",
        "Your rights",
        "Information Commissioner's Office",
        "https://ico.org.uk/make-a-complaint/",
        f"for {settings.SESSION_COOKIE_AGE // 3600} hours",
    ],
    "service:cookies": lambda: [
        '<h1 class="govuk-heading-l">Cookies</h1>',
        "Essential cookies",
        "we do not show a cookie banner",
        f"<code>{settings.SESSION_COOKIE_NAME}</code>",
        f"<code>{settings.CSRF_COOKIE_NAME}</code>",
        f"<code>{CookieStorage.cookie_name}</code>",
    ],
    "service:contact": lambda: [
        '<h1 class="govuk-heading-l">Contact the regulator about the register</h1>',
        f'href="mailto:{settings.REGISTER_CONTACT_EMAIL}"',
        "If you have a question about a label or a provider",
        "If you provide AI models in the UK",
        "Never send us a password",
    ],
    "service:terms": lambda: [
        '<h1 class="govuk-heading-l">Terms of use</h1>',
        "Open Government Licence v3.0",
        "Each label is the provider's own declaration",
        "not an endorsement",
        "raised automatically from the provider's own answers",
        "without any warranty",
        "legal effect that the Digital Sovereignty Act gives it",
        "API rate limits",
        "600 requests a minute",
        "120 requests a minute",
        "429",
    ],
    "service:feedback": lambda: [
        '<h1 class="govuk-heading-l">Give feedback on this service</h1>',
        "What were you trying to do?",
        "How could we improve this service?",
        "Do not include personal information",
    ],
    "service:feedback-sent": lambda: [
        '<h1 class="govuk-panel__title">Feedback sent</h1>',
        settings.REGISTER_CONTACT_EMAIL,
    ],
}

SUPPORT_LINKS = [
    ("service:accessibility", "Accessibility statement"),
    ("service:cookies", "Cookies"),
    ("service:privacy", "Privacy"),
    ("service:contact", "Contact"),
    ("service:terms", "Terms of use"),
    ("labels:open-data", "Open data"),
]


class PageContentTests(MatrixTestCase):
    def test_each_page_says_what_it_must_to_every_persona(self):
        for name, phrases in MUST_SAY.items():
            for persona in PERSONAS:
                with self.subTest(page=name, persona=persona):
                    response = self.open_as(persona, reverse(name))
                    self.assertEqual(response.status_code, 200)
                    for phrase in phrases():
                        self.assertContains(response, phrase, html=False)

    def test_the_pages_answer_only_reading(self):
        for name in MUST_SAY:
            if name == "service:feedback":
                continue
            with self.subTest(page=name):
                self.assertEqual(self.client.post(reverse(name)).status_code, 405)

    @override_settings(
        REGISTER_CONTACT_EMAIL="help@regulator.example",
        REGISTER_DATA_PROTECTION_EMAIL="dpo@regulator.example",
    )
    def test_the_addresses_come_from_the_settings(self):
        pages = {
            "service:contact": "help@regulator.example",
            "service:accessibility": "help@regulator.example",
            "service:feedback-sent": "help@regulator.example",
            "service:privacy": "dpo@regulator.example",
        }
        for name, address in pages.items():
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                self.assertContains(response, f'href="mailto:{address}"')
                self.assertNotContains(response, "provenance-register.example")

    @override_settings(API_RATE_LIMITS={"key": "30/hour", "anonymous": "1/sec"})
    def test_the_terms_state_the_api_limits_as_configured(self):
        response = self.client.get(reverse("service:terms"))
        self.assertContains(response, "30 requests an hour")
        self.assertContains(response, "1 request a second")
        self.assertNotContains(response, "600 requests")


class CookiesPageTests(MatrixTestCase):
    def cookie_names_listed(self) -> set[str]:
        response = self.client.get(reverse("service:cookies"))
        return {cookie.name for cookie in response.context["cookies"]}

    def test_it_lists_each_cookie_by_its_configured_name_and_lifetime(self):
        response = self.client.get(reverse("service:cookies"))
        rows = [(c.name, c.expires) for c in response.context["cookies"]]
        self.assertEqual(
            rows,
            [("sessionid", "8 hours"), ("csrftoken", "52 weeks"), ("messages", AT_BROWSER_CLOSE)],
        )

    @override_settings(
        SESSION_COOKIE_NAME="register_session",
        CSRF_COOKIE_NAME="register_csrf",
        SESSION_COOKIE_AGE=30 * 60,
    )
    def test_a_renamed_cookie_is_listed_by_its_new_name(self):
        response = self.client.get(reverse("service:cookies"))
        self.assertContains(response, "<code>register_session</code>")
        self.assertContains(response, "<code>register_csrf</code>")
        self.assertContains(response, "30 minutes")
        self.assertNotContains(response, "<code>sessionid</code>")
        self.assertNotContains(response, "<code>csrftoken</code>")

    @override_settings(
        CSRF_USE_SESSIONS=True,
        MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage",
        SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
    )
    def test_cookies_the_settings_turn_off_are_not_listed(self):
        response = self.client.get(reverse("service:cookies"))
        rows = [(c.name, c.expires) for c in response.context["cookies"]]
        self.assertEqual(rows, [("sessionid", AT_BROWSER_CLOSE)])

    def test_every_cookie_the_service_sets_is_listed_and_every_listed_one_is_set(self):
        """Open a form, sign in, sign out: between them they set every cookie there is."""
        set_by_service: set[str] = set()
        responses = [
            self.client.get(reverse("service:feedback")),
            self.client.post(
                reverse("accounts:sign-in"), {"username": self.alice.email, "password": PASSWORD}
            ),
            self.client.post(reverse("accounts:sign-out")),
        ]
        for response in responses:
            self.assertLess(response.status_code, 400)
            set_by_service |= set(response.cookies)
        self.assertEqual(set_by_service, self.cookie_names_listed())


class FooterAndBannerTests(MatrixTestCase):
    def test_every_page_has_the_support_links_and_the_feedback_link(self):
        for page in ["home", "labels:register", "service:privacy"]:
            with self.subTest(page=page):
                response = self.client.get(reverse(page))
                self.assertContains(
                    response, '<h2 class="govuk-visually-hidden">Support links</h2>', html=False
                )
                for name, text in SUPPORT_LINKS:
                    self.assertContains(
                        response,
                        f'<a class="govuk-footer__link" href="{reverse(name)}">{text}</a>',
                        html=True,
                    )
                # The page goes by its URL name, never by its address.
                feedback = f"{reverse('service:feedback')}?from={quote(page)}"
                self.assertContains(response, f'href="{feedback}">give your feedback</a>')

    def test_signed_in_people_see_the_same_footer(self):
        self.sign_in(self.olivia)
        response = self.client.get(reverse("review:console"))
        self.assertEqual(response.status_code, 200)
        for name, text in SUPPORT_LINKS:
            self.assertContains(
                response,
                f'<a class="govuk-footer__link" href="{reverse(name)}">{text}</a>',
                html=True,
            )


class WordingTests(SimpleTestCase):
    def test_durations_in_the_largest_whole_unit(self):
        cases = {
            28800: "8 hours",
            31449600: "52 weeks",
            86400: "1 day",
            3600: "1 hour",
            1800: "30 minutes",
            90: "90 seconds",
            1_209_600: "2 weeks",
            None: AT_BROWSER_CLOSE,
            0: AT_BROWSER_CLOSE,
        }
        for seconds, words in cases.items():
            with self.subTest(seconds=seconds):
                self.assertEqual(duration_in_words(seconds), words)

    def test_rates_in_words_and_a_rate_that_cannot_be_read_as_written(self):
        cases = {
            "600/min": "600 requests a minute",
            "120/minute": "120 requests a minute",
            "1/hour": "1 request an hour",
            "5000/day": "5,000 requests a day",
            "many/min": "many/min",
            "10/fortnight": "10/fortnight",
            "": "",
        }
        for rate, words in cases.items():
            with self.subTest(rate=rate):
                self.assertEqual(rate_in_words(rate), words)
