"""The API's web pages for every persona: the schema and its docs are public.

The API endpoints themselves are checked key by key in tests/api (a key, not a signed-in
person, is what they answer to).
"""

from __future__ import annotations

from tests.matrix import EVERYONE_OK, Matrix, MatrixTestCase

MATRIX: Matrix = {
    "api:schema": ({}, EVERYONE_OK),
    "api:docs": ({}, EVERYONE_OK),
    "api:filing-schema": ({"name": "declaration"}, EVERYONE_OK),
}


class ApiPagesMatrixTests(MatrixTestCase):
    def test_every_page_for_every_persona(self):
        self.check_matrix(MATRIX)
