"""The register as the regulator sees it: providers, models, re-declarations due and search."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from registry.accounts.access import regulator_required
from registry.review import selectors
from registry.review.access import (
    RegulatorRequest,
    access_model_for_regulator,
    access_provider_for_regulator,
)
from registry.review.views.common import page, search_query


@regulator_required
@require_GET
def redeclaration(request: RegulatorRequest) -> HttpResponse:
    """Models whose accepted declaration is older than the re-declaration period."""
    context = selectors.redeclaration_page(timezone.localdate(), request.GET.get("page"))
    return page(request, "redeclaration", context | {"section": "redeclaration"})


@regulator_required
@require_GET
def providers(request: RegulatorRequest) -> HttpResponse:
    """Every registered provider, searchable, with who stands behind it."""
    query = search_query(request)
    context = selectors.providers_page(query, request.GET.get("page"))
    return page(request, "providers", context | {"query": query, "section": "providers"})


@regulator_required
@require_GET
def provider(request: RegulatorRequest, provider_id: int) -> HttpResponse:
    found = access_provider_for_regulator(request.user, provider_id)
    context = {"provider": found, "section": "providers", **selectors.provider_record(found)}
    return page(request, "provider", context)


@regulator_required
@require_GET
def models(request: RegulatorRequest) -> HttpResponse:
    """Every model, searchable, with its latest declaration and its lineage."""
    query = search_query(request)
    context = selectors.models_page(query, request.GET.get("page"))
    return page(request, "models", context | {"query": query, "section": "models"})


@regulator_required
@require_GET
def model(request: RegulatorRequest, model_id: int) -> HttpResponse:
    found = access_model_for_regulator(request.user, model_id)
    record = selectors.model_record(found, timezone.localdate())
    return page(request, "model", {"model": found, "record": record, "section": "models"})


@regulator_required
@require_GET
def search(request: RegulatorRequest) -> HttpResponse:
    """Providers, models and cases matching one search box."""
    query = search_query(request)
    context = selectors.console_search(query)
    context |= {"query": query, "console_query": query, "section": "search"}
    return page(request, "search", context)
