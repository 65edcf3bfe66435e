"""An SPDX 3.0.1 document this register exported (`registry.exchange.spdx`), read back.

Only the register's own export is read: the document must name the register as its author
(`#register`) and use SPDX 3.0.1's context by its address, which is never fetched: the keys are
read as the export writes them. It reverses `spdx.py`'s mapping (see its docstring):

    SPDX (the export)                                       the register
    dataset_DatasetPackage trainedOn by the root model      a data source each
      name, description, software_packageVersion,           name, description, dataset_version,
      software_downloadLocation                               url
      summary ("<kind>, …")                                 category
      originatedBy (an Agent's name)                        owner
      hasDeclaredLicense → LicenseExpression                licence
      dataset_datasetType                                   modalities (code comes back as text)
      the trainedOn relationship's comment ("55% of …")     share_percent
      dataset_intendedUse                                   purpose
      dataset_hasSensitivePersonalInformation               personal_data
      dataset_anonymizationMethodUsed                       personal_data_measures
      dataset_dataPreprocessing                             processing, processing_notes
      dataset_dataCollectionProcess                         acquisition, crawler and its answers,
                                                              collection and first-use dates
      dataset_datasetUpdateMechanism, builtTime             collection_ongoing, collection_end
      software_sourceInfo                                   countries, top_domains
      comment                                               languages, licence_use_category,
                                                              ip_status, aggregate_consumer_data
      ai_AIPackage generates it (name, suppliedBy, comment) generator_models
    ai_AIPackage the root descendantOf / dependsOn          lineage: a registered model (by its
      (comment "Built on by <relation>.")                     MOD- number) or an external one

The confidential sources' aggregate names none of them, and is not mapped; nor is what SPDX
can't hold (see `spdx.py`), nor the root model itself, which this declaration is for already.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from registry.declarations.choices import (
    Acquisition,
    IpStatus,
    LicenceUse,
    Processing,
    Relation,
    SourceCategory,
)
from registry.exchange import spdx
from registry.exchange.imports import Reading, SourceReading, import_problem

TYPES = {"text": "text", "image": "image", "audio": "audio", "video": "video", "other": "other"}
PRESENCE = {"yes": "yes", "no": "no", "noAssertion": "unknown"}
ANSWERS = {"yes": True, "no": False}
DATE = r"(\d{4}-\d{2}-\d{2})"


def by_label(choices: Any) -> dict[str, str]:
    """A choice's value by its label as the export writes it, in lower case."""
    return {str(label).lower(): str(value) for value, label in choices.choices}


def read(text: str, kind: str) -> Reading:
    """Read the register's SPDX export as sources and lineage, or raise the problem with it."""
    elements = graph_of(text)
    root = root_model(elements)
    relationships = [e for e in elements.values() if e.get("type") == "Relationship"]
    reading = Reading(title=f"{root.get('name', '')} {root.get('software_packageVersion', '')}")
    reading.title = reading.title.strip()
    for relationship in relationships:
        if relationship.get("from") != root["spdxId"]:
            continue
        for target in relationship.get("to") or []:
            element = elements.get(target, {})
            kind_of = relationship.get("relationshipType")
            if kind_of == "trainedOn":
                dataset(reading, elements, relationships, element, relationship)
            elif kind_of in ("descendantOf", "dependsOn"):
                based_on(reading, elements, element, relationship)
            elif kind_of == "ancestorOf":
                reading.skip(
                    fragment(target), element.get("name"), "Models built on this one record it"
                )
    return reading


