"""The import pages: upload a file, see what it would set and what not, apply it to the draft."""

from __future__ import annotations

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.declarations import services
from registry.declarations.models import DataSource
from registry.exchange.views.imports import KEPT_FILE
from tests.exchange.import_base import CROISSANT, MODEL_CARD, ImportTestCase, stored
from tests.factories import AIModelFactory, complete_declaration


def upload(kind: str, content: str | bytes, name: str) -> dict:
    data = content.encode() if isinstance(content, str) else content
    return {"format": kind, "file": SimpleUploadedFile(name, data)}


class ImportPagesTests(ImportTestCase):
    def setUp(self):
        self.sign_in(self.alice)
        self.upload_url = reverse("exchange:import", args=[self.draft.pk])
        self.preview_url = reverse("exchange:import-preview", args=[self.draft.pk])
        self.apply_url = reverse("exchange:import-apply", args=[self.draft.pk])

    def post_file(self, kind="croissant", content=CROISSANT, name="croissant.json"):
        return self.client.post(self.upload_url, upload(kind, content, name))

    def test_the_task_list_links_to_the_import(self):
        page = self.client.get(reverse("declarations:declaration", args=[self.draft.pk]))
        self.assertContains(page, f'href="{self.upload_url}"')
        self.assertContains(page, "Import from a file")

    def test_upload_preview_and_apply(self):
        before = stored(self.draft)
        response = self.post_file()
        self.assertRedirects(response, self.preview_url)
        self.assertEqual(stored(self.draft), before)  # nothing is saved by a preview

        page = self.client.get(self.preview_url)
        self.assertContains(page, "Check what the import would fill in")
        self.assertContains(page, "Data source 1: cymraeg-parallel-gov")
        self.assertContains(
            page, "From <code>rai:dataCollectionTimeFrame (first)</code>", html=False
        )
        self.assertContains(page, "2019-01-01")
        self.assertContains(page, "In the file, but not imported (18)")
        self.assertContains(page, "The register does not keep citations")
        self.assertContains(page, "Apply to this draft")
        self.assertEqual(stored(self.draft), before)

        response = self.client.post(self.apply_url, follow=True)
        self.assertRedirects(response, reverse("declarations:declaration", args=[self.draft.pk]))
        self.assertContains(response, "Imported from croissant.json: added 1 data source")
        self.assertContains(response, "govuk-notification-banner--success")
        source = DataSource.objects.get(declaration=self.draft)
        self.assertEqual((source.name, source.licence), ("cymraeg-parallel-gov", "CC-BY-4.0"))
        self.assertNotIn(KEPT_FILE.format(declaration_id=self.draft.pk), self.client.session)

    def test_apply_changes_only_what_the_preview_said(self):
        self.post_file("hf_model_card", MODEL_CARD, "README.md")
        preview = self.client.get(self.preview_url).context["preview"]
        before = stored(self.draft)
        self.client.post(self.apply_url)
        after = stored(self.draft)
        added = after["sources"][len(before["sources"]) :]
        self.assertEqual(
            [
                {k: row[k] for k in source}
                for row, source in zip(added, preview.sources, strict=True)
            ],
            preview.sources,
        )
        self.assertEqual(
            after["languages"][2:],
            [{"code": "cy", "share_percent": None}, {"code": "ga", "share_percent": None}],
        )
        self.assertEqual(after["languages"][:2], before["languages"])
        self.assertEqual(
            [row["external_name"] for row in after["lineage"]], ["mistralai/Mistral-7B-v0.3"]
        )
        self.assertEqual((after["status"], after["signed_at"]), ("draft", None))

    def test_a_file_over_the_limit_is_refused_by_its_size_unread(self):
        big = b"x" * (50 * 2**20)
        with mock.patch("registry.exchange.imports.hf_card.read") as read:
            response = self.post_file("hf_model_card", big, "README.md")
            page = self.client.get(response["Location"])
        read.assert_not_called()
        self.assertContains(page, "The selected file must be smaller than 4 MB")
        self.assertNotIn(KEPT_FILE.format(declaration_id=self.draft.pk), self.client.session)

    def test_bad_files_are_refused_with_the_problem_named(self):
        for kind, content, name, message in [
            ("croissant", MODEL_CARD, "README.md", "is a .json or .jsonld file"),
            ("hf_model_card", CROISSANT, "croissant.json", "is a README.md file"),
            ("hf_model_card", CROISSANT, "README.md", "has no front matter"),
            ("croissant", '{"@type": "Person"}', "person.json", "not Croissant dataset metadata"),
            ("croissant", b"\xff\xfebad", "x.json", "must be UTF-8 text"),
            ("croissant", b"{\x00}", "x.json", "must be UTF-8 text"),
            ("croissant", b"  ", "x.json", "The selected file is empty"),
        ]:
            with self.subTest(kind=kind, name=name):
                before = stored(self.draft)
                response = self.post_file(kind, content, name)
                self.assertRedirects(response, self.upload_url, fetch_redirect_response=False)
                page = self.client.get(self.upload_url)
                self.assertContains(page, "There is a problem")
                self.assertContains(page, message)
                self.assertEqual(stored(self.draft), before)

    def test_a_submitted_declaration_is_refused_and_nothing_changes(self):
        submitted = complete_declaration(
            model=AIModelFactory(provider=self.acme), created_by=self.alice
        )
        services.declaration_submit(
            actor=self.alice, declaration=submitted, expected_lock_version=None
        )
        before = stored(submitted)
        url = reverse("exchange:import", args=[submitted.pk])
        response = self.client.post(url, upload("croissant", CROISSANT, "c.json"), follow=True)
        self.assertRedirects(response, reverse("declarations:declaration", args=[submitted.pk]))
        self.assertContains(response, "This declaration has been submitted, so it can no longer")
        self.assertEqual(stored(submitted), before)

    def test_a_declaration_submitted_after_the_preview_is_not_changed_by_applying(self):
        self.post_file()
        self.client.get(self.preview_url)
        DataSource.objects.filter(declaration=self.draft).delete()
        self.draft.status = "submitted"
        self.draft.save(update_fields=["status"])
        before = stored(self.draft)
        response = self.client.post(self.apply_url, follow=True)
        self.assertContains(response, "This declaration has been submitted")
        self.assertEqual(stored(self.draft), before)

    def test_a_change_to_the_draft_after_the_preview_is_not_overwritten(self):
        self.post_file("hf_model_card", MODEL_CARD, "README.md")
        self.client.get(self.preview_url)
        services.declaration_update_general(
            actor=self.bob,
            declaration=self.draft,
            values={"languages": [{"code": "cy", "share_percent": 100}]},
            expected_lock_version=None,
        )
        before = stored(self.draft)
        response = self.client.post(self.apply_url)
        self.assertRedirects(response, self.preview_url, fetch_redirect_response=False)
        self.assertEqual(stored(self.draft), before)
        page = self.client.get(self.preview_url)
        self.assertContains(page, "has changed since the import was previewed")
        # The preview is read again against the draft as it is now: Welsh is declared already.
        self.assertEqual(page.context["preview"].languages, ["en", "ga"])

    def test_applying_with_no_file_kept_goes_back_to_the_upload(self):
        response = self.client.post(self.apply_url, follow=True)
        self.assertRedirects(response, self.upload_url)
        self.assertContains(response, "Upload the file to import again")
        self.assertFalse(DataSource.objects.filter(declaration=self.draft).exists())

    def test_only_the_providers_owners_and_submitters_may_apply(self):
        self.post_file()
        key = KEPT_FILE.format(declaration_id=self.draft.pk)
        kept = {key: self.client.session[key]}
        for persona, status in [("victor", 403), ("charlie", 404), ("olivia", 404)]:
            with self.subTest(persona):
                self.client.logout()
                self.sign_in(getattr(self, persona))
                session = self.client.session
                session.update(kept)
                session.save()
                before = stored(self.draft)
                self.assertEqual(self.client.post(self.apply_url).status_code, status)
                self.assertEqual(stored(self.draft), before)
