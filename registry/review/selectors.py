"""Reads for the regulator console: the queue, a case, re-declarations due, and the register.

Every list here runs a fixed number of queries whatever its length; each function that builds a
page says which. A case page reads the filing from its latest snapshot, so the regulator reviews
exactly what was submitted (and hashed), not what the provider may be editing since.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from registry.accounts.models import User
from registry.accounts.roles import REGULATOR_GROUPS
from registry.audit.models import AuditEvent
from registry.declarations import choices
from registry.declarations.models import (
    AIModel,
    DataSource,
    ModelDependency,
    ProvenanceDeclaration,
)
from registry.declarations.selectors import (
    ATTESTATION_FIELDS,
    GENERAL_FIELDS,
    MODEL_FIELDS,
    PARTY_FIELDS,
    SOURCE_FIELDS,
    declaration_data,
)
from registry.filings.models import Filing, FilingKind, FilingSnapshot
from registry.filings.selectors import filing_snapshots, snapshot_data
from registry.filings.states import AWAITING_REGULATOR, OPEN, TRANSITIONS, Status
from registry.labels.selectors import control_of, ownership_summary
from registry.lib.codes import country_name
from registry.providers.models import InvestmentLink, OwnershipBand, OwnershipStatement, Provider
from registry.providers.selectors import LINK_FIELDS, ownership_data
from registry.review import extraction, risks
from registry.review.clock import months_before
from registry.review.diff import FilingDiff, field_label, filing_diff, normal, readable
from registry.review.models import (
    Case,
    CaseFlag,
    CaseNote,
    ConfidentialityRuling,
    Finding,
    FindingChange,
    FindingStatus,
)
from registry.review.risks import RULES
from registry.review.validation import current_path

QUEUE_PAGE_SIZE = 50
REGISTER_PAGE_SIZE = 50
SOURCES_PAGE_SIZE = 50
SEARCH_LIMIT = 20
# "Due soon" in the queue's filter: due today or within this many days.
DUE_SOON_DAYS = 7
# A crawl's top domains are listed in the open up to this many; longer lists are collapsed.
TOP_DOMAINS_OPEN = 10

SEVERITY_COLOURS = {"high": "red", "medium": "orange", "low": "yellow"}
BAND_LABELS = dict(OwnershipBand.choices)


def regulator_staff() -> QuerySet[User]:
    """Case officers and decision makers: who a case can be assigned to."""
    return (
        User.objects.filter(groups__name__in=REGULATOR_GROUPS, is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


def days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


# --- The statutory clock as the console shows it


@dataclass(frozen=True)
class ClockStatus:
    """Where a case's clock stands today: days left (negative once overdue), or stopped."""

    due_on: date | None
    days_left: int
    stopped: bool

    @property
    def overdue(self) -> bool:
        return not self.stopped and self.days_left < 0

    @property
    def text(self) -> str:
        if self.stopped:
            if self.days_left < 0:
                return f"Clock stopped ({days(-self.days_left)} overdue)"
            return f"Clock stopped ({days(self.days_left)} left)"
        if self.days_left < 0:
            return f"{days(-self.days_left)} overdue"
        if self.days_left == 0:
            return "Due today"
        return f"{days(self.days_left)} left"


def running_cases_due_by(day: date) -> QuerySet[Case]:
    """Cases with the regulator whose clock is running and falls due on or before `day`, with
    their provider and assignee."""
    return (
        Case.objects.filter(status__in=AWAITING_REGULATOR, due_on__lte=day)
        .select_related("provider", "assignee")
        .order_by("due_on", "id")
    )


def clock_status(case: Case, today: date) -> ClockStatus:
    """Days left by the due date the queue sorts and filters on; while the clock is stopped
    there is none, and the days left are those the clock kept."""
    if case.due_on is None:
        return ClockStatus(due_on=None, days_left=case.days_left(today), stopped=True)
    return ClockStatus(due_on=case.due_on, days_left=(case.due_on - today).days, stopped=False)


# --- Risk flags


@dataclass(frozen=True)
class FlagRow:
    """A risk flag with its severity's tag colour and the rule's explanation."""

    code: str
    title: str
    severity: str
    message: str
    explanation: str
    public: bool

    @property
    def colour(self) -> str:
        return SEVERITY_COLOURS.get(self.severity, "grey")

    @property
    def severity_label(self) -> str:
        return self.severity.capitalize()


def flag_row(flag: CaseFlag) -> FlagRow:
    rule = RULES.get(flag.code)
    return FlagRow(
        code=flag.code,
        # A code no rule defines any more (rules change; flags stay) reads as itself.
        title=rule.title if rule else flag.code,
        severity=flag.severity,
        message=flag.message,
        explanation=rule.explanation if rule else "",
        public=flag.public,
    )


def flag_codes() -> list[tuple[str, str]]:
    """Every rule by its plain name and severity, for the queue's filter."""
    rules = sorted(RULES.items(), key=lambda item: item[1].title)
    return [(code, f"{rule.title} ({rule.severity})") for code, rule in rules]