def graph_of(text: str) -> dict[str, dict[str, Any]]:
    """The export's elements by their spdxId, or the problem with the file."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise import_problem("import_not_json", reason=str(error), kind="SPDX 3 document") from None
    if not isinstance(document, dict) or document.get("@context") != spdx.CONTEXT:
        raise import_problem("import_not_spdx", reason=f"its @context is not {spdx.CONTEXT}")
    graph = document.get("@graph")
    if not isinstance(graph, list) or not all(isinstance(e, dict) for e in graph):
        raise import_problem("import_not_spdx", reason="it has no @graph of elements")
    elements = {str(e.get("spdxId") or e.get("@id")): e for e in graph}
    if not any(e.get("type") == "Organization" and e.get("name") == spdx.REGISTER for e in graph):
        raise import_problem("import_not_spdx", reason=f"it does not name the {spdx.REGISTER}")
    return elements


def root_model(elements: dict[str, dict[str, Any]]) -> dict[str, Any]:
    documents = [e for e in elements.values() if e.get("type") == "SpdxDocument"]
    roots = documents[0].get("rootElement") if documents else None
    root = elements.get(roots[0]) if isinstance(roots, list) and roots else None
    if root is None or root.get("type") != "ai_AIPackage":
        raise import_problem("import_not_spdx", reason="its root element is not an AI model")
    if "withdrawn" in str(root.get("comment") or ""):
        raise import_problem("import_not_spdx", reason="it is the tombstone of a withdrawn version")
    return root


def fragment(spdx_id: str) -> str:
    return "#" + spdx_id.rsplit("#", 1)[-1]


# --- Sources


def dataset(
    reading: Reading,
    elements: dict[str, dict[str, Any]],
    relationships: list[dict[str, Any]],
    element: dict[str, Any],
    trained_on: dict[str, Any],
) -> None:
    where = fragment(element.get("spdxId", ""))
    if where == "#confidential-sources":
        reading.skip(where, element.get("name"), "Confidential sources are not named in the export")
        return
    source = SourceReading({}, {})
    for name, key in (
        ("name", "name"),
        ("description", "description"),
        ("dataset_version", "software_packageVersion"),
        ("url", "software_downloadLocation"),
        ("purpose", "dataset_intendedUse"),
    ):
        put(source, name, element.get(key), f"{where} {key}")
    put(source, "category", category(element.get("summary")), f"{where} summary")
    owners = [elements.get(i, {}).get("name") for i in element.get("originatedBy") or []]
    put(source, "owner", "; ".join(filter(None, owners)), f"{where} originatedBy")
    licence = declared_licence(elements, relationships, element["spdxId"])
    put(source, "licence", licence, f"{where} hasDeclaredLicense")
    types = [TYPES[t] for t in element.get("dataset_datasetType") or [] if t in TYPES]
    put(source, "modalities", types, f"{where} dataset_datasetType")
    put(source, "share_percent", share(trained_on.get("comment")), "trainedOn comment")
    presence = PRESENCE.get(element.get("dataset_hasSensitivePersonalInformation", ""))
    put(source, "personal_data", presence, f"{where} dataset_hasSensitivePersonalInformation")
    measures = " ".join(element.get("dataset_anonymizationMethodUsed") or [])
    put(source, "personal_data_measures", measures, f"{where} dataset_anonymizationMethodUsed")
    preprocessing(source, element.get("dataset_dataPreprocessing") or [], where)
    collection(source, str(element.get("dataset_dataCollectionProcess") or ""), where)
    if element.get("dataset_datasetUpdateMechanism") == "Collection is ongoing.":
        put(source, "collection_ongoing", True, f"{where} dataset_datasetUpdateMechanism")
    elif element.get("builtTime"):
        put(source, "collection_end", str(element["builtTime"])[:10], f"{where} builtTime")
    origin_info(source, str(element.get("software_sourceInfo") or ""), where)
    comment_facts(source, str(element.get("comment") or ""), where)
    generators(source, elements, relationships, element["spdxId"], where)
    reading.sources.append(source)


def put(source: SourceReading, name: str, value: Any, origin: str) -> None:
    if value not in (None, "", []):
        source.values[name] = value
        source.origins[name] = origin


def category(summary: Any) -> str | None:
    text = str(summary or "")
    for value, label in SourceCategory.choices:
        if text.startswith(f"{label},"):
            return str(value)
    return None


def declared_licence(
    elements: dict[str, dict[str, Any]], relationships: list[dict[str, Any]], spdx_id: str
) -> str | None:
    for relationship in relationships:
        if relationship.get("from") == spdx_id and (
            relationship.get("relationshipType") == "hasDeclaredLicense"
        ):
            for target in relationship.get("to") or []:
                expression = elements.get(target, {}).get("simplelicensing_licenseExpression")
                if expression:
                    return str(expression)
    return None


def share(comment: Any) -> Decimal | None:
    found = re.match(r"^([0-9.]+)% of the training mix\.$", str(comment or ""))
    if not found:
        return None
    try:
        return Decimal(found.group(1))
    except InvalidOperation:
        return None


def preprocessing(source: SourceReading, steps: list[str], where: str) -> None:
    labels = {str(label): str(value) for value, label in Processing.choices}
    put(source, "processing", [labels[s] for s in steps if s in labels], f"{where} preprocessing")
    notes = " ".join(s for s in steps if s not in labels)
    put(source, "processing_notes", notes, f"{where} dataset_dataPreprocessing")


def collection(source: SourceReading, words: str, where: str) -> None:
    """The export's sentences of how a source was gathered, read back."""
    origin = f"{where} dataset_dataCollectionProcess"
    found = re.search(r"Acquisition: ([^.]+)\.", words)
    acquisitions = by_label(Acquisition)
    put(source, "acquisition", acquisitions.get(found.group(1)) if found else None, origin)
    crawled = re.search(
        r"Crawled by (.+?) \(user agent (.+?)\); robots\.txt respected: (\w+); text and data "
        r"mining opt-outs respected: (\w+)\.",
        words,
    )
    if crawled:
        put(source, "crawler_name", crawled.group(1), origin)
        put(source, "crawler_user_agent", crawled.group(2), origin)
        put(source, "robots_txt_respected", ANSWERS.get(crawled.group(3)), origin)
        put(source, "tdm_opt_out_respected", ANSWERS.get(crawled.group(4)), origin)
    started = re.search(rf"Collected from {DATE}", words)
    put(source, "collection_start", started.group(1) if started else None, origin)
    ended = re.search(rf"Collected from .+? to {DATE}\.", words)
    put(source, "collection_end", ended.group(1) if ended else None, origin)
    first = re.search(rf"First used for training on {DATE}\.", words)
    put(source, "first_used_on", first.group(1) if first else None, origin)


