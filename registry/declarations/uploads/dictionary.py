"""The data dictionary: every column of a sources upload, from the rules that check it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from registry.declarations import choices, validation
from registry.declarations.selectors import SOURCE_FIELDS
from registry.declarations.uploads.cells import (
    CHOICE_COLUMNS,
    LIST_CODES,
    LIST_COLUMNS,
    NULLABLE_BOOL_COLUMNS,
    allowed_values,
    cell_kind,
    column_letter,
)
from registry.declarations.uploads.examples import EXAMPLE_ROWS, EXTRA_EXAMPLES

COLUMN_DESCRIPTIONS = {
    "name": "The source's name, as its owner or publisher calls it.",
    "category": (
        "What kind of source it is, as in the EU AI Office's template for the public summary "
        "of training content."
    ),
    "description": "What the source holds, in a sentence or two.",
    "url": "Where the source is published or described.",
    "dataset_version": "The version, release or snapshot of the source that was used.",
    "owner": "Who created the data or holds the rights in it.",
    "licence": "The licence the data was used under.",
    "licence_use_category": "What the licence allows.",
    "acquisition": "How you got the data.",
    "modalities": "The kinds of data the source holds.",
    "languages": "The languages of the data.",
    "size_tokens": "The source's size in tokens. Only the regulator sees this figure.",
    "size_records": (
        "The number of records in the source (documents, images, files). Only the regulator "
        "sees this figure."
    ),
    "size_bytes": "The source's size in bytes. Only the regulator sees this figure.",
    "share_percent": (
        "The source's share of the training mix, in per cent. The shares of all the sources "
        "must add up to 100 (within 1)."
    ),
    "collection_start": "The day collection started.",
    "collection_end": "The day collection ended.",
    "collection_ongoing": "Whether collection still goes on.",
    "first_used_on": "The day the source was first used to train the model.",
    "purpose": "How the source furthers the model's purpose.",
    "personal_data": "Whether the source holds personal data.",
    "personal_data_measures": "How the personal data in the source is protected.",
    "aggregate_consumer_data": (
        "Whether the source holds aggregate consumer information, as California's AB 2013 "
        "defines it."
    ),
    "ip_status": "The intellectual property status of the data.",
    "processing": "How the data was cleaned and processed before training.",
    "processing_notes": "Anything more to say about the processing.",
    "countries": "The countries the data was collected in.",
    "crawler_name": "The name of the crawler that collected the data.",
    "crawler_user_agent": "The user agent the crawler sends, so website owners can recognise it.",
    "robots_txt_respected": "Whether the crawler obeys robots.txt.",
    "tdm_opt_out_respected": (
        "Whether the crawler respects text and data mining opt-outs, such as the TDM "
        "Reservation Protocol."
    ),
    "top_domains": (
        "The hosts of the top 10% of crawled domains by content size, as the EU template asks. "
        "A list of more than a few hundred is easier to upload on the source's own top domains "
        "page once the source is saved."
    ),
    "generator_models": (
        "The models that generated the synthetic data, and whether each one's terms permit "
        "training on what it generates."
    ),
    "confidential": (
        "Whether you ask the regulator to withhold the source's name, owner, web address and "
        "description from the public. Its category and share still count on the label."
    ),
    "confidentiality_reason": (
        "Why the source should be withheld from the public. Only the regulator sees this."
    ),
}

KIND_FORMATS = {
    "date": (
        "A date as YYYY-MM-DD, like 2024-03-31 (in a workbook, a date cell works too). Leave it "
        "blank if you don't know it: an invented date is worse than none."
    ),
    "integer": (
        "A whole number of 0 or more, like 1500000 (commas or spaces between the thousands are "
        "allowed)."
    ),
    "share": (
        "A number from 0 to 100 with at most 3 decimal places, like 12.5. A % sign is allowed, "
        "and a workbook cell formatted as a percentage is read as it shows."
    ),
    "boolean": "yes or no (true or false, y or n, and 1 or 0 work too).",
    "generators": (
        "A list with ; between the models. Write each model as name|provider|terms, where "
        "terms says whether its terms permit training on what it generates, like "
        "Teacher-70B|Example Labs|no."
    ),
}
LIST_ITEMS = {
    "modalities": "values from the list below, like text;code",
    "processing": "values from the list below, like deduplication;pii_filtering",
    "languages": "ISO 639-1 language codes, like en;fr;de",
    "countries": "ISO 3166-1 two-letter country codes, like GB;FR",
    "top_domains": "host names, like en.wikipedia.org;www.gov.uk",
}
TEXT_FORMATS = {
    "url": "A web address starting with https:// or http://.",
    "licence": (
        "An SPDX licence expression, like CC-BY-4.0 or MIT OR Apache-2.0. For a licence SPDX "
        "doesn't list, write LicenseRef- and a name, like LicenseRef-Acme-Data-Licence."
    ),
}


def unanswered(values: dict[str, Any]) -> set[str]:
    """The columns the rules ask a source with these values (and nothing else) to answer."""
    asked = {problem.field.split(".")[0] for problem in validation.validate_source(values)}
    return asked - set(values)


@cache
def required_conditions() -> dict[str, dict[str, list[str]]]:
    """When the rules ask for each column: {column: {other column: [its values]}}, {} = always.

    Found by asking the rules themselves about sources that answer nothing else, one answer at
    a time, so the data dictionary says what validation does and can't drift from it.
    """
    categories = [str(value) for value in choices.SourceCategory.values]
    asked = {category: unanswered({"category": category}) for category in categories}
    always = set.intersection(*asked.values())
    conditions: dict[str, dict[str, list[str]]] = {column: {} for column in always}

    def add(column: str, condition: str, value: str) -> None:
        conditions.setdefault(column, {}).setdefault(condition, []).append(value)

    for category in categories:
        for column in sorted(asked[category] - always):
            add(column, "category", category)
    base = min(categories, key=lambda category: len(asked[category]))
    # Each value of each list, in the list's own order (the rules may hold them as a set).
    probes: list[tuple[str, Any]] = [
        (column, value)
        for column, _, _ in validation.SOURCE_CHOICES
        for value, _ in allowed_values(column)
    ]
    probes += [(column, True) for column in validation.SOURCE_YES_NO]
    for column, value in probes:
        for needed in sorted(unanswered({"category": base, column: value}) - asked[base]):
            add(needed, column, "yes" if value is True else str(value))
    return conditions


def required_text(column: str) -> str:
    """Whether a column must be answered before submitting: Yes, No, or when."""
    if column in columns_needed_to_save():
        return "Yes"
    conditions = required_conditions().get(column)
    if conditions is None:
        return "No"
    if not conditions:
        return "Yes"
    return "If " + ", or ".join(
        f"{other} is {' or '.join(values)}" for other, values in conditions.items()
    )


@cache
def columns_needed_to_save() -> frozenset[str]:
    """The columns without which a row can't be stored at all (not merely incomplete)."""
    return frozenset(p.field.split(".")[0] for p in validation.validate_source({}) if p.shape)


