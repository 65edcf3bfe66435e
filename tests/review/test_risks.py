"""The risk rules: each one raised and not raised at its boundaries, on live data and snapshots."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from django.test import SimpleTestCase, TestCase

from registry.declarations.models import DataSource, RedTeamAttestation, SupplyChainParty
from registry.declarations.selectors import declaration_data
from registry.lib.canonical import canonical_json
from registry.providers.selectors import ownership_data
from registry.review import risks
from registry.review.risks import (
    DECLARATION_CHECKS,
    OWNERSHIP_CHECKS,
    RULES,
    SEVERITIES,
    Flag,
    declaration_flags,
    ownership_flags,
    public_alerts,
)
from tests.factories import (
    InvestmentLinkFactory,
    complete_declaration,
    complete_ownership_statement,
)

TODAY = date(2026, 6, 1)

SOURCE = {
    "name": "Open Encyclopaedia",
    "category": "public_dataset",
    "share_percent": Decimal("50"),
    "personal_data": "no",
    "confidential": False,
}
CRAWL = SOURCE | {
    "name": "Acme crawl",
    "category": "web_crawl",
    "share_percent": Decimal("30"),
    "robots_txt_respected": True,
    "tdm_opt_out_respected": True,
}
SYNTHETIC = SOURCE | {
    "name": "Teacher dialogues",
    "category": "synthetic",
    "share_percent": Decimal("20"),
    "generator_models": [
        {"name": "Teacher 70B", "provider": "Open Models Ltd", "terms_permit_training": "yes"}
    ],
}
PARTY = {"name": "Compute Partner Ltd", "role": "compute", "country": "GB"}
ATTESTATION = {
    "assessor": "Independent Assurance LLP",
    "performed_on": TODAY - timedelta(days=30),
    "outcome": "pass",
    "next_due": TODAY + timedelta(days=335),
}
DECLARATION = {
    "sources": [SOURCE, CRAWL, SYNTHETIC],
    "supply_chain": [PARTY],
    "red_team_attestations": [ATTESTATION],
}

FOUNDERS = {
    "investor_name": "The Founders",
    "investor_kind": "individual",
    "country": "GB",
    "share_percent": Decimal("10"),
    "votes_percent": Decimal("10"),
    "board_appointment": False,
    "significant_influence": False,
    "state_affiliation": "none",
    "ceased_on": None,
}
US_FUND = FOUNDERS | {"investor_name": "Northern Ventures LP", "country": "US"}
CN_STATE = FOUNDERS | {
    "investor_name": "Eastern Capital Co",
    "investor_kind": "state_body",
    "country": "CN",
    "state_affiliation": "state_owned",
}


def declaration(**changes) -> dict:
    return DECLARATION | changes


def with_sources(*sources: dict) -> dict:
    return declaration(sources=list(sources))


def crawl(**changes) -> dict:
    return with_sources(SOURCE, CRAWL | changes, SYNTHETIC)


def synthetic(*terms: str) -> dict:
    generators = [
        {"name": f"Generator {i + 1}", "provider": "Models Ltd", "terms_permit_training": answer}
        for i, answer in enumerate(terms)
    ]
    return with_sources(SOURCE, CRAWL, SYNTHETIC | {"generator_models": generators})


def shares(*values) -> dict:
    return with_sources(
        *[SOURCE | {"name": f"S{i}", "share_percent": v} for i, v in enumerate(values)]
    )


def performed(*days_ago: int, outcome: str = "pass") -> dict:
    return declaration(
        red_team_attestations=[
            ATTESTATION | {"performed_on": TODAY - timedelta(days=days), "outcome": outcome}
            for days in days_ago
        ]
    )


def ownership(*links: dict) -> dict:
    return {"links": list(links)}


def codes(flags: list[Flag]) -> list[str]:
    return [flag.code for flag in flags]


def raised(data: dict, today: date = TODAY) -> list[str]:
    return codes(declaration_flags(data, today))


def raised_by_ownership(data: dict) -> list[str]:
    return codes(ownership_flags(data))


def flag(flags: list[Flag], code: str) -> Flag:
    (found,) = [f for f in flags if f.code == code]
    return found


def every_rule_case() -> dict[str, tuple[list[str], list[str]]]:
    """For every rule: the codes raised by the smallest change that raises it, and by the
    nearest change that does not."""
    return {
        "foreign_state_control": (
            raised_by_ownership(ownership(CN_STATE | {"significant_influence": True})),
            raised_by_ownership(ownership(CN_STATE)),
        ),
        "foreign_control": (
            raised_by_ownership(ownership(US_FUND | {"share_percent": Decimal("50.001")})),
            raised_by_ownership(ownership(US_FUND | {"share_percent": Decimal("50")})),
        ),
        "generator_terms": (raised(synthetic("yes", "no")), raised(synthetic("yes", "yes"))),
        "personal_data_unknown": (
            raised(with_sources(SOURCE | {"personal_data": "unknown"}, CRAWL, SYNTHETIC)),
            raised(with_sources(SOURCE | {"personal_data": "yes"}, CRAWL, SYNTHETIC)),
        ),
        "crawl_without_opt_out": (
            raised(crawl(tdm_opt_out_respected=False)),
            raised(crawl()),
        ),
        "no_red_team": (raised(declaration(red_team_attestations=[])), raised(performed(30))),
        "red_team_overdue": (raised(performed(366)), raised(performed(365))),
        "red_team_open_findings": (
            raised(performed(30, outcome="findings_open")),
            raised(performed(30, outcome="findings_remediated")),
        ),
        "api_aggregator": (
            raised(declaration(supply_chain=[PARTY, PARTY | {"role": "api_aggregator"}])),
            raised(declaration(supply_chain=[PARTY | {"role": "model_vendor"}])),
        ),
        "shares_inconsistent": (raised(shares(60, "41.001")), raised(shares(60, 41))),
        "confidential_heavy": (
            raised(
                with_sources(
                    SOURCE | {"confidential": True, "share_percent": Decimal("50.001")},
                    CRAWL | {"share_percent": Decimal("49.999")},
                )
            ),
            raised(with_sources(SOURCE | {"confidential": True}, CRAWL, SYNTHETIC)),
        ),
    }


class EveryRuleTests(SimpleTestCase):
    def test_a_clean_filing_raises_nothing(self):
        self.assertEqual(raised(DECLARATION), [])
        self.assertEqual(raised_by_ownership(ownership(FOUNDERS, US_FUND, CN_STATE)), [])
        self.assertEqual(raised_by_ownership(ownership()), [])
        self.assertEqual(raised_by_ownership({}), [])

    def test_each_rule_is_raised_alone_by_its_case_and_not_by_the_nearest_other(self):
        for code, (on, off) in every_rule_case().items():
            with self.subTest(code):
                self.assertEqual(on, [code])
                self.assertEqual(off, [])

    def test_the_table_covers_every_rule(self):
        # A new rule needs a row above: this fails until it has one. Cross-filing rules read
        # other filings too: tests/review/test_extraction.py raises them.
        self.assertEqual(set(every_rule_case()), set(RULES) - risks.CROSS_FILING)

    def test_every_rule_has_one_check_for_the_filing_it_applies_to(self):
        by_filing = {
            "declaration": set(DECLARATION_CHECKS) | risks.CROSS_FILING,
            "ownership": set(OWNERSHIP_CHECKS),
        }
        for code, rule in RULES.items():
            with self.subTest(code):
                self.assertEqual(rule.code, code)
                self.assertIn(code, by_filing[rule.applies_to])
                self.assertIn(rule.severity, SEVERITIES)
                # One sentence: a capital, a full stop at the end and none before it.
                self.assertRegex(rule.explanation, r"^[A-Z]")
                self.assertTrue(rule.explanation.endswith("."))
                self.assertNotIn(". ", rule.explanation)
        self.assertEqual(
            set(DECLARATION_CHECKS) | set(OWNERSHIP_CHECKS) | risks.CROSS_FILING, set(RULES)
        )
        self.assertEqual(set(DECLARATION_CHECKS) & set(OWNERSHIP_CHECKS), set())

    def test_which_rules_are_public_alerts(self):
        self.assertEqual(
            {code for code, rule in RULES.items() if not rule.public},
            {"api_aggregator", "shares_inconsistent", "generator_terms_disputed"},
        )


class OrderTests(SimpleTestCase):
    def test_flags_come_most_severe_first_then_by_code(self):
        data = declaration(
            sources=[SOURCE | {"personal_data": "unknown", "share_percent": 10}],
            supply_chain=[PARTY | {"role": "api_aggregator"}],
            red_team_attestations=[],
        )
        flags = declaration_flags(data, TODAY)
        self.assertEqual(
            [(f.severity, f.code) for f in flags],
            [
                ("high", "no_red_team"),
                ("medium", "personal_data_unknown"),
                ("low", "api_aggregator"),
                ("low", "shares_inconsistent"),
            ],
        )

    def test_public_alerts_keep_public_flags_only_and_sort_them(self):
        flags = [
            Flag("shares_inconsistent", "low", "x", False),
            Flag("red_team_overdue", "medium", "y", True),
            Flag("foreign_control", "high", "z", True),
            Flag("api_aggregator", "low", "w", False),
        ]
        self.assertEqual(codes(public_alerts(flags)), ["foreign_control", "red_team_overdue"])
        self.assertEqual(public_alerts([]), [])

    def test_each_flag_carries_its_rules_severity_and_publicity(self):
        everything_wrong = declaration(
            sources=[
                SOURCE | {"personal_data": "unknown", "confidential": True, "share_percent": 60},
                CRAWL | {"robots_txt_respected": False},
                SYNTHETIC | {"generator_models": [{"name": "X", "terms_permit_training": "no"}]},
            ],
            supply_chain=[PARTY | {"role": "api_aggregator"}],
            red_team_attestations=[
                ATTESTATION | {"performed_on": "2020-01-01", "outcome": "findings_open"}
            ],
        )
        flags = [
            *declaration_flags(everything_wrong, TODAY),
            *declaration_flags(declaration(red_team_attestations=[]), TODAY),
            *ownership_flags(ownership(CN_STATE | {"share_percent": 60})),
            *risks.cross_filing_flags([risks.Dispute("Beta", "M 1", "S", "G 1", "Acme")]),
        ]
        self.assertEqual(sorted(codes(flags)), sorted(RULES))
        for found in flags:
            with self.subTest(found.code):
                rule = RULES[found.code]
                self.assertEqual((found.severity, found.public), (rule.severity, rule.public))
                self.assertTrue(found.message)


class OwnershipRuleTests(SimpleTestCase):
    def test_foreign_state_control_at_its_boundaries(self):
        cases = {
            "25% of the shares is not control": (CN_STATE | {"share_percent": 25}, False),
            "25.001% of the shares is": (CN_STATE | {"share_percent": "25.001"}, True),
            "25% of the votes is not": (CN_STATE | {"votes_percent": Decimal(25)}, False),
            "25.001% of the votes is": (CN_STATE | {"votes_percent": Decimal("25.001")}, True),
            "board appointment rights alone": (CN_STATE | {"board_appointment": True}, True),
            "significant influence alone": (CN_STATE | {"significant_influence": True}, True),
            "each kind of affiliation": (
                CN_STATE | {"state_affiliation": "military_linked", "share_percent": 30},
                True,
            ),
            "no affiliation": (
                CN_STATE
                | {"state_affiliation": "none", "share_percent": 30, "board_appointment": True},
                False,
            ),
            "a British state body is not foreign": (
                CN_STATE | {"country": "GB", "share_percent": 30},
                False,
            ),
            "a blank country is not known to be foreign": (
                CN_STATE | {"country": "", "share_percent": 30},
                False,
            ),
            "an ended holding": (
                CN_STATE | {"share_percent": 30, "ceased_on": date(2025, 1, 1)},
                False,
            ),
        }
        for name, (link, expected) in cases.items():
            with self.subTest(name):
                found = "foreign_state_control" in raised_by_ownership(ownership(link))
                self.assertIs(found, expected)

    def test_foreign_control_adds_up_foreign_holdings_by_exact_figures(self):
        cases = {
            "exactly half of the shares is not control": ([US_FUND | {"share_percent": 50}], False),
            "more than half is": ([US_FUND | {"share_percent": "50.001"}], True),
            "votes alone are enough": ([US_FUND | {"votes_percent": 51}], True),
            "foreign holdings add up": (
                [US_FUND | {"share_percent": 30}, CN_STATE | {"share_percent": Decimal("20.5")}],
                True,
            ),
            "British holdings don't count": (
                [US_FUND | {"share_percent": 40}, FOUNDERS | {"share_percent": 60}],
                False,
            ),
            "ended holdings don't count": (
                [
                    US_FUND | {"share_percent": 40},
                    US_FUND | {"share_percent": 20, "ceased_on": "2024-01-01"},
                ],
                False,
            ),
            "a missing figure counts as nothing": (
                [US_FUND | {"share_percent": None, "votes_percent": ""}],
                False,
            ),
        }
        for name, (links, expected) in cases.items():
            with self.subTest(name):
                found = "foreign_control" in raised_by_ownership(ownership(*links))
                self.assertIs(found, expected)

    def test_messages_name_the_investors_but_never_their_exact_holdings(self):
        flags = ownership_flags(
            ownership(
                CN_STATE | {"share_percent": Decimal("37.123"), "significant_influence": True},
                US_FUND | {"share_percent": Decimal("14.321"), "votes_percent": Decimal("61.5")},
            )
        )
        self.assertEqual(
            flag(flags, "foreign_state_control").message,
            "State-affiliated foreign investors with control or influence: Eastern Capital Co "
            "(China, state-owned: more than 25% of the shares, significant influence)",
        )
        self.assertEqual(
            flag(flags, "foreign_control").message,
            "Foreign investors together hold more than 50% of the shares and of the votes",
        )
        for found in flags:
            for figure in ("37.123", "14.321", "61.5", "51.444", "71.5"):
                self.assertNotIn(figure, found.message)


class SourceRuleTests(SimpleTestCase):
    def test_generator_terms_that_forbid_training_or_are_unknown(self):
        cases = {
            ("yes",): False,
            ("no",): True,
            ("unknown",): True,
            ("yes", "unknown"): True,
            ("",): True,  # unanswered is not known to permit training
        }
        for terms, expected in cases.items():
            with self.subTest(terms):
                self.assertIs("generator_terms" in raised(synthetic(*terms)), expected)

    def test_generator_terms_only_concern_synthetic_sources(self):
        forbidden = [{"name": "X", "terms_permit_training": "no"}]
        data = with_sources(SOURCE | {"generator_models": forbidden}, CRAWL, SYNTHETIC)
        self.assertEqual(raised(data), [])

    def test_a_crawl_must_respect_robots_txt_and_tdm_opt_outs(self):
        cases = {
            "both respected": ({}, None),
            "robots.txt ignored": (
                {"robots_txt_respected": False},
                "Crawled without respecting opt-outs: Acme crawl (robots.txt)",
            ),
            "TDM opt-outs ignored": (
                {"tdm_opt_out_respected": False},
                "Crawled without respecting opt-outs: Acme crawl (TDM opt-outs)",
            ),
            "neither answered": (
                {"robots_txt_respected": None, "tdm_opt_out_respected": None},
                "Crawled without respecting opt-outs: Acme crawl (robots.txt and TDM opt-outs)",
            ),
        }
        for name, (changes, message) in cases.items():
            with self.subTest(name):
                flags = declaration_flags(crawl(**changes), TODAY)
                found = [f.message for f in flags if f.code == "crawl_without_opt_out"]
                self.assertEqual(found, [message] if message else [])

    def test_only_a_web_crawl_is_judged_on_opt_outs(self):
        data = with_sources(SOURCE | {"robots_txt_respected": False}, CRAWL, SYNTHETIC)
        self.assertEqual(raised(data), [])

    def test_personal_data_answers(self):
        for answer, expected in {"yes": False, "no": False, "unknown": True}.items():
            with self.subTest(answer):
                data = with_sources(SOURCE | {"personal_data": answer}, CRAWL, SYNTHETIC)
                self.assertIs("personal_data_unknown" in raised(data), expected)

    def test_shares_add_up_to_100_within_one_percent(self):
        cases = {
            (100,): False,
            (60, 39): False,  # 99
            (60, Decimal("41.5")): True,  # 101.5
            (60, 41): False,  # 101
            (60, "38.999"): True,
            ("33.334", "33.333", "33.333"): False,
            (60, None): True,  # a missing share counts as nothing
        }
        for values, expected in cases.items():
            with self.subTest(values):
                self.assertIs("shares_inconsistent" in raised(shares(*values)), expected)
        self.assertNotIn("shares_inconsistent", raised(with_sources()))

    def test_the_shares_message_gives_the_total(self):
        flags = declaration_flags(shares(60, Decimal("41.500")), TODAY)
        self.assertEqual(
            flag(flags, "shares_inconsistent").message, "Source shares add up to 101.5%, not 100%"
        )

    def test_confidential_sources_holding_more_than_half_of_the_mix(self):
        hidden = SOURCE | {"confidential": True}
        cases = {
            "exactly half is not": ([hidden | {"share_percent": 50}, CRAWL, SYNTHETIC], False),
            "more than half together is": (
                [hidden | {"share_percent": 40}, hidden | {"share_percent": "10.001"}, CRAWL],
                True,
            ),
            "shares of public sources don't count": (
                [SOURCE | {"share_percent": 80}, hidden | {"share_percent": 20}],
                False,
            ),
        }
        for name, (sources, expected) in cases.items():
            with self.subTest(name):
                self.assertIs("confidential_heavy" in raised(with_sources(*sources)), expected)


class RedTeamRuleTests(SimpleTestCase):
    def test_red_teaming_is_overdue_after_365_days(self):
        cases = {
            "performed today": ((0,), []),
            "exactly 365 days ago": ((365,), []),
            "366 days ago": ((366,), ["red_team_overdue"]),
            "a recent one among old ones": ((800, 10, 400), []),
            "none at all": ((), ["no_red_team"]),
        }
        for name, (days_ago, expected) in cases.items():
            with self.subTest(name):
                self.assertEqual(raised(performed(*days_ago)), expected)

    def test_the_clock_is_the_today_argument(self):
        data = performed(0)
        self.assertEqual(raised(data, today=TODAY + timedelta(days=365)), [])
        self.assertEqual(raised(data, today=TODAY + timedelta(days=366)), ["red_team_overdue"])

    def test_an_undated_attestation_is_not_in_time(self):
        data = declaration(red_team_attestations=[ATTESTATION | {"performed_on": None}])
        flags = declaration_flags(data, TODAY)
        self.assertEqual(
            flag(flags, "red_team_overdue").message,
            "No red-teaming in the last 12 months: none is dated",
        )

    def test_open_findings_count_on_the_latest_attestation_only(self):
        old_open = ATTESTATION | {
            "performed_on": TODAY - timedelta(days=90),
            "outcome": "findings_open",
        }
        new_pass = ATTESTATION | {"performed_on": TODAY - timedelta(days=10), "outcome": "pass"}
        cases = {
            "open findings since remediated": ([old_open, new_pass], []),
            "open findings in the latest, filed first": (
                [old_open | {"performed_on": TODAY}, new_pass],
                ["red_team_open_findings"],
            ),
            "of two on the same day, the one filed later": (
                [new_pass, new_pass | {"outcome": "findings_open"}],
                ["red_team_open_findings"],
            ),
            "an undated one is the oldest": (
                [new_pass, old_open | {"performed_on": None}],
                [],
            ),
        }
        for name, (attestations, expected) in cases.items():
            with self.subTest(name):
                self.assertEqual(raised(declaration(red_team_attestations=attestations)), expected)

    def test_messages_say_when(self):
        flags = declaration_flags(performed(400, outcome="findings_open"), TODAY)
        self.assertEqual(
            [f.message for f in flags],
            [
                "The latest red-teaming on 27 April 2025 left findings open",
                "No red-teaming in the last 12 months: the latest was on 27 April 2025",
            ],
        )


class NamingTests(SimpleTestCase):
    def test_a_public_flag_counts_confidential_sources_without_naming_them(self):
        hidden = {"confidential": True, "name": "Secret Newswire"}
        data = with_sources(
            SOURCE | {"personal_data": "unknown", "share_percent": 20},
            SOURCE | hidden | {"personal_data": "unknown", "share_percent": 20},
            CRAWL | hidden | {"name": "Secret crawl", "robots_txt_respected": False},
            SYNTHETIC
            | hidden
            | {
                "name": "Secret synthetic",
                "generator_models": [{"name": "Secret Teacher", "terms_permit_training": "no"}],
            },
            SOURCE | hidden | {"name": "Secret archive", "category": "other", "share_percent": 10},
        )
        flags = declaration_flags(data, TODAY)
        self.assertEqual(
            {f.code: f.message for f in flags if f.public},
            {
                "confidential_heavy": (
                    "Confidential sources make up more than half of the training mix"
                ),
                "crawl_without_opt_out": (
                    "Crawled without respecting opt-outs: 1 confidential source"
                ),
                "generator_terms": (
                    "Synthetic data from models whose terms forbid training or are unknown: "
                    "1 confidential source"
                ),
                "personal_data_unknown": (
                    "Not known whether these sources hold personal data: Open Encyclopaedia and "
                    "1 confidential source"
                ),
            },
        )
        for found in flags:
            self.assertNotIn("Secret", found.message)

    def test_a_public_flag_names_sources_the_public_can_see(self):
        flags = declaration_flags(synthetic("no", "yes", "unknown"), TODAY)
        self.assertEqual(
            flag(flags, "generator_terms").message,
            "Synthetic data from models whose terms forbid training or are unknown: "
            "Teacher dialogues (generated by Generator 1, Generator 3)",
        )

    def test_a_long_list_names_three_then_counts_the_rest(self):
        many = [
            SOURCE | {"name": f"S{i}", "personal_data": "unknown", "share_percent": 10}
            for i in range(10)
        ]
        hidden = SOURCE | {"confidential": True, "personal_data": "unknown", "share_percent": 0}
        flags = declaration_flags(with_sources(*many, hidden, hidden), TODAY)
        self.assertEqual(
            flag(flags, "personal_data_unknown").message,
            "Not known whether these sources hold personal data: S0, S1, S2, 7 more and "
            "2 confidential sources",
        )

    def test_a_regulator_only_flag_names_the_party_and_its_country(self):
        parties = [
            PARTY | {"name": "Model Mart Inc", "role": "api_aggregator", "country": "US"},
            PARTY | {"name": "Relay Ltd", "role": "api_aggregator", "country": ""},
        ]
        flags = declaration_flags(declaration(supply_chain=parties), TODAY)
        self.assertEqual(
            flag(flags, "api_aggregator").message,
            "API aggregators in the supply chain: Model Mart Inc (United States) and Relay Ltd "
            "(country not given)",
        )

    def test_listed(self):
        cases = {
            (("A",), 0): "A",
            (("A", "B"), 0): "A and B",
            (("A", "B", "C"), 1): "A, B, C and 1 confidential source",
            (("A", "B", "C", "D"), 0): "A, B, C and 1 more",
            ((), 2): "2 confidential sources",
        }
        for (names, hidden), expected in cases.items():
            with self.subTest(expected):
                self.assertEqual(risks.listed(list(names), hidden), expected)


class SnapshotTests(SimpleTestCase):
    """A submission's snapshot keeps dates and decimals as text; the rules read both forms."""

    def snapshot(self, data: dict) -> dict:
        return json.loads(canonical_json(data))

    def test_every_rule_reads_the_same_from_a_snapshot(self):
        for code, data in {
            "clean": DECLARATION,
            "overdue": performed(366),
            "in time": performed(365),
            "open findings": performed(30, outcome="findings_open"),
            "shares": shares(60, "41.5"),
            "confidential": with_sources(SOURCE | {"confidential": True, "share_percent": 51}),
        }.items():
            with self.subTest(code):
                self.assertEqual(raised(self.snapshot(data)), raised(data))

    def test_a_snapshot_holds_text_where_the_data_held_decimals_and_dates(self):
        snapshot = self.snapshot(DECLARATION)
        self.assertEqual(snapshot["sources"][0]["share_percent"], "50")
        self.assertEqual(snapshot["red_team_attestations"][0]["performed_on"], "2026-05-02")

    def test_ownership_from_a_snapshot(self):
        data = ownership(
            CN_STATE | {"share_percent": Decimal("25.001")},
            US_FUND | {"share_percent": Decimal("25.000"), "ceased_on": date(2025, 1, 1)},
        )
        snapshot = self.snapshot(data)
        self.assertEqual(snapshot["links"][1]["ceased_on"], "2025-01-01")
        self.assertEqual(raised_by_ownership(snapshot), ["foreign_state_control"])
        self.assertEqual(raised_by_ownership(snapshot), raised_by_ownership(data))

    def test_text_that_is_not_a_number_or_a_date_counts_as_missing(self):
        data = declaration(red_team_attestations=[ATTESTATION | {"performed_on": "last spring"}])
        self.assertEqual(raised(data), ["red_team_overdue"])
        self.assertEqual(raised(shares("lots", 100)), [])


