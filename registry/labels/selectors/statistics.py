"""The register in numbers: what the public labels say, added up across the register.

Every figure is added up in the database from what labels already publish (shares of the
training mix, control verdicts and the countries behind them, public alerts, the dates labels
were accepted), in four queries whatever the register's size. Exact sizes and holdings are
never read: the register publishes shares and bands, so its totals are built from shares too.

"Current labels" are those of the models on the register that are not withdrawn: each model
counts once, by its latest published label.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    Exists,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from registry.declarations.choices import SourceCategory
from registry.declarations.models import AIModel, DataSource
from registry.filings.states import Status
from registry.labels.selectors.ownership import control_verdict
from registry.labels.selectors.register import (
    PUBLIC_ALERTS,
    alert_shown,
    published_declarations,
    registered_models,
)
from registry.lib.codes import country_name
from registry.providers.models import ControlVerdict, OwnershipStatement
from registry.review import risks

# Acceptances are counted month by month over at most this many months, this one included.
MONTHS_SHOWN = 24
# Shares are published to one decimal place, as the label's figures are read.
ONE_PLACE = Decimal("0.1")
WHOLE_MIX = Decimal(100)
# The verdicts whose countries are foreign: the countries behind them are counted.
FOREIGN_VERDICTS = (ControlVerdict.FOREIGN_STATE_INFLUENCE, ControlVerdict.FOREIGN_CONTROLLED)


@dataclass(frozen=True)
class CategoryShare:
    """One kind of source: its average share of current labels' training mix, and how many of
    those labels have a source of that kind."""

    category: str
    average_share: Decimal
    models: int


@dataclass(frozen=True)
class SourceMix:
    """The average training mix of current labels; `not_stated` is what their shares leave out."""

    categories: list[CategoryShare]
    not_stated: Decimal


@dataclass(frozen=True)
class VerdictCount:
    verdict: str
    models: int
    share: Decimal


@dataclass(frozen=True)
class CountryCount:
    """A country behind foreign control or foreign state influence, with the models concerned."""

    country: str
    foreign_controlled: int
    foreign_state_influence: int
    models: int
    share: Decimal


@dataclass(frozen=True)
class Control:
    verdicts: list[VerdictCount]
    countries: list[CountryCount]


@dataclass(frozen=True)
class AlertCount:
    code: str
    title: str
    severity: str
    models: int
    share: Decimal


@dataclass(frozen=True)
class MonthCount:
    """Labels accepted in one month: first labels of new models and new versions of others."""

    month: date
    accepted: int
    new_models: int

    @property
    def new_versions(self) -> int:
        return self.accepted - self.new_models


@dataclass(frozen=True)
class RegisterNumbers:
    """Everything the "register in numbers" page shows, as counted at `counted_at`."""

    counted_at: datetime
    current_models: int
    source_mix: SourceMix
    control: Control
    alerts: list[AlertCount]
    models_without_alerts: int
    acceptances: list[MonthCount]


def register_numbers(today: date | None = None) -> RegisterNumbers:
    """Count the register: four queries, however many models, sources and providers it has.

    1. current labels by control verdict and the countries behind it (which also counts them);
    2. the sources of current labels, their shares added up by kind;
    3. current labels showing each public alert, as the register's filters find them;
    4. published labels by the month they were accepted.
    """
    today = today or timezone.localdate()
    control, current = control_counts()
    mix = source_mix(current)
    alerts, without_alerts = alert_counts(current, today)
    return RegisterNumbers(
        counted_at=timezone.now(),
        current_models=current,
        source_mix=mix,
        control=control,
        alerts=alerts,
        models_without_alerts=without_alerts,
        acceptances=acceptances_by_month(today),
    )


def current_labels() -> QuerySet[AIModel]:
    """Registered models that are not withdrawn, each with its latest label's declaration id."""
    return registered_models().exclude(Q(label_status=Status.WITHDRAWN))


def share_of(part: int | Decimal, whole: int) -> Decimal:
    """`part` as a percentage of `whole`, to one place; 0 when there is no whole."""
    if not whole:
        return Decimal(0)
    return (Decimal(part) * WHOLE_MIX / whole).quantize(ONE_PLACE)


def average(total: Decimal | None, count: int) -> Decimal:
    """`total` shared out over `count`, to one place; 0 when there is nothing to share."""
    if not count or total is None:
        return Decimal(0)
    return (Decimal(total) / count).quantize(ONE_PLACE)


# --- 1. What the register's models were trained on


def source_mix(current: int) -> SourceMix:
    """The average share of each kind of source across current labels (each model counts once,
    a kind it lacks as 0 %), every kind listed, the largest first.

    Confidential sources count: their kind and share are public. A label whose shares add up to
    less than 100 % leaves the rest `not_stated`.
    """
    labels = current_labels().values("label_declaration_id")  # type: ignore[misc]
    totals = {
        row["category"]: row
        for row in DataSource.objects.filter(declaration_id__in=labels)
        .values("category")
        .annotate(total=Sum("share_percent"), models=Count("declaration_id", distinct=True))
        .order_by()
    }
    categories = [
        CategoryShare(
            category=category,
            average_share=average(totals.get(category, {}).get("total"), current),
            models=totals.get(category, {}).get("models", 0),
        )
        for category in SourceCategory.values
    ]
    categories.sort(key=lambda row: -row.average_share)  # stable: ties keep the kinds' order
    stated = sum((row["total"] or Decimal(0) for row in totals.values()), Decimal(0))
    not_stated = max(WHOLE_MIX - average(stated, current), Decimal(0)) if current else Decimal(0)
    return SourceMix(categories=categories, not_stated=not_stated)


