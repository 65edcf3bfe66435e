"""A person is provider staff or regulator staff, never both, and administrators are regulator-side:
no provider page, action or service lets regulator staff or an administrator act for a provider."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from registry.accounts import services
from registry.accounts.admin import MembershipAdminForm, RegisterUserChangeForm
from registry.accounts.context_processors import nav_links
from registry.accounts.models import ApiKey, ApiScope, Membership
from registry.accounts.roles import MemberRole
from registry.lib.problems import ProblemsError
from registry.providers.models import Provider
from registry.providers.services import provider_register
from tests.base import PersonaTestCase
from tests.providers.test_services import DETAILS
from tests.providers.test_views import FORM

ADMINISTRATOR_REFUSED = "Administrators of the register are regulator staff"


def codes(error: ProblemsError) -> list[str]:
    return [p.code for p in error.problems]


def api_get(secret: str):
    return Client().get("/api/v1/models/", HTTP_AUTHORIZATION=f"Bearer {secret}")


class AdministratorTests(PersonaTestCase):
    def test_an_administrator_cannot_register_a_provider_organisation(self):
        self.sign_in(self.ada)
        page = self.client.get(reverse("providers:register"))
        self.assertContains(page, ADMINISTRATOR_REFUSED, status_code=403)
        response = self.client.post(reverse("providers:register"), FORM)
        self.assertContains(response, "You cannot register an organisation", status_code=403)
        with self.assertRaises(ProblemsError) as raised:
            provider_register(user=self.ada, details=DETAILS)
        self.assertEqual(codes(raised.exception), ["administrator_cannot_join"])
        self.assertFalse(Provider.objects.filter(legal_name__startswith="Gamma").exists())
        self.assertFalse(Membership.objects.filter(user=self.ada).exists())

    def test_even_without_a_second_factor_an_administrator_registers_nothing(self):
        self.sign_in(self.ada, verified=False)
        response = self.client.post(reverse("providers:register"), FORM)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Provider.objects.filter(legal_name__startswith="Gamma").exists())

    def test_an_administrator_cannot_accept_an_invitation(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.invitation_create(
                actor=self.alice, provider=self.acme, email=self.ada.email, role=MemberRole.OWNER
            )
        token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
        self.sign_in(self.ada)
        url = reverse("accounts:invitation", args=[token])
        self.assertContains(self.client.get(url), ADMINISTRATOR_REFUSED)
        self.assertContains(self.client.post(url), ADMINISTRATOR_REFUSED, status_code=400)
        with self.assertRaises(ProblemsError) as raised:
            services.invitation_accept(token=token, user=self.ada)
        self.assertEqual(codes(raised.exception), ["administrator_cannot_join"])
        self.assertFalse(Membership.objects.filter(user=self.ada).exists())

    def test_an_administrator_left_with_a_membership_gets_no_provider_page_or_key(self):
        Membership.objects.create(user=self.ada, provider=self.acme, role=MemberRole.OWNER)
        self.sign_in(self.ada)
        for name in ("providers:dashboard", "accounts:api-keys", "accounts:api-key-new"):
            with self.subTest(name):
                response = self.client.get(reverse(name))
                self.assertContains(
                    response, "This page is for provider organisations", status_code=403
                )
                self.assertContains(response, ADMINISTRATOR_REFUSED, status_code=403)
        response = self.client.post(
            reverse("accounts:api-key-new"), {"name": "Mine", "scope": ApiScope.WRITE}
        )
        self.assertEqual(response.status_code, 403)
        with self.assertRaises(ProblemsError) as raised:
            services.api_key_create(actor=self.ada, name="Mine", scope=ApiScope.WRITE)
        self.assertEqual(codes(raised.exception), ["administrator_cannot_join"])
        self.assertFalse(ApiKey.objects.filter(created_by=self.ada).exists())

    def test_a_key_made_before_its_creator_became_an_administrator_stops_working(self):
        _, secret = services.api_key_create(actor=self.alice, name="CI", scope=ApiScope.READ)
        self.assertEqual(api_get(secret).status_code, 200)
        type(self.alice).objects.filter(pk=self.alice.pk).update(is_staff=True)
        self.assertEqual(api_get(secret).status_code, 401)

    def test_an_administrators_home_is_the_admin_and_no_provider_link_is_offered(self):
        self.sign_in(self.ada)
        response = self.client.get(reverse("accounts:home"))
        self.assertRedirects(response, reverse("admin:index"), fetch_redirect_response=False)
        labels = [label for label, _ in nav_links(self.ada)]
        self.assertEqual(labels, ["Admin", "Your account", "Sign out"])


class RegulatorStaffTests(PersonaTestCase):
    def test_regulator_staff_left_with_a_membership_get_no_provider_page_or_key(self):
        Membership.objects.create(user=self.olivia, provider=self.acme, role=MemberRole.OWNER)
        self.sign_in(self.olivia)
        for name in ("providers:dashboard", "accounts:api-key-new"):
            with self.subTest(name):
                self.assertEqual(self.client.get(reverse(name)).status_code, 404)
        with self.assertRaises(ProblemsError) as raised:
            services.api_key_create(actor=self.olivia, name="Mine", scope=ApiScope.WRITE)
        self.assertEqual(codes(raised.exception), ["regulator_cannot_join"])


class AdminFormTests(PersonaTestCase):
    def change_form(self, user, **changes) -> RegisterUserChangeForm:
        data = {
            "email": user.email,
            "full_name": user.full_name,
            "is_active": True,
            "groups": [],
        } | changes
        return RegisterUserChangeForm(data=data, instance=user)

    def test_a_provider_member_cannot_be_made_an_administrator_or_regulator_staff(self):
        officers = Group.objects.get(name="case_officer")
        for changes in ({"is_staff": True}, {"is_superuser": True}, {"groups": [officers.pk]}):
            with self.subTest(changes=str(changes)):
                form = self.change_form(self.alice, **changes)
                self.assertIs(form.is_valid(), False)
                self.assertIn("cannot be regulator staff or an administrator", str(form.errors))
        self.assertIs(self.change_form(self.nadia, is_staff=True).is_valid(), True)

    def test_no_administrator_or_regulator_staff_is_made_a_member_in_the_admin(self):
        for person, message in (
            (self.ada, ADMINISTRATOR_REFUSED),
            (self.olivia, "Regulator staff cannot belong"),
        ):
            with self.subTest(person.email):
                form = MembershipAdminForm(
                    data={
                        "user": person.pk,
                        "provider": self.acme.pk,
                        "role": MemberRole.VIEWER,
                        "joined_at": "2026-01-01 10:00",
                    }
                )
                self.assertIs(form.is_valid(), False)
                self.assertIn(message, str(form.errors["user"]))
