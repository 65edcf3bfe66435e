"""A published version's label as an SPDX 3.0.1 document (JSON-LD, AI and Dataset profiles).

Built from the label document alone (`selectors.export_label`), so it holds nothing the label
doesn't. The same label always gives the same document: every time in it is a date of the label
(acceptance, release, collection, withdrawal), and every `spdxId` is `document_url` and a
fragment naming the element's place in the label (`#model`, `#source-3`, `#built-on-1`).

What maps where (label member, then SPDX 3.0.1 element and property; #x is the element
whose spdxId is document_url#x):

    accepted_on               CreationInfo.created (00:00:00Z that day), with createdBy the
                              register (Organization #register) and createdUsing its exporter (Tool
                              #exporter)
    model.name, version       ai_AIPackage #model: name, software_packageVersion
    model.registration_number, version
                              #model externalIdentifier (other, issued by the register, located at
                              the label)
    model.model_type          ai_typeOfModel ("foundation model", "fine-tuned model", …)
    model.modalities_in, modalities_out
                              ai_domain (text → natural language processing, image → computer
                              vision, …); named in summary
    model.parameter_count     ai_hyperparameter parameter_count (the size its architecture's
                              hyperparameters fix)
    model.release_date        releaseTime (00:00:00Z)
    model.intended_uses, distribution
                              ai_informationAboutApplication
    (the label's page)        software_homePage and software_downloadLocation: the register knows
                              no download of the weights, and the AI profile asks for one
    provider                  Organization #provider (legal name; PRV- number as
                              externalIdentifier; trading name and country in summary), the model's
                              suppliedBy and originatedBy
    composition, confidential_sources, training_data (size bands, languages, content types,
    latest collection date, continuous training)
                              ai_informationAboutTraining, in words
    training_data.tdm_opt_out_measures, illegal_content_measures
                              ai_modelDataPreprocessing
    training_data.code_of_practice_signatory
                              ai_standardCompliance "EU General-Purpose AI Code of Practice" when
                              true
    facts.personal_data       ai_useSensitivePersonalInformation: yes if any share is, else
                              noAssertion if any share is unknown, else no
    (autonomy)                ai_autonomyType is left out: the label never says
    sources[] (each public source)
                              dataset_DatasetPackage #source-N: name, description,
                              software_packageVersion (dataset_version), software_downloadLocation
                              (url), software_primaryPurpose data, summary (category and share)
    sources[].modalities      dataset_datasetType (code counts as text; none → noAssertion)
    sources[].acquisition, category, crawler, robots.txt and TDM answers, generators' terms,
    collection dates, first use
                              dataset_dataCollectionProcess, in words
    sources[].collection_end  builtTime (00:00:00Z), unless collection is ongoing
    sources[].collection_ongoing
                              dataset_datasetUpdateMechanism
    sources[].processing, processing_notes
                              dataset_dataPreprocessing
    sources[].purpose         dataset_intendedUse
    sources[].personal_data   dataset_hasSensitivePersonalInformation (unknown → noAssertion)
    sources[].personal_data_measures
                              dataset_anonymizationMethodUsed
    sources[].owner           an Agent (#agent-N, one per name), the dataset's originatedBy
    sources[].licence         simplelicensing_LicenseExpression #licence-N (one per expression) and
                              a hasDeclaredLicense Relationship
    sources[].countries, top domains of a crawl
                              software_sourceInfo
    sources[].languages, licence_use_category, ip_status, aggregate_consumer_data
                              comment
    sources[].share_percent   the trainedOn Relationship's comment, and the dataset's summary
    each public source        Relationship #model trainedOn #source-N
    synthetic.generators[]    ai_AIPackage #source-N-generator-M (supplied by its provider, terms
                              in comment), generates #source-N
    confidential_sources      one dataset_DatasetPackage #confidential-sources named "Confidential
                              sources (N)", share in summary, datasetType noAssertion, nothing that
                              names them; trainedOn it
    lineage.built_on[]        ai_AIPackage #built-on-N (registered: MOD- externalIdentifier and its
                              label as software_homePage; external: the name and provider given;
                              the provider's own unregistered model: unnamed); #model descendantOf
                              it, or dependsOn it for an adapter; the relation in comment
    lineage.built_into[]      ai_AIPackage #built-into-N; #model ancestorOf it
    public_alerts[]           Annotation #alert-N (review) on #model: title, severity and
                              explanation
    withdrawn, withdrawal     a tombstone: the register, the provider and #model with a comment
                              saying when and why it was withdrawn, and no datasets, lineage or
                              alerts
    (the document)            SpdxDocument #document: rootElement #model, every element,
                              profileConformance core, software, ai, dataset, simpleLicensing

Not mapped, having no home in SPDX 3.0.1: control and ownership, the supply chain, red-teaming,
the facts panel's other shares, version history and the snapshot's hash; the label carries them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import reverse

from registry.declarations.choices import (
    SIZE_BANDS,
    Acquisition,
    IpStatus,
    LicenceUse,
    Modality,
    Processing,
    Relation,
    SourceCategory,
)

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION = "3.0.1"
# IANA's type for SPDX 3 JSON-LD (application/spdx+json is SPDX 2's JSON, another model).
MEDIA_TYPE = "application/spdx3+json; version=3.0.1"
CREATION_INFO = "_:creation-info"
REGISTER = "AI Training Data Provenance Register"
PROFILES = ["core", "software", "ai", "dataset", "simpleLicensing"]

NOT_ABSOLUTE = "document_url must be an absolute http(s) URL, not {url!r}"
NOT_A_LABEL = "Not a label document: its kind is {kind!r}"
NOT_ACCEPTED = "Not a published label: it has no acceptance date"

MODEL_TYPES = {
    "foundation": "foundation model",
    "fine_tuned": "fine-tuned model",
    "distilled": "distilled model",
    "merged": "merged model",
    "adapter": "adapter",
    "quantized": "quantised model",
}
DOMAINS = {
    "text": "natural language processing",
    "code": "programming",
    "image": "computer vision",
    "audio": "speech and audio",
    "video": "video",
}
DATASET_TYPES = {"text": "text", "code": "text", "image": "image", "audio": "audio"}
DATASET_TYPES |= {"video": "video", "other": "other"}
DISTRIBUTION = {
    "api": "Distributed through an API.",
    "open_weights": "Distributed as open weights.",
    "product": "Distributed inside a product.",
    "internal": "For internal use only.",
}
PRESENCE = {"yes": "yes", "no": "no", "unknown": "noAssertion"}
# An adapter is loaded onto its base to run; every other relation makes a model of another.
DEPENDS_ON = {Relation.ADAPTER.value}

Crawl = dict[str, Any] | None
Generators = list[dict[str, Any]]


def spdx_document(label: dict[str, Any], *, document_url: str) -> dict[str, Any]:
    """The label as an SPDX 3.0.1 JSON-LD document; a tombstone if the version was withdrawn."""
    if label.get("kind") != "label":
        raise ValueError(NOT_A_LABEL.format(kind=label.get("kind")))
    graph = Graph(base=checked_url(document_url))
    model = identity(graph, label)
    if label["withdrawn"]:
        graph.get(model)["comment"] = withdrawal_note(label)
    else:
        model_details(graph.get(model), label)
        datasets(graph, model, label)
        lineage(graph, model, label["lineage"])
        alerts(graph, model, label["public_alerts"])
    return {
        "@context": CONTEXT,
        "@graph": [creation_info(graph, label), *graph.elements, document(graph, model, label)],
    }


def checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise ValueError(NOT_ABSOLUTE.format(url=url))
    return url


@dataclass
class Graph:
    """The document's elements as they are added, each named by a fragment of `base`."""

    base: str
    elements: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)
    agents_added: int = 0
    licences: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, fragment: str, **properties: Any) -> str:
        """Add an element of SPDX class `kind`, leaving out properties with no value."""
        spdx_id = f"{self.base}#{fragment}"
        present = {name: value for name, value in properties.items() if value not in (None, "", [])}
        element = {"type": kind, "spdxId": spdx_id, "creationInfo": CREATION_INFO, **present}
        self.elements.append(element)
        self.by_id[spdx_id] = element
        return spdx_id

    def get(self, spdx_id: str) -> dict[str, Any]:
        return self.by_id[spdx_id]

    def relate(self, source: str, relation: str, target: str, comment: str = "") -> None:
        """Add a relationship, named by its ends: `#model-trainedOn-source-1`."""
        fragment = f"{fragment_of(source)}-{relation}-{fragment_of(target)}"
        ends = {"from": source, "relationshipType": relation, "to": [target]}
        self.add("Relationship", fragment, **ends, comment=comment)

    def agent(self, name: str, kind: str = "Organization") -> str:
        """The agent of this name, added the first time it is named."""
        if name not in self.agents:
            self.agents_added += 1
            self.agents[name] = self.add(kind, f"agent-{self.agents_added}", name=name)
        return self.agents[name]

    def licence(self, expression: str) -> str:
        """The licence expression's element, added the first time a source declares it."""
        if expression not in self.licences:
            self.licences[expression] = self.add(
                "simplelicensing_LicenseExpression",
                f"licence-{len(self.licences) + 1}",
                simplelicensing_licenseExpression=expression,
            )
        return self.licences[expression]

    def url(self, path: str) -> str:
        """An address of the register, on the document's host."""
        return urljoin(self.base, path)


