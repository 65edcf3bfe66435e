"""The SPDX 3.0.1 export of a published version: valid against SPDX's own JSON Schema and SHACL
shapes for every kind of label, faithful to the label, the same bytes every time, and nothing
regulator-only in it. `ExportCase` publishes the labels both exports' tests read."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pyshacl
import rdflib
from django.conf import settings
from django.test import Client, SimpleTestCase, override_settings
from django.urls import reverse

from registry.declarations.models import AIModel, DataSource, ModelDependency
from registry.exchange import spdx
from registry.exchange.selectors import export_label
from registry.review.models import Case, CaseNote, Finding
from tests.factories import AIModelFactory, complete_declaration
from tests.labels import (
    accepted_ownership,
    publish,
    published_model,
    visitor_stamps_expire,
    withdraw,
)
from tests.labels import test_selectors as leaks
from tests.labels.test_leaks_pages import CASE_SENTINELS, spellings
from tests.labels.test_views import amend
from tests.matrix import PERSONAS, MatrixTestCase

# --- SPDX's own files (fixtures/spdx-3.0.1, with their source and licence in fixtures/README.md)

STANDARDS = Path(
    os.environ.get("SPDX_STANDARDS", Path(__file__).resolve().parent / "fixtures" / "spdx-3.0.1")
)
STANDARDS_MISSING = (
    "SPDX 3.0.1's schema.json, spdx-context.jsonld and spdx-model.ttl are needed at {path} to "
    "validate the export (see tests/exchange/fixtures/README.md; or set SPDX_STANDARDS)"
)


@functools.cache
def standard(name: str) -> bytes:
    path = STANDARDS / name
    if not path.is_file():
        raise AssertionError(STANDARDS_MISSING.format(path=path))
    return path.read_bytes()


@functools.cache
def schema() -> dict[str, Any]:
    return json.loads(standard("schema.json"))


@functools.cache
def class_validator(kind: str) -> jsonschema.Draft202012Validator:
    """The schema's own definition of one SPDX class, closed as the schema closes `@graph`
    items (`unevaluatedProperties: false`)."""
    if kind not in schema()["$defs"]:
        raise AssertionError(f"{kind!r} is not an SPDX 3.0.1 class")
    definition = {"$defs": schema()["$defs"], "$ref": f"#/$defs/{kind}"}
    return jsonschema.Draft202012Validator(definition | {"unevaluatedProperties": False})


@functools.cache
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(data=standard("spdx-model.ttl"), format="turtle")


def shacl_report(document: dict[str, Any]) -> tuple[bool, str]:
    """Check the document against SPDX's SHACL shapes, its context inlined (it can't be
    fetched here); the model is the ontology too, for its class hierarchy."""
    context = json.loads(standard("spdx-context.jsonld"))["@context"]
    data = json.dumps(document | {"@context": context})
    with warnings.catch_warnings():
        # rdflib 7's own JSON-LD parser still builds a ConjunctiveGraph internally.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        graph = rdflib.Graph().parse(data=data, format="json-ld")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes(), ont_graph=shapes())
    return conforms, text


def schema_errors(document: dict[str, Any], items: list[dict[str, Any]] | None = None) -> list:
    """The JSON Schema's errors: the document's frame, then each item of its graph against its
    own class. An item valid as its class is valid as the schema's `AnyClass` (an `anyOf` of
    the classes), so this is the schema's verdict, in a fraction of the time a whole document
    takes (jsonschema evaluates every class of `AnyClass` for `unevaluatedProperties`)."""
    frame = jsonschema.Draft202012Validator(schema())
    errors = list(frame.iter_errors(document | {"@graph": []}))
    for item in document["@graph"] if items is None else items:
        errors += [
            (item.get("spdxId"), e.message) for e in class_validator(item["type"]).iter_errors(item)
        ]
    return errors


def one_of_each_shape(document: dict[str, Any]) -> list[dict[str, Any]]:
    """An item of each class and set of members: the rest differ only in their values, which
    the SHACL shapes check in every item (datatypes, patterns, enumerations, references). The
    document's list of its elements is cut to a few of its IRIs likewise: the schema checks
    each alike, at some 15 ms an entry."""
    shapes_seen: dict[tuple, dict[str, Any]] = {}
    for item in document["@graph"]:
        shapes_seen.setdefault((item["type"], *sorted(item)), item)
    return [
        item | {"element": item["element"][:SAMPLE]} if item["type"] == "SpdxDocument" else item
        for item in shapes_seen.values()
    ]


SAMPLE = 20


# --- The labels both exports are tested on


def withheld(declaration, position: int, **fields) -> None:
    source = declaration.sources.order_by("id")[position]
    DataSource.objects.filter(pk=source.pk).update(**fields)


class ExportCase(MatrixTestCase):
    """Acme's models, published through the services:

    - "Acme Base" 1.0: three sources (a public dataset, a web crawl, a synthetic source);
    - "Acme Atlas" 2.0, fine-tuned from Acme Base and with an adapter on an external model:
      five sources (those three, a licensed archive and a confidential user-data source);
      version 1 superseded by version 2, and a draft version 3;
    - "Acme Retired": version 1 withdrawn;
    - "Acme Large": a thousand sources;
    - "Leaky": a sentinel in every regulator-only field (tests.labels.test_selectors).
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.base = published_model(cls, name="Acme Base", version="1.0")
        cls.atlas_v1 = publish(cls, atlas_declaration(cls))
        ModelDependency.objects.create(
            model=cls.atlas_v1.model, depends_on=cls.base.model, relation="fine_tune"
        )
        ModelDependency.objects.create(
            model=cls.atlas_v1.model,
            external_name="Open Llama 8B",
            external_provider="Open Models Ltd",
            relation="adapter",
        )
        cls.atlas = amend(cls, cls.atlas_v1)
        complete_declaration(model=cls.atlas.model)  # version 3: a draft, never published
        cls.retired = published_model(cls, name="Acme Retired")
        withdraw(cls, cls.retired, reason="Filed for the wrong model")
        cls.large = published_model(cls, name="Acme Large", sources=1000)
        accepted_ownership(cls, links=[leaks.US_FUND])
        cls.leaky = leaks.sentinel_filing(cls)
        review = Case.objects.get(filing_kind="declaration", filing_id=cls.leaky.pk)
        CaseNote.objects.create(
            case=review, kind="note", body=CASE_SENTINELS["internal case note"], author=cls.olivia
        )
        Finding.objects.create(
            case=review,
            submission=1,
            field="tdm_opt_out_measures",
            message=CASE_SENTINELS["unsent finding"],
            raised_by=cls.olivia,
        )

    def label(self, declaration, version: int | None = None) -> dict[str, Any]:
        found = export_label(declaration.model.registration_number, version or declaration.version)
        assert found is not None
        return found

    def demo_labels(self) -> dict[str, dict[str, Any]]:
        return {
            "base": self.label(self.base),
            "atlas v1 (superseded)": self.label(self.atlas_v1),
            "atlas v2": self.label(self.atlas),
            "retired (withdrawn)": self.label(self.retired),
            "leaky (confidential sources)": self.label(self.leaky),
        }

    def export_url(self, name: str, declaration) -> str:
        number = declaration.model.registration_number
        return reverse(name, args=[number, declaration.version])

    def document_url(self, name: str, declaration) -> str:
        return settings.SITE_URL + self.export_url(name, declaration)

    def sentinels(self) -> list[tuple[str, Any]]:
        return [
            *leaks.SENTINEL_TEXT.items(),
            *leaks.SENTINEL_NUMBERS.items(),
            *CASE_SENTINELS.items(),
            # what a confidential source of Atlas withholds
            ("confidential name", "Private diary corpus"),
            ("confidential owner", "Diarists Collective"),
        ]


