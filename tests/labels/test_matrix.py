"""The public register's pages for every persona: anyone may read them, signed in or not."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from tests.labels import (
    accepted_ownership,
    published_model,
    stored_downloads,
    visitor_stamps_expire,
)
from tests.labels.test_exports import IN_MEMORY
from tests.matrix import EVERYONE_OK, PERSONAS, Matrix, MatrixTestCase


def model_number(case) -> str:
    return case.declaration.model.registration_number


def provider_number(case) -> str:
    return case.acme.registration_number


MODEL = {"registration_number": model_number}
VERSION = {"registration_number": model_number, "version": 1}

MATRIX: Matrix = {
    "labels:register": ({}, EVERYONE_OK),
    "labels:model": (MODEL, EVERYONE_OK),
    "labels:model-version": (VERSION, EVERYONE_OK),
    "labels:model-json": (MODEL, EVERYONE_OK),
    "labels:model-version-json": (VERSION, EVERYONE_OK),
    "labels:model-badge": (MODEL, EVERYONE_OK),
    "labels:provider": ({"registration_number": provider_number}, EVERYONE_OK),
    "labels:model-version-pdf": (VERSION, EVERYONE_OK),
    "labels:open-data": ({}, EVERYONE_OK),
    "labels:open-data-file": ({"export_id": lambda case: case.export.pk}, EVERYONE_OK),
    "labels:data-dictionary": ({}, EVERYONE_OK),
    "labels:statistics": ({}, EVERYONE_OK),
    "labels:providers": ({}, EVERYONE_OK),
    "labels:guide": ({}, EVERYONE_OK),
    "labels:compare": ({}, EVERYONE_OK),
}
UNKNOWN = {
    "labels:model": {"registration_number": "MOD-999999"},
    "labels:model-version": {"registration_number": "MOD-999999", "version": 1},
    "labels:model-json": {"registration_number": "MOD-999999"},
    "labels:model-version-json": {"registration_number": "MOD-999999", "version": 1},
    "labels:model-badge": {"registration_number": "MOD-999999"},
    "labels:provider": {"registration_number": "PRV-999999"},
    "labels:model-version-pdf": {"registration_number": "MOD-999999", "version": 1},
    "labels:open-data-file": {"export_id": 999999},
}


@override_settings(STORAGES=IN_MEMORY)
class RegisterMatrixTests(MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Acme Chat")
        cls.label_pdf, cls.export = stored_downloads(cls.declaration)
        accepted_ownership(
            cls,
            links=[{"investor_name": "The Founders", "country": "GB", "share_percent": 100}],
        )

    def test_every_page_for_every_persona(self):
        self.check_matrix(MATRIX)

    def test_unknown_numbers_are_not_found_for_every_persona(self):
        for name, kwargs in UNKNOWN.items():
            url = reverse(name, kwargs=kwargs)
            for persona in PERSONAS:
                with self.subTest(page=name, persona=persona):
                    self.assertEqual(self.open_as(persona, url).status_code, 404)

    def test_an_unpublished_version_is_not_found_and_a_provider_without_labels_is_listed(self):
        unpublished = reverse("labels:model-version", args=[model_number(self), 2])
        nothing_yet = reverse("labels:provider", args=[self.beta.registration_number])
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                self.assertEqual(self.open_as(persona, unpublished).status_code, 404)
                page = self.open_as(persona, nothing_yet)
                self.assertContains(page, "Nothing accepted yet")


@override_settings(STORAGES=IN_MEMORY)
class DownloadTests(MatrixTestCase):
    """The PDF and the open-data files: served as stored, cached by their SHA-256."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Acme Chat")

    def test_the_label_links_to_its_pdf_once_it_is_rendered(self):
        page = reverse("labels:model", args=[model_number(self)])
        pdf = reverse("labels:model-version-pdf", args=[model_number(self), 1])
        before = self.client.get(page)
        self.assertNotContains(before, pdf)
        stored_downloads(self.declaration)
        visitor_stamps_expire()
        after = self.client.get(page, headers={"if-none-match": before["ETag"]})
        self.assertEqual(after.status_code, 200, "the page changed: it now links to the PDF")
        self.assertContains(after, pdf)

    def test_the_pdf_as_stored_with_its_hash_as_etag_and_304_when_unchanged(self):
        label_pdf, _ = stored_downloads(self.declaration)
        url = reverse("labels:model-version-pdf", args=[model_number(self), 1])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4 a label")
        self.assertEqual(response["ETag"], f'"{label_pdf.sha256}"')
        self.assertIn(f'filename="{model_number(self)}-v1.pdf"', response["Content-Disposition"])
        again = self.client.get(url, headers={"if-none-match": response["ETag"]})
        self.assertEqual(again.status_code, 304)

    def test_no_pdf_yet_is_not_found(self):
        url = reverse("labels:model-version-pdf", args=[model_number(self), 1])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_open_data_lists_each_file_with_its_hash_and_serves_it(self):
        empty = self.client.get(reverse("labels:open-data"))
        self.assertContains(empty, "No export has been made yet")
        _, export = stored_downloads(self.declaration)
        listing = self.client.get(reverse("labels:open-data"))
        self.assertContains(listing, export.sha256)
        download = self.client.get(reverse("labels:open-data-file", args=[export.pk]))
        self.assertEqual(download["Content-Type"], "application/jsonl; charset=utf-8")
        self.assertEqual(b"".join(download.streaming_content), b'{"kind": "label"}\n')
        self.assertEqual(download["ETag"], f'"{export.sha256}"')
