"""Reads for the public register: registered models and providers, and each model's label.

Everything these functions return is public. Regulator-only values (exact training-data totals
and source sizes, confidentiality reasons, red-team reports and their hashes, investors' exact
holdings, NSI references) never leave this module: sources, parties and attestations are read with
`.values()` of their public columns only, a confidential source's name, owner, URL and description
are not even selected, and investors' exact holdings are read only to put them in bands and to
decide the public risk alerts, whose messages never give them.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from registry.declarations.choices import IpStatus, LicenceUse, YesNoUnknown
from registry.declarations.models import (
    AIModel,
    DataSource,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.declarations.selectors import LATEST_ATTESTATION_FIRST
from registry.filings.models import FilingKind
from registry.filings.states import PUBLISHED, Status
from registry.providers.models import (
    InvestmentLink,
    OwnershipStatement,
    Provider,
    StateAffiliation,
    ownership_band,
)
from registry.review import risks
from registry.review.models import CaseFlag

# A source's public answers, as the label lists them (never its exact sizes).
PUBLIC_SOURCE_FIELDS = [
    "name",
    "category",
    "description",
    "url",
    "dataset_version",
    "owner",
    "licence",
    "licence_use_category",
    "acquisition",
    "modalities",
    "languages",
    "share_percent",
    "collection_start",
    "collection_end",
    "collection_ongoing",
    "first_used_on",
    "purpose",
    "personal_data",
    "personal_data_measures",
    "aggregate_consumer_data",
    "ip_status",
    "processing",
    "processing_notes",
    "countries",
]
CRAWL_FIELDS = [
    "crawler_name",
    "crawler_user_agent",
    "robots_txt_respected",
    "tdm_opt_out_respected",
    "top_domains",
]
# What a confidential source still adds to the label: its category and share, and its answers
# counted in the summaries. Nothing that could name it.
COUNTED_FIELDS = [
    "category",
    "share_percent",
    "personal_data",
    "aggregate_consumer_data",
    "ip_status",
    "licence_use_category",
    "robots_txt_respected",
    "tdm_opt_out_respected",
    "generator_models",
]
PARTY_FIELDS = ["name", "role", "country", "company_number"]
ATTESTATION_FIELDS = [
    "assessor",
    "assessor_independent",
    "scope",
    "performed_on",
    "outcome",
    "summary",
    "next_due",
]
MODEL_FIELDS = [
    "registration_number",
    "name",
    "version",
    "model_type",
    "modalities_in",
    "modalities_out",
    "parameter_count",
    "release_date",
    "distribution",
    "intended_uses",
]
PROVIDER_FIELDS = [
    "registration_number",
    "legal_name",
    "trading_name",
    "company_number",
    "country",
    "registered_address",
    "website",
    "contact_email",
    "uk_representative",
]
INVESTOR_FIELDS = [
    "investor_name",
    "investor_kind",
    "country",
    "registration_number",
    "board_appointment",
    "significant_influence",
    "state_affiliation",
    "acquired_on",
    "ceased_on",
    "nsi_notified",
]
# What the risk rules read of an investor: its public answers and its exact holdings, which
# only decide the flags and never appear in them.
RISK_LINK_FIELDS = [*INVESTOR_FIELDS, "share_percent", "votes_percent"]
# What the label's version list reads of each published version.
VERSION_FIELDS = ["version", "status", "submitted_at", "decided_at", "withdrawn_at"]
ANSWERS = YesNoUnknown.values


# --- Which models and providers are on the register


def published_declarations() -> QuerySet[ProvenanceDeclaration]:
    """Declarations the public may read: accepted, superseded or withdrawn, newest first."""
    return ProvenanceDeclaration.objects.filter(status__in=PUBLISHED).order_by("-version")


def registered_models() -> QuerySet[AIModel]:
    """Models with a published declaration, each with the id of its latest one.

    A model whose declarations were never accepted is not on the register at all.
    """
    latest = published_declarations().filter(model=OuterRef("pk")).values("pk")[:1]
    return (
        AIModel.objects.filter(registration_number__isnull=False)
        .annotate(label_declaration_id=Subquery(latest))
        .filter(label_declaration_id__isnull=False)
    )


def with_published_versions(models: QuerySet[AIModel]) -> QuerySet[AIModel]:
    """Load each model's published versions in one more query (`model.published_versions`)."""
    versions = published_declarations().only(
        "id", "model_id", "version", "status", "submitted_at", "decided_at", "withdrawn_at"
    )
    return models.prefetch_related(
        Prefetch("declarations", queryset=versions, to_attr="published_versions")
    )


