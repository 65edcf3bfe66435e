"""What every console page shares: rendering under review/ and the search box's query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registry.review.access import RegulatorRequest
from registry.review.forms import SearchForm


def page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"review/{template}.html", context)


def search_query(request: RegulatorRequest) -> str:
    return SearchForm(request.GET).query()
