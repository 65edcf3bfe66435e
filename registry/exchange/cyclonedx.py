"""A published version's label as a CycloneDX 1.6 ML-BOM (JSON).

Built from the label document alone (`selectors.export_label`) with cyclonedx-python-lib, and
written by its JsonV1Dot6 outputter. The library doesn't model a component's `modelCard` or
`data` yet (CycloneDX/cyclonedx-python-lib#912 and #913), so those two members are added to its
output at the components they belong to, by bom-ref; the tests validate the whole against the
1.6 schema the library ships. The same label always gives the same bytes: the serial number is
a UUID 5 of the document's address, and the timestamp is the day the version was accepted (for
a tombstone, the moment it was withdrawn, and the BOM's version is 2: the same BOM, revised).

What maps where (label member, then CycloneDX 1.6 member):

    (the register)            metadata.manufacturer and metadata.tools.components[] (its exporter)
    accepted_on               metadata.timestamp (00:00:00Z that day)
    model                     metadata.component, type machine-learning-model, bom-ref model: name,
                              version, description (its kind, modalities, label version)
    provider                  the model's supplier and manufacturer (legal name, the provider's
                              page)
    (the label's page)        the model's externalReferences[] documentation
    model.registration_number, model_type, distribution, parameter_count, release_date,
    modalities; provider.registration_number; version, status, accepted_on, redeclaration_due
                              the model's properties[] (provenance-register:…)
    model.modalities_in, modalities_out
                              modelCard.modelParameters.inputs[], outputs[] format
    model.intended_uses       modelCard.considerations.useCases[]
    each source, and the confidential aggregate
                              modelCard.modelParameters.datasets[] ref, and the model's
                              dependencies
    composition, confidential_sources, training_data
                              the model's properties[]: training_summary in words, TDM and
                              illegal-content measures, code of practice
    public_alerts[]           the model's properties[] alert: code, severity, explanation
    sources[] (each public source)
                              a data component, bom-ref source-N: name, version (dataset_version),
                              description, licenses[] expression
    sources[].name, url, category, owner, personal_data, personal_data_measures,
    aggregate_consumer_data
                              its data[] (type dataset): name, contents.url, classification (the
                              category), governance.owners[], sensitiveData[], and description (how
                              it was collected, from the SPDX export's words)
    every other public answer of a source (share, acquisition, licence use, modalities,
    languages, countries, dates, purpose, copyright, processing, crawler and top domains,
    generators)
                              its properties[]
    confidential_sources      one data component confidential-sources, "Confidential sources (N)",
                              classification confidential, its share and count, no names
    lineage.built_on[]        the model's pedigree.ancestors[] (built-on-N; relation, MOD- number
                              and label as properties and reference)
    lineage.built_into[]      the model's pedigree.descendants[] (built-into-N)
    withdrawn, withdrawal     a tombstone: the model component only, its description saying when
                              and why, and properties withdrawn, withdrawn_at, withdrawal_reason

Not mapped: control and ownership, the supply chain, red-teaming, the facts panel's other shares,
version history and the snapshot's hash; the label carries them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urljoin
from uuid import NAMESPACE_URL, uuid5

from cyclonedx.model import (
    ExternalReference,
    ExternalReferenceType,
    Property,
    XsUri,
)
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType, Pedigree
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.license import LicenseExpression
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6
from django.urls import reverse

from registry.exchange import spdx

# The type CycloneDX registers, with the specification's version as it recommends.
MEDIA_TYPE = "application/vnd.cyclonedx+json; version=1.6"
# Our properties' namespace, as CycloneDX's property taxonomy asks of names outside its own.
NAMESPACE = "provenance-register"
MODEL_REF = "model"
CONFIDENTIAL_REF = "confidential-sources"


def cyclonedx_bom(label: dict[str, Any], *, document_url: str) -> str:
    """The label as a CycloneDX 1.6 ML-BOM in JSON; a tombstone if the version was withdrawn."""
    if label.get("kind") != "label":
        raise ValueError(spdx.NOT_A_LABEL.format(kind=label.get("kind")))
    spdx.checked_url(document_url)
    model = model_component(label, document_url)
    bom = Bom(
        serial_number=uuid5(NAMESPACE_URL, document_url),
        version=2 if label["withdrawn"] else 1,
        metadata=metadata(label, model, document_url),
    )
    members: dict[str, dict[str, Any]] = {}
    if label["withdrawn"]:
        tombstone(model, label)
    else:
        members = training(bom, model, label)
        model.pedigree = pedigree(label["lineage"], document_url)
    served = json.loads(JsonV1Dot6(bom).output_as_string())
    return json.dumps(with_members(served, members), ensure_ascii=False, indent=2)


def metadata(label: dict[str, Any], model: Component, document_url: str) -> BomMetaData:
    """Who made the BOM (the register, with its exporter as the tool) and when."""
    register = OrganizationalEntity(name=spdx.REGISTER, urls=[XsUri(urljoin(document_url, "/"))])
    exporter = Component(
        type=ComponentType.APPLICATION,
        name=f"{spdx.REGISTER} CycloneDX export",
        bom_ref="exporter",
    )
    return BomMetaData(
        timestamp=datetime.fromisoformat(spdx.created(label)),
        component=model,
        manufacturer=register,
        tools=ToolRepository(components=[exporter]),
    )


def provider_entity(label: dict[str, Any], document_url: str) -> OrganizationalEntity:
    number = label["provider"]["registration_number"]
    page = urljoin(document_url, reverse("labels:provider", args=[number]))
    return OrganizationalEntity(name=label["provider"]["legal_name"], urls=[XsUri(page)])


def model_component(label: dict[str, Any], document_url: str) -> Component:
    """The model, supplied and made by its provider, with its identity on the register."""
    provider = provider_entity(label, document_url)
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=MODEL_REF,
        name=label["model"]["name"],
        version=label["model"]["version"] or None,
        supplier=provider,
        manufacturer=provider,
        description=spdx.model_summary(label),
        external_references=[
            ExternalReference(
                type=ExternalReferenceType.DOCUMENTATION,
                url=XsUri(urljoin(document_url, ".")),
                comment="The model's label on the register",
            )
        ],
        properties=properties(identity_properties(label)),
    )


def identity_properties(label: dict[str, Any]) -> list[tuple[str, Any]]:
    model = label["model"]
    return [
        ("registration_number", model["registration_number"]),
        ("provider_registration_number", label["provider"]["registration_number"]),
        ("label_version", label["version"]),
        ("status", label["status"]),
        ("accepted_on", label["accepted_on"]),
        ("redeclaration_due", label["redeclaration_due"]),
        ("model_type", model["model_type"]),
        ("distribution", model["distribution"]),
        ("parameter_count", model["parameter_count"]),
        ("release_date", model["release_date"]),
        *(("modality_in", modality) for modality in model["modalities_in"]),
        *(("modality_out", modality) for modality in model["modalities_out"]),
    ]


def properties(pairs: list[tuple[str, Any]]) -> list[Property]:
    """Name-value properties in our namespace, leaving out those with no value."""
    return [
        Property(name=f"{NAMESPACE}:{name}", value=text(value))
        for name, value in pairs
        if value not in (None, "", [])
    ]


def text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def tombstone(model: Component, label: dict[str, Any]) -> None:
    """Say on the model itself that this version was withdrawn, when and why."""
    withdrawal = label["withdrawal"]
    model.description = spdx.withdrawal_note(label)
    model.properties.update(
        properties(
            [
                ("withdrawn", True),
                ("withdrawn_at", spdx.stamp_time(withdrawal["withdrawn_at"])),
                ("withdrawal_reason", withdrawal["reason"]),
            ]
        )
    )


# --- The training data


def training(bom: Bom, model: Component, label: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Add each public source and the confidential aggregate as data components, the model's
    training answers and alerts; return the ML members the library can't write, by bom-ref."""
    members: dict[str, dict[str, Any]] = {}
    for index, (source, crawl, made_by) in enumerate(spdx.public_sources(label), start=1):
        component, data = source_component(f"source-{index}", source, crawl, made_by)
        bom.components.add(component)
        members[f"source-{index}"] = {"data": [data]}
    if label["confidential_sources"]["count"]:
        component, data = confidential_component(label["confidential_sources"])
        bom.components.add(component)
        members[CONFIDENTIAL_REF] = {"data": [data]}
    bom.register_dependency(model, [c for c in bom.components if c.bom_ref.value in members])
    model.properties.update(properties(training_properties(label)))
    members[MODEL_REF] = {"modelCard": model_card(label, list(members))}
    return members


