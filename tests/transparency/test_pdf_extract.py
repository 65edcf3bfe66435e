"""Reading the label JSON back out of a label PDF, and refusing a PDF that does not carry one."""

from __future__ import annotations

import io
import json

from django.test import SimpleTestCase
from provenance_client import FormatError
from provenance_client.pdf import extract_label
from pypdf import PdfWriter

LABEL = {"kind": "label", "model": {"registration_number": "MOD-000001"}, "version": 2}


def pdf_with(*attachments: tuple[str, bytes]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for name, data in attachments:
        writer.add_attachment(name, data)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class ExtractLabelTests(SimpleTestCase):
    def test_the_embedded_label_json_is_returned(self):
        pdf = pdf_with(("label.json", json.dumps(LABEL).encode()))
        self.assertEqual(extract_label(pdf), LABEL)

    def test_other_attachments_beside_the_label_are_ignored(self):
        pdf = pdf_with(("notes.txt", b"not a label"), ("label.json", json.dumps(LABEL).encode()))
        self.assertEqual(extract_label(pdf), LABEL)

    def test_a_pdf_without_the_label_is_refused(self):
        for pdf in (pdf_with(), pdf_with(("other.json", json.dumps(LABEL).encode()))):
            with self.subTest(), self.assertRaisesMessage(FormatError, "no embedded label.json"):
                extract_label(pdf)

    def test_an_embedded_label_that_is_not_a_json_object_is_refused(self):
        cases = {
            b"{not json": "is not UTF-8 JSON",
            b"\xff\xfe{}": "is not UTF-8 JSON",
            b"[1, 2]": "is not a JSON object",
        }
        for data, message in cases.items():
            with self.subTest(data=data), self.assertRaisesMessage(FormatError, message):
                extract_label(pdf_with(("label.json", data)))

    def test_two_embedded_labels_are_refused_rather_than_one_chosen(self):
        pdf = pdf_with(("label.json", b"{}"), ("label.json", json.dumps(LABEL).encode()))
        with self.assertRaisesMessage(FormatError, "2 files named label.json, not one"):
            extract_label(pdf)

    def test_bytes_that_are_not_a_pdf_are_refused(self):
        for data in (b"", b"{}", pdf_with(("label.json", b"{}"))[:300]):
            with (
                self.subTest(data=data[:10]),
                self.assertRaisesMessage(FormatError, "not a readable PDF"),
            ):
                extract_label(data)
