"""A Hugging Face model or dataset card (README.md): its YAML front matter, read offline.

The front matter is parsed by `huggingface_hub`'s own card classes, which never call the Hub
when given text; it is first scanned for YAML anchors and aliases, which are refused (an alias
bomb expands a few hundred bytes into gigabytes when anything walks it).

A model card:

    datasets        each a data source: the Hub id as its name, its Hub page as its url, the
                    account publishing it as its owner; a public dataset, publicly acquired
    language        the declaration's languages (their shares to be given)
    base_model      the model's lineage, each an external model, with base_model_relation
                    (finetune, adapter, merge, quantized; if absent: a fine-tune, or a merge of
                    several), through the dependency service
    license         not mapped: it is the model's own licence, and the register asks for the
                    licence of each source of training data

A dataset card is one data source: `pretty_name` (else the card's title) its name, the card's
first paragraph its description, `license` its licence, `language` its languages,
`task_categories` its modalities.
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml

from registry.declarations.choices import Acquisition, Modality, Relation, SourceCategory
from registry.exchange.imports import (
    ASSUMED,
    FORMATS,
    Reading,
    SourceReading,
    import_problem,
)
from registry.exchange.imports.licences import licence_from
from registry.lib.codes import is_language_code

# The Hub is never called: set before huggingface_hub is first imported, and kept if set.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from huggingface_hub import DatasetCard, ModelCard
from huggingface_hub.repocard import REGEX_YAML_BLOCK

HUB = "https://huggingface.co"
HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$")

RELATIONS = {
    "finetune": Relation.FINE_TUNE,
    "adapter": Relation.ADAPTER,
    "merge": Relation.MERGE,
    "quantized": Relation.QUANTIZATION,
}
MODEL_KEYS = {
    "base_model",
    "base_model_relation",
    "library_name",
    "pipeline_tag",
    "model-index",
    "model_name",
    "datasets",
    "metrics",
    "inference",
    "widget",
}
DATASET_KEYS = {
    "pretty_name",
    "task_categories",
    "task_ids",
    "size_categories",
    "annotations_creators",
    "language_creators",
    "source_datasets",
    "multilinguality",
    "configs",
    "dataset_info",
}
TEXT_TASKS = {
    "translation",
    "summarization",
    "question-answering",
    "fill-mask",
    "token-classification",
    "sentence-similarity",
    "zero-shot-classification",
    "feature-extraction",
    "conversational",
}
NO_QUESTION = "The register has no question for it"
REASONS = {
    "license": (
        "The model's own licence: the register asks for the licence of each source of "
        "training data, not the model's"
    ),
    "license_name": "The model's own licence: the register asks for each source's licence",
    "license_link": "The model's own licence: the register asks for each source's licence",
    "pipeline_tag": "The model's modalities are on its own page, not the declaration's",
    "size_categories": (
        "A range of sizes: the register asks for exact figures, on the source's size page"
    ),
    "source_datasets": "Add each dataset it was made from as a source of its own, if you used it",
    "model-index": "Evaluation results are not part of a provenance declaration",
    "metrics": "Evaluation results are not part of a provenance declaration",
}


def read(text: str, kind: str) -> Reading:
    """Read a card's front matter as the register's answers, or raise the problem with it."""
    data = front_matter(text)
    wanted_model = kind == "hf_model_card"
    check_kind(data, wanted_model)
    card_class = ModelCard if wanted_model else DatasetCard
    try:
        card = card_class(text, ignore_metadata_errors=True)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise import_problem("import_yaml_invalid", reason=str(error)[:300]) from None
    fields = card.data.to_dict()
    if wanted_model:
        return model_card(fields, card.text)
    return dataset_card(fields, card.text)


def front_matter(text: str) -> dict[str, Any]:
    """The card's YAML front matter as a mapping, refused if it has anchors or aliases."""
    found = REGEX_YAML_BLOCK.search(text)
    if not found:
        raise import_problem("import_no_front_matter")
    block = found.group(2)
    try:
        for token in yaml.scan(block, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                raise import_problem("import_yaml_aliases")
        data = yaml.safe_load(block)
    except yaml.YAMLError as error:
        reason = str(error).splitlines()[0] if str(error) else "it can't be read"
        raise import_problem("import_yaml_invalid", reason=reason) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise import_problem("import_yaml_not_mapping")
    return data


def check_kind(data: dict[str, Any], wanted_model: bool) -> None:
    """Refuse a dataset card read as a model card, and a model card read as a dataset card."""
    model, dataset = bool(MODEL_KEYS & set(data)), bool(DATASET_KEYS & set(data))
    if wanted_model and dataset and not model:
        raise import_problem(
            "import_wrong_card",
            found="This is a Hugging Face dataset card",
            title=FORMATS["hf_dataset_card"].title,
            wanted="model's card",
        )
    if not wanted_model and model and not dataset:
        raise import_problem(
            "import_wrong_card",
            found="This is a Hugging Face model card",
            title=FORMATS["hf_model_card"].title,
            wanted="dataset's card",
        )


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- A model card


def model_card(fields: dict[str, Any], body: str) -> Reading:
    reading = Reading(title=card_title(body) or str(fields.get("model_name") or "model card"))
    for index, dataset_id in enumerate(as_list(fields.get("datasets"))):
        dataset_source(reading, dataset_id, f"datasets[{index}]")
    for index, code in enumerate(as_list(fields.get("language"))):
        reading.languages.append((str(code).strip().lower(), f"language[{index}]"))
    base_models = as_list(fields.get("base_model"))
    relation, how = base_relation(fields.get("base_model_relation"), len(base_models))
    for index, name in enumerate(base_models):
        lineage(reading, name, relation, f"base_model[{index}]{how}")
    read_keys = {"datasets", "language", "base_model", "base_model_relation"}
    for key, value in fields.items():
        if key not in read_keys and value not in (None, [], {}, ""):
            reading.skip(key, value, REASONS.get(key, NO_QUESTION))
    return reading


def dataset_source(reading: Reading, dataset_id: Any, origin: str) -> None:
    """A dataset a model card names, as a source: its Hub page and the account publishing it."""
    if not isinstance(dataset_id, str) or not HUB_ID.match(dataset_id.strip()):
        reading.skip(origin, dataset_id, "Not a Hugging Face dataset id, like owner/name")
        return
    dataset_id = dataset_id.strip()
    values: dict[str, Any] = {
        "name": dataset_id,
        "category": SourceCategory.PUBLIC_DATASET,
        "acquisition": Acquisition.PUBLIC,
        "url": f"{HUB}/datasets/{dataset_id}",
    }
    origins = {
        "name": origin,
        "category": ASSUMED,
        "acquisition": ASSUMED,
        "url": f"{origin} (its page on the Hub)",
    }
    if "/" in dataset_id:
        values["owner"] = dataset_id.split("/")[0]
        origins["owner"] = f"{origin} (the Hub account publishing it)"
    reading.sources.append(SourceReading(values, origins))


def base_relation(given: Any, count: int) -> tuple[str, str]:
    """The relation to the base models, and how it was found (for the preview's origin)."""
    if isinstance(given, str) and given.strip().lower() in RELATIONS:
        return RELATIONS[given.strip().lower()], " and base_model_relation"
    assumed = Relation.MERGE if count > 1 else Relation.FINE_TUNE
    return assumed, " (no base_model_relation: " + ("a merge" if count > 1 else "a fine-tune") + ")"


def lineage(reading: Reading, name: Any, relation: str, origin: str) -> None:
    if not isinstance(name, str) or not name.strip():
        reading.skip(origin, name, "Not a model's name")
        return
    name = name.strip()
    provider = name.split("/")[0] if "/" in name else ""
    values = {"external_name": name, "external_provider": provider, "relation": relation}
    reading.dependencies.append((values, origin))


# --- A dataset card


def dataset_card(fields: dict[str, Any], body: str) -> Reading:
    values: dict[str, Any] = {
        "category": SourceCategory.PUBLIC_DATASET,
        "acquisition": Acquisition.PUBLIC,
    }
    origins = {"category": ASSUMED, "acquisition": ASSUMED}
    source = SourceReading(values, origins)
    title = card_title(body)
    if fields.get("pretty_name"):
        values["name"], origins["name"] = str(fields["pretty_name"]).strip(), "pretty_name"
    elif title:
        values["name"], origins["name"] = title, "the card's title"
    reading = Reading(title=str(values.get("name") or "dataset card"))
    paragraph = first_paragraph(body)
    if paragraph:
        values["description"] = paragraph
        origins["description"] = "the card's text (its first paragraph)"
    dataset_licence(source, reading, fields)
    dataset_languages(source, reading, as_list(fields.get("language")))
    task_modalities(source, reading, as_list(fields.get("task_categories")))
    if "machine-generated" in as_list(fields.get("language_creators")):
        reading.skip(
            "language_creators",
            "machine-generated",
            "Some of its text was made by a model: if it is synthetic, change the source's kind "
            "to synthetic and name the models that generated it",
        )
    read_keys = {"pretty_name", "license", "language", "task_categories", "language_creators"}
    for key, value in fields.items():
        if key not in read_keys and value not in (None, [], {}, ""):
            reading.skip(key, value, REASONS.get(key, NO_QUESTION))
    reading.sources.append(source)
    return reading


def card_title(body: str) -> str:
    """The card's first heading, without the template's "Dataset Card for"."""
    for line in body.splitlines():
        if line.startswith("# "):
            return re.sub(r"^Dataset Card for\s+", "", line[2:].strip(), flags=re.IGNORECASE)
    return ""


def first_paragraph(body: str) -> str:
    """The card's first paragraph of prose: not a heading, comment, table, image or list."""
    lines: list[str] = []
    for line in body.splitlines():
        text = line.strip()
        if not text:
            if lines:
                break
            continue
        if text.startswith(("#", "<", "|", "![", "- ", "* ", "```", "[!")):
            if lines:
                break
            continue
        lines.append(text)
    return " ".join(lines)[:2000]


def dataset_licence(source: SourceReading, reading: Reading, fields: dict[str, Any]) -> None:
    given = as_list(fields.get("license"))
    found = [(value, licence_from(value)) for value in given]
    unknown = [str(value) for value, spdx in found if spdx is None]
    for value in unknown:
        named = fields.get("license_name") if value == "other" else None
        reading.skip(
            "license",
            f"{value} ({named})" if named else value,
            "Not a licence the register knows: enter its SPDX id, or LicenseRef-… for a custom "
            "licence, on the source's rights page",
        )
    known = [spdx for _, spdx in found if spdx]
    if known and not unknown:
        source.values["licence"] = " AND ".join(dict.fromkeys(known))
        source.origins["licence"] = "license"


def dataset_languages(source: SourceReading, reading: Reading, codes: list) -> None:
    kept = []
    for index, code in enumerate(codes):
        text = str(code).strip().lower()
        if is_language_code(text):
            kept.append(text)
        else:
            reading.skip(
                f"language[{index}]", code, "Not an ISO 639-1 language code, like en or cy"
            )
    if kept:
        source.values["languages"] = list(dict.fromkeys(kept))
        source.origins["languages"] = "language"


def task_modalities(source: SourceReading, reading: Reading, tasks: list) -> None:
    found: list[str] = []
    for task in tasks:
        name = str(task).lower()
        kinds = [
            modality
            for word, modality in (
                ("image", Modality.IMAGE),
                ("video", Modality.VIDEO),
                ("audio", Modality.AUDIO),
                ("speech", Modality.AUDIO),
                ("text", Modality.TEXT),
            )
            if word in name
        ]
        if name in TEXT_TASKS:
            kinds.append(Modality.TEXT)
        if not kinds:
            reading.skip("task_categories", task, "It doesn't say what kind of data it holds")
        found += kinds
    if found:
        source.values["modalities"] = list(dict.fromkeys(found))
        source.origins["modalities"] = "task_categories"
