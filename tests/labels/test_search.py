"""Finding things on the register: matching names whatever their accents, case and characters,
filters that combine with removable tags, sorting, paging, every bad value named in an error
summary, and the page for a number that is not on the register."""

from __future__ import annotations

import unittest
from collections import Counter
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test import Client, RequestFactory, SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from registry.accounts.roles import MemberRole
from registry.labels.selectors.search import fold, search_models
from registry.labels.views import register as register_views
from registry.labels.views.not_found import not_on_register
from registry.providers.models import ControlVerdict
from tests.base import PersonaTestCase
from tests.factories import MembershipFactory, ProviderFactory
from tests.labels import accepted_ownership, published_model, withdraw
from tests.labels.test_selectors import CN_STATE, GB_FOUNDERS, US_FUND, label_for

REGISTER = reverse("labels:register")
SCRIPT_NAME = "<script>alert(1)</script>"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


class FoldTests(SimpleTestCase):
    def test_accents_and_case_are_folded_as_postgresql_unaccent_folds_them(self):
        for text, folded in [
            ("Modèle Zoë", "modele zoe"),
            ("MODÈLE", "modele"),
            ("Straße", "strasse"),
            ("Øresund Æther Œuvre", "oresund aether oeuvre"),
            ("Łódź", "lodz"),
            ("ﬁne", "fine"),  # a ligature: compatibility decomposition
            ("<script>", "<script>"),
            ("", ""),
        ]:
            with self.subTest(text=text):
                self.assertEqual(fold(text), folded)

    def test_nothing_folds_to_nothing(self):
        self.assertIsNone(fold(None))


