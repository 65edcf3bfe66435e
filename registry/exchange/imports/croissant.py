"""A Croissant 1.0 dataset (JSON-LD), with its RAI extension, read as one data source.

Validated with `mlcroissant` as the Croissant tools validate it, offline: the `@context` must be
an object (a context given by address would have to be fetched, and is refused), and mlcroissant
reads the document without downloading any of the data it describes.

    Croissant                                   the source's
    name                                        name
    description                                 description
    url                                         url
    version                                     dataset_version
    creator (else publisher): their names       owner
    license (a licence page or SPDX id)         licence (unknown: not mapped, the source kept)
    inLanguage (ISO 639-1)                      languages
    recordSet fields' dataType, distribution    modalities (sc:Text or text/*: text; sc:ImageObject
      encodingFormat                              or image/*: image; audio; video)
    rai:dataCollectionTimeFrame                 collection_start, collection_end
    rai:dataPreprocessingProtocol               processing_notes
    rai:personalSensitiveInformation            personal_data_measures
    (a published dataset)                       category public_dataset, acquisition public: the
                                                  register's reading, shown as such

Everything else the file says (the other RAI fields, citation, keywords, files and record sets)
has no question in the register and is listed as not mapped, with the reason.
"""

from __future__ import annotations

import json
import logging
import warnings
from datetime import date, datetime
from typing import Any

from registry.declarations.choices import Acquisition, Modality, SourceCategory
from registry.exchange.imports import ASSUMED, Reading, SourceReading, import_problem, shown
from registry.exchange.imports.licences import licence_from
from registry.lib.codes import is_language_code

SCHEMA_DATASET = (
    "sc:Dataset",
    "Dataset",
    "https://schema.org/Dataset",
    "http://schema.org/Dataset",
)
CONFORMS_TO = "http://mlcommons.org/croissant/"

DATA_TYPES = {
    "sc:Text": Modality.TEXT,
    "Text": Modality.TEXT,
    "https://schema.org/Text": Modality.TEXT,
    "sc:ImageObject": Modality.IMAGE,
    "ImageObject": Modality.IMAGE,
    "https://schema.org/ImageObject": Modality.IMAGE,
    "sc:AudioObject": Modality.AUDIO,
    "AudioObject": Modality.AUDIO,
    "https://schema.org/AudioObject": Modality.AUDIO,
    "sc:VideoObject": Modality.VIDEO,
    "VideoObject": Modality.VIDEO,
    "https://schema.org/VideoObject": Modality.VIDEO,
}
MEDIA_TYPES = {
    "text/": Modality.TEXT,
    "image/": Modality.IMAGE,
    "audio/": Modality.AUDIO,
    "video/": Modality.VIDEO,
}
# Keys the mapping reads, and the reason each other key the file may hold is not mapped.
READ = {
    "@context",
    "@type",
    "@id",
    "name",
    "description",
    "url",
    "version",
    "creator",
    "publisher",
    "license",
    "inLanguage",
    "conformsTo",
    "rai:dataCollectionTimeFrame",
    "rai:dataPreprocessingProtocol",
    "rai:personalSensitiveInformation",
}
NO_QUESTION = "The register has no question for it"
REASONS = {
    "alternateName": "The source is named by its name",
    "citeAs": "The register does not keep citations",
    "keywords": NO_QUESTION,
    "datePublished": "The register asks when data was collected and first used, not published",
    "dateModified": "The register asks when data was collected and first used, not modified",
    "dateCreated": "The register asks when data was collected and first used",
    "isLiveDataset": "Say on the source's dates page whether collection is ongoing",
    "rai:dataCollection": "Answer on the source's pages how it was acquired and processed",
    "rai:dataCollectionType": (
        "Check the source's kind: a web crawl asks about its crawler, which the file doesn't say"
    ),
    "rai:dataCollectionRawData": NO_QUESTION,
    "rai:dataCollectionMissingData": NO_QUESTION,
    "rai:dataAnnotationProtocol": NO_QUESTION,
    "rai:dataAnnotationPlatform": NO_QUESTION,
    "rai:dataAnnotationAnalysis": NO_QUESTION,
    "rai:annotationsPerItem": NO_QUESTION,
    "rai:annotatorDemographics": NO_QUESTION,
    "rai:machineAnnotationTools": NO_QUESTION,
    "rai:dataImputationProtocol": NO_QUESTION,
    "rai:dataManipulationProtocol": NO_QUESTION,
    "rai:dataBiases": NO_QUESTION,
    "rai:dataLimitations": NO_QUESTION,
    "rai:dataSocialImpact": NO_QUESTION,
    "rai:dataReleaseMaintenancePlan": NO_QUESTION,
    "distribution": (
        "The register describes the data, not its files: only their media types are read, "
        "for the modalities; give the source's size on its size page"
    ),
    "recordSet": (
        "The register does not record a dataset's structure: only its fields' data types are "
        "read, for the modalities"
    ),
    "rai:dataUseCases": (
        "The register asks how the source furthers this model's purpose: answer it yourself"
    ),
}