def public_models(
    *,
    q: str = "",
    modality: str = "",
    category: str = "",
    provider: str = "",
    foreign_control: bool | None = None,
    state_affiliated: bool | None = None,
) -> QuerySet[AIModel]:
    """Registered models matching a search and filters, with their provider and versions.

    - `q`: part of the model's name, its provider's name, or either registration number;
    - `modality`: the model takes it in or puts it out;
    - `category`: its latest published declaration has a source of that category (confidential
      sources count: their category is public);
    - `provider`: the provider's PRV- number;
    - `foreign_control`, `state_affiliated`: what the provider's accepted ownership statement
      says (providers without one match neither true nor false).
    """
    models = registered_models().select_related("provider")
    if q:
        models = models.filter(
            Q(name__icontains=q)
            | Q(registration_number__icontains=q)
            | Q(provider__legal_name__icontains=q)
            | Q(provider__trading_name__icontains=q)
            | Q(provider__registration_number__icontains=q)
        )
    if modality:
        # JSON lists hold quoted strings, so this matches whole values only, on any database.
        quoted = f'"{modality}"'
        models = models.filter(
            Q(modalities_in__icontains=quoted) | Q(modalities_out__icontains=quoted)
        )
    if category:
        used = DataSource.objects.filter(
            declaration_id=OuterRef("label_declaration_id"), category=category
        )
        models = models.filter(Exists(used))
    if provider:
        models = models.filter(provider__registration_number=provider)
    models = filter_by_ownership(models, "provider_id", foreign_control, state_affiliated)
    return with_published_versions(models).order_by("id")


def public_providers(*, q: str = "") -> QuerySet[Provider]:
    """Providers on the register: with a registered model or an accepted ownership statement."""
    models = registered_models().filter(provider=OuterRef("pk"))
    statements = OwnershipStatement.objects.filter(provider=OuterRef("pk"), status=Status.ACCEPTED)
    providers = Provider.objects.filter(Exists(models) | Exists(statements))
    if q:
        providers = providers.filter(
            Q(legal_name__icontains=q)
            | Q(trading_name__icontains=q)
            | Q(registration_number__icontains=q)
            | Q(company_number__iexact=q)
        )
    return providers.order_by("id")


# --- Ownership: in the database for filters, in Python for the label; one definition


def current_links() -> QuerySet[InvestmentLink]:
    """Holdings in force on accepted ownership statements."""
    return InvestmentLink.objects.filter(statement__status=Status.ACCEPTED, ceased_on__isnull=True)


def foreign_total(field: str, provider_ref: str) -> Coalesce:
    """The exact share or votes foreign investors hold together in the outer query's provider."""
    total = (
        current_links()
        .filter(statement__provider_id=OuterRef(provider_ref))
        .exclude(country__in=["", "GB"])
        .values("statement__provider_id")
        .annotate(total=Sum(field))
        .values("total")[:1]
    )
    return Coalesce(
        Subquery(total, output_field=DecimalField(max_digits=9, decimal_places=3)),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=9, decimal_places=3),
    )


def filter_by_ownership(
    queryset: QuerySet,
    provider_ref: str,
    foreign_control: bool | None,
    state_affiliated: bool | None,
) -> QuerySet:
    """Keep rows whose provider is (or is not) foreign-controlled or state-affiliated."""
    if foreign_control is None and state_affiliated is None:
        return queryset
    accepted = OwnershipStatement.objects.filter(
        provider_id=OuterRef(provider_ref), status=Status.ACCEPTED
    )
    queryset = queryset.filter(Exists(accepted))
    if foreign_control is not None:
        queryset = queryset.annotate(
            foreign_shares=foreign_total("share_percent", provider_ref),
            foreign_votes=foreign_total("votes_percent", provider_ref),
        )
        controlled = Q(foreign_shares__gt=risks.CONTROL_THRESHOLD) | Q(
            foreign_votes__gt=risks.CONTROL_THRESHOLD
        )
        queryset = queryset.filter(controlled) if foreign_control else queryset.exclude(controlled)
    if state_affiliated is not None:
        affiliated = Exists(
            current_links()
            .filter(statement__provider_id=OuterRef(provider_ref))
            .exclude(state_affiliation=StateAffiliation.NONE)
        )
        queryset = queryset.filter(affiliated if state_affiliated else ~affiliated)
    return queryset


