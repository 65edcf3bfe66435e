"""Lineage on the public register: what a model was built on, and which models build on it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from registry.declarations.models import ModelDependency

# Both ends of a dependency, as the label names them: a registered model by its number, name,
# version and provider; never more.
END_FIELDS = [
    "registration_number",
    "name",
    "version",
    "provider__trading_name",
    "provider__legal_name",
]


def lineages(model_ids: Iterable[int]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Each model's lineage both ways, by model id, in one query.

    - `built_on`: every model it declares it was built on, registered ones with their MOD-
      number, external ones by the name and provider the provider gave; a model of the same
      provider that is not on the register is not named (it may not be public yet);
    - `built_into`: the registered models that declare they were built on it.
    """
    ids = list(model_ids)
    rows = (
        ModelDependency.objects.filter(
            Q(model_id__in=ids) | Q(depends_on_id__in=ids, model__registration_number__isnull=False)
        )
        .order_by("id")
        .values(
            "model_id",
            "depends_on_id",
            "relation",
            "external_name",
            "external_provider",
            *(f"depends_on__{field}" for field in END_FIELDS),
            *(f"model__{field}" for field in END_FIELDS),
        )
    )
    found: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"built_on": [], "built_into": []}
    )
    for row in rows:
        if row["model_id"] in ids:
            found[row["model_id"]]["built_on"].append(base(row))
        if row["depends_on_id"] in ids and row["model__registration_number"]:
            found[row["depends_on_id"]]["built_into"].append(
                {"relation": row["relation"], **end(row, "model")}
            )
    return {model_id: found[model_id] for model_id in ids}


def base(row: dict[str, Any]) -> dict[str, Any]:
    """What a model was built on: registered, external, or the provider's own unregistered."""
    if row["depends_on_id"] is None:
        return {
            "relation": row["relation"],
            "kind": "external",
            "registration_number": None,
            "name": row["external_name"],
            "version": "",
            "provider": row["external_provider"],
        }
    if row["depends_on__registration_number"] is None:
        return {
            "relation": row["relation"],
            "kind": "unregistered",
            "registration_number": None,
            "name": "",
            "version": "",
            "provider": provider_name(row, "depends_on"),
        }
    return {"relation": row["relation"], "kind": "registered", **end(row, "depends_on")}


def end(row: dict[str, Any], side: str) -> dict[str, Any]:
    return {
        "registration_number": row[f"{side}__registration_number"],
        "name": row[f"{side}__name"],
        "version": row[f"{side}__version"],
        "provider": provider_name(row, side),
    }


def provider_name(row: dict[str, Any], side: str) -> str:
    return row[f"{side}__provider__trading_name"] or row[f"{side}__provider__legal_name"]
