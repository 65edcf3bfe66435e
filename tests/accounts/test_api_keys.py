"""API keys in the web pages: owners list, create (secret shown once) and revoke them."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.accounts.models import ApiKey, ApiScope
from registry.accounts.services import api_key_create, api_key_revoke
from registry.accounts.validation import MESSAGES
from registry.audit.models import AuditEvent
from tests.base import PersonaTestCase

LIST = reverse("accounts:api-keys")
NEW = reverse("accounts:api-key-new")


def revoke_url(key: ApiKey) -> str:
    return reverse("accounts:api-key-revoke", args=[key.pk])


def api_get(secret: str):
    return Client().get("/api/v1/models/", HTTP_AUTHORIZATION=f"Bearer {secret}")


class ApiKeyListTests(PersonaTestCase):
    def test_the_list_shows_each_key_of_the_organisation_revoked_ones_as_revoked(self):
        active, _ = api_key_create(actor=self.alice, name="Release pipeline", scope="write")
        revoked, _ = api_key_create(actor=self.alice, name="Old laptop", scope="read")
        api_key_revoke(actor=self.alice, key=revoked)
        ApiKey.objects.filter(pk=active.pk).update(last_used_at=timezone.now() - timedelta(days=1))
        api_key_create(actor=self.charlie, name="Beta's own key", scope="write")
        self.sign_in(self.alice)
        response = self.client.get(LIST)
        self.assertContains(response, "Release pipeline")
        self.assertContains(response, active.prefix)
        self.assertContains(response, "Read and write")
        # Created by, twice, and revoked by, once.
        self.assertContains(response, "by Alice Owner", count=3)
        self.assertContains(response, "Old laptop")
        self.assertContains(response, "Read only")
        self.assertContains(response, "Never")
        self.assertContains(response, ">Active<", count=1)
        self.assertContains(response, ">Revoked<", count=1)
        self.assertContains(response, revoke_url(active))
        self.assertNotContains(response, revoke_url(revoked))
        self.assertNotContains(response, "Beta&#x27;s own key")

    def test_an_organisation_without_keys_is_told_so(self):
        self.sign_in(self.alice)
        self.assertContains(self.client.get(LIST), "has no API keys yet")

    def test_the_list_runs_the_same_queries_for_1_and_30_keys(self):
        api_key_create(actor=self.alice, name="Key 0", scope="read")
        self.sign_in(self.alice)
        # 1 session, 2 user, 3 membership, 4 its provider, 5 the owner check, 6 the
        # navigation's regulator groups, 7 its count of unread messages, 8 the keys with their
        # creators and revokers
        with self.assertNumQueries(8):
            self.client.get(LIST)
        for n in range(1, 30):
            key, _ = api_key_create(actor=self.alice, name=f"Key {n}", scope="read")
            if n % 2:
                api_key_revoke(actor=self.alice, key=key)
        with self.assertNumQueries(8):
            response = self.client.get(LIST)
        self.assertContains(response, ">Revoked<", count=15)

    def test_owners_find_the_keys_from_their_organisation_page_and_others_do_not(self):
        self.sign_in(self.alice)
        self.assertContains(self.client.get(reverse("providers:organisation")), LIST)
        self.sign_in(self.bob)
        self.assertNotContains(self.client.get(reverse("providers:organisation")), LIST)


class ApiKeyCreateTests(PersonaTestCase):
    def test_creating_a_key_shows_its_secret_once_and_stores_only_its_hash(self):
        self.sign_in(self.alice)
        form = self.client.get(NEW)
        self.assertContains(form, "Reads the organisation&#x27;s models and filings")
        response = self.client.post(NEW, {"name": "Release pipeline", "scope": "write"})
        self.assertEqual(response.status_code, 200)
        key = ApiKey.objects.get()
        secret = response.context["secret"]
        self.assertTrue(secret.startswith(key.prefix + "."))
        self.assertContains(response, f'<code class="app-code-wrap" id="api-key-secret">{secret}')
        self.assertContains(response, "We will not show it again")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(key.key_hash, hashlib.sha256(secret.encode()).hexdigest())
        self.assertEqual(
            (key.name, key.scope, key.provider, key.created_by),
            ("Release pipeline", ApiScope.WRITE, self.acme, self.alice),
        )
        self.assertEqual(api_get(secret).status_code, 200)

    def test_the_secret_is_never_shown_or_stored_again(self):
        self.sign_in(self.alice)
        response = self.client.post(NEW, {"name": "Release pipeline", "scope": "read"})
        secret = response.context["secret"]
        key = ApiKey.objects.get()
        for page in (LIST, revoke_url(key), reverse("providers:organisation")):
            with self.subTest(page):
                self.assertNotContains(self.client.get(page), secret)
        stored = [str(value) for value in ApiKey.objects.values().get().values()]
        self.assertNotIn(secret, stored)
        event = AuditEvent.objects.get(action="api_key.created")
        self.assertEqual(event.actor, self.alice)
        self.assertNotIn(secret.partition(".")[2], str(event.after))
        self.assertNotIn(secret, self.client.session.values())

    def test_bad_input_is_named_field_by_field_and_nothing_is_saved(self):
        cases = {
            "empty name": ({"name": "  ", "scope": "read"}, ["api_key_name_required"]),
            "long name": ({"name": "x" * 101, "scope": "read"}, ["api_key_name_too_long"]),
            "unknown scope": ({"name": "CI", "scope": "admin"}, ["api_key_scope_invalid"]),
            "no scope": ({"name": "CI"}, ["api_key_scope_invalid"]),
            "nothing": ({}, ["api_key_name_required", "api_key_scope_invalid"]),
        }
        self.sign_in(self.alice)
        for label, (data, codes) in cases.items():
            with self.subTest(label):
                response = self.client.post(NEW, data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "There is a problem")
                for code in codes:
                    message = MESSAGES[code].replace("'", "&#x27;")
                    # Once in the error summary, once by the field.
                    self.assertContains(response, message, count=2)
                self.assertNotIn("secret", response.context)
        self.assertFalse(ApiKey.objects.exists())

    def test_a_name_of_100_characters_is_fine(self):
        self.sign_in(self.alice)
        self.client.post(NEW, {"name": "x" * 100, "scope": "read"})
        self.assertEqual(ApiKey.objects.get().name, "x" * 100)

    def test_the_error_summary_links_to_the_first_scope_radio(self):
        self.sign_in(self.alice)
        response = self.client.post(NEW, {"name": "CI"})
        self.assertContains(response, 'href="#id_scope_0"')
        self.assertContains(response, 'id="id_scope_0"')

    def test_submitters_and_viewers_cannot_create_keys(self):
        for person in (self.bob, self.victor):
            with self.subTest(person=person.full_name):
                self.sign_in(person)
                response = self.client.post(NEW, {"name": "Mine", "scope": "write"})
                self.assertContains(response, "Only owners can do this", status_code=403)
        self.assertFalse(ApiKey.objects.exists())


class ApiKeyRevokeTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.key, cls.secret = api_key_create(
            actor=cls.alice, name="Release pipeline", scope="write"
        )

    def test_revoking_asks_first_then_the_key_stops_working(self):
        self.sign_in(self.alice)
        confirm = self.client.get(revoke_url(self.key))
        self.assertContains(confirm, "Revoke the API key Release pipeline?")
        self.assertEqual(api_get(self.secret).status_code, 200)
        response = self.client.post(revoke_url(self.key), follow=True)
        self.assertRedirects(response, LIST)
        self.assertContains(response, f"Release pipeline ({self.key.prefix}) has been revoked")
        self.key.refresh_from_db()
        self.assertIsNotNone(self.key.revoked_at)
        self.assertEqual(self.key.revoked_by, self.alice)
        self.assertTrue(AuditEvent.objects.filter(action="api_key.revoked", actor=self.alice))
        refused = api_get(self.secret)
        self.assertEqual(refused.status_code, 401)
        self.assertEqual(refused.json()["code"], "authentication_failed")

    def test_a_revoked_key_says_so_and_offers_nothing_to_press(self):
        api_key_revoke(actor=self.alice, key=self.key)
        self.sign_in(self.alice)
        response = self.client.get(revoke_url(self.key))
        self.assertContains(response, "The API key Release pipeline is revoked")
        self.assertNotContains(response, "Revoke key")
        self.assertRedirects(self.client.post(revoke_url(self.key)), LIST)
        self.assertEqual(AuditEvent.objects.filter(action="api_key.revoked").count(), 1)

    def test_another_providers_key_is_not_found(self):
        self.sign_in(self.charlie)
        self.assertEqual(self.client.get(revoke_url(self.key)).status_code, 404)
        self.assertEqual(self.client.post(revoke_url(self.key)).status_code, 404)
        missing = reverse("accounts:api-key-revoke", args=[self.key.pk + 1000])
        self.assertEqual(self.client.get(missing).status_code, 404)
        self.key.refresh_from_db()
        self.assertIsNone(self.key.revoked_at)

    def test_submitters_and_viewers_cannot_revoke(self):
        for person in (self.bob, self.victor):
            with self.subTest(person=person.full_name):
                self.sign_in(person)
                response = self.client.post(revoke_url(self.key))
                self.assertContains(response, "Only owners can do this", status_code=403)
        self.key.refresh_from_db()
        self.assertIsNone(self.key.revoked_at)
        self.assertEqual(api_get(self.secret).status_code, 200)

    def test_revoking_needs_a_post(self):
        self.sign_in(self.alice)
        self.assertEqual(self.client.put(revoke_url(self.key)).status_code, 405)
        self.key.refresh_from_db()
        self.assertIsNone(self.key.revoked_at)
