"""Problems found in what someone submitted: one shape for forms, API errors and checklists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong: a stable code, its field ("" for the whole thing) and a sentence."""

    code: str
    field: str
    message: str


class ProblemsError(Exception):
    """Raised by a service that refused to write because of these problems."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


def raise_if_any(problems: Iterable[Problem]) -> None:
    found = list(problems)
    if found:
        raise ProblemsError(found)


def add_problems_to_form(form, problems: Iterable[Problem]) -> None:
    """Show problems on a Django form: on their field if the form has it, else above the form."""
    for problem in problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, problem.message)
