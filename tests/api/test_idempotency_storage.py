"""Idempotent responses are kept whatever they echo back, NUL characters included."""

from __future__ import annotations

from registry.api.models import IdempotentRequest
from tests.api.base import ApiTestCase


class StoredResponseTests(ApiTestCase):
    def test_a_problem_naming_a_field_with_a_nul_is_kept_and_replayed(self):
        body = {"\u0000odd": 1, "name": "x"}
        first = self.call("POST", "/api/v1/models/", body, headers={"Idempotency-Key": "nul-1"})
        self.assertProblem(first, 400, "unknown_field", pointer="/\u0000odd")
        again = self.call("POST", "/api/v1/models/", body, headers={"Idempotency-Key": "nul-1"})
        self.assertEqual(again.status_code, 400)
        self.assertEqual(again.json(), first.json())
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(IdempotentRequest.objects.get().status_code, 400)
