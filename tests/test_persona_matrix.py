"""Accounts and organisation pages for every persona, and the check that no page is left out."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from pathlib import Path

from django.urls import get_resolver, reverse

from registry.accounts.models import ApiScope
from registry.accounts.services import api_key_create
from tests.matrix import EVERYONE_OK, PERSONAS, Matrix, MatrixTestCase, expect, signed_in

# Provider pages: members in, owners only where it says, regulators 404, others to their home;
# administrators are regulator-side, told provider pages are not for them.
MEMBERS_ONLY = expect("sign-in", "home", 200, 200, 200, 200, 404, 404, 403)
OWNERS_ONLY = expect("sign-in", "home", 200, 403, 403, 200, 404, 404, 403)
OWN_MEMBER_OWNERS_ONLY = expect("sign-in", "home", 200, 403, 403, 404, 404, 404, 403)


def bob_membership(case) -> int:
    return case.bob_membership.pk


def acme_api_key(case) -> int:
    key, _ = api_key_create(actor=case.alice, name="CI", scope=ApiScope.WRITE)
    return key.pk


ACCOUNTS: Matrix = {
    "home": ({}, EVERYONE_OK),
    "healthz": ({}, EVERYONE_OK),
    "accounts:account": ({}, signed_in(200)),
    "accounts:home": (
        {},
        expect(
            "sign-in",
            200,
            "dashboard",
            "dashboard",
            "dashboard",
            "dashboard",
            "console",
            "console",
            "admin",
        ),
    ),
    "accounts:create": ({}, signed_in("home", anonymous=200)),
    "accounts:sign-in": ({}, signed_in("home", anonymous=200)),
    "accounts:sign-out": ({}, signed_in(200, anonymous="start")),
    "accounts:password-change": ({}, signed_in(200)),
    "accounts:password-reset": ({}, EVERYONE_OK),
    "accounts:password-reset-sent": ({}, EVERYONE_OK),
    "accounts:password-reset-confirm": ({"uidb64": "MQ", "token": "bad-token"}, EVERYONE_OK),
    "accounts:password-reset-complete": ({}, EVERYONE_OK),
    "accounts:two-factor": (
        {},
        expect("sign-in", "set-up", "set-up", "set-up", "set-up", "set-up", 200, 200, 200),
    ),
    "accounts:two-factor-set-up": ({}, signed_in(200)),
    "accounts:backup-codes": ({}, signed_in(405)),
    "accounts:invitation": ({"token": "no-such-token"}, dict.fromkeys(PERSONAS, 404)),
    "accounts:invite": ({}, OWNERS_ONLY),
    "accounts:member-role": ({"membership_id": bob_membership}, OWN_MEMBER_OWNERS_ONLY),
    "accounts:member-remove": ({"membership_id": bob_membership}, OWN_MEMBER_OWNERS_ONLY),
    "accounts:invitation-revoke": (
        {"invitation_id": 1},
        expect("sign-in", "home", 405, 403, 403, 405, 404, 404, 403),
    ),
    "accounts:api-keys": ({}, OWNERS_ONLY),
    "accounts:api-key-new": ({}, OWNERS_ONLY),
    "accounts:api-key-revoke": ({"key_id": acme_api_key}, OWN_MEMBER_OWNERS_ONLY),
    "providers:dashboard": ({}, MEMBERS_ONLY),
    "providers:organisation": ({}, MEMBERS_ONLY),
    "providers:organisation-edit": ({}, OWNERS_ONLY),
    "providers:register": ({}, expect("sign-in", 200, 403, 403, 403, 403, 403, 403, 403)),
    "review:console": ({}, expect("sign-in", 404, 404, 404, 404, 404, 200, 200, 404)),
}

ADMIN = expect("sign-in", 404, 404, 404, 404, 404, 404, 404, 200)


def all_matrices() -> list[Matrix]:
    """This module's table and each area's `MATRIX`, from `tests/<area>/test_matrix.py`."""
    matrices = [ACCOUNTS]
    for area in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if area.ispkg and importlib.util.find_spec(f"tests.{area.name}.test_matrix"):
            matrices.append(importlib.import_module(f"tests.{area.name}.test_matrix").MATRIX)
    return matrices


class AccountsMatrixTests(MatrixTestCase):
    def test_every_page_for_every_persona(self):
        self.check_matrix(ACCOUNTS)

    def test_admin_for_every_persona(self):
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                self.client.logout()
                if persona != "anonymous":
                    self.sign_in(getattr(self, persona))
                response = self.client.get(reverse("admin:index"), follow=True)
                expected = ADMIN[persona]
                if isinstance(expected, int):
                    self.assertEqual(response.status_code, expected)
                else:
                    self.assertEqual(response.request["PATH_INFO"], reverse("accounts:sign-in"))


class CompletenessTests(MatrixTestCase):
    def test_the_matrices_name_every_page_of_the_service(self):
        resolver = get_resolver()
        names = {name for name in resolver.reverse_dict if isinstance(name, str)}
        for namespace, (_, sub) in resolver.namespace_dict.items():
            if namespace != "admin":
                names |= {f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)}
        covered = set().union(*(set(matrix) for matrix in all_matrices()))
        self.assertEqual(names - covered, set())
