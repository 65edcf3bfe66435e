"""The register's search: names matched whatever their accents and case, full-text ranking on
PostgreSQL, the visitor's choice of order, and each result with what a list can say of it.

Matching is the same on every database: each word of the search must be in the model's name, its
provider's legal or trading name, or either registration number, after both sides are folded
(accents taken off, case ignored: "modele zoe" finds "Modèle Zoë"). A name is therefore found by
itself whatever characters it holds, punctuation and markup included. On PostgreSQL the full-text
search (its `websearch` syntax: quoted phrases, `or`, `-word`) finds more and ranks what it finds.
"""

from __future__ import annotations

import functools
import operator
import unicodedata
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import Contains, Exact, StartsWith
from django.utils import timezone

from registry.declarations.models import AIModel, ProvenanceDeclaration
from registry.filings.states import Status
from registry.labels.selectors.register import (
    public_model_entry,
    public_models,
    registered_providers,
)
from registry.providers.models import OwnershipStatement, Provider
from registry.review import risks

# --- Folding: accents off and case ignored, alike on PostgreSQL and SQLite

# Letters that Unicode doesn't decompose into a base letter and an accent, spelt as PostgreSQL's
# `unaccent` spells them, so that SQLite folds as production does.
UNDECOMPOSED = str.maketrans(
    {
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "Þ": "TH",
        "þ": "th",
        "ß": "ss",
        "\u0131": "i",  # dotless i
    }
)
# The name SQLite knows the Python folding function by.
SQLITE_FOLD = "register_fold"


def fold(text: str | None) -> str | None:
    """Take the accents off the text and fold its case: 'Modèle Zoë' reads 'modele zoe'."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(UNDECOMPOSED).casefold()


class Folded(Func):
    """A text expression folded by `fold`: by `unaccent` on PostgreSQL (the migration
    `labels.0002_unaccent` enables it), by `fold` itself on SQLite, by case alone elsewhere."""

    function = "LOWER"
    arity = 1
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "LOWER(UNACCENT(%(expressions)s::text))"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Registered on the connection each time, not once when it opens: a connection may have
        # opened before this module was imported, and registering again costs microseconds.
        connection.ensure_connection()
        connection.connection.create_function(SQLITE_FOLD, 1, fold, deterministic=True)
        return self.as_sql(compiler, connection, function=SQLITE_FOLD, **extra_context)


def folded_term(text: str) -> Folded:
    """A visitor's words folded by the database, so both sides fold by the same rules."""
    return Folded(Value(text, output_field=TextField()))


def words_found(fields: Sequence[str], q: str) -> Q:
    """Each word of the search is in one of the fields, folded."""
    found_each = (
        functools.reduce(
            operator.or_, (Q(Contains(Folded(field), folded_term(word))) for field in fields)
        )
        for word in dict.fromkeys(q.split())
    )
    return functools.reduce(operator.and_, found_each)


# --- Models

# What a search reads of a model; the first is its name, which an exact match puts first.
MODEL_SEARCH_FIELDS = (
    "name",
    "registration_number",
    "provider__legal_name",
    "provider__trading_name",
    "provider__registration_number",
)

# How the visitor may order the results; best match only when there is a search to match.
BEST_MATCH = "best"
BY_NAME = "name"
NEWEST = "newest"
BY_PROVIDER = "provider"
SORTS = {
    BEST_MATCH: "Best match",
    BY_NAME: "Name, A to Z",
    NEWEST: "Newest accepted first",
    BY_PROVIDER: "Provider name, A to Z",
}


def default_sort(q: str) -> str:
    return BEST_MATCH if q else BY_NAME


def effective_sort(chosen: str, q: str) -> str:
    """The order the results are in: the one chosen, unless there is no search to match best."""
    if chosen in SORTS and (q or chosen != BEST_MATCH):
        return chosen
    return default_sort(q)


def search_models(*, q: str = "", sort: str = "", **filters: Any) -> QuerySet[AIModel]:
    """Registered models matching the search and `public_models`'s filters, in the order asked
    for (best match first when searching, by name otherwise), each with what
    `search_result_entry` reads."""
    models = public_models(**filters)
    models = models.annotate(
        label_accepted_at=latest_label("decided_at"),
        declaration_alerts=latest_label("public_alerts"),
        red_team_overdue_on=latest_label("red_team_overdue_on"),
        ownership_alerts=Subquery(
            OwnershipStatement.objects.filter(
                provider_id=OuterRef("provider_id"), status=Status.ACCEPTED
            )
            .order_by("-version")
            .values("public_alerts")[:1]
        ),
    )
    if q:
        models = models_matching(models, q)
    return models.order_by(*model_order(effective_sort(sort, q)))


