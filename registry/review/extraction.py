"""The extraction question, answered: who trained on a model's output, and said its terms let them.

Reads for the regulator console across filings: every filed field that names someone, searched
by normalised name (`names`), and a page per named model listing what is built on it and every
declaration whose synthetic data it generated, with the terms the filer claimed beside what the
model's own provider says. Also the cross-filing lookup behind the `generator_terms_disputed`
flag (`risks`), which the per-filing rules can't make: they read one filing only.

Which filings count:
- Search reads filed versions as filed: every status but draft and changes requested (those two
  are being edited, so their rows may hold answers nobody has filed yet).
- The named-model page and the flag read the claims in force or before the regulator: submitted,
  under review and accepted declarations. Superseded, rejected and withdrawn claims are history;
  search still finds them.

What a model's own provider says of its terms: the contract (DESIGN §3.3) has no field where a
provider states its own model's output terms. Until it does, the register reads the one filed
answer a provider gives about them: `terms_permit_training` where its own declarations name its
own model as a generator (a distilled sibling, say). `owner_terms` is the one place that reads it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Replace
from django.db.models.lookups import IContains

from registry.declarations.models import AIModel, DataSource, ModelDependency, SupplyChainParty
from registry.filings.models import FilingKind
from registry.filings.states import Status
from registry.providers.models import InvestmentLink, Provider
from registry.review import risks
from registry.review.models import Case
from registry.review.names import (
    Kind,
    Match,
    ModelMatch,
    explain,
    mod_number,
    model_match,
    normalise,
    registered_name,
    search_words,
    slug,
)

# Filed and frozen: what search reads (see the module's docstring).
FILED = tuple(s for s in Status.values if s not in (Status.DRAFT, Status.CHANGES_REQUESTED))
# Claims in force or before the regulator: what the named-model page and the flag read.
CURRENT = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.ACCEPTED)
# Each group of search results shows this many; each database prefilter reads at most SCAN_LIMIT
# rows, so a search for a common word stays quick (the page then says "at least").
NAMED_LIMIT = 20
SCAN_LIMIT = 500

TERMS_WORDS = {"yes": "permit", "no": "forbid", "unknown": "unknown"}


# --- Prefilters: the database narrows, `names` decides


def without_apostrophes(column: str) -> Replace:
    # As `names.punctuation` joins "O'Brien" into "obrien", so the stored name is read.
    return Replace(Replace(F(column), Value("'"), Value("")), Value("\u2019"), Value(""))


def words_in(column: str, words: Sequence[str]) -> Q:
    """Rows whose column holds every word (a superset of what the normalised name matches)."""
    held = without_apostrophes(column)
    return reduce(and_, (Q(IContains(held, word)) for word in words), Q())


def json_words(column: str, words: Sequence[str]) -> Q:
    """As `words_in`, on a JSON column's text (apostrophes kept: a generator named with one is
    found by a search that has one)."""
    # JSON text may escape non-ASCII ("\u00fc" on SQLite), so only ASCII words narrow it.
    ascii_words = [word for word in words if word.isascii()]
    return reduce(and_, (Q(**{f"{column}__icontains": w}) for w in ascii_words), Q())


def case_of(kind: str, filing: str) -> Subquery:
    """The id of the case of the filing at `filing` (a path to its id), for a link."""
    cases = Case.objects.filter(filing_kind=kind, filing_id=OuterRef(filing))
    return Subquery(cases.values("pk")[:1])


# --- Search: every filed field that names someone


@dataclass(frozen=True)
class NamedHit:
    """One filed field that names what was searched for, and how it matched."""

    field: str  # what the field is, in words: "Investor", "Generator model", ...
    match: Match
    provider: Provider  # whose filing it is
    filing: str  # "OWN-000003-v1", "DEC-000012-v2", or "Model registration"
    status: str
    case_id: int | None
    model: AIModel | None = None
    context: str = ""  # where in the filing: "source 'Synthetic dialogues'"
    named_model: str = ""  # the named-model page's slug, for a model named here
    terms: str = ""  # a generator's terms as the filer claimed them


@dataclass(frozen=True)
class NamedGroup:
    code: str
    title: str
    hits: list[NamedHit]
    # Some rows were not read (more than SCAN_LIMIT), so there may be more.
    partial: bool = False

    @property
    def shown(self) -> list[NamedHit]:
        return self.hits[:NAMED_LIMIT]

    @property
    def count_text(self) -> str:
        return f"at least {len(self.hits)}" if self.partial else str(len(self.hits))


GROUPS = {
    "investors": "Investors",
    "parties": "Supply-chain parties",
    "generators": "Generator models",
    "crawlers": "Crawlers",
    "sources": "Sources and their owners",
    "base_models": "External base models",
}


def named_in_filings(query: str) -> list[NamedGroup]:
    """Every filed field naming `query`, grouped by what it names, each match explained.

    Four queries, whatever is found: investors, supply-chain parties, sources (their names,
    owners, crawlers and generators) and external base models, each with its case's id.
    """
    words = {kind: search_words(query, kind) for kind in Kind}
    if not words[Kind.MODEL]:
        return []
    found: dict[str, list[NamedHit]] = defaultdict(list)
    partial: set[str] = set()
    for code, rows in (
        ("investors", investor_hits(query, words[Kind.ORGANISATION])),
        ("parties", party_hits(query, words[Kind.ORGANISATION])),
        ("base_models", base_model_hits(query, words)),
    ):
        hits, more = rows
        found[code] += hits
        if more:
            partial.add(code)
    source_found, more = source_hits(query, words)
    for code, hits in source_found.items():
        found[code] += hits
        if more:
            partial.add(code)
    # A group with no hit among the rows read is left out, even if more rows were not read.
    return [
        NamedGroup(code, title, found[code], code in partial)
        for code, title in GROUPS.items()
        if found[code]
    ]


def scanned(rows: QuerySet[Any]) -> tuple[list[Any], bool]:
    """At most SCAN_LIMIT rows, and whether there were more."""
    read = list(rows[: SCAN_LIMIT + 1])
    return read[:SCAN_LIMIT], len(read) > SCAN_LIMIT


def investor_hits(query: str, words: list[str]) -> tuple[list[NamedHit], bool]:
    if not words:
        return [], False
    links, more = scanned(
        InvestmentLink.objects.filter(words_in("investor_name", words), statement__status__in=FILED)
        .select_related("statement__provider")
        .annotate(case_id=case_of(FilingKind.OWNERSHIP, "statement_id"))
        .order_by("investor_name", "id")
    )
    hits = [
        NamedHit(
            "Investor",
            match,
            link.statement.provider,
            link.statement.reference,
            link.statement.status,
            link.case_id,
        )
        for link in links
        if (match := explain(query, link.investor_name, Kind.ORGANISATION, partial=True))
    ]
    return hits, more


def party_hits(query: str, words: list[str]) -> tuple[list[NamedHit], bool]:
    if not words:
        return [], False
    parties, more = scanned(
        SupplyChainParty.objects.filter(words_in("name", words), declaration__status__in=FILED)
        .select_related("declaration__model__provider")
        .annotate(case_id=case_of(FilingKind.DECLARATION, "declaration_id"))
        .order_by("name", "id")
    )
    hits = [
        NamedHit(
            f"Supply-chain party ({party.get_role_display().lower()})",
            match,
            party.declaration.model.provider,
            party.declaration.reference,
            party.declaration.status,
            party.case_id,
            model=party.declaration.model,
        )
        for party in parties
        if (match := explain(query, party.name, Kind.ORGANISATION, partial=True))
    ]
    return hits, more


def base_model_hits(query: str, words: Mapping[Kind, list[str]]) -> tuple[list[NamedHit], bool]:
    narrowed = words_in("external_name", words[Kind.MODEL])
    if words[Kind.ORGANISATION]:
        narrowed |= words_in("external_provider", words[Kind.ORGANISATION])
    dependencies, more = scanned(
        ModelDependency.objects.filter(narrowed, depends_on=None)
        .select_related("model__provider")
        .order_by("external_name", "id")
    )
    hits = []
    for dependency in dependencies:
        for label, value, kind in (
            ("External base model", dependency.external_name, Kind.MODEL),
            ("External base model's provider", dependency.external_provider, Kind.ORGANISATION),
        ):
            if value and (match := explain(query, value, kind, partial=True)):
                hits.append(
                    NamedHit(
                        label,
                        match,
                        dependency.model.provider,
                        "Model registration",
                        "",
                        None,
                        model=dependency.model,
                        context=f"{dependency.model} is built on it "
                        f"({dependency.get_relation_display().lower()})",
                        named_model=slug(dependency.external_name),
                    )
                )
    return hits, more


# The source fields that name someone: (group, field label, column, kind).
SOURCE_FIELDS = (
    ("sources", "Source", "name", Kind.OTHER),
    ("sources", "Source owner", "owner", Kind.ORGANISATION),
    ("crawlers", "Crawler", "crawler_name", Kind.OTHER),
    ("crawlers", "Crawler user agent", "crawler_user_agent", Kind.OTHER),
)


def source_hits(
    query: str, words: Mapping[Kind, list[str]]
) -> tuple[dict[str, list[NamedHit]], bool]:
    narrowed = [
        words_in(column, words[kind]) for _, _, column, kind in SOURCE_FIELDS if words[kind]
    ]
    if any(word.isascii() for word in words[Kind.MODEL]):
        narrowed.append(json_words("generator_models", words[Kind.MODEL]))
    if any(word.isascii() for word in words[Kind.ORGANISATION]):
        narrowed.append(json_words("generator_models", words[Kind.ORGANISATION]))
    sources, more = scanned(
        DataSource.objects.filter(reduce(or_, narrowed), declaration__status__in=FILED)
        .defer("top_domains", "description", "purpose", "processing_notes")
        .select_related("declaration__model__provider")
        .annotate(case_id=case_of(FilingKind.DECLARATION, "declaration_id"))
        .order_by("name", "id")
    )
    found: dict[str, list[NamedHit]] = defaultdict(list)
    for source in sources:
        for group, hit in source_field_hits(query, source):
            found[group].append(hit)
    return found, more


def source_field_hits(query: str, source: DataSource) -> Iterable[tuple[str, NamedHit]]:
    declaration = source.declaration

    def hit(label: str, match: Match, **extra: Any) -> NamedHit:
        return NamedHit(
            label,
            match,
            declaration.model.provider,
            declaration.reference,
            declaration.status,
            getattr(source, "case_id", None),
            model=declaration.model,
            context=f"source '{source.name}'" if label != "Source" else "",
            **extra,
        )

    for group, label, column, kind in SOURCE_FIELDS:
        value = getattr(source, column)
        if value and (match := explain(query, value, kind, partial=True)):
            yield group, hit(label, match)
    for generator in generators_of(source):
        name, provider = generator["name"], generator["provider"]
        terms = TERMS_WORDS.get(generator["terms"], "not answered")
        if name and (match := explain(query, name, Kind.MODEL, partial=True)):
            yield "generators", hit("Generator model", match, named_model=slug(name), terms=terms)
        if provider and (match := explain(query, provider, Kind.ORGANISATION, partial=True)):
            yield (
                "generators",
                hit(
                    f"Generator's provider (of {name or 'an unnamed model'})",
                    match,
                    named_model=slug(name) if name else "",
                    terms=terms,
                ),
            )


def generators_of(source: DataSource) -> list[dict[str, str]]:
    """A synthetic source's generators as filed, each with its name, provider and terms."""
    if source.category != "synthetic":
        return []
    return [
        {
            "name": str(entry.get("name") or "").strip(),
            "provider": str(entry.get("provider") or "").strip(),
            "terms": str(entry.get("terms_permit_training") or ""),
        }
        for entry in source.generator_models or []
        if isinstance(entry, Mapping)
    ]


