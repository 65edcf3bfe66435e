"""Imports into a provider's draft: a file in another standard, previewed, then applied.

A format module (`croissant`, `hf_card`, `spdx_in`) reads a file's text into a `Reading`: the
sources, languages and lineage it holds in the register's terms, where each came from in the
file, and what it holds that the register can't take, each with the reason. Reading is pure and
never calls the network.

1. `import_preview(kind, text, declaration)` checks the file's size, reads it, and weighs it
   against the draft: a value the register couldn't store is not mapped (with the rule's
   message), a language already declared or a model already in the lineage is not added again.
   The `ImportPreview` lists every answer the import would set and everything it would not.
2. `registry.exchange.services.import_apply(...)` writes exactly that preview through the
   declarations' own services. All or nothing; never signed, never submitted.

Bad input is a `ProblemsError` naming the file (`file`), with codes from `MESSAGES`.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.conf import settings

from registry.declarations import choices, selectors, services, validation
from registry.declarations.models import ModelDependency, ProvenanceDeclaration
from registry.declarations.uploads.files import size_text
from registry.lib.codes import is_language_code, language_names
from registry.lib.problems import Problem, ProblemsError, shape_of


@dataclass(frozen=True)
class ImportFormat:
    """A kind of file the register imports, and the module that reads it."""

    key: str
    title: str
    hint: str
    module: str


FORMATS = {
    f.key: f
    for f in (
        ImportFormat(
            "croissant",
            "Croissant dataset metadata (JSON-LD)",
            "A Croissant 1.0 file describing one dataset, with or without its RAI "
            "(responsible AI) fields: it becomes a data source",
            "croissant",
        ),
        ImportFormat(
            "hf_model_card",
            "Hugging Face model card (README.md)",
            "The model's README.md with its YAML front matter: its datasets become data "
            "sources, its languages the declaration's, its base model the lineage",
            "hf_card",
        ),
        ImportFormat(
            "hf_dataset_card",
            "Hugging Face dataset card (README.md)",
            "A dataset's README.md with its YAML front matter: it becomes a data source",
            "hf_card",
        ),
        ImportFormat(
            "spdx",
            "SPDX 3 document exported from this register (JSON-LD)",
            "A label's SPDX export: its datasets become data sources and its lineage this model's",
            "spdx_in",
        ),
    )
}

MESSAGES = {
    "import_format_invalid": "Select the kind of file: {formats}",
    "import_file_required": "Select a file to import",
    "import_empty": "The selected file is empty",
    "import_too_large": "The selected file must be smaller than {limit}",
    "import_not_text": "The selected file must be UTF-8 text: it is not",
    "import_not_json": "The selected file is not JSON ({reason}): a {kind} is JSON-LD",
    "import_not_croissant": "The selected file is not Croissant dataset metadata: {reason}",
    "import_croissant_invalid": "The Croissant file does not validate: {reason}",
    "import_no_front_matter": (
        "The selected file has no front matter: a Hugging Face card starts with a YAML block "
        "between two lines of ---"
    ),
    "import_yaml_invalid": "The card's front matter is not valid YAML: {reason}",
    "import_yaml_aliases": (
        "The card's front matter uses YAML anchors or aliases (& or *), which the register "
        "does not read: write each value out in full"
    ),
    "import_yaml_not_mapping": "The card's front matter must be a set of keys and values",
    "import_wrong_card": "{found}: choose “{title}” as the kind of file, or upload the {wanted}",
    "import_not_spdx": (
        "The selected file is not an SPDX 3 document exported by this register: {reason}"
    ),
    "import_nothing_to_apply": "Nothing in the file can be imported into this declaration",
    "import_stale": (
        "The declaration has changed since the import was previewed: preview the file again"
    ),
}


def import_problem(code: str, *, field: str = "file", **values: Any) -> ProblemsError:
    """Bad input, as a problem about the file (or `field`): nothing is written."""
    return ProblemsError([Problem(code, field, MESSAGES[code].format(**values), shape=True)])


# --- What a format module reads from a file


@dataclass(frozen=True)
class NotMapped:
    """Something in the file the import does not set, where it is, and why."""

    origin: str
    value: str
    reason: str


# The origin of an answer the file doesn't give: the kind of a published dataset, and how it was
# acquired. The preview says so; the provider changes it if they bought or licensed the data.
ASSUMED = "Not in the file: what the register takes a published dataset to be"


@dataclass
class SourceReading:
    """One data source a file describes: its values, and where in the file each came from."""

    values: dict[str, Any]
    origins: dict[str, str]


@dataclass
class Reading:
    """What a format module read from a file, in the register's terms."""

    title: str
    sources: list[SourceReading] = field(default_factory=list)
    # ISO 639-1 codes for the declaration's languages, each with where it came from.
    languages: list[tuple[str, str]] = field(default_factory=list)
    # ModelDependency values (external_name, external_provider, relation), each with its origin.
    dependencies: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    not_mapped: list[NotMapped] = field(default_factory=list)

    def skip(self, origin: str, value: Any, reason: str) -> None:
        self.not_mapped.append(NotMapped(origin, shown(value), reason))


