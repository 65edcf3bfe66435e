"""Hugging Face model and dataset cards, read offline from their front matter into a draft."""

from __future__ import annotations

import time

from registry.declarations.models import DataSource, ModelDependency
from registry.exchange.imports import import_preview
from registry.exchange.services import import_apply
from registry.lib.problems import ProblemsError
from tests.exchange.import_base import (
    ALIAS_BOMB,
    DATASET_CARD,
    MODEL_CARD,
    ImportTestCase,
    stored,
)


class ModelCardTests(ImportTestCase):
    def preview(self, text: str = MODEL_CARD):
        return import_preview("hf_model_card", text, self.draft, file_name="README.md")

    def apply(self, text: str = MODEL_CARD):
        return import_apply(
            actor=self.bob,
            declaration=self.draft,
            preview=self.preview(text),
            expected_lock_version=self.draft.lock_version,
        )

    def test_datasets_become_sources_languages_are_added_and_base_model_is_lineage(self):
        applied = self.apply()
        sources = list(DataSource.objects.filter(declaration=applied).order_by("id"))
        self.assertEqual(
            [(s.name, s.url, s.owner, s.category, s.acquisition) for s in sources],
            [
                (
                    "HuggingFaceFW/fineweb-edu",
                    "https://huggingface.co/datasets/HuggingFaceFW/fineweb-edu",
                    "HuggingFaceFW",
                    "public_dataset",
                    "public",
                ),
                (
                    "techiaith/cymraeg-parallel-gov",
                    "https://huggingface.co/datasets/techiaith/cymraeg-parallel-gov",
                    "techiaith",
                    "public_dataset",
                    "public",
                ),
            ],
        )
        # English was declared already, with its share; Welsh and Irish are added, shares to give.
        self.assertEqual(
            applied.languages,
            [
                {"code": "en", "share_percent": 80},
                {"code": "fr", "share_percent": 20},
                {"code": "cy", "share_percent": None},
                {"code": "ga", "share_percent": None},
            ],
        )
        lineage = ModelDependency.objects.get(model=self.model)
        self.assertEqual(
            (
                lineage.depends_on,
                lineage.external_name,
                lineage.external_provider,
                lineage.relation,
            ),
            (None, "mistralai/Mistral-7B-v0.3", "mistralai", "fine_tune"),
        )
        self.assertEqual(applied.status, "draft")

    def test_the_preview_lists_every_answer_and_what_is_not_mapped(self):
        preview = self.preview()
        mapped = [(m.section, m.question, m.value, m.origin) for m in preview.mapped]
        self.assertIn(
            ("General information", "Languages (share to be given)", "Welsh (cy)", "language[1]"),
            mapped,
        )
        self.assertIn(
            (
                "Lineage of Brython 7B",
                "Built on",
                "mistralai/Mistral-7B-v0.3 (mistralai): Fine-tune",
                "base_model[0] and base_model_relation",
            ),
            mapped,
        )
        not_mapped = {item.origin: (item.value, item.reason) for item in preview.not_mapped}
        self.assertEqual(not_mapped["license"][0], "apache-2.0")
        self.assertIn("the model's", not_mapped["license"][1])
        self.assertEqual(not_mapped["language[0]"][1], "The declaration lists it already")
        self.assertEqual(not_mapped["datasets[2]"][0], "not a dataset id!")
        self.assertIn("model-index", not_mapped)
        self.assertEqual(preview.summary, "2 data sources, 2 languages and 1 base model")

    def test_applying_twice_adds_the_sources_again_but_not_the_languages_or_lineage(self):
        self.apply()
        self.draft.refresh_from_db()
        again = self.preview()
        self.assertEqual((len(again.sources), again.languages, again.dependencies), (2, [], []))
        reasons = {item.origin: item.reason for item in again.not_mapped}
        self.assertEqual(
            reasons["base_model[0] and base_model_relation"],
            "The model's lineage records it already",
        )

    def test_several_base_models_without_a_relation_are_a_merge(self):
        card = MODEL_CARD.replace(
            "base_model: mistralai/Mistral-7B-v0.3\nbase_model_relation: finetune\n",
            "base_model:\n- org/model-a\n- org/model-b\n",
        )
        relations = {d["external_name"]: d["relation"] for d in self.preview(card).dependencies}
        self.assertEqual(relations, {"org/model-a": "merge", "org/model-b": "merge"})


