"""Rules for models and provenance declarations. Pure: values in, problems with stable codes out.

The same rules serve the web forms' error summaries, the API's problem+json, the pre-submission
checklist and the submit gate. A problem's field is a dotted path into the filing as serialised by
`selectors.declaration_data` (e.g. `sources.3.licence`); the API turns it into a JSON pointer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from registry.declarations import choices
from registry.filings.validation import as_date, as_decimal, blank, validate_statement_of_truth
from registry.lib.codes import is_country_code, is_language_code
from registry.lib.licences import licence_error
from registry.lib.problems import Problem

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
    "collection_start_required": "Enter when collection started",
    "collection_end_required": "Enter when collection ended, or say it is ongoing",
    "collection_dates_order": "Collection must end on or after the day it started",
    "first_used_on_required": "Enter the date the data was first used to train",
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
    "text": "text",
    "image": "images",
    "audio": "audio",
    "video": "video",
}


def problem(code: str, field: str, **values: Any) -> Problem:
    label = LABELS.get(field.rsplit(".", 1)[-1], field)
    return Problem(code=code, field=field, message=MESSAGES[code].format(label=label, **values))


def required(values: Mapping, fields: Iterable[tuple[str, str]], prefix: str) -> list[Problem]:
    return [problem(code, prefix + field) for field, code in fields if blank(values.get(field))]


def one_of(
    values: Mapping, field: str, allowed: Iterable[str], code: str, prefix: str
) -> list[Problem]:
    return [] if values.get(field) in set(allowed) else [problem(code, prefix + field)]


def each_in(
    values: Mapping, field: str, allowed: Iterable[str], code: str, prefix: str
) -> list[Problem]:
    allowed = set(allowed)
    return [
        problem(code, prefix + field, value=v) for v in values.get(field) or [] if v not in allowed
    ]


def not_in_future(values: Mapping, fields: Iterable[str], prefix: str) -> list[Problem]:
    today = timezone.localdate()
    found = []
    for field in fields:
        day = as_date(values.get(field))
        if day is not None and day > today:
            found.append(problem("date_in_future", prefix + field))
    return found


def non_negative(values: Mapping, fields: Iterable[str], prefix: str) -> list[Problem]:
    found = []
    for field in fields:
        number = as_decimal(values.get(field))
        if number is not None and number < 0:
            found.append(problem("number_negative", prefix + field))
    return found


# --- Models and lineage


def validate_model(values: Mapping) -> list[Problem]:
    problems = required(values, [("name", "name_required"), ("version", "version_required")], "")
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
        and (not isinstance(count, int) or isinstance(count, bool) or count <= 0)
    ):
        problems.append(problem("parameter_count_invalid", "parameter_count"))
    return problems


def validate_dependency(values: Mapping, *, model_id: int | None = None) -> list[Problem]:
    registered = values.get("depends_on")
    external = str(values.get("external_name") or "").strip()
    problems = []
    if bool(registered) == bool(external):
        problems.append(problem("dependency_target_required", "depends_on"))
    elif model_id is not None and registered == model_id:
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
    problems += not_in_future(values, ["latest_collection_date"], "")
    problems += validate_languages(values.get("languages") or [])
    problems += [
        problem("content_type_invalid", f"content_types.{i}")
        for i, kind in enumerate(values.get("content_types") or [])
        if not isinstance(kind, str) or not 0 < len(kind.strip()) <= 100
    ]
    return problems


def validate_sizes(values: Mapping) -> list[Problem]:
    bands = values.get("training_data_size") or {}
    if not isinstance(bands, Mapping) or not bands:
        return [problem("size_band_missing", "training_data_size")]
    problems = []
    for modality, band in bands.items():
        field = f"training_data_size.{modality}"
        if band not in choices.SIZE_BANDS.get(modality, {}):
            problems.append(problem("size_band_invalid", field))
            continue
        figure = as_decimal(values.get(choices.SIZE_TOTAL_FIELDS[modality]))
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
        if not isinstance(code, str) or not is_language_code(code):
            problems.append(problem("language_invalid", f"languages.{i}.code", value=code))
            continue
        if code in seen:
            problems.append(problem("language_duplicate", f"languages.{i}.code", value=code))
        seen.add(code)
        share = as_decimal(entry.get("share_percent"))
        if share is None or not 0 <= share <= 100:
            problems.append(
                problem("language_share_invalid", f"languages.{i}.share_percent", value=code)
            )
        else:
            total += share
    if total > 100 + SHARE_TOLERANCE:
        problems.append(problem("language_shares_over_100", "languages"))
    return problems


# --- Data sources

SOURCE_REQUIRED = [
    ("name", "source_name_required"),
    ("description", "description_required"),
    ("modalities", "modalities_required"),
    ("share_percent", "share_required"),
    ("collection_start", "collection_start_required"),
    ("first_used_on", "first_used_on_required"),
    ("purpose", "purpose_required"),
]
SOURCE_CHOICES = [
    ("category", choices.SourceCategory.values, "category_invalid"),
    ("licence_use_category", choices.LicenceUse.values, "licence_use_invalid"),
    ("acquisition", choices.Acquisition.values, "acquisition_invalid"),
    ("personal_data", choices.YesNoUnknown.values, "personal_data_invalid"),
    ("ip_status", choices.IpStatus.values, "ip_status_invalid"),
]
SOURCE_DATES = ["collection_start", "collection_end", "first_used_on"]


def validate_source(values: Mapping, prefix: str = "") -> list[Problem]:
    """Every rule for one data source; `prefix` places its fields within a filing."""
    problems = required(values, SOURCE_REQUIRED, prefix)
    for field, allowed, code in SOURCE_CHOICES:
        problems += one_of(values, field, allowed, code, prefix)
    problems += each_in(values, "modalities", choices.Modality.values, "modality_invalid", prefix)
    problems += each_in(
        values, "processing", choices.Processing.values, "processing_invalid", prefix
    )
    problems += [
        problem("language_invalid", f"{prefix}languages", value=code)
        for code in values.get("languages") or []
        if not (isinstance(code, str) and is_language_code(code))
    ]
    problems += [
        problem("country_invalid", f"{prefix}countries", value=code)
        for code in values.get("countries") or []
        if not (isinstance(code, str) and is_country_code(code))
    ]
    problems += non_negative(values, ["size_tokens", "size_records", "size_bytes"], prefix)
    problems += validate_share(values, prefix)
    problems += validate_collection_dates(values, prefix)
    problems += validate_rights(values, prefix)
    url = values.get("url") or ""
    if url and not re.match(r"^https?://[^\s/]+", url):
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
    raw = values.get("share_percent")
    share = as_decimal(raw)
    if blank(raw):
        return []
    if share is None or not 0 <= share <= 100:
        return [problem("share_invalid", prefix + "share_percent")]
    return []


def validate_collection_dates(values: Mapping, prefix: str) -> list[Problem]:
    problems = not_in_future(values, SOURCE_DATES, prefix)
    start, end = as_date(values.get("collection_start")), as_date(values.get("collection_end"))
    if not values.get("collection_ongoing") and end is None:
        problems.append(problem("collection_end_required", prefix + "collection_end"))
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
        for i, host in enumerate(values.get("top_domains") or [])
        if not (isinstance(host, str) and HOSTNAME.match(host))
    ]
    # A list may be thousands long: name the first few bad ones rather than drown the page.
    problems += [
        problem("top_domain_invalid", f"{prefix}top_domains.{i}", value=host)
        for i, host in bad[:MAX_TOP_DOMAIN_PROBLEMS]
    ]
    return problems


def validate_generators(values: Mapping, prefix: str) -> list[Problem]:
    generators = values.get("generator_models") or []
    if not generators:
        return [problem("generator_models_required", prefix + "generator_models")]
    problems = []
    for i, generator in enumerate(generators):
        field = f"{prefix}generator_models.{i}"
        generator = generator if isinstance(generator, Mapping) else {}
        if blank(str(generator.get("name") or "").strip()):
            problems.append(problem("generator_name_required", field + ".name"))
        if generator.get("terms_permit_training") not in choices.YesNoUnknown.values:
            problems.append(problem("generator_terms_invalid", field + ".terms_permit_training"))
    return problems


def validate_source_shares(sources: list[Mapping]) -> list[Problem]:
    if not sources:
        return [problem("sources_required", "sources")]
    shares = [as_decimal(s.get("share_percent")) for s in sources]
    if any(share is None for share in shares):
        return []  # each missing share is already its own problem
    total = sum(shares, Decimal(0))
    if abs(total - 100) > SHARE_TOLERANCE:
        return [problem("shares_total", "sources", value=f"{total.normalize():f}")]
    return []


# --- Supply chain, red-teaming, statement of truth


def validate_party(values: Mapping, prefix: str = "") -> list[Problem]:
    problems = required(values, [("name", "party_name_required")], prefix)
    problems += one_of(values, "role", choices.PartyRole.values, "party_role_invalid", prefix)
    country = values.get("country") or ""
    if country and not is_country_code(country):
        problems.append(problem("country_invalid", prefix + "country", value=country))
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
    problems += each_in(values, "scope", choices.RedTeamScope.values, "scope_invalid", prefix)
    problems += one_of(values, "outcome", choices.RedTeamOutcome.values, "outcome_invalid", prefix)
    problems += not_in_future(values, ["performed_on"], prefix)
    performed, due = as_date(values.get("performed_on")), as_date(values.get("next_due"))
    if performed and due and due <= performed:
        problems.append(problem("next_due_order", prefix + "next_due"))
    return problems


def validate_declaration(data: Mapping) -> list[Problem]:
    """Every problem that stops a declaration being submitted (data: `declaration_data`)."""
    sources = data.get("sources") or []
    problems = validate_general(data)
    for i, source in enumerate(sources):
        problems += validate_source(source, prefix=f"sources.{i}.")
    problems += validate_source_shares(sources)
    for i, party in enumerate(data.get("supply_chain") or []):
        problems += validate_party(party, prefix=f"supply_chain.{i}.")
    for i, attestation in enumerate(data.get("red_team_attestations") or []):
        problems += validate_attestation(attestation, prefix=f"red_team_attestations.{i}.")
    problems += validate_statement_of_truth(data)
    return problems
