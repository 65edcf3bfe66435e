"""A Companies House number: its form, as people type it, in the rule, the form and the service."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import reverse

from registry.lib.problems import ProblemsError
from registry.providers.forms import ProviderDetailsForm
from registry.providers.models import Provider
from registry.providers.services import provider_register, provider_update
from registry.providers.validation import (
    COMPANY_NUMBER_PREFIXES,
    MESSAGES,
    normalise_company_number,
    problems_company_number,
    validate_provider_details,
)
from tests.base import PersonaTestCase

DETAILS = {
    "legal_name": "Gamma Models Ltd",
    "trading_name": "",
    "company_number": "SC123456",
    "country": "GB",
    "registered_address": "3 Road, Edinburgh",
    "website": "https://gamma.example",
    "contact_email": "hello@gamma.example",
    "uk_representative": "",
}

GOOD_NUMBERS = [
    "01234567",  # England and Wales: 8 digits, leading zero kept
    "12345678",
    "SC123456",  # Scotland
    "NI012345",  # Northern Ireland
    "R0000123",  # Northern Ireland before partition: R then zero
    "OC301540",  # LLP, England and Wales
    "SO300001",
    "NC000123",
    "LP012345",
    "SL005678",
    "NL000321",
    "FC031121",
    "OE000123",
    "IP028123",
    "SP002345",
    "IC000987",
    "SI000011",
    "NP000012",
    "NV000003",
    "RC000777",
    "SR000012",
    "NO000004",
    "GE000101",
    "FE000321",
    "GS000012",
    "CE000123",
    "CS000456",
]

# Each bad number with the code it gets.
BAD_NUMBERS = {
    "1234567": "company_number_invalid",  # 7 digits
    "123456789": "company_number_invalid",  # 9 digits
    "SC12345": "company_number_invalid",  # prefix and only 5 digits
    "SC1234567": "company_number_invalid",  # 9 characters
    "S1234567": "company_number_prefix_unknown",  # one letter is no prefix
    "1A234567": "company_number_invalid",  # a letter after a digit
    "SCABCDEF": "company_number_invalid",  # letters where digits go
    "12345678X": "company_number_invalid",
    "XX123456": "company_number_prefix_unknown",
    "ZZ000001": "company_number_prefix_unknown",
    "RO123456": "company_number_prefix_unknown",  # the letter O, not the zero of R0
    "sc123456": "company_number_invalid",  # the rule judges the stored form: upper case
    "SC 123456": "company_number_invalid",  # and without spaces
    # Full-width digits, as some keyboards type them, are not the digits of a company number.
    "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18": "company_number_invalid",
}


class CompanyNumberRuleTests(SimpleTestCase):
    def test_good_numbers_have_no_problems(self):
        for number in GOOD_NUMBERS:
            with self.subTest(number):
                self.assertEqual(problems_company_number(number), [])

    def test_each_prefix_in_the_list_is_accepted(self):
        for prefix in COMPANY_NUMBER_PREFIXES:
            with self.subTest(prefix):
                self.assertEqual(len(prefix), 2)
                self.assertEqual(problems_company_number(f"{prefix}000001"), [])

    def test_bad_numbers_get_their_code_on_the_field_asked_for(self):
        for number, code in BAD_NUMBERS.items():
            with self.subTest(number):
                problems = problems_company_number(number, field="parties.0.company_number")
                self.assertEqual(
                    [(p.code, p.field) for p in problems], [(code, "parties.0.company_number")]
                )

    def test_the_messages_name_the_expected_form(self):
        (invalid,) = problems_company_number("12345")
        self.assertEqual(
            invalid.message,
            "Enter a Companies House number in the correct format: 8 characters, either 8 "
            "digits, like 01234567, or 2 letters and 6 digits, like SC123456",
        )
        (unknown,) = problems_company_number("XX123456")
        self.assertTrue(unknown.message.startswith("Companies House numbers do not start with XX"))
        self.assertIn("SC, NI or OC and 6 digits", unknown.message)

    def test_an_empty_number_is_not_judged_here(self):
        self.assertEqual(problems_company_number(""), [])

    def test_numbers_are_normalised_as_people_copy_them(self):
        cases = {
            "sc123456": "SC123456",
            " SC 12 34 56 ": "SC123456",
            "sc-123-456": "SC123456",
            "0123.4567": "01234567",
            "ni\t012345": "NI012345",
            "\uff33\uff23\uff11\uff12\uff13\uff14\uff15\uff16": "SC123456",
            "": "",
        }
        for typed, stored in cases.items():
            with self.subTest(typed):
                self.assertEqual(normalise_company_number(typed), stored)


class ProviderDetailsCompanyNumberTests(SimpleTestCase):
    def codes(self, **changes) -> list[tuple[str, str]]:
        return [(p.code, p.field) for p in validate_provider_details(DETAILS | changes)]

    def test_a_uk_organisation_must_give_its_number(self):
        self.assertEqual(
            self.codes(company_number=""), [("company_number_required", "company_number")]
        )
        self.assertEqual(
            self.codes(company_number=None), [("company_number_required", "company_number")]
        )

    def test_an_organisation_incorporated_elsewhere_need_not(self):
        self.assertEqual(self.codes(country="FR", company_number="", uk_representative="Rep"), [])

    def test_a_number_given_by_an_organisation_from_elsewhere_is_still_checked(self):
        overseas = {"country": "US", "uk_representative": "Rep Ltd, London"}
        self.assertEqual(self.codes(**overseas, company_number="FC031121"), [])
        self.assertEqual(
            self.codes(**overseas, company_number="C123"),
            [("company_number_invalid", "company_number")],
        )


class ProviderDetailsFormTests(SimpleTestCase):
    def form(self, **changes) -> ProviderDetailsForm:
        return ProviderDetailsForm(data=DETAILS | changes)

    def test_the_form_stores_the_number_as_companies_house_writes_it(self):
        form = self.form(company_number=" sc-12 34 56 ")
        self.assertIs(form.is_valid(), True, form.errors)
        self.assertEqual(form.cleaned_data["company_number"], "SC123456")

    def test_the_form_names_the_problem_on_the_field(self):
        cases = {
            "short": ({"company_number": "12 345"}, MESSAGES["company_number_invalid"]),
            "unknown prefix": (
                {"company_number": "qq123456"},
                "Companies House numbers do not start with QQ",
            ),
            "missing in the UK": ({"company_number": ""}, MESSAGES["company_number_required"]),
        }
        for label, (changes, message) in cases.items():
            with self.subTest(label):
                form = self.form(**changes)
                self.assertIs(form.is_valid(), False)
                self.assertEqual(len(form.errors["company_number"]), 1)
                self.assertTrue(form.errors["company_number"][0].startswith(message))

    def test_an_overseas_organisation_may_leave_it_empty(self):
        form = self.form(country="DE", company_number="", uk_representative="Rep Ltd, London")
        self.assertIs(form.is_valid(), True, form.errors)

    def test_the_label_is_not_called_optional_and_the_hint_says_when_it_is_needed(self):
        # Required for UK organisations, so "(optional)" would mislead half the people asked.
        html = str(self.form()["company_number"].as_field_group())
        self.assertIn("Companies House number", html)
        self.assertNotIn("optional", html)
        self.assertIn("Required if the organisation is incorporated in the UK", html)


class CompanyNumberJourneyTests(PersonaTestCase):
    def test_registering_with_a_number_typed_loosely_stores_it_cleanly(self):
        self.sign_in(self.nadia)
        response = self.client.post(
            reverse("providers:register"), DETAILS | {"company_number": "sc 123-456"}
        )
        self.assertEqual(response.status_code, 200)
        provider = Provider.objects.get(legal_name="Gamma Models Ltd")
        self.assertEqual(provider.company_number, "SC123456")

    def test_a_bad_number_is_named_on_the_page_and_nothing_is_saved(self):
        self.sign_in(self.nadia)
        response = self.client.post(
            reverse("providers:register"), DETAILS | {"company_number": "XX123456"}
        )
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Companies House numbers do not start with XX")
        self.assertContains(response, 'href="#id_company_number"')
        self.assertFalse(Provider.objects.filter(legal_name="Gamma Models Ltd").exists())

    def test_the_service_refuses_a_bad_number_whatever_calls_it(self):
        for number, code in (
            ("ZZ123456", "company_number_prefix_unknown"),
            ("", "company_number_required"),
        ):
            with self.subTest(number), self.assertRaises(ProblemsError) as raised:
                provider_update(
                    actor=self.alice,
                    provider=self.acme,
                    details=DETAILS | {"company_number": number},
                )
            self.assertEqual([p.code for p in raised.exception.problems], [code])
        self.acme.refresh_from_db()
        self.assertNotEqual(self.acme.legal_name, "Gamma Models Ltd")
        with self.assertRaises(ProblemsError):
            provider_register(user=self.nadia, details=DETAILS | {"company_number": "SC12"})
        self.assertFalse(Provider.objects.filter(legal_name="Gamma Models Ltd").exists())
