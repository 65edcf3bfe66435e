"""One way to compare the names filings give: normalised, and every match explained in words.

Filers spell the same company or model differently ("acme-atlas 2.0", "Acme Atlas 2.0", "Acme AI
Ltd"). A regulator who relies on a match must see why it was made, so `explain` says which of the
normalising steps it needed, and `model_match` says whether a named model was matched to a
registered one by its MOD- number, its exact name or its normalised name. Model-free: the callers
fetch the candidates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


class Kind(StrEnum):
    """What a name names: organisations lose their company suffix; models keep versions."""

    ORGANISATION = "organisation"
    MODEL = "model"
    OTHER = "other"  # sources, crawlers: compared like models, without suffixes stripped


# Trailing words that say what kind of company it is, not which one: "Acme AI Ltd" is "Acme AI".
COMPANY_SUFFIXES = frozenset(
    {
        "ltd",
        "limited",
        "plc",
        "llp",
        "lp",
        "inc",
        "incorporated",
        "llc",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "oy",
        "as",
        "pty",
        "kk",
    }
)

# A word, or a version whose dots are part of it ("2.0" is not "20" nor "2 0", "v1.5" stays);
# other punctuation (hyphens, slashes, commas, brackets) separates words, apostrophes join them.
WORD = re.compile(r"[^\W_]*\d(?:\.\d+)+[^\W_]*|[^\W_]+")
APOSTROPHES = re.compile("['\u2019]")
MOD_NUMBER = re.compile(r"\bMOD-(\d{6})\b", re.IGNORECASE)


def unicode_form(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def case_fold(text: str) -> str:
    return text.casefold()


def punctuation(text: str) -> str:
    """Punctuation and runs of spaces to one space, keeping the dots of version numbers."""
    return " ".join(WORD.findall(APOSTROPHES.sub("", text)))


def company_suffixes(text: str) -> tuple[str, list[str]]:
    """The name without its trailing company suffixes, and the suffixes taken off."""
    words = text.split(" ")
    taken: list[str] = []
    while len(words) > 1 and words[-1].casefold() in COMPANY_SUFFIXES:
        taken.insert(0, words.pop())
    return " ".join(words), taken


def without_suffixes(text: str) -> str:
    return company_suffixes(text)[0]


@dataclass(frozen=True)
class Step:
    """One normalising step, and how an explanation names what it ignored."""

    code: str
    apply: Callable[[str], str]
    ignoring: str


STEPS: tuple[Step, ...] = (
    Step("unicode", unicode_form, "Unicode variants"),
    Step("case", case_fold, "case"),
    Step("punctuation", punctuation, "punctuation"),
    Step("suffix", without_suffixes, "company suffix"),
)


def steps_for(kind: Kind) -> tuple[Step, ...]:
    return STEPS if kind == Kind.ORGANISATION else STEPS[:-1]


def normalise(text: str, kind: Kind = Kind.MODEL, *, skip: str = "") -> str:
    """The name as compared: NFKC, case-folded, punctuation and spacing collapsed, and for an
    organisation without its company suffix (the step named by `skip` left out)."""
    for step in steps_for(kind):
        if step.code != skip:
            text = step.apply(text)
    return text


def slug(text: str) -> str:
    """A named model's address in the console: its normalised name, hyphens for spaces."""
    return normalise(text, Kind.MODEL).replace(" ", "-")


def search_words(text: str, kind: Kind = Kind.MODEL) -> list[str]:
    """Words every stored spelling of the name holds, longest first, for a database prefilter
    (`icontains` each) to narrow what `explain` then decides.

    As `normalise`, but lower-cased rather than case-folded ("straße" is stored so, not as
    "strasse"); apostrophes are joined, so the prefilter takes them out of what is stored too.
    """
    words = punctuation(unicode_form(text).lower())
    if kind == Kind.ORGANISATION:
        words = without_suffixes(words)
    return sorted(set(words.split()), key=lambda word: (-len(word), word))


@dataclass(frozen=True)
class Match:
    """How a query matched a filed name: exactly, once normalised, or within it."""

    query: str
    value: str
    how: str  # "exact" | "normalised" | "contains"
    ignoring: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        if self.how == "exact":
            return f"matched '{self.value}' exactly"
        verb = (
            f"found '{self.query}' in" if self.how == "contains" else f"matched '{self.query}' to"
        )
        if not self.ignoring:
            return f"{verb} '{self.value}'"
        return f"{verb} '{self.value}' ignoring {in_words(list(self.ignoring))}"


