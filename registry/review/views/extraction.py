"""The extraction question: a page per named model, who built on it and who trained on it."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from registry.accounts.access import regulator_required
from registry.review import extraction
from registry.review.access import RegulatorRequest
from registry.review.views.common import page


@regulator_required
@require_GET
def named_model(request: RegulatorRequest, name: str) -> HttpResponse:
    """A model as filings name it: what is built on it, and who trained on its output."""
    found = extraction.named_model(name)
    return page(request, "named_model", {"named": found, "section": "search"})
