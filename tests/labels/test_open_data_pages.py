"""The open-data pages: the downloads and every export kept, and the CSV's data dictionary."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from registry.labels import exports
from registry.labels.models import OpenDataExport
from tests.labels import published_model
from tests.labels.test_exports import IN_MEMORY
from tests.matrix import EVERYONE_OK, Matrix, MatrixTestCase

FIRST_NIGHT = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
MATRIX: Matrix = {
    "labels:open-data": ({}, EVERYONE_OK),
    "labels:data-dictionary": ({}, EVERYONE_OK),
    "labels:statistics": ({}, EVERYONE_OK),
}


def stored_export(format: str, created_at: datetime, size: int, rows: int = 3) -> OpenDataExport:
    """An export's record, saying it is `size` bytes, with a small file of its own."""
    body = f"{format} of {created_at:%Y-%m-%d}\n".encode()
    export = OpenDataExport(
        format=format,
        sha256=hashlib.sha256(body).hexdigest(),
        size=size,
        rows=rows,
        created_at=created_at,
    )
    export.file.save(f"register.{format}", ContentFile(body))
    return export


def history_rows(html: str) -> list[tuple[str, str, bool]]:
    """Each row of the history table: when, which format, and whether it is marked latest."""
    table = html.split('id="history-caption"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]
    return [
        (
            re.search(r"<time[^>]*>([^<]+)</time>", row)[1],
            re.search(r'download>([^<]+)<span class="govuk-visually-hidden">', row)[1],
            ">Latest<" in row,
        )
        for row in rows
    ]


@override_settings(STORAGES=IN_MEMORY)
class OpenDataPageTests(MatrixTestCase):
    """Three nights' exports: each a CSV of 1.2 MB and a JSON Lines file of 3.5 MB."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        published_model(cls, name="Acme Chat")

    def setUp(self):
        self.exports = [
            stored_export(format, FIRST_NIGHT + timedelta(days=night), size)
            for night in range(3)
            for format, size in (("csv", 1_250_000), ("jsonl", 3_650_000))
        ]

    def test_every_export_kept_is_listed_newest_first_the_latest_marked(self):
        html = Client().get(reverse("labels:open-data")).content.decode()
        self.assertEqual(
            history_rows(html),
            [
                ("3 March 2026 02:30", "CSV", True),
                ("3 March 2026 02:30", "JSON Lines", True),
                ("2 March 2026 02:30", "CSV", False),
                ("2 March 2026 02:30", "JSON Lines", False),
                ("1 March 2026 02:30", "CSV", False),
                ("1 March 2026 02:30", "JSON Lines", False),
            ],
        )
        self.assertIn("6 files, newest first", html)
        for export in self.exports:
            with self.subTest(export=str(export)):
                self.assertIn(export.sha256, html)
                self.assertIn(reverse("labels:open-data-file", args=[export.pk]), html)

    def test_the_latest_files_are_offered_by_format_and_size(self):
        response = Client().get(reverse("labels:open-data"))
        newest_csv = self.exports[-2]
        self.assertContains(
            response,
            f'<a class="govuk-link govuk-!-font-weight-bold" href="'
            f'{reverse("labels:open-data-file", args=[newest_csv.pk])}" download>'
            "Download the register as CSV (1.2\xa0MB)</a>",
            html=True,
        )
        self.assertContains(response, "Download the register as JSON Lines (3.5\xa0MB)")
        self.assertContains(response, "Exported <time")
        self.assertContains(response, "3 March 2026 at 02:30</time>, with 3 models")

    def test_the_page_says_how_often_exports_are_made_and_how_long_they_are_kept(self):
        response = Client().get(reverse("labels:open-data"))
        self.assertContains(response, "A new export is made every night")
        self.assertContains(response, f"The last {exports.KEEP} exports of each format are kept")

    def test_the_page_and_the_data_dictionary_link_to_each_other(self):
        open_data = Client().get(reverse("labels:open-data"))
        self.assertContains(open_data, f'href="{reverse("labels:data-dictionary")}"', count=2)
        dictionary = Client().get(reverse("labels:data-dictionary"))
        self.assertContains(dictionary, f'href="{reverse("labels:open-data")}"')
        newest_csv = self.exports[-2]
        self.assertContains(
            dictionary,
            f'<a class="govuk-link" href="{reverse("labels:open-data-file", args=[newest_csv.pk])}"'
            " download>Download the latest CSV (1.2\xa0MB)</a>",
            html=True,
        )

    def test_the_listing_is_one_query_however_many_files_are_kept(self):
        # the exports kept, newest first
        with self.assertNumQueries(1):
            six = Client().get(reverse("labels:open-data"))
        for night in range(3, 10):
            stored_export("csv", FIRST_NIGHT + timedelta(days=night), 1_000)
        with self.assertNumQueries(1):
            thirteen = Client().get(reverse("labels:open-data"))
        self.assertEqual(
            (len(history_rows(six.content.decode())), len(history_rows(thirteen.content.decode()))),
            (6, 13),
        )

    def test_every_page_for_every_persona(self):
        self.check_matrix(MATRIX)


class NoExportYetTests(MatrixTestCase):
    def test_the_page_says_the_first_is_made_tonight_and_lists_nothing(self):
        response = Client().get(reverse("labels:open-data"))
        self.assertContains(response, "No export has been made yet: the first is made tonight.")
        self.assertNotContains(response, 'id="history-caption"')
        dictionary = Client().get(reverse("labels:data-dictionary"))
        self.assertEqual(dictionary.status_code, 200)
        self.assertNotContains(dictionary, "Download the latest CSV")


class DataDictionaryTests(MatrixTestCase):
    def setUp(self):
        self.response = Client().get(reverse("labels:data-dictionary"))
        self.html = self.response.content.decode()

    def test_every_column_has_its_own_entry_in_the_csv_s_order(self):
        headings = re.findall(r'<h3[^>]* id="column-([a-z0-9_]+)"', self.html)
        self.assertEqual(headings, exports.CSV_COLUMNS)
        contents = re.findall(r'<a class="govuk-link" href="#column-([a-z0-9_]+)"', self.html)
        self.assertEqual(contents, exports.CSV_COLUMNS)

    def test_each_entry_gives_the_meaning_type_and_example(self):
        for column in exports.COLUMNS:
            entry = self.entry(column.name)
            with self.subTest(column.name):
                self.assertIn(escape(column.meaning), entry)
                self.assertIn(f'<dd class="govuk-summary-list__value">{column.type}</dd>', entry)
                self.assertIn(f'<code class="app-code-wrap">{column.example}</code>', entry)
        share = self.entry("share_web_crawl")
        self.assertIn("from sources of the kind &quot;Crawled from the web&quot;", share)

    def test_coded_columns_list_every_value_with_its_name(self):
        verdicts = self.entry("control_verdict")
        for value, name in (
            ("uk_controlled", "UK-controlled"),
            ("foreign_controlled", "Foreign-controlled"),
            ("foreign_state_influence", "Foreign state influence"),
            ("not_declared", "Not declared"),
        ):
            with self.subTest(value):
                self.assertIn(f'<code class="app-code-wrap">{value}</code>: {name}</li>', verdicts)
        alerts = self.entry("public_alerts")
        self.assertIn(
            '<code class="app-code-wrap">foreign_state_control</code>: '
            "Foreign state control or influence (high severity)",
            alerts,
        )
        self.assertNotIn("shares_inconsistent", alerts)  # regulator-only flags are never shown
        self.assertIn(
            '<code class="app-code-wrap">text: lt_1b</code>: Text: Less than 1 billion tokens',
            self.entry("size_bands"),
        )

    def test_no_column_gives_a_regulator_only_figure(self):
        for hidden in (
            "total_tokens",
            "size_bytes",
            "size_tokens",
            "nsi_reference",
            "votes_percent",
        ):
            with self.subTest(hidden):
                self.assertNotIn(f'id="column-{hidden}"', self.html)

    def test_the_dictionary_costs_one_query_before_any_export(self):
        # the newest export, to offer its CSV
        with self.assertNumQueries(1):
            Client().get(reverse("labels:data-dictionary"))

    def entry(self, name: str) -> str:
        return self.html.split(f'id="column-{name}"', 1)[1].split("</dl>", 1)[0]
