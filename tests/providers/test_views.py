from __future__ import annotations

from django.urls import reverse

from registry.providers.models import Provider
from tests.base import PersonaTestCase

FORM = {
    "legal_name": "Gamma Models Ltd",
    "trading_name": "",
    "country": "FR",
    "company_number": "",
    "registered_address": "3 Rue Exemple, Paris",
    "website": "gamma.example",
    "contact_email": "hello@gamma.example",
    "uk_representative": "UK Rep Ltd, London",
}


class RegisterViewTests(PersonaTestCase):
    def test_newcomer_registers_and_sees_the_number(self):
        self.sign_in(self.nadia)
        response = self.client.post(reverse("providers:register"), FORM)
        provider = Provider.objects.get(legal_name="Gamma Models Ltd")
        self.assertContains(response, provider.registration_number)
        self.assertContains(response, "Organisation registered")
        self.assertEqual(provider.website, "https://gamma.example")

    def test_bad_input_names_each_field_and_saves_nothing(self):
        self.sign_in(self.nadia)
        cases = {
            "country": (
                {"country": "ZZ"},
                "Select the country where the organisation is incorporated",
            ),
            "uk_representative": ({"uk_representative": ""}, "must have one"),
            "company_number": (
                {"country": "GB", "company_number": "ABC"},
                "Enter a Companies House number",
            ),
            "website": ({"website": "not a url"}, "Enter a web address in the correct format"),
            "contact_email": (
                {"contact_email": "x@"},
                "Enter an email address in the correct format",
            ),
            "legal_name": ({"legal_name": ""}, "Enter the organisation"),
            "too long": ({"legal_name": "x" * 201}, "at most 200 characters"),
        }
        for field, (overrides, message) in cases.items():
            with self.subTest(field):
                response = self.client.post(reverse("providers:register"), FORM | overrides)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
        self.assertFalse(Provider.objects.filter(legal_name__startswith="Gamma").exists())


class OrganisationViewTests(PersonaTestCase):
    def test_members_see_details_and_members_but_only_owners_see_actions(self):
        self.sign_in(self.victor)
        response = self.client.get(reverse("providers:organisation"))
        self.assertContains(response, "Acme Intelligence Ltd")
        self.assertContains(response, "bob@acme.example")
        self.assertNotContains(response, "Change role")
        self.assertNotContains(response, "charlie@beta.example")
        self.sign_in(self.alice)
        self.assertContains(self.client.get(reverse("providers:organisation")), "Change role")

    def test_owner_edits_details(self):
        self.sign_in(self.alice)
        response = self.client.post(reverse("providers:organisation-edit"), FORM)
        self.assertRedirects(response, reverse("providers:organisation"))
        self.acme.refresh_from_db()
        self.assertEqual(self.acme.country, "FR")

    def test_submitter_cannot_edit_details(self):
        self.sign_in(self.bob)
        self.assertEqual(
            self.client.post(reverse("providers:organisation-edit"), FORM).status_code, 403
        )
        self.acme.refresh_from_db()
        self.assertEqual(self.acme.legal_name, "Acme Intelligence Ltd")

    def test_dashboard_shows_the_organisation_and_role(self):
        self.sign_in(self.bob)
        response = self.client.get(reverse("providers:dashboard"))
        self.assertContains(response, "Acme AI")
        self.assertContains(response, "submitter of this organisation")
        self.assertContains(response, "3 members")


class ConsoleTests(PersonaTestCase):
    def test_regulator_sees_and_searches_every_provider(self):
        self.sign_in(self.olivia)
        response = self.client.get(reverse("review:providers"))
        self.assertContains(response, self.acme.registration_number)
        self.assertContains(response, self.beta.registration_number)
        response = self.client.get(reverse("review:providers"), {"q": "beta"})
        self.assertContains(response, "Beta Labs Ltd")
        self.assertNotContains(response, "Acme Intelligence Ltd")
        response = self.client.get(
            reverse("review:providers"), {"q": self.acme.registration_number}
        )
        self.assertContains(response, "Acme Intelligence Ltd")

    def test_console_list_runs_a_fixed_number_of_queries(self):
        self.sign_in(self.olivia)
        self.client.get(reverse("review:providers"))
        # 1 session, 2 user, 3 OTP device, 4 regulator groups, 5 count, 6 page of providers,
        # 7 their accepted ownership statements (none, so no investors to read), 8 the
        # navigation's count of unread messages
        with self.assertNumQueries(8):
            self.client.get(reverse("review:providers"))
