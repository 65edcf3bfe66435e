"""What every endpoint shares: keys, errors, idempotency, ETags, limits."""

from __future__ import annotations

from django.test import override_settings

from registry.accounts.services import api_key_revoke
from registry.audit.models import AuditEvent
from registry.declarations.models import AIModel
from tests.api.base import ApiTestCase
from tests.factories import AIModelFactory

MODEL = {
    "name": "Acme Chat",
    "version": "2.0",
    "model_type": "foundation",
    "modalities_in": ["text"],
    "modalities_out": ["text", "code"],
    "parameter_count": 70_000_000_000,
    "release_date": "2025-03-01",
    "distribution": "api",
    "intended_uses": "Chat",
}


class KeyTests(ApiTestCase):
    def test_no_key_unknown_key_and_revoked_key_are_401(self):
        self.assertProblem(self.call("GET", "/api/v1/models/", key=None), 401, "not_authenticated")
        self.assertProblem(
            self.call("GET", "/api/v1/models/", key="prk_nope.secret"), 401, "authentication_failed"
        )
        api_key_revoke(actor=self.alice, key=self.acme_key)
        response = self.call("GET", "/api/v1/models/")
        self.assertProblem(response, 401, "authentication_failed")
        self.assertIn("Bearer", response["WWW-Authenticate"])

    def test_a_read_key_cannot_write(self):
        response = self.call("POST", "/api/v1/models/", MODEL, key="acme-read")
        self.assertProblem(response, 403, "permission_denied")
        self.assertFalse(AIModel.objects.exists())

    def test_a_key_stops_working_when_its_creator_leaves(self):
        from registry.accounts.services import membership_change_role, membership_remove

        membership_change_role(actor=self.alice, membership=self.bob_membership, role="owner")
        membership_remove(actor=self.bob, membership=self.alice_membership)
        self.assertProblem(self.call("GET", "/api/v1/models/"), 401, "authentication_failed")

    def test_use_is_recorded(self):
        self.call("GET", "/api/v1/models/")
        self.acme_key.refresh_from_db()
        self.assertIsNotNone(self.acme_key.last_used_at)


class ModelApiTests(ApiTestCase):
    def test_register_read_and_list(self):
        response = self.call("POST", "/api/v1/models/", MODEL)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["name"], body["registration_number"]), ("Acme Chat", None))
        self.assertEqual(response["ETag"], body["etag"])
        listed = self.call("GET", "/api/v1/models/").json()
        self.assertEqual([m["id"] for m in listed["results"]], [body["id"]])
        self.assertTrue(
            AuditEvent.objects.filter(action="model.registered", actor=self.alice).exists()
        )

    def test_bad_input_names_each_field_with_a_pointer_and_saves_nothing(self):
        cases = {
            "/model_type": ("invalid_choice", {"model_type": "giant"}),
            "/parameter_count": ("min_value", {"parameter_count": -5}),
            "/release_date": ("invalid", {"release_date": "31/02/2025"}),
            "/name": ("max_length", {"name": "x" * 201}),
            "/modalities_in/0": ("invalid_choice", {"modalities_in": ["smell"]}),
            "/colour": ("unknown_field", {"colour": "blue"}),
            "/modalities_out": ("modalities_out_required", {"modalities_out": []}),
        }
        for pointer, (code, change) in cases.items():
            with self.subTest(pointer):
                response = self.call("POST", "/api/v1/models/", MODEL | change)
                self.assertProblem(response, 400, code, pointer=pointer)
        self.assertProblem(
            self.call("POST", "/api/v1/models/", {k: v for k, v in MODEL.items() if k != "name"}),
            400,
            "required",
            pointer="/name",
        )
        self.assertFalse(AIModel.objects.exists())

    def test_malformed_json_is_a_clear_400(self):
        response = self.call("POST", "/api/v1/models/", raw='{"name": ')
        self.assertProblem(response, 400, "parse_error")

    def test_another_providers_model_is_404(self):
        theirs = AIModelFactory(provider=self.beta)
        self.assertProblem(self.call("GET", f"/api/v1/models/{theirs.pk}/"), 404, "not_found")
        self.assertProblem(
            self.call("PATCH", f"/api/v1/models/{theirs.pk}/", {"name": "Mine"}), 404, "not_found"
        )

    def test_patch_with_if_match_and_a_stale_etag(self):
        created = self.call("POST", "/api/v1/models/", MODEL)
        url, etag = f"/api/v1/models/{created.json()['id']}/", created["ETag"]
        changed = self.call("PATCH", url, {"intended_uses": "Coding"}, headers={"If-Match": etag})
        self.assertEqual(changed.status_code, 200, changed.content)
        self.assertEqual(changed.json()["name"], "Acme Chat")
        self.assertNotEqual(changed["ETag"], etag)
        stale = self.call("PATCH", url, {"intended_uses": "Poetry"}, headers={"If-Match": etag})
        self.assertProblem(stale, 412, "stale_edit")
        self.assertEqual(AIModel.objects.get().intended_uses, "Coding")


class IdempotencyTests(ApiTestCase):
    def test_a_replay_returns_the_first_response_and_creates_nothing_more(self):
        first = self.call("POST", "/api/v1/models/", MODEL, headers={"Idempotency-Key": "abc-1"})
        again = self.call("POST", "/api/v1/models/", MODEL, headers={"Idempotency-Key": "abc-1"})
        self.assertEqual((first.status_code, again.status_code), (201, 201))
        self.assertEqual(first.json(), again.json())
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(AIModel.objects.count(), 1)

    def test_the_same_key_with_another_body_is_refused(self):
        self.call("POST", "/api/v1/models/", MODEL, headers={"Idempotency-Key": "abc-2"})
        other = self.call(
            "POST",
            "/api/v1/models/",
            MODEL | {"version": "3"},
            headers={"Idempotency-Key": "abc-2"},
        )
        self.assertProblem(other, 422, "idempotency_key_reused")
        self.assertEqual(AIModel.objects.count(), 1)

    def test_keys_belong_to_their_api_key(self):
        self.call("POST", "/api/v1/models/", MODEL, headers={"Idempotency-Key": "shared"})
        response = self.call(
            "POST", "/api/v1/models/", MODEL, key="beta", headers={"Idempotency-Key": "shared"}
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(AIModel.objects.count(), 2)


class LimitTests(ApiTestCase):
    @override_settings(API_RATE_LIMITS={"key": "3/min", "anonymous": "2/min"})
    def test_rate_limits_are_announced_and_enforced_with_retry_after(self):
        from django.core.cache import cache

        cache.clear()
        first = self.call("GET", "/api/v1/models/")
        self.assertEqual(first["RateLimit"], "limit=3, remaining=2, reset=60")
        self.assertEqual(first["RateLimit-Policy"], "3;w=60")
        self.call("GET", "/api/v1/models/")
        self.call("GET", "/api/v1/models/")
        refused = self.call("GET", "/api/v1/models/")
        self.assertProblem(refused, 429, "throttled")
        self.assertGreater(int(refused["Retry-After"]), 0)
        self.assertEqual(self.call("GET", "/api/v1/models/", key="beta").status_code, 200)
        cache.clear()

    @override_settings(API_MAX_BODY_BYTES=1000)
    def test_an_oversized_body_is_413(self):
        response = self.call("POST", "/api/v1/models/", MODEL | {"intended_uses": "x" * 2000})
        self.assertProblem(response, 413, "body_too_large")
        self.assertFalse(AIModel.objects.exists())
