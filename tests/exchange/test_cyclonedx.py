"""The CycloneDX 1.6 ML-BOM export of a published version: valid against the 1.6 schema that
cyclonedx-python-lib ships for every kind of label, faithful to the label, the same bytes every
time, and nothing regulator-only in it. The labels are `test_spdx.ExportCase`'s."""

from __future__ import annotations

import json
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from registry.exchange import cyclonedx
from tests.exchange import test_spdx
from tests.labels import published_model
from tests.labels import test_selectors as leaks
from tests.labels.test_leaks_pages import spellings
from tests.matrix import PERSONAS

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


def components(bom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The BOM's top-level components by bom-ref."""
    return {component["bom-ref"]: component for component in bom.get("components", [])}


def values(component: dict[str, Any], name: str) -> list[str]:
    """The values of one of our properties, in the order the BOM lists them."""
    full = f"{cyclonedx.NAMESPACE}:{name}"
    return [p["value"] for p in component.get("properties", []) if p["name"] == full]


class CycloneDxBomTests(test_spdx.ExportCase):
    def bom_text(self, declaration, label: dict[str, Any] | None = None) -> str:
        return cyclonedx.cyclonedx_bom(
            label or self.label(declaration),
            document_url=self.document_url("exchange:cyclonedx", declaration),
        )

    def bom(self, declaration) -> dict[str, Any]:
        return json.loads(self.bom_text(declaration))

    def assert_valid(self, text: str) -> None:
        self.assertIsNone(VALIDATOR.validate_str(text))

    def test_every_demo_label_validates_against_the_schema(self):
        declarations = {
            "base": self.base,
            "atlas v1": self.atlas_v1,
            "atlas v2": self.atlas,
            "retired": self.retired,
            "leaky": self.leaky,
            "large": self.large,
        }
        for name, declaration in declarations.items():
            with self.subTest(label=name):
                self.assert_valid(self.bom_text(declaration))

    def test_the_validator_rejects_what_cyclonedx_forbids(self):
        # So that a pass means something, including of the members the library doesn't write.
        broken = [
            ("an unknown data type", lambda bom: bom["components"][0]["data"][0].update(type="x")),
            (
                "a model card member it doesn't have",
                lambda bom: bom["metadata"]["component"]["modelCard"].update(weights=1),
            ),
            ("no serial number form", lambda bom: bom.update(serialNumber="MOD-1")),
        ]
        for problem, breaks in broken:
            with self.subTest(problem=problem):
                bom = self.bom(self.atlas)
                breaks(bom)
                self.assertIsNotNone(VALIDATOR.validate_str(json.dumps(bom)))

    def test_a_thousand_sources_are_a_thousand_data_components(self):
        bom = self.bom(self.large)
        data = [c for c in bom["components"] if c["type"] == "data"]
        self.assertEqual(len(data), 1000)
        card = bom["metadata"]["component"]["modelCard"]
        self.assertEqual(len(card["modelParameters"]["datasets"]), 1000)

    def test_the_register_made_the_bom_on_the_day_the_version_was_accepted(self):
        bom, label = self.bom(self.atlas), self.label(self.atlas)
        self.assertEqual(bom["specVersion"], "1.6")
        self.assertEqual(bom["version"], 1)
        self.assertEqual(bom["metadata"]["timestamp"], f"{label['accepted_on']}T00:00:00+00:00")
        self.assertEqual(
            bom["metadata"]["manufacturer"]["name"], "AI Training Data Provenance Register"
        )
        (tool,) = bom["metadata"]["tools"]["components"]
        self.assertEqual(tool["name"], "AI Training Data Provenance Register CycloneDX export")

    def test_the_serial_number_is_a_uuid5_of_the_documents_address(self):
        url = self.document_url("exchange:cyclonedx", self.atlas)
        self.assertEqual(
            self.bom(self.atlas)["serialNumber"], f"urn:uuid:{uuid5(NAMESPACE_URL, url)}"
        )
        self.assertEqual(UUID(self.bom(self.atlas)["serialNumber"][9:]).version, 5)
        self.assertNotEqual(
            self.bom(self.atlas)["serialNumber"], self.bom(self.atlas_v1)["serialNumber"]
        )

    def test_the_same_label_gives_the_same_bytes(self):
        self.assertEqual(self.bom_text(self.atlas), self.bom_text(self.atlas))
        self.assertEqual(self.bom_text(self.large), self.bom_text(self.large))

    def test_the_model_is_a_machine_learning_model_with_its_model_card(self):
        model = self.bom(self.atlas)["metadata"]["component"]
        self.assertEqual(model["type"], "machine-learning-model")
        self.assertEqual((model["name"], model["version"]), ("Acme Atlas", "2.0"))
        self.assertEqual(model["supplier"]["name"], "Acme Intelligence Ltd")
        self.assertEqual(model["manufacturer"], model["supplier"])
        number = self.atlas.model.registration_number
        self.assertEqual(values(model, "registration_number"), [number])
        self.assertEqual(values(model, "label_version"), ["2"])
        self.assertEqual(values(model, "model_type"), ["fine_tuned"])
        self.assertEqual(values(model, "modality_out"), ["code", "text"])
        (documentation,) = model["externalReferences"]
        page = settings.SITE_URL + reverse("labels:model-version", args=[number, 2])
        self.assertEqual((documentation["type"], documentation["url"]), ("documentation", page))
        card = model["modelCard"]
        self.assertEqual(card["modelParameters"]["inputs"], [{"format": "text"}])
        self.assertEqual(
            card["modelParameters"]["outputs"], [{"format": "text"}, {"format": "code"}]
        )
        self.assertEqual(
            card["considerations"]["useCases"],
            ["A general-purpose assistant for drafting and summarising text."],
        )
        self.assertIn("1 confidential source, 20% of the mix", values(model, "training_summary")[0])

    def test_the_model_card_and_dependencies_name_every_dataset(self):
        bom = self.bom(self.atlas)
        refs = [
            d["ref"]
            for d in bom["metadata"]["component"]["modelCard"]["modelParameters"]["datasets"]
        ]
        self.assertEqual(refs, [*(f"source-{n}" for n in (1, 2, 3, 4)), "confidential-sources"])
        data = {ref for ref, c in components(bom).items() if c["type"] == "data"}
        self.assertEqual(set(refs), data)
        (model_dependencies,) = [d for d in bom["dependencies"] if d["ref"] == "model"]
        self.assertEqual(set(model_dependencies["dependsOn"]), data)

    def test_each_public_source_is_a_data_component(self):
        found = components(self.bom(self.atlas))
        first = found["source-1"]
        self.assertEqual(first["type"], "data")
        self.assertEqual((first["name"], first["version"]), ("Source 1", "2024-06"))
        self.assertEqual(first["licenses"], [{"expression": "CC-BY-4.0"}])
        (data,) = first["data"]
        self.assertEqual(data["type"], "dataset")
        self.assertEqual(data["contents"], {"url": "https://data.example/dataset"})
        self.assertEqual(data["classification"], "public_dataset")
        self.assertEqual(
            data["governance"], {"owners": [{"organization": {"name": "Example Foundation"}}]}
        )
        self.assertNotIn("sensitiveData", data)
        self.assertEqual(values(first, "share_percent"), ["20.000"])
        licensed = found["source-4"]
        self.assertEqual(licensed["licenses"], [{"expression": "LicenseRef-news-publisher-2024"}])

    def test_a_crawl_says_how_it_was_crawled_and_what_it_holds(self):
        crawl = components(self.bom(self.atlas))["source-2"]
        (data,) = crawl["data"]
        self.assertEqual(
            data["sensitiveData"], ["Personal data (Names and emails removed by a PII filter.)"]
        )
        self.assertNotIn("contents", data)  # a crawl has no one address
        self.assertIn("Crawled by AcmeBot", data["description"])
        self.assertEqual(values(crawl, "top_domain"), ["bbc.co.uk", "en.wikipedia.org"])
        self.assertEqual(values(crawl, "robots_txt_respected"), ["yes"])
        synthetic = components(self.bom(self.atlas))["source-3"]
        self.assertEqual(
            values(synthetic, "generator"),
            ["Open Teacher 70B of Open Models Ltd (terms permit training: yes)"],
        )

    def test_confidential_sources_are_one_data_component_without_names(self):
        bom = self.bom(self.atlas)
        aggregate = components(bom)["confidential-sources"]
        self.assertEqual(aggregate["name"], "Confidential sources (1)")
        self.assertEqual(aggregate["data"][0]["classification"], "confidential")
        self.assertEqual(values(aggregate, "sources"), ["1"])
        self.assertEqual(values(aggregate, "share_percent"), ["20.000"])
        text = json.dumps(bom)
        for withheld in ("Private diary corpus", "Diarists Collective", "diaries.example"):
            with self.subTest(value=withheld):
                self.assertNotIn(withheld, text)
        self.assertNotIn("confidential-sources", components(self.bom(self.base)))

    def test_lineage_is_the_models_pedigree(self):
        pedigree = self.bom(self.atlas)["metadata"]["component"]["pedigree"]
        registered, external = pedigree["ancestors"]
        self.assertEqual((registered["name"], registered["version"]), ("Acme Base", "1.0"))
        self.assertEqual(values(registered, "relation"), ["fine_tune"])
        number = self.base.model.registration_number
        self.assertEqual(values(registered, "registration_number"), [number])
        self.assertEqual(
            registered["externalReferences"][0]["url"],
            settings.SITE_URL + reverse("labels:model", args=[number]),
        )
        self.assertEqual(external["name"], "Open Llama 8B")
        self.assertEqual(external["supplier"], {"name": "Open Models Ltd"})
        self.assertEqual(values(external, "relation"), ["adapter"])
        self.assertNotIn("descendants", pedigree)
        base = self.bom(self.base)["metadata"]["component"]["pedigree"]
        self.assertEqual([d["name"] for d in base["descendants"]], ["Acme Atlas"])

    def test_public_alerts_are_properties_of_the_model(self):
        model = self.bom(self.leaky)["metadata"]["component"]
        codes = sorted(alert["code"] for alert in self.label(self.leaky)["public_alerts"])
        self.assertTrue(codes)
        self.assertEqual(sorted(value.split(" ")[0] for value in values(model, "alert")), codes)

    def test_a_withdrawn_version_is_a_tombstone_that_says_so(self):
        text = self.bom_text(self.retired)
        self.assert_valid(text)
        bom = json.loads(text)
        self.assertEqual(bom["version"], 2)
        self.assertNotIn("components", bom)
        model = bom["metadata"]["component"]
        self.assertNotIn("modelCard", model)
        self.assertIn("withdrawn from the register on", model["description"])
        self.assertEqual(values(model, "withdrawn"), ["true"])
        self.assertEqual(values(model, "withdrawal_reason"), ["Filed for the wrong model"])
        label = self.label(self.retired)
        withdrawn_at = test_spdx.spdx.stamp_time(label["withdrawal"]["withdrawn_at"])
        self.assertEqual(values(model, "withdrawn_at"), [withdrawn_at])
        self.assertEqual(bom["metadata"]["timestamp"], withdrawn_at.replace("Z", "+00:00"))
        url = self.document_url("exchange:cyclonedx", self.retired)
        self.assertEqual(bom["serialNumber"], f"urn:uuid:{uuid5(NAMESPACE_URL, url)}")

    def test_no_regulator_only_value_appears(self):
        text = self.bom_text(self.leaky)
        self.assertIn("Leaky", text)
        for name, sentinel in self.sentinels():
            for spelling in spellings(sentinel):
                with self.subTest(sentinel=name, spelling=spelling):
                    self.assertNotIn(spelling, text)
        self.assertEqual(leaks.keys_in(json.loads(text)) & leaks.REGULATOR_ONLY_KEYS, set())

    def test_bad_input_is_refused_with_a_reason(self):
        label = self.label(self.base)
        url = self.document_url("exchange:cyclonedx", self.base)
        model_json = reverse("labels:model-json", args=[self.retired.model.registration_number])
        cases = [
            (
                "a model's tombstone",
                Client().get(model_json).json(),
                url,
                "its kind is 'tombstone'",
            ),
            ("a relative address", label, "/x/cyclonedx.json", "absolute http(s) URL"),
            ("never accepted", label | {"accepted_on": None}, url, "no acceptance date"),
        ]
        for problem, given, address, message in cases:
            with self.subTest(problem=problem), self.assertRaisesMessage(ValueError, message):
                cyclonedx.cyclonedx_bom(given, document_url=address)

    def test_a_label_with_missing_answers_still_exports(self):
        label = self.label(self.base)
        label["model"] |= {"version": "", "modalities_in": [], "intended_uses": ""}
        label["sources"][0] |= {"url": "", "owner": "", "licence": "", "dataset_version": ""}
        label["lineage"]["built_on"] = [test_spdx.UNREGISTERED_BASE]
        text = cyclonedx.cyclonedx_bom(
            label, document_url=self.document_url("exchange:cyclonedx", self.base)
        )
        self.assert_valid(text)
        bom = json.loads(text)
        model, first = bom["metadata"]["component"], components(bom)["source-1"]
        self.assertNotIn("version", model)
        self.assertNotIn("inputs", model["modelCard"]["modelParameters"])
        self.assertNotIn("considerations", model["modelCard"])
        self.assertNotIn("licenses", first)
        self.assertEqual(set(first["data"][0]), {"type", "name", "classification", "description"})
        (unregistered,) = model["pedigree"]["ancestors"]
        self.assertEqual(unregistered["name"], "A model of Acme AI not on the register")
        self.assertNotIn("externalReferences", unregistered)
        self.assertEqual(values(unregistered, "kind"), ["unregistered"])


class CycloneDxViewTests(test_spdx.ExportCase):
    EXPORT_QUERIES = test_spdx.SpdxViewTests.EXPORT_QUERIES  # the same label, read the same way

    def test_the_export_is_a_json_download_anyone_may_fetch(self):
        response = Client().get(self.export_url("exchange:cyclonedx", self.atlas))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/vnd.cyclonedx+json; version=1.6")
        number = self.atlas.model.registration_number
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="{number}-v2.cdx.json"'
        )
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertTrue(response["ETag"])
        self.assertTrue(response["Last-Modified"])
        self.assertIsNone(VALIDATOR.validate_str(response.content.decode()))

    def test_the_same_label_gives_the_same_bytes_whoever_asks(self):
        url = self.export_url("exchange:cyclonedx", self.atlas)
        first = Client().get(url).content
        self.sign_in(self.alice)
        self.assertEqual(self.client.get(url).content, first)

    def test_a_conditional_request_is_answered_from_the_labels_validators(self):
        url = self.export_url("exchange:cyclonedx", self.atlas)
        first = Client().get(url)
        again = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 304)
        self.assertEqual(
            Client().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code, 304
        )

    def test_later_visitors_get_the_stored_export_without_a_query(self):
        url = self.export_url("exchange:cyclonedx", self.large)
        first = Client().get(url)
        with self.assertNumQueries(0):
            again = Client().get(url)
        self.assertEqual(again.content, first.content)
        # Each format is stored apart, though both have the label's validators.
        spdx_url = self.export_url("exchange:spdx", self.large)
        self.assertNotEqual(Client().get(spdx_url).content, first.content)

    def test_only_safe_methods(self):
        url = self.export_url("exchange:cyclonedx", self.atlas)
        self.assertEqual(Client().head(url).status_code, 200)
        for method in ("post", "put", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(Client(), method)(url).status_code, 405)

    def test_an_unknown_model_or_version_is_not_found_for_every_persona(self):
        number = self.atlas.model.registration_number
        for args in (["MOD-999999", 1], [number, 9], [number, 3]):
            url = reverse("exchange:cyclonedx", args=args)
            for persona in PERSONAS:
                with self.subTest(url=url, persona=persona):
                    self.assertEqual(self.open_as(persona, url).status_code, 404)

    def test_the_queries_are_the_same_for_10_and_1000_sources(self):
        small = published_model(self, name="Small", sources=10)
        for declaration in (small, self.large):
            with self.subTest(sources=declaration.sources.count()):
                with self.assertNumQueries(self.EXPORT_QUERIES):
                    response = Client().get(self.export_url("exchange:cyclonedx", declaration))
                self.assertEqual(response.status_code, 200)

    def test_no_regulator_only_value_is_served(self):
        text = Client().get(self.export_url("exchange:cyclonedx", self.leaky)).content.decode()
        for name, sentinel in self.sentinels():
            for spelling in spellings(sentinel):
                with self.subTest(sentinel=name, spelling=spelling):
                    self.assertNotIn(spelling, text)
