"""A provider's reply to a finding the regulator sent it, on a declaration or an ownership
statement alike: one question page, back to the filing once answered."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry.declarations.access import MemberRequest, editor_required
from registry.filings.models import FilingKind
from registry.lib.problems import ProblemsError, add_problems_to_form
from registry.review import services
from registry.review.access import access_finding_for_member
from registry.review.forms import FindingReplyForm
from registry.review.models import Finding

FILING_PAGES: dict[str, str] = {
    FilingKind.DECLARATION: "declarations:declaration",
    FilingKind.OWNERSHIP: "providers:ownership-statement",
}


def filing_url(finding: Finding) -> str:
    return reverse(FILING_PAGES[finding.case.filing_kind], args=[finding.case.filing_id])


@editor_required
@require_http_methods(["GET", "POST"])
def finding_reply(request: MemberRequest, finding_id: int) -> HttpResponse:
    """Answer the regulator's finding (or change the answer) while changes are requested."""
    finding = access_finding_for_member(request.user, finding_id)
    if request.method == "GET":
        form = FindingReplyForm(initial={"reply": finding.reply})
    else:
        form = FindingReplyForm(request.POST)
        if form.is_valid():
            try:
                services.finding_reply(
                    actor=request.user, finding=finding, reply=form.cleaned_data["reply"]
                )
            except ProblemsError as error:
                add_problems_to_form(form, error.problems)
            else:
                messages.success(
                    request, "Reply saved. The regulator can read it now, with your changes"
                )
                return redirect(filing_url(finding))
    context = {"finding": finding, "form": form, "back_url": filing_url(finding)}
    return render(request, "filings/finding_reply.html", context)
