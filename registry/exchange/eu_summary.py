"""The EU AI Office's public summary of training content, drawn from a published label.

The European Commission's "Template for the Public Summary of Training Content for
general-purpose AI models" (AI Office, July 2025), which Article 53(1)(d) of Regulation (EU)
2024/1689 (the AI Act) requires, in the template's own sections and numbering. It reads the label
document alone (`selectors.export_label`), so it can hold nothing the label doesn't publish. Where
the register holds no answer to one of the template's questions, the answer says so
(NOT_DECLARED); no question is left out.

    template section                              from the label
    1.1 Provider identification                   provider (names, PRV- number, country); contact
                                                  details are on the provider's register page
    1.2 Model identification                      model (name, version, MOD- number, release
                                                  date); lineage.built_on as its dependencies
    1.3 Modalities, overall training data size    sources' modalities ("code" counts as text);
        and other characteristics                 training_data: size_bands (the register's bands
                                                  are the template's), content_types,
                                                  latest_collection_date, continuous_training,
                                                  languages; facts: personal data and copyright
    2.1 Publicly available datasets               category public_dataset: the large ones named
                                                  (over 3 % of the section's share in one of their
                                                  modalities), the others described together
    2.2.1 Commercially licensed by rightsholders  category licensed
    2.2.2 Private datasets from other third       category private_third_party
          parties
    2.3 Crawled and scraped from online sources   category web_crawl, with crawling.crawls
                                                  (crawler, user agent, robots.txt, TDM opt-outs,
                                                  top domains); proprietary or other, scraped
    2.4 User data                                 category user_data; proprietary or other,
                                                  provided by users
    2.5 Synthetic data                            category synthetic, with synthetic.generators;
                                                  proprietary or other, generated
    2.6 Other sources of data                     categories proprietary and other, acquired in
                                                  any other way
    3.1 Reservation of rights from the TDM        training_data.code_of_practice_signatory and
        exception or limitation                   tdm_opt_out_measures; crawling.robots_txt and
                                                  tdm_opt_out (every crawl counted)
    3.2 Removal of illegal content                training_data.illegal_content_measures

A confidential source is counted, with its share, in the section of its category and never
named: its share is its category's share (composition) less the public sources' shares of that
category. Its acquisition is withheld, so a confidential source of a catch-all category
(proprietary, other) stays in 2.6.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from registry.declarations.choices import SIZE_BANDS, Modality
from registry.labels.templatetags.label_display import (
    choice_label,
    country_name,
    language_name,
    licence_name,
    percent,
)

NOT_DECLARED = "Not declared to the register"
WITHHELD = "Withheld from the public with the regulator's leave"
NO_SOURCE = "No: no source of this kind is declared to the register"

TEMPLATE = {
    "title": "Template for the Public Summary of Training Content for general-purpose AI models",
    "publisher": "European Commission, AI Office",
    "published": "July 2025",
    "legal_basis": "Article 53(1)(d) of Regulation (EU) 2024/1689 (the AI Act)",
}

# The template's headings, by its own numbers.
TITLES = {
    "1": "General information",
    "1.1": "Provider identification",
    "1.2": "Model identification",
    "1.3": "Modalities, overall training data size and other characteristics",
    "2": "List of data sources",
    "2.1": "Publicly available datasets",
    "2.2": "Private non-publicly available datasets obtained from third parties",
    "2.2.1": "Datasets commercially licensed by rightsholders or their representatives",
    "2.2.2": "Private datasets obtained from other third parties",
    "2.3": "Data crawled and scraped from online sources",
    "2.4": "User data",
    "2.5": "Synthetic data",
    "2.6": "Other sources of data",
    "3": "Data processing aspects",
    "3.1": "Respect of reservation of rights from text and data mining exception or limitation",
    "3.2": "Removal of illegal content",
}

# Where each of the register's source categories goes in section 2.
CATEGORY_SECTIONS = {
    "public_dataset": "2.1",
    "licensed": "2.2.1",
    "private_third_party": "2.2.2",
    "web_crawl": "2.3",
    "user_data": "2.4",
    "synthetic": "2.5",
    "proprietary": "2.6",
    "other": "2.6",
}
# The catch-all categories say little of where data came from; their acquisition says more.
CATCH_ALL = {"proprietary", "other"}
ACQUISITION_SECTIONS = {"scraped": "2.3", "user_provided": "2.4", "generated": "2.5"}
SOURCE_SECTIONS = ["2.1", "2.2.1", "2.2.2", "2.3", "2.4", "2.5", "2.6"]

# The template's modalities; the register's "code" is text, and counted in the text size band.
TEMPLATE_MODALITIES = ["text", "image", "audio", "video", "other"]
REGISTER_MODALITY = {"code": "text"}
# "Large" publicly available datasets: over 3 % of those used for one modality.
LARGE_DATASET_PERCENT = Decimal(3)
# How many languages and licences a description names before it says "and N more".
NAMED_IN_DESCRIPTION = 10


def eu_summary(label: dict[str, Any]) -> dict[str, Any]:
    """The template's summary of a published label; a tombstone if the version was withdrawn."""
    if label["withdrawn"]:
        return tombstone(label)
    placed = placed_sources(label)
    return {
        "kind": "eu_summary",
        "template": TEMPLATE,
        **identity(label),
        "sections": [
            part(
                "1",
                parts=[
                    provider_identification(label),
                    model_identification(label),
                    characteristics(label, placed),
                ],
            ),
            part(
                "2",
                parts=[
                    public_datasets(placed["2.1"]),
                    part(
                        "2.2",
                        parts=[licensed_datasets(placed["2.2.1"]), third_party(placed["2.2.2"])],
                    ),
                    crawled(label, placed["2.3"]),
                    user_data(placed["2.4"]),
                    synthetic_data(label, placed["2.5"]),
                    other_sources(placed["2.6"]),
                ],
            ),
            part("3", parts=[reservation_of_rights(label), illegal_content(label)]),
        ],
    }


