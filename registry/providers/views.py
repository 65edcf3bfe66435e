from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import cache, wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry.accounts.access import member_required, owner_required
from registry.accounts.validation import problems_joining_provider
from registry.filings.forms import (
    STATEMENT_OF_TRUTH,
    StatementOfTruthForm,
    WithdrawForm,
)
from registry.filings.models import FilingKind
from registry.filings.selectors import (
    PageFindings,
    PlacedFinding,
    SentFinding,
    current_findings_on_page,
    feedback_context,
    filing_feedback,
    filing_history,
    filing_snapshots,
    findings_on_page,
)
from registry.filings.states import Status, allowed
from registry.filings.validation import before_signing, filing_problem
from registry.labels.selectors.label import alert as label_alert
from registry.labels.selectors.ownership import control_of, control_summary
from registry.lib.codes import country_name
from registry.lib.forms import GovukBoundField
from registry.lib.problems import Problem, ProblemsError, add_problems_to_form
from registry.lib.refused_posts import refused_post, refused_post_redirect, show_problems
from registry.notifications.selectors import latest_notifications
from registry.providers import selectors, services
from registry.providers.access import (
    MemberRequest,
    access_link_for_member,
    access_statement_for_member,
    may_change_filings,
    refuse_viewer,
)
from registry.providers.forms import InvestmentLinkForm, OwnershipStartForm, ProviderDetailsForm
from registry.providers.models import InvestmentLink, OwnershipBand, OwnershipStatement
from registry.providers.validation import validate_link_totals, validate_ownership
from registry.review import risks


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """Register a provider organisation; the person registering it becomes its owner."""
    cannot_join = problems_joining_provider(request.user)
    if cannot_join:
        return render(
            request, "providers/cannot_register.html", {"problems": cannot_join}, status=403
        )
    form = ProviderDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_register(user=request.user, details=form.cleaned_data)
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
        else:
            return render(request, "providers/registered.html", {"provider": provider})
    return render(request, "providers/register.html", {"form": form})


@member_required
def dashboard(request):
    membership = request.user.membership
    provider = membership.provider
    context = {"membership": membership, "provider": provider}
    context |= selectors.provider_dashboard(provider)
    context["latest_notifications"] = latest_notifications(request.user)
    return render(request, "providers/dashboard.html", context)


@member_required
def organisation(request):
    membership = request.user.membership
    provider = membership.provider
    context = {
        "membership": membership,
        "provider": provider,
        "country": country_name(provider.country),
        "members": selectors.provider_members(provider),
        "invitations": selectors.provider_pending_invitations(provider),
    }
    return render(request, "providers/organisation.html", context)


@owner_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request):
    provider = request.user.membership.provider
    form = ProviderDetailsForm(request.POST or None, initial=services.provider_details(provider))
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(
                actor=request.user, provider=provider, details=form.cleaned_data
            )
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
        else:
            messages.success(request, "Organisation details updated")
            return redirect("providers:organisation")
    return render(request, "providers/organisation_edit.html", {"form": form, "provider": provider})


# --- Ownership statements

View = Callable[..., HttpResponse]
LINKS_PER_PAGE = 100
NOT_WITHDRAWABLE = "Only an accepted statement can be withdrawn"
NOT_YET = "You cannot submit yet: do the things listed at the top of this page first"
# Problems about the filing's state or the person's rights, rather than about what they typed.
REFUSALS = {"not_editable", "not_permitted", "transition_not_allowed", "not_discardable"}


def statement_page(statement: OwnershipStatement) -> HttpResponse:
    return redirect("providers:ownership-statement", statement_id=statement.pk)


def refuse_not_editable(
    request: MemberRequest, statement: OwnershipStatement
) -> HttpResponse | None:
    """Send someone who opened an edit page of a submitted statement back to it, saying why."""
    if statement.is_editable:
        return None
    messages.error(request, filing_problem("not_editable").message)
    return statement_page(statement)


def refused(
    request: MemberRequest, statement: OwnershipStatement, error: ProblemsError
) -> HttpResponse | None:
    """Back to the statement with the reason, when the service refused for its state or rights."""
    reasons = [problem.message for problem in error.problems if problem.code in REFUSALS]
    for reason in reasons:
        messages.error(request, reason)
    return statement_page(statement) if reasons else None


def is_stale(error: ProblemsError) -> bool:
    return any(problem.code == "stale_edit" for problem in error.problems)


