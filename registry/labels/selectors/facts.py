"""The label's facts panel (DESIGN §4): the same rows for every model, each a share or a verdict.

Every figure here is a share of the training mix (the sources' `share_percent` added up, so
confidential sources count though they are never named) or a plain verdict, never a count of
rows: a model with one large web crawl and a model with a thousand small ones compare at a
glance. A share of None counts as nothing; what the shares leave of 100 % is "not stated".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from registry.declarations.choices import IpStatus, LicenceUse, YesNoUnknown


@dataclass(frozen=True)
class FactRow:
    """A row of the facts panel: its anchor on "What the label means", its name, and whether it
    takes the panel's whole width. The panel and the comparison both list `FACT_ROWS`."""

    key: str
    title: str
    wide: bool = False

    @property
    def template(self) -> str:
        return f"labels/facts/{self.key.replace('-', '_')}.html"


# The panel's rows, in their fixed order (DESIGN §4): the same for every model.
FACT_ROWS = [
    FactRow("identity", "Model", wide=True),
    FactRow("built-on", "Built on", wide=True),
    FactRow("trained-on", "Trained on", wide=True),
    FactRow("size", "Size, languages, dates"),
    FactRow("personal-data", "Personal data"),
    FactRow("copyright", "Copyright and licences"),
    FactRow("web-crawl", "Web crawl"),
    FactRow("synthetic", "Synthetic data"),
    FactRow("confidential", "Confidential"),
    FactRow("control", "Control"),
    FactRow("supply-chain", "Supply chain"),
    FactRow("red-teaming", "Red-teaming", wide=True),
    FactRow("alerts", "Alerts", wide=True),
    FactRow("verify", "Verify", wide=True),
]

Source = Mapping[str, Any]
Sources = Sequence[Source]

# How many languages the panel names, largest share first; the full label lists them all.
TOP_LANGUAGES = 3
# How an opt-out was honoured across every crawl: all of them, some, or none.
ALL, SOME, NONE = "yes", "partly", "no"
# Generators' terms, as the panel sums a synthetic source up by its least permissive generator.
PERMIT, FORBID, UNKNOWN = "permit", "forbid", "unknown"


def share(sources: Iterable[Source]) -> Decimal:
    """The sources' shares of the mix added up."""
    return sum((source["share_percent"] or Decimal(0) for source in sources), Decimal(0))


def unstated(sources: Sources) -> Decimal:
    """What the sources' shares leave of the whole mix (none if they reach 100 % or more)."""
    return max(Decimal(100) - share(sources), Decimal(0))


def shares_by(sources: Sources, answer, values: Iterable[str]) -> dict[str, Decimal]:
    """The share of the mix behind each value of `answer(source)`, for every value listed."""
    shares = dict.fromkeys(values, Decimal(0))
    for source in sources:
        value = answer(source)
        if value in shares:
            shares[value] += source["share_percent"] or Decimal(0)
    return shares


def personal_data(sources: Sources) -> dict[str, Decimal]:
    """Shares from sources that hold personal data, that don't, and whose answer is unknown."""
    return shares_by(
        sources, lambda s: s["personal_data"] or YesNoUnknown.UNKNOWN.value, YesNoUnknown.values
    )


def copyright_status(sources: Sources) -> dict[str, Decimal]:
    """Shares copyrighted or mixed, in the public domain, the provider's own, and unknown."""
    grouped = {IpStatus.COPYRIGHTED.value: "copyrighted", IpStatus.MIXED.value: "copyrighted"}
    return shares_by(
        sources,
        lambda s: grouped.get(s["ip_status"], s["ip_status"] or IpStatus.UNKNOWN.value),
        ["copyrighted", IpStatus.PUBLIC_DOMAIN.value, IpStatus.OWN.value, IpStatus.UNKNOWN.value],
    )


def licence_use(sources: Sources) -> dict[str, Decimal]:
    """Shares whose licences allow commercial use, only non-commercial or academic, or don't say."""
    return shares_by(
        sources,
        lambda s: s["licence_use_category"] or LicenceUse.UNSPECIFIED.value,
        LicenceUse.values,
    )


def honoured(crawls: Sources, field: str) -> str | None:
    """Whether every crawl respected an opt-out ("yes"), some did ("partly") or none ("no").

    An unanswered question counts as not respected, as the risk rule reads it. None: no crawls.
    """
    if not crawls:
        return None
    respected = [crawl[field] is True for crawl in crawls]
    return ALL if all(respected) else SOME if any(respected) else NONE


def web_crawl(sources: Sources) -> dict[str, Any]:
    crawls = [source for source in sources if source["category"] == "web_crawl"]
    return {
        "share_percent": share(crawls),
        "robots_txt": honoured(crawls, "robots_txt_respected"),
        "tdm_opt_out": honoured(crawls, "tdm_opt_out_respected"),
    }


def generators_terms(source: Source) -> str:
    """A synthetic source's terms, by its least permissive generator (no generator: unknown)."""
    answers = [g.get("terms_permit_training") for g in source["generator_models"] or []]
    if "no" in answers:
        return FORBID
    if not answers or any(answer != "yes" for answer in answers):
        return UNKNOWN
    return PERMIT


def synthetic(public: Sources, confidential: Sources) -> dict[str, Any]:
    """The share of model-generated data, by what its generators' terms say of training on it,
    and the generators named (those of confidential sources are counted, never named)."""
    named = [source for source in public if source["category"] == "synthetic"]
    unnamed = [source for source in confidential if source["category"] == "synthetic"]
    every = named + unnamed
    generators: list[dict[str, str]] = []
    for source in named:
        for generator in source["generator_models"] or []:
            entry = {
                "name": str(generator.get("name") or ""),
                "provider": str(generator.get("provider") or ""),
                "terms_permit_training": str(generator.get("terms_permit_training") or ""),
            }
            if entry["name"] and entry not in generators:
                generators.append(entry)
    return {
        "share_percent": share(every),
        "terms": shares_by(every, generators_terms, [PERMIT, FORBID, UNKNOWN]),
        "generators": generators,
        "unnamed_generators": any(source["generator_models"] for source in unnamed),
    }


def top_languages(languages: list[dict[str, Any]]) -> dict[str, Any]:
    """The languages with the largest shares, and how many more there are."""
    ranked = sorted(languages, key=lambda language: -(language["share_percent"] or Decimal(0)))
    return {"top": ranked[:TOP_LANGUAGES], "more": max(len(ranked) - TOP_LANGUAGES, 0)}


def supply_chain(parties: Sources) -> list[dict[str, Any]]:
    """Each role in the supply chain with the countries of its parties, in the roles' order."""
    roles: dict[str, list[str]] = {}
    for party in parties:
        countries = roles.setdefault(party["role"], [])
        if party["country"] and party["country"] not in countries:
            countries.append(party["country"])
    return [{"role": role, "countries": sorted(countries)} for role, countries in roles.items()]


def red_teaming(latest: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The latest red-team attestation, as the panel sums it up (None: none filed)."""
    if latest is None:
        return None
    return {
        field: latest[field]
        for field in ("outcome", "performed_on", "assessor_independent", "next_due")
    }