# --- The queue


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows: a state tab, then filters that narrow it, and the order."""

    state: str = "awaiting"
    kind: str = ""
    flag: str = ""
    # "", "unassigned", "me", or a regulator's id.
    assignee: str = ""
    # "", "overdue", or "soon" (due within DUE_SOON_DAYS).
    due: str = ""
    sort: str = "due"


# Each tab of the queue and the statuses it lists; the first is the default.
STATE_TABS = {
    "awaiting": ("Awaiting the regulator", (Status.SUBMITTED, Status.UNDER_REVIEW)),
    "submitted": ("Submitted", (Status.SUBMITTED,)),
    "under_review": ("Under review", (Status.UNDER_REVIEW,)),
    "changes_requested": ("Changes requested", (Status.CHANGES_REQUESTED,)),
}
OPEN_CASE_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED)
# Cases whose clock is stopped have no due date: they sort after those that have one.
SORTS: dict[str, tuple[Any, ...]] = {
    "due": (F("due_on").asc(nulls_last=True), "id"),
    "-due": (F("due_on").desc(nulls_last=True), "id"),
    "submitted": ("last_submitted_at", "id"),
    "-submitted": ("-last_submitted_at", "-id"),
    "reference": ("reference", "id"),
    "-reference": ("-reference", "-id"),
}


def filtered_cases(filters: QueueFilters, user: User, today: date) -> QuerySet[Case]:
    """Cases matching every filter but the state tab, which the tab counts are taken across."""
    cases = Case.objects.all()
    if filters.kind:
        cases = cases.filter(filing_kind=filters.kind)
    if filters.flag:
        cases = cases.filter(
            Exists(CaseFlag.objects.filter(case_id=OuterRef("pk"), code=filters.flag))
        )
    return by_due(by_assignee(cases, filters.assignee, user), filters.due, today)


def by_assignee(cases: QuerySet[Case], assignee: str, user: User) -> QuerySet[Case]:
    if assignee == "unassigned":
        return cases.filter(assignee=None)
    if assignee == "me":
        return cases.filter(assignee=user)
    if assignee.isdigit():
        return cases.filter(assignee_id=int(assignee))
    return cases


def by_due(cases: QuerySet[Case], due: str, today: date) -> QuerySet[Case]:
    if due == "overdue":
        return cases.filter(due_on__lt=today)
    if due == "soon":
        return cases.filter(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
    return cases


def queue_cases(filters: QueueFilters, user: User, today: date) -> QuerySet[Case]:
    """The queue's cases in order, each with its provider, assignee and flags."""
    statuses = STATE_TABS.get(filters.state, STATE_TABS["awaiting"])[1]
    return (
        filtered_cases(filters, user, today)
        .filter(status__in=statuses)
        .select_related("provider", "assignee")
        .prefetch_related("flags")
        .order_by(*SORTS.get(filters.sort, SORTS["due"]))
    )


@dataclass(frozen=True)
class StateTab:
    value: str
    label: str
    count: int
    selected: bool


def queue_tabs(filters: QueueFilters, user: User, today: date) -> list[StateTab]:
    """Each state tab with how many cases it holds under the other filters (one query)."""
    counted = (
        filtered_cases(filters, user, today)
        .filter(status__in=OPEN_CASE_STATUSES)
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"))
    )
    by_status: dict[str, int] = dict(counted)
    return [
        StateTab(
            value=value,
            label=label,
            count=sum(by_status.get(status, 0) for status in statuses),
            selected=value == filters.state,
        )
        for value, (label, statuses) in STATE_TABS.items()
    ]


@dataclass(frozen=True)
class QueueRow:
    case: Case
    clock: ClockStatus
    flags: list[FlagRow]


def queue_page(filters: QueueFilters, user: User, today: date, page_number: Any) -> dict[str, Any]:
    """One page of the queue with the tabs' counts.

    Four queries: the tab counts, the page's count, its cases (with provider and assignee), and
    their flags.
    """
    page = Paginator(queue_cases(filters, user, today), QUEUE_PAGE_SIZE).get_page(page_number)
    tabs = queue_tabs(filters, user, today)
    rows = [
        QueueRow(case, clock_status(case, today), [flag_row(f) for f in case.flags.all()])
        for case in page.object_list
    ]
    return {"page": page, "rows": rows, "tabs": tabs}


# --- A case: the filing as submitted, and what it is compared with

FILING_MODELS: dict[str, type[Filing]] = {
    FilingKind.DECLARATION: ProvenanceDeclaration,
    FilingKind.OWNERSHIP: OwnershipStatement,
}
# What a filing is of: a declaration's model or a statement's provider.
OWNERS: dict[str, str] = {FilingKind.DECLARATION: "model", FilingKind.OWNERSHIP: "provider"}