# --- The preview: every answer an import would set, and everything it would not


@dataclass(frozen=True)
class Mapped:
    """An answer the import sets: where in the declaration, the value, where in the file (or,
    if `assumed`, why the register gives that answer when the file doesn't)."""

    section: str
    question: str
    value: str
    origin: str
    assumed: bool = False


@dataclass
class ImportPreview:
    """What applying a file would do to a draft, exactly: `import_apply` writes this."""

    format: str
    file_name: str
    sha256: str
    title: str
    sources: list[dict[str, Any]]
    languages: list[str]
    dependencies: list[dict[str, Any]]
    mapped: list[Mapped]
    not_mapped: list[NotMapped]

    @property
    def is_empty(self) -> bool:
        return not (self.sources or self.languages or self.dependencies)

    @property
    def summary(self) -> str:
        """What the import adds, in words: "2 data sources, 3 languages and 1 base model"."""
        parts = [
            counted(len(self.sources), "data source"),
            counted(len(self.languages), "language"),
            counted(len(self.dependencies), "base model"),
        ]
        said = [part for part in parts if part]
        return " and ".join([", ".join(said[:-1]), said[-1]] if len(said) > 1 else said)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "title": self.title,
            "sources": self.sources,
            "languages": self.languages,
            "lineage": self.dependencies,
            "mapped": [asdict(item) for item in self.mapped],
            "not_mapped": [asdict(item) for item in self.not_mapped],
        }


def counted(count: int, noun: str, plural: str = "") -> str:
    if not count:
        return ""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


SOURCE_QUESTIONS = {
    "name": "Name",
    "category": "Kind of source",
    "description": "Description",
    "url": "Web address",
    "dataset_version": "Dataset version",
    "owner": "Owner or rightsholder",
    "licence": "Licence",
    "acquisition": "How the data was acquired",
    "modalities": "Modalities",
    "languages": "Languages",
    "collection_start": "Collection started",
    "collection_end": "Collection ended",
    "collection_ongoing": "Collection is ongoing",
    "purpose": "How it furthers the model's purpose",
    "personal_data": "Holds personal data",
    "personal_data_measures": "How personal data is protected",
    "processing": "Processing",
    "processing_notes": "Processing notes",
    "share_percent": "Share of the training mix (%)",
    "ip_status": "Intellectual property status",
    "licence_use_category": "What the licence allows",
}
CHOICES: dict[str, Mapping[str, str]] = {
    "category": dict(choices.SourceCategory.choices),
    "acquisition": dict(choices.Acquisition.choices),
    "personal_data": dict(choices.YesNoUnknown.choices),
    "ip_status": dict(choices.IpStatus.choices),
    "licence_use_category": dict(choices.LicenceUse.choices),
    "modalities": dict(choices.Modality.choices),
    "processing": dict(choices.Processing.choices),
    "relation": dict(choices.Relation.choices),
}