class FilingDataTests(TestCase):
    """The rules read the real shapes of `declaration_data` and `ownership_data`."""

    def test_a_complete_declaration_in_time_raises_nothing_until_it_changes(self):
        declaration = complete_declaration(sources=4)
        RedTeamAttestation.objects.filter(declaration=declaration).update(performed_on=TODAY)
        self.assertEqual(raised(declaration_data(declaration)), [])
        sources = list(declaration.sources.order_by("id"))
        DataSource.objects.filter(pk=sources[1].pk).update(tdm_opt_out_respected=False)
        DataSource.objects.filter(pk=sources[2].pk).update(
            generator_models=[{"name": "Closed 1", "provider": "P", "terms_permit_training": "no"}]
        )
        DataSource.objects.filter(pk=sources[3].pk).update(
            personal_data="unknown", share_percent=60
        )
        SupplyChainParty.objects.filter(declaration=declaration).update(role="api_aggregator")
        RedTeamAttestation.objects.filter(declaration=declaration).update(outcome="findings_open")
        data = declaration_data(declaration)
        expected = [
            "crawl_without_opt_out",
            "generator_terms",
            "personal_data_unknown",
            "red_team_open_findings",
            "api_aggregator",
            "shares_inconsistent",
        ]
        self.assertEqual(raised(data), expected)
        self.assertEqual(raised(json.loads(canonical_json(data))), expected)

    def test_ownership_statement_data(self):
        statement = complete_ownership_statement(links=2)
        self.assertEqual(raised_by_ownership(ownership_data(statement)), [])
        InvestmentLinkFactory(
            statement=statement,
            investor_name="Sovereign Fund",
            investor_kind="sovereign_fund",
            country="AE",
            share_percent=Decimal("50.001"),
            votes_percent=Decimal("10"),
            state_affiliation="state_controlled",
        )
        data = ownership_data(statement)
        self.assertEqual(raised_by_ownership(data), ["foreign_control", "foreign_state_control"])
        self.assertEqual(
            raised_by_ownership(json.loads(canonical_json(data))), raised_by_ownership(data)
        )