def in_words(parts: Sequence[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


Predicate = Callable[[str, str], bool]


def equal(query: str, value: str) -> bool:
    return query == value


def within(query: str, value: str) -> bool:
    return bool(query) and query in value


def explain(
    query: str, value: str, kind: Kind = Kind.MODEL, *, partial: bool = False
) -> Match | None:
    """Whether `query` names `value` (or, `partial`, a part of it), and why; None if not.

    1. Exactly as written: an exact match.
    2. Otherwise both are normalised; if they then match, the explanation names each step the
       match could not do without (or, where steps overlap, each step that changed either).
    """
    query, value = query.strip(), value.strip()
    if equal(query, value):
        return Match(query, value, "exact")
    if partial and within(query, value):
        return Match(query, value, "contains")
    normal_query, normal_value = normalise(query, kind), normalise(value, kind)
    if equal(normal_query, normal_value):
        return Match(query, value, "normalised", ignoring(query, value, kind, equal))
    if partial and within(normal_query, normal_value):
        return Match(query, value, "contains", ignoring(query, value, kind, within))
    return None


def ignoring(query: str, value: str, kind: Kind, matches: Predicate) -> tuple[str, ...]:
    steps = steps_for(kind)
    needed = [
        s
        for s in steps
        if not matches(normalise(query, kind, skip=s.code), normalise(value, kind, skip=s.code))
    ]
    if not needed:
        needed = [s for s in steps if changes(s, query, kind) or changes(s, value, kind)]
    return tuple(described(step, query, value) for step in needed)


def changes(step: Step, text: str, kind: Kind) -> bool:
    before = text
    for earlier in steps_for(kind):
        if earlier is step:
            break
        before = earlier.apply(before)
    return step.apply(before) != before


def described(step: Step, query: str, value: str) -> str:
    """What a step ignored, naming the company suffixes it took off."""
    if step.code != "suffix":
        return step.ignoring
    taken = [
        suffix
        for text in (query, value)
        for suffix in company_suffixes(punctuation(unicode_form(text)))[1]
    ]
    shown = list(dict.fromkeys(f"'{suffix}'" for suffix in taken))
    noun = "company suffix" if len(shown) == 1 else "company suffixes"
    return f"the {noun} {in_words(shown)}" if shown else step.ignoring


# --- Matching a named model to a registered one


class RegisteredProvider(Protocol):
    legal_name: str
    trading_name: str


class RegisteredModel(Protocol):
    registration_number: str | None
    name: str
    version: str
    provider: Any


def registered_name(model: RegisteredModel) -> str:
    return f"{model.name} {model.version}"


def mod_number(text: str) -> str | None:
    """The MOD- number a name gives, if it gives one ("MOD-000123" or "Atlas (mod-000123)")."""
    found = MOD_NUMBER.search(text)
    return f"MOD-{found.group(1)}" if found else None


@dataclass(frozen=True)
class ModelMatch:
    """A named model matched to a registered one, by number, exact name or normalised name."""

    model: Any
    by: str  # "number" | "exact" | "normalised"
    text: str


def provider_explained(named: str, provider: RegisteredProvider) -> str | None:
    """How a provider as filed names the registered provider, or None if it does not."""
    for field, registered in (
        ("name", provider.legal_name),
        ("trading name", provider.trading_name),
    ):
        if registered and (found := explain(named, registered, Kind.ORGANISATION)):
            return f"the provider: {found.text}" + (f" (its {field})" if field != "name" else "")
    return None


def model_match(
    name: str, provider: str, candidates: Iterable[RegisteredModel]
) -> ModelMatch | None:
    """The registered model a filing names, if exactly one fits.

    By its MOD- number if the name gives one; else by "name version" exactly as registered, then
    normalised. A provider named in the filing must be the model's own provider (normalised); a
    provider left blank leaves the name to decide, and two models that fit equally match neither.
    """
    candidates = list(candidates)
    number = mod_number(name)
    if number:
        found = [m for m in candidates if m.registration_number == number]
        return (
            ModelMatch(found[0], "number", f"matched by its MOD- number {number}")
            if found
            else None
        )
    fitting: dict[str, list[tuple[RegisteredModel, str]]] = {"exact": [], "normalised": []}
    for model in candidates:
        found_name = explain(name, registered_name(model), Kind.MODEL)
        if found_name is None:
            continue
        reasons = [found_name.text]
        if provider.strip():
            found_provider = provider_explained(provider, model.provider)
            if found_provider is None:
                continue
            reasons.append(found_provider)
        by = "exact" if found_name.how == "exact" else "normalised"
        fitting[by].append((model, "; ".join(reasons)))
    for by in ("exact", "normalised"):
        if len(fitting[by]) == 1:
            model, text = fitting[by][0]
            return ModelMatch(model, by, text)
        if fitting[by]:
            return None  # ambiguous: more than one registered model fits as well
    return None