def case_filing(case: Case) -> Any:
    """The filing a case reviews, with its model or provider."""
    model = FILING_MODELS[case.filing_kind]
    return model._default_manager.select_related(OWNERS[case.filing_kind]).get(pk=case.filing_id)


def last_snapshot(kind: str, filing_id: int) -> FilingSnapshot | None:
    """The last submission's snapshot with its content; None for a filing never submitted."""
    return filing_snapshots(kind, filing_id).order_by("-submission").first()


def previous_submission(case: Case, snapshot: FilingSnapshot) -> FilingSnapshot | None:
    """The submission before this one of the same filing version, if it was resubmitted."""
    if snapshot.submission <= 1:
        return None
    earlier = filing_snapshots(case.filing_kind, case.filing_id)
    return earlier.filter(submission=snapshot.submission - 1).first()


def previous_accepted(kind: str, filing: Any) -> Any | None:
    """The version accepted before this one: the one it amends, else the latest lower version
    of the same model or provider that was accepted (and may since have been superseded)."""
    model = FILING_MODELS[kind]
    filings = model._default_manager.select_related(OWNERS[kind])
    if filing.amends_id is not None:
        return filings.filter(pk=filing.amends_id).first()
    owner_id = f"{OWNERS[kind]}_id"
    return (
        filings.filter(
            **{owner_id: getattr(filing, owner_id)},
            version__lt=filing.version,
            status__in=[Status.ACCEPTED, Status.SUPERSEDED],
        )
        .order_by("-version")
        .first()
    )


def accepted_data(kind: str, filing: Any) -> dict[str, Any]:
    """What an accepted version said: its last snapshot, or (filed before snapshots were kept)
    its rows as stored, which can't have changed since it was accepted."""
    snapshot = last_snapshot(kind, filing.pk)
    if snapshot is not None:
        return snapshot_data(snapshot)
    return declaration_data(filing) if kind == FilingKind.DECLARATION else ownership_data(filing)


@dataclass(frozen=True)
class TitledDiff:
    title: str
    diff: FilingDiff
    # Starts the id of each changed field and row, so that a finding can link to its diff.
    anchor: str


SINCE_SUBMISSION = "since-submission"


def diff_anchor(prefix: str, field: str, row_id: int | None) -> str:
    """The id of a field's change in a diff: its row's, for a field of a row (rows are matched
    across versions, so the row is what a diff shows as changed)."""
    parts = field.split(".")
    if len(parts) > 1 and parts[1].isdigit():
        return f"{prefix}-{parts[0]}-{row_id}"
    return f"{prefix}-{field.replace('.', '-')}"


def case_diffs(
    case: Case, filing: Any, snapshot: FilingSnapshot, data: dict[str, Any]
) -> list[TitledDiff]:
    """The submission against the one before it, and against the version accepted before it."""
    earlier = previous_submission(case, snapshot)
    accepted = previous_accepted(case.filing_kind, filing)
    if earlier is not None:
        since_submission = f"Changes since submission {earlier.submission}"
    else:
        since_submission = "Changes since the previous submission"
    since_accepted = (
        f"Changes since version {accepted.version}, the version accepted before"
        if accepted is not None
        else "Changes since the accepted version"
    )
    return [
        TitledDiff(
            since_submission,
            filing_diff(case.filing_kind, snapshot_data(earlier) if earlier else None, data),
            SINCE_SUBMISSION,
        ),
        TitledDiff(
            since_accepted,
            filing_diff(
                case.filing_kind,
                accepted_data(case.filing_kind, accepted) if accepted else None,
                data,
            ),
            "since-accepted",
        ),
    ]


# --- A case: the filing, readable


@dataclass(frozen=True)
class Answer:
    label: str
    text: str
    # Where a finding on it points ("sources.3.licence"); "" for what no finding can be about.
    path: str = ""

    @property
    def anchor(self) -> str:
        return "field-" + self.path.replace(".", "-") if self.path else ""


def answer(name: str, value: Any, scope: str = "", prefix: str = "") -> Answer:
    if name in ("country", "countries") and value:
        # Codes are what is filed; a regulator reads the country's name beside its code.
        codes = value if isinstance(value, list) else [value]
        value = [f"{country_name(code)} ({code})" for code in codes]
    path = f"{prefix}.{name}" if prefix else name
    return Answer(field_label(name, scope), readable(name, normal(name, value)), path)


def answers(
    row: Mapping[str, Any], names: Iterable[str], scope: str = "", prefix: str = ""
) -> list[Answer]:
    """Answers of the filing (prefix "") or of one of its parts ("model", "sources.3")."""
    return [answer(name, row.get(name), scope, prefix) for name in names]


# Fields that only apply to some categories of source; elsewhere they would all read "Not given".
CRAWL_FIELDS = frozenset(
    {"crawler_name", "crawler_user_agent", "robots_txt_respected", "tdm_opt_out_respected"}
)
# Shown apart from the other answers: the claim with its ruling, and the (long) domain list.
SOURCE_APART = frozenset({"top_domains", "confidential", "confidentiality_reason"})
CATEGORY_LABELS = dict(choices.SourceCategory.choices)


