"""Which models and providers are on the public register, and how a list shows each."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from registry.declarations.models import (
    AIModel,
    DataSource,
    ProvenanceDeclaration,
)
from registry.filings.states import PUBLISHED, Status
from registry.labels.selectors.ownership import (
    accepted_ownership,
    filter_by_ownership,
    local_date,
    ownership_summary,
)
from registry.providers.models import (
    OwnershipStatement,
    Provider,
)

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

VERSION_FIELDS = ["version", "status", "submitted_at", "decided_at", "withdrawn_at"]

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