def member_statement(view: View) -> View:
    """Hand the view a statement of the person's own provider, or 404."""

    @wraps(view)
    @member_required
    def wrapper(request: MemberRequest, statement_id: int) -> HttpResponse:
        return view(request, access_statement_for_member(request.user, statement_id))

    return wrapper


def editable_statement(view: View) -> View:
    """Hand the view a statement the person may change now; else 404, 403 or back to it."""

    @wraps(view)
    @member_required
    def wrapper(request: MemberRequest, statement_id: int) -> HttpResponse:
        statement = access_statement_for_member(request.user, statement_id)
        refusal = refuse_viewer(request) or refuse_not_editable(request, statement)
        return refusal or view(request, statement)

    return wrapper


def editable_link(view: View) -> View:
    """Hand the view a link on a statement the person may change now; else 404, 403 or back."""

    @wraps(view)
    @member_required
    def wrapper(request: MemberRequest, link_id: int) -> HttpResponse:
        link = access_link_for_member(request.user, link_id)
        refusal = refuse_viewer(request) or refuse_not_editable(request, link.statement)
        return refusal or view(request, link)

    return wrapper


def percent_text(value: Decimal | None) -> str:
    """An exact percentage without trailing zeros: 12.500 → 12.5%."""
    return "" if value is None else f"{value.normalize():f}%"


def link_row(link: InvestmentLink) -> dict[str, Any]:
    """A link with the words its table and summary show."""
    return {
        "link": link,
        "country": country_name(link.country),
        "share_exact": percent_text(link.share_percent),
        "votes_exact": percent_text(link.votes_percent),
        "share_band": OwnershipBand(link.share_band).label,
        "votes_band": OwnershipBand(link.votes_band).label,
    }


@cache
def link_field_anchors() -> dict[str, str]:
    """The id of the control each link field's error leads to (the first radio, the day box)."""
    form = InvestmentLinkForm()
    return {name: cast(GovukBoundField, form[name]).error_target_id for name in form.fields}


LINK_FORM_FIELDS = frozenset(InvestmentLinkForm.base_fields)

# Where check your answers takes each answer of the statement of truth, signed as the statement
# is submitted. The signatory is the person signed in: their name is shown there, never asked.
SIGN_ANCHORS = {
    "signatory_name": "signatory-name",
    "signatory_role": "id_signatory_role",
    "signed_at": "id_confirm",
}
# What a finding about the statement of truth sits above on check your answers.
SIGN_QUESTIONS = ("signatory_name", "signatory_role", "confirm")


def problem_url(statement: OwnershipStatement, data: dict[str, Any], field: str) -> str:
    """The page and control that fix a problem, from its field (`links.2.share_percent`)."""
    parts = field.split(".")
    if parts[0] == "links" and len(parts) == 3:
        link_id = data["links"][int(parts[1])]["id"]
        url = reverse("providers:ownership-link-edit", kwargs={"link_id": link_id})
        return f"{url}#{link_field_anchors().get(parts[2], '')}"
    if parts[0] == "links":
        return reverse("providers:ownership-links", kwargs={"statement_id": statement.pk})
    if field in SIGN_ANCHORS:
        url = reverse("providers:ownership-check", kwargs={"statement_id": statement.pk})
        return f"{url}#{SIGN_ANCHORS[field]}"
    return reverse("providers:ownership-statement", kwargs={"statement_id": statement.pk})


def problem_message(data: dict[str, Any], problem: Problem) -> str:
    """The problem's sentence, naming the investor when it is about one."""
    parts = problem.field.split(".")
    if parts[0] == "links" and len(parts) == 3:
        return f"{data['links'][int(parts[1])]['investor_name']}: {problem.message}"
    return problem.message


def ownership_checklist(
    statement: OwnershipStatement, data: dict[str, Any], problems: list[Problem]
) -> list[dict[str, str]]:
    """What stops the statement being submitted, each linked to where it is fixed."""
    return [
        {"message": problem_message(data, p), "url": problem_url(statement, data, p.field)}
        for p in problems
    ]


def links_task_status(data: dict[str, Any], problems: list[Problem]) -> str:
    if not data["links"]:
        return "not_started"
    if any(p.field.startswith("links") for p in problems):
        return "incomplete"
    return "completed"


