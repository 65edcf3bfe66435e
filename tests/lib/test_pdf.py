"""HTML to PDF: static files only, nothing from the network or elsewhere on disk, our metadata,
tagged for accessibility (PDF/UA-1), its pages counted."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase, override_settings

from registry.lib import pdf

OUTSIDE = "Outside the static folders"
# poppler-utils, which `make test` installs with apt when it is missing.
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"


def pdf_text(data: bytes) -> str:
    """The text of a PDF, as poppler's pdftotext reads it (layout kept, pages joined)."""
    result = subprocess.run(  # noqa: S603 (a fixed command; the PDF goes in on stdin)
        [PDFTOTEXT, "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


def pdf_info(data: bytes, *options: str) -> str:
    """What poppler's pdfinfo says of a PDF: by default its information dictionary and page count;
    `-meta` its XMP metadata, `-struct` its structure tree."""
    command = [PDFINFO, *options, "-"]
    result = subprocess.run(command, input=data, capture_output=True, check=True)  # noqa: S603
    return result.stdout.decode()


def pdf_pages(data: bytes) -> int:
    """The number of pages as pdfinfo reads it."""
    return int(re.search(r"^Pages:\s+(\d+)$", pdf_info(data), re.M).group(1))


class StaticFolderTestCase(SimpleTestCase):
    """A static folder with a stylesheet and a symlink out of it, and a file beside it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = Path(tempfile.mkdtemp()).resolve()
        cls.static = cls.tmp / "static"
        (cls.static / "labels").mkdir(parents=True)
        (cls.static / "labels" / "test.css").write_text('body::after { content: "STYLED" }')
        (cls.tmp / "secret.css").write_text(f'body::before {{ content: "{OUTSIDE}" }}')
        (cls.static / "labels" / "link.css").symlink_to(cls.tmp / "secret.css")
        cls.settings = override_settings(
            STATIC_ROOT=cls.tmp / "collected", STATICFILES_DIRS=[cls.static], STATIC_URL="/static/"
        )
        cls.settings.enable()

    @classmethod
    def tearDownClass(cls):
        cls.settings.disable()
        shutil.rmtree(cls.tmp)
        super().tearDownClass()


class StaticFileTests(StaticFolderTestCase):
    def test_a_file_in_the_static_folders_is_allowed_by_path_or_static_url(self):
        expected = self.static / "labels" / "test.css"
        for url in (expected.as_uri(), "file:///static/labels/test.css"):
            with self.subTest(url):
                self.assertEqual(pdf.static_file(url), expected)

    def test_everything_else_is_refused(self):
        refused = {
            "the web": "http://example.com/x.png",
            "the web, encrypted": "https://example.com/x.css",
            "ftp": "ftp://example.com/x.css",
            "a system file": "file:///etc/passwd",
            "a file on another host": "file://example.com/static/labels/test.css",
            "a path out of the folder": (self.static / "labels").as_uri() + "/../../secret.css",
            "the static url out of the folder": "file:///static/../etc/passwd",
            "the static url, traversing": "file:///static/labels/../../secret.css",
            "a symlink out of the folder": (self.static / "labels" / "link.css").as_uri(),
            "a folder": (self.static / "labels").as_uri(),
            "a missing file": (self.static / "labels" / "missing.css").as_uri(),
        }
        for name, url in refused.items():
            with self.subTest(name), self.assertRaises(pdf.FetchRefused):
                pdf.static_file(url)


class RenderTests(StaticFolderTestCase):
    """One page that reaches for the network, system files and a way out of the static folder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        html = """<!doctype html>
<html lang="fr"><head>
<title>Regulator-only title</title>
<meta name="author" content="Regulator-only author">
<meta name="description" content="Regulator-only description">
<meta name="keywords" content="regulator-only">
<link rel="stylesheet" href="labels/test.css">
<link rel="stylesheet" href="http://example.com/x.css">
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="stylesheet" href="../secret.css">
<link rel="stylesheet" href="labels/link.css">
<link rel="attachment" href="labels/test.css">
</head><body>
<p>A label for Acme Chat</p>
<img src="http://example.com/x.png" alt="">
<img src="https://example.com/y.png" alt="">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
</body></html>"""
        with (
            mock.patch.object(pdf.logger, "warning") as warning,
            mock.patch.object(socket.socket, "connect") as connect,
        ):
            cls.rendered = pdf.html_to_pdf(
                html, base_url=cls.static.as_uri() + "/", title="Acme Chat"
            )
        cls.pdf = cls.rendered.content
        cls.objects = pdf.pdf_objects(cls.pdf)
        cls.refused = [call.args[1] for call in warning.call_args_list]
        cls.connections = connect.call_count
        cls.text = pdf_text(cls.pdf)

    def test_it_is_a_pdf_with_the_page_text(self):
        self.assertTrue(self.pdf.startswith(b"%PDF-"))
        self.assertIn("A label for Acme Chat", self.text)

    def test_a_stylesheet_in_the_static_folder_is_used(self):
        self.assertIn("STYLED", self.text)

    def test_the_network_and_files_outside_static_are_refused_and_never_opened(self):
        self.assertEqual(
            sorted(self.refused),
            sorted(
                [
                    "http://example.com/x.css",
                    "file:///etc/passwd",
                    (self.tmp / "secret.css").as_uri(),
                    (self.static / "labels" / "link.css").as_uri(),
                    "http://example.com/x.png",
                    "https://example.com/y.png",
                ]
            ),
        )
        self.assertEqual(self.connections, 0)
        self.assertNotIn(OUTSIDE, self.text)
        self.assertNotIn("root:", self.text)

    def test_the_metadata_is_ours_not_the_html_s(self):
        info = pdf_info(self.pdf)
        self.assertRegex(info, r"Title:\s+Acme Chat\n")
        self.assertRegex(info, r"Author:\s+AI Training Data Provenance Register\n")
        self.assertNotIn("egulator-only", info)
        self.assertNotIn(b"egulator-only", self.pdf)

    def test_the_language_is_ours_not_the_html_s(self):
        self.assertIn(b"/Lang (en-GB)", self.objects)
        self.assertNotIn(b"/Lang (fr)", self.objects)

    def test_nothing_from_the_html_s_head_is_in_the_xmp_metadata_or_any_object(self):
        self.assertNotIn("egulator-only", pdf_info(self.pdf, "-meta"))
        self.assertNotIn(b"egulator-only", self.objects)

    # Read as assistive technology reads it: tagged as PDF/UA-1 (ISO 14289-1) asks.

    def test_it_is_tagged_with_a_structure_tree(self):
        self.assertRegex(pdf_info(self.pdf), r"Tagged:\s+yes\n")
        self.assertIn(b"/Type /StructTreeRoot", self.objects)
        self.assertRegex(self.objects, rb"/MarkInfo\s*<<\s*/Marked true\s*>>")
        structure = pdf_info(self.pdf, "-struct-text")
        self.assertTrue(structure.startswith("Document\n"), structure)
        self.assertIn('"A label for Acme Chat"', structure)

    def test_it_identifies_itself_as_pdf_ua_1_with_our_title_and_author(self):
        xmp = pdf_info(self.pdf, "-meta")
        self.assertIn('pdfuaid:part="1"', xmp)
        self.assertIn('<rdf:li xml:lang="x-default">Acme Chat</rdf:li>', xmp)
        self.assertIn("<rdf:li>AI Training Data Provenance Register</rdf:li>", xmp)
        self.assertRegex(pdf_info(self.pdf), r"PDF version:\s+1\.7\n")

    def test_a_reader_shows_the_title_not_the_file_name(self):
        self.assertRegex(self.objects, rb"/DisplayDocTitle true")


class PageCountTests(StaticFolderTestCase):
    def test_the_pages_are_counted_as_rendered_and_read_back_alike(self):
        for pages in (1, 3):
            with self.subTest(pages=pages):
                html = "".join(
                    f'<p style="break-before: page">Page {n}</p>' for n in range(1, pages + 1)
                )
                rendered = pdf.html_to_pdf(html, title="Pages")
                self.assertEqual(rendered.pages, pages)
                self.assertEqual(pdf_pages(rendered.content), pages)
                self.assertEqual(pdf.pdf_page_count(rendered.content), pages)

    def test_what_is_not_a_pdf_we_wrote_has_no_count_rather_than_a_guess(self):
        rendered = pdf.html_to_pdf("<p>One page</p>", title="One")
        for name, content in {
            "not a PDF": b"<html>not a PDF</html>",
            "a PDF header only": b"%PDF-1.7 label",
            "a file cut short": rendered.content[:200],
            "empty": b"",
        }.items():
            with self.subTest(name):
                self.assertIsNone(pdf.pdf_page_count(content))
