"""Every export of a published version for every persona: public, the same for everyone; and the
label page and the public API list them."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from registry.exchange.selectors import EXPORTS
from tests.factories import AIModelFactory, ProvenanceDeclarationFactory
from tests.labels import published_model
from tests.labels.test_exports import IN_MEMORY
from tests.matrix import ACME_EDITORS, EVERYONE_OK, PERSONAS, Matrix, MatrixTestCase, expect


def model_number(case) -> str:
    return case.declaration.model.registration_number


VERSION = {"registration_number": model_number, "version": 1}

MATRIX: Matrix = {export.url_name: (VERSION, EVERYONE_OK) for export in EXPORTS}


@override_settings(STORAGES=IN_MEMORY)
class ExportsMatrixTests(MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Acme Chat")

    def test_every_export_for_every_persona(self):
        self.check_matrix(MATRIX)

    def test_an_unknown_version_or_model_is_not_found_for_every_persona(self):
        number = model_number(self)
        for export in EXPORTS:
            for args in ([number, 9], ["MOD-999999", 1]):
                url = reverse(export.url_name, args=args)
                for persona in PERSONAS:
                    with self.subTest(export.key, args=args, persona=persona):
                        self.assertEqual(self.open_as(persona, url).status_code, 404)

    def test_the_label_page_links_every_export(self):
        number = model_number(self)
        page = self.client.get(reverse("labels:model", args=[number]))
        for export in EXPORTS:
            with self.subTest(export.key):
                self.assertContains(page, reverse(export.url_name, args=[number, 1]))

    def test_the_public_api_lists_every_export_with_its_address(self):
        number = model_number(self)
        url = f"/api/v1/public/models/{number}/versions/1/exports/"
        listed = self.client.get(url).json()["exports"]
        self.assertEqual([item["key"] for item in listed], [export.key for export in EXPORTS])
        for item, export in zip(listed, EXPORTS, strict=True):
            with self.subTest(export.key):
                self.assertEqual(
                    item["url"], "http://testserver" + reverse(export.url_name, args=[number, 1])
                )
                self.assertEqual(item["media_type"], export.media_type)
        missing = self.client.get(f"/api/v1/public/models/{number}/versions/9/exports/")
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(missing["Content-Type"], "application/problem+json")


# --- Importing into a draft: Acme's owners and submitters, as every page that edits a draft


def import_draft(case) -> int:
    """A draft of Acme's to import into, made once per test."""
    if not hasattr(case, "import_draft_id"):
        model = AIModelFactory(provider=case.acme)
        case.import_draft_id = ProvenanceDeclarationFactory(model=model, created_by=case.alice).pk
    return case.import_draft_id


def import_upload(case) -> str:
    return reverse("exchange:import", args=[import_draft(case)])


DRAFT = {"declaration_id": import_draft}
IMPORTS: Matrix = {
    "exchange:import": (DRAFT, ACME_EDITORS),
    # With no file uploaded, the preview sends editors to the upload.
    "exchange:import-preview": (
        DRAFT,
        expect("sign-in", "home", import_upload, import_upload, 403, 404, 404, 404, 403),
    ),
    "exchange:import-apply": (DRAFT, expect("sign-in", "home", 405, 405, 403, 404, 404, 404, 403)),
}
MATRIX |= IMPORTS