def fragment_of(spdx_id: str) -> str:
    return spdx_id.rsplit("#", 1)[1]


# --- Who made it, and what it is about


def creation_info(graph: Graph, label: dict[str, Any]) -> dict[str, Any]:
    """When and by whom the document was made: the day the version was accepted (for a
    tombstone, the moment it was withdrawn), so the same label always gives the same bytes."""
    return {
        "type": "CreationInfo",
        "@id": CREATION_INFO,
        "specVersion": SPEC_VERSION,
        "created": created(label),
        "createdBy": [f"{graph.base}#register"],
        "createdUsing": [f"{graph.base}#exporter"],
    }


def created(label: dict[str, Any]) -> str:
    """When a version's export was made, by the label: the day it was accepted, or the moment
    it was withdrawn."""
    if label["withdrawn"]:
        return stamp_time(label["withdrawal"]["withdrawn_at"])
    accepted = stamp_day(label["accepted_on"])
    if accepted is None:
        raise ValueError(NOT_ACCEPTED)
    return accepted


def identity(graph: Graph, label: dict[str, Any]) -> str:
    """Add the register, its exporter, the provider and the model; return the model's id."""
    graph.add("Organization", "register", name=REGISTER, summary="The document's author")
    graph.add("Tool", "exporter", name=f"{REGISTER} SPDX export")
    provider = label["provider"]
    supplier = graph.add(
        "Organization",
        "provider",
        name=provider["legal_name"],
        summary=provider_summary(provider),
        externalIdentifier=[
            register_identifier(
                provider["registration_number"],
                graph.url(reverse("labels:provider", args=[provider["registration_number"]])),
            )
        ],
    )
    graph.agents |= {provider["name"]: supplier, provider["legal_name"]: supplier}
    model = label["model"]
    page = urljoin(graph.base, ".")  # the exports sit beside the version's label page
    return graph.add(
        "ai_AIPackage",
        "model",
        name=model["name"],
        software_packageVersion=model["version"],
        software_primaryPurpose="model",
        software_homePage=page,
        software_downloadLocation=page,
        suppliedBy=supplier,
        originatedBy=[supplier],
        externalIdentifier=[register_identifier(model["registration_number"], page)],
    )


