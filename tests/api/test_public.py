"""The public register through the API: no key, exactly the public fields, search and filters."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from django.core.cache import cache
from django.test import override_settings

from registry.declarations.models import AIModel, DataSource
from tests.api.base import ApiTestCase
from tests.factories import AIModelFactory, ProviderFactory, complete_declaration
from tests.labels import accepted_ownership, published_model, withdraw

MODELS = "/api/v1/public/models/"
PROVIDERS = "/api/v1/public/providers/"


def names(response) -> list[str]:
    return sorted(row["name"] for row in response.json()["results"])


class PublicApiTestCase(ApiTestCase):
    """Acme (foreign-controlled, state-affiliated) and Beta (British-owned), with their models.

    - Acme Chat: text, with a web crawl; Acme Vision: image in, one public dataset;
    - Acme Retired: withdrawn; Acme Secret: a draft, never accepted;
    - Beta Speech: audio, one public dataset.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.chat = published_model(cls, name="Acme Chat")
        cls.vision = published_model(cls, name="Acme Vision", modalities_in=["image"], sources=1)
        cls.retired = published_model(cls, name="Acme Retired")
        withdraw(cls, cls.retired, reason="Replaced by Acme Chat")
        complete_declaration(model=AIModelFactory(provider=cls.acme, name="Acme Secret"))
        cls.speech = published_model(
            cls,
            provider=cls.beta,
            submitter=cls.charlie,
            name="Beta Speech",
            modalities_in=["audio"],
            sources=1,
        )
        accepted_ownership(
            cls,
            links=[
                {"country": "US", "share_percent": Decimal(30), "votes_percent": Decimal(30)},
                {
                    "country": "CN",
                    "share_percent": Decimal(25),
                    "votes_percent": Decimal(25),
                    "state_affiliation": "state_owned",
                },
            ],
        )
        accepted_ownership(
            cls,
            provider=cls.beta,
            submitter=cls.charlie,
            links=[{"country": "GB", "share_percent": Decimal(90), "votes_percent": Decimal(90)}],
        )

    def setUp(self):
        cache.clear()  # each test starts with the anonymous rate limit untouched

    def number(self, declaration) -> str:
        return AIModel.objects.get(pk=declaration.model_id).registration_number

    def get(self, path: str, **params):
        response = self.call("GET", path, key=None, **params)
        self.assertEqual(response.status_code, 200, response.content[:500])
        return response


