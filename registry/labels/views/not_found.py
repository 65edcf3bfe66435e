"""The page for a number that is not on the register: which number was asked for, whether it is
malformed or just unknown, and a search box, answered 404 instead of a generic "page not found".

The label views call `not_on_register` for a well-formed number the register doesn't have;
the routes after every other catch anything else under `models/` and `providers/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from registry.labels import selectors
from registry.labels.forms import QUERY_MAX_LENGTH
from registry.providers.models import Provider

Kind = Literal["model", "provider"]
# How much of what was asked for the page repeats.
SHOWN_LENGTH = 100


@dataclass(frozen=True)
class NumberKind:
    """A kind of registration number: its pattern, an example, and where its pages are."""

    noun: str
    prefix: str
    pattern: re.Pattern[str]
    example: str
    page: str


KINDS: dict[Kind, NumberKind] = {
    "model": NumberKind("model", "MOD-", re.compile(r"MOD-[0-9]{6}"), "MOD-000123", "labels:model"),
    "provider": NumberKind(
        "provider", "PRV-", re.compile(r"PRV-[0-9]{6}"), "PRV-000123", "labels:provider"
    ),
}


def not_on_register(request: HttpRequest, kind: Kind, asked_for: str) -> HttpResponse:
    """Answer 404 for a `kind` of number the register doesn't have, saying what was asked for.

    A number on the register whose address goes on wrongly (an unknown version, a page it
    hasn't) gets the same page, saying that the number is on the register and linking to it.
    """
    number_kind = KINDS[kind]
    well_formed = bool(number_kind.pattern.fullmatch(asked_for))
    context = {
        "kind": number_kind,
        "asked_for": shown(asked_for),
        "well_formed": well_formed,
        "search": " ".join(asked_for.split())[:QUERY_MAX_LENGTH],
        "on_register": None,
        "suggestion": None,
    }
    if well_formed and is_on_register(kind, asked_for):
        context["on_register"] = page_of(kind, asked_for)
    elif not well_formed:
        context["suggestion"] = suggestion(asked_for)
    return render(request, "labels/not_on_register.html", context, status=404)


@require_safe
def model_not_found(request: HttpRequest, asked_for: str) -> HttpResponse:
    """Anything under `models/` that no other route answers."""
    return not_on_register(request, "model", asked_for)


@require_safe
def provider_not_found(request: HttpRequest, asked_for: str) -> HttpResponse:
    """Anything under `providers/` that no other route answers."""
    return not_on_register(request, "provider", asked_for)


def shown(asked_for: str) -> str:
    if len(asked_for) <= SHOWN_LENGTH:
        return asked_for
    return asked_for[: SHOWN_LENGTH - 1] + "…"


def suggestion(asked_for: str) -> dict[str, str] | None:
    """The number the visitor probably meant, if it is on the register: the same typed in
    capitals or without spaces, or another kind's number (a provider's asked for as a model)."""
    candidate = "".join(asked_for.split()).upper()
    for kind, number_kind in KINDS.items():
        if number_kind.pattern.fullmatch(candidate) and is_on_register(kind, candidate):
            return {"number": candidate, "noun": number_kind.noun, "href": page_of(kind, candidate)}
    return None


def is_on_register(kind: Kind, number: str) -> bool:
    if kind == "model":
        return selectors.registered_models().filter(registration_number=number).exists()
    return Provider.objects.filter(registration_number=number).exists()


def page_of(kind: Kind, number: str) -> str:
    return reverse(KINDS[kind].page, args=[number])