# --- What both summaries share (`ab2013` too): identity, tombstone, words for values


def identity(label: dict[str, Any]) -> dict[str, Any]:
    """Which published version a summary is of, and whether a later one supersedes it."""
    latest = label["versions"][0]["version"] if label["versions"] else label["version"]
    return {
        "model": {key: label["model"][key] for key in ("registration_number", "name", "version")},
        "provider": label["provider"],
        "version": label["version"],
        "status": label["status"],
        "accepted_on": parse_date(label["accepted_on"]) if label["accepted_on"] else None,
        "latest_version": latest,
    }


def tombstone(label: dict[str, Any]) -> dict[str, Any]:
    """What an export of a withdrawn version shows: who, which version, when and why it went."""
    withdrawal = label["withdrawal"] or {}
    withdrawn_at = parse_datetime(withdrawal.get("withdrawn_at") or "")
    return {
        "kind": "tombstone",
        "withdrawn": True,
        "model": {key: label["model"][key] for key in ("registration_number", "name", "version")},
        "provider": {
            key: label["provider"][key] for key in ("registration_number", "name", "legal_name")
        },
        "version": label["version"],
        "withdrawn_on": timezone.localdate(withdrawn_at) if withdrawn_at else None,
        "reason": withdrawal.get("reason", ""),
    }


def decimal(value: Any) -> Decimal:
    """A share as the label serves it ("12.500", or null) as a number."""
    return Decimal(value) if value not in (None, "") else Decimal(0)


def long_date(value: str | None) -> str:
    """An ISO date as people write it: "1 September 2025"; "" for none."""
    parsed = parse_date(value) if value else None
    return f"{parsed.day} {parsed:%B %Y}" if parsed else ""


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def template_modalities(source: dict[str, Any]) -> list[str]:
    found = {REGISTER_MODALITY.get(m, m) for m in source["modalities"]}
    return [m for m in TEMPLATE_MODALITIES if m in found]


