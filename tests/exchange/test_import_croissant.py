"""A Croissant 1.0 RAI file, read into a draft as one data source."""

from __future__ import annotations

import json
from datetime import date

from registry.declarations.models import DataSource
from registry.exchange.imports import import_preview
from registry.exchange.imports.licences import licence_from
from registry.exchange.services import import_apply
from registry.lib.problems import ProblemsError
from tests.exchange.import_base import CROISSANT, NOT_CROISSANT, ImportTestCase, stored


def croissant(**changes) -> str:
    document = json.loads(CROISSANT)
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return json.dumps(document)


class CroissantMappingTests(ImportTestCase):
    def preview(self, text: str = CROISSANT):
        return import_preview("croissant", text, self.draft, file_name="croissant.json")

    def test_the_rai_fixture_becomes_one_source_with_every_mapped_answer(self):
        applied = import_apply(
            actor=self.alice,
            declaration=self.draft,
            preview=self.preview(),
            expected_lock_version=self.draft.lock_version,
        )
        source = DataSource.objects.get(declaration=applied)
        self.assertEqual(source.name, "cymraeg-parallel-gov")
        self.assertEqual(source.category, "public_dataset")
        self.assertEqual(source.acquisition, "public")
        self.assertIn("Welsh parallel sentences aligned from", source.description)
        self.assertEqual(
            source.url, "https://data.langtech.example.ac.uk/datasets/cymraeg-parallel-gov"
        )
        self.assertEqual(source.dataset_version, "2.1.0")
        self.assertEqual(source.owner, "Example Language Technologies Unit")
        self.assertEqual(source.licence, "CC-BY-4.0")
        self.assertEqual(source.languages, ["en", "cy"])
        self.assertEqual(source.modalities, ["text"])
        self.assertEqual(source.collection_start, date(2019, 1, 1))
        self.assertEqual(source.collection_end, date(2024, 12, 31))
        self.assertIn("MinHash", source.processing_notes)
        self.assertIn("placeholders", source.personal_data_measures)
        # What the file doesn't say stays unanswered, for the task list to ask.
        self.assertIsNone(source.share_percent)
        self.assertEqual(source.purpose, "")
        self.assertEqual(applied.status, "draft")
        self.assertIsNone(applied.signed_at)

    def test_the_preview_says_where_each_answer_came_from(self):
        mapped = {(m.question, m.origin) for m in self.preview().mapped}
        self.assertIn(("Licence", "license"), mapped)
        self.assertIn(("Owner or rightsholder", "creator (name)"), mapped)
        self.assertIn(("Collection started", "rai:dataCollectionTimeFrame (first)"), mapped)
        self.assertIn(("Modalities", "recordSet field dataType"), mapped)

    def test_the_preview_lists_what_is_not_mapped_and_why(self):
        not_mapped = {item.origin: item.reason for item in self.preview().not_mapped}
        self.assertEqual(not_mapped["citeAs"], "The register does not keep citations")
        self.assertIn("web crawl", not_mapped["rai:dataCollectionType"])
        self.assertIn("rai:dataBiases", not_mapped)
        self.assertIn("publisher", not_mapped)
        self.assertIn("distribution", not_mapped)

    def test_an_unknown_licence_keeps_the_source_and_reports_the_licence(self):
        preview = self.preview(croissant(license="https://example.org/our-own-terms"))
        self.assertEqual(len(preview.sources), 1)
        self.assertNotIn("licence", preview.sources[0])
        unmapped = [item for item in preview.not_mapped if item.origin == "license"]
        self.assertEqual(unmapped[0].value, "https://example.org/our-own-terms")
        self.assertIn("Not a licence the register knows", unmapped[0].reason)

    def test_a_value_the_register_cant_store_is_not_mapped(self):
        preview = self.preview(croissant(version="v" * 101))
        self.assertNotIn("dataset_version", preview.sources[0])
        reasons = {item.origin: item.reason for item in preview.not_mapped}
        self.assertEqual(reasons["version"], "The dataset version must be 100 characters or fewer")


class CroissantBadInputTests(ImportTestCase):
    def assertRefused(self, text: str, code: str, words: str) -> None:
        before = stored(self.draft)
        with self.assertRaises(ProblemsError) as raised:
            import_preview("croissant", text, self.draft)
        problem = raised.exception.problems[0]
        self.assertEqual((problem.code, problem.field), (code, "file"))
        self.assertIn(words, problem.message)
        self.assertEqual(stored(self.draft), before)

    def test_json_ld_that_is_not_croissant(self):
        self.assertRefused(
            NOT_CROISSANT, "import_not_croissant", "not describe a schema.org Dataset"
        )

    def test_a_dataset_that_does_not_conform_to_croissant(self):
        self.assertRefused(
            croissant(conformsTo=None), "import_not_croissant", "conforms to Croissant"
        )

    def test_a_context_given_by_address_is_refused_unread(self):
        self.assertRefused(
            croissant(**{"@context": "https://schema.org/"}), "import_not_croissant", "@context"
        )

    def test_a_croissant_file_mlcroissant_refuses(self):
        document = json.loads(CROISSANT)
        document["recordSet"][0]["field"][0]["source"]["fileObject"]["@id"] = "missing.csv"
        self.assertRefused(json.dumps(document), "import_croissant_invalid", "missing.csv")

    def test_a_markdown_file_chosen_as_croissant(self):
        self.assertRefused("---\nlicense: mit\n---\n# Card\n", "import_not_json", "not JSON")

    def test_an_empty_file(self):
        self.assertRefused("  \n", "import_empty", "empty")


class LicenceTests(ImportTestCase):
    def test_licence_pages_and_ids_are_read_as_spdx(self):
        for given, expected in [
            ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
            ("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode", "CC-BY-NC-SA-4.0"),
            ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
            ("https://spdx.org/licenses/Apache-2.0.html", "Apache-2.0"),
            ("https://opensource.org/licenses/MIT", "MIT"),
            ("apache-2.0", "Apache-2.0"),
            ("cc-by-sa-4.0", "CC-BY-SA-4.0"),
            ("openrail", None),
            ("https://example.org/terms", None),
            ("", None),
        ]:
            with self.subTest(given):
                self.assertEqual(licence_from(given), expected)
