"""Every page, opened by every persona: what each may see, and that nothing else leaks.

Expectations: an int is a status code; "sign-in", "home", "two-factor", "set-up", "dashboard" and
"console" are redirects to those pages.
"""

from __future__ import annotations

from django.urls import get_resolver, reverse

from tests.base import PersonaTestCase

PERSONAS = ["anonymous", "nadia", "alice", "bob", "victor", "charlie", "olivia", "diana", "ada"]

EVERYONE_OK = dict.fromkeys(PERSONAS, 200)


def expect(anonymous, nadia, alice, bob, victor, charlie, olivia, diana, ada) -> dict:
    return dict(
        zip(
            PERSONAS,
            [anonymous, nadia, alice, bob, victor, charlie, olivia, diana, ada],
            strict=True,
        )
    )


def signed_in(value, anonymous="sign-in") -> dict:
    return {"anonymous": anonymous} | dict.fromkeys(PERSONAS[1:], value)


# Provider pages: members in, owners only where it says, regulators 404, others to their home.
MEMBERS_ONLY = expect("sign-in", "home", 200, 200, 200, 200, 404, 404, "home")
OWNERS_ONLY = expect("sign-in", "home", 200, 403, 403, 200, 404, 404, "home")
OWN_MEMBER_OWNERS_ONLY = expect("sign-in", "home", 200, 403, 403, 404, 404, 404, "home")

MATRIX: dict[str, tuple[dict, dict]] = {
    # name: (url kwargs, expectations)
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
            200,
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
    "accounts:member-role": ({"membership_id": "bob"}, OWN_MEMBER_OWNERS_ONLY),
    "accounts:member-remove": ({"membership_id": "bob"}, OWN_MEMBER_OWNERS_ONLY),
    "accounts:invitation-revoke": (
        {"invitation_id": 1},
        expect("sign-in", "home", 405, 403, 403, 405, 404, 404, "home"),
    ),
    "providers:dashboard": ({}, MEMBERS_ONLY),
    "providers:organisation": ({}, MEMBERS_ONLY),
    "providers:organisation-edit": ({}, OWNERS_ONLY),
    "providers:register": ({}, expect("sign-in", 200, 403, 403, 403, 403, 403, 403, 200)),
    "review:console": ({}, expect("sign-in", 404, 404, 404, 404, 404, 200, 200, 404)),
}

ADMIN = expect("admin-sign-in", 404, 404, 404, 404, 404, 404, 404, 200)


class PersonaMatrixTests(PersonaTestCase):
    def redirect_targets(self) -> dict[str, str]:
        return {
            "sign-in": reverse("accounts:sign-in"),
            "admin-sign-in": reverse("accounts:sign-in"),
            "home": reverse("accounts:home"),
            "start": reverse("home"),
            "set-up": reverse("accounts:two-factor-set-up"),
            "dashboard": reverse("providers:dashboard"),
            "console": reverse("review:console"),
        }

    def url(self, name: str, kwargs: dict) -> str:
        ids = {"bob": self.bob_membership.pk}
        return reverse(name, kwargs={key: ids.get(value, value) for key, value in kwargs.items()})

    def assert_outcome(self, response, expected) -> None:
        if isinstance(expected, int):
            self.assertEqual(response.status_code, expected)
        else:
            self.assertEqual(response.status_code, 302)
            location = response["Location"]
            self.assertEqual(location.split("?")[0], self.redirect_targets()[expected])

    def open_as(self, persona: str, url: str):
        self.client.logout()
        if persona != "anonymous":
            self.sign_in(getattr(self, persona))
        return self.client.get(url)

    def test_every_page_for_every_persona(self):
        for name, (kwargs, expectations) in MATRIX.items():
            url = self.url(name, kwargs)
            for persona in PERSONAS:
                with self.subTest(page=name, persona=persona):
                    self.assert_outcome(self.open_as(persona, url), expectations[persona])

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
                    self.assertEqual(
                        response.request["PATH_INFO"], self.redirect_targets()[expected]
                    )

    def test_the_matrix_names_every_page_of_the_service(self):
        resolver = get_resolver()
        names = {name for name in resolver.reverse_dict if isinstance(name, str)}
        for namespace, (_, sub) in resolver.namespace_dict.items():
            if namespace != "admin":
                names |= {f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)}
        self.assertEqual(names - set(MATRIX), set())