def modality_names(modalities: list[str]) -> str:
    return ", ".join(str(Modality(m).label) for m in modalities)


def web_address(url: str) -> str:
    """A source's address, if it is one a link may point to."""
    return url if url.startswith(("https://", "http://")) else ""


# --- Where each source goes in section 2


@dataclass
class Placement:
    """The sources one section of the template lists, and the confidential ones it counts."""

    sources: list[dict[str, Any]] = field(default_factory=list)
    share: Decimal = Decimal(0)
    withheld: int = 0
    withheld_share: Decimal = Decimal(0)

    @property
    def used(self) -> bool:
        return bool(self.sources or self.withheld)


def source_section(source: dict[str, Any]) -> str:
    """The section of the template a public source belongs in."""
    if source["category"] in CATCH_ALL and source["acquisition"] in ACQUISITION_SECTIONS:
        return ACQUISITION_SECTIONS[source["acquisition"]]
    return CATEGORY_SECTIONS[source["category"]]


def placed_sources(label: dict[str, Any]) -> dict[str, Placement]:
    placed = {number: Placement() for number in SOURCE_SECTIONS}
    public_share: dict[str, Decimal] = defaultdict(Decimal)
    for source in label["sources"]:
        share = decimal(source["share_percent"])
        public_share[source["category"]] += share
        placement = placed[source_section(source)]
        placement.sources.append(source)
        placement.share += share
    for row in label["composition"]:
        if row["confidential_sources"]:
            placement = placed[CATEGORY_SECTIONS[row["category"]]]
            placement.withheld += row["confidential_sources"]
            rest = decimal(row["share_percent"]) - public_share[row["category"]]
            placement.withheld_share += max(rest, Decimal(0))
    return placed


# --- Building blocks: parts (numbered headings) with rows (a question and its answer)


def part(number: str, rows: list[dict] | None = None, parts: list[dict] | None = None) -> dict:
    return {
        "number": number,
        "title": TITLES[number],
        "id": "section-" + number.replace(".", "-"),
        "rows": rows or [],
        "parts": parts or [],
    }


def row(
    key: str,
    value: str = "",
    items: list[dict] | None = None,
    *,
    href: str = "",
    hint: str = "",
    limit: int | None = None,
) -> dict:
    """A question of the template and its answer: words, a list of items, or both. `limit`
    bounds a long list in the PDF (the page shows the rest folded away)."""
    return {
        "key": key,
        "value": value,
        "items": items or [],
        "href": href,
        "hint": hint,
        "limit": limit,
    }


def item(name: str, details: list[str] | None = None, href: str = "") -> dict:
    """Something a row lists: a name, and details that follow it after semicolons (so a
    provider's sentence loses its full stop)."""
    return {
        "name": name,
        "details": [d.strip().removesuffix(".") for d in details or [] if d.strip()],
        "href": href,
    }


def share_of_mix(share: Any) -> str:
    if share is None:
        return "share of the training mix not stated"
    return f"{percent(share)} of the training mix"


def used_rows(question: str, placement: Placement) -> list[dict]:
    """Whether a kind of source was used, its share, its modalities and its confidential part."""
    if not placement.used:
        return [row(question, NO_SOURCE)]
    share = placement.share + placement.withheld_share
    modalities = sorted(
        {m for s in placement.sources for m in template_modalities(s)},
        key=TEMPLATE_MODALITIES.index,
    )
    rows = [
        row(question, "Yes"),
        row("Share of the training mix", percent(share)),
        row(
            "Modalities",
            modality_names(modalities) or (WITHHELD if placement.withheld else NOT_DECLARED),
        ),
    ]
    if placement.withheld:
        rows.append(
            row(
                "Confidential sources",
                f"{plural(placement.withheld, 'source')}, "
                f"{share_of_mix(placement.withheld_share)}: counted here, not named. {WITHHELD}.",
            )
        )
    return rows


