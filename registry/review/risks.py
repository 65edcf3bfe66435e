"""The register's risk rules (DESIGN §3.5). Pure: a filing's plain data in, flags out.

Rules read the dicts of `declarations.selectors.declaration_data` and
`providers.selectors.ownership_data`, or those dicts read back from a canonical-JSON snapshot,
where dates and decimals are text. Every rule raises at most one flag per filing, naming what
raised it. Public flags become alerts on the label, so their messages never name a confidential
source (nor its generators) and never give a regulator-only figure: "more than 50 %" is what the
public bands already say, the exact holding is not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from registry.declarations.validation import SHARE_TOLERANCE
from registry.filings.validation import as_date, as_decimal
from registry.lib.codes import country_name
from registry.providers.models import ControlVerdict as Verdict

Severity = Literal["high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")  # most severe first


@dataclass(frozen=True)
class Rule:
    """A risk rule: a stable code, how serious it is, what it means and who may see its flags."""

    code: str
    severity: Severity
    title: str  # a few plain words, for the label's facts panel and the register's filters
    explanation: str
    public: bool
    applies_to: Literal["declaration", "ownership"]


@dataclass(frozen=True)
class Flag:
    """A rule raised by one filing, with a message naming what raised it."""

    code: str
    severity: Severity
    message: str
    public: bool


# An attestation counts for 12 months: one performed 365 days ago is still in time.
RED_TEAM_VALID_FOR = timedelta(days=365)
# As on the PSC register, a holding of more than 25 % is a nature of control.
STATE_HOLDING_THRESHOLD = Decimal(25)
# Foreign investors together holding more than this share or vote control the provider.
CONTROL_THRESHOLD = Decimal(50)
# Source shares should add up to the whole mix, within the tolerance the submit gate allows.
SHARES_TOTAL = Decimal(100)
CONFIDENTIAL_HEAVY_THRESHOLD = Decimal(50)
# A flag names this many sources, parties or investors, then says how many more there are.
MAX_NAMED = 3

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in [
        Rule(
            "foreign_state_control",
            "high",
            "Foreign state control or influence",
            "A foreign investor affiliated with a state holds more than 25% of the shares or "
            "votes, can appoint board members or has significant influence.",
            public=True,
            applies_to="ownership",
        ),
        Rule(
            "foreign_control",
            "high",
            "Foreign control",
            "Foreign investors together hold more than 50% of the shares or of the votes.",
            public=True,
            applies_to="ownership",
        ),
        Rule(
            "generator_terms",
            "high",
            "Generators' terms forbid training or are unknown",
            "Synthetic training data comes from a model whose terms forbid training on its "
            "output, or whose terms are unknown.",
            public=True,
            applies_to="declaration",
        ),
        # Cross-filing: raised on submit from this filing and another provider's (`extraction`),
        # so it has no check in DECLARATION_CHECKS (see CROSS_FILING). High: it is the Act's
        # extraction question, and the only flag when a filer claims permission
        # (`generator_terms` stays silent on "permit"); a statement of truth contradicts the
        # rightsholder's. Regulator-only: it sets one provider's word against another's, and
        # may rest on that other provider's filing before it is published.
        Rule(
            "generator_terms_disputed",
            "high",
            "Generator's terms disputed by its own provider",
            "A synthetic source names another provider's registered model as its generator and "
            "says its terms permit training, while that model's own provider says they do not.",
            public=False,
            applies_to="declaration",
        ),
        Rule(
            "crawl_without_opt_out",
            "high",
            "Crawled without respecting opt-outs",
            "Data was crawled from the web without respecting robots.txt or text and data "
            "mining opt-outs.",
            public=True,
            applies_to="declaration",
        ),
        Rule(
            "no_red_team",
            "high",
            "No red-teaming",
            "No red-teaming of the supply chain has been attested.",
            public=True,
            applies_to="declaration",
        ),
        Rule(
            "red_team_overdue",
            "medium",
            "Red-teaming overdue",
            "No red-teaming of the supply chain was performed in the last 12 months.",
            public=True,
            applies_to="declaration",
        ),
        Rule(
            "red_team_open_findings",
            "medium",
            "Red-teaming findings open",
            "The latest red-teaming left findings that are not yet remediated.",
            public=True,
            applies_to="declaration",
        ),
        Rule(
            "personal_data_unknown",
            "medium",
            "Personal data unknown",
            "The provider does not know whether a source holds personal data.",
            public=True,
            applies_to="declaration",
        ),
        Rule(
            "confidential_heavy",
            "medium",
            "Mostly confidential sources",
            "Sources the public cannot see make up more than half of the training mix.",
            public=True,
            applies_to="declaration",
        ),
        Rule(
            "api_aggregator",
            "low",
            "API aggregator in the supply chain",
            "An API aggregator in the supply chain is a channel for extracting or distilling "
            "other providers' models.",
            public=False,
            applies_to="declaration",
        ),
        Rule(
            "shares_inconsistent",
            "low",
            "Shares don't add up",
            "The sources' shares of the training mix do not add up to 100% (within 1%).",
            public=False,
            applies_to="declaration",
        ),
    ]
}


# --- The flags of a filing


def declaration_flags(data: Mapping[str, Any], today: date) -> list[Flag]:
    """Flag what the declaration's rules find in its data, most severe first."""
    return raised((code, check(data, today)) for code, check in DECLARATION_CHECKS.items())


