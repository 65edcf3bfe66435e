"""Uploading sources from a CSV file or a workbook: what is saved, what is refused, the report."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from registry.declarations.selectors import SOURCE_FIELDS
from registry.declarations.uploads.cells import ECHO_LENGTH
from registry.declarations.uploads.files import MB
from registry.declarations.uploads.template import sources_template_csv
from registry.declarations.views.uploads import REPORT, REPORT_LIMIT
from registry.filings.states import Status
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration

ROW = {
    "name": "Bulk source",
    "category": "public_dataset",
    "description": "From the upload",
    "url": "https://bulk.example",
    "licence": "MIT",
    "licence_use_category": "commercial",
    "acquisition": "public",
    "modalities": "text;code",
    "languages": "en;de",
    "share_percent": "10",
    "collection_start": "2023-01-01",
    "collection_end": "2023-12-31",
    "purpose": "Coding",
    "personal_data": "no",
    "ip_status": "mixed",
    "countries": "GB;DE",
    "confidential": "no",
}


def csv_text(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or SOURCE_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)


def workbook(*rows: list[Any], build=None) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    if build is not None:
        build(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class UploadTestCase(PersonaTestCase):
    """Acme has a model with a complete draft of three sources; Beta has one too."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.draft = complete_declaration(
            model=AIModelFactory(provider=cls.acme, name="Acme Chat"), created_by=cls.alice
        )
        cls.beta_draft = complete_declaration(
            model=AIModelFactory(provider=cls.beta, name="Beta Draw"), created_by=cls.charlie
        )

    def setUp(self):
        self.sign_in(self.bob)
        self.page = self.url("sources-upload")
        self.report = self.url("sources-upload-report")
        self.before = self.saved_sources()

    def url(self, name: str, declaration=None) -> str:
        return reverse(f"declarations:{name}", args=[(declaration or self.draft).pk])

    def post(self, content: bytes | str, name: str = "sources.csv", mode: str = "append"):
        return self.client.post(self.page, {"file": upload(name, content), "mode": mode})

    def saved_sources(self) -> list[tuple]:
        return list(self.draft.sources.order_by("id").values_list("id", "name", "share_percent"))

    def assert_nothing_changed(self) -> None:
        self.assertEqual(self.saved_sources(), self.before)


class UploadPageTests(UploadTestCase):
    def test_the_page_links_to_the_templates_and_the_data_dictionary(self):
        response = self.client.get(self.page)
        self.assertContains(response, "Upload sources from a spreadsheet")
        for name in ("sources-template", "sources-template-xlsx", "sources-dictionary"):
            self.assertContains(response, f'href="{reverse(f"declarations:{name}")}"')
        self.assertContains(response, 'accept=".csv,.xlsx"')
        self.assertContains(response, "up to 10,000 sources and 20 MB")

    def test_who_may_upload(self):
        cases = ((self.victor, 403), (self.charlie, 404), (self.olivia, 404), (self.alice, 200))
        for person, status in cases:
            with self.subTest(person.email):
                self.sign_in(person)
                for url in (self.page, self.report, self.url("sources-upload-report-csv")):
                    response = self.client.get(url)
                    expected = 302 if status == 200 and url != self.page else status
                    self.assertEqual(response.status_code, expected, url)

    def test_a_submitted_declaration_takes_no_upload(self):
        self.draft.status = Status.SUBMITTED
        self.draft.save(update_fields=["status"])
        response = self.post(csv_text([ROW]))
        self.assertRedirects(response, self.url("declaration"), fetch_redirect_response=False)
        self.assert_nothing_changed()