class SearchCase(PersonaTestCase):
    """Acme (foreign state influence) with Acme Atlas, Acme Harbor (withdrawn) and Zephyr;
    Beta (UK-controlled) with Modèle Zoë (image) and Zoe Basic; published in that order."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, links=[US_FUND, CN_STATE, GB_FOUNDERS])
        accepted_ownership(cls, provider=cls.beta, submitter=cls.charlie, links=[GB_FOUNDERS])
        cls.atlas = published_model(cls, name="Acme Atlas", sources=3)
        cls.harbor = published_model(cls, name="Acme Harbor", sources=1)
        withdraw(cls, cls.harbor, "Retired")
        cls.zephyr = published_model(cls, name="Zephyr", sources=1)
        cls.zoe = published_model(
            cls,
            provider=cls.beta,
            submitter=cls.charlie,
            name="Modèle Zoë",
            modalities_in=["image"],
            sources=1,
        )
        cls.basic = published_model(
            cls, provider=cls.beta, submitter=cls.charlie, name="Zoe Basic", sources=1
        )

    def search(self, **params) -> list[str]:
        response = self.client.get(REGISTER, params)
        self.assertEqual(response.status_code, 200)
        return [model["name"] for model in response.context["models"]]

    def problems(self, **params) -> list[dict[str, str]]:
        return self.client.get(REGISTER, params).context["problems"]


class MatchingTests(SearchCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        published_model(cls, name=SCRIPT_NAME, sources=1)
        published_model(cls, name="!!!", sources=1)

    def test_accents_fold_both_ways(self):
        for q, expected in [
            ("modele zoe", ["Modèle Zoë"]),
            ("MODELE", ["Modèle Zoë"]),
            ("Zoë basic", ["Zoe Basic"]),
            ("zoë", ["Zoe Basic", "Modèle Zoë"]),
        ]:
            with self.subTest(q=q):
                self.assertEqual(self.search(q=q), expected)

    def test_words_match_in_any_order_across_the_model_and_its_provider(self):
        self.assertEqual(self.search(q="atlas ACME"), ["Acme Atlas"])
        self.assertEqual(self.search(q="zoe beta basic"), ["Zoe Basic"])

    def test_a_name_is_found_by_itself_whatever_characters_it_holds(self):
        for name in (SCRIPT_NAME, "!!!"):
            with self.subTest(name=name):
                response = self.client.get(REGISTER, {"q": name})
                self.assertEqual([m["name"] for m in response.context["models"]], [name])
                self.assertEqual(response.context["problems"], [])

    def test_an_odd_name_is_escaped_in_the_results_and_the_search_box(self):
        response = self.client.get(REGISTER, {"q": "script"})
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, SCRIPT_NAME)

    def test_registration_numbers_are_found_in_any_case_with_spaces_around(self):
        number = self.atlas.model.registration_number
        for q in (number, number.lower(), f"  {number.lower()}  ", f"\t{number}\n"):
            with self.subTest(q=q):
                self.assertEqual(self.search(q=q), ["Acme Atlas"])
        self.assertEqual(
            self.search(q=f" {self.beta.registration_number.lower()} "), ["Modèle Zoë", "Zoe Basic"]
        )

    def test_like_wildcards_are_matched_as_themselves(self):
        self.assertEqual(self.search(q="%"), [])
        self.assertEqual(self.search(q="Acm_"), [])  # as a LIKE pattern, it would find Acme

    def test_the_exact_name_comes_first_then_names_that_start_with_the_search(self):
        published_model(self, name="Alpha Zeta", sources=1)
        published_model(self, name="Zeta", sources=1)
        published_model(self, name="Zeta Two", sources=1)
        self.assertEqual(self.search(q="zeta"), ["Zeta", "Zeta Two", "Alpha Zeta"])

    def test_matching_providers_are_listed_with_where_they_stand(self):
        gamma = ProviderFactory(legal_name="Zoetrope Ltd", country="FR", uk_representative="X")
        response = self.client.get(REGISTER, {"q": "zoe"})
        self.assertEqual(response.context["provider_count"], 1)
        self.assertContains(response, "1 provider matching")
        self.assertContains(response, reverse("labels:provider", args=[gamma.registration_number]))
        self.assertContains(response, "Nothing accepted yet")
        self.assertContains(response, "France")

    def test_search_models_takes_the_public_models_filters(self):
        models = search_models(q="zoe", modalities=["image"])
        self.assertEqual([model.name for model in models], ["Modèle Zoë"])


@unittest.skipUnless(on_postgresql(), "PostgreSQL's full-text search and unaccent")
class PostgresMatchingTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        atlas_labs = ProviderFactory(legal_name="Atlas Labs Ltd")
        owner = MembershipFactory(provider=atlas_labs, role=MemberRole.OWNER).user
        published_model(cls, name="Atlas Pro", sources=1)
        published_model(cls, provider=atlas_labs, submitter=owner, name="Pro Atlas", sources=1)
        published_model(cls, name="Øresund Straße", sources=1)

    def search(self, q: str) -> list[str]:
        return [model["name"] for model in self.client.get(REGISTER, {"q": q}).context["models"]]

    def test_the_extension_is_enabled(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT unaccent('Modèle Zoë')")
            self.assertEqual(cursor.fetchone()[0], "Modele Zoe")

    def test_full_text_ranks_models_by_how_often_the_words_occur(self):
        # "atlas" is in Pro Atlas's name and its provider's: it ranks above Atlas Pro, which
        # starts with it (and comes first on SQLite, which has no rank).
        self.assertEqual(self.search("atlas"), ["Pro Atlas", "Atlas Pro"])

    def test_websearch_syntax_excludes_a_word(self):
        self.assertEqual(self.search("atlas -labs"), ["Atlas Pro"])

    def test_letters_without_a_decomposition_are_folded_by_unaccent(self):
        self.assertEqual(self.search("oresund strasse"), ["Øresund Straße"])


class ResultTests(SearchCase):
    def test_the_count_and_each_result_with_provider_control_alerts_and_label(self):
        response = self.client.get(REGISTER, {"q": "atlas"})
        self.assertContains(response, "1 model matching \u2018<bdi>atlas</bdi>\u2019")
        [entry] = response.context["models"]
        self.assertEqual(entry["control_verdict"], ControlVerdict.FOREIGN_STATE_INFLUENCE)
        self.assertContains(response, "Foreign state influence")
        self.assertContains(response, "Acme AI")
        self.assertContains(response, f"Version 1, accepted {timezone.localdate():%-d %B %Y}")
        # The alerts counted in the list are the label's, by severity.
        label = label_for(self.atlas)
        by_severity = Counter(alert["severity"] for alert in label["public_alerts"])
        self.assertEqual({row["severity"]: row["count"] for row in entry["alerts"]}, by_severity)
        self.assertTrue(entry["alerts"])
        for severity, count in by_severity.items():
            self.assertContains(response, f"{count} {severity}</strong>")

    def test_a_withdrawn_model_is_marked_and_shows_no_verdict_or_alerts(self):
        response = self.client.get(REGISTER, {"q": "harbor"})
        [entry] = response.context["models"]
        self.assertEqual((entry["withdrawn"], entry["control_verdict"]), (True, None))
        self.assertEqual(entry["alerts"], [])
        self.assertContains(response, "Withdrawn</strong>")
        self.assertNotContains(response, "Who controls the provider</dt>")

    def test_withdrawn_models_never_match_control_or_alert_filters(self):
        self.assertNotIn("Acme Harbor", self.search(control="foreign_state_influence"))
        self.assertNotIn("Acme Harbor", self.search(alert="foreign_state_control"))
        self.assertIn("Acme Harbor", self.search(q="harbor"))


class SortTests(SearchCase):
    def test_each_order(self):
        by_name = ["Acme Atlas", "Acme Harbor", "Modèle Zoë", "Zephyr", "Zoe Basic"]
        for sort, expected in [
            ("", by_name),
            ("name", by_name),
            ("newest", ["Zoe Basic", "Modèle Zoë", "Zephyr", "Acme Harbor", "Acme Atlas"]),
            ("provider", ["Acme Atlas", "Acme Harbor", "Zephyr", "Modèle Zoë", "Zoe Basic"]),
        ]:
            with self.subTest(sort=sort):
                self.assertEqual(self.search(sort=sort), expected)

    def test_an_order_applies_to_a_search_too(self):
        self.assertEqual(self.search(q="e", sort="newest")[:2], ["Zoe Basic", "Modèle Zoë"])

    def test_best_match_is_offered_only_when_searching(self):
        response = self.client.get(REGISTER)
        self.assertNotIn("best", [option["value"] for option in response.context["sort_options"]])
        # Asked for without a search, it falls back to names, without an error.
        response = self.client.get(REGISTER, {"sort": "best"})
        self.assertEqual(response.context["problems"], [])
        self.assertContains(response, '<option value="name" selected>')
        response = self.client.get(REGISTER, {"q": "zoe"})
        self.assertContains(response, '<option value="best" selected>Best match</option>')

    def test_the_sort_is_a_select_submitted_with_the_form(self):
        response = self.client.get(REGISTER, {"sort": "newest"})
        self.assertContains(response, '<select class="govuk-select" id="sort" name="sort">')
        self.assertContains(response, '<option value="newest" selected>')
        self.assertContains(response, 'form method="get" action="/register/"')


class FilterTagTests(SearchCase):
    PARAMS = {
        "q": "acme",
        "control": ["foreign_state_influence", "uk_controlled"],
        "modality": "text",
        "sort": "newest",
    }

    def tag_queries(self, params) -> dict[str, dict[str, list[str]]]:
        """Each tag's text and the query its link asks for."""
        groups = self.client.get(REGISTER, params).context["selected_filters"]
        return {
            tag["text"]: parse_qs(urlsplit(tag["href"]).query)
            for group in groups
            for tag in group["tags"]
        }

    def test_each_tag_removes_its_own_value_and_keeps_the_rest(self):
        tags = self.tag_queries(self.PARAMS)
        self.assertEqual(set(tags), {"Foreign state influence", "UK-controlled", "Text"})
        self.assertEqual(
            tags["UK-controlled"],
            {
                "q": ["acme"],
                "control": ["foreign_state_influence"],
                "modality": ["text"],
                "sort": ["newest"],
            },
        )
        self.assertEqual(
            tags["Text"],
            {
                "q": ["acme"],
                "control": ["foreign_state_influence", "uk_controlled"],
                "sort": ["newest"],
            },
        )

    def test_following_a_tag_applies_what_it_kept(self):
        response = self.client.get(REGISTER, self.PARAMS)
        [uk_tag] = [
            tag
            for group in response.context["selected_filters"]
            for tag in group["tags"]
            if tag["text"] == "UK-controlled"
        ]
        after = self.client.get(REGISTER + uk_tag["href"])
        self.assertEqual(
            [group["label"] for group in after.context["selected_filters"]],
            ["Who controls the provider", "Takes in or puts out"],
        )
        self.assertEqual([m["name"] for m in after.context["models"]], ["Zephyr", "Acme Atlas"])

    def test_tags_are_links_with_words_for_screen_readers(self):
        response = self.client.get(REGISTER, {"control": "uk_controlled"})
        self.assertContains(response, "Selected filters")
        self.assertContains(
            response,
            '<span class="govuk-visually-hidden">Remove this filter: </span>UK-controlled',
        )

    def test_clear_filters_keeps_the_search_and_the_order(self):
        response = self.client.get(REGISTER, self.PARAMS)
        clear = parse_qs(urlsplit(response.context["clear_filters"]).query)
        self.assertEqual(clear, {"q": ["acme"], "sort": ["newest"]})
        self.assertContains(response, "Clear filters")

    def test_no_tags_without_filters(self):
        response = self.client.get(REGISTER, {"q": "acme"})
        self.assertEqual(response.context["selected_filters"], [])
        self.assertNotContains(response, "Selected filters")

    def test_filters_combine_any_value_within_all_across(self):
        self.assertEqual(
            self.search(control=["uk_controlled", "foreign_state_influence"], modality="image"),
            ["Modèle Zoë"],
        )
        self.assertEqual(
            self.search(modality=["image", "text"], control="uk_controlled"),
            ["Modèle Zoë", "Zoe Basic"],
        )

    def test_applied_checkboxes_stay_checked(self):
        response = self.client.get(REGISTER, {"modality": "image"})
        self.assertContains(
            response,
            'id="modality-image" name="modality" type="checkbox" value="image" checked>',
        )
        self.assertContains(
            response, 'id="modality-text" name="modality" type="checkbox" value="text">'
        )