def provider_summary(provider: dict[str, Any]) -> str:
    incorporated = f"Incorporated in {provider['country']}"
    if provider["name"] == provider["legal_name"]:
        return incorporated
    return f"Trading as {provider['name']}; {incorporated[0].lower()}{incorporated[1:]}"


def register_identifier(number: str, locator: str) -> dict[str, Any]:
    return {
        "type": "ExternalIdentifier",
        "externalIdentifierType": "other",
        "identifier": number,
        "issuingAuthority": REGISTER,
        "identifierLocator": [locator],
    }


def withdrawal_note(label: dict[str, Any]) -> str:
    withdrawal = label["withdrawal"]
    return (
        f"Label version {label['version']} was withdrawn from the register on "
        f"{stamp_time(withdrawal['withdrawn_at'])}: {withdrawal['reason'].rstrip('.')}. The "
        "export of a withdrawn version is a tombstone: it no longer describes the training data."
    )


def model_details(element: dict[str, Any], label: dict[str, Any]) -> None:
    """What the label says of the model itself and of its training as a whole."""
    model, training = label["model"], label["training_data"]
    details = {
        "summary": model_summary(label),
        "releaseTime": stamp_day(model["release_date"]),
        "ai_typeOfModel": [MODEL_TYPES.get(model["model_type"], model["model_type"])],
        "ai_domain": domains(model["modalities_in"] + model["modalities_out"]),
        "ai_hyperparameter": hyperparameters(model),
        "ai_informationAboutApplication": application(model),
        "ai_informationAboutTraining": training_summary(label),
        "ai_modelDataPreprocessing": preprocessing(training),
        "ai_standardCompliance": (
            ["EU General-Purpose AI Code of Practice"]
            if training["code_of_practice_signatory"]
            else []
        ),
        "ai_useSensitivePersonalInformation": personal_information(label["facts"]),
    }
    element.update({name: value for name, value in details.items() if value not in (None, [])})


