"""The persona matrix: every page opened by every persona.

Each area of the service keeps its own table (a dict of URL name to (kwargs, expectations)) in its
tests and checks it with `MatrixTestCase.check_matrix`; `tests/test_persona_matrix.py` lists every
table and fails if a page of the service is missing from all of them.

Expectations: an int is a status code; a string names the page a redirect must lead to (see
`REDIRECTS`). URL kwargs may be callables taking the test case, for ids made in setUpTestData.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from tests.base import PersonaTestCase

PERSONAS = ["anonymous", "nadia", "alice", "bob", "victor", "charlie", "olivia", "diana", "ada"]

REDIRECTS = {
    "sign-in": "accounts:sign-in",
    "home": "accounts:home",
    "start": "home",
    "set-up": "accounts:two-factor-set-up",
    "dashboard": "providers:dashboard",
    "console": "review:console",
    "admin": "admin:index",
}

Matrix = dict[str, tuple[dict[str, Any], dict[str, Any]]]


def expect(anonymous, nadia, alice, bob, victor, charlie, olivia, diana, ada) -> dict:
    outcomes = [anonymous, nadia, alice, bob, victor, charlie, olivia, diana, ada]
    return dict(zip(PERSONAS, outcomes, strict=True))


def signed_in(value, anonymous="sign-in") -> dict:
    return {"anonymous": anonymous} | dict.fromkeys(PERSONAS[1:], value)


EVERYONE_OK = dict.fromkeys(PERSONAS, 200)
# Acme's pages: its members in, other members 404, regulators 404, people without one to their home;
# administrators are regulator-side and told provider pages are not for them.
ACME_MEMBERS = expect("sign-in", "home", 200, 200, 200, 404, 404, 404, 403)
# Acme's pages that change things: owners and submitters; viewers are told they can't.
ACME_EDITORS = expect("sign-in", "home", 200, 200, 403, 404, 404, 404, 403)


class MatrixTestCase(PersonaTestCase):
    def open_as(self, persona: str, url: str):
        self.client.logout()
        if persona != "anonymous":
            self.sign_in(getattr(self, persona))
        return self.client.get(url)

    def url(self, name: str, kwargs: dict[str, Any]) -> str:
        resolved = {k: v(self) if isinstance(v, Callable) else v for k, v in kwargs.items()}
        return reverse(name, kwargs=resolved)

    def assert_outcome(self, response, expected) -> None:
        if isinstance(expected, int):
            self.assertEqual(response.status_code, expected)
        else:
            # A redirect: to a named page, or to one the case works out (a page of its own rows).
            self.assertEqual(response.status_code, 302)
            target = expected(self) if callable(expected) else reverse(REDIRECTS[expected])
            self.assertEqual(response["Location"].split("?")[0], target)

    def check_matrix(self, matrix: Matrix) -> None:
        for name, (kwargs, expectations) in matrix.items():
            url = self.url(name, kwargs)
            for persona in PERSONAS:
                with self.subTest(page=name, persona=persona):
                    self.assert_outcome(self.open_as(persona, url), expectations[persona])
