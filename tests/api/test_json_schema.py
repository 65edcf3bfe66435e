"""The JSON Schemas of a declaration and an ownership statement: valid JSON Schema 2020-12, made
from the API's own serializers, so a body the API takes passes and a mistyped one doesn't."""

from __future__ import annotations

import json

from django.test import SimpleTestCase
from jsonschema import Draft202012Validator

from registry.api import json_schema
from tests.api.test_declarations import ATTESTATION, CRAWL, PUBLIC_DATASET, SYNTHETIC, whole_body
from tests.api.test_ownership import LINK
from tests.api.test_ownership import SIGNED as STATEMENT_SIGNED

SCHEMA_URL = "/api/v1/schema/{}.json"


def validator(name: str) -> Draft202012Validator:
    schema = json_schema.filing_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def declaration_body(**changes) -> dict:
    """A whole declaration as the API replaces a draft with (the model is named on creation)."""
    body = whole_body(1, **changes)
    del body["model"]
    return body


def error_paths(validator: Draft202012Validator, body: dict) -> list[str]:
    return sorted(error.json_path for error in validator.iter_errors(body))


class DeclarationSchemaTests(SimpleTestCase):
    def setUp(self):
        self.validator = validator("declaration")

    def test_a_whole_declaration_the_api_takes_passes(self):
        self.assertEqual(error_paths(self.validator, declaration_body()), [])

    def test_empty_answers_may_be_null_where_the_api_takes_null(self):
        body = declaration_body(total_tokens=None, total_audio_hours=None)
        self.assertEqual(error_paths(self.validator, body), [])

    def test_a_mistyped_answer_fails_at_its_own_place(self):
        cases = {
            "$.total_tokens": declaration_body(total_tokens="lots"),
            "$.sources[1].share_percent": declaration_body(
                sources=[PUBLIC_DATASET, CRAWL | {"share_percent": "thirty"}, SYNTHETIC]
            ),
            "$.red_team_attestations[0].outcome": declaration_body(
                red_team_attestations=[ATTESTATION | {"outcome": "mostly"}]
            ),
            "$.sources[0].category": declaration_body(
                sources=[PUBLIC_DATASET | {"category": "anything"}]
            ),
        }
        for path, body in cases.items():
            with self.subTest(path):
                self.assertIn(path, error_paths(self.validator, body))

    def test_it_is_json_schema_2020_12_with_its_components_under_defs(self):
        schema = json_schema.filing_schema("declaration")
        self.assertEqual(schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
        self.assertTrue(schema["$id"].endswith("/api/v1/schema/declaration.json"))
        text = json.dumps(schema)
        self.assertNotIn("#/components/", text)
        self.assertNotIn('"nullable"', text)
        for name in json_schema.referenced("DeclarationReplaceRequest", json_schema.components()):
            if name != "DeclarationReplaceRequest":
                self.assertIn(name, schema["$defs"])


class OwnershipSchemaTests(SimpleTestCase):
    def test_a_whole_statement_passes_and_a_mistyped_one_fails(self):
        checker = validator("ownership-statement")
        body = {"links": [LINK, LINK | {"country": "GB"}], **STATEMENT_SIGNED}
        self.assertEqual(error_paths(checker, body), [])
        wrong = {"links": [LINK | {"share_percent": "most"}]}
        self.assertIn("$.links[0].share_percent", error_paths(checker, wrong))


class SchemaEndpointTests(SimpleTestCase):
    def test_each_schema_is_served_to_anyone_with_its_media_type(self):
        for name in json_schema.FILINGS:
            with self.subTest(name):
                response = self.client.get(SCHEMA_URL.format(name))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "application/schema+json")
                self.assertEqual(response["Access-Control-Allow-Origin"], "*")
                self.assertEqual(response.json(), json_schema.filing_schema(name))

    def test_an_unknown_schema_is_a_problem_not_found(self):
        response = self.client.get(SCHEMA_URL.format("passport"))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/problem+json")
