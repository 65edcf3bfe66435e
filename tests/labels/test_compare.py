"""Compare: up to four facts panels side by side, row by row, and a clear error for the rest."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from registry.labels.selectors.facts import FACT_ROWS
from tests.base import PersonaTestCase
from tests.labels import accepted_ownership, published_model, withdraw
from tests.labels.test_selectors import US_FUND

COMPARE = reverse("labels:compare")


class CompareTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, links=[US_FUND])
        cls.models = [
            published_model(cls, name=f"Model {letter}", sources=2).model for letter in "ABCDE"
        ]
        cls.numbers = [model.registration_number for model in cls.models]
        cls.retired = published_model(cls, name="Retired").model
        withdraw(cls, cls.retired.declarations.get(), reason="Replaced")

    def compare(self, models: str | list[str]):
        return self.client.get(COMPARE, {"models": models})

    def test_two_models_side_by_side_row_by_row(self):
        response = self.compare(",".join(self.numbers[:2]))
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn("2 models side by side", content)
        positions = [content.index(f"#{row.key}") for row in FACT_ROWS]
        self.assertEqual(positions, sorted(positions))  # the panel's rows, in its order
        for model in self.models[:2]:
            self.assertContains(response, reverse("labels:model", args=[model.registration_number]))
        self.assertEqual(
            [label["model"]["name"] for label in response.context["labels"]], ["Model A", "Model B"]
        )

    def test_numbers_typed_as_people_type_them(self):
        response = self.compare(f" {self.numbers[0].lower()}  {self.numbers[1]}, ")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["labels"]), 2)
        repeated = self.client.get(COMPARE, {"models": self.numbers[:2]})  # models=…&models=…
        self.assertEqual(len(repeated.context["labels"]), 2)

    def test_each_bad_input_is_named_and_the_rest_compared(self):
        first, second = self.numbers[:2]
        cases = {
            "unknown": (f"{first},MOD-999999", ["MOD-999999 is not on the register"], 1),
            "malformed": (
                f"{first},MOD-12,<script>",
                [
                    "MOD-12 is not a model number: enter MOD- and 6 digits",
                    "&lt;script&gt; is not a model number",
                ],
                1,
            ),
            "duplicate": (f"{first},{first},{second}", [f"{first} is listed more than once"], 2),
            "withdrawn": (
                f"{first},{self.retired.registration_number}",
                [f"{self.retired.registration_number} was withdrawn on"],
                1,
            ),
            "more than four": (
                ",".join(self.numbers),
                [f"You can compare up to 4 models at a time: {self.numbers[4]} left out"],
                4,
            ),
            "over-long": ("M" * 201, ["Enter 200 characters or fewer"], 0),
        }
        for name, (typed, messages, compared) in cases.items():
            with self.subTest(name):
                response = self.compare(typed)
                # As the register's search does: the page, with what it could compare.
                self.assertContains(response, "There is a problem")
                for message in messages:
                    self.assertContains(response, message)
                self.assertEqual(len(response.context["labels"]), compared)
                self.assertTrue(response.context["problems"])

    def test_an_empty_comparison_asks_for_numbers(self):
        response = self.client.get(COMPARE)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the register numbers of the models")
        self.assertNotContains(response, "There is a problem")

    def test_the_label_page_offers_a_comparison(self):
        response = self.client.get(reverse("labels:model", args=[self.numbers[0]]))
        self.assertContains(response, f'href="{COMPARE}?models={self.numbers[0]}"')

    # A comparison, however many models:
    #  1. their latest published declarations with models, providers and PDFs
    #  2-10. their labels (selectors.labels_data: sources public and confidential, parties,
    #       attestations, versions, ownership statements and investors, lineage, snapshots)
    COMPARE_QUERIES = 10

    def test_the_same_queries_for_one_model_and_four(self):
        for count in (1, 4):
            with self.subTest(models=count):
                with self.assertNumQueries(self.COMPARE_QUERIES):
                    response = Client().get(COMPARE, {"models": ",".join(self.numbers[:count])})
                self.assertEqual(len(response.context["labels"]), count)