class ModelListTests(PublicApiTestCase):
    def test_registered_models_only_without_a_key(self):
        response = self.get(MODELS)
        self.assertEqual(
            names(response), ["Acme Chat", "Acme Retired", "Acme Vision", "Beta Speech"]
        )
        retired = next(r for r in response.json()["results"] if r["name"] == "Acme Retired")
        self.assertEqual((retired["status"], retired["withdrawn"]), ("withdrawn", True))
        chat = next(r for r in response.json()["results"] if r["name"] == "Acme Chat")
        self.assertEqual(chat["provider"]["registration_number"], self.acme.registration_number)
        self.assertEqual((chat["label_version"], chat["status"]), (1, "accepted"))

    def test_a_key_is_ignored_even_an_unknown_one(self):
        for key in ("acme", "prk_nope.secret"):
            with self.subTest(key=key):
                response = self.call("GET", MODELS, key=key)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.json()["results"]), 4)

    def test_search_by_name_provider_name_and_registration_numbers(self):
        cases = {
            "vision": ["Acme Vision"],
            "VISION": ["Acme Vision"],
            "beta labs": ["Beta Speech"],
            "Acme AI": ["Acme Chat", "Acme Retired", "Acme Vision"],
            self.number(self.chat): ["Acme Chat"],
            self.beta.registration_number: ["Beta Speech"],
            "Secret": [],
        }
        for query, expected in cases.items():
            with self.subTest(q=query):
                self.assertEqual(names(self.get(f"{MODELS}?q={query}")), expected)

    def test_each_filter(self):
        cases = {
            "modality=image": ["Acme Vision"],
            "modality=audio": ["Beta Speech"],
            "category=web_crawl": ["Acme Chat", "Acme Retired"],
            "category=public_dataset": ["Acme Chat", "Acme Retired", "Acme Vision", "Beta Speech"],
            "category=licensed": [],
            f"provider={self.beta.registration_number}": ["Beta Speech"],
            "modality=image&modality=audio": ["Acme Vision", "Beta Speech"],
            "category=licensed&category=web_crawl": ["Acme Chat", "Acme Retired"],
            # A withdrawn model has no label to say who controls it or to raise alerts.
            "control=foreign_controlled": ["Acme Chat", "Acme Vision"],
            "control=uk_controlled": ["Beta Speech"],
            "control=uk_controlled&control=foreign_controlled": [
                "Acme Chat",
                "Acme Vision",
                "Beta Speech",
            ],
            "control=foreign_state_influence": [],
            "control=not_declared": [],
            "alert=foreign_control": ["Acme Chat", "Acme Vision"],
            # Their red-teaming was on 1 March 2025: overdue by the date, though not at acceptance.
            "alert=red_team_overdue": ["Acme Chat", "Acme Vision", "Beta Speech"],
            "alert=none": [],
            "modality=text&control=foreign_controlled&q=chat": ["Acme Chat"],
        }
        for params, expected in cases.items():
            with self.subTest(params):
                self.assertEqual(names(self.get(f"{MODELS}?{params}")), expected)

    def test_a_confidential_source_still_counts_for_its_category(self):
        DataSource.objects.filter(declaration=self.vision).update(
            confidential=True, confidentiality_reason="Terms", category="licensed"
        )
        self.assertEqual(names(self.get(f"{MODELS}?category=licensed")), ["Acme Vision"])

    def test_bad_filters_are_a_clear_400(self):
        cases = {
            "modality=smell": ("invalid_choice", "/modality/0"),
            "category=web_crawl&category=gossip": ("invalid_choice", "/category/1"),
            "provider=ACME": ("invalid", "/provider"),
            "control=perhaps": ("invalid_choice", "/control/0"),
            "alert=doom": ("invalid_choice", "/alert/0"),
            "q=" + "x" * 201: ("max_length", "/q"),
        }
        for params, (code, pointer) in cases.items():
            with self.subTest(params):
                response = self.call("GET", f"{MODELS}?{params}", key=None)
                self.assertProblem(response, 400, code, pointer=pointer)

    def test_cursor_pagination_visits_every_model_once(self):
        seen, path = [], f"{MODELS}?page_size=3"
        while path:
            page = self.get(path).json()
            seen += [row["registration_number"] for row in page["results"]]
            path = page["next"] and urlsplit(page["next"])._replace(scheme="", netloc="").geturl()
        self.assertEqual(len(seen), 4)
        self.assertEqual(len(set(seen)), 4)

    @override_settings(API_RATE_LIMITS={"key": "600/min", "anonymous": "2/min"})
    def test_anonymous_clients_are_limited_with_rate_limit_headers(self):
        first = self.call("GET", MODELS, key=None)
        self.assertEqual(first["RateLimit"], "limit=2, remaining=1, reset=60")
        self.assertEqual(first["RateLimit-Policy"], "2;w=60")
        self.call("GET", MODELS, key="acme")  # a key doesn't buy a public client more
        refused = self.call("GET", f"{MODELS}{self.number(self.chat)}/", key=None)
        self.assertProblem(refused, 429, "throttled")
        self.assertGreater(int(refused["Retry-After"]), 0)

    # A page of models: 1. the models with their providers, 2. their published versions.
    LIST_QUERIES = 2

    def test_the_same_queries_for_a_short_and_a_long_list(self):
        with self.assertNumQueries(self.LIST_QUERIES):
            self.get(MODELS)
        for i in range(12):
            published_model(self, name=f"Extra {i}", sources=1)
        with self.assertNumQueries(self.LIST_QUERIES):
            self.assertEqual(len(self.get(MODELS).json()["results"]), 16)


class LabelTests(PublicApiTestCase):
    def test_the_label_of_the_latest_accepted_version(self):
        number = self.number(self.chat)
        label = self.get(f"{MODELS}{number}/").json()
        self.assertEqual(
            (label["kind"], label["version"], label["status"]), ("label", 1, "accepted")
        )
        self.assertEqual(label["model"]["registration_number"], number)
        self.assertEqual(label["composition"][0]["share_percent"], "33.334")
        self.assertEqual(
            label["control"], {"verdict": "foreign_controlled", "countries": ["US", "CN"]}
        )
        self.assertIn(
            {
                "code": "foreign_control",
                "severity": "high",
                "title": "Foreign control",
                "explanation": "Foreign investors together hold more than 50% of the shares "
                "and of the votes",
            },
            label["public_alerts"],
        )

    def test_a_withdrawn_model_is_a_tombstone_and_its_version_stays_readable(self):
        number = self.number(self.retired)
        tombstone = self.get(f"{MODELS}{number}/").json()
        self.assertEqual(
            {k: tombstone[k] for k in ("kind", "withdrawn", "reason", "version")},
            {
                "kind": "tombstone",
                "withdrawn": True,
                "reason": "Replaced by Acme Chat",
                "version": 1,
            },
        )
        self.assertIn("withdrawn_at", tombstone)
        self.assertNotIn("sources", tombstone)
        version = self.get(f"{MODELS}{number}/versions/1/").json()
        self.assertEqual((version["kind"], version["withdrawn"]), ("label", True))
        self.assertEqual(version["withdrawal"]["reason"], "Replaced by Acme Chat")

    def test_versions_and_what_is_not_published_is_404(self):
        number = self.number(self.chat)
        self.assertEqual(self.get(f"{MODELS}{number}/versions/1/").json()["version"], 1)
        secret = AIModelFactory(provider=self.acme, name="Numbered, never accepted")
        AIModel.objects.filter(pk=secret.pk).update(registration_number="MOD-999998")
        for path in (
            f"{MODELS}{number}/versions/2/",
            f"{MODELS}MOD-999999/",
            f"{MODELS}MOD-999998/",
            f"{MODELS}MOD-999998/versions/1/",
            f"{MODELS}not-a-number/",
        ):
            with self.subTest(path):
                self.assertProblem(self.call("GET", path, key=None), 404, "not_found")

    # The label: 1. the declaration with its model and provider, 2-3. the sources, public and
    # confidential, 4-5. the accepted ownership statement and its investors, 6-7. the supply
    # chain and the attestations, 8. the published versions, 9. the model's lineage, 10. the
    # hash of the accepted snapshot, 11-13. the log's latest checkpoint and the declaration's
    # and ownership statement's latest leaves.
    LABEL_QUERIES = 13

    def test_the_label_runs_the_same_queries_for_10_and_1000_sources(self):
        for sources in (10, 1000):
            declaration = published_model(self, name=f"Sized {sources}", sources=sources)
            path = f"{MODELS}{self.number(declaration)}/"
            with self.subTest(sources=sources):
                with self.assertNumQueries(self.LABEL_QUERIES):
                    label = self.get(path).json()
                self.assertEqual(len(label["sources"]), sources)


