"""POST /api/v1/declarations/{id}/import: a dry run answers with the preview; else it applies."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registry.accounts.models import ApiScope
from registry.accounts.services import api_key_create, api_key_revoke
from registry.api.conditional import etag
from registry.declarations import services
from registry.declarations.models import DataSource, ModelDependency
from tests.api.base import ApiTestCase
from tests.exchange.import_base import (
    ALIAS_BOMB,
    CROISSANT,
    MODEL_CARD,
    NOT_CROISSANT,
    stored,
)
from tests.factories import AIModelFactory, ProvenanceDeclarationFactory, complete_declaration


class ImportApiTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.model = AIModelFactory(provider=cls.acme, name="Brython", version="7B")
        cls.draft = ProvenanceDeclarationFactory(model=cls.model, created_by=cls.alice)

    def url(self, declaration=None, query: str = "") -> str:
        return f"/api/v1/declarations/{(declaration or self.draft).pk}/import{query}"

    def send(self, text: str | bytes, query="?format=croissant", key="acme", headers=None, **kw):
        """The file as the raw body."""
        body = text.encode() if isinstance(text, str) else text
        return self.call(
            "POST", self.url(kw.get("declaration"), query), key=key, headers=headers, raw=body
        )

    def send_multipart(self, text: str, name: str, kind: str, query: str = "", key="acme"):
        secret = {"acme": self.acme_secret, "acme-read": self.acme_read_secret}[key]
        data = {"file": SimpleUploadedFile(name, text.encode()), "format": kind}
        return Client().post(self.url(query=query), data, HTTP_AUTHORIZATION=f"Bearer {secret}")

    def test_a_dry_run_answers_with_the_preview_and_changes_nothing(self):
        before = stored(self.draft)
        response = self.send(CROISSANT, "?format=croissant&dry_run=true")
        self.assertEqual(response.status_code, 200, response.content[:500])
        body = response.json()
        self.assertIs(body["applied"], False)
        self.assertEqual(body["format"], "croissant")
        self.assertEqual(body["title"], "cymraeg-parallel-gov")
        self.assertEqual(body["sources"][0]["licence"], "CC-BY-4.0")
        self.assertEqual(body["sources"][0]["collection_start"], "2019-01-01")
        self.assertIn(
            {
                "section": "Data source 1: cymraeg-parallel-gov",
                "question": "Licence",
                "value": "CC-BY-4.0",
                "origin": "license",
                "assumed": False,
            },
            body["mapped"],
        )
        self.assertIn("citeAs", [item["origin"] for item in body["not_mapped"]])
        self.assertEqual(stored(self.draft), before)

    def test_a_read_key_may_make_a_dry_run_but_not_apply(self):
        dry = self.send(CROISSANT, "?format=croissant&dry_run=true", key="acme-read")
        self.assertEqual(dry.status_code, 200)
        before = stored(self.draft)
        self.assertProblem(self.send(CROISSANT, key="acme-read"), 403, "permission_denied")
        self.assertEqual(stored(self.draft), before)

    def test_no_key_a_revoked_key_a_session_and_another_providers_key(self):
        revoked, secret = api_key_create(actor=self.alice, name="Old", scope=ApiScope.WRITE)
        api_key_revoke(actor=self.alice, key=revoked)
        before = stored(self.draft)
        self.assertEqual(self.send(CROISSANT, key=None).status_code, 401)
        self.assertEqual(self.send(CROISSANT, key=secret).status_code, 401)
        self.client.force_login(self.alice)
        session = self.client.post(self.url(query="?format=croissant"), CROISSANT, "text/plain")
        self.assertEqual(session.status_code, 401)
        self.assertProblem(self.send(CROISSANT, key="beta"), 404, "not_found")
        self.assertEqual(stored(self.draft), before)

    def test_applying_a_model_card_sent_as_multipart(self):
        response = self.send_multipart(MODEL_CARD, "README.md", "hf_model_card")
        self.assertEqual(response.status_code, 200, response.content[:500])
        body = response.json()
        self.assertIs(body["applied"], True)
        self.assertEqual(body["file_name"], "README.md")
        self.assertEqual(body["languages"], ["cy", "ga"])
        self.draft.refresh_from_db()
        self.assertEqual(response["ETag"], etag(self.draft))
        self.assertEqual(
            list(DataSource.objects.filter(declaration=self.draft).values_list("name", flat=True)),
            ["HuggingFaceFW/fineweb-edu", "techiaith/cymraeg-parallel-gov"],
        )
        self.assertEqual(
            ModelDependency.objects.get(model=self.model).external_name,
            "mistralai/Mistral-7B-v0.3",
        )
        # What the draft still lacks: the new sources' shares, for a start.
        self.assertIn("/sources/0/share_percent", [p["pointer"] for p in body["problems"]])

    def test_an_idempotency_key_replays_the_first_import(self):
        headers = {"Idempotency-Key": "import-1"}
        first = self.send(CROISSANT, headers=headers)
        again = self.send(CROISSANT, headers=headers)
        self.assertEqual(first.status_code, 200)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(again.json(), first.json())
        self.assertEqual(DataSource.objects.filter(declaration=self.draft).count(), 1)

    def test_if_match_names_the_version_imported_into(self):
        stale = etag(self.draft)
        services.declaration_update_general(
            actor=self.alice,
            declaration=self.draft,
            values={"content_types": ["news"]},
            expected_lock_version=None,
        )
        before = stored(self.draft)
        self.assertProblem(self.send(CROISSANT, headers={"If-Match": stale}), 412, "stale_edit")
        self.assertEqual(stored(self.draft), before)
        self.draft.refresh_from_db()
        current = self.send(CROISSANT, headers={"If-Match": etag(self.draft)})
        self.assertEqual(current.status_code, 200)

    def test_a_submitted_declaration_is_refused_and_nothing_changes(self):
        submitted = complete_declaration(
            model=AIModelFactory(provider=self.acme), created_by=self.alice
        )
        services.declaration_submit(
            actor=self.alice, declaration=submitted, expected_lock_version=None
        )
        before = stored(submitted)
        for query in ("?format=croissant", "?format=croissant&dry_run=true"):
            with self.subTest(query):
                response = self.send(CROISSANT, query, declaration=submitted)
                body = self.assertProblem(response, 409, "not_editable")
                self.assertIn("submitted", body["detail"])
        self.assertEqual(stored(submitted), before)

    def test_bad_input_is_a_problem_naming_it_and_nothing_changes(self):
        for text, query, code, pointer in [
            (NOT_CROISSANT, "?format=croissant", "import_not_croissant", "/file"),
            ("# Card\n", "?format=hf_model_card", "import_no_front_matter", "/file"),
            (ALIAS_BOMB, "?format=hf_model_card", "import_yaml_aliases", "/file"),
            (CROISSANT, "?format=hf_model_card", "import_no_front_matter", "/file"),
            (CROISSANT, "?format=croissants", "import_format_invalid", "/format"),
            (CROISSANT, "", "import_format_invalid", "/format"),
            (b"\xff\xfe{}", "?format=croissant", "import_not_text", "/file"),
            ("", "?format=croissant", "import_empty", "/file"),
        ]:
            with self.subTest(code=code, query=query):
                before = stored(self.draft)
                self.assertProblem(self.send(text, query), 400, code, pointer)
                self.assertEqual(stored(self.draft), before)

    def test_a_file_over_the_limit_is_refused_by_its_length(self):
        before = stored(self.draft)
        with self.settings(IMPORT_MAX_BYTES=1024):
            response = self.send("x" * 2048, "?format=croissant&dry_run=true")
            self.assertProblem(response, 413, "import_too_large")
            multipart = self.send_multipart("x" * 2048, "README.md", "hf_model_card")
            self.assertProblem(multipart, 413, "import_too_large")
        self.assertEqual(stored(self.draft), before)

    def test_fifty_mebibytes_is_refused_before_the_body_is_read(self):
        body = b"x" * (50 * 2**20)
        response = self.send(body)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertFalse(DataSource.objects.filter(declaration=self.draft).exists())