def source_detail_fields(source: Mapping[str, Any]) -> list[str]:
    category = source.get("category")
    return [
        name
        for name in SOURCE_FIELDS
        if name not in SOURCE_APART
        and (name not in CRAWL_FIELDS or category == choices.SourceCategory.WEB_CRAWL)
        and (name != "generator_models" or category == choices.SourceCategory.SYNTHETIC)
    ]


@dataclass
class SourceRow:
    """One data source on the case page's current page of sources."""

    index: int  # its place in the filing, counted from 0 as finding paths count
    source: Mapping[str, Any]
    answers: list[Answer]
    ruling: ConfidentialityRuling | None = None
    # The form to accept or refuse its confidentiality claim, set by the view.
    ruling_form: Any = None

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def path(self) -> str:
        return f"sources.{self.index}"

    @property
    def anchor(self) -> str:
        return f"field-sources-{self.index}"

    @property
    def id(self) -> int | None:
        return self.source.get("id")

    @property
    def name(self) -> str:
        return str(self.source.get("name") or "")

    @property
    def category(self) -> str:
        category = str(self.source.get("category") or "")
        return CATEGORY_LABELS.get(category, category or "Not given")

    @property
    def share(self) -> str:
        return readable("share_percent", normal("share_percent", self.source.get("share_percent")))

    @property
    def licence(self) -> str:
        return str(self.source.get("licence") or "Not given")

    @property
    def confidential(self) -> bool:
        return bool(self.source.get("confidential"))

    @property
    def top_domains(self) -> list[str]:
        return list(self.source.get("top_domains") or [])

    @property
    def top_domains_collapsed(self) -> bool:
        return len(self.top_domains) > TOP_DOMAINS_OPEN


def source_rows(page: Page) -> list[SourceRow]:
    """The page's sources with their answers and any ruling on their claims (one query)."""
    first = page.start_index() - 1 if page.object_list else 0
    rows = [
        SourceRow(
            first + offset,
            source,
            answers(source, source_detail_fields(source), "sources", f"sources.{first + offset}"),
        )
        for offset, source in enumerate(page.object_list)
    ]
    claimed = [row.id for row in rows if row.confidential and row.id is not None]
    if claimed:
        rulings = ConfidentialityRuling.objects.filter(source_id__in=claimed).select_related(
            "decided_by"
        )
        by_source = {ruling.source_id: ruling for ruling in rulings}
        for row in rows:
            row.ruling = by_source.get(row.id) if row.id is not None else None
    return rows


@dataclass(frozen=True)
class RowAnswers:
    """A supply chain party, red-team attestation or investor, with its answers."""

    index: int
    row: Mapping[str, Any]
    answers: list[Answer]
    collection: str

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def path(self) -> str:
        return f"{self.collection}.{self.index}"

    @property
    def anchor(self) -> str:
        return f"field-{self.collection}-{self.index}"


def row_answers(
    rows: Sequence[Mapping[str, Any]], names: Iterable[str], scope: str
) -> list[RowAnswers]:
    names = list(names)
    return [
        RowAnswers(i, row, answers(row, names, scope, f"{scope}.{i}"), scope)
        for i, row in enumerate(rows)
    ]


def filed_at(value: Any) -> datetime | None:
    """A moment read back from a snapshot's ISO text."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def declaration_view(data: Mapping[str, Any], sources_page: Any) -> dict[str, Any]:
    """A submitted declaration, section by section; its sources one page at a time."""
    sources = list(data.get("sources") or [])
    page = Paginator(sources, SOURCES_PAGE_SIZE).get_page(sources_page)
    model = data.get("model") or {}
    return {
        "general": answers(data, GENERAL_FIELDS),
        "model_answers": [
            Answer("MOD- number", model.get("registration_number") or "Not registered yet"),
            *answers(model, MODEL_FIELDS, prefix="model"),
        ],
        "sources_page": page,
        "source_rows": source_rows(page),
        "source_count": len(sources),
        "confidential_count": sum(1 for source in sources if source.get("confidential")),
        "parties": row_answers(data.get("supply_chain") or [], PARTY_FIELDS, "supply_chain"),
        "attestations": row_answers(
            data.get("red_team_attestations") or [], ATTESTATION_FIELDS, "red_team_attestations"
        ),
    }


# An investor's answers below its name; the exact holdings are regulator-only, and shown here.
LINK_ANSWERS = [name for name in LINK_FIELDS if name != "investor_name"]


def investor_rows(links: Sequence[Mapping[str, Any]]) -> list[RowAnswers]:
    """Each investor's answers, with the public bands after the exact holdings."""
    rows = row_answers(links, LINK_ANSWERS, "links")
    for row in rows:
        row.answers.extend(
            Answer(
                label, BAND_LABELS.get(row.row.get(band) or "", "Not given"), f"{row.path}.{band}"
            )
            for label, band in (
                ("Shares held (public band)", "share_band"),
                ("Votes held (public band)", "votes_band"),
            )
        )
    return rows