# --- Registered models a filing names


def model_candidates(names: Iterable[str]) -> QuerySet[AIModel]:
    """Registered models any of these names could be (by MOD- number, or holding every word of
    one in their name or version), with their providers: one query."""
    names = list(names)
    numbers = [number for name in names if (number := mod_number(name))]
    each = [
        reduce(and_, (Q(name__icontains=w) | Q(version__icontains=w) for w in words))
        for name in names
        if not mod_number(name) and (words := search_words(name))
    ]
    narrowed = reduce(or_, each, Q(registration_number__in=numbers))
    return AIModel.objects.filter(narrowed).select_related("provider").order_by("id")


def stated_terms(answers: Iterable[str]) -> str | None:
    """One answer from several: forbid if any says so, then permit, then unknown; None: none."""
    given = set(answers)
    return next((terms for terms in ("no", "yes", "unknown") if terms in given), None)


@dataclass(frozen=True)
class OwnerStatement:
    """Where a model's own provider answered whether its terms permit training on its output."""

    terms: str
    filing: str
    source: str
    case_id: int | None


def owner_terms(
    models: Sequence[AIModel], sources: Iterable[DataSource]
) -> dict[int, list[OwnerStatement]]:
    """What each model's own provider says of its terms, from its own current declarations'
    generators naming that model (the interim reading: see the module's docstring)."""
    stated: dict[int, list[OwnerStatement]] = defaultdict(list)
    for source in sources:
        owner_id = source.declaration.model.provider_id
        own = [m for m in models if m.provider_id == owner_id]
        for generator in generators_of(source):
            found = model_match(generator["name"], generator["provider"], own)
            if found and generator["terms"]:
                stated[found.model.pk].append(
                    OwnerStatement(
                        generator["terms"],
                        source.declaration.reference,
                        source.name,
                        getattr(source, "case_id", None),
                    )
                )
    return stated


