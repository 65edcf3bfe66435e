"""Who may open which model and declaration page: the only place these views fetch them.

A provider's models and filings are visible to its members and to nobody else here: anything else
is a 404, whether or not it exists. Regulators are not members, so these provider pages are 404 to
them too (they work in the console); the one exception is a red-team report, which regulators
must be able to read.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, render

from registry.accounts.access import member_required, needs_two_factor_step, two_factor_redirect
from registry.accounts.models import User
from registry.accounts.roles import FILER_ROLES
from registry.declarations.models import (
    AIModel,
    DataSource,
    ModelDependency,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)


class MemberRequest(HttpRequest):
    """A request from a signed-in person, as the pages behind `member_required` receive it."""

    user: User


def provider_id_of(user: User) -> int:
    """The provider the person belongs to; 404 for anyone who belongs to none."""
    membership = getattr(user, "membership", None)
    if membership is None:
        raise Http404
    return membership.provider_id


def is_editor(user: User) -> bool:
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role in FILER_ROLES


def editor_required(view):
    """Let in owners and submitters; viewers are told they can't change filings (403)."""

    @wraps(view)
    @member_required
    def wrapper(request, *args, **kwargs):
        if not is_editor(request.user):
            return render(request, "declarations/viewers_cannot_edit.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def access_model_for_member(user: User, model_id: int) -> AIModel:
    """One of the person's provider's models, or 404."""
    return get_object_or_404(
        AIModel.objects.select_related("provider"), pk=model_id, provider_id=provider_id_of(user)
    )


def access_dependency_for_member(user: User, model_id: int, dependency_id: int) -> ModelDependency:
    return get_object_or_404(
        ModelDependency.objects.select_related("model", "depends_on"),
        pk=dependency_id,
        model_id=model_id,
        model__provider_id=provider_id_of(user),
    )


def access_declaration_for_member(user: User, declaration_id: int) -> ProvenanceDeclaration:
    """One of the person's provider's declarations, with its model, or 404."""
    return get_object_or_404(
        ProvenanceDeclaration.objects.select_related("model"),
        pk=declaration_id,
        model__provider_id=provider_id_of(user),
    )


def member_rows(model, user: User, declaration_id: int) -> QuerySet:
    return model.objects.filter(
        declaration_id=declaration_id, declaration__model__provider_id=provider_id_of(user)
    )


def access_source_for_member(user: User, declaration_id: int, source_id: int) -> DataSource:
    """A source of one of the provider's declarations, or 404."""
    return get_object_or_404(member_rows(DataSource, user, declaration_id), pk=source_id)


def access_party_for_member(user: User, declaration_id: int, party_id: int) -> SupplyChainParty:
    return get_object_or_404(member_rows(SupplyChainParty, user, declaration_id), pk=party_id)


def access_attestation_for_member(
    user: User, declaration_id: int, attestation_id: int
) -> RedTeamAttestation:
    return get_object_or_404(
        member_rows(RedTeamAttestation, user, declaration_id), pk=attestation_id
    )


def access_attestation_report(user: User, attestation_id: int) -> RedTeamAttestation:
    """An attestation with a report, for a member of its provider or regulator staff; else 404."""
    attestations = RedTeamAttestation.objects.exclude(report="")
    if not user.is_regulator:
        attestations = attestations.filter(declaration__model__provider_id=provider_id_of(user))
    return get_object_or_404(attestations, pk=attestation_id)


def report_reader_required(view):
    """Let in signed-in people (regulators past two-factor); the access check decides the rest."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.is_regulator and needs_two_factor_step(request):
            return two_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper
