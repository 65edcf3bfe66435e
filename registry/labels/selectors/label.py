"""A model's nutritional label (DESIGN §4) as plain data, read a chunk of labels at a time.

Everything here is public. Regulator-only values (exact training-data totals and source sizes,
confidentiality reasons, red-team reports and their hashes, investors' exact holdings, NSI
references) never leave this package: sources, parties and attestations are read with `.values()`
of their public columns only, and a confidential source's name, owner, URL and description are not
even selected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Q,
)
from django.utils import timezone

from registry.declarations.choices import IpStatus, LicenceUse, YesNoUnknown
from registry.declarations.models import (
    DataSource,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.declarations.selectors import LATEST_ATTESTATION_FIRST
from registry.filings.models import FilingKind, FilingSnapshot
from registry.filings.states import Status
from registry.labels.selectors import facts
from registry.labels.selectors.lineage import lineages
from registry.labels.selectors.ownership import (
    Ownership,
    accepted_ownerships,
    control_of,
    control_summary,
    local_date,
    ownership_summary,
)
from registry.labels.selectors.register import (
    MODEL_FIELDS,
    VERSION_FIELDS,
    provider_data,
    published_declarations,
    registered_models,
)
from registry.review import risks
from registry.review.clock import months_before

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

ANSWERS = YesNoUnknown.values

# --- The label


def label_declaration(registration_number: str, version: int | None = None):
    """The published declaration a label shows: the latest one, or a given version; else None."""
    declarations = published_declarations().select_related("model__provider", "label_pdf")
    declarations = declarations.filter(model__registration_number=registration_number)
    if version is not None:
        declarations = declarations.filter(version=version)
    return declarations.first()


def latest_labels(numbers: Iterable[str]) -> list[ProvenanceDeclaration]:
    """The latest published declaration of each registered model of these numbers, with its
    model and provider, in one query (none for no numbers)."""
    models = registered_models().filter(registration_number__in=list(numbers))
    latest = models.values("label_declaration_id")  # type: ignore[misc]  # an annotation
    return list(
        ProvenanceDeclaration.objects.filter(pk__in=latest)
        .select_related("model__provider", "label_pdf")
        .order_by("model__registration_number")
    )


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
    lineage: dict[int, dict[str, list[dict[str, Any]]]]
    snapshots: dict[int, str]


def label_rows(labelled: list[ProvenanceDeclaration], model_ids: set[int]) -> LabelRows:
    """Read what the labels of `labelled` and the version lists of `model_ids` show.

    Nine queries at most, none of them per declaration: the public sources, the confidential
    ones (counted only), the supply chains, the attestations, the published versions, the
    accepted ownership statements and their investors, the models' lineage and the accepted
    snapshots' hashes. Django runs no query for `__in` an empty list, so a chunk of tombstones
    reads only the versions.
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
        lineage=lineages({d.model_id for d in labelled}) if labelled else {},
        snapshots=snapshot_hashes(ids),
    )


def snapshot_hashes(declaration_ids: list[int]) -> dict[int, str]:
    """The SHA-256 of each declaration's last submission: the snapshot the regulator accepted."""
    snapshots = FilingSnapshot.objects.filter(
        filing_kind=FilingKind.DECLARATION, filing_id__in=declaration_ids
    ).order_by("filing_id", "submission")
    return {row["filing_id"]: row["sha256"] for row in snapshots.values("filing_id", "sha256")}


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
    control = control_of(statement, links)
    # The date counts: red-teaming falls overdue with time.
    flags = risks.declaration_flags(
        declaration_risk_data(rows, declaration.pk), timezone.localdate()
    )
    training = training_data(declaration)
    accepted_on = local_date(declaration.decided_at)
    return {
        "kind": "label",
        "model": {field: getattr(model, field) for field in MODEL_FIELDS},
        "provider": provider_data(model.provider),
        "version": declaration.version,
        "status": declaration.status,
        "submitted_on": local_date(declaration.submitted_at),
        "accepted_on": accepted_on,
        "redeclaration_due": redeclaration_due(accepted_on),
        "withdrawn": declaration.status == Status.WITHDRAWN,
        "withdrawal": withdrawal(declaration),
        "lineage": rows.lineage[model.pk],
        "training_data": training,
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
        "control": control_summary(control),
        "ownership": ownership_summary(statement, links),
        "supply_chain": chain,
        "red_teaming": red_team,
        "versions": versions(rows.versions[model.pk]),
        "public_alerts": [alert(flag) for flag in risks.public_alerts([*flags, *control.flags])],
        "facts": {
            "unstated": facts.unstated(counted),
            "languages": facts.top_languages(training["languages"]),
            "personal_data": facts.personal_data(counted),
            "copyright": facts.copyright_status(counted),
            "licence_use": facts.licence_use(counted),
            "web_crawl": facts.web_crawl(counted),
            "synthetic": facts.synthetic(public, confidential),
            "supply_chain": facts.supply_chain(chain["parties"]),
            "red_teaming": facts.red_teaming(red_team["latest"]),
        },
        "snapshot_sha256": rows.snapshots.get(declaration.pk),
    }


# What the preview's identity row says in place of a registration number not given yet.
NUMBER_ON_ACCEPTANCE = "MOD- number given when accepted"


def draft_label(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    """The label a declaration not yet published would have if it were accepted as it stands.

    Built by the same functions as a published label, so the preview can't drift from it:
    sources claimed confidential count as withheld (as they will be once the regulator accepts
    the claim; one it has refused counts as public), the ownership is the provider's accepted
    statement, and the label's version is the declaration's. What only acceptance gives is
    left out: the accepted snapshot's hash, the dates, and a first MOD- number.
    """
    label = label_assemble(declaration, label_rows([declaration], {declaration.model_id}))
    model = label["model"]
    # A resubmission's earlier snapshots were never accepted, so no hash is the label's yet.
    return label | {
        "model": model
        | {"registration_number": model["registration_number"] or NUMBER_ON_ACCEPTANCE},
        "snapshot_sha256": None,
        "preview": True,
    }


def redeclaration_due(accepted_on: date | None) -> date | None:
    """When the provider must declare the model again: REDECLARATION_MONTHS after acceptance."""
    if accepted_on is None:
        return None
    return months_before(accepted_on, -settings.REDECLARATION_MONTHS)


def declaration_risk_data(rows: LabelRows, declaration_id: int) -> dict[str, Any]:
    """A declaration's rows as the risk rules read them, from what its label has loaded.

    Confidential sources go in unnamed, so no public flag could name them. The red-team rules
    read only the latest attestation, which the rows hold first, as the rules would pick it.
    """
    attestations = rows.attestations[declaration_id]
    return {
        "sources": [source | {"confidential": False} for source in rows.public[declaration_id]]
        + [source | {"confidential": True} for source in rows.confidential[declaration_id]],
        "supply_chain": rows.parties[declaration_id],
        "red_team_attestations": attestations[:1],
    }


def alert(flag: risks.Flag) -> dict[str, Any]:
    """A public flag as the label shows it: its rule's title, and the message naming the cause."""
    rule = risks.RULES[flag.code]
    return {
        "code": flag.code,
        "severity": flag.severity,
        "title": rule.title,
        "explanation": flag.message,
    }


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