def owners_sources(provider_ids: Iterable[int]) -> QuerySet[DataSource]:
    """The synthetic sources of these providers' current declarations, with their models."""
    return (
        DataSource.objects.filter(
            category="synthetic",
            declaration__status__in=CURRENT,
            declaration__model__provider_id__in=list(provider_ids),
        )
        .only("id", "name", "category", "generator_models", "declaration")
        .select_related("declaration__model")
        .order_by("id")
    )


# --- The flag: a generator's terms claimed to permit what its own provider says they forbid


def generator_terms_disputes(data: Mapping[str, Any], filer_id: int) -> list[risks.Dispute]:
    """The generators this declaration says permit training that their own provider (another
    provider, with the model registered here) says forbid it.

    At most three queries, none when no generator is claimed to permit: the registered models
    named; their providers' own current synthetic sources; the filer's name, if disputed.
    """
    claimed = [
        (str(source.get("name") or "an unnamed source"), generator)
        for source in data.get("sources") or []
        if source.get("category") == "synthetic"
        for generator in source.get("generator_models") or []
        if isinstance(generator, Mapping) and generator.get("terms_permit_training") == "yes"
    ]
    if not claimed:
        return []
    candidates = [
        m
        for m in model_candidates(text(g, "name") for _, g in claimed)
        if m.provider_id != filer_id
    ]
    matched = [
        (source, found)
        for source, generator in claimed
        if (found := model_match(text(generator, "name"), text(generator, "provider"), candidates))
    ]
    if not matched:
        return []
    models = list({found.model.pk: found.model for _, found in matched}.values())
    stated = owner_terms(models, owners_sources(m.provider_id for m in models))
    disputed = [
        (source, found.model)
        for source, found in matched
        if stated_terms(s.terms for s in stated.get(found.model.pk, [])) == "no"
    ]
    if not disputed:
        return []
    filer = Provider.objects.get(pk=filer_id).display_name
    model = data.get("model") or {}
    return [
        risks.Dispute(
            filer=filer,
            model=f"{model.get('name', '')} {model.get('version', '')}".strip(),
            source=source,
            generator=registered_label(generator),
            owner=generator.provider.display_name,
        )
        for source, generator in disputed
    ]


