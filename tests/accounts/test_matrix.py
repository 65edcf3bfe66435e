"""The email confirmation and set-up link pages for every persona; the other account pages are in
the main table."""

from __future__ import annotations

from registry.accounts import services
from registry.accounts.roles import CASE_OFFICER
from tests.accounts.test_email_verification import token_from_email
from tests.matrix import PERSONAS, Matrix, MatrixTestCase, signed_in

MATRIX: Matrix = {
    # An unknown link is a page saying so, to anyone.
    "accounts:email-verify": ({"token": "no-such-token"}, dict.fromkeys(PERSONAS, 404)),
    # With no confirmation just made, there is nothing to confirm: everyone goes home.
    "accounts:email-confirmed": ({}, dict.fromkeys(PERSONAS, "home")),
    # A button's target: signed-in people may only post to it.
    "accounts:email-verification-send": ({}, signed_in(405)),
    # An unknown set-up link is a page saying so, to anyone.
    "accounts:set-up": ({"token": "no-such-token"}, dict.fromkeys(PERSONAS, 404)),
}


class EmailVerificationMatrixTests(MatrixTestCase):
    def test_every_email_confirmation_page_for_every_persona(self):
        self.check_matrix(MATRIX)

    def test_a_live_link_shows_its_page_to_everyone_and_confirms_nothing_by_opening(self):
        with self.captureOnCommitCallbacks(execute=True):
            newcomer = services.account_create(
                email="nia@example.com", full_name="Nia New", password="x" * 12
            )
        url = self.url("accounts:email-verify", {"token": token_from_email()})
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                response = self.open_as(persona, url)
                self.assertContains(response, "Confirm that nia@example.com is your email address")
        newcomer.refresh_from_db()
        self.assertIsNone(newcomer.email_verified_at)

    def test_a_live_set_up_link_shows_its_form_to_everyone_and_sets_up_nothing_by_opening(self):
        sent = services.regulator_create(
            actor=self.ada, email="rita@regulator.example", full_name="Rita", role=CASE_OFFICER
        )
        url = self.url("accounts:set-up", {"token": sent.url.rstrip("/").rsplit("/", 1)[-1]})
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                response = self.open_as(persona, url)
                self.assertContains(response, "This is the account for rita@regulator.example")
        sent.link.refresh_from_db()
        self.assertIsNone(sent.link.used_at)
        self.assertIs(sent.user.has_usable_password(), False)
