"""The transparency log's pages and files for every persona: public, the same for everyone, and
holding no regulator-only value or personal data whoever asks."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from registry.transparency.services import log_publish
from tests.labels import accepted_ownership, published_model
from tests.labels.test_exports import IN_MEMORY
from tests.matrix import EVERYONE_OK, PERSONAS, Matrix, MatrixTestCase, expect

MATRIX: Matrix = {
    "transparency:log": ({}, EVERYONE_OK),
    "transparency:checkpoint": ({}, EVERYONE_OK),
    "transparency:key": ({}, EVERYONE_OK),
    "transparency:tile": ({"path": "tile/0/000.p/2"}, EVERYONE_OK),
    "transparency:verify": ({}, EVERYONE_OK),
    # Witnesses post; a GET is refused the same way for everyone.
    "transparency:cosignature": ({}, expect(*[405] * len(PERSONAS))),
}


@override_settings(STORAGES=IN_MEMORY)
class LogMatrixTests(MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, links=[{"investor_name": "Sentinel Holdings", "country": "GB"}])
        cls.declaration = published_model(cls, name="Acme Chat")

    def setUp(self):
        super().setUp()
        log_publish()  # the ownership statement's leaf and the declaration's: two leaves

    def test_every_page_for_every_persona(self):
        self.check_matrix(MATRIX)

    def test_everyone_reads_the_same_log_and_none_of_it_is_regulator_only(self):
        pages = [reverse("transparency:log"), reverse("transparency:checkpoint")]
        for url in pages:
            bodies = set()
            for persona in PERSONAS:
                with self.subTest(page=url, persona=persona):
                    response = self.open_as(persona, url)
                    text = response.content.decode()
                    # Leaves and pages name numbers and hashes, never people or exact holdings.
                    for secret in ("Alice Owner", "Sentinel Holdings", "alice@", "PRIVATE+KEY"):
                        self.assertNotIn(secret, text)
                    if url.endswith("checkpoint"):
                        bodies.add(text)
            self.assertLessEqual(len(bodies), 1)