def training_properties(label: dict[str, Any]) -> list[tuple[str, Any]]:
    training = label["training_data"]
    return [
        ("training_summary", spdx.training_summary(label)),
        ("tdm_opt_out_measures", training["tdm_opt_out_measures"]),
        ("illegal_content_measures", training["illegal_content_measures"]),
        ("code_of_practice_signatory", training["code_of_practice_signatory"]),
        *(
            ("alert", f"{a['code']} ({a['severity']}): {a['explanation']}")
            for a in label["public_alerts"]
        ),
    ]


def source_component(
    ref: str,
    source: dict[str, Any],
    crawl: dict[str, Any] | None,
    generators: list[dict[str, Any]],
) -> tuple[Component, dict[str, Any]]:
    """A public source as a data component, and its `data` member."""
    component = Component(
        type=ComponentType.DATA,
        bom_ref=ref,
        name=source["name"],
        version=source["dataset_version"] or None,
        description=source["description"] or None,
        licenses=[LicenseExpression(source["licence"])] if source["licence"] else [],
        properties=properties(source_properties(source, crawl, generators)),
    )
    return component, source_data(source, crawl, generators)


def source_data(
    source: dict[str, Any], crawl: dict[str, Any] | None, generators: list[dict[str, Any]]
) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "dataset", "name": source["name"]}
    if source["url"]:
        data["contents"] = {"url": source["url"]}
    data["classification"] = source["category"]
    sensitive = sensitive_data(source)
    if sensitive:
        data["sensitiveData"] = sensitive
    data["description"] = spdx.collection(source, crawl, generators)
    if source["owner"]:
        data["governance"] = {"owners": [{"organization": {"name": source["owner"]}}]}
    return data


