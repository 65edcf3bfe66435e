"""How console views fetch what they show: only for regulator staff, and 404 for what isn't there.

`regulator_required` keeps everyone else out of the console's pages; these functions check again,
so a fetch can't be reused somewhere without the decorator and hand a record to a provider.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from registry.accounts.models import User
from registry.declarations.models import AIModel, DataSource
from registry.filings.models import FilingKind
from registry.providers.models import Provider
from registry.review.models import Case, Finding


class RegulatorRequest(HttpRequest):
    """A request from regulator staff, as the pages behind `regulator_required` receive it."""

    user: User


def refuse_unless_regulator(user: User) -> None:
    if not (user.is_authenticated and user.is_regulator):
        raise Http404


def access_case_for_regulator(user: User, case_id: int) -> Case:
    """A case with its provider and assignee, for regulator staff; else 404."""
    refuse_unless_regulator(user)
    return get_object_or_404(Case.objects.select_related("provider", "assignee"), pk=case_id)


def access_finding_for_regulator(user: User, case: Case, finding_id: int) -> Finding:
    """A finding of this case (never another case's), for regulator staff; else 404."""
    refuse_unless_regulator(user)
    return get_object_or_404(Finding.objects.select_related("case"), pk=finding_id, case=case)


def access_source_for_regulator(user: User, case: Case, source_id: int) -> DataSource:
    """A data source of the declaration this case reviews, for regulator staff; else 404."""
    refuse_unless_regulator(user)
    if case.filing_kind != FilingKind.DECLARATION:
        raise Http404
    return get_object_or_404(DataSource, pk=source_id, declaration_id=case.filing_id)


def access_provider_for_regulator(user: User, provider_id: int) -> Provider:
    refuse_unless_regulator(user)
    return get_object_or_404(Provider, pk=provider_id)


def access_model_for_regulator(user: User, model_id: int) -> AIModel:
    refuse_unless_regulator(user)
    return get_object_or_404(AIModel.objects.select_related("provider"), pk=model_id)


def access_finding_for_member(user: User, finding_id: int) -> Finding:
    """A finding the regulator sent the person's provider, on any of its filings; else 404
    (a finding of another provider, or one not sent, is not theirs to see)."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None:
        raise Http404
    return get_object_or_404(
        Finding.objects.select_related("case"),
        pk=finding_id,
        sent_at__isnull=False,
        case__provider_id=membership.provider_id,
    )