def source_item(source: dict[str, Any], *details: str) -> dict:
    return item(
        source["name"],
        [*details, share_of_mix(source["share_percent"])],
        web_address(source["url"]),
    )


# --- 1. General information


def provider_identification(label: dict[str, Any]) -> dict:
    provider = label["provider"]
    name = provider["legal_name"]
    if provider["name"] != provider["legal_name"]:
        name = f"{name} (trading as {provider['name']})"
    return part(
        "1.1",
        [
            row("Provider name", name),
            row("Registration number on this register", provider["registration_number"]),
            row("Country of incorporation", country_name(provider["country"])),
            row(
                "Contact details",
                "On the provider's page of the register",
                href=reverse("labels:provider", args=[provider["registration_number"]]),
            ),
            row("Authorised representative in the Union", NOT_DECLARED),
        ],
    )


def model_identification(label: dict[str, Any]) -> dict:
    model = label["model"]
    return part(
        "1.2",
        [
            row("Versioned model name", f"{model['name']} {model['version']}"),
            row(
                "Registration number on this register",
                f"{model['registration_number']}, label version {label['version']}, "
                f"accepted on {long_date(label['accepted_on'])}",
            ),
            row(
                "Model dependencies",
                "" if label["lineage"]["built_on"] else "None declared to the register",
                [dependency(base) for base in label["lineage"]["built_on"]],
            ),
            row(
                "Date of placement on the Union market",
                NOT_DECLARED,
                hint="The register records the model's release date, below.",
            ),
            row("Release date", long_date(model["release_date"]) or NOT_DECLARED),
        ],
    )


def dependency(base: dict[str, Any]) -> dict:
    relation = choice_label(base["relation"], "relation")
    if base["kind"] == "unregistered":
        return item(f"{relation} of a model of the same provider, not on the register")
    href = ""
    if base["kind"] == "registered" and base["registration_number"]:
        href = reverse("labels:model", args=[base["registration_number"]])
    return item(
        f"{base['name']} {base['version']}".strip(),
        [relation, base["provider"], base["registration_number"] or ""],
        href,
    )


def characteristics(label: dict[str, Any], placed: dict[str, Placement]) -> dict:
    training = label["training_data"]
    bands = {band["modality"]: band["band"] for band in training["size_bands"]}
    used = {m for s in label["sources"] for m in template_modalities(s)} | set(bands)
    modalities = [m for m in TEMPLATE_MODALITIES if m in used]
    withheld = sum(p.withheld for p in placed.values())
    return part(
        "1.3",
        [
            row(
                "Modalities of the training data",
                modality_names(modalities) or NOT_DECLARED,
                hint=f"Besides those of {plural(withheld, 'confidential source')}, which are "
                "withheld."
                if withheld
                else "",
            ),
            *[size_row(modality, bands.get(modality)) for modality in modalities],
            row("Types of content", ", ".join(training["content_types"]) or NOT_DECLARED),
            row(
                "Latest date of data collection",
                long_date(training["latest_collection_date"]) or NOT_DECLARED,
            ),
            row(
                "Continuously trained on new data after being placed on the market",
                yes_no(training["continuous_training"]),
            ),
            row("Linguistic characteristics", languages(training["languages"]) or NOT_DECLARED),
            row("Other relevant characteristics", items=other_characteristics(label["facts"])),
        ],
    )


def size_row(modality: str, band: str | None) -> dict:
    key = f"Training data size: {Modality(modality).label.lower()}"
    if band:
        return row(key, SIZE_BANDS[modality].get(band, band))
    hint = (
        ""
        if modality in SIZE_BANDS
        else "The register has bands for text, images, audio and video."
    )
    return row(key, NOT_DECLARED, hint=hint)


def yes_no(value: bool | None) -> str:
    return NOT_DECLARED if value is None else ("Yes" if value else "No")


def languages(rows: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{language_name(r['code'])} ({percent(r['share_percent'])})"
        if r["share_percent"] is not None
        else language_name(r["code"])
        for r in rows
    )


