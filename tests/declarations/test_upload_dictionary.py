"""The data dictionary of a sources upload and its templates: made from the rules, so they agree."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.urls import reverse
from openpyxl import load_workbook

from registry.declarations import choices, validation
from registry.declarations.selectors import SOURCE_FIELDS
from registry.declarations.uploads.cells import (
    HEADER_NEEDS,
    LIST_COLUMNS,
    allowed_values,
    cell_kind,
    read_cell,
)
from registry.declarations.uploads.dictionary import (
    COLUMN_DESCRIPTIONS,
    LIST_ITEMS,
    columns_needed_to_save,
    required_conditions,
    required_text,
    sources_dictionary,
)
from registry.declarations.uploads.examples import EXTRA_EXAMPLES
from registry.declarations.uploads.sheets import read_sources_file
from registry.declarations.uploads.template import sources_template_csv
from registry.lib.codes import country_names, language_names
from tests.base import PersonaTestCase

# Not a value of any list.
JUNK = "zz-not-a-value"


def example_rows() -> list[dict[str, Any]]:
    """The template's examples as read, and two more: a synthetic source, and a confidential one
    bought under licence, so that every condition of the dictionary holds for one of them."""
    text = sources_template_csv()
    rows = [dict(row) for row in csv.DictReader(io.StringIO(text))]
    rows.append(
        rows[0]
        | {
            "name": "Distilled answers",
            "category": "synthetic",
            "acquisition": "generated",
            "generator_models": EXTRA_EXAMPLES["generator_models"],
        }
    )
    rows.append(
        rows[0]
        | {
            "name": "News archive",
            "category": "licensed",
            "acquisition": "purchased",
            "confidential": "yes",
            "confidentiality_reason": EXTRA_EXAMPLES["confidentiality_reason"],
        }
    )
    return [{column: read_cell(column, value) for column, value in row.items()} for row in rows]


def fields_of(problems) -> set[str]:
    return {problem.field.split(".")[0] for problem in problems}


class DictionaryRulesTests(SimpleTestCase):
    """The dictionary against validation: each says what the other does."""

    def test_every_column_is_described_once_in_the_templates_order(self):
        guides = sources_dictionary()
        self.assertEqual([guide.name for guide in guides], SOURCE_FIELDS)
        self.assertEqual(set(COLUMN_DESCRIPTIONS), set(SOURCE_FIELDS))
        self.assertEqual(set(LIST_ITEMS), set(LIST_COLUMNS))
        for guide in guides:
            with self.subTest(guide.name):
                self.assertTrue(guide.description and guide.format and guide.example)

    def test_the_example_rows_pass_every_rule(self):
        rows = example_rows()
        for row in rows:
            with self.subTest(row["name"]):
                self.assertEqual(validation.validate_source(row), [])
        template = rows[:2]
        self.assertEqual(validation.validate_source_shares(template), [])

    def test_every_example_reads_as_its_column_does(self):
        for guide in sources_dictionary():
            with self.subTest(guide.name):
                read_cell(guide.name, guide.example)

    def test_required_says_what_validation_asks_for(self):
        """Blank each column of complete sources in turn: the rules ask for it just when the
        dictionary says they do."""
        conditions = required_conditions()
        for row in example_rows():
            for column in SOURCE_FIELDS:
                with self.subTest(row["name"], column=column):
                    blanked = row | {column: read_cell(column, "")}
                    asked = column in fields_of(validation.validate_source(blanked))
                    said = required_text(column)
                    applies = said == "Yes" or any(
                        row.get(other) in values or (row.get(other) is True and "yes" in values)
                        for other, values in conditions.get(column, {}).items()
                    )
                    self.assertIs(asked, applies, said)

    def test_only_category_is_needed_to_save_a_row(self):
        self.assertEqual(columns_needed_to_save(), {"category"})
        self.assertEqual(set(HEADER_NEEDS) - {"name"}, columns_needed_to_save())
        self.assertEqual(required_text("category"), "Yes")
        self.assertEqual(
            required_text("licence"),
            "If category is licensed, or acquisition is purchased or licensed",
        )
        self.assertEqual(required_text("crawler_name"), "If category is web_crawl")
        self.assertEqual(required_text("collection_start"), "No")

    def test_allowed_values_are_the_lists_validation_checks(self):
        def values(column: str) -> set[str]:
            return {value for value, _ in allowed_values(column)}

        self.assertEqual(values("category"), set(choices.SourceCategory.values))
        for column, allowed, _ in validation.SOURCE_CHOICES:
            with self.subTest(column):
                self.assertEqual(values(column), set(allowed))
        self.assertEqual(values("modalities"), validation.MODALITIES)
        self.assertEqual(values("processing"), validation.PROCESSING)
        self.assertEqual(values("generator_models"), validation.ANSWERS)
        self.assertEqual(
            allowed_values("category")[0], ("public_dataset", "Publicly available dataset")
        )

    def test_every_column_validation_checks_against_a_list_shows_that_list(self):
        """A value not in a list that can't be stored: the dictionary must list what can."""
        for column in SOURCE_FIELDS:
            if cell_kind(column) != "text":
                continue
            value: Any = [JUNK] if column in LIST_COLUMNS else JUNK
            problems = validation.validate_source({"category": "web_crawl", column: value})
            listed = [p for p in problems if p.shape and p.field.split(".")[0] == column]
            with self.subTest(column):
                self.assertEqual(bool(listed), bool(allowed_values(column)))

    def test_code_lists_are_the_registers_own(self):
        guides = {guide.name: guide for guide in sources_dictionary()}
        self.assertEqual(dict(guides["languages"].codes), language_names())
        self.assertEqual(dict(guides["countries"].codes), country_names())


