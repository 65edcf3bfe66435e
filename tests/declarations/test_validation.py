"""The rules for models and declarations: every problem code, and the boundaries that matter."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from registry.declarations import choices
from registry.declarations.models import DataSource
from registry.declarations.selectors import SOURCE_FIELDS, declaration_data
from registry.declarations.services import clean_source_values
from registry.declarations.validation import (
    MAX_TOP_DOMAIN_PROBLEMS,
    MESSAGES,
    validate_attestation,
    validate_declaration,
    validate_dependency,
    validate_general,
    validate_model,
    validate_party,
    validate_source,
    validate_source_shares,
)
from tests.factories import ProvenanceDeclarationFactory, complete_declaration

VALID_MODEL = {
    "name": "Atlas",
    "version": "2.0",
    "model_type": "foundation",
    "modalities_in": ["text"],
    "modalities_out": ["text", "code"],
    "parameter_count": 7_000_000_000,
    "release_date": "2025-01-15",
    "distribution": "api",
    "intended_uses": "Drafting and summarising text.",
}
VALID_DEPENDENCY = {"external_name": "Open Base 8B", "external_provider": "Open Models Ltd"} | {
    "relation": "fine_tune"
}
VALID_GENERAL = {
    "training_data_size": {"text": "1b_10t"},
    "total_tokens": 2_000_000_000_000,
    "latest_collection_date": "2024-12-31",
    "continuous_training": False,
    "languages": [{"code": "en", "share_percent": 80}, {"code": "fr", "share_percent": 20}],
    "content_types": ["news articles"],
    "tdm_opt_out_measures": "We honour robots.txt and TDM-Rep.",
    "illegal_content_measures": "Hash matching and manual review.",
    "code_of_practice_signatory": True,
}
VALID_SOURCE = {
    "name": "Open Encyclopaedia",
    "category": "public_dataset",
    "description": "Openly published encyclopaedia articles.",
    "url": "https://data.example/encyclopaedia",
    "owner": "Example Foundation",
    "licence": "CC-BY-4.0",
    "licence_use_category": "commercial",
    "acquisition": "public",
    "modalities": ["text"],
    "languages": ["en"],
    "countries": ["GB"],
    "share_percent": "100",
    "collection_start": "2023-01-01",
    "collection_end": "2024-06-30",
    "collection_ongoing": False,
    "first_used_on": "2024-07-01",
    "purpose": "General knowledge.",
    "personal_data": "no",
    "ip_status": "mixed",
    "processing": ["deduplication"],
}
VALID_CRAWL = VALID_SOURCE | {
    "category": "web_crawl",
    "acquisition": "scraped",
    "licence": "",
    "crawler_name": "AcmeBot",
    "crawler_user_agent": "AcmeBot/2.1",
    "robots_txt_respected": True,
    "tdm_opt_out_respected": False,
    "top_domains": ["en.wikipedia.org", "bbc.co.uk"],
}
VALID_SYNTHETIC = VALID_SOURCE | {
    "category": "synthetic",
    "acquisition": "generated",
    "licence": "",
    "generator_models": [
        {"name": "Teacher 70B", "provider": "Open Models Ltd", "terms_permit_training": "yes"}
    ],
}
VALID_PARTY = {"name": "Cloud Co", "role": "cloud_hosting", "country": "IE", "company_number": ""}
VALID_ATTESTATION = {
    "assessor": "Independent Assurance LLP",
    "assessor_independent": True,
    "scope": ["supply_chain"],
    "performed_on": "2025-03-01",
    "outcome": "pass",
    "summary": "No weaknesses found.",
    "next_due": "2026-03-01",
}


def found(problems) -> list[tuple[str, str]]:
    return [(p.code, p.field) for p in problems]


def model(**changes):
    return validate_model(VALID_MODEL | changes)


def dependency(model_id=None, **changes):
    return validate_dependency(VALID_DEPENDENCY | changes, model_id=model_id)


def general(**changes):
    return validate_general(VALID_GENERAL | changes)


def source(**changes):
    return validate_source(VALID_SOURCE | changes)


def crawl(**changes):
    return validate_source(VALID_CRAWL | changes)


def synthetic(**changes):
    return validate_source(VALID_SYNTHETIC | changes)


def party(**changes):
    return validate_party(VALID_PARTY | changes)


def attestation(**changes):
    return validate_attestation(VALID_ATTESTATION | changes)


def languages(*entries):
    return general(languages=[{"code": code, "share_percent": share} for code, share in entries])


def shares(*values):
    return validate_source_shares([{"share_percent": value} for value in values])


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


def every_code_case() -> dict[str, tuple[list, str]]:
    """For every code: the smallest change to valid values that produces it, and its field."""
    return {
        # Models and lineage
        "name_required": (model(name="   "), "name"),
        "version_required": (model(version=""), "version"),
        "model_type_invalid": (model(model_type="robot"), "model_type"),
        "modalities_in_required": (model(modalities_in=[]), "modalities_in"),
        "modalities_out_required": (model(modalities_out=[]), "modalities_out"),
        "modality_invalid": (model(modalities_in=["text", "smell"]), "modalities_in"),
        "parameter_count_invalid": (model(parameter_count=0), "parameter_count"),
        "distribution_invalid": (model(distribution="by post"), "distribution"),
        "too_long": (model(name="x" * 201), "name"),
        "list_invalid": (model(modalities_in="text"), "modalities_in"),
        "date_invalid": (model(release_date="2025-02-30"), "release_date"),
        "dependency_target_required": (dependency(depends_on=5), "depends_on"),
        "dependency_self": (dependency(model_id=7, depends_on=7, external_name=""), "depends_on"),
        "relation_invalid": (dependency(relation="borrowed"), "relation"),
        # General information
        "size_band_missing": (general(training_data_size={}), "training_data_size"),
        "size_band_invalid": (
            general(training_data_size={"text": "huge"}),
            "training_data_size.text",
        ),
        "size_band_mismatch": (
            general(training_data_size={"text": "lt_1b"}),
            "training_data_size.text",
        ),
        "number_negative": (general(total_tokens=-1), "total_tokens"),
        "number_invalid": (general(total_tokens="lots"), "total_tokens"),
        "number_too_large": (general(total_images=2**63), "total_images"),
        "latest_collection_date_required": (
            general(latest_collection_date=None),
            "latest_collection_date",
        ),
        "date_in_future": (general(latest_collection_date=tomorrow()), "latest_collection_date"),
        "continuous_training_required": (
            general(continuous_training=None),
            "continuous_training",
        ),
        "yes_no_invalid": (general(continuous_training="maybe"), "continuous_training"),
        "language_invalid": (languages(("english", 100)), "languages.0.code"),
        "language_duplicate": (languages(("en", 50), ("en", 50)), "languages.1.code"),
        "language_share_invalid": (languages(("en", 120)), "languages.0.share_percent"),
        "language_shares_over_100": (languages(("en", 60), ("fr", 50)), "languages"),
        "content_type_invalid": (general(content_types=["x" * 101]), "content_types.0"),
        "tdm_opt_out_measures_required": (
            general(tdm_opt_out_measures=""),
            "tdm_opt_out_measures",
        ),
        "illegal_content_measures_required": (
            general(illegal_content_measures=" "),
            "illegal_content_measures",
        ),
        "code_of_practice_signatory_required": (
            general(code_of_practice_signatory=None),
            "code_of_practice_signatory",
        ),
        # Data sources
        "sources_required": (validate_source_shares([]), "sources"),
        "shares_total": (shares(60, 80), "sources"),
        "source_name_required": (source(name=""), "name"),
        "category_invalid": (source(category="scraped-ish"), "category"),
        "description_required": (source(description=""), "description"),
        "url_invalid": (source(url="ftp://data.example/x"), "url"),
        "owner_required": (source(category="licensed", owner=""), "owner"),
        "licence_required": (source(category="licensed", licence=""), "licence"),
        "licence_invalid": (source(licence="MIT OR"), "licence"),
        "licence_use_invalid": (source(licence_use_category=""), "licence_use_category"),
        "acquisition_invalid": (source(acquisition="stolen"), "acquisition"),
        "modalities_required": (source(modalities=[]), "modalities"),
        "country_invalid": (source(countries=["XX"]), "countries"),
        "share_required": (source(share_percent=None), "share_percent"),
        "share_invalid": (source(share_percent=140), "share_percent"),
        "collection_dates_order": (
            source(collection_start="2024-01-02", collection_end="2024-01-01"),
            "collection_end",
        ),
        "purpose_required": (source(purpose=""), "purpose"),
        "personal_data_invalid": (source(personal_data="maybe"), "personal_data"),
        "personal_data_measures_required": (
            source(personal_data="yes", personal_data_measures=""),
            "personal_data_measures",
        ),
        "ip_status_invalid": (source(ip_status="borrowed"), "ip_status"),
        "processing_invalid": (source(processing=["magic"]), "processing"),
        "crawler_name_required": (crawl(crawler_name=""), "crawler_name"),
        "crawler_user_agent_required": (crawl(crawler_user_agent=""), "crawler_user_agent"),
        "robots_txt_respected_required": (
            crawl(robots_txt_respected=None),
            "robots_txt_respected",
        ),
        "tdm_opt_out_respected_required": (
            crawl(tdm_opt_out_respected=None),
            "tdm_opt_out_respected",
        ),
        "top_domains_required": (crawl(top_domains=[]), "top_domains"),
        "top_domain_invalid": (crawl(top_domains=["not a host"]), "top_domains.0"),
        "generator_models_required": (synthetic(generator_models=[]), "generator_models"),
        "generator_name_required": (
            synthetic(generator_models=[{"name": " ", "terms_permit_training": "no"}]),
            "generator_models.0.name",
        ),
        "generator_terms_invalid": (
            synthetic(generator_models=[{"name": "X", "terms_permit_training": "maybe"}]),
            "generator_models.0.terms_permit_training",
        ),
        "confidentiality_reason_required": (
            source(confidential=True, confidentiality_reason=""),
            "confidentiality_reason",
        ),
        # Supply chain and red-teaming
        "party_name_required": (party(name=""), "name"),
        "party_role_invalid": (party(role="friend"), "role"),
        "assessor_required": (attestation(assessor=""), "assessor"),
        "assessor_independent_required": (
            attestation(assessor_independent=None),
            "assessor_independent",
        ),
        "scope_required": (attestation(scope=[]), "scope"),
        "scope_invalid": (attestation(scope=["vibes"]), "scope"),
        "performed_on_required": (attestation(performed_on=None), "performed_on"),
        "outcome_invalid": (attestation(outcome=""), "outcome"),
        "summary_required": (attestation(summary=""), "summary"),
        "next_due_order": (attestation(next_due="2025-03-01"), "next_due"),
    }


class EveryCodeTests(SimpleTestCase):
    def test_the_valid_values_have_no_problems(self):
        checks = {
            "model": model(),
            "dependency": dependency(model_id=7),
            "general": general(),
            "source": source(),
            "web crawl": crawl(),
            "synthetic": synthetic(),
            "party": party(),
            "attestation": attestation(),
            "shares": shares("100"),
        }
        for name, problems in checks.items():
            with self.subTest(name):
                self.assertEqual(found(problems), [])

    def test_a_source_s_four_dates_are_optional_and_in_order_when_given(self):
        undated = source(
            collection_start=None, collection_end="", first_used_on=None, collection_ongoing=False
        )
        self.assertEqual(found(undated), [])
        backwards = source(collection_start="2024-05-01", collection_end="2024-01-01")
        self.assertEqual(found(backwards), [("collection_dates_order", "collection_end")])

    def test_each_code_comes_from_its_smallest_bad_input_alone_and_names_its_field(self):
        for code, (problems, field) in every_code_case().items():
            with self.subTest(code):
                self.assertEqual(found(problems), [(code, field)])
                self.assertTrue(problems[0].message)
                self.assertNotIn("{", problems[0].message)

    def test_the_table_covers_every_code_in_messages(self):
        # A new code needs a row above: this fails until it has one.
        self.assertEqual(set(every_code_case()), set(MESSAGES))

    def test_messages_name_the_thing_and_the_figures(self):
        cases = {
            "Source shares must add up to 100% (within 1%); they add up to 140%": shares(60, 80),
            "The text size band does not match the exact figure (2,000,000,000,000)": general(
                training_data_size={"text": "lt_1b"}
            ),
            "The name must be 200 characters or fewer": model(name="x" * 201),
            "Total tokens must be a whole number": general(total_tokens="1.5"),
            "Total audio hours must be a number": general(
                training_data_size={"audio": "lt_10k_h"}, total_audio_hours="many"
            ),
            "The latest collection date must be today or in the past": general(
                latest_collection_date=tomorrow()
            ),
            "not a host is not a host name, like example.com": crawl(top_domains=["not a host"]),
            "XX is not an ISO 3166 country code, like GB or FR": source(countries=["XX"]),
        }
        for message, problems in cases.items():
            with self.subTest(message):
                self.assertEqual([p.message for p in problems], [message])

    def test_a_licensed_or_purchased_source_needs_owner_and_licence(self):
        for changes in ({"category": "licensed"}, {"acquisition": "purchased"}):
            with self.subTest(**changes):
                self.assertEqual(
                    found(source(owner="", licence="", **changes)),
                    [("owner_required", "owner"), ("licence_required", "licence")],
                )
        self.assertEqual(found(source(owner="", licence="")), [])

    def test_a_uk_party_s_company_number_has_the_companies_house_form(self):
        self.assertEqual(found(party(country="GB", company_number="SC 123-456")), [])
        self.assertEqual(found(party(country="GB", company_number="")), [])
        self.assertEqual(found(party(country="IE", company_number="IE 12345")), [])
        self.assertEqual(
            found(party(country="GB", company_number="123")),
            [("company_number_invalid", "company_number")],
        )
        self.assertEqual(
            found(party(country="GB", company_number="XX123456")),
            [("company_number_prefix_unknown", "company_number")],
        )

    def test_a_dependency_names_one_target_not_both_nor_neither(self):
        self.assertEqual(
            found(dependency(external_name="")), [("dependency_target_required", "depends_on")]
        )
        self.assertEqual(found(dependency(depends_on=3, external_name="")), [])
        self.assertEqual(
            found(dependency(model_id=3, depends_on="3", external_name="")),
            [("dependency_self", "depends_on")],
        )


class SizeBandTests(SimpleTestCase):
    BOUNDARIES = [
        ("text", 0, "lt_1b"),
        ("text", 999_999_999, "lt_1b"),
        ("text", 1_000_000_000, "1b_10t"),
        ("text", 10_000_000_000_000, "1b_10t"),
        ("text", 10_000_000_000_001, "gt_10t"),
        ("image", 999_999, "lt_1m"),
        ("image", 1_000_000, "1m_1b"),
        ("image", 1_000_000_000, "1m_1b"),
        ("image", 1_000_000_001, "gt_1b"),
        ("audio", Decimal("9999.9"), "lt_10k_h"),
        ("audio", Decimal("10000"), "10k_1m_h"),
        ("audio", Decimal("1000000"), "10k_1m_h"),
        ("audio", Decimal("1000000.1"), "gt_1m_h"),
        ("video", Decimal("9999.9"), "lt_10k_h"),
        ("video", Decimal("10000.0"), "10k_1m_h"),
        ("video", Decimal("1000000.1"), "gt_1m_h"),
    ]

    def test_each_exact_figure_falls_in_one_band_and_only_that_band_is_consistent(self):
        for modality, figure, band in self.BOUNDARIES:
            total = choices.SIZE_TOTAL_FIELDS[modality]
            with self.subTest(modality=modality, figure=figure):
                self.assertEqual(choices.size_band_for(modality, float(figure)), band)
                for other in choices.SIZE_BANDS[modality]:
                    problems = validate_general(
                        VALID_GENERAL
                        | {"training_data_size": {modality: other}, "total_tokens": None}
                        | {total: figure}
                    )
                    expected = [] if other == band else [("size_band_mismatch", f"{modality}")]
                    self.assertEqual(
                        [(p.code, p.field.rsplit(".", 1)[-1]) for p in problems], expected
                    )

    def test_a_band_without_an_exact_figure_is_fine_and_a_figure_needs_no_band(self):
        self.assertEqual(found(general(total_tokens=None)), [])
        self.assertEqual(found(general(total_images=5_000_000)), [])

    def test_a_negative_figure_is_one_problem_not_two(self):
        self.assertEqual(found(general(total_tokens=-5)), [("number_negative", "total_tokens")])

    def test_counts_must_be_whole_numbers_the_database_can_hold(self):
        cases = [
            (12, []),
            ("12", []),
            (Decimal("12"), []),
            (12.0, []),
            ("12.5", ["number_invalid"]),
            (12.5, ["number_invalid"]),
            ("1e3", ["number_invalid"]),
            ("twelve", ["number_invalid"]),
            (True, ["number_invalid"]),
            ([12], ["number_invalid"]),
            (2**63 - 1, []),
            (2**63, ["number_too_large"]),
        ]
        for value, codes in cases:
            with self.subTest(value=value):
                problems = validate_source(VALID_SOURCE | {"size_records": value})
                self.assertEqual([p.code for p in problems], codes)


class TopDomainTests(SimpleTestCase):
    def test_ten_thousand_hosts_with_a_few_bad_ones_name_each_bad_one(self):
        hosts = [f"site{i}.example.com" for i in range(10_000)]
        for i in (17, 4_000, 9_999):
            hosts[i] = f"bad host {i}"
        problems = crawl(top_domains=hosts)
        self.assertEqual(
            found(problems),
            [("top_domain_invalid", f"top_domains.{i}") for i in (17, 4_000, 9_999)],
        )

    def test_only_the_first_twenty_bad_hosts_are_reported(self):
        hosts = [f"site{i}.example.com" for i in range(10_000)]
        bad = list(range(100, 10_000, 300))  # 34 bad hosts
        for i in bad:
            hosts[i] = "-bad-.example"
        problems = crawl(top_domains=hosts)
        self.assertEqual(MAX_TOP_DOMAIN_PROBLEMS, 20)
        self.assertEqual([p.field for p in problems], [f"top_domains.{i}" for i in bad[:20]])

    def test_host_names(self):
        good = ["example.com", "a.b.c.example.co.uk", "xn--bcher-kva.example", "a-b.io"]
        bad = ["example", "-a.com", "a-.com", "exa mple.com", "http://a.com", "a.com/x", "", 5]
        for host in good:
            with self.subTest(host=host):
                self.assertEqual(found(crawl(top_domains=[host])), [])
        for host in bad:
            with self.subTest(host=host):
                self.assertEqual(
                    found(crawl(top_domains=[host])), [("top_domain_invalid", "top_domains.0")]
                )


class LicenceTests(SimpleTestCase):
    def test_spdx_expressions_and_custom_references_are_valid(self):
        for licence in (
            "MIT",
            "Apache-2.0 OR MIT",
            "LicenseRef-acme-1",
            "GPL-2.0+",
            "(MIT AND CC-BY-4.0) OR LicenseRef-news.2024",
            "Apache-2.0 WITH LLVM-exception",
        ):
            with self.subTest(licence):
                self.assertEqual(found(source(licence=licence)), [])

    def test_malformed_expressions_are_a_problem_never_a_crash(self):
        for licence in (
            "MIT OR",
            "((MIT",
            "Foo-1",
            "MIT Apache-2.0",
            "LicenseRef-",
            "LicenseRef-has space",
            "AND",
            "x" * 500,
            "\x00",
            42,
        ):
            with self.subTest(licence=licence):
                problems = source(licence=licence)
                self.assertEqual(found(problems), [("licence_invalid", "licence")])

    def test_the_message_says_what_is_wrong(self):
        [problem] = source(licence="Foo-1")
        self.assertEqual(
            problem.message,
            "Enter a valid SPDX licence expression, like MIT or CC-BY-4.0 (unknown licence Foo-1)",
        )


class ShareTests(SimpleTestCase):
    def test_source_shares_add_up_to_100_within_one_percent(self):
        cases = [
            (["100"], []),
            ([50, 50], []),
            (["33.333", "33.333", "33.333"], []),
            ([99], []),
            ([101], []),
            (["98.9"], ["shares_total"]),
            (["101.01"], ["shares_total"]),
            ([70, 70], ["shares_total"]),
        ]
        for values, codes in cases:
            with self.subTest(values=values):
                self.assertEqual([p.code for p in shares(*values)], codes)

    def test_a_missing_share_is_its_own_problem_not_a_wrong_total(self):
        self.assertEqual(shares(50, None), [])

    def test_a_share_is_a_number_from_0_to_100(self):
        cases = [
            (0, []),
            ("0.001", []),
            (100, []),
            (-1, ["share_invalid"]),
            ("abc", ["share_invalid"]),
            ("NaN", ["share_invalid"]),
            ("100.001", ["share_invalid"]),
        ]
        for value, codes in cases:
            with self.subTest(value=value):
                self.assertEqual([p.code for p in source(share_percent=value)], codes)


class DateTests(SimpleTestCase):
    def test_no_date_of_what_happened_may_be_in_the_future(self):
        cases = [
            (general, "latest_collection_date"),
            (source, "collection_start"),
            (source, "first_used_on"),
            (attestation, "performed_on"),
        ]
        today = timezone.localdate().isoformat()
        for check, field in cases:
            with self.subTest(field):
                self.assertIn(("date_in_future", field), found(check(**{field: tomorrow()})))
                self.assertNotIn("date_in_future", [p.code for p in check(**{field: today})])

    def test_a_collection_cannot_end_in_the_future_or_before_it_started(self):
        self.assertEqual(
            found(source(collection_end=tomorrow())), [("date_in_future", "collection_end")]
        )
        self.assertEqual(
            found(source(collection_start="2024-03-02", collection_end="2024-03-01")),
            [("collection_dates_order", "collection_end")],
        )
        self.assertEqual(found(source(collection_end="2023-01-01")), [])

    def test_an_ongoing_collection_needs_no_end(self):
        self.assertEqual(found(source(collection_end=None, collection_ongoing=True)), [])

    def test_the_next_red_teaming_may_be_due_in_the_future_but_after_the_last(self):
        self.assertEqual(found(attestation(next_due=tomorrow())), [])
        self.assertEqual(
            found(attestation(next_due="2025-02-28")), [("next_due_order", "next_due")]
        )

    def test_dates_may_be_dates_or_iso_text_but_must_be_real(self):
        self.assertEqual(found(source(collection_start=date(2023, 1, 1))), [])
        for bad in ("2024-02-30", "31/12/2024", "yesterday"):
            with self.subTest(bad):
                self.assertEqual(
                    found(source(collection_start=bad)), [("date_invalid", "collection_start")]
                )
        self.assertEqual(
            found(source(collection_end="2024-13-01")), [("date_invalid", "collection_end")]
        )


class WrongTypeTests(TestCase):
    """Whatever arrives, validation answers with problems; what it lets through can be stored."""

    ODD_VALUES = [None, "", "   ", 0, -1, 5, 1.5, True, "x" * 5000, ["x"], {"a": 1}, [{"a": 1}]]

    def test_validation_never_crashes_and_whatever_it_passes_can_be_saved(self):
        declaration = ProvenanceDeclarationFactory()
        for base in (VALID_SOURCE, VALID_CRAWL, VALID_SYNTHETIC):
            for field in SOURCE_FIELDS:
                for value in self.ODD_VALUES:
                    values = clean_source_values(base | {field: value})
                    with self.subTest(category=base["category"], field=field, value=value):
                        problems = validate_source(values)
                        if not problems:
                            with transaction.atomic():
                                saved = DataSource.objects.create(declaration=declaration, **values)
                            self.assertIsNotNone(saved.pk)

    def test_the_other_rules_never_crash_on_odd_values(self):
        for check, base in (
            (validate_model, VALID_MODEL),
            (validate_general, VALID_GENERAL),
            (validate_party, VALID_PARTY),
            (validate_attestation, VALID_ATTESTATION),
        ):
            for field in base:
                for value in self.ODD_VALUES:
                    with self.subTest(check=check.__name__, field=field, value=value):
                        self.assertIsInstance(check(base | {field: value}), list)
        self.assertEqual(
            found(general(languages=[5, "en"])),
            [("language_invalid", "languages.0.code"), ("language_invalid", "languages.1.code")],
        )


class WholeDeclarationTests(TestCase):
    def test_a_complete_declaration_has_no_problems(self):
        declaration = complete_declaration(sources=5)
        self.assertEqual(validate_declaration(declaration_data(declaration)), [])

    def test_problems_name_their_row_within_the_declaration(self):
        declaration = complete_declaration(sources=3, signed_at=None)
        data = declaration_data(declaration)
        data["sources"][1]["top_domains"] = ["ok.example", "bad host"]
        data["sources"][2]["licence"] = "MIT OR"
        data["supply_chain"][0]["role"] = "friend"
        data["red_team_attestations"][0]["summary"] = ""
        self.assertEqual(
            found(validate_declaration(data)),
            [
                ("top_domain_invalid", "sources.1.top_domains.1"),
                ("licence_invalid", "sources.2.licence"),
                ("party_role_invalid", "supply_chain.0.role"),
                ("summary_required", "red_team_attestations.0.summary"),
                ("statement_not_confirmed", "signed_at"),
            ],
        )

    def test_a_declaration_needs_sources_and_the_statement_of_truth(self):
        declaration = ProvenanceDeclarationFactory()
        self.assertEqual(
            found(validate_declaration(declaration_data(declaration))),
            [
                ("sources_required", "sources"),
                ("signatory_name_required", "signatory_name"),
                ("signatory_role_required", "signatory_role"),
                ("statement_not_confirmed", "signed_at"),
            ],
        )

    def test_shares_of_140_percent_stop_the_declaration(self):
        declaration = complete_declaration(sources=2)
        declaration.sources.update(share_percent=70)
        self.assertEqual(
            found(validate_declaration(declaration_data(declaration))),
            [("shares_total", "sources")],
        )


class TwoLevelTests(SimpleTestCase):
    """DESIGN §3.4: a value that can't be stored is `shape`, refused wherever it is written; a
    missing or inconsistent answer is not, and a draft keeps it until submission."""

    def levels(self, problems) -> list[tuple[str, bool]]:
        return [(p.code, p.shape) for p in problems]

    def test_what_cannot_be_stored_is_shape(self):
        cases = {
            "text over its limit": source(name="x" * 301),
            "a share that isn't a number": source(share_percent="lots"),
            "a share over 100": source(share_percent=150),
            "a choice not in its list": source(personal_data="perhaps"),
            "a source with no kind": source(category=""),
            "a modality not in the list": source(modalities=["smell"]),
            "a date that isn't one": source(collection_start="2024-02-30"),
            "a yes/no that isn't one": source(collection_ongoing="maybe"),
            "a list given as text": source(countries="GB"),
            "a size too big to hold": source(size_bytes=2**64),
            "a party with no role": validate_party(VALID_PARTY | {"role": ""}),
            "a generator's terms not in the list": synthetic(
                generator_models=[{"name": "G", "terms_permit_training": "sometimes"}]
            ),
            "a size band not in the list": general(training_data_size={"text": "huge"}),
        }
        for name, problems in cases.items():
            with self.subTest(name):
                self.assertTrue(problems, name)
                self.assertTrue(all(shape for _, shape in self.levels(problems)), problems)

    def test_what_is_missing_or_inconsistent_is_kept(self):
        cases = {
            "a name missing": source(name=""),
            "a licence that isn't SPDX": source(licence="MIT AND ("),
            "a country code that isn't ISO": source(countries=["XX"]),
            "a language code that isn't ISO": source(languages=["zz"]),
            "dates out of order": source(
                collection_start="2024-05-01", collection_end="2024-01-01"
            ),
            "a date in the future": source(first_used_on="2999-01-01"),
            "a host that isn't one": crawl(top_domains=["not a host"]),
            "an unanswered choice": source(personal_data=""),
            "a generator's terms unanswered": synthetic(
                generator_models=[{"name": "G", "terms_permit_training": ""}]
            ),
            "no size band yet": general(training_data_size={}),
            "a negative total": general(total_tokens=-1),
            "shares that don't add up": shares(60, 80),
        }
        for name, problems in cases.items():
            with self.subTest(name):
                self.assertTrue(problems, name)
                self.assertFalse(any(shape for _, shape in self.levels(problems)), problems)