class ProviderTests(PublicApiTestCase):
    def test_every_registered_provider_with_where_it_stands_and_search(self):
        ProviderFactory(legal_name="Nothing Registered Ltd")
        listed = self.get(PROVIDERS).json()["results"]
        self.assertEqual(
            [(row["name"], row["status"], row["control_verdict"]) for row in listed],
            [
                ("Acme AI", "3 models on the register", "foreign_controlled"),
                ("Beta Labs Ltd", "1 model on the register", "uk_controlled"),
                ("Nothing Registered Ltd", "Nothing accepted yet", "not_declared"),
            ],
        )
        self.assertEqual(names(self.get(f"{PROVIDERS}?q=intelligence")), ["Acme AI"])
        self.assertEqual(
            names(self.get(f"{PROVIDERS}?q=NOTHING registered")), ["Nothing Registered Ltd"]
        )
        self.assertEqual(
            names(self.get(f"{PROVIDERS}?q={self.beta.registration_number}")), ["Beta Labs Ltd"]
        )

    def test_a_providers_public_record(self):
        record = self.get(f"{PROVIDERS}{self.acme.registration_number}/").json()
        self.assertEqual(
            {k: record[k] for k in ("legal_name", "trading_name", "country", "contact_email")},
            {
                "legal_name": "Acme Intelligence Ltd",
                "trading_name": "Acme AI",
                "country": "GB",
                "contact_email": "contact@provider.example",
            },
        )
        ownership = record["ownership"]
        self.assertEqual(
            [(i["country"], i["share_band"], i["votes_band"]) for i in ownership["investors"]],
            [("US", "25_50", "25_50"), ("CN", "10_25", "10_25")],
        )
        self.assertEqual(
            record["control"], {"verdict": "foreign_controlled", "countries": ["US", "CN"]}
        )
        self.assertIs(ownership["state_affiliated"], True)
        self.assertEqual(
            [(m["name"], m["withdrawn"]) for m in record["models"]],
            [("Acme Chat", False), ("Acme Retired", True), ("Acme Vision", False)],
        )

    def test_a_provider_with_nothing_accepted_says_so_and_an_unknown_one_is_404(self):
        nobody = ProviderFactory(legal_name="Nothing Registered Ltd")
        record = self.get(f"{PROVIDERS}{nobody.registration_number}/").json()
        self.assertEqual(
            (record["status"], record["control"]["verdict"], record["ownership"], record["models"]),
            ("Nothing accepted yet", "not_declared", None, []),
        )
        for number in ("PRV-999999", "PRV-1", "nobody"):
            with self.subTest(number):
                response = self.call("GET", f"{PROVIDERS}{number}/", key=None)
                self.assertProblem(response, 404, "not_found")

    # The record: 1. the provider, 2-3. its accepted ownership statement and investors,
    # 4-5. its registered models and their published versions.
    RECORD_QUERIES = 5
    # A page of providers: 1. the providers.
    LIST_QUERIES = 1

    def test_the_same_queries_for_few_and_many(self):
        path = f"{PROVIDERS}{self.acme.registration_number}/"
        with self.assertNumQueries(self.RECORD_QUERIES):
            self.get(path)
        with self.assertNumQueries(self.LIST_QUERIES):
            self.get(PROVIDERS)
        for i in range(8):
            published_model(self, name=f"Extra {i}", sources=1)
            published_model(
                self,
                provider=self.beta,
                submitter=self.charlie,
                name=f"Beta extra {i}",
                sources=1,
            )
        with self.assertNumQueries(self.RECORD_QUERIES):
            self.assertEqual(len(self.get(path).json()["models"]), 11)
        with self.assertNumQueries(self.LIST_QUERIES):
            self.get(PROVIDERS)