# A provider's accepted ownership statement (None if it has none) and its investors.
Ownership = tuple[OwnershipStatement | None, list[InvestmentLink]]


def accepted_ownership(provider_id: int) -> Ownership:
    """The provider's accepted ownership statement and its investors (two queries; one if none)."""
    return accepted_ownerships([provider_id])[provider_id]


def accepted_ownerships(provider_ids: Iterable[int]) -> dict[int, Ownership]:
    """Each provider's accepted ownership statement and its investors, by provider id.

    Two queries however many providers there are (one if none has a statement).
    """
    provider_ids = set(provider_ids)
    statements: dict[int, OwnershipStatement] = {}
    accepted = (
        OwnershipStatement.objects.filter(provider_id__in=provider_ids, status=Status.ACCEPTED)
        .only("id", "provider_id", "version", "submitted_at", "decided_at")
        .order_by("provider_id", "-version")
    )
    for statement in accepted:
        statements.setdefault(statement.provider_id, statement)  # its latest version
    links: dict[int, list[InvestmentLink]] = defaultdict(list)
    if statements:
        investors = InvestmentLink.objects.filter(statement__in=statements.values()).only(
            *INVESTOR_FIELDS, "statement_id", "share_percent", "votes_percent"
        )
        for link in investors.order_by("id"):
            links[link.statement_id].append(link)
    return {
        provider_id: (
            statements.get(provider_id),
            links[statements[provider_id].pk] if provider_id in statements else [],
        )
        for provider_id in provider_ids
    }


def ownership_summary(
    statement: OwnershipStatement | None, links: list[InvestmentLink]
) -> dict[str, Any] | None:
    """Who stands behind the provider, in the PSC register's bands; None if nothing is accepted.

    "Foreign" means a country other than GB. Foreign control is foreign investors together
    holding more than 50 % of the shares or of the votes, by their exact (regulator-only)
    holdings; only the answer and the bands are public. Summaries count current holdings only.
    """
    if statement is None:
        return None
    current = [link for link in links if link.ceased_on is None]
    foreign = [link for link in current if link.is_foreign]
    shares, votes = holding(foreign, "share_percent"), holding(foreign, "votes_percent")
    foreign_control = shares > risks.CONTROL_THRESHOLD or votes > risks.CONTROL_THRESHOLD
    affiliated = [link for link in current if link.state_affiliation != StateAffiliation.NONE]
    return {
        "statement_version": statement.version,
        "accepted_on": local_date(statement.decided_at),
        "investors": [investor(link) for link in links],
        "foreign_share_band": ownership_band(shares),
        "foreign_votes_band": ownership_band(votes),
        "foreign_by_country": foreign_by_country(foreign),
        "foreign_control": foreign_control,
        "uk_controlled": not foreign_control,
        "state_affiliated": bool(affiliated),
        "state_affiliated_investors": [investor(link) for link in affiliated],
    }


def holding(links: Iterable[InvestmentLink], field: str) -> Decimal:
    return sum((getattr(link, field) or Decimal(0) for link in links), Decimal(0))


def investor(link: InvestmentLink) -> dict[str, Any]:
    """An investor as the public sees it: bands, never the exact holding or the NSI reference."""
    return {
        **{field: getattr(link, field) for field in INVESTOR_FIELDS},
        "share_band": link.share_band,
        "votes_band": link.votes_band,
    }