def atlas_declaration(case):
    model = AIModelFactory(
        provider=case.acme,
        name="Acme Atlas",
        version="2.0",
        model_type="fine_tuned",
        modalities_out=["text", "code"],
    )
    declaration = complete_declaration(model=model, sources=5)
    withheld(
        declaration,
        1,
        personal_data="yes",
        personal_data_measures="Names and emails removed by a PII filter.",
    )
    withheld(
        declaration,
        3,
        name="Newswire archive",
        category="licensed",
        acquisition="licensed",
        owner="News Publisher plc",
        licence="LicenseRef-news-publisher-2024",
        ip_status="copyrighted",
    )
    withheld(
        declaration,
        4,
        name="Private diary corpus",
        owner="Diarists Collective",
        url="https://diaries.example/corpus",
        description="Diaries shared with us in confidence.",
        category="user_data",
        acquisition="user_provided",
        personal_data="unknown",
        confidential=True,
        confidentiality_reason="Commercially sensitive",
    )
    return declaration


# A model of the provider's own that is not on the register: the label doesn't name it.
UNREGISTERED_BASE = {
    "relation": "distillation",
    "kind": "unregistered",
    "registration_number": None,
    "name": "",
    "version": "",
    "provider": "Acme AI",
}


def elements(document: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [item for item in document["@graph"] if kind is None or item["type"] == kind]


def element(document: dict[str, Any], fragment: str) -> dict[str, Any]:
    (found,) = [
        item for item in document["@graph"] if item.get("spdxId", "").endswith(f"#{fragment}")
    ]
    return found


def relationships(document: dict[str, Any], relation: str) -> list[tuple[str, str]]:
    """Each relationship of a type as (from, to) fragments."""
    return [
        (item["from"].rsplit("#", 1)[1], target.rsplit("#", 1)[1])
        for item in elements(document, "Relationship")
        if item["relationshipType"] == relation
        for target in item["to"]
    ]


class SpdxDocumentTests(ExportCase):
    def spdx(self, declaration, label: dict[str, Any] | None = None) -> dict[str, Any]:
        return spdx.spdx_document(
            label or self.label(declaration),
            document_url=self.document_url("exchange:spdx", declaration),
        )

    def assert_valid(self, document: dict[str, Any], *, sampled: bool = False) -> None:
        items = one_of_each_shape(document) if sampled else None
        self.assertEqual(schema_errors(document, items), [])
        conforms, report = shacl_report(document)
        self.assertIs(conforms, True, report)

    def test_the_standard_files_are_spdxs_as_published(self):
        sums = (STANDARDS.parent / "SHA256SUMS").read_text().splitlines()
        for line in sums:
            digest, name = line.split()
            with self.subTest(file=name):
                file = name.split("/", 1)[1]
                self.assertEqual(hashlib.sha256(standard(file)).hexdigest(), digest)

    def test_every_demo_label_validates_against_the_json_schema_and_the_shacl_shapes(self):
        declarations = {
            "base": self.base,
            "atlas v1": self.atlas_v1,
            "atlas v2": self.atlas,
            "retired": self.retired,
            "leaky": self.leaky,
        }
        for name, declaration in declarations.items():
            with self.subTest(label=name):
                self.assert_valid(self.spdx(declaration))

    def test_a_whole_document_validates_against_the_schema_at_once(self):
        # The schema as a tool would run it, on one document: `schema_errors` agrees with it.
        validator = jsonschema.Draft202012Validator(schema())
        self.assertEqual([e.message for e in validator.iter_errors(self.spdx(self.atlas))], [])

    def test_a_model_with_a_thousand_sources_validates(self):
        document = self.spdx(self.large)
        self.assertEqual(len(elements(document, "dataset_DatasetPackage")), 1000)
        self.assert_valid(document, sampled=True)

    def test_the_validators_reject_what_spdx_forbids(self):
        # So that a pass means something: each validator fails a broken document.
        broken = [
            ("an unknown purpose", {"software_primaryPurpose": "weights"}),
            ("a date that is not a time", {"releaseTime": "2025-01-15"}),
            ("no creation info", {"creationInfo": None}),
        ]
        for problem, change in broken:
            with self.subTest(problem=problem):
                document = self.spdx(self.base)
                model = element(document, "model")
                model.update(change)
                if model["creationInfo"] is None:
                    del model["creationInfo"]
                self.assertNotEqual(schema_errors(document), [])
                self.assertIs(shacl_report(document)[0], False)

    def test_the_document_frames_the_model_as_its_root(self):
        document = self.spdx(self.atlas)
        self.assertEqual(document["@context"], spdx.CONTEXT)
        creation = document["@graph"][0]
        self.assertEqual(creation["type"], "CreationInfo")
        self.assertEqual(creation["specVersion"], "3.0.1")
        url = self.document_url("exchange:spdx", self.atlas)
        self.assertEqual(creation["createdBy"], [f"{url}#register"])
        self.assertEqual(element(document, "register")["name"], spdx.REGISTER)
        (spdx_document,) = elements(document, "SpdxDocument")
        self.assertEqual(spdx_document["rootElement"], [f"{url}#model"])
        ids = [item["spdxId"] for item in document["@graph"][1:-1]]
        self.assertEqual(spdx_document["element"], ids)
        self.assertIn("ai", spdx_document["profileConformance"])
        self.assertIn("dataset", spdx_document["profileConformance"])

    def test_every_id_is_a_stable_iri_under_the_document_url(self):
        url = self.document_url("exchange:spdx", self.atlas)
        first, again = self.spdx(self.atlas), self.spdx(self.atlas)
        ids = [item["spdxId"] for item in first["@graph"] if "spdxId" in item]
        self.assertEqual(len(ids), len(set(ids)))
        for spdx_id in ids:
            with self.subTest(spdx_id=spdx_id):
                self.assertTrue(spdx_id.startswith(f"{url}#"))
        self.assertEqual(ids, [item["spdxId"] for item in again["@graph"] if "spdxId" in item])
        self.assertEqual(json.dumps(first), json.dumps(again))

    def test_created_is_the_day_the_version_was_accepted(self):
        label = self.label(self.atlas)
        created = self.spdx(self.atlas)["@graph"][0]["created"]
        self.assertEqual(created, f"{label['accepted_on']}T00:00:00Z")

    def test_the_model_is_an_ai_package_supplied_by_its_provider(self):
        document = self.spdx(self.atlas)
        model = element(document, "model")
        self.assertEqual(model["type"], "ai_AIPackage")
        self.assertEqual((model["name"], model["software_packageVersion"]), ("Acme Atlas", "2.0"))
        self.assertEqual(model["ai_typeOfModel"], ["fine-tuned model"])
        self.assertEqual(model["ai_domain"], ["natural language processing", "programming"])
        self.assertEqual(model["releaseTime"], "2025-01-15T00:00:00Z")
        self.assertEqual(model["software_primaryPurpose"], "model")
        self.assertEqual(
            model["ai_hyperparameter"],
            [{"type": "DictionaryEntry", "key": "parameter_count", "value": "7000000000"}],
        )
        number = self.atlas.model.registration_number
        page = settings.SITE_URL + reverse("labels:model-version", args=[number, 2])
        self.assertEqual(model["software_homePage"], page)
        (identifier,) = model["externalIdentifier"]
        self.assertEqual(
            (identifier["identifier"], identifier["identifierLocator"]), (number, [page])
        )
        provider = element(document, "provider")
        self.assertEqual(model["suppliedBy"], provider["spdxId"])
        self.assertEqual(provider["name"], "Acme Intelligence Ltd")
        self.assertEqual(
            provider["externalIdentifier"][0]["identifier"], self.acme.registration_number
        )
        self.assertNotIn("ai_autonomyType", model)  # the label never says

    def test_the_training_mix_is_summarised_in_words(self):
        model = element(self.spdx(self.atlas), "model")
        training = model["ai_informationAboutTraining"]
        self.assertIn(
            "Training mix by kind of source: commercially licensed 20%, publicly available "
            "dataset 20%, synthetic (model generated) 20%, user data 20%, crawled from the web "
            "20%.",
            training,
        )
        self.assertIn("1 confidential source, 20% of the mix", training)
        self.assertIn("Size: text 1 billion to 10 trillion tokens.", training)
        self.assertIn("Languages: en 80%, fr 20%.", training)
        self.assertEqual(model["ai_standardCompliance"], ["EU General-Purpose AI Code of Practice"])
        # The crawl holds personal data: the model used some.
        self.assertEqual(model["ai_useSensitivePersonalInformation"], "yes")
        self.assertEqual(
            element(self.spdx(self.base), "model")["ai_useSensitivePersonalInformation"], "no"
        )

    def test_each_public_source_is_a_dataset_the_model_was_trained_on(self):
        document = self.spdx(self.atlas)
        datasets = elements(document, "dataset_DatasetPackage")
        self.assertEqual(
            [dataset["name"] for dataset in datasets],
            ["Source 1", "Source 2", "Source 3", "Newswire archive", "Confidential sources (1)"],
        )
        self.assertEqual(
            relationships(document, "trainedOn"),
            [("model", f"source-{n}") for n in (1, 2, 3, 4)] + [("model", "confidential-sources")],
        )
        first = element(document, "source-1")
        self.assertEqual(first["dataset_datasetType"], ["text"])
        self.assertEqual(first["software_downloadLocation"], "https://data.example/dataset")
        self.assertEqual(first["software_packageVersion"], "2024-06")
        self.assertEqual(first["builtTime"], "2024-06-30T00:00:00Z")
        self.assertEqual(first["summary"], "Publicly available dataset, 20% of the training mix")
        self.assertEqual(first["dataset_hasSensitivePersonalInformation"], "no")
        self.assertEqual(first["dataset_intendedUse"], "Broad general knowledge.")
        self.assertNotIn("dataset_knownBias", first)  # the label has none to give

    def test_a_crawl_says_how_it_was_crawled_and_what_it_filtered(self):
        crawl = element(self.spdx(self.atlas), "source-2")
        self.assertIn(
            "Crawled by AcmeBot (user agent AcmeBot/2.1 (+https://acme.example/bot)); "
            "robots.txt respected: yes; text and data mining opt-outs respected: yes.",
            crawl["dataset_dataCollectionProcess"],
        )
        self.assertIn("en.wikipedia.org, bbc.co.uk", crawl["software_sourceInfo"])
        self.assertEqual(crawl["dataset_hasSensitivePersonalInformation"], "yes")
        self.assertEqual(
            crawl["dataset_anonymizationMethodUsed"], ["Names and emails removed by a PII filter."]
        )
        self.assertEqual(crawl["dataset_dataPreprocessing"], ["Deduplication"])

    def test_two_crawls_of_one_name_keep_their_own_crawlers(self):
        label = self.label(self.atlas)
        crawl = label["sources"][1]
        label["sources"].insert(0, crawl)
        label["crawling"]["crawls"].insert(
            0, label["crawling"]["crawls"][0] | {"crawler_name": "EarlierBot"}
        )
        document = spdx.spdx_document(
            label, document_url=self.document_url("exchange:spdx", self.atlas)
        )
        first, second = element(document, "source-1"), element(document, "source-3")
        self.assertEqual((first["name"], second["name"]), ("Source 2", "Source 2"))
        self.assertIn("Crawled by EarlierBot", first["dataset_dataCollectionProcess"])
        self.assertIn("Crawled by AcmeBot", second["dataset_dataCollectionProcess"])

    def test_licences_are_expressions_each_source_declares(self):
        document = self.spdx(self.atlas)
        declared = dict(relationships(document, "hasDeclaredLicense"))
        expressions = {
            item["spdxId"].rsplit("#", 1)[1]: item["simplelicensing_licenseExpression"]
            for item in elements(document, "simplelicensing_LicenseExpression")
        }
        self.assertEqual(
            {source: expressions[licence] for source, licence in declared.items()},
            {"source-1": "CC-BY-4.0", "source-4": "LicenseRef-news-publisher-2024"},
        )

    def test_owners_originate_their_datasets_and_generators_generate_theirs(self):
        document = self.spdx(self.atlas)
        owner = element(document, "source-4")["originatedBy"]
        agents = {item["spdxId"]: item["name"] for item in elements(document, "Agent")}
        self.assertEqual([agents[agent] for agent in owner], ["News Publisher plc"])
        self.assertEqual(
            relationships(document, "generates"), [("source-3-generator-1", "source-3")]
        )
        generator = element(document, "source-3-generator-1")
        self.assertEqual(generator["name"], "Open Teacher 70B")
        self.assertEqual(generator["comment"], "Its terms permit training on its output: yes.")

    def test_confidential_sources_are_one_dataset_without_names(self):
        document = self.spdx(self.atlas)
        aggregate = element(document, "confidential-sources")
        self.assertEqual(aggregate["name"], "Confidential sources (1)")
        self.assertEqual(aggregate["summary"], "Confidential sources (1), share 20%")
        self.assertEqual(aggregate["dataset_datasetType"], ["noAssertion"])
        text = json.dumps(document)
        for withheld_value in ("Private diary corpus", "Diarists Collective", "diaries.example"):
            with self.subTest(value=withheld_value):
                self.assertNotIn(withheld_value, text)
        self.assertNotIn("confidential-sources", json.dumps(self.spdx(self.base)))

    def test_lineage_relates_the_model_to_registered_and_external_models(self):
        document = self.spdx(self.atlas)
        self.assertEqual(relationships(document, "descendantOf"), [("model", "built-on-1")])
        self.assertEqual(relationships(document, "dependsOn"), [("model", "built-on-2")])
        registered = element(document, "built-on-1")
        number = self.base.model.registration_number
        self.assertEqual(registered["name"], "Acme Base")
        self.assertEqual(registered["externalIdentifier"][0]["identifier"], number)
        self.assertEqual(
            registered["software_homePage"],
            settings.SITE_URL + reverse("labels:model", args=[number]),
        )
        self.assertEqual(registered["suppliedBy"], element(document, "provider")["spdxId"])
        external = element(document, "built-on-2")
        self.assertEqual(external["name"], "Open Llama 8B")
        self.assertNotIn("externalIdentifier", external)
        supplier = [
            a for a in elements(document, "Organization") if a["spdxId"] == external["suppliedBy"]
        ]
        self.assertEqual(supplier[0]["name"], "Open Models Ltd")
        # And the base names the model built on it.
        base = self.spdx(self.base)
        self.assertEqual(relationships(base, "ancestorOf"), [("model", "built-into-1")])
        self.assertEqual(element(base, "built-into-1")["name"], "Acme Atlas")

    def test_public_alerts_are_review_annotations_of_the_model(self):
        document = self.spdx(self.leaky)
        annotations = elements(document, "Annotation")
        codes = [alert["title"] for alert in self.label(self.leaky)["public_alerts"]]
        self.assertEqual(len(annotations), len(codes))
        self.assertTrue(codes)
        for annotation, title in zip(annotations, codes, strict=True):
            self.assertEqual(annotation["annotationType"], "review")
            self.assertEqual(annotation["subject"], element(document, "model")["spdxId"])
            self.assertTrue(annotation["statement"].startswith(title))

    def test_a_withdrawn_version_is_a_tombstone_that_says_so(self):
        label = self.label(self.retired)
        document = self.spdx(self.retired)
        self.assert_valid(document)
        self.assertEqual(
            [item["type"] for item in document["@graph"]],
            [
                "CreationInfo",
                "Organization",
                "Tool",
                "Organization",
                "ai_AIPackage",
                "SpdxDocument",
            ],
        )
        comment = element(document, "model")["comment"]
        self.assertIn("withdrawn from the register on", comment)
        self.assertIn("Filed for the wrong model", comment)
        self.assertEqual(elements(document, "SpdxDocument")[0]["comment"], comment)
        withdrawn_at = spdx.stamp_time(label["withdrawal"]["withdrawn_at"])
        self.assertIn(withdrawn_at, comment)
        self.assertEqual(document["@graph"][0]["created"], withdrawn_at)
        self.assertNotIn("Source 1", json.dumps(document))

    def test_no_regulator_only_value_appears(self):
        text = json.dumps(self.spdx(self.leaky), ensure_ascii=False)
        self.assertIn("Leaky", text)
        for name, sentinel in self.sentinels():
            for spelling in spellings(sentinel):
                with self.subTest(sentinel=name, spelling=spelling):
                    self.assertNotIn(spelling, text)

    def test_bad_input_is_refused_with_a_reason(self):
        label = self.label(self.base)
        url = self.document_url("exchange:spdx", self.base)
        model_json = reverse("labels:model-json", args=[self.retired.model.registration_number])
        tombstone = Client().get(model_json).json()
        cases = [
            ("a model's tombstone, not a label", tombstone, url, "its kind is 'tombstone'"),
            ("a relative address", label, "/register/models/x/spdx.json", "absolute http(s) URL"),
            ("an address with a fragment", label, f"{url}#top", "absolute http(s) URL"),
            ("another scheme", label, "ftp://register.example/x.json", "absolute http(s) URL"),
            ("never accepted", label | {"accepted_on": None}, url, "no acceptance date"),
        ]
        for problem, given, address, message in cases:
            with self.subTest(problem=problem), self.assertRaisesMessage(ValueError, message):
                spdx.spdx_document(given, document_url=address)

    def test_a_label_with_unknown_or_missing_answers_still_exports(self):
        label = self.label(self.base)
        label["model"] |= {"model_type": "hybrid", "modalities_in": [], "release_date": None}
        label["sources"][0] |= {"modalities": [], "personal_data": "", "collection_end": None}
        label["provider"]["name"] = label["provider"]["legal_name"]  # no trading name
        label["lineage"]["built_on"] = [UNREGISTERED_BASE]
        document = spdx.spdx_document(
            label, document_url=self.document_url("exchange:spdx", self.base)
        )
        model, first = element(document, "model"), element(document, "source-1")
        self.assertEqual(model["ai_typeOfModel"], ["hybrid"])
        self.assertNotIn("releaseTime", model)
        self.assertEqual(first["dataset_datasetType"], ["noAssertion"])
        self.assertNotIn("dataset_hasSensitivePersonalInformation", first)
        self.assertNotIn("builtTime", first)
        self.assertEqual(element(document, "provider")["summary"], "Incorporated in GB")
        unregistered = element(document, "built-on-1")
        self.assertEqual(unregistered["name"], "A model of Acme AI not on the register")
        self.assertNotIn("externalIdentifier", unregistered)
        self.assertEqual(relationships(document, "descendantOf"), [("model", "built-on-1")])
        self.assert_valid(document)


class WordingTests(SimpleTestCase):
    def test_shares_read_as_the_label_prints_them(self):
        cases = [
            ("55.000", "55%"),
            ("12.500", "12.5%"),
            ("0.001", "0.001%"),
            (Decimal("100"), "100%"),
            (None, "an unstated share"),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                self.assertEqual(spdx.percent(value), expected)

    def test_modalities_read_as_a_phrase(self):
        cases = [([], ""), (["text"], "text"), (["text", "code"], "text and code")]
        cases += [(["text", "image", "code"], "text, image and code"), (["smell"], "")]
        for modalities, expected in cases:
            with self.subTest(modalities=modalities):
                self.assertEqual(spdx.words(modalities), expected)

    def test_times_are_utc_to_the_second(self):
        cases = [
            ("2026-12-08T02:19:47.123456Z", "2026-12-08T02:19:47Z"),
            ("2026-07-01T09:30:00+01:00", "2026-07-01T08:30:00Z"),
        ]
        for moment, expected in cases:
            with self.subTest(moment=moment):
                self.assertEqual(spdx.stamp_time(moment), expected)
        self.assertEqual(spdx.stamp_day("2025-01-15"), "2025-01-15T00:00:00Z")
        self.assertIsNone(spdx.stamp_day(None))


class SpdxViewTests(ExportCase):
    # The export of a version, for a visitor (no session, no user):
    #  1. the caching validators (label_stamp: versions, model, provider, ownership statement)
    #  2. the declaration with its model and provider (label_declaration)
    #  3-4. the sources that are not confidential, and the confidential ones (counted only)
    #  5-6. the supply chain and the red-team attestations
    #  7. the published versions
    #  8-9. the accepted ownership statement and its investors
    #  10. the model's lineage, both ways
    #  11. the hash of the accepted snapshot
    EXPORT_QUERIES = 11

    def test_the_export_is_a_json_ld_download_anyone_may_fetch(self):
        response = Client().get(self.export_url("exchange:spdx", self.atlas))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/spdx3+json; version=3.0.1")
        number = self.atlas.model.registration_number
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="{number}-v2.spdx.json"'
        )
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertTrue(response["ETag"])
        self.assertTrue(response["Last-Modified"])
        document = json.loads(response.content)
        self.assertEqual(
            element(document, "model")["spdxId"],
            f"{self.document_url('exchange:spdx', self.atlas)}#model",
        )

    @override_settings(ALLOWED_HOSTS=["testserver", "mirror.example"])
    def test_the_same_label_gives_the_same_bytes_whoever_asks_and_by_whatever_host(self):
        url = self.export_url("exchange:spdx", self.atlas)
        first = Client().get(url).content
        again = Client(HTTP_HOST="mirror.example").get(url).content
        self.sign_in(self.olivia)
        signed_in = self.client.get(url).content
        self.assertEqual(first, again)
        self.assertEqual(first, signed_in)

    def test_a_conditional_request_is_answered_from_the_labels_validators(self):
        url = self.export_url("exchange:spdx", self.atlas)
        first = Client().get(url)
        label_json = Client().get(
            reverse("labels:model-version-json", args=[self.atlas.model.registration_number, 2])
        )
        self.assertEqual(first["ETag"], label_json["ETag"])
        again = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")

    def test_later_visitors_get_the_stored_export_without_a_query(self):
        url = self.export_url("exchange:spdx", self.large)
        first = Client().get(url)
        # none: the caching validators and the export itself both come from the cache
        with self.assertNumQueries(0):
            again = Client().get(url)
        self.assertEqual(again.content, first.content)
        self.sign_in(self.diana)
        # the session, the user, their two-factor device, and the validators read afresh
        with self.assertNumQueries(4):
            mine = self.client.get(url)
        self.assertEqual(mine.content, first.content)

    def test_a_changed_label_gets_a_fresh_export(self):
        url = self.export_url("exchange:spdx", self.atlas)
        Client().get(url)
        AIModel.objects.filter(pk=self.atlas.model_id).update(name="Acme Atlas Pro")
        visitor_stamps_expire()
        model = element(Client().get(url).json(), "model")
        self.assertEqual(model["name"], "Acme Atlas Pro")

    def test_only_safe_methods(self):
        url = self.export_url("exchange:spdx", self.atlas)
        self.assertEqual(Client().head(url).status_code, 200)
        self.assertEqual(Client().post(url).status_code, 405)

    def test_a_withdrawn_version_downloads_as_its_tombstone(self):
        response = Client().get(self.export_url("exchange:spdx", self.retired))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Filed for the wrong model", element(response.json(), "model")["comment"])

    def test_an_unknown_model_or_version_is_not_found_for_every_persona(self):
        number = self.atlas.model.registration_number
        unknown = {
            "unknown model": ["MOD-999999", 1],
            "unknown version": [number, 9],
            "draft version": [number, 3],
            "version 0": [number, 0],
        }
        for case, args in unknown.items():
            url = reverse("exchange:spdx", args=args)
            for persona in PERSONAS:
                with self.subTest(case=case, persona=persona):
                    self.assertEqual(self.open_as(persona, url).status_code, 404)

    def test_the_queries_are_the_same_for_10_and_1000_sources(self):
        small = published_model(self, name="Small", sources=10)
        for declaration in (small, self.large):
            with self.subTest(sources=declaration.sources.count()):
                with self.assertNumQueries(self.EXPORT_QUERIES):
                    response = Client().get(self.export_url("exchange:spdx", declaration))
                self.assertEqual(response.status_code, 200)

    def test_no_regulator_only_value_is_served(self):
        response = Client().get(self.export_url("exchange:spdx", self.leaky))
        text = response.content.decode()
        for name, sentinel in self.sentinels():
            for spelling in spellings(sentinel):
                with self.subTest(sentinel=name, spelling=spelling):
                    self.assertNotIn(spelling, text)
        self.assertEqual(leaks.keys_in(response.json()) & leaks.REGULATOR_ONLY_KEYS, set())
