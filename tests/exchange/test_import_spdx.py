"""The register's own SPDX 3 export, imported into another draft: the round trip."""

from __future__ import annotations

import json

from django.conf import settings
from django.forms.models import model_to_dict
from django.urls import reverse

from registry.declarations.models import DataSource, ModelDependency
from registry.declarations.selectors import SOURCE_FIELDS
from registry.exchange.imports import import_preview
from registry.exchange.selectors import export_label
from registry.exchange.services import import_apply
from registry.exchange.views.bom import spdx_json
from registry.lib.problems import ProblemsError
from tests.base import PersonaTestCase
from tests.exchange.import_base import CROISSANT
from tests.factories import AIModelFactory, ProvenanceDeclarationFactory, complete_declaration
from tests.labels import publish, published_model, withdraw

# What a source is in the export and so comes back: all but what SPDX has no home for, which
# is regulator-only (exact sizes, confidentiality) or never public.
NOT_EXPORTED = {
    "size_tokens",
    "size_records",
    "size_bytes",
    "confidential",
    "confidentiality_reason",
}


class SpdxRoundTripTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.base = published_model(cls, name="Acme Base", version="1.0")
        atlas = AIModelFactory(provider=cls.acme, name="Acme Atlas", version="2.0")
        ModelDependency.objects.create(model=atlas, depends_on=cls.base.model, relation="fine_tune")
        ModelDependency.objects.create(
            model=atlas,
            external_name="Open Llama 8B",
            external_provider="Open Models Ltd",
            relation="adapter",
        )
        cls.published = publish(cls, complete_declaration(model=atlas))
        cls.target = AIModelFactory(provider=cls.acme, name="Acme Atlas", version="2.1")
        cls.draft = ProvenanceDeclarationFactory(model=cls.target, created_by=cls.alice)

    def export(self, declaration) -> str:
        number = declaration.model.registration_number
        label = export_label(number, declaration.version)
        url = settings.SITE_URL + reverse("exchange:spdx", args=[number, declaration.version])
        return spdx_json(label, url)

    def test_the_same_sources_licences_and_lineage_come_back(self):
        preview = import_preview("spdx", self.export(self.published), self.draft)
        import_apply(
            actor=self.alice, declaration=self.draft, preview=preview, expected_lock_version=None
        )
        fields = [f for f in SOURCE_FIELDS if f not in NOT_EXPORTED]
        sent = [model_to_dict(s, fields=fields) for s in self.published.sources.order_by("id")]
        back = [
            model_to_dict(s, fields=fields)
            for s in DataSource.objects.filter(declaration=self.draft).order_by("id")
        ]
        self.assertEqual(len(back), 3)
        for before, after in zip(sent, back, strict=True):
            with self.subTest(before["name"]):
                self.assertEqual(after, before)
        lineage = {
            (d.depends_on_id, d.external_name, d.external_provider, d.relation)
            for d in ModelDependency.objects.filter(model=self.target)
        }
        self.assertEqual(
            lineage,
            {
                (self.base.model_id, "", "", "fine_tune"),
                (None, "Open Llama 8B", "Open Models Ltd", "adapter"),
            },
        )

    def test_the_preview_names_the_lineage_and_the_sources(self):
        preview = import_preview("spdx", self.export(self.published), self.draft)
        self.assertEqual(preview.title, "Acme Atlas 2.0")
        built_on = [m.value for m in preview.mapped if m.question == "Built on"]
        number = self.base.model.registration_number
        self.assertIn(f"Acme Base 1.0 ({number}) (Acme Intelligence Ltd): Fine-tune", built_on)
        self.assertIn("Open Llama 8B (Open Models Ltd): Adapter", built_on)
        licences = [(m.section, m.origin) for m in preview.mapped if m.question == "Licence"]
        self.assertEqual(
            [origin for _, origin in licences],
            [f"#source-{n} hasDeclaredLicense" for n in range(1, len(licences) + 1)],
        )

    def test_other_files_are_refused(self):
        withdrawn = published_model(self, name="Acme Retired")
        withdraw(self, withdrawn, reason="Filed for the wrong model")
        spdx_of_another_tool = json.dumps(
            {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}
        )
        for text, words in [
            (CROISSANT, "its @context is not"),
            (spdx_of_another_tool, "does not name the"),
            (self.export(withdrawn), "tombstone of a withdrawn version"),
            ("not json", "not JSON"),
        ]:
            with self.subTest(words):
                with self.assertRaises(ProblemsError) as raised:
                    import_preview("spdx", text, self.draft)
                self.assertIn(words, raised.exception.problems[0].message)
