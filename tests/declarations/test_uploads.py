"""Reading uploads and pasted lists: files, host lists and language lines.

Sheets of sources (CSV and XLSX) are in test_upload_sheets.py.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase

from registry.declarations.uploads.files import MB, UploadError, check_pdf, read_text_upload
from registry.declarations.uploads.lists import (
    generator_lines,
    parse_generator_lines,
    parse_hosts,
    parse_language_shares,
    split_codes,
    summarise_errors,
)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


class ReadTextUploadTests(SimpleTestCase):
    def read(self, name: str, data: bytes, max_bytes: int = 1000) -> str:
        return read_text_upload(
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
            with self.subTest(label), self.assertRaisesMessage(UploadError, message):
                self.read(name, data)

    def test_the_size_limit_is_named_in_megabytes(self):
        with self.assertRaisesMessage(UploadError, "smaller than 20 MB"):
            self.read("a.csv", b"x" * (20 * MB + 1), max_bytes=20 * MB)


class CheckPdfTests(SimpleTestCase):
    def test_a_pdf_is_known_by_its_first_bytes_not_its_name(self):
        check_pdf(upload("anything.bin", b"%PDF-1.7\n..."), max_bytes=100)
        with self.assertRaisesMessage(UploadError, "must be a PDF"):
            check_pdf(upload("report.pdf", b"<html>"), max_bytes=100)

    def test_empty_and_oversized_pdfs_are_refused(self):
        with self.assertRaisesMessage(UploadError, "empty"):
            check_pdf(upload("r.pdf", b""), max_bytes=100)
        with self.assertRaisesMessage(UploadError, "smaller than"):
            check_pdf(upload("r.pdf", b"%PDF-" + b"0" * 100), max_bytes=100)

    def test_the_file_can_be_read_from_the_start_afterwards(self):
        file = upload("r.pdf", b"%PDF-1.4 body")
        check_pdf(file, max_bytes=100)
        self.assertEqual(file.read(), b"%PDF-1.4 body")


class HostListTests(SimpleTestCase):
    def test_hosts_are_normalised_deduplicated_and_kept_in_order(self):
        text = "host\nWWW.Example.com.\nhttps://news.example.org/a/b\nexample.net:8080\n\nwww.example.com\n"
        hosts, errors = parse_hosts(text)
        self.assertEqual(hosts, ["www.example.com", "news.example.org", "example.net"])
        self.assertEqual(errors, [])

    def test_the_first_csv_column_is_the_host(self):
        hosts, _ = parse_hosts('domain,bytes\n"a.example.com",10\nb.example.com,5\n')
        self.assertEqual(hosts, ["a.example.com", "b.example.com"])

    def test_bad_lines_are_named_by_number(self):
        _, errors = parse_hosts("ok.example\nnot a host\n\nlocalhost\n")
        self.assertEqual(
            errors,
            [
                "Line 2: not a host is not a host name, like example.com",
                "Line 4: localhost is not a host name, like example.com",
            ],
        )

    def test_ten_thousand_hosts_are_read(self):
        hosts, errors = parse_hosts("\n".join(f"h{i}.example.com" for i in range(10_000)))
        self.assertEqual((len(hosts), errors), (10_000, []))

    def test_long_error_lists_are_summarised(self):
        errors = [f"Line {i}: bad" for i in range(1, 31)]
        summary = summarise_errors(errors)
        self.assertEqual(len(summary), 21)
        self.assertEqual(summary[-1], "and 10 more lines with problems")


class TypedListTests(SimpleTestCase):
    def test_language_shares_are_read_line_by_line(self):
        entries, errors = parse_language_shares("EN 62.5\nfr: 30%\n\nde,7.5\n")
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
        _, errors = parse_language_shares("en 50\nfrench\nde lots\nit 1 2\n")
        self.assertEqual([error.split(":")[0] for error in errors], ["Line 2", "Line 3", "Line 4"])

    def test_codes_split_on_spaces_commas_and_semicolons(self):
        self.assertEqual(split_codes(" gb, fr;de  us ", upper=True), ["GB", "FR", "DE", "US"])
        self.assertEqual(split_codes("EN,Fr"), ["en", "fr"])
        self.assertEqual(split_codes(""), [])

    def test_generator_lines_round_trip(self):
        text = "Teacher 70B | Open Lab | YES\nHelper"
        generators, errors = parse_generator_lines(text)
        self.assertEqual(errors, [])
        self.assertEqual(
            generators,
            [
                {"name": "Teacher 70B", "provider": "Open Lab", "terms_permit_training": "yes"},
                {"name": "Helper", "provider": "", "terms_permit_training": ""},
            ],
        )
        self.assertEqual(generator_lines(generators), "Teacher 70B | Open Lab | yes\nHelper |  | ")

    def test_a_generator_line_with_too_many_parts_is_named(self):
        _, errors = parse_generator_lines("a | b | no\na | b | c | d")
        self.assertEqual(len(errors), 1)
        self.assertTrue(errors[0].startswith("Line 2:"))