def read(text: str, kind: str) -> Reading:
    """Read a Croissant file as one data source, or raise the problem with it."""
    document = json_document(text)
    metadata = validated(document)
    reading = Reading(title=str(metadata.name or ""))
    values: dict[str, Any] = {
        "category": SourceCategory.PUBLIC_DATASET,
        "acquisition": Acquisition.PUBLIC,
    }
    origins = {"category": ASSUMED, "acquisition": ASSUMED}
    source = SourceReading(values, origins)
    plain(source, metadata)
    owner(source, reading, metadata)
    licence(source, reading, metadata.license or [])
    languages(source, reading, metadata.in_language or [])
    modalities(source, document)
    rai(source, metadata)
    reading.sources.append(source)
    for key, value in document.items():
        if key not in READ:
            reading.skip(key, short(value), REASONS.get(key, NO_QUESTION))
    return reading


def json_document(text: str) -> dict[str, Any]:
    """The file as a JSON-LD dataset document, or the problem with it."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise import_problem("import_not_json", reason=str(error), kind="Croissant file") from None
    if not isinstance(document, dict):
        raise import_problem("import_not_croissant", reason="it is not a JSON object")
    if not isinstance(document.get("@context"), dict):
        raise import_problem(
            "import_not_croissant",
            reason="its @context must be written out in the file (Croissant's own context)",
        )
    if document.get("@type") not in SCHEMA_DATASET:
        raise import_problem(
            "import_not_croissant", reason="it does not describe a schema.org Dataset"
        )
    conforms = document.get("conformsTo") or document.get("dct:conformsTo") or ""
    said = conforms if isinstance(conforms, list) else [conforms]
    if not any(isinstance(url, str) and url.startswith(CONFORMS_TO) for url in said):
        raise import_problem(
            "import_not_croissant",
            reason="it does not say it conforms to Croissant (conformsTo "
            "http://mlcommons.org/croissant/1.0)",
        )
    return document


def validated(document: dict[str, Any]):
    """mlcroissant's reading of the document, or the first of its errors as a problem."""
    import mlcroissant

    logging.getLogger("absl").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            # rdflib, which mlcroissant reads JSON-LD with, warns of its own deprecations.
            warnings.simplefilter("ignore", DeprecationWarning)
            return mlcroissant.Dataset(jsonld=document).metadata
    except mlcroissant.ValidationError as error:
        found = [line.strip(" -") for line in str(error).splitlines()[1:] if line.strip()]
        raise import_problem("import_croissant_invalid", reason="; ".join(found[:3])) from None
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise import_problem("import_croissant_invalid", reason=str(error)[:300]) from None


