"""The register's search page: full text on PostgreSQL, substrings elsewhere, and filters."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import (
    Q,
    QuerySet,
)

from registry.declarations.models import (
    AIModel,
)
from registry.labels.selectors.register import public_models, public_providers
from registry.providers.models import (
    Provider,
)

# --- The register's search page


def search_models(*, q: str = "", **filters: Any) -> QuerySet[AIModel]:
    """Registered models for the register's search page, best match first when searching.

    The filters are `public_models`'s. The search is full-text on PostgreSQL (the model's name,
    its provider's legal and trading names, both registration numbers) and `public_models`'s
    substring match elsewhere; a registration number typed in full matches on either.
    """
    full_text = bool(q) and connection.vendor == "postgresql"
    models = public_models(q="" if full_text else q, **filters)
    if full_text:
        return full_text_search(models, q)
    return models.order_by("name", "id")


# The register searches model and provider names together: a vector across two tables can't be
# one expression index, and the register is small enough (thousands of rows) to scan.
MODEL_SEARCH_VECTOR = (
    "name",
    "registration_number",
    "provider__legal_name",
    "provider__trading_name",
    "provider__registration_number",
)


def full_text_search(models: QuerySet[AIModel], q: str) -> QuerySet[AIModel]:
    """PostgreSQL only: rank by a `simple`-config vector, so names aren't stemmed as English."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector(*MODEL_SEARCH_VECTOR, config="simple")
    query = SearchQuery(q, search_type="websearch", config="simple")
    number = q.strip().upper()
    return (
        models.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(
            Q(search=query)
            | Q(registration_number=number)
            | Q(provider__registration_number=number)
        )
        .order_by("-rank", "name", "id")
    )


def search_providers(q: str) -> QuerySet[Provider]:
    """Providers on the register whose name or number matches, by name."""
    return public_providers(q=q).order_by("legal_name", "id")
