"""California AB 2013's training data documentation, drawn from a published label.

California Civil Code section 3111(a), added by AB 2013 (2024, "Generative Artificial
Intelligence Training Data Transparency"), asks the developer of a generative AI system or service
for a high-level summary of the datasets used in its development: twelve items, (a)(1)(A) to (L),
headed here in the statute's words. Each public source of the label is a dataset; the
confidential sources are one entry, counted and never named. It reads the label document alone
(`selectors.export_label`), so it holds nothing the label doesn't publish.

    item                                 a public source                 the confidential sources
    (A) sources or owners                owner, url, dataset_version;    how many, of which kinds
                                         its crawler and top domains;
                                         its generator models
    (B) how they further the purpose     purpose                         withheld
    (C) number of data points            training_data.size_bands (the   their share together
                                         register publishes bands only)
                                         and the source's share
    (D) types of data points             modalities, languages,          their kinds of source
                                         description
    (E) copyright, trademark, patent     ip_status, licence              ip_status counts, less
        or public domain                                                 the public sources'
    (F) purchased or licensed            acquisition, licence            withheld
    (G) personal information             personal_data, its measures     personal_data counts, less
                                                                         the public sources'
    (H) aggregate consumer information   aggregate_consumer_data         the count, less the
                                                                         public sources'
    (I) cleaning, processing and its     processing, processing_notes    withheld
        purpose
    (J) time period of collection, and   collection_start, _end,         withheld
        a notice if ongoing              _ongoing
    (K) dates first used                 first_used_on                   withheld
    (L) synthetic data generation        category synthetic (or          how many are synthetic
                                         acquisition generated), with    (composition)
                                         synthetic.generators

The system as a whole (`system`): the developer (provider), the system (model, its MOD- number,
release date, distribution), its intended purpose (model.intended_uses, which (B) refers to), the
training data's size bands, its latest collection date and continuous training, and (L) for the
system: the synthetic share of the mix and every generator the label names.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.urls import reverse

from registry.declarations.choices import SIZE_BANDS, Modality
from registry.exchange.eu_summary import (
    NOT_DECLARED,
    WITHHELD,
    collection_period,
    decimal,
    identity,
    long_date,
    plural,
    share_of_mix,
    tombstone,
    unique_generators,
)
from registry.labels.templatetags.label_display import (
    choice_label,
    language_name,
    licence_name,
    percent,
)

STATUTE = {
    "citation": "California Civil Code section 3111(a)",
    "act": "AB 2013 (2024), Generative Artificial Intelligence Training Data Transparency",
}

# The statute's items of (a)(1), in its words.
ITEMS = [
    ("A", "The sources or owners of the datasets."),
    (
        "B",
        "A description of how the datasets further the intended purpose of the artificial "
        "intelligence system or service.",
    ),
    (
        "C",
        "The number of data points included in the datasets, which may be in general ranges, "
        "and with estimated figures for dynamic datasets.",
    ),
    ("D", "A description of the types of data points within the datasets."),
    (
        "E",
        "Whether the datasets include any data protected by copyright, trademark, or patent, or "
        "whether the datasets are entirely in the public domain.",
    ),
    ("F", "Whether the datasets were purchased or licensed by the developer."),
    (
        "G",
        "Whether the datasets include personal information, as defined in subdivision (v) of "
        "Section 1798.140.",
    ),
    (
        "H",
        "Whether the datasets include aggregate consumer information, as defined in subdivision "
        "(b) of Section 1798.140.",
    ),
    (
        "I",
        "Whether there was any cleaning, processing, or other modification to the datasets by "
        "the developer, including the intended purpose of those efforts in relation to the "
        "artificial intelligence system or service.",
    ),
    (
        "J",
        "The time period during which the data in the datasets were collected, including a "
        "notice if the data collection is ongoing.",
    ),
    (
        "K",
        "The dates the datasets were first used during the development of the artificial "
        "intelligence system or service.",
    ),
    (
        "L",
        "Whether the generative artificial intelligence system or service used or continuously "
        "uses synthetic data generation in its development.",
    ),
]
NOT_STATED = "Not stated"

IP_ANSWERS = {
    "copyrighted": "Yes: it includes data protected by copyright.",
    "mixed": "Yes: it mixes data protected by copyright with data in the public domain.",
    "public_domain": "No: it is entirely in the public domain.",
    "own": "It is the developer's own data, whose rights the developer holds.",
    "unknown": "Unknown: the developer did not know.",
}
IP_COUNTED = {
    "copyrighted": "protected by copyright",
    "mixed": "mixed",
    "public_domain": "entirely in the public domain",
    "own": "the developer's own",
    "unknown": "unknown",
}
ACQUISITION_ANSWERS = {
    "purchased": "Purchased.",
    "licensed": "Licensed.",
    "public": "Neither: publicly available.",
    "scraped": "Neither: collected by crawling the web.",
    "user_provided": "Neither: provided by users.",
    "generated": "Neither: generated.",
    "internal": "Neither: the developer's own data.",
}
PERSONAL_ANSWERS = {
    "yes": "Yes.",
    "no": "No.",
    "unknown": "Unknown: the developer did not know.",
}
# What each of the register's processing steps is for, as the register defines them.
PROCESSING_PURPOSES = {
    "deduplication": "to remove repeated content",
    "pii_filtering": "to remove personal information",
    "toxicity_filtering": "to remove toxic or harmful content",
    "quality_filtering": "to keep well-formed, useful content",
    "decontamination": "to keep evaluation benchmarks out of the training data",
    "other": "as the notes say",
}
# (A) names this many of a crawl's top domains in words; its value lists every one.
DOMAINS_IN_WORDS = 10


def ab2013(label: dict[str, Any]) -> dict[str, Any]:
    """The statute's documentation of a published label; a tombstone if it was withdrawn."""
    if label["withdrawn"]:
        return tombstone(label)
    named = sorted(label["sources"], key=lambda s: -decimal(s["share_percent"]))
    found = details(label)
    datasets = [dataset(label, source, *found[id(source)]) for source in named]
    if label["confidential_sources"]["count"]:
        datasets.append(withheld_sources(label))
    return {
        "kind": "ab2013",
        "statute": STATUTE,
        **identity(label),
        "links": links(label),
        "snapshot_sha256": label["snapshot_sha256"],
        "system": system(label),
        "datasets": datasets,
    }


