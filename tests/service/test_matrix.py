"""The service's own pages for every persona: anyone may read them, signed in or not."""

from __future__ import annotations

from tests.matrix import EVERYONE_OK, Matrix, MatrixTestCase

MATRIX: Matrix = {
    "service:accessibility": ({}, EVERYONE_OK),
    "service:privacy": ({}, EVERYONE_OK),
    "service:cookies": ({}, EVERYONE_OK),
    "service:contact": ({}, EVERYONE_OK),
    "service:terms": ({}, EVERYONE_OK),
    "service:feedback": ({}, EVERYONE_OK),
    "service:feedback-sent": ({}, EVERYONE_OK),
}


class ServicePagesMatrixTests(MatrixTestCase):
    def test_every_page_for_every_persona(self):
        self.check_matrix(MATRIX)