def other_characteristics(facts: dict[str, Any]) -> list[dict]:
    personal, copyright = facts["personal_data"], facts["copyright"]
    return [
        item(
            "Personal data",
            [
                f"{percent(personal['yes'])} of the mix from sources that hold personal data",
                f"{percent(personal['unknown'])} where it is unknown",
            ],
        ),
        item(
            "Copyright",
            [
                f"{percent(copyright['copyrighted'])} protected by copyright, wholly or partly",
                f"{percent(copyright['public_domain'])} in the public domain",
                f"{percent(copyright['own'])} the provider's own",
                f"{percent(copyright['unknown'])} unknown",
            ],
        ),
    ]


# --- 2. List of data sources


def public_datasets(placement: Placement) -> dict:
    rows = used_rows("Publicly available datasets used to train the model", placement)
    if placement.sources:
        large = large_datasets(placement.sources)
        ranked = sorted(large, key=lambda s: -decimal(s["share_percent"]))
        rest = [s for s in placement.sources if s not in large]
        rows += [
            row(
                "Large publicly available datasets",
                "" if large else "None over 3% of those used for one modality",
                [dataset_item(source) for source in ranked],
                hint="Each over 3% of the publicly available datasets used for one of its "
                "modalities, by share of the training mix."
                if large
                else "",
            ),
            row("Other publicly available datasets", others_described(rest)),
        ]
    return part("2.1", rows)


def large_datasets(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Those over LARGE_DATASET_PERCENT of the section's share for one of their modalities."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for source in sources:
        for modality in template_modalities(source) or ["unstated"]:
            totals[modality] += decimal(source["share_percent"])
    return [
        source
        for source in sources
        if any(
            decimal(source["share_percent"]) * 100 > LARGE_DATASET_PERCENT * totals[modality]
            for modality in template_modalities(source) or ["unstated"]
        )
    ]


def dataset_item(source: dict[str, Any]) -> dict:
    return source_item(
        source,
        source["owner"],
        f"version {source['dataset_version']}" if source["dataset_version"] else "",
        licence_name(source["licence"]) if source["licence"] else "",
        modality_names(template_modalities(source)),
    )


def others_described(sources: list[dict[str, Any]]) -> str:
    """The datasets not named, described together: how many, their share, what they hold."""
    if not sources:
        return "None"
    share = sum((decimal(s["share_percent"]) for s in sources), Decimal(0))
    modalities = {m for s in sources for m in template_modalities(s)}
    parts = [
        f"{plural(len(sources), 'dataset')}, {share_of_mix(share)} together",
        "modalities: "
        + (
            modality_names([m for m in TEMPLATE_MODALITIES if m in modalities])
            or NOT_DECLARED.lower()
        ),
        "languages: " + most_common([language_name(c) for s in sources for c in s["languages"]]),
        "licences: " + most_common([licence_name(s["licence"]) for s in sources if s["licence"]]),
    ]
    return "; ".join(parts) + "."


def most_common(names: list[str]) -> str:
    """The names most often given first, then "and N more"; "none stated" for none."""
    counted = sorted(Counter(names).items(), key=lambda pair: (-pair[1], pair[0]))
    shown = [name for name, _ in counted[:NAMED_IN_DESCRIPTION]]
    more = len(counted) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "") if shown else "none stated"


def licensed_datasets(placement: Placement) -> dict:
    rows = used_rows(
        "Commercial licensing agreements concluded with rightsholders or their representatives",
        placement,
    )
    if placement.sources:
        rows.append(
            row(
                "Licensed content",
                items=[
                    source_item(
                        s,
                        f"rightsholder: {s['owner'] or NOT_DECLARED.lower()}",
                        licence_name(s["licence"]) if s["licence"] else "",
                        s["description"],
                    )
                    for s in placement.sources
                ],
            )
        )
    return part("2.2.1", rows)