def shown(value: Any, field: str = "") -> str:
    """A value as the preview shows it: choices by their labels, languages by name."""
    labels = CHOICES.get(field, {})
    if isinstance(value, dict) or (
        isinstance(value, list | tuple) and any(isinstance(item, dict) for item in value)
    ):
        value = json.dumps(value, ensure_ascii=False, default=str)
    elif isinstance(value, list | tuple):
        return ", ".join(shown(item, field) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.isoformat()
    if field == "languages" and isinstance(value, str):
        return f"{language_names().get(value, value)} ({value})"
    text = "" if value is None else str(value)
    text = labels.get(text, text)
    return text if len(text) <= 300 else text[:299] + "…"


def import_preview(
    kind: str, text: str, declaration: ProvenanceDeclaration, *, file_name: str = ""
) -> ImportPreview:
    """Read a file of one kind and say what importing it into this draft would set.

    1. Refuse a kind the register doesn't import, and a file over IMPORT_MAX_BYTES, unread.
    2. Read it with its format's module (bad input raises, naming the problem).
    3. Weigh it against the draft: drop what the register couldn't store, and what the draft
       or its model already holds, each as not mapped with the reason.
    """
    if kind not in FORMATS:
        raise import_problem("import_format_invalid", formats=", ".join(FORMATS))
    raw = text.encode("utf-8")
    check_size(len(raw))
    if not text.strip():
        raise import_problem("import_empty")
    module = importlib.import_module(f"registry.exchange.imports.{FORMATS[kind].module}")
    reading: Reading = module.read(text, kind)
    preview = ImportPreview(
        format=kind,
        file_name=file_name,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=reading.title,
        sources=[],
        languages=[],
        dependencies=[],
        mapped=[],
        not_mapped=list(reading.not_mapped),
    )
    first = declaration.sources.count() + 1
    for number, source in enumerate(reading.sources, start=first):
        preview_source(preview, source, number)
    preview_languages(preview, reading, declaration)
    preview_lineage(preview, reading, declaration)
    return preview


def check_size(size: int) -> None:
    """Refuse a file over IMPORT_MAX_BYTES before anything reads it."""
    if size > settings.IMPORT_MAX_BYTES:
        raise import_problem("import_too_large", limit=size_text(settings.IMPORT_MAX_BYTES))


def text_of(raw: bytes) -> str:
    """A file's bytes as text: UTF-8 (a byte-order mark allowed), with no NUL bytes."""
    if not raw.strip():
        raise import_problem("import_empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise import_problem("import_not_text") from None
    if "\x00" in text:
        raise import_problem("import_not_text")
    return text


def preview_source(preview: ImportPreview, source: SourceReading, number: int) -> None:
    """Add a source to the preview without any value the register couldn't store."""
    values = dict(source.values)
    refused = shape_of(validation.validate_source(services.clean_source_values(values)))
    for problem in refused:
        name = problem.field.split(".")[0]
        if name in values and name != "category":
            preview.not_mapped.append(
                NotMapped(source.origins.get(name, name), shown(values.pop(name)), problem.message)
            )
    preview.sources.append(values)
    section = f"Data source {number}: {values.get('name') or 'unnamed'}"
    for name in SOURCE_QUESTIONS:
        if name in values and values[name] not in (None, "", []):
            origin = source.origins.get(name, "")
            question, value = SOURCE_QUESTIONS[name], shown(values[name], name)
            preview.mapped.append(Mapped(section, question, value, origin, origin == ASSUMED))


def preview_languages(
    preview: ImportPreview, reading: Reading, declaration: ProvenanceDeclaration
) -> None:
    """The declaration's new languages: codes not declared already, each once."""
    declared = {
        entry.get("code") for entry in declaration.languages or [] if isinstance(entry, dict)
    }
    for code, origin in reading.languages:
        if not is_language_code(code):
            preview.not_mapped.append(
                NotMapped(origin, code, "Not an ISO 639-1 language code, like en or cy")
            )
        elif code in declared:
            preview.not_mapped.append(
                NotMapped(origin, shown(code, "languages"), "The declaration lists it already")
            )
        else:
            declared.add(code)
            preview.languages.append(code)
            preview.mapped.append(
                Mapped(
                    "General information",
                    "Languages (share to be given)",
                    shown(code, "languages"),
                    origin,
                )
            )


MAX_MODEL_NAME = 200  # ModelDependency.external_name's column


def preview_lineage(
    preview: ImportPreview, reading: Reading, declaration: ProvenanceDeclaration
) -> None:
    """The model's new lineage, each model once and none recorded already: a model on the
    register by its MOD- number (an SPDX export names them), any other by its name."""
    recorded = ModelDependency.objects.filter(model_id=declaration.model_id)
    names = {name.casefold() for name in recorded.values_list("external_name", flat=True)}
    registered_ids = {pk for pk in recorded.values_list("depends_on_id", flat=True) if pk}
    for found, origin in reading.dependencies:
        values, shown_name = registered_base(found, declaration)
        name = str(values.get("external_name") or "")
        if values.get("depends_on") == declaration.model_id:
            preview.not_mapped.append(NotMapped(origin, shown_name, "It is this model"))
        elif len(name) > MAX_MODEL_NAME:
            preview.not_mapped.append(NotMapped(origin, shown(name), "Too long for a model name"))
        elif name.casefold() in names or values.get("depends_on") in registered_ids:
            preview.not_mapped.append(
                NotMapped(origin, shown_name, "The model's lineage records it already")
            )
        else:
            names.add(name.casefold())
            if values.get("depends_on"):
                registered_ids.add(values["depends_on"])
            preview.dependencies.append(values)
            relation = shown(values["relation"], "relation")
            provider = f" ({found['external_provider']})" if found["external_provider"] else ""
            preview.mapped.append(
                Mapped(
                    f"Lineage of {declaration.model}",
                    "Built on",
                    f"{shown_name}{provider}: {relation}",
                    origin,
                )
            )


def registered_base(
    found: dict[str, Any], declaration: ProvenanceDeclaration
) -> tuple[dict[str, Any], str]:
    """The dependency's values (a registered model by id, if its MOD- number is one the model
    may be built on) and its name as the preview shows it."""
    values = {k: v for k, v in found.items() if k != "registration_number"}
    number = found.get("registration_number")
    if number:
        model = (
            selectors.dependable_models(declaration.model.provider_id)
            .filter(registration_number=number)
            .first()
        )
        if model is not None:
            return {"depends_on": model.pk, "relation": found["relation"]}, (
                f"{found['external_name']} ({number})"
            )
    return values, str(values["external_name"])