def ownership_view(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"investors": investor_rows(data.get("links") or [])}


def statement_of_truth(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": data.get("signatory_name") or "",
        "role": data.get("signatory_role") or "",
        "signed_at": filed_at(data.get("signed_at")),
    }


# --- A case: findings, and the fields they can be raised on

# Each collection of rows: how a row is named in a label, and by which of its fields.
ROW_NOUNS = {
    "sources": ("Source", "name"),
    "supply_chain": ("Supply chain party", "name"),
    "red_team_attestations": ("Red-teaming", "assessor"),
    "links": ("Investor", "investor_name"),
}
COLLECTION_TITLES = {
    "sources": "Data sources",
    "supply_chain": "Supply chain",
    "red_team_attestations": "Red-teaming",
    "links": "Investment links",
}


def row_heading(collection: str, index: int, row: Any) -> str:
    """How a row is named: "Source 3 (Common Crawl)", counting from 1."""
    noun, name_field = ROW_NOUNS[collection]
    name = row.get(name_field) if isinstance(row, Mapping) else None
    return f"{noun} {index + 1} ({name})" if name else f"{noun} {index + 1}"


def path_label(data: Mapping[str, Any], path: str) -> str:
    """A finding's path as a person reads it: "sources.2.licence" is "Source 3 (…): Licence"."""
    collection, _, rest = path.partition(".")
    if collection not in ROW_NOUNS:
        return field_label(path, "")
    index_text, _, inner = rest.partition(".")
    if not index_text.isdigit():
        return COLLECTION_TITLES[collection] if not rest else path
    index, rows = int(index_text), data.get(collection) or []
    heading = row_heading(collection, index, rows[index] if index < len(rows) else None)
    return f"{heading}: {field_label(inner, collection)}" if inner else heading


FINDING_STATUS_COLOURS = {
    FindingStatus.NOT_SENT: "grey",
    FindingStatus.OPEN: "blue",
    FindingStatus.ANSWERED: "turquoise",
    FindingStatus.CHANGED: "purple",
    FindingStatus.UNCHANGED: "orange",
    FindingStatus.RESOLVED: "green",
    FindingStatus.CARRIED_FORWARD: "yellow",
}


@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    label: str
    # The id of its field's change in the diff since the submission before, when it changed.
    diff_anchor: str = ""

    @property
    def status(self) -> FindingStatus:
        return self.finding.status

    @property
    def colour(self) -> str:
        return FINDING_STATUS_COLOURS[self.finding.status]


def case_findings(case: Case, data: Mapping[str, Any]) -> list[FindingRow]:
    """The case's findings, oldest first, each named as the filing now names its field."""
    findings = case.findings.select_related("raised_by", "replied_by", "outcome_by").order_by(
        "raised_at", "id"
    )
    return [
        FindingRow(
            finding,
            path_label(data, current_path(data, finding)),
            diff_anchor(SINCE_SUBMISSION, finding.field, finding.row_id)
            if finding.change == FindingChange.CHANGED
            else "",
        )
        for finding in findings
    ]


# --- A case: the timeline


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: datetime
    actor: str
    title: str
    # A reason, message or note, shown as it was written.
    detail: str = ""


LIFECYCLE_TITLES = {
    "submit": "Submitted",
    "start_review": "Taken into review",
    "request_changes": "Changes requested",
    "accept": "Accepted",
    "reject": "Rejected",
    "supersede": "Superseded by a newer accepted version",
    "withdraw": "Withdrawn by the provider",
}


@dataclass(frozen=True)
class TimelineContext:
    """What the timeline names things by: people's names, notes and the filing's sources."""

    data: Mapping[str, Any]
    names_by_email: Mapping[str, str]
    notes: Mapping[int, CaseNote]

    def person(self, email: str | None) -> str:
        if not email:
            return "nobody"
        return self.names_by_email.get(email, email)

    def source_name(self, source_id: Any) -> str:
        for source in self.data.get("sources") or []:
            if source.get("id") == source_id:
                return str(source.get("name"))
        return f"source {source_id}"