def links(label: dict[str, Any]) -> dict[str, str]:
    """Where the label lives, in full, as the JSON is read away from the site."""
    number, version = label["model"]["registration_number"], label["version"]
    return {
        "label": settings.SITE_URL + reverse("labels:model-version", args=[number, version]),
        "label_json": settings.SITE_URL
        + reverse("labels:model-version-json", args=[number, version]),
    }


def entry(key: str, heading: str, answer: str, value: Any) -> dict[str, Any]:
    return {"key": key, "heading": heading, "answer": answer, "value": value}


def answers(values: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The twelve items, each with the statute's words, the answer in words and as data."""
    return [
        {
            "item": letter,
            "number": number,
            "statute": words,
            "answer": answer,
            "value": value,
        }
        for number, ((letter, words), (answer, value)) in enumerate(
            zip(ITEMS, values, strict=True), start=1
        )
    ]


# --- The system as a whole


def system(label: dict[str, Any]) -> list[dict[str, Any]]:
    model, provider, training = label["model"], label["provider"], label["training_data"]
    developer = provider["legal_name"]
    if provider["name"] != provider["legal_name"]:
        developer += f", trading as {provider['name']}"
    count = label["confidential_sources"]["count"]
    datasets = plural(len(label["sources"]), "named dataset")
    if count:
        datasets += f" and {plural(count, 'confidential source')} counted together, not named"
    return [
        entry("developer", "Developer", f"{developer} ({provider['registration_number']})", None),
        entry(
            "system",
            "Generative AI system or service",
            f"{model['name']} {model['version']} ({model['registration_number']}), label version "
            f"{label['version']} accepted on {long_date(label['accepted_on'])}",
            None,
        ),
        entry(
            "release_date",
            "Released",
            long_date(model["release_date"]) or NOT_DECLARED,
            model["release_date"],
        ),
        entry(
            "distribution",
            "Made available",
            choice_label(model["distribution"], "distribution"),
            model["distribution"],
        ),
        entry(
            "intended_purpose",
            "Intended purpose",
            model["intended_uses"] or NOT_DECLARED,
            model["intended_uses"],
        ),
        entry("datasets", "Datasets", datasets, len(label["sources"]) + bool(count)),
        entry(
            "size",
            "Size of the training data",
            size_bands(label) or NOT_DECLARED,
            training["size_bands"],
        ),
        entry(
            "collection",
            "Data collection",
            collection(training),
            {
                "latest_collection_date": training["latest_collection_date"],
                "continuous_training": training["continuous_training"],
            },
        ),
        system_synthetic(label),
    ]


def size_bands(label: dict[str, Any]) -> str:
    return "; ".join(
        f"{Modality(band['modality']).label}: "
        + SIZE_BANDS.get(band["modality"], {}).get(band["band"], band["band"]).lower()
        for band in label["training_data"]["size_bands"]
    )


def collection(training: dict[str, Any]) -> str:
    latest = long_date(training["latest_collection_date"])
    said = f"Latest collected on {latest}." if latest else "Latest collection date not declared."
    if training["continuous_training"]:
        said += " The system is trained continuously on new data."
    elif training["continuous_training"] is False:
        said += " The system is not trained continuously on new data."
    return said


def system_synthetic(label: dict[str, Any]) -> dict[str, Any]:
    synthetic = label["synthetic"]
    generators = unique_generators(synthetic["generators"])
    if not synthetic["sources"]:
        answer = "No: no synthetic data is declared to the register."
    else:
        answer = (
            f"Yes: {plural(synthetic['sources'], 'synthetic source')}, "
            f"{percent(synthetic['share_percent'])} of the training mix"
        )
        if generators:
            answer += ", generated with " + ", ".join(
                f"{g['name']} ({g['provider']})" for g in generators
            )
        if label["facts"]["synthetic"]["unnamed_generators"]:
            answer += "; the generators of confidential sources are not named"
        answer += "."
        if label["training_data"]["continuous_training"]:
            answer += " The system is trained continuously."
    return entry(
        "synthetic_data",
        "(L) Synthetic data generation in the system's development",
        answer,
        {
            "synthetic_sources": synthetic["sources"],
            "share_percent": synthetic["share_percent"],
            "generator_models": generators,
        },
    )


# --- A public source


def details(label: dict[str, Any]) -> dict[int, tuple[dict | None, list[dict]]]:
    """Each public source's crawl and generator models, by the source's identity: the label
    lists its public crawls and generators in the order of its web_crawl and synthetic sources."""
    crawls = iter(label["crawling"]["crawls"])
    generators = iter(label["synthetic"]["generators"])
    found: dict[int, tuple[dict | None, list[dict]]] = {}
    for source in label["sources"]:
        crawl = next(crawls) if source["category"] == "web_crawl" else None
        made = next(generators)["generator_models"] if source["category"] == "synthetic" else []
        found[id(source)] = (crawl, made)
    return found


def dataset(
    label: dict[str, Any],
    source: dict[str, Any],
    crawl: dict[str, Any] | None,
    generators: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "kind": "dataset",
        "name": source["name"],
        "category": source["category"],
        "category_label": choice_label(source["category"], "category"),
        "share_percent": source["share_percent"],
        "items": answers(
            [
                sources_or_owners(source, crawl, generators),
                (source["purpose"] or NOT_DECLARED, source["purpose"]),
                data_points(label, source),
                types_of_data(source),
                protected(source),
                purchased_or_licensed(source),
                personal_information(source),
                (
                    "Yes." if source["aggregate_consumer_data"] else "No.",
                    source["aggregate_consumer_data"],
                ),
                processing(source),
                collected(source),
                (
                    long_date(source["first_used_on"]) or NOT_STATED,
                    source["first_used_on"],
                ),
                synthetic(source, generators),
            ]
        ),
    }


def sources_or_owners(
    source: dict[str, Any], crawl: dict[str, Any] | None, generators: list[dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    said, value = [], {key: source[key] for key in ("owner", "url", "dataset_version")}
    if source["owner"]:
        said.append(f"Owner: {source['owner']}.")
    if crawl:
        domains = crawl["top_domains"]
        shown = ", ".join(domains[:DOMAINS_IN_WORDS])
        more = len(domains) - DOMAINS_IN_WORDS
        said.append(
            f"Crawled from the web by {crawl['crawler_name']} ({crawl['crawler_user_agent']}); "
            f"the largest domains: {shown or 'none stated'}"
            + (f" and {more} more." if more > 0 else ".")
        )
        value |= {key: crawl[key] for key in ("crawler_name", "crawler_user_agent", "top_domains")}
    if generators:
        said.append(
            "Generated with "
            + ", ".join(f"{g['name']} ({g['provider']})" for g in generators)
            + "."
        )
        value["generator_models"] = generators
    if source["url"]:
        said.append(f"Address: {source['url']}.")
    if source["dataset_version"]:
        said.append(f"Version: {source['dataset_version']}.")
    return (" ".join(said) or NOT_DECLARED, value)


def data_points(label: dict[str, Any], source: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    answer = (
        "Not published as a count: the register publishes sizes in bands only. The training "
        f"data as a whole: {size_bands(label) or 'its size band is not declared'}. This dataset: "
        f"{share_of_mix(source['share_percent'])}."
    )
    if source["collection_ongoing"]:
        answer += " Its collection is ongoing, so the figures are estimates."
    return answer, {
        "size_bands": label["training_data"]["size_bands"],
        "share_percent": source["share_percent"],
    }


def types_of_data(source: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    modalities = ", ".join(str(Modality(m).label) for m in source["modalities"])
    languages = ", ".join(language_name(code) for code in source["languages"])
    answer = f"Modalities: {modalities or NOT_STATED.lower()}. "
    answer += f"Languages: {languages or NOT_STATED.lower()}."
    if source["description"]:
        answer += f" {source['description']}"
    return answer, {key: source[key] for key in ("modalities", "languages", "description")}


def protected(source: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    answer = IP_ANSWERS.get(source["ip_status"], NOT_DECLARED)
    if source["licence"]:
        answer += f" Licence: {licence_name(source['licence'])}."
    return answer, {key: source[key] for key in ("ip_status", "licence")}


def purchased_or_licensed(source: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    answer = ACQUISITION_ANSWERS.get(source["acquisition"], NOT_DECLARED)
    if source["acquisition"] in ("purchased", "licensed") and source["licence"]:
        answer += f" Licence: {licence_name(source['licence'])}."
    return answer, {"acquisition": source["acquisition"]}


def personal_information(source: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    answer = PERSONAL_ANSWERS.get(source["personal_data"], NOT_DECLARED)
    if source["personal_data_measures"]:
        answer += f" Measures: {source['personal_data_measures']}"
    return answer, {key: source[key] for key in ("personal_data", "personal_data_measures")}


def processing(source: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    steps = [
        f"{choice_label(step, 'processing')} ({PROCESSING_PURPOSES.get(step, '')})"
        for step in source["processing"]
    ]
    answer = ("Yes: " + "; ".join(steps) + ".") if steps else "None declared to the register."
    if source["processing_notes"]:
        answer += f" Notes: {source['processing_notes']}"
    return answer, {key: source[key] for key in ("processing", "processing_notes")}


def collected(source: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    period = collection_period(source).removesuffix("; collection is ongoing")
    answer = period[0].upper() + period[1:] + "."
    if source["collection_ongoing"]:
        answer += " Notice: the data collection is ongoing."
    fields = ("collection_start", "collection_end", "collection_ongoing")
    return answer, {key: source[key] for key in fields}


def synthetic(
    source: dict[str, Any], generators: list[dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    made = source["category"] == "synthetic" or source["acquisition"] == "generated"
    if not made:
        return "No: this dataset is not synthetic data.", {"synthetic": False}
    answer = "Yes: this dataset is synthetic data"
    if generators:
        answer += ", generated with " + ", ".join(
            f"{g['name']} ({g['provider']})" for g in generators
        )
    return answer + ".", {"synthetic": True, "generator_models": generators}


# --- The confidential sources, together


def withheld_sources(label: dict[str, Any]) -> dict[str, Any]:
    """One entry for every confidential source: what the label counts of them, never a name.

    The label's counts (IP status, personal data, aggregate consumer information) cover every
    source; the public sources' own answers, taken away, leave the confidential ones'.
    """
    summary = label["confidential_sources"]
    count = summary["count"]
    kinds = {
        row["category"]: row["confidential_sources"]
        for row in label["composition"]
        if row["confidential_sources"]
    }
    kinds_said = ", ".join(
        f"{choice_label(category, 'category').lower()} ({n})" for category, n in kinds.items()
    )
    ip = remaining(label["ip_status"], label["sources"], "ip_status")
    personal = remaining(
        {k: label["personal_data"][k] for k in PERSONAL_ANSWERS}, label["sources"], "personal_data"
    )
    consumer = max(
        label["personal_data"]["aggregate_consumer_data"]
        - sum(1 for s in label["sources"] if s["aggregate_consumer_data"]),
        0,
    )
    withheld = (f"{WITHHELD}.", None)
    return {
        "kind": "confidential_sources",
        "name": f"Confidential sources ({count})",
        "category": None,
        "category_label": "Confidential",
        "share_percent": summary["share_percent"],
        "items": answers(
            [
                (
                    f"{WITHHELD}: {plural(count, 'source')}, not named. Kinds of source: "
                    f"{kinds_said}.",
                    {"sources": count, "categories": kinds},
                ),
                withheld,
                (
                    "Not published as a count: the register publishes sizes in bands only. "
                    f"Together they are {percent(summary['share_percent'])} of the training mix.",
                    {"share_percent": summary["share_percent"]},
                ),
                (f"Kinds of source: {kinds_said}. The rest is withheld.", {"categories": kinds}),
                (f"Of the {count}: {counted(ip, IP_COUNTED)}.", {"ip_status": ip}),
                withheld,
                (
                    f"Of the {count}: {counted(personal, PERSONAL_COUNTED)}.",
                    {"personal_data": personal},
                ),
                (
                    f"Of the {count}: {consumer} with aggregate consumer information.",
                    {"aggregate_consumer_data": consumer},
                ),
                withheld,
                withheld,
                withheld,
                (
                    f"Of the {count}: {kinds.get('synthetic', 0)} synthetic.",
                    {"synthetic_sources": kinds.get("synthetic", 0)},
                ),
            ]
        ),
    }


PERSONAL_COUNTED = {
    "yes": "with personal information",
    "no": "without",
    "unknown": "unknown",
}


def remaining(totals: dict[str, int], sources: list[dict[str, Any]], field: str) -> dict[str, int]:
    """Counts over every source, less the public sources' own: the confidential sources'."""
    public = Counter(s[field] if s[field] in totals else "unknown" for s in sources)
    return {key: max(total - public[key], 0) for key, total in totals.items()}


def counted(counts: dict[str, int], words: dict[str, str]) -> str:
    said = [f"{n} {words[key]}" for key, n in counts.items() if n]
    return ", ".join(said) or "none"
