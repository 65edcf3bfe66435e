"""One control verdict: the rules, the label, its alerts, the register's filters and the API agree.

The verdict is decided by `risks.control` alone, from the ownership flags it returns with it;
the label shows it, the alerts come from the same flags, and acceptance fixes it on the statement
for the filters. These tests try every combination of what the rules read, so that no label can
say "UK-controlled" beside a foreign-state alert, and no filter can miss a model its label flags.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from django.test import SimpleTestCase

from registry.filings.states import Status
from registry.labels import selectors
from registry.providers.models import ControlVerdict, OwnershipStatement
from registry.review import risks
from tests.base import PersonaTestCase
from tests.factories import MembershipFactory, ProviderFactory
from tests.labels import accepted_ownership, published_model, withdraw

# Each thing an ownership rule reads of an investor, with values either side of its thresholds.
COUNTRIES = ["GB", "US", ""]
AFFILIATIONS = ["none", "state_owned", "military_linked"]
HOLDINGS = [Decimal(0), Decimal(25), Decimal("25.001"), Decimal(50), Decimal("50.001")]
FLAGS = [False, True]
ENDED = [None, date(2024, 1, 1)]


def investors() -> list[dict]:
    """Every combination of the answers the rules read (1,800 investors)."""
    return [
        {
            "country": country,
            "state_affiliation": affiliation,
            "share_percent": shares,
            "votes_percent": votes,
            "board_appointment": board,
            "significant_influence": influence,
            "ceased_on": ended,
        }
        for country, affiliation, shares, votes, board, influence, ended in itertools.product(
            COUNTRIES, AFFILIATIONS, HOLDINGS, HOLDINGS[:2], FLAGS, FLAGS, ENDED
        )
    ]


def expected_verdict(links: list[dict]) -> ControlVerdict:
    """The DESIGN's definition, written out independently of `risks`."""
    current = [link for link in links if link["ceased_on"] is None]
    foreign = [link for link in current if link["country"] not in ("", "GB")]
    state = [
        link
        for link in foreign
        if link["state_affiliation"] != "none"
        and (
            link["share_percent"] > 25
            or link["votes_percent"] > 25
            or link["board_appointment"]
            or link["significant_influence"]
        )
    ]
    if state:
        return ControlVerdict.FOREIGN_STATE_INFLUENCE
    shares = sum(link["share_percent"] for link in foreign)
    votes = sum(link["votes_percent"] for link in foreign)
    if shares > 50 or votes > 50:
        return ControlVerdict.FOREIGN_CONTROLLED
    return ControlVerdict.UK_CONTROLLED


class VerdictRuleTests(SimpleTestCase):
    def assertConsistent(self, links: list[dict]) -> None:
        control = risks.control({"links": links})
        codes = {flag.code for flag in control.flags}
        self.assertEqual(control.verdict, expected_verdict(links), links)
        # Beside the verdict, the alerts can never say otherwise.
        if control.verdict == ControlVerdict.UK_CONTROLLED:
            self.assertFalse(codes & {"foreign_control", "foreign_state_control"}, links)
            self.assertEqual(control.countries, ())
        if control.verdict == ControlVerdict.FOREIGN_CONTROLLED:
            self.assertEqual(codes, {"foreign_control"}, links)
        if control.verdict == ControlVerdict.FOREIGN_STATE_INFLUENCE:
            self.assertIn("foreign_state_control", codes, links)
        self.assertTrue(set(control.countries) <= {link["country"] for link in links}, links)
        self.assertNotIn("GB", control.countries)

    def test_every_single_investor(self):
        for link in investors():
            self.assertConsistent([link])

    def test_every_pair_of_current_investors(self):
        current = [link for link in investors() if link["ceased_on"] is None]
        # Holdings that add up across investors: every pair of a smaller grid.
        grid = [
            link
            for link in current
            if link["share_percent"] in (Decimal(0), Decimal(25), Decimal("25.001"))
            and link["state_affiliation"] != "military_linked"
        ]
        for first, second in itertools.combinations_with_replacement(grid, 2):
            self.assertConsistent([first, second])

    def test_no_accepted_statement_is_not_declared(self):
        control = risks.control(None)
        self.assertEqual(
            (control.verdict, control.countries, control.flags), ("not_declared", (), ())
        )

    def test_the_countries_behind_the_verdict_largest_holding_first(self):
        links = [
            {"country": "US", "share_percent": 20, "votes_percent": 0, "state_affiliation": "none"},
            {"country": "FR", "share_percent": 35, "votes_percent": 0, "state_affiliation": "none"},
            {"country": "GB", "share_percent": 45, "votes_percent": 0, "state_affiliation": "none"},
        ]
        self.assertEqual(risks.control({"links": links}).countries, ("FR", "US"))
        links.append(
            {
                "country": "CN",
                "share_percent": 1,
                "board_appointment": True,
                "state_affiliation": "government",
            }
        )
        control = risks.control({"links": links})
        self.assertEqual((control.verdict, control.countries), ("foreign_state_influence", ("CN",)))


