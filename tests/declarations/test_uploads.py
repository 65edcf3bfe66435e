"""Reading uploads and pasted lists: files, host lists, language lines and CSV rows of sources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase

from registry.declarations import uploads
from registry.declarations.selectors import SOURCE_FIELDS


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


class ReadTextUploadTests(SimpleTestCase):
    def read(self, name: str, data: bytes, max_bytes: int = 1000) -> str:
        return uploads.read_text_upload(
            upload(name, data), max_bytes=max_bytes, extensions=(".csv", ".txt")
        )

    def test_utf8_text_is_returned_without_a_byte_order_mark(self):
        self.assertEqual(self.read("a.csv", "\ufeffname\nCafé\n".encode()), "name\nCafé\n")

    def test_each_bad_file_gets_its_own_message(self):
        cases = {
            "wrong extension": (("a.xlsx", b"name"), "must be a CSV or TXT file"),
            "empty": (("a.csv", b""), "The selected file is empty"),
            "only spaces": (("a.csv", b"  \n "), "The selected file is empty"),
            "too large": (("a.csv", b"x" * 1001), "must be smaller than 1,000 bytes"),
            "binary": (("a.csv", b"PK\x03\x04\x00\x00"), "it is not text"),
            "not utf-8": (("a.csv", "café".encode("latin-1")), "must be saved as UTF-8"),
        }
        for label, ((name, data), message) in cases.items():
            with self.subTest(label), self.assertRaisesMessage(uploads.UploadError, message):
                self.read(name, data)

    def test_the_size_limit_is_named_in_megabytes(self):
        with self.assertRaisesMessage(uploads.UploadError, "smaller than 20 MB"):
            self.read("a.csv", b"x" * (20 * uploads.MB + 1), max_bytes=20 * uploads.MB)


class CheckPdfTests(SimpleTestCase):
    def test_a_pdf_is_known_by_its_first_bytes_not_its_name(self):
        uploads.check_pdf(upload("anything.bin", b"%PDF-1.7\n..."), max_bytes=100)
        with self.assertRaisesMessage(uploads.UploadError, "must be a PDF"):
            uploads.check_pdf(upload("report.pdf", b"<html>"), max_bytes=100)

    def test_empty_and_oversized_pdfs_are_refused(self):
        with self.assertRaisesMessage(uploads.UploadError, "empty"):
            uploads.check_pdf(upload("r.pdf", b""), max_bytes=100)
        with self.assertRaisesMessage(uploads.UploadError, "smaller than"):
            uploads.check_pdf(upload("r.pdf", b"%PDF-" + b"0" * 100), max_bytes=100)

    def test_the_file_can_be_read_from_the_start_afterwards(self):
        file = upload("r.pdf", b"%PDF-1.4 body")
        uploads.check_pdf(file, max_bytes=100)
        self.assertEqual(file.read(), b"%PDF-1.4 body")


class HostListTests(SimpleTestCase):
    def test_hosts_are_normalised_deduplicated_and_kept_in_order(self):
        text = "host\nWWW.Example.com.\nhttps://news.example.org/a/b\nexample.net:8080\n\nwww.example.com\n"
        hosts, errors = uploads.parse_hosts(text)
        self.assertEqual(hosts, ["www.example.com", "news.example.org", "example.net"])
        self.assertEqual(errors, [])

    def test_the_first_csv_column_is_the_host(self):
        hosts, _ = uploads.parse_hosts('domain,bytes\n"a.example.com",10\nb.example.com,5\n')
        self.assertEqual(hosts, ["a.example.com", "b.example.com"])

    def test_bad_lines_are_named_by_number(self):
        _, errors = uploads.parse_hosts("ok.example\nnot a host\n\nlocalhost\n")
        self.assertEqual(
            errors,
            [
                "Line 2: not a host is not a host name, like example.com",
                "Line 4: localhost is not a host name, like example.com",
            ],
        )

    def test_ten_thousand_hosts_are_read(self):
        hosts, errors = uploads.parse_hosts("\n".join(f"h{i}.example.com" for i in range(10_000)))
        self.assertEqual((len(hosts), errors), (10_000, []))

    def test_long_error_lists_are_summarised(self):
        errors = [f"Line {i}: bad" for i in range(1, 31)]
        summary = uploads.summarise_errors(errors)
        self.assertEqual(len(summary), 21)
        self.assertEqual(summary[-1], "and 10 more lines with problems")


class TypedListTests(SimpleTestCase):
    def test_language_shares_are_read_line_by_line(self):
        entries, errors = uploads.parse_language_shares("EN 62.5\nfr: 30%\n\nde,7.5\n")
        self.assertEqual(
            entries,
            [
                {"code": "en", "share_percent": 62.5},
                {"code": "fr", "share_percent": 30},
                {"code": "de", "share_percent": 7.5},
            ],
        )
        self.assertEqual(errors, [])

    def test_a_language_line_without_a_share_is_named(self):
        _, errors = uploads.parse_language_shares("en 50\nfrench\nde lots\nit 1 2\n")
        self.assertEqual([error.split(":")[0] for error in errors], ["Line 2", "Line 3", "Line 4"])

    def test_codes_split_on_spaces_commas_and_semicolons(self):
        self.assertEqual(
            uploads.split_codes(" gb, fr;de  us ", upper=True), ["GB", "FR", "DE", "US"]
        )
        self.assertEqual(uploads.split_codes("EN,Fr"), ["en", "fr"])
        self.assertEqual(uploads.split_codes(""), [])

    def test_generator_lines_round_trip(self):
        text = "Teacher 70B | Open Lab | YES\nHelper"
        generators, errors = uploads.parse_generator_lines(text)
        self.assertEqual(errors, [])
        self.assertEqual(
            generators,
            [
                {"name": "Teacher 70B", "provider": "Open Lab", "terms_permit_training": "yes"},
                {"name": "Helper", "provider": "", "terms_permit_training": ""},
            ],
        )
        self.assertEqual(
            uploads.generator_lines(generators), "Teacher 70B | Open Lab | yes\nHelper |  | "
        )

    def test_a_generator_line_with_too_many_parts_is_named(self):
        _, errors = uploads.parse_generator_lines("a | b | no\na | b | c | d")
        self.assertEqual(len(errors), 1)
        self.assertTrue(errors[0].startswith("Line 2:"))


def csv_of(*lines: str) -> str:
    return "\n".join(lines) + "\n"


class SourcesCsvTests(SimpleTestCase):
    def test_every_column_kind_is_read(self):
        text = csv_of(
            "name,category,modalities,countries,share_percent,collection_start,size_tokens,"
            "robots_txt_respected,confidential,generator_models",
            'Crawl,WEB_CRAWL,text; code,gb;fr,12.5%,2024-01-31,"1,000",Yes,,'
            "Teacher|Lab|NO;Helper|Other|yes",
        )
        rows, problems = uploads.parse_sources_csv(text)
        self.assertEqual(problems, [])
        self.assertEqual(
            rows,
            [
                {
                    "name": "Crawl",
                    "category": "web_crawl",
                    "modalities": ["text", "code"],
                    "countries": ["GB", "FR"],
                    "share_percent": Decimal("12.5"),
                    "collection_start": date(2024, 1, 31),
                    "size_tokens": 1000,
                    "robots_txt_respected": True,
                    "confidential": False,
                    "generator_models": [
                        {"name": "Teacher", "provider": "Lab", "terms_permit_training": "no"},
                        {"name": "Helper", "provider": "Other", "terms_permit_training": "yes"},
                    ],
                }
            ],
        )

    def test_blank_answers_are_empty_not_errors(self):
        rows, problems = uploads.parse_sources_csv(
            csv_of("name,tdm_opt_out_respected,collection_end,size_bytes,languages", "A,,,,")
        )
        self.assertEqual(problems, [])
        self.assertEqual(
            rows[0],
            {
                "name": "A",
                "tdm_opt_out_respected": None,
                "collection_end": None,
                "size_bytes": None,
                "languages": [],
            },
        )

    def test_unreadable_cells_are_named_by_row_and_column(self):
        text = csv_of(
            "name,collection_start,size_tokens,share_percent,confidential,generator_models",
            "Good,2024-01-01,10,5,no,",
            "Bad,31/01/2024,ten,1.23456,perhaps,a|b|c|d",
            ",,,,,",
            "Also bad,2024-02-30,,,,",
        )
        rows, problems = uploads.parse_sources_csv(text)
        self.assertEqual(len(rows), 3)  # the blank line is skipped
        self.assertEqual(
            [(p.field, p.code) for p in problems],
            [
                ("rows.2.collection_start", "not_a_date"),
                ("rows.2.size_tokens", "not_a_whole_number"),
                ("rows.2.share_percent", "not_a_share"),
                ("rows.2.confidential", "not_yes_no"),
                ("rows.2.generator_models", "generators_invalid"),
                ("rows.3.collection_start", "not_a_date"),
            ],
        )

    def test_a_figure_too_large_for_the_database_is_refused(self):
        _, problems = uploads.parse_sources_csv(csv_of("name,size_bytes", f"A,{2**63}"))
        self.assertEqual([p.field for p in problems], ["rows.1.size_bytes"])

    def test_a_row_longer_than_the_header_is_a_problem(self):
        _, problems = uploads.parse_sources_csv(csv_of("name,category", "A,other,extra"))
        self.assertEqual([p.code for p in problems], ["too_many_values"])

    def test_whole_file_problems_have_the_file_as_their_field(self):
        cases = {
            "unknown column": (csv_of("name,colour", "A,red"), "unknown_columns"),
            "repeated column": (csv_of("name,name", "A,B"), "repeated_columns"),
            "no name column": (csv_of("category", "other"), "header_missing"),
            "header only": (csv_of(",".join(SOURCE_FIELDS)), "no_rows"),
            "stray quote": ('name\n"A"B\n', "csv_invalid"),
            "unclosed quote": ('name\n"A\n', "csv_invalid"),
        }
        for label, (text, code) in cases.items():
            with self.subTest(label):
                rows, problems = uploads.parse_sources_csv(text)
                self.assertEqual(rows, [])
                self.assertEqual([(p.code, p.field) for p in problems], [(code, "file")])

    def test_more_than_10000_rows_is_one_problem(self):
        text = "name\n" + "\n".join(f"S{i}" for i in range(10_001)) + "\n"
        rows, problems = uploads.parse_sources_csv(text)
        self.assertEqual((rows, [p.code for p in problems]), ([], ["too_many_rows"]))
        rows, problems = uploads.parse_sources_csv("name\n" + "\n".join("S" for _ in range(10_000)))
        self.assertEqual((len(rows), problems), (10_000, []))

    def test_the_template_names_every_source_field_once(self):
        header = uploads.sources_template_csv().strip().split(",")
        self.assertEqual(header, SOURCE_FIELDS)
        rows, problems = uploads.parse_sources_csv(uploads.sources_template_csv() + "A\n")
        self.assertEqual((rows[0]["name"], problems), ("A", []))

    def test_every_column_has_a_reader(self):
        for column in SOURCE_FIELDS:
            with self.subTest(column):
                # An empty cell of any column reads without error.
                uploads.read_cell(column, "")

    def test_the_report_adds_the_rules_and_skips_cells_already_reported(self):
        text = csv_of(
            "name,category,collection_start,licence",
            "A,other,31/01/2024,MIT OR",
        )
        rows, found = uploads.parse_sources_csv(text)
        report = uploads.source_row_problems(rows, found)
        fields = [p.field for p in report]
        self.assertIn("rows.1.licence", fields)  # the licence rule, from validation
        self.assertEqual(fields.count("rows.1.collection_start"), 1)  # not also "required"
        self.assertEqual(
            [p.code for p in report if p.field == "rows.1.collection_start"], ["not_a_date"]
        )
        self.assertEqual(report, sorted(report, key=uploads.report_order))

    def test_problem_cells(self):
        self.assertEqual(
            uploads.problem_cell(uploads.cell_problem(3, "licence", "x", "y")), (3, "licence")
        )
        self.assertEqual(
            uploads.problem_cell(uploads.Problem("c", "rows.7.top_domains.2", "m")),
            (7, "top_domains"),
        )
        self.assertEqual(uploads.problem_cell(uploads.Problem("c", "file", "m")), (None, ""))