def ownership_flags(data: Mapping[str, Any]) -> list[Flag]:
    """Flag what the ownership rules find in the holdings in force, most severe first."""
    foreign = [link for link in data.get("links") or [] if is_current(link) and is_foreign(link)]
    return raised((code, check(foreign)) for code, check in OWNERSHIP_CHECKS.items())


def public_alerts(flags: Iterable[Flag]) -> list[Flag]:
    """The flags the public may see on the label, most severe first."""
    return sorted((flag for flag in flags if flag.public), key=flag_order)


def raised(found: Iterable[tuple[str, str | None]]) -> list[Flag]:
    flags = [
        Flag(code, RULES[code].severity, message, RULES[code].public)
        for code, message in found
        if message
    ]
    return sorted(flags, key=flag_order)


def flag_order(flag: Flag) -> tuple[int, str]:
    return SEVERITIES.index(flag.severity), flag.code


# --- Naming what raised a flag


def listed(names: list[str], confidential: int = 0) -> str:
    """'A', 'A and B', 'A, B, C, 2 more and 1 confidential source'."""
    parts = names[:MAX_NAMED]
    if len(names) > MAX_NAMED:
        parts.append(f"{len(names) - MAX_NAMED} more")
    if confidential:
        parts.append(f"{confidential} confidential source{'s' if confidential > 1 else ''}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def source_name(source: Mapping[str, Any]) -> str:
    return str(source.get("name") or "an unnamed source")


def named_sources(
    sources: list[Mapping[str, Any]],
    code: str,
    describe: Callable[[Mapping[str, Any]], str] = source_name,
) -> str:
    """The sources a flag is about; a public flag counts confidential ones without naming them."""
    public = RULES[code].public
    shown = [describe(s) for s in sources if not (public and s.get("confidential"))]
    return listed(shown, confidential=len(sources) - len(shown))


# --- Declaration rules: each returns its flag's message, or None


def sources_of(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(data.get("sources") or [])


def share_of(sources: Iterable[Mapping[str, Any]]) -> Decimal:
    return sum((as_decimal(s.get("share_percent")) or Decimal(0) for s in sources), Decimal(0))


def forbidding_generators(source: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The source's generators whose terms are not known to permit training."""
    generators = source.get("generator_models") or []
    return [g for g in generators if g.get("terms_permit_training") != "yes"]


def check_generator_terms(data: Mapping[str, Any], today: date) -> str | None:
    found = [
        s for s in sources_of(data) if s.get("category") == "synthetic" and forbidding_generators(s)
    ]
    if not found:
        return None

    def describe(source: Mapping[str, Any]) -> str:
        names = ", ".join(str(g.get("name") or "unnamed") for g in forbidding_generators(source))
        return f"{source_name(source)} (generated by {names})"

    return (
        "Synthetic data from models whose terms forbid training or are unknown: "
        + named_sources(found, "generator_terms", describe)
    )


def check_personal_data_unknown(data: Mapping[str, Any], today: date) -> str | None:
    found = [s for s in sources_of(data) if s.get("personal_data") == "unknown"]
    if not found:
        return None
    return "Not known whether these sources hold personal data: " + named_sources(
        found, "personal_data_unknown"
    )


def ignored_opt_outs(source: Mapping[str, Any]) -> str:
    """Which opt-outs a crawl is not shown to respect ('' if it respects both)."""
    ignored = [
        name
        for field, name in (
            ("robots_txt_respected", "robots.txt"),
            ("tdm_opt_out_respected", "TDM opt-outs"),
        )
        # Unanswered is not respected: the provider has not shown that it is.
        if source.get(field) is not True
    ]
    return " and ".join(ignored)


def check_crawl_without_opt_out(data: Mapping[str, Any], today: date) -> str | None:
    found = [
        s for s in sources_of(data) if s.get("category") == "web_crawl" and ignored_opt_outs(s)
    ]
    if not found:
        return None
    return "Crawled without respecting opt-outs: " + named_sources(
        found,
        "crawl_without_opt_out",
        lambda source: f"{source_name(source)} ({ignored_opt_outs(source)})",
    )


def check_shares_inconsistent(data: Mapping[str, Any], today: date) -> str | None:
    sources = sources_of(data)
    total = share_of(sources)
    if not sources or abs(total - SHARES_TOTAL) <= SHARE_TOLERANCE:
        return None
    return f"Source shares add up to {total.normalize():f}%, not 100%"


def check_confidential_heavy(data: Mapping[str, Any], today: date) -> str | None:
    hidden = share_of(s for s in sources_of(data) if s.get("confidential"))
    if hidden <= CONFIDENTIAL_HEAVY_THRESHOLD:
        return None
    return "Confidential sources make up more than half of the training mix"


def party_country(party: Mapping[str, Any]) -> str:
    return country_name(party["country"]) if party.get("country") else "country not given"


def check_api_aggregator(data: Mapping[str, Any], today: date) -> str | None:
    found = [p for p in data.get("supply_chain") or [] if p.get("role") == "api_aggregator"]
    if not found:
        return None
    names = [f"{p.get('name') or 'unnamed'} ({party_country(p)})" for p in found]
    return "API aggregators in the supply chain: " + listed(names)


def latest_attestation(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The most recently performed attestation; undated ones count as the oldest, and of two
    on the same day the one filed later (as the label shows it)."""
    attestations = list(data.get("red_team_attestations") or [])
    if not attestations:
        return None
    dated = [(as_date(a.get("performed_on")) or date.min, i) for i, a in enumerate(attestations)]
    return attestations[max(dated)[1]]


def check_no_red_team(data: Mapping[str, Any], today: date) -> str | None:
    if latest_attestation(data) is not None:
        return None
    return "No red-team attestation has been filed"


def red_team_overdue_on(data: Mapping[str, Any]) -> date | None:
    """The first day `red_team_overdue` is raised on this data: 12 months and a day after the
    latest attestation, `date.min` if that one is undated, None if there is none (`no_red_team`
    says so instead). The one rule that changes with time, so the register stores this date."""
    latest = latest_attestation(data)
    if latest is None:
        return None
    performed = as_date(latest.get("performed_on"))
    return date.min if performed is None else performed + RED_TEAM_VALID_FOR + timedelta(days=1)


def in_words(day: date) -> str:
    """A date as people write it, and as the label shows dates: 1 February 2025."""
    return f"{day.day} {day:%B %Y}"


def check_red_team_overdue(data: Mapping[str, Any], today: date) -> str | None:
    overdue_on = red_team_overdue_on(data)
    if overdue_on is None or today < overdue_on:
        return None
    performed = as_date((latest_attestation(data) or {}).get("performed_on"))
    when = f"the latest was on {in_words(performed)}" if performed else "none is dated"
    return f"No red-teaming in the last 12 months: {when}"


def check_red_team_open_findings(data: Mapping[str, Any], today: date) -> str | None:
    latest = latest_attestation(data)
    if latest is None or latest.get("outcome") != "findings_open":
        return None
    performed = as_date(latest.get("performed_on"))
    when = f" on {in_words(performed)}" if performed else ""
    return f"The latest red-teaming{when} left findings open"


DECLARATION_CHECKS: dict[str, Callable[[Mapping[str, Any], date], str | None]] = {
    "generator_terms": check_generator_terms,
    "crawl_without_opt_out": check_crawl_without_opt_out,
    "no_red_team": check_no_red_team,
    "red_team_overdue": check_red_team_overdue,
    "red_team_open_findings": check_red_team_open_findings,
    "personal_data_unknown": check_personal_data_unknown,
    "confidential_heavy": check_confidential_heavy,
    "api_aggregator": check_api_aggregator,
    "shares_inconsistent": check_shares_inconsistent,
}


# --- Cross-filing rules: they need other filings, so they are not pure and not in the checks
# above; `extraction` finds what raises them, and these say it in words.

CROSS_FILING = frozenset({"generator_terms_disputed"})


@dataclass(frozen=True)
class Dispute:
    """A generator whose terms the filer says permit training and its own provider says not."""

    filer: str  # the filing provider's name
    model: str  # the filer's model, "name version"
    source: str  # the synthetic source that names the generator
    generator: str  # the registered model, "name version (MOD-…)"
    owner: str  # its own provider's name


def check_generator_terms_disputed(disputes: list[Dispute]) -> str | None:
    if not disputes:
        return None
    filer, model = disputes[0].filer, disputes[0].model
    generators = list(dict.fromkeys(f"{d.generator} of {d.owner}" for d in disputes))
    owners = list(dict.fromkeys(d.owner for d in disputes))
    sources = list(dict.fromkeys(f"'{d.source}'" for d in disputes))
    their = "its" if len(generators) == 1 else "their"
    return (
        f"{filer} says the terms of {listed(generators)} permit training {model} on {their} "
        f"output (source {listed(sources)}); {listed(owners)} "
        f"{'says' if len(owners) == 1 else 'say'} they do not"
    )


def cross_filing_flags(disputes: list[Dispute]) -> list[Flag]:
    """The cross-filing flags of a declaration, from what `extraction` found."""
    return raised([("generator_terms_disputed", check_generator_terms_disputed(disputes))])


# --- Ownership rules: each reads the foreign holdings in force


def is_current(link: Mapping[str, Any]) -> bool:
    # Validation refuses an end date in the future, so a holding with one has ended; the label's
    # summary and the register's filters count holdings the same way.
    return not link.get("ceased_on")


def is_foreign(link: Mapping[str, Any]) -> bool:
    # As InvestmentLink.is_foreign: a blank country is not known to be foreign.
    country = link.get("country") or ""
    return bool(country) and country != "GB"


def holding(link: Mapping[str, Any], field: str) -> Decimal:
    return as_decimal(link.get(field)) or Decimal(0)


def state_control(link: Mapping[str, Any]) -> list[str]:
    """How a state-affiliated investor controls the provider; empty if it does not."""
    if (link.get("state_affiliation") or "none") == "none":
        return []
    natures = [
        f"more than 25% of the {what}"
        for field, what in (("share_percent", "shares"), ("votes_percent", "votes"))
        if holding(link, field) > STATE_HOLDING_THRESHOLD
    ]
    if link.get("board_appointment"):
        natures.append("board appointment rights")
    if link.get("significant_influence"):
        natures.append("significant influence")
    return natures


def check_foreign_state_control(foreign: list[Mapping[str, Any]]) -> str | None:
    names = [
        f"{link.get('investor_name') or 'unnamed'} ({country_name(link['country'])}, "
        f"{str(link['state_affiliation']).replace('_', '-')}: {', '.join(natures)})"
        for link in foreign
        if (natures := state_control(link))
    ]
    if not names:
        return None
    return "State-affiliated foreign investors with control or influence: " + listed(names)


def check_foreign_control(foreign: list[Mapping[str, Any]]) -> str | None:
    controlled = [
        what
        for field, what in (("share_percent", "shares"), ("votes_percent", "votes"))
        if sum((holding(link, field) for link in foreign), Decimal(0)) > CONTROL_THRESHOLD
    ]
    if not controlled:
        return None
    return "Foreign investors together hold more than 50% of the " + " and of the ".join(controlled)


OWNERSHIP_CHECKS: dict[str, Callable[[list[Mapping[str, Any]]], str | None]] = {
    "foreign_state_control": check_foreign_state_control,
    "foreign_control": check_foreign_control,
}


# --- The control verdict: one answer to "who controls the provider?", from the rules above


@dataclass(frozen=True)
class Control:
    """A provider's control verdict, the countries behind it, and the ownership flags it was
    decided from (the alerts the label shows beside it), most severe first."""

    verdict: Verdict
    countries: tuple[str, ...]
    flags: tuple[Flag, ...]


def control(data: Mapping[str, Any] | None) -> Control:
    """Decide who controls the provider from its accepted ownership statement (None: none).

    The verdict is read off the ownership flags themselves, so that a label can never say
    "UK-controlled" beside a foreign-state alert: state influence wins over foreign control,
    which wins over UK control. The countries are those of the foreign investors behind it,
    largest holding first; none for a UK-controlled provider.
    """
    if data is None:
        return Control(Verdict.NOT_DECLARED, (), ())
    flags = tuple(ownership_flags(data))
    codes = {flag.code for flag in flags}
    foreign = [link for link in data.get("links") or [] if is_current(link) and is_foreign(link)]
    if "foreign_state_control" in codes:
        behind = [link for link in foreign if state_control(link)]
        return Control(Verdict.FOREIGN_STATE_INFLUENCE, countries_by_holding(behind), flags)
    if "foreign_control" in codes:
        return Control(Verdict.FOREIGN_CONTROLLED, countries_by_holding(foreign), flags)
    return Control(Verdict.UK_CONTROLLED, (), flags)


def countries_by_holding(links: list[Mapping[str, Any]]) -> tuple[str, ...]:
    """The investors' countries, the largest holding (of shares or votes) first."""
    held: dict[str, Decimal] = {}
    for link in links:
        largest = max(holding(link, "share_percent"), holding(link, "votes_percent"))
        held[link["country"]] = held.get(link["country"], Decimal(0)) + largest
    return tuple(sorted(held, key=lambda country: (-held[country], country)))
