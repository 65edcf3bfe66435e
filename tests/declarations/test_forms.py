"""People's formats: the question pages read numbers, countries and lists as people write them."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.test import SimpleTestCase

from registry.declarations.forms import GeneralForm, SourceDatesForm, SourceGeneratorsForm
from registry.lib.forms import (
    CountryField,
    GroupedDecimalField,
    GroupedIntegerField,
    RowsField,
    country_code_for,
    ungroup_digits,
)


class NumberTests(SimpleTestCase):
    def test_thousands_separators_are_read(self):
        cases = {
            "1,000,000": 1_000_000,
            "2 000 000 000": 2_000_000_000,
            "1\u00a0500": 1500,  # a no-break space, as pasted from a document
            "7_000": 7000,
            " 42 ": 42,
            "-1,000": -1000,
        }
        field = GroupedIntegerField(required=False)
        for typed, number in cases.items():
            with self.subTest(typed):
                self.assertEqual(field.clean(typed), number)

    def test_separators_out_of_place_are_refused_not_guessed(self):
        field = GroupedIntegerField(required=False)
        for typed in ("1,5", "10,00", "1 00", "1,,000", "12.5", "lots", "1,000,00"):
            with self.subTest(typed), self.assertRaises(forms.ValidationError):
                field.clean(typed)
        self.assertEqual(ungroup_digits("1,5"), "1,5")

    def test_decimals_take_separators_too(self):
        field = GroupedDecimalField(required=False, decimal_places=1)
        self.assertEqual(field.clean("1,200.5"), Decimal("1200.5"))
        with self.assertRaises(forms.ValidationError):
            field.clean("1.200,5")


class CountryTests(SimpleTestCase):
    def test_a_country_is_found_by_code_name_or_a_name_in_common_use(self):
        cases = {
            "GB": "GB",
            "gb": "GB",
            "UK": "GB",
            "United Kingdom": "GB",
            "great britain": "GB",
            "GBR": "GB",
            "USA": "US",
            "United States of America": "US",
            "South Korea": "KR",
            "Cote d'Ivoire": "CI",
            "Türkiye": "TR",
            "Turkey": "TR",
        }
        for typed, code in cases.items():
            with self.subTest(typed):
                self.assertEqual(country_code_for(typed), code)
        self.assertEqual(country_code_for("Atlantis"), "")
        self.assertEqual(country_code_for(""), "")

    def test_the_field_stores_the_code_and_refuses_unknown_countries(self):
        field = CountryField(required=False)
        self.assertEqual(field.clean("UK"), "GB")
        self.assertEqual(field.clean(""), "")
        with self.assertRaises(forms.ValidationError):
            field.clean("Atlantis")

    def test_the_select_is_marked_for_the_autocomplete_with_other_names(self):
        html = str(CountryField().widget.render("country", "GB"))
        self.assertIn('data-app-module="', html)
        self.assertIn('data-autocomplete-script="', html)
        self.assertIn('data-synonyms="GB|UK|Great Britain', html)
        self.assertIn('<option value="GB" selected', html)


class RowsTests(SimpleTestCase):
    def test_rows_become_items_and_empty_rows_are_skipped(self):
        form = GeneralForm(
            {
                "languages-0-code": "en",
                "languages-0-share_percent": "62.5",
                "languages-1-code": "",
                "languages-1-share_percent": "",
                "languages-2-code": "cy",
                "languages-2-share_percent": "37.5",
            }
        )
        form.is_valid()
        self.assertNotIn("languages", form.errors)
        self.assertEqual(
            form.cleaned_data["languages"],
            [{"code": "en", "share_percent": 62.5}, {"code": "cy", "share_percent": 37.5}],
        )
        # Where each item was on the page, for a rule's problem to mark its row.
        self.assertEqual(form.fields["languages"].positions, [0, 2])

    def test_a_row_that_cant_be_read_names_its_row_and_cell(self):
        form = GeneralForm(
            {
                "languages-0-code": "en",
                "languages-0-share_percent": "62.5",
                "languages-1-code": "",
                "languages-1-share_percent": "10",
                "languages-2-code": "en",
                "languages-2-share_percent": "a lot",
            }
        )
        form.is_valid()
        self.assertEqual(
            form.errors["languages"],
            ["Language 2: select a language", "Language 3: enter its share as a number, like 62.5"],
        )
        self.assertEqual(form["languages"].row_error_cells(), [(1, "code"), (2, "share_percent")])
        self.assertEqual(form["languages"].error_target_id, "id_languages_1_code")

    def test_the_add_and_remove_buttons_change_the_rows_shown(self):
        widget = GeneralForm.base_fields["languages"].widget
        data = {
            "languages-0-code": "en",
            "languages-1-code": "fr",
            "languages-add": "1",
        }
        self.assertEqual(
            [row["code"] for row in widget.value_from_datadict(data, {}, "languages")],
            ["en", "fr", ""],
        )
        data = {"languages-0-code": "en", "languages-1-code": "fr", "languages-remove": "0"}
        self.assertEqual(
            [row["code"] for row in widget.value_from_datadict(data, {}, "languages")], ["fr"]
        )

    def test_a_post_with_an_absurd_row_number_is_bounded(self):
        widget = SourceDatesForm.base_fields["countries"].widget
        data = {f"countries-{index}-code": "FR" for index in range(0, 9000, 3)}
        data["countries-99999999999-code"] = "GB"
        self.assertLessEqual(len(widget.value_from_datadict(data, {}, "countries")), 500)

    def test_countries_are_read_by_name_and_kept_once(self):
        form = SourceDatesForm(
            {
                "countries-0-code": "UK",
                "countries-1-code": "France",
                "countries-2-code": "GB",
                "lock_version": "1",
            }
        )
        form.is_valid()
        self.assertEqual(form.values()["countries"], ["GB", "FR"])

    def test_generators_are_rows_of_name_provider_and_terms(self):
        form = SourceGeneratorsForm(
            {
                "generator_models-0-name": " Teacher ",
                "generator_models-0-provider": "Lab",
                "generator_models-0-terms_permit_training": "no",
                "lock_version": "1",
            }
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(
            form.values()["generator_models"],
            [{"name": "Teacher", "provider": "Lab", "terms_permit_training": "no"}],
        )
        empty = SourceGeneratorsForm({"lock_version": "1"})
        empty.is_valid()
        self.assertEqual(
            empty.errors["generator_models"],
            ["Add at least one model that generated this synthetic data"],
        )
        # Unanswered, it is still an answer to keep: no generators.
        self.assertEqual(empty.values()["generator_models"], [])

    def test_stored_items_show_in_their_rows(self):
        field = RowsField(columns={"code": forms.CharField(required=False)}, noun="code")
        self.assertEqual(field.prepare_value(["en", "fr"]), [{"code": "en"}, {"code": "fr"}])
        self.assertEqual(
            GeneralForm.base_fields["languages"].prepare_value(
                [{"code": "en", "share_percent": 80}]
            ),
            [{"code": "en", "share_percent": "80"}],
        )