def latest_label(field: str) -> Subquery:
    """A field of the outer model's latest published declaration (`registered_models`)."""
    # Without the declarations' default order, which would join a second model table into the
    # subquery and shadow the outer one.
    latest = ProvenanceDeclaration.objects.filter(pk=OuterRef("label_declaration_id")).order_by()
    return Subquery(latest.values(field))


def models_matching(models: QuerySet[AIModel], q: str) -> QuerySet[AIModel]:
    """The models the search finds, each with how well: `exact_name` (0: the search is its
    name, folded), `exact_number` (0: the search is its number) and, on PostgreSQL, `rank`."""
    term = folded_term(q)
    models = models.annotate(
        exact_name=first_if(Exact(Folded("name"), term)),
        exact_number=first_if(
            Exact(Folded("registration_number"), term)
            | Exact(Folded("provider__registration_number"), term)
        ),
        starts_with_name=first_if(StartsWith(Folded("name"), term)),
    )
    found = words_found(MODEL_SEARCH_FIELDS, q)
    if connection.vendor == "postgresql":
        models, full_text = full_text_search(models, q)
        found |= full_text
    return models.filter(found)


def first_if(condition: Any) -> Case:
    """0 when the condition holds, else 1: what comes first in an ascending order."""
    return Case(When(condition, then=Value(0)), default=Value(1), output_field=IntegerField())


def full_text_search(models: QuerySet[AIModel], q: str) -> tuple[QuerySet[AIModel], Q]:
    """PostgreSQL only: the models ranked by a `simple`-config vector of folded names (not
    stemmed as English), and the condition that the full-text query matches."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector(*(Folded(field) for field in MODEL_SEARCH_FIELDS), config="simple")
    query = SearchQuery(folded_term(q), search_type="websearch", config="simple")
    models = models.annotate(search=vector, rank=SearchRank(vector, query))
    return models, Q(search=query)


def model_order(sort: str) -> list[Any]:
    """The order of `sort`; ties by name, then by registration."""
    by_name = [Folded("name"), "version", "id"]
    if sort == BEST_MATCH:
        rank = [F("rank").desc()] if connection.vendor == "postgresql" else []
        return ["exact_name", "exact_number", *rank, "starts_with_name", *by_name]
    if sort == NEWEST:
        return [F("label_accepted_at").desc(nulls_last=True), *by_name]
    if sort == BY_PROVIDER:
        return [Folded(provider_name("provider__")), "provider_id", *by_name]
    return by_name


def provider_name(prefix: str = "") -> Coalesce:
    """The name a provider is known by: its trading name, or its legal name if it has none."""
    return Coalesce(NullIf(F(f"{prefix}trading_name"), Value("")), F(f"{prefix}legal_name"))


def search_result_entry(model: AIModel, today: date | None = None) -> dict[str, Any]:
    """A model in the search results: `public_model_entry` with its public alerts counted by
    severity (none for a withdrawn model, which has no label to show them)."""
    entry = public_model_entry(model)
    codes = [] if entry["withdrawn"] else alert_codes(model, today or timezone.localdate())
    by_severity = Counter(risks.RULES[code].severity for code in codes)
    entry["alerts"] = [
        {"severity": severity, "count": by_severity[severity]}
        for severity in risks.SEVERITIES
        if by_severity[severity]
    ]
    entry["alert_count"] = len(codes)
    return entry


def alert_codes(model: AIModel, today: date) -> list[str]:
    """The public alerts the filters find on the model as of `today` (`register.alert_shown`):
    those fixed on its latest declaration and on its provider's ownership statement, and
    red-teaming overdue once its day has come."""
    fixed = [*(model.declaration_alerts or []), *(model.ownership_alerts or [])]  # type: ignore[attr-defined]
    overdue_on = model.red_team_overdue_on  # type: ignore[attr-defined]
    if overdue_on is not None and overdue_on <= today:
        fixed.append("red_team_overdue")
    return [code for code in dict.fromkeys(fixed) if code in risks.RULES]


# --- Providers


def search_providers(q: str = "") -> QuerySet[Provider]:
    """Registered providers whose name or number holds every word of the search (or its
    company number is the search), by name."""
    providers = registered_providers()
    if q:
        term = folded_term(q)
        providers = providers.filter(
            words_found(("legal_name", "trading_name", "registration_number"), q)
            | Q(Exact(Folded("company_number"), term))
        )
    return providers.order_by(Folded(provider_name()), "id")


def is_punctuation_only(q: str) -> bool:
    """The search holds no letter or digit: full text finds nothing in it, only a name does."""
    return bool(q) and not any(char.isalnum() for char in q)
