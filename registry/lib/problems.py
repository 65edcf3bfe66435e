"""Problems found in what someone submitted: one shape for forms, API errors and checklists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Problem:
    """One thing wrong: a stable code, its field ("" for the whole thing) and a sentence.

    `shape` marks a value that cannot be stored as given (a wrong type, a choice not in the
    list, a date that is not one, text over its limit): it is refused wherever it is written.
    Any other problem (an answer missing, a code not in ISO's list, shares that don't add up) is
    one of completeness or consistency: a draft may hold it, and it stops only a submission.
    """

    code: str
    field: str
    message: str
    shape: bool = False

    def moved(self, field: str) -> Problem:
        """The same problem, about the field where it sits in a larger whole."""
        return replace(self, field=field)


def shape_of(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop a value being stored at all (DESIGN §3.4's first level)."""
    return [problem for problem in problems if problem.shape]


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