class DictionaryPageTests(PersonaTestCase):
    def setUp(self):
        self.url = reverse("declarations:sources-dictionary")

    def sections(self, html: str) -> dict[str, str]:
        """Each column's section of the page, by column."""
        parts = re.split(r'<section id="column-([a-z_]+)"', html)
        return dict(zip(parts[1::2], parts[2::2], strict=True))

    def test_the_page_shows_every_column_and_every_allowed_value(self):
        self.sign_in(self.bob)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        sections = self.sections(response.content.decode())
        self.assertEqual(list(sections), SOURCE_FIELDS)
        for guide in sources_dictionary():
            section = sections[guide.name]
            with self.subTest(guide.name):
                self.assertIn(f"Column {guide.letter} of the template", section)
                self.assertIn(f">{guide.required}", section)
                for value, meaning in guide.allowed:
                    self.assertIn(f"<code>{value}</code>", section)
                    self.assertIn(meaning.replace("'", "&#x27;"), section)
        self.assertIn("The 184 codes languages allows", sections["languages"])
        self.assertIn(f"The {len(country_names())} codes countries allows", sections["countries"])
        self.assertIn("<code>GB</code>", sections["countries"])

    def test_the_page_reads_nothing_but_who_is_asking(self):
        self.sign_in(self.bob)
        # 1. the session, 2. the user, 3. their membership, 4. their groups (the header's
        # links), 5. their unread messages (the header's count). None for the columns.
        with self.assertNumQueries(5):
            self.client.get(self.url)

    def test_it_links_to_both_templates(self):
        self.sign_in(self.victor)
        response = self.client.get(self.url)
        self.assertContains(response, reverse("declarations:sources-template"))
        self.assertContains(response, reverse("declarations:sources-template-xlsx"))

    def test_who_may_read_it(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:sign-in"), response["Location"])
        for person, status in ((self.charlie, 200), (self.olivia, 404), (self.victor, 200)):
            with self.subTest(person.email):
                self.sign_in(person)
                self.assertEqual(self.client.get(self.url).status_code, status)


class TemplateTests(PersonaTestCase):
    def setUp(self):
        self.sign_in(self.bob)

    def test_the_csv_template_is_the_header_and_two_examples(self):
        response = self.client.get(reverse("declarations:sources-template"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(rows[0], SOURCE_FIELDS)
        self.assertEqual([row[1] for row in rows[1:]], ["public_dataset", "web_crawl"])  # category
        dictionary = reverse("declarations:sources-dictionary")
        self.assertEqual(response["Link"], f'<http://testserver{dictionary}>; rel="describedby"')

    def test_the_xlsx_template_holds_the_same_rows_typed(self):
        response = self.client.get(reverse("declarations:sources-template-xlsx"))
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        data = response.content
        book = load_workbook(io.BytesIO(data))
        sheet = book.worksheets[0]
        self.assertEqual(sheet.title, "Data sources")
        self.assertEqual(sheet["P2"].value.date(), date(2024, 3, 1))  # collection_start
        self.assertEqual(sheet["L3"].value, 1_200_000_000_000)  # size_tokens
        lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
        self.assertEqual(lists["B2:B10001"], '"' + ",".join(choices.SourceCategory.values) + '"')
        self.assertIn(
            "http://testserver/declarations/sources-dictionary/", book.worksheets[1]["A3"].value
        )
        from_xlsx = read_sources_file(SimpleUploadedFile("t.xlsx", data), max_bytes=10**7)
        from_csv = read_sources_file(
            SimpleUploadedFile("t.csv", sources_template_csv().encode()), max_bytes=10**7
        )
        self.assertEqual(from_xlsx.rows, from_csv.rows)
        self.assertEqual(from_xlsx.other_sheets, ["About this template"])

    def test_who_may_download_them(self):
        for name in ("sources-template", "sources-template-xlsx"):
            url = reverse(f"declarations:{name}")
            with self.subTest(name):
                self.sign_in(self.olivia)
                self.assertEqual(self.client.get(url).status_code, 404)
                self.client.logout()
                self.assertEqual(self.client.get(url).status_code, 302)