def model_summary(label: dict[str, Any]) -> str:
    model = label["model"]
    return (
        f"{MODEL_TYPES.get(model['model_type'], model['model_type']).capitalize()} taking "
        f"{words(model['modalities_in']) or 'unstated input'} and producing "
        f"{words(model['modalities_out']) or 'unstated output'}; label version "
        f"{label['version']} of {model['registration_number']}, accepted on "
        f"{label['accepted_on']}"
    )


def domains(modalities: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(DOMAINS[m] for m in modalities if m in DOMAINS))


def hyperparameters(model: dict[str, Any]) -> list[dict[str, Any]]:
    if model["parameter_count"] is None:
        return []
    return [
        {
            "type": "DictionaryEntry",
            "key": "parameter_count",
            "value": str(model["parameter_count"]),
        }
    ]


def application(model: dict[str, Any]) -> str:
    parts = [model["intended_uses"], DISTRIBUTION.get(model["distribution"], "")]
    return " ".join(part for part in parts if part)


def preprocessing(training: dict[str, Any]) -> list[str]:
    measures = [
        ("Text and data mining opt-outs", training["tdm_opt_out_measures"]),
        ("Illegal content", training["illegal_content_measures"]),
    ]
    return [f"{topic}: {text}" for topic, text in measures if text]


def personal_information(facts: dict[str, Any]) -> str:
    shares = facts["personal_data"]
    if number(shares["yes"]) > 0:
        return "yes"
    return "noAssertion" if number(shares["unknown"]) > 0 else "no"


def training_summary(label: dict[str, Any]) -> str:
    """The training mix in words: its composition, what is confidential, size, languages."""
    training = label["training_data"]
    mix = ", ".join(
        f"{category_name(row['category']).lower()} {percent(row['share_percent'])}"
        for row in label["composition"]
    )
    confidential = label["confidential_sources"]
    sentences = [
        f"Training mix by kind of source: {mix or 'not stated'}.",
        (
            f"{counted(confidential['count'], 'confidential source')}, "
            f"{percent(confidential['share_percent'])} of the mix, withheld from the public "
            "with the regulator's leave."
            if confidential["count"]
            else ""
        ),
        sizes(training["size_bands"]),
        languages(training["languages"]),
        f"Content: {', '.join(training['content_types'])}." if training["content_types"] else "",
        (
            f"Latest collection date: {training['latest_collection_date']}."
            if training["latest_collection_date"]
            else ""
        ),
        continuous(training["continuous_training"]),
    ]
    return " ".join(sentence for sentence in sentences if sentence)


def sizes(bands: list[dict[str, Any]]) -> str:
    if not bands:
        return ""
    named = [f"{band['modality']} {band_words(band)}" for band in bands]
    return f"Size: {'; '.join(named)}."


