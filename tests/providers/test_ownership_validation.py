"""The rules for provider details and ownership statements: every code, and the PSC bands."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from registry.filings.services import empty_as_stored
from registry.providers.models import InvestmentLink, OwnershipBand, ownership_band
from registry.providers.selectors import link_data, ownership_data
from registry.providers.validation import (
    MESSAGES,
    validate_link,
    validate_link_totals,
    validate_ownership,
    validate_provider_details,
)
from tests.factories import (
    InvestmentLinkFactory,
    OwnershipStatementFactory,
    complete_ownership_statement,
)

VALID_DETAILS = {
    "legal_name": "Gamma Models Ltd",
    "trading_name": "Gamma",
    "company_number": "SC123456",
    "country": "GB",
    "registered_address": "3 Road, Edinburgh",
    "website": "https://gamma.example",
    "contact_email": "hello@gamma.example",
    "uk_representative": "",
}
VALID_LINK = {
    "investor_name": "Northern Ventures LP",
    "investor_kind": "fund",
    "country": "US",
    "registration_number": "LP-1234",
    "share_percent": "12.5",
    "votes_percent": 10,
    "board_appointment": False,
    "significant_influence": False,
    "state_affiliation": "none",
    "acquired_on": "2023-05-01",
    "ceased_on": None,
    "nsi_notified": True,
    "nsi_reference": "NSI-2023-0042",
}


def found(problems) -> list[tuple[str, str]]:
    return [(p.code, p.field) for p in problems]


def details(**changes):
    return validate_provider_details(VALID_DETAILS | changes)


def link(**changes):
    return validate_link(VALID_LINK | changes)


def totals(*holdings):
    return validate_link_totals(
        [{"share_percent": share, "votes_percent": votes} for share, votes in holdings]
    )


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


def every_code_case() -> dict[str, tuple[list, str]]:
    return {
        # Provider details
        "legal_name_required": (details(legal_name="  "), "legal_name"),
        "registered_address_required": (details(registered_address=""), "registered_address"),
        "website_required": (details(website=""), "website"),
        "contact_email_required": (details(contact_email=None), "contact_email"),
        "country_invalid": (details(country="XX", uk_representative="Rep Ltd"), "country"),
        "company_number_invalid": (details(company_number="123"), "company_number"),
        "company_number_required": (details(company_number=""), "company_number"),
        "company_number_prefix_unknown": (details(company_number="XX123456"), "company_number"),
        "uk_representative_required": (
            details(country="FR", company_number=""),
            "uk_representative",
        ),
        # Investment links
        "investor_name_required": (link(investor_name=""), "investor_name"),
        "investor_kind_invalid": (link(investor_kind="friend"), "investor_kind"),
        "investor_country_invalid": (link(country="UK"), "country"),
        "share_percent_required": (link(share_percent=None), "share_percent"),
        "votes_percent_required": (link(votes_percent=""), "votes_percent"),
        "percent_invalid": (link(share_percent="101"), "share_percent"),
        "state_affiliation_invalid": (link(state_affiliation="friendly"), "state_affiliation"),
        "link_date_in_future": (link(acquired_on=tomorrow()), "acquired_on"),
        "link_date_invalid": (link(acquired_on="2023-02-30"), "acquired_on"),
        "link_dates_order": (link(ceased_on="2023-04-30"), "ceased_on"),
        "link_too_long": (link(nsi_reference="N" * 101), "nsi_reference"),
        "nsi_reference_required": (link(nsi_reference=" "), "nsi_reference"),
        "link_yes_no_invalid": (link(board_appointment="maybe"), "board_appointment"),
        # The statement as a whole
        "links_required": (validate_link_totals([]), "links"),
        "shares_over_100": (totals((60, 40), (41, 10)), "links"),
        "votes_over_100": (totals((10, 60), (10, 40.001)), "links"),
    }


class EveryCodeTests(SimpleTestCase):
    def test_the_valid_values_have_no_problems(self):
        self.assertEqual(found(details()), [])
        self.assertEqual(found(link()), [])
        self.assertEqual(found(totals((60, 50), (40, 50))), [])

    def test_each_code_comes_from_its_smallest_bad_input_alone_and_names_its_field(self):
        for code, (problems, field) in every_code_case().items():
            with self.subTest(code):
                self.assertEqual(found(problems), [(code, field)])
                self.assertNotIn("{", problems[0].message)

    def test_the_table_covers_every_code_in_messages(self):
        self.assertEqual(set(every_code_case()), set(MESSAGES))

    def test_messages(self):
        self.assertEqual(
            [p.message for p in link(nsi_reference="N" * 101)], ["Enter 100 characters or fewer"]
        )
        self.assertEqual(
            [p.message for p in totals((60, 0), (50, 0))],
            ["Investors' shares add up to more than 100%"],
        )

    def test_percentages_are_numbers_from_0_to_100(self):
        cases = [
            (0, []),
            ("0", []),
            ("100", []),
            (Decimal("99.999"), []),
            (-1, ["percent_invalid"]),
            ("100.001", ["percent_invalid"]),
            ("half", ["percent_invalid"]),
            (True, ["percent_invalid"]),
            ("NaN", ["percent_invalid"]),
        ]
        for value, codes in cases:
            with self.subTest(value=value):
                self.assertEqual([p.code for p in link(votes_percent=value)], codes)

    def test_holdings_that_have_ceased_do_not_count_towards_the_total(self):
        links = [
            {"share_percent": 80, "votes_percent": 80},
            {"share_percent": 80, "votes_percent": 80, "ceased_on": "2024-01-01"},
        ]
        self.assertEqual(validate_link_totals(links), [])

    def test_exactly_100_is_fine_and_a_hair_more_is_not(self):
        self.assertEqual(found(totals((50, 50), (50, 50))), [])
        self.assertEqual(
            [p.code for p in totals(("50", "50"), ("50.001", "50.001"))],
            ["shares_over_100", "votes_over_100"],
        )

    def test_the_nsi_reference_is_needed_only_when_notified(self):
        self.assertEqual(found(link(nsi_notified=False, nsi_reference="")), [])

    def test_a_holding_may_cease_the_day_it_was_acquired_but_not_before(self):
        self.assertEqual(found(link(ceased_on="2023-05-01")), [])

    def test_a_link_prefix_places_problems_within_the_statement(self):
        problems = validate_link(VALID_LINK | {"investor_name": ""}, prefix="links.3.")
        self.assertEqual(found(problems), [("investor_name_required", "links.3.investor_name")])


class OwnershipBandTests(SimpleTestCase):
    def test_the_psc_bands_at_their_boundaries(self):
        cases = [
            (None, OwnershipBand.NONE),
            (Decimal("0"), OwnershipBand.NONE),
            (Decimal("0.001"), OwnershipBand.LT_10),
            (Decimal("9.99"), OwnershipBand.LT_10),
            (Decimal("10"), OwnershipBand.B10_25),
            (Decimal("25"), OwnershipBand.B10_25),
            (Decimal("25.01"), OwnershipBand.B25_50),
            (Decimal("50"), OwnershipBand.B25_50),
            (Decimal("50.01"), OwnershipBand.B50_75),
            (Decimal("75"), OwnershipBand.B50_75),
            (Decimal("75.01"), OwnershipBand.B75_100),
            (Decimal("100"), OwnershipBand.B75_100),
        ]
        for percent, band in cases:
            with self.subTest(percent=percent):
                self.assertEqual(ownership_band(percent), band)

    def test_the_band_values_are_the_contract(self):
        self.assertEqual(
            OwnershipBand.values, ["none", "lt_10", "10_25", "25_50", "50_75", "75_100"]
        )


class WholeStatementTests(TestCase):
    def test_a_complete_statement_has_no_problems(self):
        statement = complete_ownership_statement(links=3)
        self.assertEqual(validate_ownership(ownership_data(statement)), [])

    def test_problems_name_their_link_and_the_statement_of_truth(self):
        statement = OwnershipStatementFactory()
        InvestmentLinkFactory(statement=statement, share_percent=70)
        InvestmentLinkFactory(statement=statement, share_percent=40, country="")
        self.assertEqual(
            found(validate_ownership(ownership_data(statement))),
            [
                ("investor_country_invalid", "links.1.country"),
                ("shares_over_100", "links"),
                ("signatory_name_required", "signatory_name"),
                ("signatory_role_required", "signatory_role"),
                ("statement_not_confirmed", "signed_at"),
            ],
        )

    def test_the_data_shows_bands_derived_from_the_exact_figures(self):
        link_row = InvestmentLinkFactory(
            share_percent=Decimal("25.010"), votes_percent=Decimal("0")
        )
        data = link_data(link_row)
        self.assertEqual((data["share_band"], data["votes_band"]), ("25_50", "none"))
        self.assertEqual(data["share_percent"], Decimal("25.010"))


class WrongTypeTests(TestCase):
    ODD_VALUES = [None, "", "  ", 0, -1, 5, 1.5, True, "x" * 500, ["x"], {"a": 1}]

    def test_validation_never_crashes_and_whatever_it_passes_can_be_saved(self):
        statement = OwnershipStatementFactory()
        for field in VALID_LINK:
            for value in self.ODD_VALUES:
                values = empty_as_stored(InvestmentLink, VALID_LINK | {field: value})
                with self.subTest(field=field, value=value):
                    if not validate_link(values):
                        with transaction.atomic():
                            saved = InvestmentLink.objects.create(statement=statement, **values)
                        self.assertIsNotNone(saved.pk)
