"""Which models and providers are on the public register, and how a list shows each."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from registry.declarations.models import (
    AIModel,
    DataSource,
    ProvenanceDeclaration,
)
from registry.filings.states import PUBLISHED, Status
from registry.labels.selectors.ownership import (
    accepted_ownership,
    control_of,
    control_summary,
    control_verdict,
    local_date,
    ownership_summary,
)
from registry.providers.models import (
    OwnershipStatement,
    Provider,
)
from registry.review import risks

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
    """Models with a published declaration, each with the id and status of its latest one.

    A model whose declarations were never accepted is not on the register at all.
    """
    latest = published_declarations().filter(model=OuterRef("pk"))
    return (
        AIModel.objects.filter(registration_number__isnull=False)
        .annotate(
            label_declaration_id=Subquery(latest.values("pk")[:1]),
            label_status=Subquery(latest.values("status")[:1]),
        )
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


# The alert a visitor may filter by when they want models with none at all.
NO_ALERTS = "none"


def public_models(
    *,
    q: str = "",
    modalities: Sequence[str] = (),
    categories: Sequence[str] = (),
    provider: str = "",
    control: Sequence[str] = (),
    alerts: Sequence[str] = (),
    today: date | None = None,
) -> QuerySet[AIModel]:
    """Registered models matching a search and filters, with their provider, control verdict
    and versions. A filter's values are alternatives (any of them); filters combine (all).

    - `q`: part of the model's name, its provider's name, or either registration number;
    - `modalities`: the model takes one in or puts one out;
    - `categories`: its latest published declaration has a source of one of them (confidential
      sources count: their category is public);
    - `provider`: the provider's PRV- number;
    - `control`: the provider's control verdict (`risks.Verdict`);
    - `alerts`: its label shows one of these public alerts (`NO_ALERTS`: it shows none), as of
      `today`.

    A withdrawn model's tombstone has no label, so it never matches `control` or `alerts`.
    """
    models = registered_models().select_related("provider")
    models = models.annotate(control_verdict=control_verdict("provider_id"))
    if q:
        models = models.filter(
            Q(name__icontains=q)
            | Q(registration_number__icontains=q)
            | Q(provider__legal_name__icontains=q)
            | Q(provider__trading_name__icontains=q)
            | Q(provider__registration_number__icontains=q)
        )
    if modalities:
        models = models.filter(any_of(modality_used(modality) for modality in modalities))
    if categories:
        used = DataSource.objects.filter(
            declaration_id=OuterRef("label_declaration_id"), category__in=list(categories)
        )
        models = models.filter(Exists(used))
    if provider:
        models = models.filter(provider__registration_number=provider)
    if control or alerts:
        models = models.exclude(Q(label_status=Status.WITHDRAWN))
    if control:
        models = models.filter(control_verdict__in=list(control))
    if alerts:
        today = today or timezone.localdate()
        models = models.filter(any_of(alert_shown(code, today) for code in alerts))
    return with_published_versions(models).order_by("id")


def any_of(conditions: Iterable[Q | Exists]) -> Q:
    """The conditions joined with OR."""
    return functools.reduce(operator.or_, (Q(condition) for condition in conditions))


def modality_used(modality: str) -> Q:
    # JSON lists hold quoted strings, so this matches whole values only, on any database.
    quoted = f'"{modality}"'
    return Q(modalities_in__icontains=quoted) | Q(modalities_out__icontains=quoted)


def alert_shown(code: str, today: date) -> Q | Exists:
    """The outer model's label shows this public alert today (`NO_ALERTS`: shows none).

    Reads what acceptance fixed (`labels.services`): the codes on the latest declaration and on
    the provider's accepted ownership statement, and the day red-teaming falls overdue.
    """
    if code == NO_ALERTS:
        return ~any_of(alert_shown(rule, today) for rule in PUBLIC_ALERTS)
    if risks.RULES[code].applies_to == "ownership":
        statements = OwnershipStatement.objects.filter(
            provider_id=OuterRef("provider_id"), status=Status.ACCEPTED
        )
        return Exists(statements.filter(public_alerts__icontains=f'"{code}"'))
    declarations = ProvenanceDeclaration.objects.filter(pk=OuterRef("label_declaration_id"))
    if code == "red_team_overdue":
        return Exists(declarations.filter(red_team_overdue_on__lte=today))
    return Exists(declarations.filter(public_alerts__icontains=f'"{code}"'))


# The codes of the rules whose flags are public: the alerts a label may show.
PUBLIC_ALERTS = [code for code, rule in risks.RULES.items() if rule.public]


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


def registered_providers() -> QuerySet[Provider]:
    """Every registered provider, as Companies House lists every company: each has its PRV-
    number from registration, whether or not anything of it has been accepted yet.

    Each comes with `models_on_register` (its models on the register, withdrawn ones included:
    their tombstones stay), `ownership_accepted` and `control_verdict`, read in the same query.
    """
    on_register = (
        registered_models()
        .filter(provider=OuterRef("pk"))
        .order_by()
        .values("provider")
        .annotate(count=Count("pk"))
        .values("count")
    )
    statements = OwnershipStatement.objects.filter(provider=OuterRef("pk"), status=Status.ACCEPTED)
    return Provider.objects.annotate(
        models_on_register=Coalesce(Subquery(on_register), 0),
        ownership_accepted=Exists(statements),
        control_verdict=control_verdict("pk"),
    )


def provider_list_entry(provider: Provider) -> dict[str, Any]:
    """A provider of `registered_providers` in a list: who it is, and where it stands."""
    models: int = provider.models_on_register  # type: ignore[attr-defined]
    ownership_accepted: bool = provider.ownership_accepted  # type: ignore[attr-defined]
    return {
        **provider_data(provider),
        "company_number": provider.company_number,
        "models_on_register": models,
        "ownership_accepted": ownership_accepted,
        "nothing_accepted": not (models or ownership_accepted),
        "status": provider_status(models, ownership_accepted),
        "control_verdict": provider.control_verdict,  # type: ignore[attr-defined]
    }


def provider_status(models: int, ownership_accepted: bool) -> str:
    """Where a provider stands on the register, in words, as Companies House gives a status."""
    if models:
        return f"{models} model{'s' if models > 1 else ''} on the register"
    if ownership_accepted:
        return "Ownership accepted, no model on the register yet"
    return "Nothing accepted yet"


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
        "control": control_summary(control_of(statement, links)),
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
    """A model in a list of `public_models`, with its provider and who controls it (None for a
    withdrawn model, which has no label to say so)."""
    entry = model_entry(model)
    verdict = None if entry["withdrawn"] else model.control_verdict  # type: ignore[attr-defined]
    return {**entry, "provider": provider_data(model.provider), "control_verdict": verdict}
