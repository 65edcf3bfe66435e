"""The email confirmation pages for every persona; the other account pages are in the main table."""

from __future__ import annotations

from registry.accounts import services
from tests.accounts.test_email_verification import token_from_email
from tests.matrix import PERSONAS, Matrix, MatrixTestCase, signed_in

MATRIX: Matrix = {
    # An unknown link is a page saying so, to anyone.
    "accounts:email-verify": ({"token": "no-such-token"}, dict.fromkeys(PERSONAS, 404)),
    # With no confirmation just made, there is nothing to confirm: everyone goes home.
    "accounts:email-confirmed": ({}, dict.fromkeys(PERSONAS, "home")),
    # A button's target: signed-in people may only post to it.
    "accounts:email-verification-send": ({}, signed_in(405)),
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
