"""The people every test can call on, built once per test class.

- alice: owner of Acme AI; bob: submitter at Acme; victor: viewer at Acme
- charlie: owner of Beta Labs, another provider
- nadia: signed up, belongs to no organisation yet
- olivia: case officer; diana: decision maker (both with an authenticator app)
- ada: administrator (with an authenticator app)
- anonymous: nobody signed in
"""

from __future__ import annotations

from django.test import TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.roles import CASE_OFFICER, DECISION_MAKER, MemberRole
from tests.factories import MembershipFactory, ProviderFactory, UserFactory, regulator


class PersonaTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.acme = ProviderFactory(legal_name="Acme Intelligence Ltd", trading_name="Acme AI")
        cls.beta = ProviderFactory(legal_name="Beta Labs Ltd")
        cls.alice = UserFactory(email="alice@acme.example", full_name="Alice Owner")
        cls.bob = UserFactory(email="bob@acme.example", full_name="Bob Submitter")
        cls.victor = UserFactory(email="victor@acme.example", full_name="Victor Viewer")
        cls.charlie = UserFactory(email="charlie@beta.example", full_name="Charlie Owner")
        cls.nadia = UserFactory(email="nadia@example.com", full_name="Nadia Newcomer")
        cls.alice_membership = MembershipFactory(
            user=cls.alice, provider=cls.acme, role=MemberRole.OWNER
        )
        cls.bob_membership = MembershipFactory(
            user=cls.bob, provider=cls.acme, role=MemberRole.SUBMITTER
        )
        cls.victor_membership = MembershipFactory(
            user=cls.victor, provider=cls.acme, role=MemberRole.VIEWER
        )
        cls.charlie_membership = MembershipFactory(
            user=cls.charlie, provider=cls.beta, role=MemberRole.OWNER
        )
        cls.olivia = regulator(
            CASE_OFFICER, email="olivia@regulator.example", full_name="Olivia Officer"
        )
        cls.diana = regulator(
            DECISION_MAKER, email="diana@regulator.example", full_name="Diana Decider"
        )
        cls.ada = UserFactory(
            email="ada@regulator.example", full_name="Ada Admin", is_staff=True, is_superuser=True
        )
        for person in (cls.olivia, cls.diana, cls.ada):
            TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)

    def sign_in(self, user, *, verified: bool = True) -> None:
        """Sign in as a persona; people who need two-factor pass it unless verified is False."""
        self.client.force_login(user)
        if verified and user.needs_two_factor:
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            session = self.client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