def third_party(placement: Placement) -> dict:
    rows = used_rows("Private datasets obtained from other third parties", placement)
    if placement.sources:
        rows.append(
            row(
                "Datasets obtained",
                items=[
                    source_item(
                        s,
                        s["owner"],
                        choice_label(s["acquisition"], "acquisition"),
                        s["description"],
                    )
                    for s in placement.sources
                ],
            )
        )
    return part("2.2.2", rows)


def crawled(label: dict[str, Any], placement: Placement) -> dict:
    crawling = label["crawling"]
    crawl_sources = [s for s in label["sources"] if s["category"] == "web_crawl"]
    # The label lists its public crawls in the order of its web_crawl sources.
    crawls = list(zip(crawl_sources, crawling["crawls"], strict=True))
    scraped = [s for s in placement.sources if s["category"] != "web_crawl"]
    rows = used_rows("Crawlers used by the provider or on its behalf", placement)
    if placement.used:
        rows += crawl_rows(crawling, crawls)
    if scraped:
        rows.append(
            row(
                "Other data scraped from online sources",
                items=[source_item(s, s["description"]) for s in scraped],
                hint="Sources the provider did not declare as a web crawl: no crawler is named.",
            )
        )
    return part("2.3", rows)


def crawl_rows(crawling: dict[str, Any], crawls: list[tuple[dict, dict]]) -> list[dict]:
    named = bool(crawls)
    every = crawling["sources"]
    return [
        row(
            "Crawler names and identifiers",
            "" if named else WITHHELD,
            [item(c["crawler_name"], [c["crawler_user_agent"]]) for _, c in crawls],
        ),
        row(
            "Purposes of the crawlers",
            "" if named else WITHHELD,
            [item(c["crawler_name"], [s["purpose"] or NOT_DECLARED]) for s, c in crawls],
        ),
        row(
            "Crawler behaviour",
            f"Of {plural(every, 'crawl')}: {opt_out_counts('robots.txt', crawling['robots_txt'])}; "
            f"{opt_out_counts('machine-readable TDM opt-outs', crawling['tdm_opt_out'])}.",
            [
                item(
                    c["crawler_name"],
                    [
                        "robots.txt " + respected(c["robots_txt_respected"]),
                        "TDM opt-outs " + respected(c["tdm_opt_out_respected"]),
                    ],
                )
                for _, c in crawls
            ],
        ),
        row("Captchas, paywalls and other access restrictions", NOT_DECLARED),
        row(
            "Period of data collection",
            "" if named else WITHHELD,
            [item(c["crawler_name"], [collection_period(s)]) for s, c in crawls],
        ),
        row(
            "Type of content and online sources crawled",
            "" if named else WITHHELD,
            [
                item(
                    s["name"],
                    [
                        s["description"],
                        "languages: "
                        + (", ".join(map(language_name, s["languages"])) or "none stated"),
                        "collected in: "
                        + (", ".join(map(country_name, s["countries"])) or "none stated"),
                    ],
                )
                for s, _ in crawls
            ],
        ),
        *[
            row(
                "Most relevant domain names crawled (the top 10% by size of content)",
                f"{c['crawler_name']}: {plural(len(c['top_domains']), 'domain')}",
                [item(domain) for domain in c["top_domains"]],
                limit=PDF_DOMAINS,
            )
            for _, c in crawls
        ],
    ]


# The PDF names this many of a crawl's top domains; the page and the label's JSON all of them.
PDF_DOMAINS = 100


def opt_out_counts(what: str, counts: dict[str, int]) -> str:
    said = [f"{what} respected by {counts['yes']}"]
    if counts["no"]:
        said.append(f"not by {counts['no']}")
    if counts["unknown"]:
        said.append(f"not stated for {counts['unknown']}")
    return ", ".join(said)


def respected(value: bool | None) -> str:
    return "not stated" if value is None else ("respected" if value else "not respected")


