from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from registry.accounts.access import regulator_required
from registry.providers.selectors import providers_for_regulator

PAGE_SIZE = 50


@regulator_required
def console(request):
    """The regulator's home: every registered provider organisation, searchable."""
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(providers_for_regulator(query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/console.html", {"page": page, "query": query})
