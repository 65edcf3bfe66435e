"""Every registered provider on the public register, as Companies House lists every company: the
list with each one's status and control verdict, its page (also when nothing is accepted yet),
and the page for a provider number that is not on the register."""

from __future__ import annotations

from unittest import mock

from django.test import Client
from django.urls import reverse

from registry.labels.views import register as register_views
from tests.base import PersonaTestCase
from tests.factories import ProviderFactory
from tests.labels import accepted_ownership, published_model, withdraw
from tests.labels.test_selectors import CN_STATE, GB_FOUNDERS, US_FUND

PROVIDERS = reverse("labels:providers")


def provider_url(provider) -> str:
    return reverse("labels:provider", args=[provider.registration_number])


class ProviderListTests(PersonaTestCase):
    """Acme: two models (one withdrawn), foreign state influence. Beta: ownership accepted, no
    model. Gamma (France): nothing accepted yet."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, links=[US_FUND, CN_STATE, GB_FOUNDERS])
        published_model(cls, name="Acme Chat", sources=1)
        withdraw(cls, published_model(cls, name="Acme Old", sources=1), "Retired")
        accepted_ownership(cls, provider=cls.beta, submitter=cls.charlie, links=[GB_FOUNDERS])
        cls.gamma = ProviderFactory(
            legal_name="Société Ñandú SA",
            trading_name="",
            country="FR",
            company_number="",
            uk_representative="UK Rep Ltd, 1 High Street, London",
        )

    def entries(self, **params) -> dict[str, dict]:
        response = self.client.get(PROVIDERS, params)
        self.assertEqual(response.status_code, 200)
        return {entry["name"]: entry for entry in response.context["providers"]}

    def test_every_registered_provider_is_listed_by_name_with_its_status(self):
        entries = self.entries()
        self.assertEqual(list(entries), ["Acme AI", "Beta Labs Ltd", "Société Ñandú SA"])
        self.assertEqual(
            [entry["status"] for entry in entries.values()],
            [
                "2 models on the register",
                "Ownership accepted, no model on the register yet",
                "Nothing accepted yet",
            ],
        )
        self.assertEqual(
            [entry["control_verdict"] for entry in entries.values()],
            ["foreign_state_influence", "uk_controlled", "not_declared"],
        )

    def test_the_list_reads_as_words_not_codes(self):
        response = self.client.get(PROVIDERS)
        for text in [
            "3 providers",
            "Foreign state influence",
            "UK-controlled",
            "Not declared",
            "France",
            "United Kingdom",
            self.gamma.registration_number,
            provider_url(self.gamma),
            "<dd>Nothing accepted yet</dd>",
        ]:
            with self.subTest(text=text):
                self.assertContains(response, text)
        self.assertNotContains(response, ">FR<")
        self.assertNotContains(response, "foreign_state_influence<")

    def test_a_name_filter_folds_accents_and_case(self):
        for q, expected in [
            ("societe nandu", ["Société Ñandú SA"]),
            ("SOCIÉTÉ", ["Société Ñandú SA"]),
            ("acme intelligence", ["Acme AI"]),  # the legal name behind the trading name
            (f"  {self.beta.registration_number.lower()} ", ["Beta Labs Ltd"]),
            (self.acme.company_number, ["Acme AI"]),
            ("nobody at all", []),
        ]:
            with self.subTest(q=q):
                self.assertEqual(list(self.entries(q=q)), expected)

    def test_the_count_names_the_search(self):
        response = self.client.get(PROVIDERS, {"q": "beta"})
        self.assertContains(response, "1 provider matching \u2018<bdi>beta</bdi>\u2019")

    def test_no_match_says_so_and_offers_the_whole_list(self):
        response = self.client.get(PROVIDERS, {"q": "zzz"})
        self.assertContains(response, "No registered provider matches")
        self.assertContains(response, f'href="{PROVIDERS}"')

    def test_an_over_long_name_is_refused_and_every_provider_listed(self):
        response = self.client.get(PROVIDERS, {"q": "x" * 201})
        self.assertEqual(
            response.context["problems"][0]["message"],
            "Search must be 200 characters or fewer (it has 201), so the results are not "
            "searched by it",
        )
        self.assertEqual(len(response.context["providers"]), 3)
        self.assertContains(response, 'href="#q"')

    def test_punctuation_alone_that_names_nobody_is_an_error(self):
        response = self.client.get(PROVIDERS, {"q": "%_%"})
        [problem] = response.context["problems"]
        self.assertIn("Search for a word or a registration number", problem["message"])
        self.assertEqual(response.context["providers"], [])

    def test_pages_and_bad_page_numbers(self):
        with mock.patch.object(register_views, "PROVIDERS_PER_PAGE", 2):
            second = self.client.get(PROVIDERS, {"page": 2})
            beyond = self.client.get(PROVIDERS, {"page": 3})
            wrong = self.client.get(PROVIDERS, {"page": "last"})
        self.assertEqual(list(e["name"] for e in second.context["providers"]), ["Société Ñandú SA"])
        self.assertContains(second, "Page 2 of 2")
        self.assertEqual(beyond.context["page"].number, 1)
        self.assertEqual(
            beyond.context["problems"][0]["message"],
            "There is no page 3: the results fill 2, so the first page is shown",
        )
        self.assertEqual(
            wrong.context["problems"][0]["message"],
            "'last' is not a page number, so the first page is shown",
        )

    def test_no_regulator_only_value_reaches_the_list(self):
        response = self.client.get(PROVIDERS)
        for secret in ("30.000", "25.000", "Northern Ventures"):
            with self.subTest(secret=secret):
                self.assertNotContains(response, secret)

    def test_every_persona_sees_the_same_list(self):
        anonymous = [e["name"] for e in Client().get(PROVIDERS).context["providers"]]
        for persona in (self.alice, self.charlie, self.olivia, self.nadia):
            with self.subTest(persona=persona.email):
                self.sign_in(persona)
                response = self.client.get(PROVIDERS)
                self.assertEqual([e["name"] for e in response.context["providers"]], anonymous)

    def test_the_register_search_links_to_the_list(self):
        self.assertContains(self.client.get(reverse("labels:register")), f'href="{PROVIDERS}"')


class ProviderListQueryTests(PersonaTestCase):
    # The list of providers, whatever their number and whatever they have filed:
    #  1. the count of providers (the paginator)
    #  2. the page of providers, each with its models counted, its ownership and its verdict
    QUERIES = 2

    def test_the_list_runs_the_same_queries_for_3_and_30_providers(self):
        accepted_ownership(self, links=[GB_FOUNDERS])
        published_model(self, name="Acme Chat", sources=1)
        for count in (3, 30):
            while ProviderFactory._meta.model.objects.count() < count:
                ProviderFactory()
            with self.subTest(providers=count):
                with self.assertNumQueries(self.QUERIES):
                    response = Client().get(PROVIDERS, {"q": "ltd"} if count == 30 else {})
                self.assertContains(response, f"{count} providers")


class ProviderPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, links=[US_FUND, CN_STATE, GB_FOUNDERS])
        cls.chat = published_model(cls, name="Acme Chat", sources=1)
        cls.gamma = ProviderFactory(legal_name="Gamma Ltd", trading_name="Gamma")

    def test_a_provider_with_nothing_accepted_yet_has_a_page_saying_so(self):
        response = self.client.get(provider_url(self.gamma))
        self.assertEqual(response.status_code, 200)
        for text in [
            "Nothing accepted yet.",
            "Gamma Ltd",
            self.gamma.registration_number,
            self.gamma.company_number,
            "United Kingdom",
            "1 Test Street",
            "Not declared",
            "The provider has no accepted ownership statement yet.",
            "None yet: no declaration of a model",
        ]:
            with self.subTest(text=text):
                self.assertContains(response, text)

    def test_a_provider_with_models_shows_its_verdict_with_countries_and_its_models(self):
        response = self.client.get(provider_url(self.acme))
        self.assertContains(response, "1 model on the register")
        self.assertContains(response, "<strong>Foreign state influence</strong>")
        self.assertContains(response, "China")
        self.assertContains(response, "Acme Chat")
        self.assertContains(
            response, reverse("labels:model", args=[self.chat.model.registration_number])
        )
        self.assertNotContains(response, "Nothing accepted yet")

    def test_the_page_runs_the_same_queries_with_one_model_or_five(self):
        # 1. the provider with its counts and verdict; 2-3. its accepted ownership statement and
        # investors; 4-5. its registered models and their published versions
        for extra in (0, 4):
            for index in range(extra):
                published_model(self, name=f"Extra {index}", sources=1)
            with self.subTest(models=1 + extra):
                with self.assertNumQueries(5):
                    response = Client().get(provider_url(self.acme))
                self.assertEqual(len(response.context["provider"]["models"]), 1 + extra)

    def test_provider_text_is_isolated_and_escaped(self):
        odd = ProviderFactory(legal_name="<b>Evil</b> \u202eLtd", trading_name="")
        response = self.client.get(provider_url(odd))
        self.assertContains(response, "<bdi>&lt;b&gt;Evil&lt;/b&gt; \u202eLtd</bdi>")
        self.assertNotContains(response, "<b>Evil</b>")


class ProviderNotOnRegisterTests(PersonaTestCase):
    def get(self, path: str):
        response = self.client.get(path)
        self.assertEqual(response.status_code, 404)
        self.assertTemplateUsed(response, "labels/not_on_register.html")
        return response

    def test_an_unknown_well_formed_number(self):
        response = self.get("/register/providers/PRV-999999/")
        self.assertContains(response, "PRV-999999 is not on the register", status_code=404)
        self.assertContains(
            response,
            "There is no provider with the registration number PRV-999999",
            status_code=404,
        )
        self.assertContains(response, 'value="PRV-999999"', status_code=404)

    def test_a_malformed_number(self):
        for asked_for in ("acme", "PRV-1", "PRV-0000001", "prv 000001x"):
            with self.subTest(asked_for=asked_for):
                response = self.get(f"/register/providers/{asked_for}/")
                self.assertContains(response, "Not a provider registration number", status_code=404)
                self.assertContains(response, "PRV- followed by 6 digits", status_code=404)

    def test_a_number_in_small_letters_suggests_the_provider(self):
        response = self.get(f"/register/providers/{self.acme.registration_number.lower()}/")
        self.assertContains(
            response,
            f'Did you mean the provider <a class="govuk-link" href="{provider_url(self.acme)}">',
            status_code=404,
        )

    def test_a_models_number_asked_for_as_a_provider_points_to_the_model(self):
        number = published_model(self, name="Acme Chat", sources=1).model.registration_number
        response = self.get(f"/register/providers/{number}/")
        self.assertContains(response, "Did you mean the model", status_code=404)
        self.assertContains(response, f'href="/register/models/{number}/"', status_code=404)

    def test_an_unknown_number_of_the_other_kind_is_just_malformed(self):
        response = self.get("/register/providers/MOD-999999/")
        self.assertNotContains(response, "Did you mean", status_code=404)

    def test_a_page_the_provider_does_not_have(self):
        response = self.get(f"{provider_url(self.acme)}models/")
        self.assertContains(
            response,
            f"The provider {self.acme.registration_number} is on the register",
            status_code=404,
        )

    def test_only_reading_is_allowed(self):
        response = self.client.post("/register/providers/acme/")
        self.assertEqual(response.status_code, 405)