# What acceptance and the register see, for one provider each: the statement's investors, the
# verdict, and whether the foreign_control alert shows beside it.
REGISTER_CASES = {
    "British founders": (
        [{"country": "GB", "share_percent": 90, "votes_percent": 90}],
        "uk_controlled",
        False,
    ),
    "a minority foreign stake": (
        [{"country": "US", "share_percent": 49, "votes_percent": 49}],
        "uk_controlled",
        False,
    ),
    "foreign investors together": (
        [
            {"country": "US", "share_percent": 30, "votes_percent": 10},
            {"country": "DE", "share_percent": "20.5", "votes_percent": 10},
        ],
        "foreign_controlled",
        True,
    ),
    "a state-owned investor with board rights (Acme's case)": (
        [
            {"country": "GB", "share_percent": 80, "votes_percent": 80},
            {
                "country": "AE",
                "share_percent": 20,
                "votes_percent": 20,
                "state_affiliation": "state_owned",
                "board_appointment": True,
            },
        ],
        "foreign_state_influence",
        False,
    ),
    "a state fund in control": (
        [
            {
                "country": "CN",
                "share_percent": 60,
                "votes_percent": 60,
                "state_affiliation": "state_controlled",
            }
        ],
        "foreign_state_influence",
        True,
    ),
    "a British state body is not foreign": (
        [
            {
                "country": "GB",
                "share_percent": 60,
                "votes_percent": 60,
                "state_affiliation": "government",
                "board_appointment": True,
            }
        ],
        "uk_controlled",
        False,
    ),
    "an ended holding doesn't count": (
        [
            {
                "country": "US",
                "share_percent": 70,
                "votes_percent": 70,
                "ceased_on": date(2024, 1, 1),
            }
        ],
        "uk_controlled",
        False,
    ),
}


class VerdictAcrossTheRegisterTests(PersonaTestCase):
    """For each case a provider with one model: the stored verdict, the label, its alerts, the
    JSON, the register's filters and the public API all give the same answer."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.models = {}
        for name, (links, _, _) in REGISTER_CASES.items():
            provider = ProviderFactory(legal_name=name)
            owner = MembershipFactory(provider=provider, role="owner").user
            filled = [{"acquired_on": date(2020, 1, 1)} | link for link in links]
            accepted_ownership(cls, provider=provider, submitter=owner, links=filled)
            cls.models[name] = published_model(
                cls, provider=provider, submitter=owner, name=f"Model of {name}"
            )
        # A provider with no accepted statement, and a withdrawn model of a controlled one.
        cls.undeclared = published_model(cls, name="Undeclared")
        cls.withdrawn = published_model(cls, name="Withdrawn")
        withdraw(cls, cls.withdrawn, reason="Retired")
        # Acme's statement, in force when its models were accepted, is withdrawn since.
        OwnershipStatement.objects.filter(provider=cls.acme).update(status=Status.WITHDRAWN)

    def test_the_stored_verdict_is_the_rule_on_the_accepted_statement(self):
        for name, (_, verdict, _) in REGISTER_CASES.items():
            with self.subTest(name):
                statement = OwnershipStatement.objects.get(provider__legal_name=name)
                self.assertEqual(statement.control_verdict, verdict)

    def test_label_alerts_and_json_agree(self):
        for name, (_, verdict, foreign_control_alert) in REGISTER_CASES.items():
            with self.subTest(name):
                label = selectors.model_label(self.models[name])
                codes = {alert["code"] for alert in label["public_alerts"]}
                self.assertEqual(label["control"]["verdict"], verdict)
                self.assertIs(
                    "foreign_state_control" in codes, verdict == "foreign_state_influence"
                )
                self.assertIs("foreign_control" in codes, foreign_control_alert)
                number = label["model"]["registration_number"]
                api = self.client.get(f"/api/v1/public/models/{number}/").json()
                page = self.client.get(f"/register/models/{number}.json").json()
                self.assertEqual(api["control"]["verdict"], verdict)
                self.assertEqual(page["control"], api["control"])

    def test_the_filters_find_exactly_the_models_their_labels_describe(self):
        for verdict in ControlVerdict.values:
            with self.subTest(verdict):
                expected = {
                    f"Model of {name}"
                    for name, (_, case_verdict, _) in REGISTER_CASES.items()
                    if case_verdict == verdict
                }
                if verdict == "not_declared":
                    expected.add("Undeclared")
                found = {model.name for model in selectors.public_models(control=[verdict])}
                self.assertEqual(found, expected)
                api = self.client.get("/api/v1/public/models/", {"control": verdict}).json()
                self.assertEqual({row["name"] for row in api["results"]}, expected)

    def test_the_alert_filter_finds_what_the_labels_show(self):
        for code in ("foreign_control", "foreign_state_control"):
            with self.subTest(code):
                expected = {
                    model.model.name
                    for model in self.models.values()
                    if code in {a["code"] for a in selectors.model_label(model)["public_alerts"]}
                }
                found = {model.name for model in selectors.public_models(alerts=[code])}
                self.assertEqual(found, expected)
                self.assertTrue(found)

    def test_a_withdrawn_model_matches_no_control_or_alert_filter(self):
        everything = selectors.public_models(
            control=ControlVerdict.values, alerts=[*selectors.PUBLIC_ALERTS, selectors.NO_ALERTS]
        )
        self.assertNotIn("Withdrawn", {model.name for model in everything})
        self.assertIn("Withdrawn", {model.name for model in selectors.public_models()})