def origin_info(source: SourceReading, words: str, where: str) -> None:
    origin = f"{where} software_sourceInfo"
    countries = re.search(r"Collected in ([A-Z, ]+)\.", words)
    put(source, "countries", countries.group(1).split(", ") if countries else None, origin)
    domains = re.search(r"Top domains \(the top 10% by content size\): (.+)\.$", words)
    put(source, "top_domains", domains.group(1).split(", ") if domains else None, origin)


def comment_facts(source: SourceReading, words: str, where: str) -> None:
    origin = f"{where} comment"
    languages = re.search(r"Languages: ([a-z, ]+)\.", words)
    put(source, "languages", languages.group(1).split(", ") if languages else None, origin)
    for name, choices, said in (
        ("licence_use_category", LicenceUse, "Licence use"),
        ("ip_status", IpStatus, "Copyright status"),
    ):
        found = re.search(rf"{said}: ([^.]+)\.", words)
        put(source, name, by_label(choices).get(found.group(1)) if found else None, origin)
    if "Holds aggregate consumer data." in words:
        put(source, "aggregate_consumer_data", True, origin)


def generators(
    source: SourceReading,
    elements: dict[str, dict[str, Any]],
    relationships: list[dict[str, Any]],
    spdx_id: str,
    where: str,
) -> None:
    found = []
    for relationship in relationships:
        if relationship.get("relationshipType") != "generates" or spdx_id not in (
            relationship.get("to") or []
        ):
            continue
        model = elements.get(str(relationship.get("from")), {})
        terms = re.search(r"training on its output: (\w+)\.", str(model.get("comment") or ""))
        supplier = elements.get(str(model.get("suppliedBy")), {}).get("name") or ""
        found.append(
            {
                "name": model.get("name") or "",
                "provider": supplier,
                "terms_permit_training": terms.group(1) if terms else "unknown",
            }
        )
    put(source, "generator_models", found, f"{where} generates")


# --- Lineage


def based_on(
    reading: Reading,
    elements: dict[str, dict[str, Any]],
    element: dict[str, Any],
    relationship: dict[str, Any],
) -> None:
    where = f"{fragment(element.get('spdxId', ''))} ({relationship.get('relationshipType')})"
    said = re.match(r"^Built on by (.+)\.$", str(relationship.get("comment") or ""))
    relation = by_label(Relation).get(said.group(1)) if said else None
    name = str(element.get("name") or "")
    if relation is None or not name or name.endswith("not on the register"):
        reading.skip(where, name, "The export doesn't name the model or how this is built on it")
        return
    numbers = [
        i.get("identifier")
        for i in element.get("externalIdentifier") or []
        if i.get("issuingAuthority") == spdx.REGISTER
    ]
    version = element.get("software_packageVersion")
    provider = elements.get(str(element.get("suppliedBy")), {}).get("name") or ""
    values = {
        "external_name": f"{name} {version}" if version and numbers else name,
        "external_provider": provider,
        "relation": relation,
    }
    if numbers:
        values["registration_number"] = numbers[0]
    reading.dependencies.append((values, where))