class SavedUploadTests(UploadTestCase):
    def test_a_clean_file_is_added_and_goes_to_the_list_of_sources(self):
        rows = [ROW | {"name": f"Bulk {i}"} for i in range(2)]
        response = self.post(csv_text(rows))
        self.assertRedirects(response, self.url("sources"), fetch_redirect_response=False)
        self.assertEqual(self.draft.sources.count(), 5)
        bulk = self.draft.sources.get(name="Bulk 0")
        self.assertEqual((bulk.modalities, bulk.countries), (["text", "code"], ["GB", "DE"]))
        self.assertEqual(bulk.collection_start, date(2023, 1, 1))
        messages = [str(m) for m in self.client.get(self.url("sources")).context["messages"]]
        self.assertEqual(messages, ["2 sources added"])

    def test_replace_swaps_the_sources(self):
        self.post(csv_text([ROW | {"share_percent": "100"}]), mode="replace")
        self.assertEqual(list(self.draft.sources.values_list("name", flat=True)), ["Bulk source"])

    def test_rows_that_lack_answers_are_saved_and_the_report_names_them(self):
        rows = [
            ROW,
            ROW | {"name": "Needs work", "licence": "MIT OR", "purpose": ""},
            ROW | {"name": "Dates", "collection_end": "2022-01-01", "countries": "GB;XX"},
        ]
        response = self.post(csv_text(rows))
        self.assertRedirects(response, self.report)
        self.assertEqual(self.draft.sources.count(), 6)  # saved, problems and all
        page = self.client.get(self.report)
        self.assertContains(page, "3 sources added")
        self.assertContains(page, "2 rows still need answers")
        self.assertContains(page, "Source shares must add up to 100%")
        lines = page.context["to_complete"]
        self.assertEqual(
            [(line["row"], line["column"]) for line in lines],
            [(3, "licence"), (3, "purpose"), (4, "collection_end"), (4, "countries")],
        )
        # On the task list's terms: its wording, and the question that fixes each problem.
        needs_work = self.draft.sources.get(name="Needs work")
        self.assertTrue(lines[0]["task"].startswith("Data source 5 (Needs work): Enter a valid"))
        self.assertTrue(lines[0]["url"].startswith(self.source_page(needs_work)))
        self.assertEqual(lines[3]["value"], "GB;XX")
        self.assertContains(page, "The cell holds: <bdi>GB;XX</bdi>")
        self.assertEqual(page.context["stopping"], [])

    def source_page(self, source) -> str:
        return reverse("declarations:source-edit", args=[self.draft.pk, source.pk]).rstrip("/")

    def test_a_workbook_is_read_cell_by_cell(self):
        def formats(sheet):
            sheet["C4"].number_format = "0%"

        data = workbook(
            ["name", "category", "share_percent", "collection_start", "size_records", "purpose"],
            ["Dated", "other", 12.5, date(2024, 1, 2), 1_500_000, "Mixed"],
            [],
            ["Percent", "other", 0.2, None, None, ""],
            build=formats,
        )
        response = self.post(data, name="sources.xlsx")
        self.assertRedirects(response, self.report)
        dated = self.draft.sources.get(name="Dated")
        self.assertEqual(
            (dated.share_percent, dated.collection_start, dated.size_records),
            (Decimal("12.5"), date(2024, 1, 2), 1_500_000),
        )
        self.assertEqual(self.draft.sources.get(name="Percent").share_percent, Decimal("20"))
        page = self.client.get(self.report)
        self.assertContains(page, "Only its first sheet, “<bdi>Sheet</bdi>”, was read.")
        # The empty row 3 is skipped; the next source is the sheet's row 4.
        self.assertIn(4, {line["row"] for line in page.context["to_complete"]})

    def test_the_report_names_the_sheets_that_were_not_read(self):
        def more(sheet):
            for title in ("Notes", "Old", "A", "B", "C", "D"):
                sheet.parent.create_sheet(title)

        data = workbook(["name", "category"], ["Only a name", "other"], build=more)
        self.post(data, name="sources.xlsx")
        page = self.client.get(self.report)
        self.assertContains(page, "its other sheets (<bdi>Notes, Old, A, B, C</bdi> and 1 more)")

    def test_text_that_looks_like_a_formula_is_saved_as_text_and_flagged(self):
        response = self.post(csv_text([ROW | {"name": "=1+2"}]))
        self.assertRedirects(response, self.report)
        self.assertEqual(self.draft.sources.filter(name="=1+2").count(), 1)
        page = self.client.get(self.report)
        self.assertEqual([line["column"] for line in page.context["warnings"]], ["name"])
        self.assertContains(page, "saved as the text shown, not worked out as a formula")


