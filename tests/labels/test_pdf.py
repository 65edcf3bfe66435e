"""The label's PDF: rendered once per accepted version after the commit, public text only, tagged
for accessibility, hashed, its pages counted.

WeasyPrint takes about a second a render, so the whole class renders one PDF (of the sentinel
filing) and every test reads that one.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import subprocess
from datetime import timedelta
from unittest import mock

from django.apps import apps
from django.core.files.base import ContentFile
from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from registry.audit.models import AuditEvent
from registry.declarations.models import ProvenanceDeclaration
from registry.filings.states import Status
from registry.labels import services
from registry.labels.models import LabelPdf
from registry.labels.selectors.facts import FACT_ROWS
from registry.labels.templatetags.label_display import file_size
from registry.lib.pdf import RenderedPdf, pdf_objects
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration
from tests.labels import accepted_ownership, publish, published_model
from tests.labels.test_exports import IN_MEMORY
from tests.labels.test_selectors import (
    CN_STATE,
    GB_FOUNDERS,
    SENTINEL_NUMBERS,
    SENTINEL_TEXT,
    US_FUND,
    sentinel_filing,
)
from tests.lib.test_pdf import PDFTOTEXT, pdf_info, pdf_pages, pdf_text

# The data migration that counted the pages of the PDFs stored before pages were counted.
pages_migration = importlib.import_module("registry.labels.migrations.0003_labelpdf_pages")


@override_settings(STORAGES=IN_MEMORY)
class LabelPdfTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = sentinel_filing(cls)
        cls.number = cls.declaration.model.registration_number
        cls.label_pdf = services.label_render_pdf(cls.declaration.pk)
        with cls.label_pdf.file.open("rb") as file:
            cls.content = file.read()
        cls.text = pdf_text(cls.content)

    def test_the_pdf_shows_the_model_its_number_provider_and_composition(self):
        for expected in (
            "Leaky",
            self.number,
            "Acme AI",
            "label version 1",
            "What it was trained on",
            "3 confidential sources",
        ):
            with self.subTest(expected):
                self.assertIn(expected, self.text)
        # Six sources of equal share, two of each category: the mix by category, as on the page.
        for category in ("Publicly available dataset", "Crawled from the web", "Synthetic"):
            with self.subTest(category):
                self.assertRegex(self.text, rf"{re.escape(category)}.*\s33\.3%\s+2\s+1\n")

    def test_no_regulator_only_value_is_in_the_pdf(self):
        flat = " ".join(self.text.split())
        # The structure tree, the metadata and every object, inflated: not only the page's text.
        structure = pdf_info(self.content, "-struct-text") + pdf_info(self.content, "-meta")
        objects = pdf_objects(self.content)
        for name, sentinel in [*SENTINEL_TEXT.items(), *SENTINEL_NUMBERS.items()]:
            with self.subTest(sentinel=name):
                self.assertNotIn(str(sentinel), flat)
                self.assertNotIn(str(sentinel), structure)
                self.assertNotIn(str(sentinel).encode(), self.content)
                self.assertNotIn(str(sentinel).encode(), objects)

    def test_the_pdf_is_tagged_for_accessibility_in_english(self):
        self.assertRegex(pdf_info(self.content), r"Tagged:\s+yes\n")
        self.assertIn('pdfuaid:part="1"', pdf_info(self.content, "-meta"))
        self.assertIn(b"/Lang (en-GB)", pdf_objects(self.content))
        structure = pdf_info(self.content, "-struct")
        self.assertTrue(structure.startswith("Document\n"), structure[:200])
        for tag in ("H1", "H2", "Table", "TH", "TD", "Link"):
            with self.subTest(tag=tag):
                self.assertRegex(structure, rf"\n\s+{tag}\b")

    def test_the_metadata_names_the_model_and_the_register_only(self):
        info = pdf_info(self.content)
        self.assertRegex(info, rf"Title:\s+Leaky 1\.0 \({self.number}\)\n")
        self.assertRegex(info, r"Author:\s+AI Training Data Provenance Register\n")

    def test_the_file_is_stored_by_number_and_version_with_its_hash_size_and_pages(self):
        label_pdf = LabelPdf.objects.get(declaration=self.declaration)
        self.assertEqual(label_pdf.file.name, f"labels/{self.number}/v1.pdf")
        self.assertEqual(label_pdf.sha256, hashlib.sha256(self.content).hexdigest())
        self.assertEqual(label_pdf.size, len(self.content))
        self.assertEqual(label_pdf.pages, pdf_pages(self.content))
        self.assertGreaterEqual(label_pdf.pages, 1)
        self.assertTrue(self.content.startswith(b"%PDF-"))

    def test_the_render_is_audited_as_the_system(self):
        event = AuditEvent.objects.get(action="label.pdf_rendered")
        self.assertEqual((event.actor, event.actor_label), (None, "system"))
        self.assertEqual(event.target_id, str(self.label_pdf.pk))
        self.assertEqual(event.after["sha256"], self.label_pdf.sha256)
        self.assertEqual(event.after["pages"], self.label_pdf.pages)

    def test_rendering_again_returns_the_stored_pdf_and_renders_nothing(self):
        with mock.patch.object(services, "html_to_pdf") as render:
            again = services.label_render_pdf(self.declaration.pk)
        render.assert_not_called()
        self.assertEqual(again, self.label_pdf)
        self.assertEqual(LabelPdf.objects.filter(declaration=self.declaration).count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action="label.pdf_rendered").count(), 1)


class ScheduleTests(PersonaTestCase):
    def test_accepting_a_declaration_schedules_its_pdf_after_the_commit(self):
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme))
        with mock.patch.object(services, "label_render_pdf") as render:
            with self.captureOnCommitCallbacks(execute=False) as callbacks:
                publish(self, declaration)
            render.assert_not_called()  # the acceptance does not wait for the PDF
            for callback in callbacks:
                callback()
        render.assert_called_once_with(declaration.pk)

    def test_a_failed_render_is_logged_and_the_acceptance_stands(self):
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme))
        with (
            mock.patch.object(services, "label_render_pdf", side_effect=OSError("disk full")),
            self.assertLogs("registry.lib.background", "ERROR") as logged,
            self.captureOnCommitCallbacks(execute=True),
        ):
            publish(self, declaration)
        declaration.refresh_from_db()
        self.assertEqual(declaration.status, Status.ACCEPTED)
        self.assertIn(f"render_label_pdf({declaration.pk},) failed", logged.output[0])
        self.assertIs(LabelPdf.objects.exists(), False)

    def test_the_sweep_renders_what_is_missing_once_the_grace_period_is_over(self):
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme))
        with mock.patch.object(services, "label_render_pdf"):
            publish(self, declaration)
        declaration.refresh_from_db()
        self.assertEqual(services.label_pdfs_reconcile(now=declaration.decided_at), 0)
        later = declaration.decided_at + services.PDF_SWEEP_GRACE + timedelta(seconds=1)
        rendered = RenderedPdf(content=b"%PDF-1.7 label", pages=1)
        with mock.patch.object(services, "html_to_pdf", return_value=rendered):
            self.assertEqual(services.label_pdfs_reconcile(now=later), 1)
            self.assertEqual(services.label_pdfs_reconcile(now=later), 0)
        self.assertEqual(LabelPdf.objects.get().declaration, declaration)

    def test_a_declaration_that_was_never_published_has_no_pdf(self):
        draft = complete_declaration(model=AIModelFactory(provider=self.acme))
        with (
            mock.patch.object(services, "html_to_pdf") as render,
            self.assertRaises(ProvenanceDeclaration.DoesNotExist),
        ):
            services.label_render_pdf(draft.pk)
        render.assert_not_called()
        self.assertIs(LabelPdf.objects.exists(), False)


def first_page_text(data: bytes) -> str:
    """Page 1 as pdftotext reads it in reading order, its whitespace run together."""
    result = subprocess.run(  # noqa: S603 (a fixed command; the PDF goes in on stdin)
        [PDFTOTEXT, "-f", "1", "-l", "1", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


class FirstPageTests(PersonaTestCase):
    """Page 1 of the PDF is the facts panel, every row of it; the full label starts on page 2."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, links=[US_FUND, CN_STATE, GB_FOUNDERS])
        cls.declaration = published_model(cls, name="Acme Paged", sources=4)
        cls.content = services.label_as_pdf(cls.declaration).content

    def test_page_one_holds_every_row_of_the_panel(self):
        first = first_page_text(self.content)
        for row in FACT_ROWS:
            with self.subTest(row.title):
                self.assertIn(row.title, first)
        for fact in (
            "Acme Paged",
            self.declaration.model.registration_number,
            "label version 1",
            "Foreign state influence (China)",
            "Holds personal data",
            "not findings of the regulator",
        ):
            with self.subTest(fact):
                self.assertIn(fact, first)
        self.assertNotIn("About the model", first)  # the full label is after the panel
        self.assertIn("About the model", pdf_text(self.content))