def text(entry: Mapping[str, Any], key: str) -> str:
    return str(entry.get(key) or "").strip()


def registered_label(model: AIModel) -> str:
    number = f" ({model.registration_number})" if model.registration_number else ""
    return f"{registered_name(model)}{number}"


# --- The named-model page


@dataclass(frozen=True)
class RegisteredRow:
    """A registered model the name is, how it matched, and what its own provider says."""

    model: AIModel
    how: str
    terms: str | None
    statements: list[OwnerStatement]

    @property
    def terms_text(self) -> str:
        if self.terms is None:
            return "not stated"
        return TERMS_WORDS[self.terms]


@dataclass(frozen=True)
class GeneratorClaim:
    """A declaration whose synthetic source names the model as its generator."""

    source: DataSource
    name: str  # the generator's name as filed
    provider_named: str
    terms: str
    how: str  # how the name matched, in words
    registered: AIModel | None  # the registered model it was matched to
    own: bool  # filed by the model's own provider
    owner_terms: str | None

    @property
    def declaration(self) -> Any:
        return self.source.declaration

    @property
    def case_id(self) -> int | None:
        return getattr(self.source, "case_id", None)

    @property
    def terms_text(self) -> str:
        return TERMS_WORDS.get(self.terms, "not answered")

    @property
    def disputed(self) -> bool:
        """The filer says permit; the model's own provider says forbid."""
        return not self.own and self.terms == "yes" and self.owner_terms == "no"


