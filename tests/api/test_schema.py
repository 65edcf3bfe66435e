"""The API's contract: the committed OpenAPI schema is the generated one, and it documents errors.

`registry/api/openapi.yaml` is committed so that a change to the API shows in review as a diff of
its contract. When a test here fails because the API changed on purpose, run `make schema` and
read the diff before committing it.
"""

from __future__ import annotations

import difflib
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

COMMITTED = Path(__file__).resolve().parents[2] / "registry" / "api" / "openapi.yaml"
PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
OUT_OF_DATE = (
    "registry/api/openapi.yaml is not the schema the code generates. If you changed the API on "
    "purpose, run `make schema` and review the diff of registry/api/openapi.yaml before "
    "committing it; if not, the diff below shows what your change did to the API's contract."
)


@cache
def generated_text() -> str:
    """The schema as `make schema` writes it (warnings fail, as there)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "openapi.yaml"
        call_command("spectacular", file=str(path), validate=True, fail_on_warn=True)
        return path.read_text()


@cache
def generated() -> dict[str, Any]:
    return yaml.safe_load(generated_text())


def operations() -> list[tuple[str, dict[str, Any]]]:
    """Each operation of the generated schema, as ("POST /api/v1/models/", operation)."""
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in generated()["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


class SchemaSnapshotTests(SimpleTestCase):
    def test_the_committed_schema_is_the_generated_one(self):
        committed, current = COMMITTED.read_text(), generated_text()
        if committed != current:
            diff = difflib.unified_diff(
                committed.splitlines(),
                current.splitlines(),
                "registry/api/openapi.yaml (committed)",
                "generated",
                lineterm="",
                n=2,
            )
            self.fail(f"{OUT_OF_DATE}\n\n" + "\n".join(list(diff)[:200]))


class ServedSchemaTests(TestCase):
    def test_the_schema_endpoint_serves_the_committed_contract(self):
        response = self.client.get("/api/v1/schema/", {"format": "json"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), yaml.safe_load(COMMITTED.read_text()))


class SchemaConventionTests(SimpleTestCase):
    def test_there_are_operations_to_check(self):
        self.assertIn("POST /api/v1/models/", dict(operations()))

    def test_every_operation_has_a_summary(self):
        for name, operation in operations():
            with self.subTest(name):
                self.assertTrue(operation.get("summary", "").strip(), "add extend_schema(summary=)")

    def test_every_error_response_is_problem_json(self):
        for name, operation in operations():
            errors = {code: r for code, r in operation["responses"].items() if int(code) >= 400}
            with self.subTest(name):
                self.assertIn("429", errors)
            for code, response in errors.items():
                with self.subTest(name, status=code):
                    self.assertEqual(list(response.get("content", {})), [PROBLEM_JSON])
                    schema = response["content"][PROBLEM_JSON]["schema"]
                    self.assertEqual(schema, {"$ref": PROBLEM_REF})
                    self.assertTrue(response["description"])

    def test_operations_that_need_a_key_document_401_and_writes_403(self):
        for name, operation in operations():
            if {"apiKey": []} not in operation.get("security", []):
                continue
            with self.subTest(name):
                self.assertIn("401", operation["responses"])
                if not name.startswith("GET "):
                    self.assertIn("403", operation["responses"])

    def test_updates_document_if_match_and_412_and_keyed_posts_idempotency(self):
        for name, operation in operations():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            if name.startswith(("PUT ", "PATCH ")):
                with self.subTest(name):
                    self.assertIn("If-Match", headers)
                    self.assertIn("412", operation["responses"])
            if name.startswith("POST ") and "401" in operation["responses"]:
                with self.subTest(name):
                    self.assertIn("Idempotency-Key", headers)
                    self.assertIn("422", operation["responses"])

    def test_the_problem_shape_is_the_one_the_api_sends(self):
        problem = generated()["components"]["schemas"]["Problem"]
        self.assertEqual(
            set(problem["properties"]), {"type", "title", "status", "detail", "code", "problems"}
        )
        item = generated()["components"]["schemas"]["ProblemItem"]
        self.assertEqual(set(item["properties"]), {"code", "detail", "pointer"})