class BadInputTests(SearchCase):
    def test_an_unknown_filter_value_is_named_and_the_known_ones_still_apply(self):
        response = self.client.get(REGISTER, {"modality": ["smell", "image"], "q": "zoe"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["problems"],
            [
                {
                    "message": "'smell' is not an option of 'Takes in or puts out', so it was "
                    "left out",
                    "target": "modality-text",
                }
            ],
        )
        self.assertEqual([m["name"] for m in response.context["models"]], ["Modèle Zoë"])
        self.assertContains(response, "There is a problem")
        self.assertContains(response, 'href="#modality-text"')
        self.assertContains(response, 'id="modality-text"')  # the target exists
        self.assertContains(response, "<title>Error: Search results")

    def test_every_unknown_value_of_every_filter_is_named(self):
        problems = self.problems(
            control=["foreign", "everyone"],
            alert="<b>bad</b>",
            category=["a", "b", "c", "d", "e"],
            modality="text",
        )
        self.assertEqual(
            [problem["message"] for problem in problems],
            [
                "'foreign' and 'everyone' are not options of 'Who controls the provider', so "
                "they were left out",
                "'<b>bad</b>' is not an option of 'Alerts on the label', so it was left out",
                "'a', 'b', 'c' and 2 more are not options of 'Trained on', so they were left out",
            ],
        )
        self.assertEqual(
            [problem["target"] for problem in problems],
            ["control-uk_controlled", "alert-foreign_state_control", "category-public_dataset"],
        )

    def test_a_bad_value_is_escaped_on_the_page(self):
        response = self.client.get(REGISTER, {"alert": "<b>bad</b>"})
        self.assertContains(response, "&#x27;&lt;b&gt;bad&lt;/b&gt;&#x27; is not an option")
        self.assertNotContains(response, "<b>bad</b>")

    def test_a_long_bad_value_is_cut_short_in_the_message(self):
        [problem] = self.problems(modality="x" * 500)
        self.assertIn("'" + "x" * 39 + "…'", problem["message"])
        self.assertLess(len(problem["message"]), 120)

    def test_an_unknown_value_alone_leaves_the_filter_out_and_says_so(self):
        response = self.client.get(REGISTER, {"control": "nobody"})
        self.assertEqual(len(response.context["models"]), 5)
        self.assertEqual(response.context["selected_filters"], [])
        self.assertEqual(len(response.context["problems"]), 1)

    def test_an_over_long_query_is_refused_and_the_filters_still_apply(self):
        response = self.client.get(REGISTER, {"q": "x" * 201, "modality": "image"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["problems"],
            [
                {
                    "message": "Search must be 200 characters or fewer (it has 201), so the "
                    "results are not searched by it",
                    "target": "q",
                }
            ],
        )
        self.assertEqual([m["name"] for m in response.context["models"]], ["Modèle Zoë"])
        self.assertContains(response, 'class="govuk-input app-search__input govuk-input--error"')

    def test_a_query_of_200_characters_is_searched(self):
        self.assertEqual(self.problems(q="x" * 200), [])

    def test_a_query_with_a_null_character_is_refused_not_a_500(self):
        response = self.client.get(REGISTER, {"q": "atlas\x00"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("control characters", response.context["problems"][0]["message"])

    def test_a_query_of_punctuation_alone_that_names_nothing_is_an_error(self):
        for q in ("%", "-- ?", "…"):
            with self.subTest(q=q):
                [problem] = self.problems(q=q)
                self.assertIn("Search for a word or a registration number", problem["message"])
                self.assertEqual(problem["target"], "q")

    def test_bad_page_numbers_show_the_first_page_and_say_why(self):
        for page, message in [
            ("abc", "'abc' is not a page number, so the first page is shown"),
            ("0", "'0' is not a page number, so the first page is shown"),
            ("-1", "'-1' is not a page number, so the first page is shown"),
            ("1.5", "'1.5' is not a page number, so the first page is shown"),
            ("٣", "'٣' is not a page number, so the first page is shown"),
            ("9", "There is no page 9: the results fill 1, so the first page is shown"),
            ("9" * 5000, "the results are not that long, so the first page is shown"),
        ]:
            with self.subTest(page=page[:10]):
                response = self.client.get(REGISTER, {"page": page, "q": "acme"})
                self.assertEqual(response.status_code, 200)
                [problem] = response.context["problems"]
                self.assertIn(message, problem["message"])
                self.assertEqual(problem["target"], "results")
                self.assertEqual(response.context["page"].number, 1)
                self.assertEqual(len(response.context["models"]), 3)  # the search still applies

    def test_an_unknown_sort_is_named_and_the_default_order_applies(self):
        response = self.client.get(REGISTER, {"sort": "cheapest", "q": "zoe"})
        self.assertEqual(
            response.context["problems"],
            [
                {
                    "message": "'cheapest' is not a way to sort the results, so they are sorted "
                    "by best match",
                    "target": "sort",
                }
            ],
        )
        self.assertEqual(
            [m["name"] for m in response.context["models"]], ["Zoe Basic", "Modèle Zoë"]
        )
        self.assertContains(response, 'id="sort-error"')

    def test_every_problem_at_once_in_the_pages_order(self):
        problems = self.problems(
            q="y" * 300, modality="smell", sort="up", page="two", control="uk_controlled"
        )
        self.assertEqual(
            [problem["target"] for problem in problems], ["q", "modality-text", "sort", "results"]
        )


class PagingTests(SearchCase):
    def test_pages_keep_the_search_filters_and_order(self):
        params = {"q": "a", "sort": "name", "control": "foreign_state_influence"}
        with mock.patch.object(register_views, "RESULTS_PER_PAGE", 1):
            response = self.client.get(REGISTER, params)
            second = self.client.get(REGISTER, {**params, "page": 2})
        self.assertContains(response, "Page 1 of 2")
        self.assertContains(
            response, "?q=a&amp;sort=name&amp;control=foreign_state_influence&amp;page=2"
        )
        self.assertEqual(second.context["page"].number, 2)
        self.assertEqual(second.context["problems"], [])


class QueryCountTests(PersonaTestCase):
    # The search page with a search, filters and an order, whatever the number of models:
    #  1. the count of matching models (the paginator)
    #  2. the page of models with their providers, verdicts and fixed alerts
    #  3. their published versions
    #  4-5. providers matching the search: the first ten, and their count
    QUERIES = 5

    def test_the_filtered_sorted_search_runs_the_same_queries_for_2_and_8_models(self):
        accepted_ownership(self, links=[GB_FOUNDERS])
        params = {"q": "model", "sort": "newest", "control": "uk_controlled", "modality": "text"}
        for count in (2, 8):
            while len(search_models(q="model")) < count:
                published_model(self, name=f"Model {count} {timezone.now():%f}", sources=1)
            with self.subTest(models=count):
                with self.assertNumQueries(self.QUERIES):
                    response = Client().get(REGISTER, params)
                self.assertEqual(len(response.context["models"]), count)


class NotOnRegisterTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.number = published_model(cls, name="Acme Atlas", sources=1).model.registration_number

    def get(self, path: str):
        response = self.client.get(path)
        self.assertEqual(response.status_code, 404)
        self.assertTemplateUsed(response, "labels/not_on_register.html")
        return response

    def test_a_well_formed_number_not_on_the_register(self):
        request = RequestFactory().get("/register/models/MOD-999999/")
        response = not_on_register(request, "model", "MOD-999999")
        self.assertEqual(response.status_code, 404)
        content = response.content.decode()
        self.assertIn("MOD-999999 is not on the register", content)
        self.assertIn("There is no model with the registration number MOD-999999", content)
        self.assertIn('name="q" type="search" value="MOD-999999"', content)

    def test_a_malformed_number_is_called_so_with_the_format_and_a_search_box(self):
        response = self.get("/register/models/atlas/")
        self.assertContains(response, "You asked for \u2018<bdi>atlas</bdi>\u2019", status_code=404)
        self.assertContains(response, "MOD- followed by 6 digits", status_code=404)
        self.assertContains(response, 'value="atlas"', status_code=404)
        self.assertContains(response, 'action="/register/"', status_code=404)

    def test_anything_under_models_that_nothing_else_answers(self):
        for path in (
            "/register/models/MOD-12/",
            "/register/models/MOD-0000001/",
            "/register/models/%20/",
            "/register/models/a/b/c/",
        ):
            with self.subTest(path=path):
                self.assertContains(
                    self.get(path), "Not a model registration number", status_code=404
                )

    def test_a_number_in_small_letters_suggests_the_one_on_the_register(self):
        response = self.get(f"/register/models/{self.number.lower()}/")
        self.assertContains(
            response,
            f'Did you mean the model <a class="govuk-link" href="/register/models/{self.number}/">',
            status_code=404,
        )

    def test_a_providers_number_asked_for_as_a_model_points_to_the_provider(self):
        response = self.get(f"/register/models/{self.acme.registration_number}/")
        self.assertContains(
            response,
            f'Did you mean the provider <a class="govuk-link" href="/register/providers/'
            f'{self.acme.registration_number}/">',
            status_code=404,
        )

    def test_a_page_the_model_does_not_have_says_the_model_is_on_the_register(self):
        response = self.get(f"/register/models/{self.number}/nothing-here/")
        self.assertContains(
            response, f"The model {self.number} is on the register", status_code=404
        )
        self.assertContains(response, f'href="/register/models/{self.number}/"', status_code=404)

    def test_what_was_asked_for_is_escaped_and_cut_short(self):
        response = self.get("/register/models/%3Cimg%20src=x%20onerror=alert(1)%3E/")
        self.assertContains(response, "&lt;img src=x onerror=alert(1)&gt;", status_code=404)
        self.assertNotContains(response, "<img src=x", status_code=404)
        response = self.get("/register/models/" + "x" * 3000 + "/")
        self.assertContains(response, "x" * 99 + "…", status_code=404)

    def test_a_number_without_its_slash_is_sent_to_its_page(self):
        response = self.client.get(f"/register/models/{self.number}")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], f"/register/models/{self.number}/")

    def test_every_persona_sees_the_same_page(self):
        for persona in (None, self.alice, self.olivia, self.nadia):
            with self.subTest(persona=persona):
                self.client.logout()
                if persona:
                    self.sign_in(persona)
                self.assertContains(
                    self.get("/register/models/nope/"), "Not a model", status_code=404
                )