def plain(source: SourceReading, metadata) -> None:
    for name, key in (
        ("name", "name"),
        ("description", "description"),
        ("url", "url"),
        ("dataset_version", "version"),
    ):
        value = getattr(metadata, key, None)
        if value:
            source.values[name] = str(value).strip()
            source.origins[name] = key


def owner(source: SourceReading, reading: Reading, metadata) -> None:
    for key, people in (("creator", metadata.creators), ("publisher", metadata.publisher)):
        names = [str(person.name).strip() for person in people or [] if person.name]
        if names and "owner" not in source.values:
            source.values["owner"] = "; ".join(names)
            source.origins["owner"] = f"{key} (name)"
        elif names:
            reading.skip(key, "; ".join(names), "The owner is taken from the creator")


def licence(source: SourceReading, reading: Reading, licences: list[str]) -> None:
    found = [(value, licence_from(value)) for value in licences]
    unknown = [value for value, spdx in found if spdx is None]
    for value in unknown:
        reading.skip(
            "license",
            value,
            "Not a licence the register knows: enter its SPDX id, or LicenseRef-… for a custom "
            "licence, on the source's rights page",
        )
    known = [spdx for _, spdx in found if spdx]
    if known and not unknown:
        source.values["licence"] = " AND ".join(dict.fromkeys(known))
        source.origins["licence"] = "license"


def languages(source: SourceReading, reading: Reading, codes: list[str]) -> None:
    kept = []
    for code in codes:
        if isinstance(code, str) and is_language_code(code.lower()):
            kept.append(code.lower())
        else:
            reading.skip("inLanguage", code, "Not an ISO 639-1 language code, like en or cy")
    if kept:
        source.values["languages"] = list(dict.fromkeys(kept))
        source.origins["languages"] = "inLanguage"


def modalities(source: SourceReading, document: dict[str, Any]) -> None:
    """The kinds of data the record sets' fields and the files hold."""
    found: dict[str, str] = {}
    for record_set in as_list(document.get("recordSet")):
        for field in as_list(record_set.get("field") if isinstance(record_set, dict) else None):
            if not isinstance(field, dict):
                continue
            for data_type in as_list(field.get("dataType")):
                if data_type in DATA_TYPES:
                    found.setdefault(DATA_TYPES[data_type], "recordSet field dataType")
    for item in as_list(document.get("distribution")):
        media = item.get("encodingFormat") if isinstance(item, dict) else None
        for prefix, modality in MEDIA_TYPES.items():
            if isinstance(media, str) and media.startswith(prefix):
                found.setdefault(modality, "distribution encodingFormat")
    if found:
        source.values["modalities"] = list(found)
        source.origins["modalities"] = ", ".join(dict.fromkeys(found.values()))


def rai(source: SourceReading, metadata) -> None:
    timeframe = [day(moment) for moment in metadata.data_collection_timeframe or []]
    if timeframe:
        source.values["collection_start"] = min(timeframe)
        source.origins["collection_start"] = "rai:dataCollectionTimeFrame (first)"
    if len(timeframe) > 1:
        source.values["collection_end"] = max(timeframe)
        source.origins["collection_end"] = "rai:dataCollectionTimeFrame (last)"
    for name, key, attribute in (
        ("processing_notes", "rai:dataPreprocessingProtocol", "data_preprocessing_protocol"),
        (
            "personal_data_measures",
            "rai:personalSensitiveInformation",
            "personal_sensitive_information",
        ),
    ):
        text = " ".join(str(part).strip() for part in as_list(getattr(metadata, attribute)))
        if text:
            source.values[name] = text
            source.origins[name] = key


def day(moment: datetime | date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def short(value: Any) -> str:
    """A value the file holds, in a line: objects by their name, or as JSON."""
    if isinstance(value, dict):
        return str(value.get("name") or value.get("@id") or json.dumps(value)[:200])
    if isinstance(value, list):
        return shown([short(item) for item in value])
    return shown(value)
