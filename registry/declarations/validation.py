"""Rules for models and provenance declarations. Pure: values in, problems with stable codes out.

The same rules serve the web forms' error summaries, the API's problem+json, the pre-submission
checklist and the submit gate. A problem's field is a dotted path into the filing as serialised by
`selectors.declaration_data` (e.g. `sources.3.licence`); the API turns it into a JSON pointer.

They work at the two levels of DESIGN §3.4. A problem marked `shape` is a value that cannot be
stored as given (a wrong type, a choice not in the list, a date that is not one, text over its
limit, a number the column can't hold): every write refuses it. Every other problem (an answer
missing, a licence or country code that isn't one, dates out of order, shares that don't add up)
is one of completeness or consistency: a draft keeps it, and the checklist and the submit gate
report it with all the others.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from registry.declarations import choices
from registry.declarations.models import AIModel, DataSource, RedTeamAttestation, SupplyChainParty
from registry.filings.validation import as_date, as_decimal, blank, validate_statement_of_truth
from registry.lib.codes import is_country_code, is_language_code
from registry.lib.licences import licence_error
from registry.lib.problems import Problem
from registry.providers.validation import normalise_company_number, problems_company_number

MESSAGES = {
    # Models and lineage
    "name_required": "Enter the model's name",
    "version_required": "Enter the model's version",
    "model_type_invalid": "Select the type of model",
    "modalities_in_required": "Select at least one input modality",
    "modalities_out_required": "Select at least one output modality",
    "modality_invalid": "Select modalities from the list: {value} is not one",
    "parameter_count_invalid": "Parameter count must be a whole number greater than 0",
    "distribution_invalid": "Select how the model is distributed",
    "dependency_target_required": (
        "Select a registered model, or enter the name of an external model, but not both"
    ),
    "dependency_self": "A model cannot depend on itself",
    "relation_invalid": "Select how the model is built on the other",
    # General information
    "size_band_missing": "Select the size of the training data for at least one modality",
    "size_band_invalid": "Select a size band for {label} from the list",
    "size_band_mismatch": "The {label} size band does not match the exact figure ({value})",
    "number_negative": "{label} must be 0 or more",
    "number_invalid": "{label} must be {kind}",
    "number_too_large": "{label} is larger than the register can hold: check the figure",
    "date_invalid": "{label} must be a real date, like 2024-03-31",
    "too_long": "{label} must be {max} characters or fewer",
    "list_invalid": "{label} must be a list",
    "yes_no_invalid": "Select yes or no",
    "latest_collection_date_required": "Enter the latest date data was collected",
    "date_in_future": "{label} must be today or in the past",
    "continuous_training_required": "Select whether the model is trained continuously",
    "language_invalid": "{value} is not an ISO 639-1 language code, like en or fr",
    "language_duplicate": "{value} is listed more than once",
    "language_share_invalid": "The share of {value} must be a number from 0 to 100",
    "language_shares_over_100": "Language shares add up to more than 100%",
    "content_type_invalid": "Each content type must be 1 to 100 characters",
    "tdm_opt_out_measures_required": "Describe how you honour text and data mining opt-outs",
    "illegal_content_measures_required": "Describe how you remove illegal content",
    "code_of_practice_signatory_required": "Select whether you have signed the code of practice",
    # Data sources
    "sources_required": "Add at least one data source",
    "shares_total": "Source shares must add up to 100% (within 1%); they add up to {value}%",
    "source_name_required": "Enter the source's name",
    "category_invalid": "Select the source's category",
    "description_required": "Describe the source",
    "url_invalid": "Enter a web address starting with http:// or https://",
    "owner_required": "Enter the owner or rightsholder of licensed or purchased data",
    "licence_required": "Enter the licence of licensed or purchased data",
    "licence_invalid": "Enter a valid SPDX licence expression, like MIT or CC-BY-4.0 ({value})",
    "licence_use_invalid": "Select what the licence allows",
    "acquisition_invalid": "Select how the data was acquired",
    "modalities_required": "Select at least one modality",
    "country_invalid": "{value} is not an ISO 3166 country code, like GB or FR",
    "share_required": "Enter the source's share of the training mix",
    "share_invalid": "The share must be a number from 0 to 100",
    "collection_dates_order": "Collection must end on or after the day it started",
    "purpose_required": "Say how the source furthers the model's purpose",
    "personal_data_invalid": "Select whether the source holds personal data",
    "personal_data_measures_required": "Describe how personal data in the source is protected",
    "ip_status_invalid": "Select the source's intellectual property status",
    "processing_invalid": "Select processing steps from the list: {value} is not one",
    "crawler_name_required": "Enter the crawler's name",
    "crawler_user_agent_required": "Enter the crawler's user agent",
    "robots_txt_respected_required": "Select whether the crawler respects robots.txt",
    "tdm_opt_out_respected_required": "Select whether the crawler respects TDM opt-outs",
    "top_domains_required": "List the top domains crawled (the top 10% by content size)",
    "top_domain_invalid": "{value} is not a host name, like example.com",
    "generator_models_required": "Add at least one model that generated this synthetic data",
    "generator_name_required": "Enter the name of each generator model",
    "generator_terms_invalid": (
        "Say whether each generator's terms permit training: yes, no or unknown"
    ),
    "confidentiality_reason_required": "Give the reason the source should be kept confidential",
    # Supply chain and red-teaming
    "party_name_required": "Enter the party's name",
    "party_role_invalid": "Select the party's role",
    "assessor_required": "Enter who carried out the red-teaming",
    "assessor_independent_required": "Select whether the assessor is independent",
    "scope_required": "Select at least one area the red-teaming covered",
    "scope_invalid": "Select areas from the list: {value} is not one",
    "performed_on_required": "Enter the date the red-teaming was carried out",
    "outcome_invalid": "Select the outcome",
    "summary_required": "Summarise the red-teaming and what was found",
    "next_due_order": "The next red-teaming must be due after the last one",
}

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$"
)
MAX_TOP_DOMAIN_PROBLEMS = 20
SHARE_TOLERANCE = Decimal("1")

LABELS = {
    "total_tokens": "Total tokens",
    "total_images": "Total images",
    "total_audio_hours": "Total audio hours",
    "total_video_hours": "Total video hours",
    "latest_collection_date": "The latest collection date",
    "size_tokens": "Size in tokens",
    "size_records": "Number of records",
    "size_bytes": "Size in bytes",
    "collection_start": "The collection start date",
    "collection_end": "The collection end date",
    "first_used_on": "The date first used",
    "performed_on": "The date of the red-teaming",
    "next_due": "The date the next red-teaming is due",
    "release_date": "The release date",
    "name": "The name",
    "version": "The version",
    "url": "The web address",
    "dataset_version": "The dataset version",
    "owner": "The owner",
    "licence": "The licence",
    "crawler_name": "The crawler's name",
    "crawler_user_agent": "The crawler's user agent",
    "company_number": "The company number",
    "country": "Country",
    "assessor": "The assessor's name",
    "modalities": "Modalities",
    "modalities_in": "Input modalities",
    "modalities_out": "Output modalities",
    "languages": "Languages",
    "countries": "Countries",
    "processing": "Processing",
    "top_domains": "Top domains",
    "generator_models": "Generator models",
    "content_types": "Content types",
    "scope": "Scope",
    "text": "text",
    "image": "images",
    "audio": "audio",
    "video": "video",
}


# What the database columns hold: anything bigger is refused here rather than failing on save.
MAX_COUNT = 2**63 - 1
MAX_HOURS = Decimal("9999999999999.9")
HOURS_FIELDS = frozenset({"total_audio_hours", "total_video_hours"})
WHOLE_NUMBER = re.compile(r"^\s*[+-]?[0-9]+\s*$")


def max_lengths(model, fields: Iterable[str]) -> dict[str, int]:
    return {field: model._meta.get_field(field).max_length for field in fields}


MODEL_LIMITS = max_lengths(AIModel, ["name", "version"])
SOURCE_LIMITS = max_lengths(
    DataSource,
    [
        "name",
        "url",
        "dataset_version",
        "owner",
        "licence",
        "crawler_name",
        "crawler_user_agent",
    ],
)
PARTY_LIMITS = max_lengths(SupplyChainParty, ["name", "country", "company_number"])
ATTESTATION_LIMITS = max_lengths(RedTeamAttestation, ["assessor"])


def problem(code: str, field: str, *, shape: bool = False, **values: Any) -> Problem:
    label = LABELS.get(field.rsplit(".", 1)[-1], field)
    message = MESSAGES[code].format(label=label, **values)
    return Problem(code=code, field=field, message=message, shape=shape)


def required(values: Mapping, fields: Iterable[tuple[str, str]], prefix: str) -> list[Problem]:
    return [problem(code, prefix + field) for field, code in fields if blank(values.get(field))]


def one_of(
    values: Mapping,
    field: str,
    allowed: Collection[str],
    code: str,
    prefix: str,
    *,
    stored_blank: bool = True,
) -> list[Problem]:
    """A choice from its list. A value not in the list can't be stored; no answer is missing
    (and can't be stored either where the column must hold a choice: not `stored_blank`)."""
    value = values.get(field)
    if isinstance(value, str) and value in allowed:
        return []
    unanswered = blank(value)
    return [problem(code, prefix + field, shape=not (unanswered and stored_blank))]


def items(value: Any) -> list:
    """The items of a list field; anything else has none (`lists` reports it)."""
    return value if isinstance(value, list) else []


def lists(values: Mapping, fields: Iterable[str], prefix: str) -> list[Problem]:
    """List fields given as something else (a bare string, a number) can't be stored as given."""
    return [
        problem("list_invalid", prefix + field, shape=True)
        for field in fields
        if not blank(values.get(field)) and not isinstance(values.get(field), list)
    ]


def each_in(
    values: Mapping, field: str, allowed: Collection[str], code: str, prefix: str
) -> list[Problem]:
    return [
        problem(code, prefix + field, shape=True, value=v)
        for v in items(values.get(field))
        if not (isinstance(v, str) and v in allowed)
    ]


def yes_or_no(values: Mapping, fields: Iterable[str], prefix: str) -> list[Problem]:
    """Yes/no answers are booleans (or not given yet): "maybe" can't be stored as one."""
    return [
        problem("yes_no_invalid", prefix + field, shape=True)
        for field in fields
        if values.get(field) is not None and not isinstance(values.get(field), bool)
    ]


def real_dates(values: Mapping, fields: Iterable[str], prefix: str) -> list[Problem]:
    """Dates given as text must be real ones: 2024-02-30 is not."""
    return [
        problem("date_invalid", prefix + field, shape=True)
        for field in fields
        if not blank(values.get(field)) and as_date(values.get(field)) is None
    ]


def not_too_long(values: Mapping, limits: Mapping[str, int], prefix: str) -> list[Problem]:
    return [
        problem("too_long", prefix + field, shape=True, max=limit)
        for field, limit in limits.items()
        if isinstance(values.get(field), str) and len(values[field]) > limit
    ]


def as_whole_number(value: Any) -> int | None:
    """A whole number from a number or its text ("12", not "12.5" or "1e3"), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value) if WHOLE_NUMBER.match(value) else None
    number = as_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def not_in_future(
    values: Mapping, fields: Iterable[str], prefix: str, today: date | None = None
) -> list[Problem]:
    today = today or timezone.localdate()
    found = []
    for field in fields:
        day = as_date(values.get(field))
        if day is not None and day > today:
            found.append(problem("date_in_future", prefix + field))
    return found


def exact_figure(values: Mapping, field: str) -> Decimal | int | None:
    """A size as a number (a whole one, for counts), or None if missing or not one."""
    raw = values.get(field)
    return as_decimal(raw) if field in HOURS_FIELDS else as_whole_number(raw)


def non_negative(values: Mapping, fields: Iterable[str], prefix: str) -> list[Problem]:
    """Sizes and totals: numbers (whole ones, for counts) of 0 or more that a column can hold.

    One that isn't a number, or is too big for its column, can't be stored; one below 0 can,
    and is a problem to fix before submitting."""
    found = []
    for field in fields:
        raw = values.get(field)
        if blank(raw):
            continue
        hours = field in HOURS_FIELDS
        number = exact_figure(values, field)
        if number is None:
            kind = "a number" if hours else "a whole number"
            found.append(problem("number_invalid", prefix + field, shape=True, kind=kind))
        elif number < 0:
            found.append(problem("number_negative", prefix + field))
        elif number > (MAX_HOURS if hours else MAX_COUNT):
            found.append(problem("number_too_large", prefix + field, shape=True))
    return found


# --- Models and lineage


def validate_model(values: Mapping) -> list[Problem]:
    problems = required(values, [("name", "name_required"), ("version", "version_required")], "")
    problems += not_too_long(values, MODEL_LIMITS, "")
    problems += lists(values, ["modalities_in", "modalities_out"], "")
    problems += real_dates(values, ["release_date"], "")
    problems += one_of(values, "model_type", choices.ModelType.values, "model_type_invalid", "")
    problems += one_of(
        values, "distribution", choices.Distribution.values, "distribution_invalid", ""
    )
    for field in ("modalities_in", "modalities_out"):
        if blank(values.get(field)):
            problems.append(problem(f"{field}_required", field))
        problems += each_in(values, field, choices.Modality.values, "modality_invalid", "")
    count = values.get("parameter_count")
    if (
        count is not None
        and count != ""
        and (not isinstance(count, int) or isinstance(count, bool) or not 0 < count <= MAX_COUNT)
    ):
        # The column holds a positive whole number, checked by the database too.
        problems.append(problem("parameter_count_invalid", "parameter_count", shape=True))
    return problems


def validate_dependency(values: Mapping, *, model_id: int | None = None) -> list[Problem]:
    registered = values.get("depends_on")
    external = str(values.get("external_name") or "").strip()
    problems = []
    if bool(registered) == bool(external):
        problems.append(problem("dependency_target_required", "depends_on"))
    elif model_id is not None and str(registered) == str(model_id):
        problems.append(problem("dependency_self", "depends_on"))
    problems += one_of(values, "relation", choices.Relation.values, "relation_invalid", "")
    return problems


# --- General information


def validate_general(values: Mapping) -> list[Problem]:
    problems = validate_sizes(values)
    problems += non_negative(values, choices.SIZE_TOTAL_FIELDS.values(), "")
    problems += required(
        values,
        [
            ("latest_collection_date", "latest_collection_date_required"),
            ("continuous_training", "continuous_training_required"),
            ("tdm_opt_out_measures", "tdm_opt_out_measures_required"),
            ("illegal_content_measures", "illegal_content_measures_required"),
            ("code_of_practice_signatory", "code_of_practice_signatory_required"),
        ],
        "",
    )
    problems += real_dates(values, ["latest_collection_date"], "")
    problems += yes_or_no(values, ["continuous_training", "code_of_practice_signatory"], "")
    problems += not_in_future(values, ["latest_collection_date"], "")
    problems += lists(values, ["languages", "content_types"], "")
    problems += validate_languages(items(values.get("languages")))
    problems += [
        problem("content_type_invalid", f"content_types.{i}", shape=True)
        for i, kind in enumerate(items(values.get("content_types")))
        if not isinstance(kind, str) or not 0 < len(kind.strip()) <= 100
    ]
    return problems


def validate_sizes(values: Mapping) -> list[Problem]:
    bands = values.get("training_data_size") or {}
    if not isinstance(bands, Mapping):
        return [problem("size_band_invalid", "training_data_size", shape=True)]
    if not bands:
        return [problem("size_band_missing", "training_data_size")]
    problems = []
    for modality, band in bands.items():
        field = f"training_data_size.{modality}"
        if not isinstance(band, str) or band not in choices.SIZE_BANDS.get(modality, {}):
            problems.append(problem("size_band_invalid", field, shape=True))
            continue
        figure = exact_figure(values, choices.SIZE_TOTAL_FIELDS[modality])
        if (
            figure is not None
            and figure >= 0
            and choices.size_band_for(modality, float(figure)) != band
        ):
            problems.append(problem("size_band_mismatch", field, value=f"{figure:,}"))
    return problems


def validate_languages(languages: list) -> list[Problem]:
    problems, seen, total = [], set(), Decimal(0)
    for i, entry in enumerate(languages):
        code = entry.get("code") if isinstance(entry, Mapping) else None
        if not isinstance(code, str):  # not even text: nothing to keep
            problems.append(
                problem("language_invalid", f"languages.{i}.code", shape=True, value=code)
            )
            continue
        if not is_language_code(code):
            problems.append(problem("language_invalid", f"languages.{i}.code", value=code))
            continue
        if code in seen:
            problems.append(problem("language_duplicate", f"languages.{i}.code", value=code))
        seen.add(code)
        raw = entry.get("share_percent")
        share = as_decimal(raw)
        if share is None or not 0 <= share <= 100:
            # Not a number can't be kept; a number out of range can, to be corrected.
            shape = raw is not None and share is None
            problems.append(
                problem(
                    "language_share_invalid",
                    f"languages.{i}.share_percent",
                    shape=shape,
                    value=code,
                )
            )
        else:
            total += share
    if total > 100 + SHARE_TOLERANCE:
        problems.append(problem("language_shares_over_100", "languages"))
    return problems


# --- Data sources

# The four dates of a source (collection start and end, first used) are asked for but optional
# (DESIGN §3.3): providers often don't know them for a public dataset, and an invented date is
# worse than none. When given they must be real, in order and not in the future.
SOURCE_REQUIRED = [
    ("name", "source_name_required"),
    ("description", "description_required"),
    ("modalities", "modalities_required"),
    ("share_percent", "share_required"),
    ("purpose", "purpose_required"),
]
# Enum `.values` builds a new list on every read; rules run for each of thousands of rows.
SOURCE_CATEGORIES = frozenset(choices.SourceCategory.values)
ANSWERS = frozenset(choices.YesNoUnknown.values)
SOURCE_CHOICES = [
    ("licence_use_category", frozenset(choices.LicenceUse.values), "licence_use_invalid"),
    ("acquisition", frozenset(choices.Acquisition.values), "acquisition_invalid"),
    ("personal_data", ANSWERS, "personal_data_invalid"),
    ("ip_status", frozenset(choices.IpStatus.values), "ip_status_invalid"),
]
MODALITIES = frozenset(choices.Modality.values)
PROCESSING = frozenset(choices.Processing.values)
SOURCE_DATES = ["collection_start", "collection_end", "first_used_on"]
SOURCE_YES_NO = [
    "collection_ongoing",
    "aggregate_consumer_data",
    "robots_txt_respected",
    "tdm_opt_out_respected",
    "confidential",
]
SOURCE_LISTS = [
    "modalities",
    "processing",
    "languages",
    "countries",
    "top_domains",
    "generator_models",
]


def validate_source(values: Mapping, prefix: str = "", today: date | None = None) -> list[Problem]:
    """Every rule for one data source; `prefix` places its fields within a filing.

    `today` (the register's local date) may be given by a caller checking thousands of sources.
    """
    problems = required(values, SOURCE_REQUIRED, prefix)
    # A source is stored with its kind: the database holds none without one.
    problems += one_of(
        values,
        "category",
        SOURCE_CATEGORIES,
        "category_invalid",
        prefix,
        stored_blank=False,
    )
    problems += not_too_long(values, SOURCE_LIMITS, prefix)
    problems += lists(values, SOURCE_LISTS, prefix)
    problems += yes_or_no(values, SOURCE_YES_NO, prefix)
    for field, allowed, code in SOURCE_CHOICES:
        problems += one_of(values, field, allowed, code, prefix)
    problems += each_in(values, "modalities", MODALITIES, "modality_invalid", prefix)
    problems += each_in(values, "processing", PROCESSING, "processing_invalid", prefix)
    problems += [
        problem("language_invalid", f"{prefix}languages", value=code)
        for code in items(values.get("languages"))
        if not (isinstance(code, str) and is_language_code(code))
    ]
    problems += [
        problem("country_invalid", f"{prefix}countries", value=code)
        for code in items(values.get("countries"))
        if not (isinstance(code, str) and is_country_code(code))
    ]
    problems += non_negative(values, ["size_tokens", "size_records", "size_bytes"], prefix)
    problems += validate_share(values, prefix)
    problems += validate_collection_dates(values, prefix, today)
    problems += validate_rights(values, prefix)
    url = values.get("url") or ""
    if url and not (isinstance(url, str) and re.match(r"^https?://[^\s/]+", url)):
        problems.append(problem("url_invalid", prefix + "url"))
    if values.get("personal_data") == choices.YesNoUnknown.YES and blank(
        values.get("personal_data_measures")
    ):
        problems.append(
            problem("personal_data_measures_required", prefix + "personal_data_measures")
        )
    if values.get("confidential") and blank(values.get("confidentiality_reason")):
        problems.append(
            problem("confidentiality_reason_required", prefix + "confidentiality_reason")
        )
    if values.get("category") == choices.SourceCategory.WEB_CRAWL:
        problems += validate_crawl(values, prefix)
    if values.get("category") == choices.SourceCategory.SYNTHETIC:
        problems += validate_generators(values, prefix)
    return problems


def validate_share(values: Mapping, prefix: str) -> list[Problem]:
    """A share is a number from 0 to 100: the column holds nothing else (a database check)."""
    raw = values.get("share_percent")
    share = as_decimal(raw)
    if blank(raw):
        return []
    if share is None or not 0 <= share <= 100 or share != round(share, 3):
        return [problem("share_invalid", prefix + "share_percent", shape=True)]
    return []


def validate_collection_dates(values: Mapping, prefix: str, today: date | None) -> list[Problem]:
    problems = real_dates(values, SOURCE_DATES, prefix)
    problems += not_in_future(values, SOURCE_DATES, prefix, today)
    start, end = as_date(values.get("collection_start")), as_date(values.get("collection_end"))
    if start and end and end < start:
        problems.append(problem("collection_dates_order", prefix + "collection_end"))
    return problems


def validate_rights(values: Mapping, prefix: str) -> list[Problem]:
    """Licensed or purchased data needs its owner and licence; any licence given must be SPDX."""
    problems = []
    paid = values.get("category") == choices.SourceCategory.LICENSED or values.get(
        "acquisition"
    ) in (
        choices.Acquisition.PURCHASED,
        choices.Acquisition.LICENSED,
    )
    if paid:
        problems += required(
            values, [("owner", "owner_required"), ("licence", "licence_required")], prefix
        )
    licence = values.get("licence") or ""
    if licence:
        error = licence_error(licence)
        if error:
            problems.append(problem("licence_invalid", prefix + "licence", value=error))
    return problems


def validate_crawl(values: Mapping, prefix: str) -> list[Problem]:
    problems = required(
        values,
        [
            ("crawler_name", "crawler_name_required"),
            ("crawler_user_agent", "crawler_user_agent_required"),
            ("robots_txt_respected", "robots_txt_respected_required"),
            ("tdm_opt_out_respected", "tdm_opt_out_respected_required"),
            ("top_domains", "top_domains_required"),
        ],
        prefix,
    )
    bad = [
        (i, host)
        for i, host in enumerate(items(values.get("top_domains")))
        if not (isinstance(host, str) and HOSTNAME.match(host))
    ]
    # A list may be thousands long: name the first few bad ones rather than drown the page.
    problems += [
        problem("top_domain_invalid", f"{prefix}top_domains.{i}", value=host)
        for i, host in bad[:MAX_TOP_DOMAIN_PROBLEMS]
    ]
    return problems


def validate_generators(values: Mapping, prefix: str) -> list[Problem]:
    generators = values.get("generator_models")
    if blank(generators):
        return [problem("generator_models_required", prefix + "generator_models")]
    problems = []
    for i, generator in enumerate(items(generators)):
        field = f"{prefix}generator_models.{i}"
        if not isinstance(generator, Mapping):
            problems.append(problem("generator_name_required", field + ".name", shape=True))
            continue
        if blank(str(generator.get("name") or "").strip()):
            problems.append(problem("generator_name_required", field + ".name"))
        terms = generator.get("terms_permit_training")
        if not (isinstance(terms, str) and terms in ANSWERS):
            problems.append(
                problem(
                    "generator_terms_invalid",
                    field + ".terms_permit_training",
                    shape=not blank(terms),
                )
            )
    return problems


def validate_source_shares(sources: list[Mapping]) -> list[Problem]:
    if not sources:
        return [problem("sources_required", "sources")]
    read = [as_decimal(s.get("share_percent")) for s in sources]
    shares = [share for share in read if share is not None]
    if len(shares) < len(read):
        return []  # each missing share is already its own problem
    total = sum(shares, Decimal(0))
    if abs(total - 100) > SHARE_TOLERANCE:
        return [problem("shares_total", "sources", value=f"{total.normalize():f}")]
    return []


# --- Supply chain, red-teaming, statement of truth


def validate_party(values: Mapping, prefix: str = "") -> list[Problem]:
    problems = required(values, [("name", "party_name_required")], prefix)
    problems += not_too_long(values, PARTY_LIMITS, prefix)
    # A party is stored with its role: the database holds none without one.
    problems += one_of(
        values, "role", choices.PartyRole.values, "party_role_invalid", prefix, stored_blank=False
    )
    country = values.get("country") or ""
    if country and not (isinstance(country, str) and is_country_code(country)):
        problems.append(problem("country_invalid", prefix + "country", value=country))
    number = values.get("company_number") or ""
    if country == "GB" and isinstance(number, str):
        # A UK party's number is a Companies House one, judged as it would be written there.
        problems += problems_company_number(
            normalise_company_number(number), prefix + "company_number"
        )
    return problems


def validate_attestation(values: Mapping, prefix: str = "") -> list[Problem]:
    problems = required(
        values,
        [
            ("assessor", "assessor_required"),
            ("assessor_independent", "assessor_independent_required"),
            ("scope", "scope_required"),
            ("performed_on", "performed_on_required"),
            ("summary", "summary_required"),
        ],
        prefix,
    )
    problems += not_too_long(values, ATTESTATION_LIMITS, prefix)
    problems += lists(values, ["scope"], prefix)
    problems += yes_or_no(values, ["assessor_independent"], prefix)
    problems += each_in(values, "scope", choices.RedTeamScope.values, "scope_invalid", prefix)
    problems += one_of(values, "outcome", choices.RedTeamOutcome.values, "outcome_invalid", prefix)
    problems += real_dates(values, ["performed_on", "next_due"], prefix)
    problems += not_in_future(values, ["performed_on"], prefix)
    performed, due = as_date(values.get("performed_on")), as_date(values.get("next_due"))
    if performed and due and due <= performed:
        problems.append(problem("next_due_order", prefix + "next_due"))
    return problems


def validate_declaration(data: Mapping) -> list[Problem]:
    """Every problem that stops a declaration being submitted (data: `declaration_data`)."""
    sources = data.get("sources") or []
    problems = validate_general(data)
    today = timezone.localdate()
    for i, source in enumerate(sources):
        problems += validate_source(source, prefix=f"sources.{i}.", today=today)
    problems += validate_source_shares(sources)
    for i, party in enumerate(data.get("supply_chain") or []):
        problems += validate_party(party, prefix=f"supply_chain.{i}.")
    for i, attestation in enumerate(data.get("red_team_attestations") or []):
        problems += validate_attestation(attestation, prefix=f"red_team_attestations.{i}.")
    problems += validate_statement_of_truth(data)
    return problems