class LongSourceListTests(PersonaTestCase):
    """A model of 2,000 sources: the PDF lists the largest and says where the rest are, so it
    stays a handful of pages."""

    def test_a_2000_source_label_is_a_handful_of_pages(self):
        declaration = published_model(self, name="Acme Thousands", sources=2000)
        rendered = services.label_as_pdf(declaration)
        self.assertLessEqual(rendered.pages, 8)
        self.assertEqual(pdf_pages(rendered.content), rendered.pages)
        text = " ".join(pdf_text(rendered.content).split())
        shown = services.PDF_SOURCES
        self.assertIn(f"And {2000 - shown} more sources with smaller shares", text)
        self.assertIn("all of them are in the label's JSON and in the register's open data", text)


@override_settings(STORAGES=IN_MEMORY)
class StoredPagesMigrationTests(PersonaTestCase):
    """PDFs stored before pages were counted: counted from their own files, never re-rendered."""

    def stored(self, content: bytes | None, name: str) -> LabelPdf:
        """A PDF of a new published model stored as it was before pages were counted."""
        declaration = published_model_without_pdf(self, name)
        label_pdf = LabelPdf(
            declaration=declaration,
            sha256=hashlib.sha256(content or b"").hexdigest(),
            size=len(content or b""),
            rendered_at=timezone.now(),
        )
        if content is None:  # the row, its file lost
            label_pdf.file.name = f"labels/{name}.pdf"
            label_pdf.save()
        else:
            label_pdf.file.save("label.pdf", ContentFile(content))
        return label_pdf

    def test_each_stored_file_is_counted_and_what_cannot_be_read_stays_uncounted(self):
        rendered = services.label_as_pdf(published_model_without_pdf(self, "Rendered"))
        counted = self.stored(rendered.content, "Counted")
        not_a_pdf = self.stored(b"%PDF-1.7 label", "Not a PDF")
        lost = self.stored(None, "Lost")
        with (
            mock.patch.object(services, "html_to_pdf") as render,
            self.assertNumQueries(2),  # the uncounted PDFs, and the one count written
        ):
            pages_migration.count_stored_pages(apps, None)
        render.assert_not_called()
        for label_pdf, pages in ((counted, rendered.pages), (not_a_pdf, None), (lost, None)):
            with self.subTest(label_pdf.declaration.model.name):
                label_pdf.refresh_from_db()
                self.assertEqual(label_pdf.pages, pages)
        self.assertGreaterEqual(rendered.pages, 1)


def published_model_without_pdf(case, name: str) -> ProvenanceDeclaration:
    """A published model whose PDF the acceptance asked for but which was never rendered."""
    with mock.patch.object(services, "label_render_pdf"):
        return publish(
            case, complete_declaration(model=AIModelFactory(provider=case.acme, name=name))
        )


class FileSizeTests(SimpleTestCase):
    """The PDF's size as its download link gives it: "Download the label (PDF, 182 KB, 4 pages)"."""

    def test_sizes_read_as_gov_uk_writes_an_attachment_s(self):
        for size, expected in [
            (None, ""),
            (1, "1 byte"),
            (900, "900 bytes"),
            (1024, "1 KB"),
            (1536, "1.5 KB"),
            (25_500, "24.9 KB"),
            (186_368, "182 KB"),
            (1_572_864, "1.5 MB"),
            (3 * 2**30, "3 GB"),
        ]:
            with self.subTest(size=size):
                self.assertEqual(file_size(size), expected)