class RefusedUploadTests(UploadTestCase):
    def test_a_value_that_cant_be_stored_refuses_the_file_and_every_problem_is_reported(self):
        rows = [
            ROW,
            ROW | {"name": "Bad kind", "category": "webcrawl", "licence": "MIT OR"},
            ROW | {"name": "Bad date", "collection_end": "31/12/2023", "countries": "XX"},
        ]
        response = self.post(csv_text(rows), mode="replace")
        self.assertRedirects(response, self.report)
        self.assert_nothing_changed()
        page = self.client.get(self.report)
        self.assertContains(page, "Error: Nothing was saved from sources.csv")
        self.assertContains(page, "Nothing was saved: 2 values in the file can")
        self.assertEqual(
            [(line["row"], line["column"], line["value"]) for line in page.context["stopping"]],
            [(3, "category", "webcrawl"), (4, "collection_end", "31/12/2023")],
        )
        self.assertEqual(
            [(line["row"], line["column"]) for line in page.context["to_complete"]],
            [(3, "licence"), (4, "countries")],
        )
        # A column with a list: its allowed values.
        self.assertContains(page, "Allowed values: <code>public_dataset</code>")
        self.assertContains(page, "Enter a date as YYYY-MM-DD")

    def test_text_over_its_limit_and_items_not_in_a_list_refuse_the_file(self):
        rows = [ROW | {"name": "n" * 301}, ROW | {"modalities": "text;txt"}]
        self.post(csv_text(rows))
        self.assert_nothing_changed()
        page = self.client.get(self.report)
        self.assertEqual(
            [(line["row"], line["column"]) for line in page.context["stopping"]],
            [(2, "name"), (3, "modalities")],
        )
        self.assertContains(page, "The name must be 300 characters or fewer")
        self.assertContains(page, "txt is not one")
        self.assertContains(page, "Allowed values: <code>text</code>, <code>image</code>")
        # The long value is echoed, cut short.
        self.assertEqual(len(page.context["stopping"][0]["value"]), ECHO_LENGTH)

    def test_the_report_downloads_as_csv_safe_to_open_in_a_spreadsheet(self):
        rows = [
            ROW | {"name": '=HYPERLINK("http://evil.example")', "category": "+evil"},
            ROW | {"name": "@SUM(1)", "share_percent": "-1"},
        ]
        self.post(csv_text(rows))
        response = self.client.get(self.url("sources-upload-report-csv"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        text = response.content.decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(text)))
        self.assertEqual(lines[0], ["row", "column", "value", "problem", "stops_upload"])
        category = next(line for line in lines if line[1] == "category")
        self.assertEqual(category[:3], ["2", "category", "'+evil"])
        self.assertIn("Allowed values: public_dataset, licensed", category[3])
        self.assertEqual(category[4], "true")
        warning = next(line for line in lines if line[3].startswith("Warning:"))
        self.assertEqual(warning[2], '\'=HYPERLINK("http://evil.example")')
        for line in lines[1:]:
            self.assertFalse(line[2].startswith(("=", "+", "-", "@")), line)

    def test_the_report_is_bounded(self):
        rows = [ROW | {"category": "nope", "name": f"S{i}"} for i in range(REPORT_LIMIT + 100)]
        self.post(csv_text(rows))
        kept = self.client.session[REPORT.format(declaration_id=self.draft.pk)]
        self.assertEqual(len(kept["lines"]), REPORT_LIMIT)
        self.assertEqual(kept["problem_count"], REPORT_LIMIT + 100)
        page = self.client.get(self.report)
        self.assertContains(page, f"first {REPORT_LIMIT} of {REPORT_LIMIT + 100} problems")
        self.assert_nothing_changed()

    def test_a_formula_in_a_workbook_refuses_the_file_naming_the_cell(self):
        data = workbook(["name", "category", "share_percent"], ["A", "other", "=50+50"])
        response = self.post(data, name="sources.xlsx")
        self.assertRedirects(response, self.report)
        self.assert_nothing_changed()
        page = self.client.get(self.report)
        self.assertContains(page, "Cell C2 holds a formula")
        self.assertContains(page, "The cell holds: <bdi>=50+50</bdi>")

    def test_an_example_row_left_in_the_template_refuses_the_file(self):
        self.post(sources_template_csv())
        self.assert_nothing_changed()
        page = self.client.get(self.report)
        self.assertEqual([line["row"] for line in page.context["stopping"]], [2, 3])

    def test_another_upload_replaces_the_report(self):
        self.post(csv_text([ROW | {"category": "nope"}]))
        self.post(csv_text([ROW | {"name": "Fine", "purpose": ""}]))
        page = self.client.get(self.report)
        self.assertEqual(page.context["stopping"], [])
        self.assertEqual([line["column"] for line in page.context["to_complete"]], ["purpose"])

    def test_no_report_yet_goes_to_the_upload_page(self):
        for name in ("sources-upload-report", "sources-upload-report-csv"):
            with self.subTest(name):
                self.assertRedirects(self.client.get(self.url(name)), self.page)


