"""The console's lists as CSV files: the queue, decided cases, search results, providers, models.

Each file streams row by row, starts with a byte order mark so that Excel reads it as UTF-8, has
its column headings in words even when it has no rows, gives dates as ISO 8601 (2026-03-01) and
passes every cell through `lib.spreadsheets.cell`, so that nothing typed runs as a formula. Each
export runs a fixed number of queries whatever its length: each builder says which.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from registry.accounts.models import User
from registry.declarations.models import AIModel, ModelDependency
from registry.filings.states import Status
from registry.lib.codes import country_name
from registry.lib.spreadsheets import cell
from registry.providers.models import InvestmentLink, OwnershipStatement, Provider
from registry.review import selectors
from registry.review.caseload import DecidedFilters, decided_cases
from registry.review.models import Case, CaseFlag
from registry.review.risks import RULES, Control

# Excel takes a file as UTF-8 only when it starts with this.
BYTE_ORDER_MARK = "\ufeff"

Row = Sequence[Any]


class Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def iso(value: date | datetime | None) -> str:
    """A date as ISO 8601; a moment as the local day it fell on."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localdate(value).isoformat()
    return value.isoformat()


def csv_lines(headings: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield BYTE_ORDER_MARK + writer.writerow([cell(heading) for heading in headings])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def csv_response(name: str, headings: Sequence[str], rows: Iterable[Row]) -> StreamingHttpResponse:
    """A CSV download named after what it holds and the day: queue-2026-03-01.csv."""
    response = StreamingHttpResponse(
        csv_lines(headings, rows), content_type="text/csv; charset=utf-8"
    )
    filename = f"{name}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def status_label(status: str | None) -> str:
    return Status(status).label if status in Status.values else ""


def person(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.email


def flag_titles(codes: Iterable[str]) -> str:
    """Risk flags by their plain names, in the rules' own words."""
    return "; ".join(sorted(RULES[code].title if code in RULES else code for code in codes))


# --- The queue


QUEUE_HEADINGS = [
    "Reference",
    "Filing",
    "Kind of filing",
    "Provider",
    "Provider number",
    "Status",
    "Assigned to",
    "Submitted on",
    "Submissions",
    "Due on",
    "Clock",
    "Risk flags",
]


def flags_by_case(cases: QuerySet[Case]) -> dict[int, list[str]]:
    """The flags' codes of every case listed, in one query."""
    found: dict[int, list[str]] = defaultdict(list)
    flags = CaseFlag.objects.filter(case__in=cases.order_by().values("pk"))
    for case_id, code in flags.order_by().values_list("case_id", "code"):
        found[case_id].append(code)
    return found


def queue_rows(cases: QuerySet[Case], today: date) -> Iterator[Row]:
    """Two queries: the flags of every case listed, then the cases with provider and assignee."""
    cases = cases.prefetch_related(None)
    flags = flags_by_case(cases)
    for case in cases.iterator(chunk_size=2000):
        yield [
            case.reference,
            case.subject,
            case.get_filing_kind_display(),
            case.provider.display_name,
            case.provider.registration_number,
            status_label(case.status),
            person(case.assignee),
            iso(case.last_submitted_at),
            case.submissions,
            iso(case.due_on),
            selectors.clock_status(case, today).text,
            flag_titles(flags.get(case.pk, [])),
        ]


def queue_export(filters: selectors.QueueFilters, user: User, name: str) -> StreamingHttpResponse:
    today = timezone.localdate()
    cases = selectors.queue_cases(filters, user, today)
    return csv_response(name, QUEUE_HEADINGS, queue_rows(cases, today))


# --- Decided cases


DECIDED_HEADINGS = [
    "Reference",
    "Filing",
    "Kind of filing",
    "Provider",
    "Provider number",
    "Outcome",
    "Decided on",
    "Decided by",
    "Assigned to",
    "Opened on",
    "Submissions",
]


def decided_rows(cases: QuerySet[Case]) -> Iterator[Row]:
    """One query: the cases with provider, assignee and decider."""
    for case in cases.iterator(chunk_size=2000):
        yield [
            case.reference,
            case.subject,
            case.get_filing_kind_display(),
            case.provider.display_name,
            case.provider.registration_number,
            status_label(case.status),
            iso(case.closed_at),
            getattr(case, "decider_name", "") or "",
            person(case.assignee),
            iso(case.opened_at),
            case.submissions,
        ]


def decided_export(filters: DecidedFilters, user: User) -> StreamingHttpResponse:
    return csv_response(
        "decided-cases", DECIDED_HEADINGS, decided_rows(decided_cases(filters, user))
    )


# --- Providers


PROVIDER_HEADINGS = [
    "Provider",
    "Trading name",
    "Registration number",
    "Company number",
    "Country",
    "Members",
    "Models",
    "Control",
    "Countries behind the control",
]


def controls_of(providers: QuerySet[Provider]) -> dict[int, Control]:
    """Each listed provider's control verdict by its accepted ownership statement (two queries:
    the statements, then their links)."""
    accepted = OwnershipStatement.objects.filter(
        provider__in=providers.order_by().values("pk"), status=Status.ACCEPTED
    )
    statements = list(accepted)
    links: dict[int, list[InvestmentLink]] = defaultdict(list)
    for link in InvestmentLink.objects.filter(statement__in=accepted.values("pk")).order_by("id"):
        links[link.statement_id].append(link)
    return {
        statement.provider_id: selectors.ownership_overview(statement, links[statement.pk]).control
        for statement in statements
    }


def provider_rows(providers: QuerySet[Provider]) -> Iterator[Row]:
    """Three queries: the accepted ownership statements and their links, then the providers."""
    controls = controls_of(providers)
    for provider in providers.iterator(chunk_size=2000):
        control = controls.get(provider.pk)
        yield [
            provider.legal_name,
            provider.trading_name,
            provider.registration_number,
            provider.company_number,
            country_name(provider.country),
            provider.member_count,  # type: ignore[attr-defined]
            provider.model_count,  # type: ignore[attr-defined]
            control.verdict.label if control else "No accepted ownership statement",
            "; ".join(country_name(code) for code in control.countries) if control else "",
        ]


def providers_export(query: str) -> StreamingHttpResponse:
    rows = provider_rows(selectors.providers_search(query))
    return csv_response("providers", PROVIDER_HEADINGS, rows)


# --- Models


MODEL_HEADINGS = [
    "Model",
    "Version",
    "Registration number",
    "Provider",
    "Provider number",
    "Type",
    "Distribution",
    "Latest declaration",
    "Latest declaration status",
    "Built on",
]


def built_on(models: QuerySet[AIModel]) -> dict[int, list[str]]:
    """What each listed model is built on, in words (one query)."""
    found: dict[int, list[str]] = defaultdict(list)
    dependencies = ModelDependency.objects.filter(model__in=models.order_by().values("pk"))
    for dependency in dependencies.select_related("depends_on").order_by("id"):
        other = dependency.depends_on
        base = f"{other.name} {other.version}" if other else dependency.external_name
        number = f", {other.registration_number}" if other and other.registration_number else ""
        found[dependency.model_id].append(
            f"{base} ({dependency.get_relation_display().lower()}{number})"
        )
    return found


def latest_declaration(model: AIModel) -> str:
    version = getattr(model, "latest_version", None)
    return f"Version {version}" if version else "None"


def model_rows(models: QuerySet[AIModel]) -> Iterator[Row]:
    """Two queries: what the models are built on, then the models with provider and latest
    declaration."""
    lineage = built_on(models)
    for model in models.iterator(chunk_size=2000):
        yield [
            model.name,
            model.version,
            model.registration_number or "",
            model.provider.display_name,
            model.provider.registration_number,
            model.get_model_type_display(),
            model.get_distribution_display(),
            latest_declaration(model),
            status_label(getattr(model, "latest_status", None)),
            "; ".join(lineage.get(model.pk, [])),
        ]


def models_export(query: str) -> StreamingHttpResponse:
    return csv_response("models", MODEL_HEADINGS, model_rows(selectors.models_search(query)))


# --- Search results


SEARCH_HEADINGS = ["Record", "Number or reference", "Name", "Provider", "Status"]


def cases_search(query: str) -> QuerySet[Case]:
    """Cases whose reference or subject holds the text, newest first, as the search lists them."""
    return (
        Case.objects.filter(Q(reference__icontains=query) | Q(subject__icontains=query))
        .select_related("provider")
        .order_by("-opened_at", "-id")
    )


def search_rows(query: str) -> Iterator[Row]:
    """Three queries: the providers, the models and the cases matching (none for no search)."""
    if not query:
        return
    for provider in selectors.providers_search(query).iterator(chunk_size=2000):
        yield ["Provider", provider.registration_number, provider.legal_name, "", ""]
    for model in selectors.models_search(query).iterator(chunk_size=2000):
        yield [
            "Model",
            model.registration_number or "",
            f"{model.name} {model.version}",
            model.provider.display_name,
            status_label(getattr(model, "latest_status", None)),
        ]
    for case in cases_search(query).iterator(chunk_size=2000):
        yield [
            f"Case ({case.get_filing_kind_display().lower()})",
            case.reference,
            case.subject,
            case.provider.display_name,
            status_label(case.status),
        ]


def search_export(query: str) -> StreamingHttpResponse:
    return csv_response("search-results", SEARCH_HEADINGS, search_rows(query))
