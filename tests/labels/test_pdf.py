"""The label's PDF: rendered once per accepted version after the commit, public text only, hashed.

WeasyPrint takes about a second a render, so the whole class renders one PDF (of the sentinel
filing) and every test reads that one.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from unittest import mock

from django.test import override_settings

from registry.audit.models import AuditEvent
from registry.declarations.models import ProvenanceDeclaration
from registry.filings.states import Status
from registry.labels import services
from registry.labels.models import LabelPdf
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration
from tests.labels import publish
from tests.labels.test_exports import IN_MEMORY
from tests.labels.test_selectors import SENTINEL_NUMBERS, SENTINEL_TEXT, sentinel_filing
from tests.lib.test_pdf import pdf_info, pdf_text


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
        for name, sentinel in [*SENTINEL_TEXT.items(), *SENTINEL_NUMBERS.items()]:
            with self.subTest(sentinel=name):
                self.assertNotIn(str(sentinel), flat)
                self.assertNotIn(str(sentinel).encode(), self.content)

    def test_the_metadata_names_the_model_and_the_register_only(self):
        info = pdf_info(self.content)
        self.assertRegex(info, rf"Title:\s+Leaky 1\.0 \({self.number}\)\n")
        self.assertRegex(info, r"Author:\s+AI Training Data Provenance Register\n")

    def test_the_file_is_stored_by_number_and_version_with_its_hash_and_size(self):
        label_pdf = LabelPdf.objects.get(declaration=self.declaration)
        self.assertEqual(label_pdf.file.name, f"labels/{self.number}/v1.pdf")
        self.assertEqual(label_pdf.sha256, hashlib.sha256(self.content).hexdigest())
        self.assertEqual(label_pdf.size, len(self.content))
        self.assertTrue(self.content.startswith(b"%PDF-"))

    def test_the_render_is_audited_as_the_system(self):
        event = AuditEvent.objects.get(action="label.pdf_rendered")
        self.assertEqual((event.actor, event.actor_label), (None, "system"))
        self.assertEqual(event.target_id, str(self.label_pdf.pk))
        self.assertEqual(event.after["sha256"], self.label_pdf.sha256)

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
        with mock.patch.object(services, "html_to_pdf", return_value=b"%PDF-1.7 label"):
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
