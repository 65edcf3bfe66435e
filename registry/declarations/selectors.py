"""Reads for models and declarations."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.forms.models import model_to_dict

from registry.declarations.models import (
    AIModel,
    DataSource,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.filings.states import OPEN, Status

GENERAL_FIELDS = [
    "training_data_size",
    "total_tokens",
    "total_images",
    "total_audio_hours",
    "total_video_hours",
    "latest_collection_date",
    "continuous_training",
    "languages",
    "content_types",
    "tdm_opt_out_measures",
    "illegal_content_measures",
    "code_of_practice_signatory",
]
STATEMENT_FIELDS = ["signatory_name", "signatory_role", "signed_at"]
MODEL_FIELDS = [
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
ROW_EXCLUDE = ["id", "declaration", "lock_version"]
SOURCE_FIELDS = [f.name for f in DataSource._meta.fields if f.name not in ROW_EXCLUDE]
PARTY_FIELDS = [f.name for f in SupplyChainParty._meta.fields if f.name not in ROW_EXCLUDE]
ATTESTATION_FIELDS = [
    f.name
    for f in RedTeamAttestation._meta.fields
    if f.name not in ROW_EXCLUDE and f.name != "report"
]


def row_data(row, fields: list[str]) -> dict[str, Any]:
    return {"id": row.pk, **model_to_dict(row, fields=fields)}


def attestation_data(attestation: RedTeamAttestation) -> dict[str, Any]:
    data = row_data(attestation, ATTESTATION_FIELDS)
    data["report"] = attestation.report.name or None
    return data


def declaration_data(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    """The whole declaration as plain data: what is validated, snapshotted and diffed.

    Runs four queries (declaration rows were loaded by the caller): sources, supply chain,
    attestations, and nothing per row.
    """
    return {
        "reference": declaration.reference,
        "model": {
            "id": declaration.model_id,
            "registration_number": declaration.model.registration_number,
            **model_to_dict(declaration.model, fields=MODEL_FIELDS),
        },
        "version": declaration.version,
        **model_to_dict(declaration, fields=GENERAL_FIELDS + STATEMENT_FIELDS),
        # Values, not model instances: a declaration may hold 10,000 sources.
        "sources": list(declaration.sources.order_by("id").values("id", *SOURCE_FIELDS)),
        "supply_chain": [
            row_data(p, PARTY_FIELDS) for p in declaration.supply_chain.order_by("id")
        ],
        "red_team_attestations": [
            attestation_data(a) for a in declaration.red_team_attestations.order_by("id")
        ],
    }


def provider_models(provider_id: int) -> QuerySet[AIModel]:
    """The provider's models, each with its declarations that still matter, newest first.

    That is the open one, the accepted one, and rejected or withdrawn ones; superseded versions
    are history, shown on the model's own page.
    """
    return (
        AIModel.objects.filter(provider_id=provider_id)
        .prefetch_related(
            Prefetch(
                "declarations",
                queryset=ProvenanceDeclaration.objects.exclude(status=Status.SUPERSEDED).order_by(
                    "-version"
                ),
                to_attr="current_declarations",
            )
        )
        .order_by("name", "version")
    )


def declaration_summary(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    """Counts for the task list and check-your-answers: three queries whatever the size."""
    return {
        "sources": declaration.sources.count(),
        "parties": declaration.supply_chain.count(),
        "attestations": declaration.red_team_attestations.count(),
    }


def dependable_models(provider_id: int) -> QuerySet[AIModel]:
    """Models a model may be built on: any numbered (published) model, or the provider's own."""
    return AIModel.objects.filter(
        Q(registration_number__isnull=False) | Q(provider_id=provider_id)
    ).select_related("provider")


def latest_accepted(model: AIModel) -> ProvenanceDeclaration | None:
    return model.declarations.filter(status=Status.ACCEPTED).first()


def open_declaration(model: AIModel) -> ProvenanceDeclaration | None:
    return model.declarations.filter(status__in=OPEN).first()


# An attestation's place among its declaration's, latest first as the label shows them: by the
# day it was performed (undated ones last), then the one filed later.
LATEST_ATTESTATION_FIRST = (F("performed_on").desc(nulls_last=True), "-id")


def current_attestations_due_between(first: date, last: date) -> QuerySet[RedTeamAttestation]:
    """The latest attestation of each model's accepted declaration whose next red-teaming falls
    due from `first` to `last`, with its declaration, model and provider."""
    latest = RedTeamAttestation.objects.filter(declaration_id=OuterRef("declaration_id"))
    return (
        RedTeamAttestation.objects.filter(
            declaration__status=Status.ACCEPTED,
            next_due__range=(first, last),
            pk=Subquery(latest.order_by(*LATEST_ATTESTATION_FIRST).values("pk")[:1]),
        )
        .select_related("declaration__model__provider")
        .order_by("next_due", "id")
    )
