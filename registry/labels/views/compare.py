"""Compare labels side by side: up to four facts panels, row by row."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from registry.labels import selectors

MAX_COMPARED = 4
MODEL_NUMBER = re.compile(r"^MOD-[0-9]{6}$")
# What a visitor may type in the box: numbers separated by commas, spaces or both.
LONGEST_INPUT = 200


@dataclass(frozen=True)
class Asked:
    """The models a comparison asks for, as far as they can be compared, and why not the rest."""

    numbers: list[str]
    problems: list[str]


def asked_numbers(request: HttpRequest) -> Asked:
    """The distinct, well-formed model numbers asked for (`?models=MOD-…,MOD-…`, repeatable),
    at most `MAX_COMPARED`, and a sentence for each one that isn't."""
    raw = ",".join(request.GET.getlist("models"))
    if len(raw) > LONGEST_INPUT:
        return Asked([], [f"Enter {LONGEST_INPUT} characters or fewer"])
    numbers: list[str] = []
    problems: list[str] = []
    for typed in re.split(r"[\s,]+", raw.strip()):
        if not typed:
            continue
        number = typed.upper()
        if not MODEL_NUMBER.match(number):
            problems.append(f"{typed} is not a model number: enter MOD- and 6 digits")
        elif number in numbers:
            problems.append(f"{number} is listed more than once: it is compared once")
        else:
            numbers.append(number)
    if len(numbers) > MAX_COMPARED:
        problems.append(
            f"You can compare up to {MAX_COMPARED} models at a time: "
            f"{', '.join(numbers[MAX_COMPARED:])} left out"
        )
        numbers = numbers[:MAX_COMPARED]
    return Asked(numbers, problems)


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    """The facts panels of the models asked for, side by side; a clear error for any that can't
    be compared (malformed, repeated, beyond four, not on the register, or withdrawn)."""
    asked = asked_numbers(request)
    problems = list(asked.problems)
    declarations = {d.model.registration_number: d for d in selectors.latest_labels(asked.numbers)}
    compared = []
    for number in asked.numbers:
        declaration = declarations.get(number)
        if declaration is None:
            problems.append(f"{number} is not on the register")
        elif declaration.withdrawn_at is not None:
            withdrawn = date_format(declaration.withdrawn_at, "j F Y")
            problems.append(f"{number} was withdrawn on {withdrawn}: it has no label to compare")
        else:
            compared.append(declaration)
    labels = selectors.labels_data(compared)
    context = {
        "labels": labels,
        # Each problem is about the box of numbers, which is where the error summary leads.
        "problems": [{"message": problem, "target": "models"} for problem in problems],
        "typed": ", ".join(asked.numbers),
        "max_compared": MAX_COMPARED,
    }
    return render(request, "labels/compare.html", context)