@dataclass(frozen=True)
class BuiltOn:
    dependency: ModelDependency
    how: str


@dataclass
class NamedModel:
    name: str
    slug: str
    registered: list[RegisteredRow] = field(default_factory=list)
    built_on: list[BuiltOn] = field(default_factory=list)
    claims: list[GeneratorClaim] = field(default_factory=list)

    @property
    def disputed(self) -> list[GeneratorClaim]:
        return [claim for claim in self.claims if claim.disputed]


def named_model(name: str) -> NamedModel:
    """A named model: the registered models it is, what is built on it, and who trained on its
    output under which terms, beside what its own provider says.

    Three queries, however many rows: registered models, lineage, and the synthetic sources of
    current declarations naming it (each with its declaration, model, provider and case).
    """
    number, key = mod_number(name), normalise(name)
    if not key:
        return NamedModel(name=name, slug="")
    registered = list(model_candidates([name]))
    registered_matches = [
        (model, how) for model in registered if (how := registered_how(name, number, key, model))
    ]
    if number and registered_matches:
        key = normalise(registered_name(registered_matches[0][0]))
    models = [model for model, _ in registered_matches]
    words = search_words(registered_name(models[0]) if number and models else name)
    dependencies = lineage(models, words)
    sources = claim_sources(words, models)
    claims_by = claims(sources, name, key, models)
    stated = owner_terms(models, {c.source.pk: c.source for c in claims_by if c.own}.values())
    rows = [
        RegisteredRow(model, how, stated_terms(s.terms for s in stated[model.pk]), stated[model.pk])
        for model, how in registered_matches
    ]
    terms_of = {row.model.pk: row.terms for row in rows}
    built_on = [
        BuiltOn(d, how) for d in dependencies if (how := dependency_how(d, name, key, models))
    ]
    return NamedModel(
        name=display_name(name, models, claims_by, built_on),
        slug=slug(registered_name(models[0])) if models else slug(name),
        registered=rows,
        built_on=built_on,
        claims=[
            replace(claim, owner_terms=terms_of.get(claim.registered.pk))
            if claim.registered
            else claim
            for claim in claims_by
        ],
    )