def case_events(case: Case) -> QuerySet[AuditEvent]:
    """The filing's moves through the lifecycle and everything done on the case, newest first."""
    filing_type = FILING_MODELS[case.filing_kind]._meta.label_lower
    moves = [f"{case.filing_kind}.{action}" for action in TRANSITIONS]
    return (
        AuditEvent.objects.filter(
            Q(target_type=filing_type, target_id=str(case.filing_id), action__in=moves)
            | Q(target_type=Case._meta.label_lower, target_id=str(case.pk))
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def case_timeline(case: Case, context: TimelineContext) -> list[TimelineEntry]:
    return [timeline_entry(event, context) for event in case_events(case)]


def event_actor(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.full_name or event.actor.email
    return "The register" if event.actor_label == "system" else event.actor_label


def timeline_entry(event: AuditEvent, context: TimelineContext) -> TimelineEntry:
    title, detail = event_description(event, context)
    return TimelineEntry(event.occurred_at, event_actor(event), title, detail)


def event_description(event: AuditEvent, context: TimelineContext) -> tuple[str, str]:
    """What an event says: a title, and the words written with it."""
    scope, _, action = event.action.partition(".")
    before, after = event.before or {}, event.after or {}
    if scope != "case":
        return LIFECYCLE_TITLES.get(action, action), event.reason
    if action == "assigned":
        assignee = after.get("assignee")
        return (f"Assigned to {context.person(assignee)}" if assignee else "Unassigned"), ""
    if action == "finding_raised":
        label = path_label(context.data, str(after.get("field", "")))
        return f"Finding raised: {label}", str(after.get("message", ""))
    if action == "finding_removed":
        label = path_label(context.data, str(before.get("field", "")))
        return f"Finding removed: {label}", str(before.get("message", ""))
    if action == "message_sent":
        return "Message sent to the provider", str(after.get("body", ""))
    if action == "note_written":
        note = context.notes.get(after.get("note"))  # type: ignore[arg-type]
        return "Internal note", note.body if note else ""
    if action == "confidentiality_ruled":
        verdict = "accepted" if after.get("accepted") else "refused"
        name = context.source_name(after.get("source"))
        return f"Confidentiality claim {verdict}: {name}", event.reason
    return event.action, event.reason


# --- A case page


@dataclass(frozen=True)
class CaseActions:
    """What this regulator may do on the case now; the services check again when they do."""

    start_review: bool
    request_changes: bool
    decide: bool
    raise_findings: bool
    rule_on_claims: bool
    assign: bool


def case_actions(case: Case, user: User) -> CaseActions:
    under_review = case.status == Status.UNDER_REVIEW
    return CaseActions(
        start_review=case.status == Status.SUBMITTED,
        request_changes=under_review,
        decide=under_review and TRANSITIONS["accept"].actor in user.regulator_roles,
        raise_findings=under_review,
        rule_on_claims=under_review and case.filing_kind == FilingKind.DECLARATION,
        assign=case.is_open,
    )


def undecided_claims(case: Case) -> int:
    """The filing's confidentiality claims still without a ruling, counted as the acceptance
    gate counts them (services.undecided_claims): one query."""
    return DataSource.objects.filter(
        declaration_id=case.filing_id, confidential=True, confidentiality_ruling=None
    ).count()


# --- Re-declaration overdue


def months_between(start: date, end: date) -> int:
    """Whole months from start to end: 10 May to 9 June is 0, to 10 June is 1."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and months_before(end, months) < start:
        months -= 1
    return max(months, 0)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def redeclarations_overdue(today: date) -> QuerySet[ProvenanceDeclaration]:
    """Models' accepted declarations decided more than REDECLARATION_MONTHS ago, oldest first,
    each marked if a newer declaration is already on its way."""
    # Overdue: due by yesterday, dated as `redeclaration` dates it (month ends clamp).
    accepted_by = last_acceptance_due_by(today - timedelta(days=1), settings.REDECLARATION_MONTHS)
    newer = ProvenanceDeclaration.objects.filter(model_id=OuterRef("model_id"), status__in=OPEN)
    return (
        ProvenanceDeclaration.objects.filter(
            status=Status.ACCEPTED, decided_at__lt=local_midnight(accepted_by + timedelta(days=1))
        )
        .select_related("model__provider")
        .annotate(in_progress=Exists(newer))
        .order_by("decided_at", "id")
    )


@dataclass(frozen=True)
class Redeclaration:
    declaration: ProvenanceDeclaration
    accepted_on: date
    due_on: date
    months_overdue: int

    @property
    def overdue_text(self) -> str:
        if self.months_overdue < 1:
            return "Less than a month"
        return "1 month" if self.months_overdue == 1 else f"{self.months_overdue} months"


def redeclaration(declaration: ProvenanceDeclaration, today: date) -> Redeclaration:
    months = settings.REDECLARATION_MONTHS
    accepted_on = timezone.localdate(declaration.decided_at)
    return Redeclaration(
        declaration=declaration,
        accepted_on=accepted_on,
        # months_before with a negative count goes forward, clamped to the month's end as well.
        due_on=months_before(accepted_on, -months),
        months_overdue=months_between(accepted_on, today) - months,
    )


def last_acceptance_due_by(day: date, months: int) -> date:
    """The last day a declaration can be accepted and fall due for re-declaration by `day`.

    Due dates clamp to the month's end, so when `day` ends its month every later day of a
    shorter month falls due on it too (29 February 2024 is due by 28 February 2025).
    """
    following = day + timedelta(days=1)
    if following.month != day.month:
        return months_before(following, months) - timedelta(days=1)
    return months_before(day, months)


def redeclarations_due_by(day: date) -> QuerySet[ProvenanceDeclaration]:
    """Models' accepted declarations whose re-declaration (dated as `redeclaration` dates it)
    falls due on or before `day`, with model and provider; left out are those whose model has
    a newer declaration with the regulator already."""
    accepted_by = last_acceptance_due_by(day, settings.REDECLARATION_MONTHS)
    newer = ProvenanceDeclaration.objects.filter(
        model_id=OuterRef("model_id"), status__in=AWAITING_REGULATOR
    )
    return (
        ProvenanceDeclaration.objects.filter(
            status=Status.ACCEPTED,
            decided_at__lt=local_midnight(accepted_by + timedelta(days=1)),
        )
        .exclude(Exists(newer))
        .select_related("model__provider")
        .order_by("decided_at", "id")
    )


def redeclaration_page(today: date, page_number: Any) -> dict[str, Any]:
    """Two queries: the count and the page (declarations with their model and provider)."""
    page = Paginator(redeclarations_overdue(today), REGISTER_PAGE_SIZE).get_page(page_number)
    rows = [redeclaration(d, today) for d in page.object_list]
    return {"page": page, "rows": rows, "months": settings.REDECLARATION_MONTHS}


# --- The register: providers


def providers_search(query: str = "") -> QuerySet[Provider]:
    """Providers by name, PRV- number or company number, with their member and model counts."""
    members = Count("memberships", distinct=True)
    models = Count("models", distinct=True)
    providers = Provider.objects.annotate(member_count=members, model_count=models)
    if query:
        providers = providers.filter(
            Q(legal_name__icontains=query)
            | Q(trading_name__icontains=query)
            | Q(registration_number__icontains=query)
            | Q(company_number__icontains=query)
        )
    return providers.order_by("legal_name", "id")


@dataclass(frozen=True)
class CountryHolding:
    """Foreign investors of one country: their holdings added up, exact and in the bands."""

    country: str
    investors: int
    shares: Decimal
    votes: Decimal
    share_band: str
    votes_band: str

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def shares_text(self) -> str:
        return readable("share_percent", normal("share_percent", self.shares))

    @property
    def votes_text(self) -> str:
        return readable("votes_percent", normal("votes_percent", self.votes))


@dataclass(frozen=True)
class OwnershipOverview:
    """Who stands behind a provider, by its accepted ownership statement."""

    statement: OwnershipStatement
    foreign_by_country: list[CountryHolding]
    state_affiliated: list[InvestmentLink]
    control: risks.Control


def ownership_overview(
    statement: OwnershipStatement, links: list[InvestmentLink]
) -> OwnershipOverview:
    """The public summary's bands (labels.selectors), with the exact holdings regulators see."""
    summary = ownership_summary(statement, links) or {}
    current = [link for link in links if link.ceased_on is None]
    exact: dict[str, tuple[Decimal, Decimal]] = defaultdict(lambda: (Decimal(0), Decimal(0)))
    for link in current:
        if link.is_foreign:
            shares, votes = exact[link.country]
            exact[link.country] = (
                shares + (link.share_percent or 0),
                votes + (link.votes_percent or 0),
            )
    return OwnershipOverview(
        statement=statement,
        foreign_by_country=[
            CountryHolding(
                country=row["country"],
                investors=row["investors"],
                shares=exact[row["country"]][0],
                votes=exact[row["country"]][1],
                share_band=BAND_LABELS.get(row["share_band"], row["share_band"]),
                votes_band=BAND_LABELS.get(row["votes_band"], row["votes_band"]),
            )
            for row in summary.get("foreign_by_country", [])
        ],
        state_affiliated=[link for link in current if link.state_affiliation != "none"],
        control=control_of(statement, links),
    )


def ownership_overviews(provider_ids: Iterable[int]) -> dict[int, OwnershipOverview]:
    """Each provider's accepted ownership overview (two queries: statements, then links)."""
    statements = list(
        OwnershipStatement.objects.filter(
            provider_id__in=list(provider_ids), status=Status.ACCEPTED
        )
    )
    links: dict[int, list[InvestmentLink]] = defaultdict(list)
    for link in InvestmentLink.objects.filter(statement__in=statements).order_by("id"):
        links[link.statement_id].append(link)
    return {s.provider_id: ownership_overview(s, links[s.pk]) for s in statements}


@dataclass(frozen=True)
class ProviderRow:
    provider: Provider
    ownership: OwnershipOverview | None


def providers_page(query: str, page_number: Any) -> dict[str, Any]:
    """Four queries: the count, the page, and its accepted ownership statements and links."""
    page = Paginator(providers_search(query), REGISTER_PAGE_SIZE).get_page(page_number)
    overviews = ownership_overviews(provider.pk for provider in page.object_list)
    rows = [ProviderRow(p, overviews.get(p.pk)) for p in page.object_list]
    return {"page": page, "rows": rows}


@dataclass(frozen=True)
class FilingRow:
    """A filing with the case that reviewed it, if it reached the regulator."""

    filing: Any
    case: Case | None


def cases_by_filing(cases: Iterable[Case]) -> dict[tuple[str, int], Case]:
    return {(case.filing_kind, case.filing_id): case for case in cases}


def provider_record(provider: Provider) -> dict[str, Any]:
    """One provider for regulators: details, ownership, models and cases.

    Six queries: members counted, ownership statements, the accepted one's links, models with
    their latest declaration, cases with their assignees.
    """
    statements = list(provider.ownership_statements.order_by("-version"))
    cases = list(
        Case.objects.filter(provider=provider)
        .select_related("assignee")
        .order_by("-opened_at", "-id")
    )
    by_filing = cases_by_filing(cases)
    accepted = next((s for s in statements if s.status == Status.ACCEPTED), None)
    overview = None
    if accepted is not None:
        overview = ownership_overview(accepted, list(accepted.links.order_by("id")))
    return {
        "member_count": provider.memberships.count(),
        "statements": [
            FilingRow(s, by_filing.get((FilingKind.OWNERSHIP, s.pk))) for s in statements
        ],
        "ownership": overview,
        "models": list(with_latest_declaration(provider.models.all()).order_by("name", "id")),
        "cases": cases,
    }


# --- The register: models


def with_latest_declaration(models: QuerySet[AIModel]) -> QuerySet[AIModel]:
    """Annotate each model with its latest declaration's version and status."""
    latest = ProvenanceDeclaration.objects.filter(model_id=OuterRef("pk")).order_by("-version")
    return models.annotate(
        latest_version=Subquery(latest.values("version")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
    )


def models_search(query: str = "") -> QuerySet[AIModel]:
    """Models by name, MOD- number, or their provider's name or PRV- number."""
    models = with_latest_declaration(AIModel.objects.select_related("provider"))
    if query:
        models = models.filter(
            Q(name__icontains=query)
            | Q(registration_number__icontains=query)
            | Q(provider__legal_name__icontains=query)
            | Q(provider__trading_name__icontains=query)
            | Q(provider__registration_number__icontains=query)
        )
    return models.order_by("name", "version", "id")


def with_lineage(models: QuerySet[AIModel]) -> QuerySet[AIModel]:
    """Load what each model is built on and what is built on it (two more queries)."""
    return models.prefetch_related(
        Prefetch("dependencies", queryset=ModelDependency.objects.select_related("depends_on")),
        Prefetch("dependants", queryset=ModelDependency.objects.select_related("model")),
    )


def models_page(query: str, page_number: Any) -> dict[str, Any]:
    """Four queries: the count, the page with providers and latest declarations, and lineage."""
    page = Paginator(with_lineage(models_search(query)), REGISTER_PAGE_SIZE).get_page(page_number)
    return {"page": page}


@dataclass(frozen=True)
class ModelRecord:
    declarations: list[FilingRow]
    dependencies: list[ModelDependency]
    dependants: list[ModelDependency]
    redeclaration: Redeclaration | None = None


def model_record(model: AIModel, today: date) -> ModelRecord:
    """One model for regulators: its declarations with their cases, and its lineage.

    Four queries: declarations, their cases, what the model is built on, what is built on it.
    """
    declarations = list(model.declarations.order_by("-version"))
    cases = Case.objects.filter(
        filing_kind=FilingKind.DECLARATION, filing_id__in=[d.pk for d in declarations]
    ).select_related("assignee")
    by_filing = cases_by_filing(cases)
    accepted = next((d for d in declarations if d.status == Status.ACCEPTED and d.decided_at), None)
    return ModelRecord(
        declarations=[
            FilingRow(d, by_filing.get((FilingKind.DECLARATION, d.pk))) for d in declarations
        ],
        dependencies=list(model.dependencies.select_related("depends_on__provider")),
        dependants=list(model.dependants.select_related("model__provider")),
        redeclaration=redeclaration(accepted, today) if accepted else None,
    )


# --- Searching the console


def console_search(query: str) -> dict[str, Any]:
    """Providers, models and cases matching a search, the first SEARCH_LIMIT of each, and every
    filed field naming it (`extraction.named_in_filings`), grouped and explained.

    Ten queries: each list and its count, then the four of the named fields.
    """
    if not query:
        return {"providers": [], "models": [], "cases": [], "counts": {}, "named": []}
    providers = providers_search(query)
    models = models_search(query)
    cases = (
        Case.objects.filter(Q(reference__icontains=query) | Q(subject__icontains=query))
        .select_related("provider", "assignee")
        .order_by("-opened_at", "-id")
    )
    return {
        "providers": list(providers[:SEARCH_LIMIT]),
        "models": list(models[:SEARCH_LIMIT]),
        "cases": list(cases[:SEARCH_LIMIT]),
        "counts": {
            "providers": providers.count(),
            "models": models.count(),
            "cases": cases.count(),
        },
        "named": extraction.named_in_filings(query),
    }
