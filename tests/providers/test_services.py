from __future__ import annotations

from registry.accounts.models import Membership
from registry.audit.models import AuditEvent
from registry.lib.problems import ProblemsError
from registry.providers.models import Provider
from registry.providers.services import (
    provider_register,
    provider_update,
    registration_number_allocate,
)
from registry.providers.validation import validate_provider_details
from tests.base import PersonaTestCase

DETAILS = {
    "legal_name": "Gamma Models Ltd",
    "trading_name": "Gamma",
    "company_number": "sc 123456",
    "country": "gb",
    "registered_address": "3 Road, Edinburgh",
    "website": "https://gamma.example",
    "contact_email": "hello@gamma.example",
    "uk_representative": "",
}


class ProviderValidationTests(PersonaTestCase):
    def codes(self, **overrides) -> list[str]:
        valid = DETAILS | {"country": "GB", "company_number": "SC123456"}
        return [p.code for p in validate_provider_details(valid | overrides)]

    def test_complete_uk_details_have_no_problems(self):
        self.assertEqual(self.codes(company_number="SC123456"), [])

    def test_every_rule(self):
        cases = {
            "legal_name_required": {"legal_name": "  "},
            "registered_address_required": {"registered_address": ""},
            "website_required": {"website": ""},
            "contact_email_required": {"contact_email": None},
            "country_invalid": {"country": "XX", "uk_representative": "Rep"},
            "company_number_invalid": {"company_number": "12345"},
            "uk_representative_required": {"country": "FR", "company_number": ""},
        }
        for code, overrides in cases.items():
            with self.subTest(code):
                self.assertEqual(self.codes(**overrides), [code])


class ProviderRegisterTests(PersonaTestCase):
    def test_registering_assigns_the_next_number_makes_an_owner_and_records_both(self):
        registration_number_allocate("PRV")
        provider = provider_register(user=self.nadia, details=DETAILS)
        self.assertRegex(provider.registration_number, r"^PRV-\d{6}$")
        self.assertEqual(provider.registration_number, "PRV-000002")
        self.assertEqual((provider.country, provider.company_number), ("GB", "SC123456"))
        membership = Membership.objects.get(user=self.nadia)
        self.assertEqual((membership.provider, membership.role), (provider, "owner"))
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        self.assertTrue({"provider.registered", "membership.created"} <= actions)

    def test_members_and_regulators_cannot_register_another_and_nothing_is_written(self):
        count = Provider.objects.count()
        for person, code in (
            (self.alice, "already_member"),
            (self.olivia, "regulator_cannot_join"),
        ):
            with self.subTest(person=person.email), self.assertRaises(ProblemsError) as raised:
                provider_register(user=person, details=DETAILS)
            self.assertEqual([p.code for p in raised.exception.problems], [code])
        self.assertEqual(Provider.objects.count(), count)

    def test_overseas_provider_without_uk_representative_is_refused(self):
        with self.assertRaises(ProblemsError) as raised:
            provider_register(
                user=self.nadia, details=DETAILS | {"country": "US", "company_number": ""}
            )
        self.assertEqual(raised.exception.problems[0].field, "uk_representative")
        self.assertFalse(Membership.objects.filter(user=self.nadia).exists())


class ProviderUpdateTests(PersonaTestCase):
    def test_owner_updates_and_the_audit_event_has_before_and_after(self):
        provider_update(actor=self.alice, provider=self.acme, details=DETAILS)
        self.acme.refresh_from_db()
        self.assertEqual(self.acme.legal_name, "Gamma Models Ltd")
        event = AuditEvent.objects.get(action="provider.updated")
        self.assertEqual(event.before["legal_name"], "Acme Intelligence Ltd")
        self.assertEqual(event.after["legal_name"], "Gamma Models Ltd")

    def test_non_owner_cannot_update(self):
        for person in (self.bob, self.charlie):
            with self.subTest(person=person.email), self.assertRaises(ProblemsError):
                provider_update(actor=person, provider=self.acme, details=DETAILS)
        self.acme.refresh_from_db()
        self.assertEqual(self.acme.legal_name, "Acme Intelligence Ltd")
