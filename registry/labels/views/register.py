"""The register's search page, its list of providers and each provider's public page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from registry.labels import selectors
from registry.labels.forms import PagedSearchForm, ProviderSearchForm, RegisterSearchForm
from registry.labels.selectors.register import provider_list_entry, registered_providers
from registry.labels.selectors.search import is_punctuation_only, search_result_entry
from registry.labels.views.not_found import not_on_register

RESULTS_PER_PAGE = 20
PROVIDERS_SHOWN = 10
PROVIDERS_PER_PAGE = 25


@require_safe
def register(request: HttpRequest) -> HttpResponse:
    """Search the register's models (filtered, sorted, paginated) and, when searching, its
    providers; name every bad value in an error summary and apply the rest."""
    form = RegisterSearchForm(request.GET)
    query = form.query
    page = results_page(form, selectors.search_models(**form.search()), RESULTS_PER_PAGE)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "form": form,
        "query": query,
        "page": page,
        "models": [search_result_entry(model, today) for model in page],
        "selected_filters": form.selected_filters(),
        "clear_filters": form.clear_filters_link(),
        "sort_options": form.sort_options(),
        "providers": [],
        "provider_count": 0,
    }
    if query:
        providers = selectors.search_providers(query)
        context["providers"] = [provider_list_entry(p) for p in providers[:PROVIDERS_SHOWN]]
        context["provider_count"] = providers.count()
    if is_punctuation_only(query) and not (page.paginator.count or context["provider_count"]):
        form.punctuation_found_nothing()
    context["problems"] = form.problems()
    return render(request, "labels/register.html", context)


@require_safe
def providers(request: HttpRequest) -> HttpResponse:
    """Every registered provider, with where it stands, by name; or those a name matches."""
    form = ProviderSearchForm(request.GET)
    page = results_page(form, selectors.search_providers(form.query), PROVIDERS_PER_PAGE)
    if is_punctuation_only(form.query) and not page.paginator.count:
        form.punctuation_found_nothing()
    context = {
        "form": form,
        "query": form.query,
        "page": page,
        "providers": [provider_list_entry(provider) for provider in page],
        "problems": form.problems(),
    }
    return render(request, "labels/providers.html", context)


@require_safe
def provider_page(request: HttpRequest, registration_number: str) -> HttpResponse:
    """A registered provider's public record, whether or not anything of it is accepted yet."""
    provider = registered_providers().filter(registration_number=registration_number).first()
    if provider is None:
        return not_on_register(request, "provider", registration_number)
    context = {
        "provider": selectors.public_provider_data(provider),
        "entry": provider_list_entry(provider),
    }
    return render(request, "labels/provider.html", context)


def results_page(form: PagedSearchForm, results: Any, per_page: int) -> Page:
    """The page of results the form asks for; the first, and an error, if there is no such page."""
    paginator = Paginator(results, per_page)
    number = form.page_number
    if number > paginator.num_pages:
        form.page_beyond_the_end(number, paginator.num_pages)
        number = 1
    return paginator.page(number)
