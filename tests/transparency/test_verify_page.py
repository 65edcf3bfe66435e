"""/verify: anyone checks a label by its number, its JSON or its PDF, and is told each step.

A bad upload is an error on the file field, a tampered label a result that says which check
failed; neither is ever a server error. Everyone, signed in or not, gets the same answer.
"""

from __future__ import annotations

import io
import json
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfWriter

from registry.labels.services import label_render_pdf
from registry.transparency import forms, services
from registry.transparency.models import LogEntry
from tests.base import PersonaTestCase
from tests.labels import published_model, withdraw
from tests.labels.test_exports import IN_MEMORY
from tests.labels.test_selectors import amend
from tests.matrix import PERSONAS

VERIFY = reverse("transparency:verify")
GENUINE = "The label is genuine"
NOT_PASSED = "The label did not pass every check"
PROBLEM = "There is a problem"
RECORD_STEP = "The label's declaration record is the one the log recorded"
PDF_STEP = "The PDF file is one the register issued"


def blank_pdf(attachment: bytes | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if attachment is not None:
        writer.add_attachment("notes.txt", attachment)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def label_pdf(attached: bytes) -> bytes:
    """A PDF with `attached` as its label.json, as a forger might make one."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("label.json", attached)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@override_settings(STORAGES=IN_MEMORY)
class VerifyPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Atlas")
        cls.number = cls.declaration.model.registration_number
        label_pdf = label_render_pdf(cls.declaration.pk)
        services.log_publish()
        with label_pdf.file.open("rb") as file:
            cls.pdf = file.read()

    def label_bytes(self) -> bytes:
        response = self.client.get(reverse("labels:model-version-json", args=[self.number, 1]))
        self.assertEqual(response.status_code, 200)
        return response.content

    def upload(self, content: bytes, name: str = "label.json"):
        response = self.client.post(VERIFY, {"label_file": SimpleUploadedFile(name, content)})
        self.assertEqual(response.status_code, 200)
        return response

    def failed(self, response) -> list[str]:
        return [step.what for step in response.context["result"].steps if not step.ok]

    def assert_file_error(self, response, message: str) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, PROBLEM)
        self.assertContains(response, f'<a href="#id_label_file">{escape(message)}</a>')
        self.assertEqual(response.context["form"].errors["label_file"], [message])
        self.assertIsNone(response.context["result"])

    def test_the_empty_form_shows_no_error(self):
        response = self.client.get(VERIFY)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<h1 class="govuk-heading-xl">Check a label</h1>', html=True)
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertNotContains(response, PROBLEM)
        self.assertIs(response.context["form"].is_bound, False)

    def test_a_number_is_checked_step_by_step(self):
        response = self.client.get(VERIFY, {"number": self.number})
        self.assertContains(response, GENUINE)
        self.assertContains(response, f"Atlas 1.0 ({self.number}), label version 1")
        result = response.context["result"]
        self.assertIs(result.ok, True)
        for step in result.steps:
            with self.subTest(step.what):
                self.assertContains(response, step.what.replace("'", "&#x27;"))
        whats = [step.what for step in result.steps]
        self.assertIn(RECORD_STEP, whats)
        self.assertIn("The declaration's leaf is in the tree the checkpoint signs", whats)
        self.assertIn("The ownership statement's leaf is in the tree the checkpoint signs", whats)

    def test_a_number_is_read_in_any_case_and_with_its_version(self):
        for query in (
            {"number": self.number.lower()},
            {"number": f"  {self.number} "},
            {"number": self.number, "version": "1"},
        ):
            with self.subTest(query):
                self.assertContains(self.client.get(VERIFY, query), GENUINE)

    def test_an_unknown_number_or_version_is_an_error_on_the_number(self):
        for query, message in (
            ({"number": "MOD-999999"}, "MOD-999999 is not on the register"),
            (
                {"number": self.number, "version": "9"},
                f"{self.number} version 9 is not on the register",
            ),
        ):
            with self.subTest(query):
                response = self.client.get(VERIFY, query)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, PROBLEM)
                self.assertContains(response, f'<a href="#id_number">{message}</a>', html=True)
                self.assertNotContains(response, GENUINE)

    def test_a_badly_formed_number_or_version_is_an_error(self):
        for query, field, message in (
            (
                {"number": "ABC-123"},
                "number",
                "Enter a registration number in the correct format, like MOD-000123",
            ),
            (
                {"number": "PRV-000001"},
                "number",
                "Enter a registration number in the correct format, like MOD-000123",
            ),
            (
                {"number": self.number, "version": "two"},
                "version",
                "Label version must be a whole number, like 2",
            ),
            ({"number": self.number, "version": "0"}, "version", "Label version must be 1 or more"),
        ):
            with self.subTest(query):
                response = self.client.get(VERIFY, query)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors[field], [message])
                self.assertContains(response, f'href="#id_{field}"')
                self.assertIsNone(response.context["result"])

    def test_posting_nothing_asks_for_a_file_or_a_number(self):
        response = self.client.post(VERIFY, {})
        self.assert_file_error(response, "Upload a label file or enter a registration number")
        response = self.client.get(VERIFY, {"number": ""})
        self.assertEqual(
            response.context["form"].errors["label_file"],
            ["Upload a label file or enter a registration number"],
        )

    def test_a_genuine_label_json_is_genuine(self):
        response = self.upload(self.label_bytes(), "MOD-v1.json")
        self.assertContains(response, GENUINE)
        self.assertContains(response, "MOD-v1.json")
        self.assertEqual(self.failed(response), [])

    def test_a_label_json_with_one_member_changed_fails_the_record_step(self):
        for change in (
            lambda label: label["sources"][0].update(name="Something else"),
            lambda label: label["model"].update(name="Atlas Pro"),
            lambda label: label.update(status="withdrawn"),
        ):
            label = json.loads(self.label_bytes())
            change(label)
            response = self.upload(json.dumps(label).encode())
            with self.subTest(label=label["model"]["name"]):
                self.assertContains(response, NOT_PASSED)
                self.assertNotContains(response, GENUINE)
                self.assertEqual(self.failed(response), [RECORD_STEP])
                self.assertContains(response, "the label was changed after it was logged")

    def test_the_label_pdf_is_genuine_and_its_bytes_are_the_ones_issued(self):
        response = self.upload(self.pdf, "label.pdf")
        self.assertContains(response, GENUINE)
        self.assertEqual(self.failed(response), [])
        step = response.context["result"].steps[-1]
        self.assertEqual(step.what, PDF_STEP)
        entry = LogEntry.objects.get(filing_id=self.declaration.pk, act="pdf_issued")
        self.assertIn(f"recorded in leaf {entry.index} of the log", step.detail)

    def test_a_pdf_with_a_byte_appended_fails_the_issued_step_alone(self):
        response = self.upload(self.pdf + b"\n", "label.pdf")
        self.assertContains(response, NOT_PASSED)
        self.assertEqual(self.failed(response), [PDF_STEP])
        self.assertContains(response, "this file was changed or made elsewhere")

    def test_what_is_not_a_label_is_an_error_on_the_file(self):
        for name, content, message in (
            ("notes.txt", b"Just some notes", "The selected file must be a label's JSON or PDF"),
            ("binary.bin", b"\xff\xfe\x00\x01", "The selected file must be a label's JSON or PDF"),
            ("empty.json", b"", "The submitted file is empty."),
            ("list.json", b"[1, 2, 3]", "The selected file is JSON, but not a label's"),
            ("string.json", b'"label"', "The selected file is JSON, but not a label's"),
            ("deep.json", b"[" * 100_000, "The selected file must be a label's JSON or PDF"),
            (
                "deep-object.json",
                b'{"a":' * 100_000,
                "The selected file must be a label's JSON or PDF",
            ),
        ):
            with self.subTest(name):
                response = self.client.post(
                    VERIFY, {"label_file": SimpleUploadedFile(name, content)}
                )
                self.assert_file_error(response, message)

    def test_a_pdf_without_the_label_attached_is_an_error_on_the_file(self):
        for name, content in (
            ("blank.pdf", blank_pdf()),
            ("other.pdf", blank_pdf(attachment=b"not the label")),
            ("broken.pdf", b"%PDF-1.7 and then nothing a reader can use"),
            ("list.pdf", label_pdf(b"[]")),
        ):
            with self.subTest(name):
                response = self.client.post(
                    VERIFY, {"label_file": SimpleUploadedFile(name, content)}
                )
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors["label_file"]
                self.assertEqual(len(errors), 1)
                self.assertTrue(
                    errors[0].startswith("The PDF holds no label record the register attached")
                )

    def test_a_label_nested_too_deep_to_check_is_never_a_server_error(self):
        pdf_too_deep = (
            "The PDF holds no label record the register attached: "
            "the PDF's label.json is nested too deeply to be a label"
        )
        genuine = self.label_bytes().decode()
        for depth in (800, 850, 900, 950, 999):
            nested = "[" * depth + "]" * depth
            label = genuine.replace('"sources":', f'"extra":{nested},"sources":', 1).encode()
            for name, content in (("label.json", label), ("label.pdf", label_pdf(label))):
                with self.subTest(depth=depth, file=name):
                    response = self.client.post(
                        VERIFY, {"label_file": SimpleUploadedFile(name, content)}
                    )
                    self.assertEqual(response.status_code, 200)
                    result = response.context["result"]
                    if result is None:
                        self.assertIn(
                            response.context["form"].errors["label_file"],
                            [
                                ["The selected file must be a label's JSON or PDF"],
                                [pdf_too_deep],
                            ],
                        )
                    else:
                        self.assertIn(RECORD_STEP, self.failed(response))
        response = self.client.post(
            VERIFY, {"label_file": SimpleUploadedFile("deep.pdf", label_pdf(b"[" * 100_000))}
        )
        self.assert_file_error(response, pdf_too_deep)

    def test_a_json_object_without_proofs_does_not_pass(self):
        response = self.upload(b'{"kind": "label"}')
        self.assertContains(response, NOT_PASSED)
        self.assertEqual(
            self.failed(response), ["The label carries a proof of its place in the log"]
        )

    def test_a_file_over_the_limit_is_refused(self):
        with mock.patch.object(forms, "MAX_UPLOAD_BYTES", 100):
            response = self.client.post(
                VERIFY, {"label_file": SimpleUploadedFile("big.json", b" " * 101)}
            )
        self.assert_file_error(response, "The selected file must be smaller than 20 MB")

    def test_every_persona_gets_the_same_result(self):
        label = self.label_bytes()
        tampered = json.loads(label)
        tampered["sources"][0]["name"] = "Something else"
        asks = {
            "number": lambda: self.client.get(VERIFY, {"number": self.number}),
            "json": lambda: self.upload(label),
            "tampered": lambda: self.upload(json.dumps(tampered).encode()),
            "pdf": lambda: self.upload(self.pdf, "label.pdf"),
        }
        for ask, request in asks.items():
            outcomes = {}
            for persona in PERSONAS:
                with self.subTest(ask=ask, persona=persona):
                    self.client.logout()
                    if persona != "anonymous":
                        self.sign_in(getattr(self, persona))
                    response = request()
                    self.assertEqual(response.status_code, 200)
                    steps = response.context["result"].steps
                    outcomes[persona] = [(step.what, step.ok, step.detail) for step in steps]
            self.assertEqual(len({repr(outcome) for outcome in outcomes.values()}), 1, ask)


@override_settings(STORAGES=IN_MEMORY)
class VerifyLaterVersionsTests(PersonaTestCase):
    def test_a_superseded_and_a_withdrawn_version_are_checked_as_they_now_stand(self):
        first = published_model(self, name="Atlas")
        second = amend(self, first)
        withdraw(self, second, "Retired")
        services.log_publish()
        number = first.model.registration_number
        for query, status in (
            ({"number": number, "version": "1"}, "superseded"),
            ({"number": number, "version": "2"}, "withdrawn"),
            ({"number": number}, "withdrawn"),
        ):
            with self.subTest(query):
                response = self.client.get(VERIFY, query)
                self.assertContains(response, GENUINE)
                details = " ".join(step.detail for step in response.context["result"].steps)
                self.assertIn(f"records the act '{status}'", details)