def collection_period(source: dict[str, Any]) -> str:
    start, end = long_date(source["collection_start"]), long_date(source["collection_end"])
    if start and end:
        period = f"from {start} to {end}"
    elif start:
        period = f"from {start}"
    elif end:
        period = f"until {end}"
    else:
        period = "dates not stated"
    return period + ("; collection is ongoing" if source["collection_ongoing"] else "")


def user_data(placement: Placement) -> dict:
    rows = used_rows("Data from users used to train the model", placement)
    if placement.used:
        rows.append(
            row(
                "From users' interactions with the model, or from the provider's other services "
                "or products",
                NOT_DECLARED,
                hint="The register records user data as one kind of source.",
            )
        )
    if placement.sources:
        rows.append(
            row(
                "Services or products used to collect user data",
                items=[
                    source_item(
                        s,
                        s["description"],
                        "personal data: " + choice_label(s["personal_data"], "answer").lower(),
                    )
                    for s in placement.sources
                ],
            )
        )
    return part("2.4", rows)


def synthetic_data(label: dict[str, Any], placement: Placement) -> dict:
    rows = used_rows("Synthetic data created by the provider or on its behalf", placement)
    if placement.used:
        generators = unique_generators(label["synthetic"]["generators"])
        unnamed = label["facts"]["synthetic"]["unnamed_generators"]
        rows.append(
            row(
                "General-purpose AI models used to generate it",
                "" if generators else (WITHHELD if unnamed else NOT_DECLARED),
                [
                    item(
                        g["name"],
                        [g["provider"], terms(g["terms_permit_training"])],
                    )
                    for g in generators
                ],
                hint="Confidential sources' generators are counted on the label, not named."
                if unnamed and generators
                else "",
            )
        )
    if placement.sources:
        rows.append(
            row(
                "Synthetic data sources",
                items=[source_item(s, s["description"], s["purpose"]) for s in placement.sources],
            )
        )
    return part("2.5", rows)


def unique_generators(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for source in sources:
        for generator in source["generator_models"]:
            seen.setdefault((generator["name"], generator["provider"]), generator)
    return list(seen.values())


TERMS = {
    "yes": "its terms permit training",
    "no": "its terms forbid training",
    "unknown": "whether its terms permit training is unknown",
}


def terms(answer: str) -> str:
    return TERMS.get(answer, TERMS["unknown"])


def other_sources(placement: Placement) -> dict:
    rows = used_rows("Other sources of data used", placement)
    if placement.sources:
        rows.append(
            row(
                "Description of the other sources",
                items=[
                    source_item(
                        s,
                        choice_label(s["category"], "category"),
                        choice_label(s["acquisition"], "acquisition"),
                        s["description"],
                    )
                    for s in placement.sources
                ],
            )
        )
    return part("2.6", rows)


# --- 3. Data processing aspects


def reservation_of_rights(label: dict[str, Any]) -> dict:
    training, crawling = label["training_data"], label["crawling"]
    crawls = (
        f"Of {plural(crawling['sources'], 'crawl')}: "
        f"{opt_out_counts('machine-readable TDM opt-outs', crawling['tdm_opt_out'])}; "
        f"{opt_out_counts('robots.txt', crawling['robots_txt'])}."
        if crawling["sources"]
        else "No web crawl is declared to the register."
    )
    return part(
        "3.1",
        [
            row(
                "Signatory of the General-Purpose AI Code of Practice",
                yes_no(training["code_of_practice_signatory"]),
            ),
            row(
                "Measures taken before training to respect reservations of rights, including "
                "the opt-out protocols honoured",
                training["tdm_opt_out_measures"] or NOT_DECLARED,
            ),
            row("Crawlers' respect of opt-outs", crawls),
        ],
    )


def illegal_content(label: dict[str, Any]) -> dict:
    measures = label["training_data"]["illegal_content_measures"]
    return part(
        "3.2",
        [
            row(
                "Measures taken to remove illegal content from the training data",
                measures or NOT_DECLARED,
            )
        ],
    )
