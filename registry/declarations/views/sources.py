"""Data sources: the list, a source's question pages, its summary, and its top domains.

A source is asked over several short pages: the first asks its name and kind, and the rest only
what that kind needs (`forms.source_pages`), ending on the source's summary, from which any page
can be changed again. Each page saves its own answers when it has no problem left.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from registry.accounts.access import member_required
from registry.declarations import choices, selectors, services, validation
from registry.declarations.access import (
    MemberRequest,
    access_declaration_for_member,
    access_source_for_member,
    is_editor,
)
from registry.declarations.forms import (
    SOURCE_PAGE_FORM,
    TOP_DOMAINS_PAGE,
    TOP_DOMAINS_PREVIEW,
    SourceForm,
    SourceKindForm,
    SourcePageForm,
    TopDomainsForm,
    next_source_page,
    shown_value,
    source_pages,
)
from registry.declarations.models import (
    DataSource,
    ProvenanceDeclaration,
)
from registry.declarations.views.editing import (
    QuestionPage,
    answer_page,
    editable_declaration,
    page,
    page_form,
    refused,
)
from registry.declarations.views.findings import findings_for_page
from registry.filings.selectors import PageFindings
from registry.lib.problems import Problem, ProblemsError

SOURCES_PER_PAGE = 50
# A link from the source's summary to one of its pages: saving it goes back to the summary.
CHANGE = "change"

# --- Data sources


@member_required
@require_GET
def source_list(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    # The list never needs a source's top domains, which may be 10,000 hosts long.
    sources = declaration.sources.only(
        "id", "declaration_id", "name", "category", "share_percent", "licence", "confidential"
    ).order_by("id")
    paginated = Paginator(sources, SOURCES_PER_PAGE).get_page(request.GET.get("page"))
    share_total = declaration.sources.aggregate(total=Sum("share_percent"))["total"]
    context = {
        "declaration": declaration,
        "page": paginated,
        "share_total": share_total or Decimal(0),
        "can_edit": declaration.is_editable and is_editor(request.user),
        "categories": dict(choices.SourceCategory.choices),
        "findings": findings_for_page(declaration, "sources"),
    }
    return page(request, "sources", context)


def page_url(declaration: ProvenanceDeclaration, source: DataSource, url_name: str) -> str:
    return reverse(f"declarations:{url_name}", args=[declaration.pk, source.pk])


def after_page(
    request: MemberRequest,
    declaration: ProvenanceDeclaration,
    source: DataSource,
    url_name: str,
    category_before: str,
) -> HttpResponse:
    """Where a page goes once saved: its next page, or the summary after the last one or when
    it was opened from there (unless a new kind of source has new questions to ask)."""
    following = next_source_page(source.category, url_name)
    back_to_summary = CHANGE in request.GET and source.category == category_before
    if following is None or back_to_summary:
        return redirect(page_url(declaration, source, "source-edit"))
    return redirect(page_url(declaration, source, following.url_name))


def source_question_page(
    request: MemberRequest,
    declaration: ProvenanceDeclaration,
    form: SourcePageForm,
    source: DataSource | None,
) -> QuestionPage:
    """The rules, save and way on of one page about a source (a new one if `source` is None)."""
    stored = model_to_dict(source, fields=selectors.SOURCE_FIELDS) if source else {}
    url_name = form.page.url_name
    category_before = source.category if source else ""

    def rules(values: dict[str, Any]) -> list[Problem]:
        # As the service checks them: the page's answers over what is saved of the source.
        return validation.validate_source(stored | services.clean_source_values(values))

    def save(values: dict[str, Any]) -> DataSource:
        return services.source_save(
            actor=request.user,
            declaration=declaration,
            values=values,
            source=source,
            expected_lock_version=form.cleaned_data.get("lock_version"),
            complete=False,
        )

    def done(saved: DataSource) -> HttpResponse:
        return after_page(request, declaration, saved, url_name, category_before)

    return QuestionPage(
        rules=rules,
        save=save,
        done=done,
        section=f"{form.page.title} of {source.name}" if source else "The new source",
        later=reverse("declarations:declaration", args=[declaration.pk]),
        reopen=lambda saved: page_url(declaration, saved, url_name),
        current=source,
        initial_for=type(form).initial_for,
    )


@editable_declaration
@require_http_methods(["GET", "POST"])
def source_add(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """The first page of a new source: its name and kind, which decide the pages that follow."""
    form, kept = page_form(request, lambda data, files: SourceKindForm(data))
    if request.method == "POST":
        return answer_page(request, form, source_question_page(request, declaration, form, None))
    context = {"form": form, "declaration": declaration, "source": None, **kept}
    return page(request, "source_form", context | progress(form.page.url_name, ""))


@editable_declaration
@require_http_methods(["GET", "POST"])
def source_page(
    request: MemberRequest, declaration: ProvenanceDeclaration, source_id: int, url_name: str
) -> HttpResponse:
    """One page of questions about a source."""
    source = access_source_for_member(request.user, declaration.pk, source_id)
    form_class = SOURCE_PAGE_FORM.get(url_name)
    if form_class is None:
        raise Http404
    if not form_class.page.asks(source.category):
        # Say so rather than ask what this kind of source doesn't need (an old link).
        messages.error(request, f"A source of this kind has no page “{form_class.page.title}”")
        return redirect(page_url(declaration, source, "source-edit"))
    initial = form_class.initial_for(source)
    form, kept = page_form(
        request, lambda data, files: form_class(data, initial=initial, source=source)
    )
    if request.method == "POST":
        return answer_page(request, form, source_question_page(request, declaration, form, source))
    found = findings_for_page(declaration, f"source-edit:{source.pk}", form.fields)
    context = {
        "form": form,
        "declaration": declaration,
        "source": source,
        # Those about the source as a whole head its summary.
        "findings": PageFindings(by_field=found.by_field),
        "change": CHANGE in request.GET,
        **kept,
    }
    return page(request, "source_form", context | progress(url_name, source.category))


def progress(url_name: str, category: str) -> dict[str, Any]:
    """Which page this is of those the source is asked on ("Page 2 of 7")."""
    names = [page.url_name for page in source_pages(category or choices.SourceCategory.OTHER)]
    if not category:
        return {"page_number": 1, "page_count": None}
    return {"page_number": names.index(url_name) + 1, "page_count": len(names)}


@editable_declaration
@require_http_methods(["GET", "POST"])
def source_edit(
    request: MemberRequest, declaration: ProvenanceDeclaration, source_id: int
) -> HttpResponse:
    """A source's answers page by page, each with a link to change it, and the regulator's
    findings beside the answers they are about."""
    source = access_source_for_member(request.user, declaration.pk, source_id)
    if request.method == "POST":
        # A form opened before the source had pages of its own: its answers are asked again.
        messages.error(request, "The source's questions are now on pages of their own")
        return redirect(page_url(declaration, source, "source-edit"))
    problems = validation.validate_source(model_to_dict(source, fields=selectors.SOURCE_FIELDS))
    incomplete = {SourceForm.url_name_for(problem.field) for problem in problems}
    findings = findings_for_page(declaration, f"source-edit:{source.pk}", SourceForm.base_fields)
    context = {
        "declaration": declaration,
        "source": source,
        "cards": summary_cards(declaration, source, incomplete),
        "findings": findings,
        "problem_count": len(problems),
    }
    return page(request, "source_summary", context)


def summary_cards(
    declaration: ProvenanceDeclaration, source: DataSource, incomplete: set[str]
) -> list[dict[str, Any]]:
    """A summary card per page the source is asked on: its answers, and where to change them."""
    cards = []
    for source_page_ in source_pages(source.category):
        url = page_url(declaration, source, source_page_.url_name)
        form_class = SOURCE_PAGE_FORM.get(source_page_.url_name)
        rows = summary_rows(form_class, source) if form_class else top_domain_rows(source)
        cards.append(
            {
                "title": source_page_.title,
                "url": f"{url}?{CHANGE}" if form_class else url,
                "rows": rows,
                "incomplete": source_page_.url_name in incomplete,
            }
        )
    return cards


def summary_rows(form_class: type[SourcePageForm], source: DataSource) -> list[dict[str, Any]]:
    initial = form_class.initial_for(source)
    return [
        {
            "name": name,
            "key": field.label,
            "value": shown_value(field, initial.get(name)),
            "anchor": form_class.anchor_for(name),
        }
        for name, field in form_class.base_fields.items()
        if not field.widget.is_hidden
    ]


def top_domain_rows(source: DataSource) -> list[dict[str, Any]]:
    domains = source.top_domains or []
    value = "Not given"
    if domains:
        first = ", ".join(domains[:TOP_DOMAINS_PREVIEW])
        value = f"{len(domains):,} host{'s' if len(domains) != 1 else ''}, starting with {first}"
    return [
        {"name": "top_domains", "key": "Top domains", "value": value, "anchor": "id_top_domains"}
    ]


@editable_declaration
@require_http_methods(["GET", "POST"])
def source_domains(
    request: MemberRequest, declaration: ProvenanceDeclaration, source_id: int
) -> HttpResponse:
    """A crawl's top domains, from a file or a pasted list that replaces the list saved."""
    source = access_source_for_member(request.user, declaration.pk, source_id)
    initial = {"lock_version": source.lock_version}
    form, kept = page_form(
        request, lambda data, files: TopDomainsForm(data, files, initial=initial)
    )
    if request.method == "POST":
        return answer_page(request, form, top_domains_page(request, declaration, source, form))
    domains = source.top_domains or []
    found = findings_for_page(declaration, f"source-edit:{source.pk}", ["text"])
    context = {
        "form": form,
        "declaration": declaration,
        "source": source,
        "domain_count": len(domains),
        "domain_preview": domains[:TOP_DOMAINS_PREVIEW],
        "findings": PageFindings(by_field=found.by_field),
        **kept,
    }
    return page(request, "top_domains", context)