def sensitive_data(source: dict[str, Any]) -> list[str]:
    found = {
        "yes": "Personal data",
        "unknown": "Personal data: the provider does not know whether it holds any",
    }.get(source["personal_data"])
    if found and source["personal_data_measures"]:
        found = f"{found} ({source['personal_data_measures']})"
    consumer = "Aggregate consumer data" if source["aggregate_consumer_data"] else None
    return [item for item in (found, consumer) if item]


def source_properties(
    source: dict[str, Any], crawl: dict[str, Any] | None, generators: list[dict[str, Any]]
) -> list[tuple[str, Any]]:
    plain = [
        "category",
        "share_percent",
        "acquisition",
        "licence_use_category",
        "ip_status",
        "personal_data",
        "aggregate_consumer_data",
        "collection_start",
        "collection_end",
        "collection_ongoing",
        "first_used_on",
        "purpose",
        "processing_notes",
    ]
    lists = {
        "modalities": "modality",
        "languages": "language",
        "countries": "country",
        "processing": "processing",
    }
    return [
        *((name, source[name]) for name in plain),
        *((each, item) for name, each in lists.items() for item in source[name]),
        *crawl_properties(crawl),
        *(("generator", spdx.generator_words(generator)) for generator in generators),
    ]


def crawl_properties(crawl: dict[str, Any] | None) -> list[tuple[str, Any]]:
    if crawl is None:
        return []
    return [
        ("crawler_name", crawl["crawler_name"]),
        ("crawler_user_agent", crawl["crawler_user_agent"]),
        ("robots_txt_respected", spdx.answer(crawl["robots_txt_respected"])),
        ("tdm_opt_out_respected", spdx.answer(crawl["tdm_opt_out_respected"])),
        *(("top_domain", domain) for domain in crawl["top_domains"]),
    ]


def confidential_component(confidential: dict[str, Any]) -> tuple[Component, dict[str, Any]]:
    """The sources withheld with the regulator's leave, as one data component without names."""
    name = f"Confidential sources ({confidential['count']})"
    description = spdx.confidential_description(confidential)
    component = Component(
        type=ComponentType.DATA,
        bom_ref=CONFIDENTIAL_REF,
        name=name,
        description=description,
        properties=properties(
            [("sources", confidential["count"]), ("share_percent", confidential["share_percent"])]
        ),
    )
    data = {
        "type": "dataset",
        "name": name,
        "classification": "confidential",
        "description": description,
    }
    return component, data


def model_card(label: dict[str, Any], dataset_refs: list[str]) -> dict[str, Any]:
    """The model card: what it takes and gives, what it was trained on, what it is for."""
    model = label["model"]
    parameters: dict[str, Any] = {"datasets": [{"ref": ref} for ref in dataset_refs]}
    if model["modalities_in"]:
        parameters["inputs"] = [{"format": modality} for modality in model["modalities_in"]]
    if model["modalities_out"]:
        parameters["outputs"] = [{"format": modality} for modality in model["modalities_out"]]
    card: dict[str, Any] = {"bom-ref": "model-card", "modelParameters": parameters}
    if model["intended_uses"]:
        card["considerations"] = {"useCases": [model["intended_uses"]]}
    return card


# --- Lineage


def pedigree(lineage: dict[str, Any], document_url: str) -> Pedigree | None:
    """The models this one was built on (ancestors) and the registered ones built on it."""
    ancestors = [
        lineage_component(f"built-on-{index}", base, document_url)
        for index, base in enumerate(lineage["built_on"], start=1)
    ]
    descendants = [
        lineage_component(f"built-into-{index}", derived | {"kind": "registered"}, document_url)
        for index, derived in enumerate(lineage["built_into"], start=1)
    ]
    if not ancestors and not descendants:
        return None
    return Pedigree(ancestors=ancestors, descendants=descendants)


def lineage_component(ref: str, other: dict[str, Any], document_url: str) -> Component:
    registered = other["kind"] == "registered"
    number = other["registration_number"]
    references = []
    if registered:
        page = urljoin(document_url, reverse("labels:model", args=[number]))
        references = [
            ExternalReference(
                type=ExternalReferenceType.DOCUMENTATION,
                url=XsUri(page),
                comment="Its label on the register",
            )
        ]
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=ref,
        name=other["name"] or f"A model of {other['provider']} not on the register",
        version=other["version"] or None,
        supplier=OrganizationalEntity(name=other["provider"]) if other["provider"] else None,
        external_references=references,
        properties=properties(
            [
                ("relation", other["relation"]),
                ("kind", other["kind"]),
                ("registration_number", number),
            ]
        ),
    )


def with_members(served: dict[str, Any], members: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The library's BOM with each component's `modelCard` or `data` added, by bom-ref."""
    components = [served["metadata"]["component"], *served.get("components", [])]
    for component in components:
        component.update(members.get(component.get("bom-ref"), {}))
    return served
