"""What the label means: one public page defining every row, term and alert of the label."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from registry.declarations import choices
from registry.providers.models import ControlVerdict
from registry.review import risks


@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    """Every row of the facts panel, every kind of source and every public alert, defined."""
    context = {
        "categories": choices.SourceCategory.choices,
        "size_bands": [
            (choices.Modality(modality).label, bands.values())
            for modality, bands in choices.SIZE_BANDS.items()
        ],
        "verdicts": ControlVerdict,
        "alerts": [rule for rule in risks.RULES.values() if rule.public],
        "outcomes": choices.RedTeamOutcome.choices,
        "roles": choices.PartyRole.choices,
        "relations": choices.Relation.choices,
        "redeclaration_months": settings.REDECLARATION_MONTHS,
    }
    return render(request, "labels/guide.html", context)