def registered_how(name: str, number: str | None, key: str, model: AIModel) -> str:
    if number:
        return f"matched by its MOD- number {number}" if model.registration_number == number else ""
    if normalise(registered_name(model)) != key:
        return ""
    found = explain(name, registered_name(model))
    return found.text if found else ""


def lineage(models: Sequence[AIModel], words: list[str]) -> list[ModelDependency]:
    narrowed = Q(depends_on__in=[m.pk for m in models]) | (
        words_in("external_name", words) & Q(depends_on=None)
    )
    return list(
        ModelDependency.objects.filter(narrowed)
        .select_related("model__provider", "depends_on")
        .order_by("model__name", "model__version", "id")
    )


def dependency_how(
    dependency: ModelDependency, asked: str, key: str, models: Sequence[AIModel]
) -> str:
    if dependency.depends_on_id is not None:
        return "registered as built on it" if dependency.depends_on in models else ""
    if normalise(dependency.external_name) != key:
        return ""
    found = explain(asked, dependency.external_name) or explain(key, dependency.external_name)
    return f"named as an external base model: {found.text}" if found else ""


def claim_sources(words: list[str], models: Sequence[AIModel]) -> list[DataSource]:
    numbers = [m.registration_number for m in models if m.registration_number]
    narrowed = json_words("generator_models", words)
    if any(word.isascii() for word in words):  # else every synthetic source is read
        for value in numbers:
            narrowed |= Q(generator_models__icontains=value)
    return list(
        DataSource.objects.filter(narrowed, category="synthetic", declaration__status__in=CURRENT)
        .defer("top_domains", "description", "purpose", "processing_notes")
        .select_related("declaration__model__provider")
        .annotate(case_id=case_of(FilingKind.DECLARATION, "declaration_id"))
        .order_by("declaration__model__provider__legal_name", "declaration_id", "id")
    )


def claims(
    sources: Iterable[DataSource], asked: str, key: str, models: Sequence[AIModel]
) -> list[GeneratorClaim]:
    found = []
    for source in sources:
        owner_id = source.declaration.model.provider_id
        for generator in generators_of(source):
            how = claim_how(generator, asked, key, models)
            if how is None:
                continue
            text, registered = how
            found.append(
                GeneratorClaim(
                    source=source,
                    name=generator["name"],
                    provider_named=generator["provider"],
                    terms=generator["terms"],
                    how=text,
                    registered=registered,
                    own=registered is not None and registered.provider_id == owner_id,
                    owner_terms=None,
                )
            )
    return found


def claim_how(
    generator: Mapping[str, str], asked: str, key: str, models: Sequence[AIModel]
) -> tuple[str, AIModel | None] | None:
    """How a generator as filed names the model, and the registered model it is (if any)."""
    found: ModelMatch | None = model_match(generator["name"], generator["provider"], models)
    if found is not None:
        return found.text, found.model
    if not key or normalise(generator["name"]) != key:
        return None
    if models and generator["provider"]:
        # The same name, but another provider's: say so, don't assume it is the registered one.
        return (
            f"same name, but '{generator['provider']}' is not the registered model's provider",
            None,
        )
    if models:
        return "same name, but more than one registered model has it: not told which", None
    matched = explain(asked, generator["name"])
    return (matched.text if matched else "matched by its normalised name"), None


def display_name(
    name: str,
    models: Sequence[AIModel],
    found: Sequence[GeneratorClaim],
    built_on: Sequence[BuiltOn],
) -> str:
    """The name as registered, else as first filed, else as asked for."""
    if models:
        return registered_name(models[0])
    if found:
        return found[0].name
    external = [b.dependency.external_name for b in built_on if b.dependency.external_name]
    if external:
        return external[0]
    return name.replace("-", " ") if " " not in name else name