def format_text(column: str) -> str:
    kind = cell_kind(column)
    if kind == "boolean":
        blank = "not answered yet" if column in NULLABLE_BOOL_COLUMNS else "no"
        return f"{KIND_FORMATS[kind]} Blank means {blank}."
    if kind != "text":
        return KIND_FORMATS[kind]
    if column in LIST_COLUMNS:
        return f"A list with ; between the items: {LIST_ITEMS[column]}."
    if column in CHOICE_COLUMNS:
        return "One of the values below."
    limit = validation.SOURCE_LIMITS.get(column)
    said = TEXT_FORMATS.get(column, "Text.")
    return f"{said} Up to {limit:,} characters." if limit else said


@dataclass(frozen=True)
class ColumnGuide:
    """What one column of a sources upload holds, for the data dictionary."""

    name: str
    letter: str
    description: str
    required: str
    needed_to_save: bool
    format: str
    allowed: list[tuple[str, str]]
    codes: list[tuple[str, str]]
    example: str

    @property
    def name_parts(self) -> list[str]:
        """The name between its underscores, where a narrow screen may wrap it."""
        return self.name.split("_")


def example_of(column: str) -> str:
    """The template's example for a column: its first example row that answers it."""
    found = (row.get(column, "") for row in EXAMPLE_ROWS)
    return next((value for value in found if value), EXTRA_EXAMPLES.get(column, ""))


def sources_dictionary() -> list[ColumnGuide]:
    """Every column of a sources upload, in the template's order."""
    needed = columns_needed_to_save()
    return [
        ColumnGuide(
            name=column,
            letter=column_letter(position),
            description=COLUMN_DESCRIPTIONS[column],
            required=required_text(column),
            needed_to_save=column in needed,
            format=format_text(column),
            allowed=allowed_values(column),
            codes=sorted(LIST_CODES[column]().items()) if column in LIST_CODES else [],
            example=example_of(column),
        )
        for position, column in enumerate(SOURCE_FIELDS, start=1)
    ]