def band_words(band: dict[str, Any]) -> str:
    """A size band as the register words it, in a sentence: "1 billion to 10 trillion tokens"."""
    words = SIZE_BANDS.get(band["modality"], {}).get(band["band"], band["band"])
    return words[:1].lower() + words[1:]


def languages(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    named = [
        f"{row['code']} {percent(row['share_percent'])}" if row["share_percent"] else row["code"]
        for row in rows
    ]
    return f"Languages: {', '.join(named)}."


def continuous(answer: bool | None) -> str:
    if answer is None:
        return ""
    return "Trained continuously." if answer else "Not trained continuously."


# --- The training data


def datasets(graph: Graph, model: str, label: dict[str, Any]) -> None:
    """Add each public source, its licence and generators, and the confidential ones as one."""
    for index, (source, crawl, made_by) in enumerate(public_sources(label), start=1):
        dataset = graph.add(
            "dataset_DatasetPackage",
            f"source-{index}",
            **dataset_properties(source, crawl, made_by),
        )
        if source["owner"]:
            graph.get(dataset)["originatedBy"] = [graph.agent(source["owner"], "Agent")]
        graph.relate(model, "trainedOn", dataset, share_comment(source["share_percent"]))
        if source["licence"]:
            graph.relate(dataset, "hasDeclaredLicense", graph.licence(source["licence"]))
        for position, generator in enumerate(made_by, start=1):
            generator_model(graph, dataset, f"source-{index}-generator-{position}", generator)
    confidential_sources(graph, model, label["confidential_sources"])


def public_sources(label: dict[str, Any]) -> list[tuple[dict[str, Any], Crawl, Generators]]:
    """Each public source with its crawl and its generators, which the label lists apart, in
    the sources' own order (by position, as two sources may share a name)."""
    crawls = iter(label["crawling"]["crawls"])
    generated = iter(label["synthetic"]["generators"])
    found: list[tuple[dict[str, Any], Crawl, Generators]] = []
    for source in label["sources"]:
        crawl = next(crawls, None) if source["category"] == "web_crawl" else None
        made_by: dict[str, Any] = next(generated, {}) if source["category"] == "synthetic" else {}
        found.append((source, crawl, made_by.get("generator_models", [])))
    return found


def dataset_properties(
    source: dict[str, Any], crawl: dict[str, Any] | None, generators: list[dict[str, Any]]
) -> dict[str, Any]:
    ongoing = source["collection_ongoing"]
    return {
        "name": source["name"],
        "summary": f"{category_name(source['category'])}, {share_words(source['share_percent'])}",
        "description": source["description"],
        "comment": source_comment(source),
        "software_packageVersion": source["dataset_version"],
        "software_downloadLocation": source["url"],
        "software_primaryPurpose": "data",
        "software_sourceInfo": source_origin(source, crawl),
        "builtTime": None if ongoing else stamp_day(source["collection_end"]),
        "dataset_datasetType": dataset_types(source["modalities"]),
        "dataset_dataCollectionProcess": collection(source, crawl, generators),
        "dataset_dataPreprocessing": processing(source),
        "dataset_datasetUpdateMechanism": "Collection is ongoing." if ongoing else "",
        "dataset_intendedUse": source["purpose"],
        "dataset_hasSensitivePersonalInformation": PRESENCE.get(source["personal_data"]),
        "dataset_anonymizationMethodUsed": (
            [source["personal_data_measures"]] if source["personal_data_measures"] else []
        ),
    }


def dataset_types(modalities: list[str]) -> list[str]:
    return list(dict.fromkeys(DATASET_TYPES[m] for m in modalities if m in DATASET_TYPES)) or [
        "noAssertion"
    ]


def collection(
    source: dict[str, Any], crawl: dict[str, Any] | None, generators: list[dict[str, Any]]
) -> str:
    """How the source was gathered, in words: its acquisition, crawler or generators, dates."""
    acquisition = source["acquisition"]
    sentences = [
        f"Acquisition: {Acquisition(acquisition).label.lower()}." if acquisition else "",
        crawler(crawl) if crawl else "",
        (
            "Generated by " + "; ".join(generator_words(g) for g in generators) + "."
            if generators
            else ""
        ),
        collection_dates(source),
        f"First used for training on {source['first_used_on']}." if source["first_used_on"] else "",
    ]
    return " ".join(sentence for sentence in sentences if sentence)


def crawler(crawl: dict[str, Any]) -> str:
    return (
        f"Crawled by {crawl['crawler_name']} (user agent {crawl['crawler_user_agent']}); "
        f"robots.txt respected: {answer(crawl['robots_txt_respected'])}; text and data mining "
        f"opt-outs respected: {answer(crawl['tdm_opt_out_respected'])}."
    )


def generator_words(generator: dict[str, Any]) -> str:
    terms = generator["terms_permit_training"] or "unknown"
    return f"{generator['name']} of {generator['provider']} (terms permit training: {terms})"


def collection_dates(source: dict[str, Any]) -> str:
    start = source["collection_start"] or "a date not stated"
    if source["collection_ongoing"]:
        return f"Collected from {start}, and still collected."
    return f"Collected from {start} to {source['collection_end'] or 'a date not stated'}."


def processing(source: dict[str, Any]) -> list[str]:
    steps = [Processing(step).label for step in source["processing"] if step in Processing.values]
    return steps + ([source["processing_notes"]] if source["processing_notes"] else [])


def source_origin(source: dict[str, Any], crawl: dict[str, Any] | None) -> str:
    parts = [
        f"Collected in {', '.join(source['countries'])}." if source["countries"] else "",
        (
            "Top domains (the top 10% by content size): " + ", ".join(crawl["top_domains"]) + "."
            if crawl and crawl["top_domains"]
            else ""
        ),
    ]
    return " ".join(part for part in parts if part)


def source_comment(source: dict[str, Any]) -> str:
    facts = [
        f"Languages: {', '.join(source['languages'])}." if source["languages"] else "",
        choice_sentence("Licence use", LicenceUse, source["licence_use_category"]),
        choice_sentence("Copyright status", IpStatus, source["ip_status"]),
        "Holds aggregate consumer data." if source["aggregate_consumer_data"] else "",
    ]
    return " ".join(fact for fact in facts if fact)


def choice_sentence(name: str, choices: Any, value: str) -> str:
    return f"{name}: {choices(value).label.lower()}." if value in choices.values else ""


def generator_model(graph: Graph, dataset: str, fragment: str, generator: dict[str, Any]) -> None:
    """A model that generated a synthetic source, by the name and provider the label gives."""
    terms = generator["terms_permit_training"] or "unknown"
    model = graph.add(
        "ai_AIPackage",
        fragment,
        name=generator["name"],
        software_primaryPurpose="model",
        comment=f"Its terms permit training on its output: {terms}.",
    )
    if generator["provider"]:
        graph.get(model)["suppliedBy"] = graph.agent(generator["provider"])
    graph.relate(model, "generates", dataset)


def confidential_sources(graph: Graph, model: str, confidential: dict[str, Any]) -> None:
    """The sources withheld with the regulator's leave, as one dataset without names."""
    if not confidential["count"]:
        return
    share = percent(confidential["share_percent"])
    aggregate = graph.add(
        "dataset_DatasetPackage",
        "confidential-sources",
        name=f"Confidential sources ({confidential['count']})",
        summary=f"Confidential sources ({confidential['count']}), share {share}",
        description=confidential_description(confidential),
        software_primaryPurpose="data",
        dataset_datasetType=["noAssertion"],
    )
    graph.relate(model, "trainedOn", aggregate, share_comment(confidential["share_percent"]))


def confidential_description(confidential: dict[str, Any]) -> str:
    return (
        f"{counted(confidential['count'], 'source')} making up "
        f"{percent(confidential['share_percent'])} of the training mix, whose names, owners, "
        "addresses and descriptions the regulator allowed the provider to withhold from the "
        "public. They are counted in the label's composition."
    )


# --- Lineage and alerts


def lineage(graph: Graph, model: str, lineage: dict[str, Any]) -> None:
    """Add the models this one was built on, and the registered models built on it."""
    for index, base in enumerate(lineage["built_on"], start=1):
        other = related_model(graph, f"built-on-{index}", base)
        relation = "dependsOn" if base["relation"] in DEPENDS_ON else "descendantOf"
        graph.relate(model, relation, other, relation_comment(base["relation"], "built on"))
    for index, derived in enumerate(lineage["built_into"], start=1):
        other = related_model(graph, f"built-into-{index}", derived | {"kind": "registered"})
        graph.relate(
            model, "ancestorOf", other, relation_comment(derived["relation"], "built into")
        )


def related_model(graph: Graph, fragment: str, other: dict[str, Any]) -> str:
    """Another model of the lineage: registered ones by number, with their label's address."""
    registered = other["kind"] == "registered"
    number = other["registration_number"]
    page = graph.url(reverse("labels:model", args=[number])) if registered else None
    name = other["name"] or f"A model of {other['provider']} not on the register"
    spdx_id = graph.add(
        "ai_AIPackage",
        fragment,
        name=name,
        software_packageVersion=other["version"],
        software_primaryPurpose="model",
        software_homePage=page,
        externalIdentifier=[register_identifier(number, page)] if page else [],
    )
    if other["provider"]:
        graph.get(spdx_id)["suppliedBy"] = graph.agent(other["provider"])
    return spdx_id


def relation_comment(relation: str, direction: str) -> str:
    name = Relation(relation).label.lower() if relation in Relation.values else relation
    return f"{direction.capitalize()} by {name}."


def alerts(graph: Graph, model: str, alerts: list[dict[str, Any]]) -> None:
    """Each public alert, as the register raised it from the provider's own answers."""
    for index, alert in enumerate(alerts, start=1):
        graph.add(
            "Annotation",
            f"alert-{index}",
            annotationType="review",
            subject=model,
            statement=(
                f"{alert['title']} ({alert['severity']} severity): {alert['explanation']}. "
                "Raised automatically from the provider's own answers; not a finding."
            ),
        )


def document(graph: Graph, model: str, label: dict[str, Any]) -> dict[str, Any]:
    """The document itself, naming every element, with the model as its root."""
    number, version = label["model"]["registration_number"], label["version"]
    return {
        "type": "SpdxDocument",
        "spdxId": f"{graph.base}#document",
        "creationInfo": CREATION_INFO,
        "name": f"{label['model']['name']} {label['model']['version']}: {number} v{version}",
        "comment": (
            withdrawal_note(label)
            if label["withdrawn"]
            else f"Label version {version} of {number} on the {REGISTER}, in SPDX {SPEC_VERSION}."
        ),
        "profileConformance": PROFILES,
        "rootElement": [model],
        "element": [element["spdxId"] for element in graph.elements],
    }


# --- Words and times


def stamp_day(day: str | None) -> str | None:
    """A label's date as an SPDX time: midnight UTC that day."""
    if not day:
        return None
    return f"{date.fromisoformat(day).isoformat()}T00:00:00Z"


def stamp_time(moment: str) -> str:
    """A label's time as an SPDX time: UTC, to the second."""
    parsed = datetime.fromisoformat(moment).astimezone(UTC)
    return parsed.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def number(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def percent(value: Any) -> str:
    """A share as the label prints it: "55%", "12.5%"; "an unstated share" if none."""
    if value is None:
        return "an unstated share"
    return f"{number(value).normalize():f}%"


def share_words(value: Any) -> str:
    return f"{percent(value)} of the training mix" if value is not None else "share not stated"


def share_comment(value: Any) -> str:
    return f"{percent(value)} of the training mix." if value is not None else ""


def category_name(category: str) -> str:
    return SourceCategory(category).label if category in SourceCategory.values else category


def words(modalities: list[str]) -> str:
    """Modalities as a phrase: "text", "text and code", "text, image and code"."""
    named = [Modality(m).label.lower() for m in modalities if m in Modality.values]
    return " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def answer(value: bool | None) -> str:
    if value is None:
        return "not known"
    return "yes" if value else "no"