class DatasetCardTests(ImportTestCase):
    def test_the_card_becomes_one_source(self):
        preview = import_preview("hf_dataset_card", DATASET_CARD, self.draft)
        applied = import_apply(
            actor=self.alice, declaration=self.draft, preview=preview, expected_lock_version=None
        )
        source = DataSource.objects.get(declaration=applied)
        self.assertEqual(source.name, "Cymraeg Parallel (Government)")
        self.assertEqual(source.licence, "CC-BY-SA-4.0")
        self.assertEqual(source.languages, ["en", "cy"])
        self.assertEqual(source.modalities, ["text"])
        self.assertIn("Welsh parallel sentences aligned from", source.description)
        self.assertEqual(applied.languages, self.draft.languages)
        reasons = {item.origin: item.reason for item in preview.not_mapped}
        self.assertIn("synthetic", reasons["language_creators"])
        self.assertIn("exact figures", reasons["size_categories"])

    def test_an_unknown_licence_keeps_the_source_and_reports_the_licence(self):
        card = DATASET_CARD.replace("license: cc-by-sa-4.0", "license: openrail")
        preview = import_preview("hf_dataset_card", card, self.draft)
        self.assertEqual(preview.sources[0]["name"], "Cymraeg Parallel (Government)")
        self.assertNotIn("licence", preview.sources[0])
        self.assertIn(("license", "openrail"), [(i.origin, i.value) for i in preview.not_mapped])


class CardBadInputTests(ImportTestCase):
    def assertRefused(self, kind: str, text: str, code: str, words: str) -> None:
        before = stored(self.draft)
        with self.assertRaises(ProblemsError) as raised:
            import_preview(kind, text, self.draft)
        problem = raised.exception.problems[0]
        self.assertEqual((problem.code, problem.field), (code, "file"))
        self.assertIn(words, problem.message)
        self.assertEqual(stored(self.draft), before)

    def test_a_card_with_no_front_matter(self):
        self.assertRefused(
            "hf_model_card", "# My model\n\nNo metadata.\n", "import_no_front_matter", "---"
        )

    def test_a_json_file_chosen_as_a_card(self):
        self.assertRefused("hf_model_card", '{"license": "mit"}', "import_no_front_matter", "YAML")

    def test_an_alias_bomb_is_refused_quickly(self):
        started = time.perf_counter()
        self.assertRefused("hf_model_card", ALIAS_BOMB, "import_yaml_aliases", "anchors or aliases")
        self.assertLess(time.perf_counter() - started, 1)

    def test_front_matter_that_is_not_yaml(self):
        self.assertRefused(
            "hf_model_card", "---\nlicense: [mit\n---\n", "import_yaml_invalid", "not valid YAML"
        )

    def test_front_matter_that_is_a_list(self):
        self.assertRefused(
            "hf_dataset_card", "---\n- mit\n---\n", "import_yaml_not_mapping", "keys and values"
        )

    def test_a_dataset_card_chosen_as_a_model_card_and_the_other_way_round(self):
        self.assertRefused("hf_model_card", DATASET_CARD, "import_wrong_card", "dataset card")
        self.assertRefused("hf_dataset_card", MODEL_CARD, "import_wrong_card", "model card")

    def test_a_file_over_the_limit_is_refused_before_it_is_read(self):
        with self.settings(IMPORT_MAX_BYTES=1024):
            self.assertRefused(
                "hf_model_card", MODEL_CARD + "x" * 1024, "import_too_large", "smaller than 1 KB"
            )
