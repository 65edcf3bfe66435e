"""Reading an upload of sources: CSV files and XLSX workbooks, and every way a file can be wrong."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from openpyxl import Workbook

from registry.declarations.selectors import SOURCE_FIELDS
from registry.declarations.services import MAX_IMPORT_ROWS
from registry.declarations.uploads.cells import (
    ECHO_LENGTH,
    CellError,
    cell_problem,
    column_letter,
    echo,
    read_cell,
)
from registry.declarations.uploads.files import MB, UploadError
from registry.declarations.uploads.report import (
    problem_cell,
    report_lines,
    report_order,
    source_row_problems,
)
from registry.declarations.uploads.sheets import MAX_SOURCE_ROWS, SourcesFile, read_sources_file
from registry.declarations.uploads.template import sources_template_csv
from registry.lib.problems import Problem

MAX_BYTES = 2 * MB


def read(name: str, data: bytes | str, max_bytes: int = MAX_BYTES) -> SourcesFile:
    content = data.encode() if isinstance(data, str) else data
    return read_sources_file(SimpleUploadedFile(name, content), max_bytes=max_bytes)


def csv_of(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def workbook(*rows: list[Any], build=None) -> bytes:
    """An XLSX workbook whose first sheet holds the rows; `build(book, sheet)` adds the rest."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Sources"
    for row in rows:
        sheet.append(row)
    if build is not None:
        build(book, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class RefusedFileTests(SimpleTestCase):
    """A file that can't be read at all: one clear message, and nothing read."""

    def assert_refused(self, name: str, data: bytes | str, message: str, **kwargs: Any) -> None:
        with self.assertRaisesMessage(UploadError, message):
            read(name, data, **kwargs)

    def test_each_kind_of_wrong_file_says_what_it_is(self):
        ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
        cases = {
            "a name that is neither": ("sources.txt", "name\nA\n", "must be a CSV or XLSX file"),
            "no extension": ("sources", "name\nA\n", "must be a CSV or XLSX file"),
            "an old workbook named xlsx": ("s.xlsx", ole2, "older Excel workbook (.xls)"),
            "text named xlsx": ("s.xlsx", "name\nA\n", "it is text, not an Excel workbook"),
            "a workbook named csv": ("s.csv", workbook(["name"], ["A"]), "though its name ends"),
            "an old workbook named csv": ("s.csv", ole2, "is an Excel workbook, though"),
            "a PDF": ("s.csv", b"%PDF-1.7\n", "is a PDF"),
            "UTF-16": ("s.csv", "name\nA\n".encode("utf-16"), "saved as UTF-16"),
            "binary": ("s.csv", b"\x01\x02\x03name", "it is not text"),
            "a NUL byte late on": ("s.csv", b"name\n" + b"A\n" * 5000 + b"\x00", "not text"),
        }
        for label, (name, data, message) in cases.items():
            with self.subTest(label):
                self.assert_refused(name, data, message)

    def test_a_file_not_in_utf8_names_the_line(self):
        data = "name,category\nOK,other\nCafé,other\n".encode("latin-1")
        self.assert_refused("s.csv", data, "must be saved as UTF-8: line 3 has a character")

    def test_empty_files(self):
        for label, (name, data) in {
            "no bytes": ("s.csv", b""),
            "only spaces and lines": ("s.csv", " \n\n \r\n"),
            "only a byte-order mark": ("s.csv", "\ufeff".encode()),
            "an empty workbook": ("s.xlsx", workbook()),
        }.items():
            with self.subTest(label), self.assertRaises(UploadError) as caught:
                read(name, data)
            self.assertIn("empty", caught.exception.message)

    def test_a_header_without_sources(self):
        self.assert_refused("s.csv", ",".join(SOURCE_FIELDS) + "\n\n", "header row but no sources")

    def test_a_file_over_the_size_limit(self):
        self.assert_refused(
            "s.csv", "name\n" + "A\n" * 100, "smaller than 100 bytes", max_bytes=100
        )

    def test_wrong_headers_are_each_explained(self):
        cases = {
            "an unknown column": (csv_of("name,category,colour", "A,other,red"), "“colour” is not"),
            "data where the header should be": (
                csv_of("Common Crawl,web_crawl", "B,other"),
                "“common crawl”, “web_crawl” are not column names",
            ),
            "a repeated column": (csv_of("name,category,name", "A,other,B"), "once: name"),
            "no category column": (csv_of("name,description", "A,B"), "have a category column"),
            "no name or category": (csv_of("description", "B"), "a name and a category column"),
            "semicolons": (csv_of("name;category", "A;other"), "separated by semicolons"),
            "tabs": (csv_of("name\tcategory", "A\tother"), "separated by tabs"),
        }
        for label, (text, message) in cases.items():
            with self.subTest(label):
                self.assert_refused("s.csv", text, message)

    def test_a_header_with_two_problems_says_both(self):
        with self.assertRaises(UploadError) as caught:
            read("s.csv", csv_of("name,category,colour,name", "A,other,red,B"))
        self.assertEqual(len(caught.exception.messages), 2)

    def test_broken_quoting_names_the_line(self):
        cases = {
            "a stray quote": (csv_of("name,category", "OK,other", '"A" B,other'), "line 3"),
            "an unclosed quote": (csv_of("name,category", '"A,other', "B,other"), "never closed"),
        }
        for label, (text, message) in cases.items():
            with self.subTest(label):
                self.assert_refused("s.csv", text, message)

    def test_more_rows_than_one_upload_may_hold(self):
        self.assertEqual(MAX_SOURCE_ROWS, MAX_IMPORT_ROWS)
        rows = "\n".join(f"S{i},other" for i in range(10_001))
        self.assert_refused("s.csv", f"name,category\n{rows}\n", "more than 10,000 sources")
        # Empty rows don't count.
        rows = "\n".join(f"S{i},other\n,\n" for i in range(10_000))
        self.assertEqual(len(read("s.csv", f"name,category\n{rows}").rows), 10_000)


class CsvTests(SimpleTestCase):
    def test_every_kind_of_column_is_read(self):
        text = csv_of(
            "name,category,modalities,languages,countries,share_percent,collection_start,"
            "size_tokens,robots_txt_respected,confidential,generator_models,top_domains",
            'Crawl,WEB_CRAWL,Text; code,EN;fr,gb;fr,12.5%,2024-01-31,"1,000 000",Yes,,'
            "Teacher|Lab|NO;Helper|Other|yes,HTTPS://WWW.Example.com/a;www.example.com",
        )
        upload = read("s.csv", text)
        self.assertEqual((upload.problems, upload.warnings), ([], []))
        self.assertEqual(
            upload.rows,
            [
                {
                    "name": "Crawl",
                    "category": "web_crawl",
                    "modalities": ["text", "code"],
                    "languages": ["en", "fr"],
                    "countries": ["GB", "FR"],
                    "share_percent": Decimal("12.5"),
                    "collection_start": date(2024, 1, 31),
                    "size_tokens": 1_000_000,
                    "robots_txt_respected": True,
                    "confidential": False,
                    "generator_models": [
                        {"name": "Teacher", "provider": "Lab", "terms_permit_training": "no"},
                        {"name": "Helper", "provider": "Other", "terms_permit_training": "yes"},
                    ],
                    "top_domains": ["www.example.com"],
                }
            ],
        )
        self.assertEqual((upload.kind, upload.sheet, upload.row_numbers), ("CSV", "", [2]))

    def test_a_byte_order_mark_is_accepted(self):
        upload = read("s.csv", "\ufeffname,category\r\nCafé,other\r\n".encode())
        self.assertEqual(upload.columns, ["name", "category"])
        self.assertEqual(upload.rows[0]["name"], "Café")

    def test_blank_answers_are_empty_not_errors(self):
        upload = read(
            "s.csv",
            csv_of(
                "name,category,tdm_opt_out_respected,collection_end,size_bytes,languages,confidential",
                "A,other,,,,,",
            ),
        )
        self.assertEqual(upload.problems, [])
        self.assertEqual(
            upload.rows[0],
            {
                "name": "A",
                "category": "other",
                "tdm_opt_out_respected": None,
                "collection_end": None,
                "size_bytes": None,
                "languages": [],
                "confidential": False,
            },
        )

    def test_empty_rows_are_skipped_and_rows_keep_their_numbers(self):
        upload = read("s.csv", csv_of("", "name,category", "A,other", ",", "   ,  ", "B,other"))
        self.assertEqual([row["name"] for row in upload.rows], ["A", "B"])
        # The header is the first row that isn't empty: here the sheet's row 2.
        self.assertEqual(upload.row_numbers, [3, 6])

    def test_a_value_with_a_line_break_is_one_row(self):
        upload = read(
            "s.csv", csv_of("name,category,description", 'A,other,"two\nlines"', "B,other,")
        )
        self.assertEqual(upload.rows[0]["description"], "two\nlines")
        self.assertEqual(upload.row_numbers, [2, 3])

    def test_unreadable_cells_are_named_by_row_and_column(self):
        text = csv_of(
            "name,category,collection_start,size_tokens,share_percent,confidential,generator_models",
            "Good,other,2024-01-01,10,5,no,",
            "Bad,other,31/01/2024,ten,1.23456,perhaps,a|b|c|d",
            ",,,,,,",
            "Also bad,other,2024-02-30,1.5,,,",
        )
        upload = read("s.csv", text)
        self.assertEqual(len(upload.rows), 3)
        self.assertEqual(
            [(p.field, p.code, p.shape) for p in upload.problems],
            [
                ("rows.2.collection_start", "not_a_date", True),
                ("rows.2.size_tokens", "not_a_whole_number", True),
                ("rows.2.share_percent", "not_a_share", True),
                ("rows.2.confidential", "not_yes_no", True),
                ("rows.2.generator_models", "generators_invalid", True),
                ("rows.3.collection_start", "not_a_date", True),
                ("rows.3.size_tokens", "not_a_whole_number", True),
            ],
        )
        # The report names the rows as the spreadsheet does: the header is row 1.
        lines = report_lines(upload, upload.problems)
        found = {(line.row, line.column): (line.letter, line.value) for line in lines}
        self.assertEqual(found[3, "collection_start"], ("C", "31/01/2024"))
        self.assertEqual(found[3, "size_tokens"], ("D", "ten"))
        self.assertEqual(found[5, "size_tokens"], ("D", "1.5"))  # after the empty row 4
        # In the sheet's order: by row, then by column as the template orders them.
        self.assertEqual([line.row for line in lines], [3, 3, 3, 3, 3, 5, 5])

    def test_dates_must_be_written_in_full(self):
        for text in ("20240131", "2024-W05-3", "2024-1-31", "31/01/2024", "Jan 31 2024"):
            with self.subTest(text), self.assertRaises(CellError):
                read_cell("collection_start", text)
        self.assertEqual(read_cell("collection_start", " 2024-01-31 "), date(2024, 1, 31))

    def test_a_figure_too_large_for_the_database_is_refused(self):
        upload = read("s.csv", csv_of("name,category,size_bytes", f"A,other,{2**63}"))
        self.assertEqual([p.field for p in upload.problems], ["rows.1.size_bytes"])

    def test_a_value_under_no_column_is_refused_naming_its_cell(self):
        upload = read(
            "s.csv", csv_of("name,category,,description", "A,other,lost,d", "B,other,,,extra")
        )
        self.assertEqual(
            [(p.code, p.field) for p in upload.problems],
            [("value_without_column", "rows.1"), ("value_without_column", "rows.2")],
        )
        self.assertIn("Cell C2 has a value", upload.problems[0].message)
        self.assertIn("Cell E3 has a value", upload.problems[1].message)
        # Trailing empty cells, as spreadsheets write them, are not values.
        self.assertEqual(read("s.csv", csv_of("name,category", "A,other,,,")).problems, [])

    def test_a_cell_starting_with_equals_is_text_with_a_warning(self):
        upload = read("s.csv", csv_of("name,category", '"=HYPERLINK(""http://x.example"")",other'))
        self.assertEqual(upload.rows[0]["name"], '=HYPERLINK("http://x.example")')
        self.assertEqual(upload.problems, [])
        self.assertEqual(
            [(w.code, w.field) for w in upload.warnings], [("formula_as_text", "rows.1.name")]
        )

    def test_an_example_row_left_in_is_refused(self):
        upload = read("s.csv", sources_template_csv())
        self.assertEqual(
            [(p.code, p.field) for p in upload.problems],
            [("example_row", "rows.1.name"), ("example_row", "rows.2.name")],
        )

    def test_every_column_has_a_reader(self):
        for column in SOURCE_FIELDS:
            with self.subTest(column):
                read_cell(column, "")
                read_cell(column, None)

    def test_a_nul_character_can_never_be_stored(self):
        with self.assertRaises(CellError) as caught:
            read_cell("description", "a\x00b")
        self.assertEqual(caught.exception.kind, "character")


class WorkbookTests(SimpleTestCase):
    HEADER = [
        "name",
        "category",
        "share_percent",
        "collection_start",
        "size_tokens",
        "confidential",
    ]

    def test_typed_cells_are_read_as_what_they_hold(self):
        def percent(book, sheet):
            sheet["C3"].number_format = "0.0%"

        data = workbook(
            self.HEADER,
            ["Dated", "other", 12.5, date(2024, 1, 2), 1_500_000, False],
            ["Percent", "Public_Dataset", 0.125, datetime(2024, 3, 1), 2e9, True],
            build=percent,
        )
        upload = read("sources.xlsx", data)
        self.assertEqual(upload.problems, [])
        self.assertEqual(
            [
                (r["share_percent"], r["collection_start"], r["size_tokens"], r["confidential"])
                for r in upload.rows
            ],
            [
                (Decimal("12.5"), date(2024, 1, 2), 1_500_000, False),
                (Decimal("12.5"), date(2024, 3, 1), 2_000_000_000, True),
            ],
        )
        self.assertEqual(upload.rows[1]["category"], "public_dataset")
        self.assertEqual((upload.kind, upload.sheet), ("XLSX", "Sources"))

    def test_numbers_in_text_columns_are_written_as_the_sheet_shows_them(self):
        header = ["name", "category", "dataset_version", "description"]
        upload = read("s.xlsx", workbook(header, [2024, "other", 1.5, date(2024, 3, 1)]))
        row = upload.rows[0]
        self.assertEqual(
            (row["name"], row["dataset_version"], row["description"]), ("2024", "1.5", "2024-03-01")
        )

    def test_cells_that_cant_be_read_name_the_cell(self):
        data = workbook(
            self.HEADER,
            ["Formula", "other", "=10+2.5", datetime(2024, 1, 2, 9, 30), "=SUM(A1:A2)", "maybe"],
            ["Error", "other", "#N/A", 45000, 1.5, 2],
        )
        upload = read("s.xlsx", data)
        self.assertEqual(
            [(p.field, p.code) for p in upload.problems],
            [
                ("rows.1.share_percent", "formula"),
                ("rows.1.collection_start", "date_has_time"),
                ("rows.1.size_tokens", "formula"),
                ("rows.1.confidential", "not_yes_no"),
                ("rows.2.share_percent", "error_value"),
                ("rows.2.collection_start", "not_a_date"),
                ("rows.2.size_tokens", "not_a_whole_number"),
                ("rows.2.confidential", "not_yes_no"),
            ],
        )
        self.assertIn("Cell C2 holds a formula", upload.problems[0].message)
        self.assertIn("Cell C3 holds an error", upload.problems[4].message)
        # The report echoes the formula, never a result anyone worked out.
        lines = report_lines(upload, upload.problems)
        echoed = {(line.row, line.column): line.value for line in lines}
        self.assertEqual(echoed[2, "share_percent"], "=10+2.5")
        self.assertEqual(echoed[2, "size_tokens"], "=SUM(A1:A2)")

    def test_text_starting_with_equals_is_text_with_a_warning(self):
        def as_text(book, sheet):
            sheet["A2"].data_type = "s"  # typed with a leading apostrophe, as Excel does

        upload = read("s.xlsx", workbook(["name", "category"], ["=1+1", "other"], build=as_text))
        self.assertEqual((upload.rows[0]["name"], upload.problems), ("=1+1", []))
        self.assertEqual([w.code for w in upload.warnings], ["formula_as_text"])

    def test_merged_cells_refuse_the_file_naming_them(self):
        def merge(book, sheet):
            sheet.merge_cells("A3:B3")

        data = workbook(["name", "category"], ["A", "other"], ["Merged", None], build=merge)
        with self.assertRaisesMessage(UploadError, "has merged cells (A3:B3)"):
            read("s.xlsx", data)

    def test_empty_rows_are_skipped_and_rows_keep_their_numbers(self):
        def gaps(book, sheet):
            sheet["A6"] = "After a gap"
            sheet["B6"] = "other"
            sheet["C4"].number_format = "0%"  # styled, but empty

        upload = read(
            "s.xlsx", workbook(["name", "category"], ["A", "other"], [None, "  "], build=gaps)
        )
        self.assertEqual([row["name"] for row in upload.rows], ["A", "After a gap"])
        self.assertEqual(upload.row_numbers, [2, 6])

    def test_only_the_first_sheet_is_read_and_the_others_are_named(self):
        def more(book, sheet):
            book.create_sheet("Notes").append(["colour"])
            book.create_sheet("Old")

        upload = read("s.xlsx", workbook(["name", "category"], ["A", "other"], build=more))
        self.assertEqual((upload.sheet, upload.other_sheets), ("Sources", ["Notes", "Old"]))

    def test_a_hidden_first_sheet_is_refused(self):
        def hide(book, sheet):
            book.create_sheet("Visible").append(["name"])
            sheet.sheet_state = "hidden"
            book.active = 1

        with self.assertRaisesMessage(UploadError, "“Sources”, is hidden"):
            read("s.xlsx", workbook(["name", "category"], ["A", "other"], build=hide))

    def test_a_stray_value_far_to_the_right_is_named_without_reading_every_column(self):
        def stray(book, sheet):
            sheet["XFD2"] = "stray"

        upload = read("s.xlsx", workbook(["name", "category"], ["A", "other"], build=stray))
        self.assertEqual([p.code for p in upload.problems], ["value_without_column"])
        self.assertIn("Cell XFD2", upload.problems[0].message)

    def test_more_rows_than_one_upload_may_hold(self):
        rows = [[f"S{i}", "other"] for i in range(10_001)]
        with self.assertRaisesMessage(UploadError, "more than 10,000 sources"):
            read("s.xlsx", workbook(["name", "category"], *rows), max_bytes=20 * MB)

    def test_a_header_formula_is_refused(self):
        with self.assertRaisesMessage(UploadError, "not hold formulas: B1 holds one"):
            read("s.xlsx", workbook(["name", '=LOWER("CATEGORY")'], ["A", "other"]))


class DamagedWorkbookTests(SimpleTestCase):
    def zip_of(self, parts: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
        return out.getvalue()

    def test_a_zip_bomb_is_refused_before_it_is_unpacked(self):
        # 4 MB of zeros packs into a few kilobytes: more than 4 times a 100 KB limit unpacked.
        bomb = self.zip_of({"[Content_Types].xml": b"<Types/>", "xl/big.xml": b"\0" * 4 * MB})
        self.assertLess(len(bomb), 100_000)
        with self.assertRaisesMessage(UploadError, "more than 390 KB once unpacked"):
            read("s.xlsx", bomb, max_bytes=100_000)

    def test_a_workbook_of_thousands_of_parts_is_refused(self):
        parts = {f"xl/p{i}.xml": b"" for i in range(1_001)} | {"[Content_Types].xml": b"<Types/>"}
        with self.assertRaisesMessage(UploadError, "once unpacked"):
            read("s.xlsx", self.zip_of(parts))

    def test_damaged_and_foreign_zips_say_what_they_are(self):
        good = workbook(["name", "category"], ["A", "other"])
        cases = {
            "cut short": (good[: len(good) // 2], "may be damaged"),
            "not a workbook": (self.zip_of({"readme.txt": b"hello"}), "it is a zip archive"),
            "OpenDocument": (
                self.zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
                "OpenDocument spreadsheet",
            ),
            "parts missing": (
                self.zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x"}),
                "may be damaged",
            ),
        }
        for label, (data, message) in cases.items():
            with self.subTest(label), self.assertRaisesMessage(UploadError, message):
                read("s.xlsx", data)

    def test_a_damaged_sheet_is_refused_not_a_server_error(self):
        good = workbook(["name", "category"], ["A", "other"])
        with zipfile.ZipFile(io.BytesIO(good)) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-40]
        with self.assertRaisesMessage(UploadError, "may be damaged"):
            read("s.xlsx", self.zip_of(parts))


class ReportLineTests(SimpleTestCase):
    def test_values_are_echoed_on_one_line_and_cut_short(self):
        self.assertEqual(echo("a\nb\t c\x00d"), "a b c d")
        long = echo("x" * 500)
        self.assertEqual((len(long), long[-1]), (ECHO_LENGTH, "…"))

    def test_problem_cells(self):
        problem = cell_problem(3, "licence", "x", "y")
        self.assertEqual(problem_cell(problem), (3, "licence"))
        self.assertIs(problem.shape, True)
        self.assertEqual(
            problem_cell(Problem("c", "rows.7.top_domains.2", "m")),
            (7, "top_domains"),
        )
        self.assertEqual(problem_cell(Problem("c", "file", "m")), (None, ""))

    def test_the_report_adds_the_rules_and_skips_cells_already_reported(self):
        upload = read(
            "s.csv", csv_of("name,category,collection_start,licence", "A,other,31/01/2024,MIT OR")
        )
        report = source_row_problems(upload.rows, upload.problems)
        fields = [p.field for p in report]
        self.assertIn("rows.1.licence", fields)  # the licence rule, from validation
        self.assertEqual(fields.count("rows.1.collection_start"), 1)
        self.assertEqual(report, sorted(report, key=report_order))

    def test_column_letters(self):
        self.assertEqual(
            [column_letter(i) for i in (1, 26, 27, 52, 702, 703, 16384)],
            ["A", "Z", "AA", "AZ", "ZZ", "AAA", "XFD"],
        )

    def test_a_csv_written_by_the_csv_module_reads_back(self):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["name", "category", "description"])
        writer.writerow(['Quote " and, comma', "other", "line\r\nbreak"])
        upload = read("s.csv", out.getvalue())
        self.assertEqual(upload.rows[0]["name"], 'Quote " and, comma')
        self.assertEqual(upload.rows[0]["description"], "line\r\nbreak")
