"""JSON Schemas of a declaration and of an ownership statement, for tools that check a filing
before they send it (DESIGN §8: rules as code).

Each is generated from the very serializers the API validates with, through the OpenAPI schema
drf-spectacular builds from them, and rewritten as JSON Schema 2020-12: the request component
with every component it refers to under `$defs`, OpenAPI 3.0's `nullable` as a "null" type, and
its boolean `exclusiveMinimum`/`exclusiveMaximum` as the numbers 2020-12 expects, and a decimal
as the string or number the API reads. A schema checks
shape and types; the register's rules (`POST …/validate`) check everything else.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

DIALECT = "https://json-schema.org/draft/2020-12/schema"
REF_PREFIX = "#/components/schemas/"

# What each schema describes: its file name, the API's request component, and its title.
FILINGS = {
    "declaration": ("DeclarationReplaceRequest", "Provenance declaration"),
    "ownership-statement": ("StatementReplaceRequest", "Ownership statement"),
}


@functools.cache
def components() -> dict[str, Any]:
    """The API's OpenAPI components, generated once per process (about a second)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return schema["components"]["schemas"]


def filing_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a filing's body, by its file name ("declaration", …)."""
    component, title = FILINGS[name]
    found = components()
    wanted = referenced(component, found)
    return {
        "$schema": DIALECT,
        "$id": f"{settings.SITE_URL}/api/v1/schema/{name}.json",
        "title": title,
        **converted(found[component]),
        "$defs": {other: converted(found[other]) for other in sorted(wanted - {component})},
    }


def referenced(start: str, found: dict[str, Any]) -> set[str]:
    """The component `start` and every component it refers to, however deep."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(refs(found[name]))
    return seen


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        here = [node["$ref"][len(REF_PREFIX) :]] if "$ref" in node else []
        return here + [name for value in node.values() for name in refs(value)]
    if isinstance(node, list):
        return [name for value in node for name in refs(value)]
    return []


def converted(node: Any) -> Any:
    """An OpenAPI 3.0 schema object as JSON Schema 2020-12."""
    if isinstance(node, list):
        return [converted(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: converted(value) for key, value in copy.deepcopy(node).items()}
    if "$ref" in node:
        node["$ref"] = "#/$defs/" + node["$ref"][len(REF_PREFIX) :]
    for bound, limit in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
        if node.get(bound) is True:
            node[bound] = node.pop(limit)
        elif node.get(bound) is False:
            del node[bound]
    if node.get("format") == "decimal" and node.get("type") == "string":
        # The API reads a decimal written as a number too ("12.5" or 12.5); its pattern, as
        # JSON Schema's always are, applies only to the string.
        node["type"] = ["string", "number"]
    if node.pop("nullable", False):
        node = nullable(node)
    return node


def nullable(node: dict[str, Any]) -> dict[str, Any]:
    """A schema that also admits null."""
    if isinstance(node.get("type"), str | list):
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        node["type"] = [*types, "null"]
        if "enum" in node:
            node["enum"] = [*node["enum"], None]
        return node
    described = {key: node.pop(key) for key in ("description", "title") if key in node}
    return {"anyOf": [node, {"type": "null"}], **described}
