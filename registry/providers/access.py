"""Who may open which ownership page: the only place provider views fetch filings they protect."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from registry.accounts.models import User
from registry.providers.models import InvestmentLink, OwnershipStatement


class MemberRequest(HttpRequest):
    """A request from a signed-in person, as the pages behind `member_required` receive it."""

    user: User


def member_provider_id(user: User) -> int:
    """The id of the person's provider; 404 for anyone who isn't a member of one."""
    membership = getattr(user, "membership", None)
    if membership is None:
        raise Http404
    return membership.provider_id


def access_statement_for_member(user: User, statement_id: int) -> OwnershipStatement:
    """An ownership statement of the person's own provider, or 404."""
    return get_object_or_404(
        OwnershipStatement.objects.select_related("provider"),
        pk=statement_id,
        provider_id=member_provider_id(user),
    )


def access_link_for_member(user: User, link_id: int) -> InvestmentLink:
    """An investment link on a statement of the person's own provider, or 404."""
    return get_object_or_404(
        InvestmentLink.objects.select_related("statement__provider"),
        pk=link_id,
        statement__provider_id=member_provider_id(user),
    )


def may_change_filings(user: User) -> bool:
    membership = getattr(user, "membership", None)
    return membership is not None and membership.can_edit_filings


def refuse_viewer(request: MemberRequest) -> HttpResponse | None:
    """The 403 page for a member who may only read filings; None for those who may change them."""
    if may_change_filings(request.user):
        return None
    return render(request, "providers/filings_viewers_only.html", status=403)