class UnreadableFileTests(UploadTestCase):
    """Files that can't be read at all: back to the form with the reason, and nothing changed."""

    def assert_refused(self, response, message: str) -> None:
        # Not fetched: the page shows a refused post's problems once, on the GET that follows.
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        page = self.client.get(self.page)
        self.assertContains(page, message)
        self.assertContains(page, 'href="#id_file"')
        self.assertContains(page, "Error: Upload sources")
        self.assert_nothing_changed()

    def test_each_bad_file_gets_a_clear_message(self):
        def merge(sheet):
            sheet.merge_cells("A2:B2")

        header = ",".join(SOURCE_FIELDS)
        many = "name,category\n" + "\n".join(f"S{i},other" for i in range(10_001))
        cases = {
            "not UTF-8": ("s.csv", "name,category\nCafé,other\n".encode("cp1252"), "UTF-8: line 2"),
            "empty": ("s.csv", b"", "The selected file is empty"),
            "no sources": ("s.csv", header + "\n", "a header row but no sources"),
            "a wrong header": ("s.csv", "name,category,colour\nA,other,red\n", "“colour”"),
            "no header": ("s.csv", "Books,licensed\n", "“books”, “licensed” are not"),
            "10,001 rows": ("s.csv", many, "more than 10,000 sources"),
            "a text file": ("s.txt", "name\nA\n", "must be a CSV or XLSX file"),
            "a PDF named csv": ("s.csv", b"%PDF-1.4\n", "is a PDF"),
            "a workbook named csv": ("s.csv", workbook(["name"]), "though its name ends in .csv"),
            "merged cells": (
                "s.xlsx",
                workbook(["name", "category"], ["A", "other"], build=merge),
                "has merged cells (A2:B2)",
            ),
        }
        for label, (name, content, message) in cases.items():
            with self.subTest(label):
                self.assert_refused(self.post(content, name=name), message)

    def test_a_zip_bomb_is_refused(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", b"<Types/>")
            archive.writestr("xl/sheet.xml", b" " * 90 * MB)
        response = self.post(out.getvalue(), name="sources.xlsx")
        self.assert_refused(response, "more than 80 MB once unpacked")

    def test_a_file_over_the_size_limit(self):
        with self.settings(SOURCES_UPLOAD_MAX_BYTES=100):
            self.assert_refused(self.post(csv_text([ROW])), "smaller than 100 bytes")
            self.assertContains(self.client.get(self.page), "up to 10,000 sources and 100 bytes")

    def test_a_byte_order_mark_is_accepted(self):
        response = self.post("\ufeff" + csv_text([ROW]))
        self.assertRedirects(response, self.url("sources"))
        self.assertEqual(self.draft.sources.count(), 4)

    def test_the_form_asks_for_a_file_and_what_to_do_with_it(self):
        response = self.client.post(self.page, {})
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        page = self.client.get(self.page)
        self.assertContains(page, "Select a CSV or XLSX file")
        self.assertContains(page, "Select whether to add to or replace")
        # Shown once: a refresh shows the empty form.
        self.assertNotContains(self.client.get(self.page), "Select a CSV or XLSX file</a>")