def ownership_tasks(
    statement: OwnershipStatement,
    data: dict[str, Any],
    problems: list[Problem],
    findings: Iterable[PlacedFinding] = (),
) -> list[dict[str, Any]]:
    """The task list's rows: each section, where it is done, how far it has got, and how many
    of the regulator's findings it answers.

    `problems` are those left once the statement of truth is signed, which it is on submit.
    """
    kwargs = {"statement_id": statement.pk}
    count = len(data["links"])
    raised = Counter(finding_section(item) for item in findings)
    return [
        {
            "key": "links",
            "name": "Investment links",
            "hint": f"{count} investor{pluralize(count)}",
            "url": reverse("providers:ownership-links", kwargs=kwargs),
            "status": links_task_status(data, problems),
            "findings": raised["links"],
        },
        {
            "key": "check",
            "name": "Check your answers and submit",
            "hint": "Sign the statement of truth and submit",
            "url": "" if problems else reverse("providers:ownership-check", kwargs=kwargs),
            "status": "cannot_start" if problems else "not_started",
            "findings": raised["check"],
        },
    ]


def finding_section(item: PlacedFinding) -> str:
    """The task list section whose pages answer a finding ("" for the organisation's details)."""
    if item.page == "links" or item.page.startswith("link-edit:"):
        return "links"
    return "check" if item.page == "sign" else ""


# --- The regulator's findings, where the provider answers them


def place_findings(
    statement: OwnershipStatement, findings: list[SentFinding]
) -> list[PlacedFinding]:
    """Each finding with the page and question that answer it (links found by their ids)."""
    ids = {f.row_id for f in findings if f.collection == "links" and f.row_id is not None}
    names = (
        dict(statement.links.filter(pk__in=ids).values_list("pk", "investor_name")) if ids else {}
    )
    return [place_finding(statement, finding, names) for finding in findings]


def place_finding(
    statement: OwnershipStatement, finding: SentFinding, names: Mapping[int, str]
) -> PlacedFinding:
    kwargs = {"statement_id": statement.pk}
    if finding.collection == "links":
        return place_link_finding(finding, names)
    if finding.field == "links":
        url = reverse("providers:ownership-links", kwargs=kwargs)
        return PlacedFinding(finding, finding.label, "links", url=url)
    if finding.field in SIGN_ANCHORS:
        # Signed on check your answers, as the statement is submitted.
        url = reverse("providers:ownership-check", kwargs=kwargs)
        target = SIGN_ANCHORS[finding.field]
        return PlacedFinding(finding, finding.label, "sign", finding.field, f"{url}#{target}")
    if finding.parts[0] == "provider":
        url = reverse("providers:organisation-edit")
        return PlacedFinding(finding, finding.label, "organisation", url=url)
    url = reverse("providers:ownership-statement", kwargs=kwargs)
    return PlacedFinding(finding, finding.label, url=url)


def place_link_finding(finding: SentFinding, names: Mapping[int, str]) -> PlacedFinding:
    """A finding about an investor: on the investor's page, unless the link was removed."""
    about = f": {finding.label}" if finding.label else ""
    if finding.row_id is None or finding.row_id not in names:
        number = (finding.index or 0) + 1
        title = f"Investor {number} of submission {finding.submission}{about}"
        return PlacedFinding(finding, title, removed=True)
    link_id = finding.row_id
    title = f"{names[link_id]}{about}"
    url = reverse("providers:ownership-link-edit", kwargs={"link_id": link_id})
    name = finding.parts[2] if len(finding.parts) > 2 else ""
    target = link_field_anchors().get(name, "")
    return PlacedFinding(
        finding, title, f"link-edit:{link_id}", name, f"{url}#{target}" if target else url
    )


def findings_for_page(
    statement: OwnershipStatement, page: str, fields: Iterable[str] = ()
) -> PageFindings:
    return current_findings_on_page(statement, place_findings, page, fields)


def regulator_context(statement: OwnershipStatement, history: list) -> dict[str, Any]:
    return feedback_context(statement, history, place_findings)