def top_domains_page(
    request: MemberRequest,
    declaration: ProvenanceDeclaration,
    source: DataSource,
    form: TopDomainsForm,
) -> QuestionPage:
    stored = model_to_dict(source, fields=selectors.SOURCE_FIELDS)

    def rules(values: dict[str, Any]) -> list[Problem]:
        return validation.validate_source(stored | services.clean_source_values(values))

    def save(values: dict[str, Any]) -> DataSource:
        if not values:
            return source  # nothing new given: the list saved stays
        return services.source_save(
            actor=request.user,
            declaration=declaration,
            values=values,
            source=source,
            expected_lock_version=form.cleaned_data.get("lock_version"),
            complete=False,
        )

    def done(saved: DataSource) -> HttpResponse:
        hosts = form.cleaned_data.get("hosts")
        if hosts is not None:
            messages.success(request, f"{len(hosts):,} top domains are saved for {saved.name}")
        return after_page(request, declaration, saved, TOP_DOMAINS_PAGE.url_name, saved.category)

    return QuestionPage(
        rules=rules,
        save=save,
        done=done,
        section=f"The top domains of {source.name}",
        later=reverse("declarations:declaration", args=[declaration.pk]),
        current=source,
        initial_for=lambda current: {"lock_version": current.lock_version},
    )


@editable_declaration
@require_http_methods(["GET", "POST"])
def source_remove(
    request: MemberRequest, declaration: ProvenanceDeclaration, source_id: int
) -> HttpResponse:
    source = access_source_for_member(request.user, declaration.pk, source_id)
    back = reverse("declarations:sources", args=[declaration.pk])
    if request.method == "POST":
        try:
            services.source_remove(actor=request.user, source=source)
        except ProblemsError as error:
            return refused(request, declaration, error)
        messages.success(request, f"{source.name} is removed")
        return redirect(back)
    context = {"question": f"Remove {source.name} from the data sources?", "back": back}
    return page(request, "confirm_remove", context)