def foreign_by_country(foreign: list[InvestmentLink]) -> list[dict[str, Any]]:
    """Foreign holdings added up per country, each total in its band."""
    by_country: dict[str, list[InvestmentLink]] = defaultdict(list)
    for link in foreign:
        by_country[link.country].append(link)
    return [
        {
            "country": country,
            "investors": len(holders),
            "share_band": ownership_band(holding(holders, "share_percent")),
            "votes_band": ownership_band(holding(holders, "votes_percent")),
        }
        for country, holders in sorted(by_country.items())
    ]


# --- The provider's public record


def public_provider_data(provider: Provider) -> dict[str, Any]:
    """A provider's public record: its details, who stands behind it, and its registered models.

    Four queries (the provider was loaded by the caller): the accepted ownership statement, its
    investors, the registered models and their published versions.
    """
    statement, links = accepted_ownership(provider.pk)
    models = with_published_versions(registered_models().filter(provider=provider)).order_by(
        "name", "version"
    )
    return {
        **provider_data(provider, details=True),
        "ownership": ownership_summary(statement, links),
        "models": [model_entry(model) for model in models],
    }


def provider_data(provider: Provider, *, details: bool = False) -> dict[str, Any]:
    data = {
        "registration_number": provider.registration_number,
        "name": provider.display_name,
        "legal_name": provider.legal_name,
        "country": provider.country,
    }
    if details:
        data |= {field: getattr(provider, field) for field in PROVIDER_FIELDS}
        data["registered_on"] = local_date(provider.registered_at)
    return data


def model_entry(model: AIModel) -> dict[str, Any]:
    """A registered model in a list: its details and where its latest published label stands."""
    latest = model.published_versions[0]  # type: ignore[attr-defined]
    return {
        **{field: getattr(model, field) for field in MODEL_FIELDS if field != "intended_uses"},
        "label_version": latest.version,
        "status": latest.status,
        "withdrawn": latest.status == Status.WITHDRAWN,
        "accepted_on": local_date(latest.decided_at),
        "withdrawn_on": local_date(latest.withdrawn_at),
    }


def public_model_entry(model: AIModel) -> dict[str, Any]:
    return {**model_entry(model), "provider": provider_data(model.provider)}


# --- The label


def label_declaration(registration_number: str, version: int | None = None):
    """The published declaration a label shows: the latest one, or a given version; else None."""
    declarations = published_declarations().select_related("model__provider", "label_pdf")
    declarations = declarations.filter(model__registration_number=registration_number)
    if version is not None:
        declarations = declarations.filter(version=version)
    return declarations.first()