# --- 2. Who controls the providers behind the register's models


def control_counts() -> tuple[Control, int]:
    """Current labels by their provider's control verdict, and by each country behind a foreign
    verdict; with the number of current labels.

    The database groups models by verdict and by the list of countries fixed with it, so Python
    sees one row per distinct answer, never one per model. A model under several countries
    counts under each, so the countries' shares may add up to more than the verdict's.
    """
    accepted = OwnershipStatement.objects.filter(
        provider_id=OuterRef("provider_id"), status=Status.ACCEPTED
    )
    groups = (
        current_labels()
        .annotate(
            verdict=control_verdict("provider_id"),
            countries=Subquery(
                accepted.order_by("-version").values("control_countries")[:1],
                output_field=JSONField(),
            ),
        )
        .values("verdict", "countries")
        .annotate(models=Count("pk"))
        .order_by()
    )
    by_verdict: dict[str, int] = defaultdict(int)
    by_country: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for group in groups:
        by_verdict[group["verdict"]] += group["models"]
        if group["verdict"] in FOREIGN_VERDICTS:
            for country in set(group["countries"] or []):
                by_country[country][group["verdict"]] += group["models"]
    current = sum(by_verdict.values())
    verdicts = [
        VerdictCount(verdict, by_verdict[verdict], share_of(by_verdict[verdict], current))
        for verdict in ControlVerdict.values
    ]
    return Control(verdicts, country_counts(by_country, current)), current


def country_counts(by_country: dict[str, dict[str, int]], current: int) -> list[CountryCount]:
    """Each country's models under foreign control or state influence, the most first."""
    countries = [
        CountryCount(
            country=country,
            foreign_controlled=verdicts[ControlVerdict.FOREIGN_CONTROLLED],
            foreign_state_influence=verdicts[ControlVerdict.FOREIGN_STATE_INFLUENCE],
            models=sum(verdicts.values()),
            share=share_of(sum(verdicts.values()), current),
        )
        for country, verdicts in by_country.items()
    ]
    return sorted(countries, key=lambda row: (-row.models, country_name(row.country)))


# --- 3. The alerts current labels show


def alert_counts(current: int, today: date) -> tuple[list[AlertCount], int]:
    """How many current labels show each public alert today, most severe first, and how many
    show none; found exactly as the register's alert filters find them (`alert_shown`).

    The database groups labels by which alerts they show, so Python sees one row per distinct
    set of alerts, never one per model. (An aggregate can't take `alert_shown` as its filter: it
    refers to the annotation of each label's declaration, which an aggregate does not select.)
    """
    shown = {f"shows_{code}": alert_shown(code, today) for code in PUBLIC_ALERTS}
    groups = current_labels().annotate(**shown).values(*shown).annotate(models=Count("pk"))
    counted = dict.fromkeys(PUBLIC_ALERTS, 0)
    without = 0
    for group in groups.order_by():
        codes = [code for code in PUBLIC_ALERTS if group[f"shows_{code}"]]
        for code in codes:
            counted[code] += group["models"]
        without += 0 if codes else group["models"]
    alerts = [
        AlertCount(
            code=code,
            title=risks.RULES[code].title,
            severity=risks.RULES[code].severity,
            models=counted[code],
            share=share_of(counted[code], current),
        )
        for code in PUBLIC_ALERTS
    ]
    alerts.sort(key=lambda row: risks.SEVERITIES.index(row.severity))  # stable: rules' order
    return alerts, without


# --- 4. Labels accepted, month by month


def acceptances_by_month(today: date) -> list[MonthCount]:
    """Labels accepted in each month of the last `MONTHS_SHOWN` (or since the first acceptance,
    if that was later), this month last; months with none count 0.

    Every published version counts in the month it was accepted, superseded and withdrawn
    ones too: they were accepted then. A model's first accepted label counts as a new model.
    """
    earlier = published_declarations().filter(
        model_id=OuterRef("model_id"), decided_at__lt=OuterRef("decided_at")
    )
    counted = {
        row["month"]: row
        for row in published_declarations()
        .filter(decided_at__isnull=False)
        .annotate(month=TruncMonth("decided_at", output_field=DateField()))
        .values("month")
        .annotate(accepted=Count("pk"), new_models=Count("pk", filter=~Exists(earlier)))
        .order_by()
    }
    if not counted:
        return []
    months = months_until(today.replace(day=1), MONTHS_SHOWN)
    months = [month for month in months if month >= min(counted)] or months[-1:]
    return [
        MonthCount(
            month=month,
            accepted=counted.get(month, {}).get("accepted", 0),
            new_models=counted.get(month, {}).get("new_models", 0),
        )
        for month in months
    ]


def months_until(last: date, count: int) -> list[date]:
    """The first days of `count` months ending with `last`'s, oldest first."""
    index = last.year * 12 + last.month - 1
    return [
        date(year, month + 1, 1)
        for year, month in (divmod(index - back, 12) for back in reversed(range(count)))
    ]