@member_required
def ownership(request: MemberRequest) -> HttpResponse:
    """The organisation's ownership statements: the accepted one, the one in progress, the past."""
    provider = request.user.membership.provider
    accepted = selectors.accepted_ownership_statement(provider)
    in_progress = selectors.open_ownership_statement(provider)
    shown = {s.pk for s in (accepted, in_progress) if s is not None}
    context = {
        "provider": provider,
        "accepted": accepted,
        "accepted_links": [link_row(link) for link in accepted.links.all()] if accepted else [],
        "in_progress": in_progress,
        "past": [s for s in provider.ownership_statements.all() if s.pk not in shown],
        "may_change": may_change_filings(request.user),
    }
    return render(request, "providers/ownership.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def ownership_start(request: MemberRequest) -> HttpResponse:
    """Ask whether to start the next statement from blank or from the accepted one, and start it."""
    refusal = refuse_viewer(request)
    if refusal:
        return refusal
    provider = request.user.membership.provider
    in_progress = selectors.open_ownership_statement(provider)
    if in_progress is not None:
        return render(
            request,
            "providers/ownership_start.html",
            {"provider": provider, "in_progress": in_progress},
        )
    accepted = selectors.accepted_ownership_statement(provider)
    accepted_version = accepted.version if accepted else None
    form = OwnershipStartForm(request.POST or None, accepted_version=accepted_version)
    if request.method == "POST" and form.is_valid():
        try:
            statement = services.ownership_start(
                actor=request.user, provider=provider, amend=form.cleaned_data["start"] == "amend"
            )
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
        else:
            messages.success(request, f"Ownership statement version {statement.version} started")
            return statement_page(statement)
    context = {"provider": provider, "accepted": accepted, "form": form}
    return render(request, "providers/ownership_start.html", context)


@member_statement
def ownership_statement(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """The task list of a statement the person can change; otherwise the statement to read."""
    history = list(filing_history(FilingKind.OWNERSHIP, statement.pk))
    if not (statement.is_editable and may_change_filings(request.user)):
        return ownership_read(request, statement, history)
    data = selectors.ownership_data(statement)
    problems = before_signing(validate_ownership(data))
    regulator = regulator_context(statement, history)
    context = {
        "statement": statement,
        "tasks": ownership_tasks(statement, data, problems, regulator["current_findings"]),
        "checklist": ownership_checklist(statement, data, problems),
        **regulator,
    }
    return render(request, "providers/ownership_task_list.html", context)


def ownership_read(
    request: MemberRequest, statement: OwnershipStatement, history: list
) -> HttpResponse:
    """A statement as it stands: status, reference, the latest submission's hash and history."""
    snapshot = filing_snapshots(FilingKind.OWNERSHIP, statement.pk).order_by("-submission").first()
    regulator = regulator_context(statement, history)
    rows = [link_row(link) for link in statement.links.order_by("id")]
    context = {
        "statement": statement,
        "snapshot": snapshot,
        "rows": rows,
        "may_change": may_change_filings(request.user),
        "may_withdraw": allowed("withdraw", statement.status),
        **regulator,
    }
    return render(request, "providers/ownership_read.html", context)


def link_totals(statement: OwnershipStatement) -> tuple[dict[str, Decimal], list[Problem]]:
    """The current holdings added up, and the problems if they come to more than 100%."""
    holdings: list[Mapping[str, Any]] = [
        dict(h) for h in statement.links.values("share_percent", "votes_percent", "ceased_on")
    ]
    current = [h for h in holdings if not h["ceased_on"]]
    totals = {
        field: sum((h[field] or Decimal(0) for h in current), Decimal(0))
        for field in ("share_percent", "votes_percent")
    }
    return totals, validate_link_totals(holdings)


@member_statement
def ownership_links(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """The statement's investors, a page at a time."""
    page = Paginator(statement.links.order_by("id"), LINKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    totals, problems = link_totals(statement)
    context = {
        "statement": statement,
        "page": page,
        "rows": [link_row(link) for link in page],
        "share_total": percent_text(totals["share_percent"]),
        "votes_total": percent_text(totals["votes_percent"]),
        "problems": problems,
        "may_change": statement.is_editable and may_change_filings(request.user),
        "findings": findings_for_page(statement, "links"),
    }
    return render(request, "providers/ownership_links.html", context)


@editable_statement
@require_http_methods(["GET", "POST"])
def ownership_link_add(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """Add an investor to the statement."""
    form = InvestmentLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.link_save(
                actor=request.user, statement=statement, values=form.link_values()
            )
        except ProblemsError as error:
            refusal = refused(request, statement, error)
            if refusal:
                return refusal
            add_problems_to_form(form, error.problems)
        else:
            messages.success(request, f"{link.investor_name} added")
            return redirect("providers:ownership-links", statement_id=statement.pk)
    context = {"statement": statement, "form": form, "link": None}
    return render(request, "providers/ownership_link_form.html", context)


def link_form_initial(link: InvestmentLink) -> dict[str, Any]:
    """The link's answers as the form shows them: 30, not 30.000."""
    initial = model_to_dict(link, fields=selectors.LINK_FIELDS)
    for field in ("share_percent", "votes_percent"):
        if initial[field] is not None:
            initial[field] = percent_text(initial[field]).rstrip("%")
    return {**initial, "lock_version": link.lock_version}


def stale_link_form(request: MemberRequest, link: InvestmentLink) -> InvestmentLinkForm:
    """The person's answers kept, now against the latest version, saying why they weren't saved."""
    link.refresh_from_db()
    data = request.POST.copy()
    data["lock_version"] = str(link.lock_version)
    form = InvestmentLinkForm(data)
    form.is_valid()
    form.add_error(None, filing_problem("stale_edit").message)
    return form


@editable_link
@require_http_methods(["GET", "POST"])
def ownership_link_edit(request: MemberRequest, link: InvestmentLink) -> HttpResponse:
    """Change an investor, refusing the save if someone else changed it since the form opened."""
    statement = link.statement
    form = InvestmentLinkForm(request.POST or None, initial=link_form_initial(link))
    latest = None
    if request.method == "POST" and form.is_valid():
        try:
            services.link_save(
                actor=request.user,
                statement=statement,
                values=form.link_values(),
                link=link,
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except ProblemsError as error:
            refusal = refused(request, statement, error)
            if refusal:
                return refusal
            if is_stale(error):
                form, latest = stale_link_form(request, link), link_row(link)
            else:
                add_problems_to_form(form, error.problems)
        else:
            messages.success(request, f"{form.cleaned_data['investor_name']} updated")
            return redirect("providers:ownership-links", statement_id=statement.pk)
    context = {
        "statement": statement,
        "form": form,
        "link": link,
        "latest": latest,
        "findings": findings_for_page(statement, f"link-edit:{link.pk}", form.fields),
    }
    return render(request, "providers/ownership_link_form.html", context)


@editable_link
@require_http_methods(["GET", "POST"])
def ownership_link_remove(request: MemberRequest, link: InvestmentLink) -> HttpResponse:
    """Ask before removing an investor, then remove it."""
    statement = link.statement
    if request.method == "POST":
        try:
            services.link_remove(actor=request.user, link=link)
        except ProblemsError as error:
            return refused(request, statement, error) or statement_page(statement)
        messages.success(request, f"{link.investor_name} removed")
        return redirect("providers:ownership-links", statement_id=statement.pk)
    return render(
        request, "providers/ownership_link_remove.html", {"statement": statement, "link": link}
    )


@editable_statement
@require_http_methods(["GET", "POST"])
def ownership_sign(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """Send the old statement of truth page to where it is signed now: just above Submit."""
    url = reverse("providers:ownership-check", kwargs={"statement_id": statement.pk})
    return redirect(f"{url}#statement-of-truth")


@editable_statement
@require_http_methods(["GET", "POST"])
def ownership_check(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """Show every answer with a way to change it, then sign and submit the statement."""
    if request.method == "POST":
        return ownership_check_post(request, statement)
    kept, errors = refused_post(request)
    same_person = statement.signatory_name == request.user.full_name
    initial = {
        "lock_version": statement.lock_version,
        "signatory_role": statement.signatory_role if same_person else "",
    }
    form = StatementOfTruthForm(kept, initial=initial)
    if kept is not None:
        show_problems(form, errors)
    return render(request, "providers/ownership_check.html", check_context(statement, form))


def check_context(statement: OwnershipStatement, form: StatementOfTruthForm) -> dict[str, Any]:
    data = selectors.ownership_data(statement)
    problems = before_signing(validate_ownership(data))
    current = filing_feedback(statement, findings_only_current=True).findings
    placed = place_findings(statement, current)
    rows = [link_row(link) for link in statement.links.order_by("id")]
    for row in rows:
        row["findings"] = findings_on_page(placed, f"link-edit:{row['link'].pk}", LINK_FORM_FIELDS)
    return {
        "statement": statement,
        "form": form,
        "rows": rows,
        "checklist": ownership_checklist(statement, data, problems),
        "problem_count": len(problems),
        "ready": not problems,
        "statement_of_truth": STATEMENT_OF_TRUTH,
        "findings": findings_on_page(placed, "sign", SIGN_QUESTIONS),
        **control_preview(statement, [row["link"] for row in rows]),
        "other_findings": [item for item in placed if item.page in ("", "links", "organisation")],
    }


def control_preview(statement: OwnershipStatement, links: list[InvestmentLink]) -> dict[str, Any]:
    """What the provider's labels would say of its control once this statement is accepted:
    the verdict and its public alerts, decided by the label's own rules."""
    control = control_of(statement, links)
    alerts = [label_alert(flag) for flag in risks.public_alerts(control.flags)]
    return {"control": control_summary(control), "alerts": alerts}


def ownership_check_post(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """Sign and submit; whatever stops it is shown on the page after a redirect."""
    form = StatementOfTruthForm(request.POST)
    if not form.is_valid():
        return refused_post_redirect(request, form)
    try:
        services.ownership_sign_and_submit(
            actor=request.user,
            statement=statement,
            role=form.cleaned_data["signatory_role"],
            expected_lock_version=form.cleaned_data["lock_version"],
        )
    except ProblemsError as error:
        refusal = refused(request, statement, error)
        if refusal:
            return refusal
        statement.refresh_from_db()
        show_submit_refusal(form, error, statement)
        return refused_post_redirect(request, form)
    return redirect("providers:ownership-submitted", statement_id=statement.pk)


def show_submit_refusal(
    form: StatementOfTruthForm, error: ProblemsError, statement: OwnershipStatement
) -> None:
    """Say why nothing was signed or submitted. After a change made meanwhile, the page shows
    the latest answers, and submitting them needs a fresh confirmation."""
    if is_stale(error):
        data = cast(QueryDict, form.data).copy()
        data["lock_version"] = str(statement.lock_version)
        data.pop("confirm", None)
        form.data = data
        form.add_error(None, filing_problem("stale_edit").message)
        return
    # Refusals of the person (an email address not confirmed) or of the signature are said as
    # they are; the answers' own problems are already listed as things to do.
    said = [p.message for p in error.problems if p.field in ("", *SIGN_ANCHORS)]
    if len(said) < len(error.problems):
        said.append(NOT_YET)
    form.add_error(None, said)


@member_statement
def ownership_submitted(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """Confirm the submission with the statement's reference."""
    if statement.submitted_at is None:
        return statement_page(statement)
    return render(request, "providers/ownership_submitted.html", {"statement": statement})


@member_statement
@require_http_methods(["GET", "POST"])
def ownership_withdraw(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """Withdraw an accepted statement, with a reason that is published."""
    refusal = refuse_viewer(request)
    if refusal:
        return refusal
    if not allowed("withdraw", statement.status):
        messages.error(request, NOT_WITHDRAWABLE)
        return statement_page(statement)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ownership_transition(
                actor=request.user,
                statement=statement,
                action="withdraw",
                reason=form.cleaned_data["reason"],
            )
        except ProblemsError as error:
            refusal = refused(request, statement, error)
            if refusal:
                return refusal
            add_problems_to_form(form, error.problems)
        else:
            return redirect("providers:ownership-withdrawn", statement_id=statement.pk)
    context = {"statement": statement, "form": form}
    return render(request, "providers/ownership_withdraw.html", context)


@member_statement
def ownership_withdrawn(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """Confirm the withdrawal."""
    if statement.status != Status.WITHDRAWN:
        return statement_page(statement)
    return render(request, "providers/ownership_withdrawn.html", {"statement": statement})


@editable_statement
@require_http_methods(["GET", "POST"])
def ownership_discard(request: MemberRequest, statement: OwnershipStatement) -> HttpResponse:
    """Ask before deleting a draft that was never submitted, then delete it."""
    if statement.submitted_at is not None:
        messages.error(request, filing_problem("not_discardable").message)
        return statement_page(statement)
    if request.method == "POST":
        try:
            services.ownership_discard(actor=request.user, statement=statement)
        except ProblemsError as error:
            return refused(request, statement, error) or statement_page(statement)
        messages.success(request, f"Draft ownership statement version {statement.version} deleted")
        return redirect("providers:ownership")
    return render(request, "providers/ownership_discard.html", {"statement": statement})
