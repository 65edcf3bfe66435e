"""The register's search page and each provider's public page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from registry.labels import selectors
from registry.labels.forms import RegisterSearchForm

RESULTS_PER_PAGE = 20
PROVIDERS_SHOWN = 10


@require_safe
def provider_page(request: HttpRequest, registration_number: str) -> HttpResponse:
    provider = selectors.public_providers().filter(registration_number=registration_number).first()
    if provider is None:
        raise Http404("Not on the register")
    context = {"provider": selectors.public_provider_data(provider)}
    return render(request, "labels/provider.html", context)


@require_safe
def register(request: HttpRequest) -> HttpResponse:
    """Search the register's models (paginated) and, when searching, its providers."""
    form = RegisterSearchForm(request.GET)
    filters = form.filters()
    paginator = Paginator(selectors.search_models(**filters), RESULTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "models": [selectors.public_model_entry(model) for model in page],
        "active_filters": form.active_filters(),
        "searched": bool(filters.get("q")),
    }
    if filters.get("q"):
        providers = selectors.search_providers(filters["q"])
        context["providers"] = [
            selectors.provider_data(provider) for provider in providers[:PROVIDERS_SHOWN]
        ]
        context["provider_count"] = providers.count()
    return render(request, "labels/register.html", context)