def model_label(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    """What a model's own address shows: the label of its latest published version, or a
    tombstone if that version was withdrawn (nothing published disappears)."""
    return model_labels([declaration])[0]


def model_labels(declarations: list[ProvenanceDeclaration]) -> list[dict[str, Any]]:
    """`model_label` of each declaration of a chunk, in order, in seven queries at most whatever
    the chunk's size (a tombstone reads only the versions)."""
    labelled = [d for d in declarations if d.status != Status.WITHDRAWN]
    rows = label_rows(labelled, {d.model_id for d in declarations})
    return [
        tombstone_assemble(d, rows) if d.status == Status.WITHDRAWN else label_assemble(d, rows)
        for d in declarations
    ]


def label_data(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    """The nutritional label of one published declaration (DESIGN §4), as plain data."""
    return labels_data([declaration])[0]


def labels_data(declarations: list[ProvenanceDeclaration]) -> list[dict[str, Any]]:
    """The label of each published declaration of a chunk, in order.

    Seven queries at most whatever the number of declarations and of their sources (the
    declarations were loaded with their models and providers): see `label_rows`.
    """
    rows = label_rows(declarations, {d.model_id for d in declarations})
    return [label_assemble(declaration, rows) for declaration in declarations]


# A source is withheld from the public when it claims confidentiality and the regulator did not
# refuse the claim (every claim is decided before a declaration is accepted).
WITHHELD = Q(confidential=True) & ~Q(confidentiality_ruling__accepted=False)


@dataclass(frozen=True)
class LabelRows:
    """What a chunk's labels read: public columns only, grouped by declaration (sources, parties,
    attestations), by model (published versions) or by provider (ownership)."""

    public: dict[int, list[dict[str, Any]]]
    confidential: dict[int, list[dict[str, Any]]]
    parties: dict[int, list[dict[str, Any]]]
    attestations: dict[int, list[dict[str, Any]]]
    versions: dict[int, list[dict[str, Any]]]
    ownership: dict[int, Ownership]


def label_rows(labelled: list[ProvenanceDeclaration], model_ids: set[int]) -> LabelRows:
    """Read what the labels of `labelled` and the version lists of `model_ids` show.

    Seven queries at most, none of them per declaration: the public sources, the confidential
    ones (counted only), the supply chains, the attestations, the published versions, the
    accepted ownership statements and their investors. Django runs no query for `__in` an empty
    list, so a chunk of tombstones reads only the versions.
    """
    ids = [declaration.pk for declaration in labelled]
    sources = DataSource.objects.filter(declaration_id__in=ids).order_by("id")
    public = sources.exclude(WITHHELD).values(
        *PUBLIC_SOURCE_FIELDS, *CRAWL_FIELDS, "generator_models", "declaration_id"
    )
    confidential = sources.filter(WITHHELD).values(*COUNTED_FIELDS, "declaration_id")
    parties = SupplyChainParty.objects.filter(declaration_id__in=ids).order_by("id")
    attestations = RedTeamAttestation.objects.filter(declaration_id__in=ids).order_by(
        *LATEST_ATTESTATION_FIRST
    )
    versions = published_declarations().filter(model_id__in=model_ids)
    return LabelRows(
        public=grouped(public, "declaration_id"),
        confidential=grouped(confidential, "declaration_id"),
        parties=grouped(parties.values(*PARTY_FIELDS, "declaration_id"), "declaration_id"),
        attestations=grouped(
            attestations.values(*ATTESTATION_FIELDS, "declaration_id"), "declaration_id"
        ),
        versions=grouped(versions.values(*VERSION_FIELDS, "model_id"), "model_id"),
        ownership=accepted_ownerships({d.model.provider_id for d in labelled}),
    )


def grouped(rows: Iterable[dict[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    """Rows grouped by one of their columns, which is taken out of them; [] for a missing key."""
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row.pop(key)].append(row)
    return groups


def tombstone_assemble(declaration: ProvenanceDeclaration, rows: LabelRows) -> dict[str, Any]:
    """What stays public of a withdrawn model: who, which version, when and why it went."""
    return {
        "kind": "tombstone",
        "withdrawn": True,
        "model": {
            field: getattr(declaration.model, field)
            for field in ("registration_number", "name", "version")
        },
        "provider": provider_data(declaration.model.provider),
        "version": declaration.version,
        "reason": declaration.withdrawal_reason,
        "withdrawn_at": declaration.withdrawn_at,
        "accepted_on": local_date(declaration.decided_at),
        "versions": versions(rows.versions[declaration.model_id]),
    }


def label_assemble(declaration: ProvenanceDeclaration, rows: LabelRows) -> dict[str, Any]:
    """The label of one declaration of a chunk, from the rows read for the chunk."""
    public, confidential = rows.public[declaration.pk], rows.confidential[declaration.pk]
    counted = public + confidential
    model = declaration.model
    statement, links = rows.ownership[model.provider_id]
    chain = supply_chain(rows.parties[declaration.pk])
    red_team = red_teaming(rows.attestations[declaration.pk])
    return {
        "kind": "label",
        "model": {field: getattr(model, field) for field in MODEL_FIELDS},
        "provider": provider_data(model.provider),
        "version": declaration.version,
        "status": declaration.status,
        "submitted_on": local_date(declaration.submitted_at),
        "accepted_on": local_date(declaration.decided_at),
        "withdrawn": declaration.status == Status.WITHDRAWN,
        "withdrawal": withdrawal(declaration),
        "training_data": training_data(declaration),
        "composition": composition(public, confidential),
        "personal_data": {
            **answer_counts(source["personal_data"] for source in counted),
            "aggregate_consumer_data": sum(1 for s in counted if s["aggregate_consumer_data"]),
        },
        "ip_status": choice_counts(counted, "ip_status", IpStatus.values, IpStatus.UNKNOWN),
        "licence_use": choice_counts(
            counted, "licence_use_category", LicenceUse.values, LicenceUse.UNSPECIFIED
        ),
        "synthetic": synthetic(public, confidential),
        "crawling": crawling(public, confidential),
        "sources": [{field: source[field] for field in PUBLIC_SOURCE_FIELDS} for source in public],
        "confidential_sources": {
            "count": len(confidential),
            "share_percent": share(confidential),
        },
        "ownership": ownership_summary(statement, links),
        "supply_chain": chain,
        "red_teaming": red_team,
        "versions": versions(rows.versions[model.pk]),
        "public_alerts": alerts(public, confidential, chain, red_team, links),
    }


def alerts(
    public: list[dict[str, Any]],
    confidential: list[dict[str, Any]],
    chain: dict[str, Any],
    red_team: dict[str, Any],
    links: list[InvestmentLink],
) -> list[dict[str, Any]]:
    """The public flags of the risk rules, read from the rows the label has already loaded.

    Confidential sources go in unnamed, so no flag could name them. The red-team rules read only
    the latest attestation, which `red_teaming` has already picked the way the rules do.
    """
    declaration = {
        "sources": [source | {"confidential": False} for source in public]
        + [source | {"confidential": True} for source in confidential],
        "supply_chain": chain["parties"],
        "red_team_attestations": [red_team["latest"]] if red_team["latest"] else [],
    }
    ownership = {
        "links": [{field: getattr(link, field) for field in RISK_LINK_FIELDS} for link in links]
    }
    flags = risks.declaration_flags(declaration, timezone.localdate())
    flags += risks.ownership_flags(ownership)
    return [
        {"code": flag.code, "severity": flag.severity, "explanation": flag.message}
        for flag in risks.public_alerts(flags)
    ]


def local_date(moment: datetime | None):
    return timezone.localdate(moment) if moment else None


def share(sources: Iterable[dict[str, Any]]) -> Decimal:
    return sum((source["share_percent"] or Decimal(0) for source in sources), Decimal(0))


def withdrawal(declaration: ProvenanceDeclaration) -> dict[str, Any] | None:
    if declaration.status != Status.WITHDRAWN:
        return None
    return {"reason": declaration.withdrawal_reason, "withdrawn_at": declaration.withdrawn_at}


def training_data(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    """The declaration's general answers: size bands (never the exact totals), languages, dates."""
    return {
        "size_bands": [
            {"modality": modality, "band": band}
            for modality, band in sorted((declaration.training_data_size or {}).items())
        ],
        "languages": [
            {"code": language.get("code", ""), "share_percent": language.get("share_percent")}
            for language in declaration.languages or []
        ],
        "latest_collection_date": declaration.latest_collection_date,
        "continuous_training": declaration.continuous_training,
        "content_types": declaration.content_types or [],
        "tdm_opt_out_measures": declaration.tdm_opt_out_measures,
        "illegal_content_measures": declaration.illegal_content_measures,
        "code_of_practice_signatory": declaration.code_of_practice_signatory,
    }


def composition(
    public: list[dict[str, Any]], confidential: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The training mix by source category: shares summed, largest first; confidential counted."""
    rows: dict[str, dict[str, Any]] = {}
    for source, is_confidential in [(s, False) for s in public] + [(s, True) for s in confidential]:
        row = rows.setdefault(
            source["category"],
            {
                "category": source["category"],
                "share_percent": Decimal(0),
                "sources": 0,
                "confidential_sources": 0,
            },
        )
        row["share_percent"] += source["share_percent"] or Decimal(0)
        row["sources"] += 1
        row["confidential_sources"] += is_confidential
    return sorted(rows.values(), key=lambda row: (-row["share_percent"], row["category"]))


def answer_counts(answers: Iterable[Any]) -> dict[str, int]:
    """Yes, no and unknown answers counted; True/False count as yes/no, anything else unknown."""
    counts = dict.fromkeys(ANSWERS, 0)
    for answer in answers:
        if answer is True or answer is False:
            answer = YesNoUnknown.YES if answer else YesNoUnknown.NO
        counts[answer if answer in counts else YesNoUnknown.UNKNOWN] += 1
    return counts


def choice_counts(
    sources: list[dict[str, Any]], field: str, values: list[str], fallback: str
) -> dict[str, int]:
    counts = dict.fromkeys(values, 0)
    for source in sources:
        counts[source[field] if source[field] in counts else fallback] += 1
    return counts


def synthetic(public: list[dict[str, Any]], confidential: list[dict[str, Any]]) -> dict[str, Any]:
    """Model-generated data: its share, whether the generators' terms permit training (all
    sources counted), and the generators of each source that is not confidential."""
    named = [s for s in public if s["category"] == "synthetic"]
    unnamed = [s for s in confidential if s["category"] == "synthetic"]
    generators = [g for s in named + unnamed for g in s["generator_models"] or []]
    return {
        "sources": len(named) + len(unnamed),
        "share_percent": share(named + unnamed),
        "generator_terms": answer_counts(g.get("terms_permit_training") for g in generators),
        "generators": [
            {
                "source_name": source["name"],
                "generator_models": [
                    {
                        "name": g.get("name", ""),
                        "provider": g.get("provider", ""),
                        "terms_permit_training": g.get("terms_permit_training", ""),
                    }
                    for g in source["generator_models"] or []
                ],
            }
            for source in named
        ],
    }


def crawling(public: list[dict[str, Any]], confidential: list[dict[str, Any]]) -> dict[str, Any]:
    """Web crawls: their share, how opt-outs were honoured (all crawls counted), and the crawler
    and top domains of each crawl that is not confidential."""
    named = [s for s in public if s["category"] == "web_crawl"]
    unnamed = [s for s in confidential if s["category"] == "web_crawl"]
    every = named + unnamed
    return {
        "sources": len(every),
        "share_percent": share(every),
        "robots_txt": answer_counts(s["robots_txt_respected"] for s in every),
        "tdm_opt_out": answer_counts(s["tdm_opt_out_respected"] for s in every),
        "crawls": [
            {"source_name": source["name"], **{field: source[field] for field in CRAWL_FIELDS}}
            for source in named
        ],
    }


def supply_chain(parties: list[dict[str, Any]]) -> dict[str, Any]:
    """The parties, and how many there are of each role in each country."""
    groups: dict[tuple[str, str], int] = defaultdict(int)
    for party in parties:
        groups[party["role"], party["country"]] += 1
    return {
        "parties": parties,
        "by_role": [
            {"role": role, "country": country, "parties": count}
            for (role, country), count in sorted(groups.items())
        ],
    }


def red_teaming(attestations: list[dict[str, Any]]) -> dict[str, Any]:
    """The latest attestation (never its report; `attestations` come latest first), and how
    many there are."""
    return {"attestations": len(attestations), "latest": attestations[0] if attestations else None}


def versions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The model's published versions, from its `VERSION_FIELDS` rows (newest first)."""
    return [
        {
            "version": row["version"],
            "status": row["status"],
            "submitted_on": local_date(row["submitted_at"]),
            "accepted_on": local_date(row["decided_at"]),
            "withdrawn_on": local_date(row["withdrawn_at"]),
        }
        for row in rows
    ]


# --- The register's search page


def search_models(
    *,
    q: str = "",
    modality: str = "",
    category: str = "",
    foreign_control: bool | None = None,
    state_affiliated: bool | None = None,
    has_alerts: bool | None = None,
) -> QuerySet[AIModel]:
    """Registered models for the register's search page, best match first when searching.

    The filters are `public_models`'s. The search is full-text on PostgreSQL (the model's name,
    its provider's legal and trading names, both registration numbers) and `public_models`'s
    substring match elsewhere; a registration number typed in full matches on either.
    `has_alerts`: the latest published declaration or the provider's accepted ownership
    statement raised a public risk flag when it was last submitted (the label recomputes them).
    """
    full_text = bool(q) and connection.vendor == "postgresql"
    models = public_models(
        q="" if full_text else q,
        modality=modality,
        category=category,
        foreign_control=foreign_control,
        state_affiliated=state_affiliated,
    )
    if has_alerts is not None:
        models = models.filter(public_alerts_raised() if has_alerts else ~public_alerts_raised())
    if full_text:
        return full_text_search(models, q)
    return models.order_by("name", "id")


# The register searches model and provider names together: a vector across two tables can't be
# one expression index, and the register is small enough (thousands of rows) to scan.
MODEL_SEARCH_VECTOR = (
    "name",
    "registration_number",
    "provider__legal_name",
    "provider__trading_name",
    "provider__registration_number",
)


def full_text_search(models: QuerySet[AIModel], q: str) -> QuerySet[AIModel]:
    """PostgreSQL only: rank by a `simple`-config vector, so names aren't stemmed as English."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector(*MODEL_SEARCH_VECTOR, config="simple")
    query = SearchQuery(q, search_type="websearch", config="simple")
    number = q.strip().upper()
    return (
        models.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(
            Q(search=query)
            | Q(registration_number=number)
            | Q(provider__registration_number=number)
        )
        .order_by("-rank", "name", "id")
    )


def public_alerts_raised() -> Exists:
    """The outer model's latest published declaration, or its provider's accepted ownership
    statement, has a public risk flag on its review case."""
    statements = OwnershipStatement.objects.filter(
        provider_id=OuterRef(OuterRef("provider_id")), status=Status.ACCEPTED
    ).values("pk")
    flagged = CaseFlag.objects.filter(public=True).filter(
        Q(
            case__filing_kind=FilingKind.DECLARATION,
            case__filing_id=OuterRef("label_declaration_id"),
        )
        | Q(case__filing_kind=FilingKind.OWNERSHIP, case__filing_id__in=statements)
    )
    return Exists(flagged)


def search_providers(q: str) -> QuerySet[Provider]:
    """Providers on the register whose name or number matches, by name."""
    return public_providers(q=q).order_by("legal_name", "id")


# --- Caching validators


# The stamp runs on every label request, the register's busiest. Compiling its query (three joins,
# two subqueries, twenty-odd columns) took three times as long as running it, so the ORM compiles it
# once per process, with this marker where the registration number goes.
STAMP_MARKER = "\x00registration number\x00"


def label_stamp_queryset(registration_number: str) -> QuerySet[ProvenanceDeclaration]:
    """Every published version of the model (the label lists them all, and the latest decides
    what the model's own address shows), the model's and provider's public details, and the
    provider's accepted ownership statement."""
    ownership = OwnershipStatement.objects.filter(
        provider_id=OuterRef("model__provider_id"), status=Status.ACCEPTED
    ).order_by("-version")
    return (
        published_declarations()
        .filter(model__registration_number=registration_number)
        .annotate(
            ownership_id=Subquery(ownership.values("pk")[:1]),
            ownership_decided_at=Subquery(ownership.values("decided_at")[:1]),
        )
        .values_list(
            "id",
            "version",
            "status",
            "updated_at",
            "decided_at",
            "withdrawn_at",
            "ownership_id",
            "ownership_decided_at",
            "label_pdf__sha256",  # the page links to the PDF once it is rendered
            *(f"model__{field}" for field in MODEL_FIELDS),
            *(f"model__provider__{field}" for field in PROVIDER_FIELDS),
        )
    )


@functools.cache
def label_stamp_statement() -> tuple[str, tuple[Any, ...]]:
    return label_stamp_queryset(STAMP_MARKER).query.sql_with_params()


def label_stamp_rows(registration_number: str) -> list[tuple[Any, ...]]:
    sql, params = label_stamp_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [registration_number if p == STAMP_MARKER else p for p in params])
        return cursor.fetchall()


def stored_moment(value: datetime | str | None) -> datetime | None:
    """A date and time read without the ORM: PostgreSQL gives it aware; SQLite gives UTC as
    text, or naive where the column's type is declared."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def label_stamp(registration_number: str, version: int | None = None) -> dict[str, Any] | None:
    """What a label's ETag and Last-Modified derive from, in one query; None if not published.

    The date counts too: the red-team alerts fall due with time.
    """
    rows = label_stamp_rows(registration_number)
    if not rows or (version is not None and version not in {row[1] for row in rows}):
        return None
    today = timezone.localdate()
    moments = [stored_moment(m) for row in rows for m in row[3:6] + row[7:8]]
    start_of_today = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    fingerprint = repr((registration_number, version, today, rows)).encode()
    return {
        "etag": hashlib.sha256(fingerprint).hexdigest()[:32],
        "last_modified": max([*filter(None, moments), start_of_today]),
    }
