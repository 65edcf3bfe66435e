from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.models import Invitation, Membership, User
from registry.audit.models import AuditEvent
from tests.base import PersonaTestCase

GOOD_PASSWORD = "a-long-enough-passphrase"


class AccountCreateViewTests(PersonaTestCase):
    def post(self, **overrides):
        data = {
            "full_name": "Nia New",
            "email": "nia@example.com",
            "password": GOOD_PASSWORD,
            "password_again": GOOD_PASSWORD,
        } | overrides
        return self.client.post(reverse("accounts:create"), data)

    def test_creating_an_account_signs_you_in_and_asks_about_your_organisation(self):
        response = self.post()
        self.assertRedirects(response, reverse("accounts:home"))
        page = self.client.get(reverse("accounts:home"))
        self.assertContains(page, "not part of an organisation yet")
        self.assertTrue(User.objects.filter(email="nia@example.com").exists())

    def test_bad_input_is_named_field_by_field_and_nothing_is_saved(self):
        cases = {
            "email": (
                {"email": "alice@ACME.example"},
                "An account with this email address already exists",
            ),
            "email format": (
                {"email": "not-an-email"},
                "Enter an email address in the correct format",
            ),
            "full_name": ({"full_name": ""}, "Enter your full name"),
            "short password": ({"password": "short", "password_again": "short"}, "too short"),
            "mismatch": (
                {"password_again": "something-else-entirely"},
                "The passwords do not match",
            ),
            "long name": ({"full_name": "x" * 201}, "at most 200 characters"),
        }
        users = User.objects.count()
        for label, (overrides, message) in cases.items():
            with self.subTest(label):
                response = self.post(**overrides)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
                self.assertTrue(response.context["form"].errors)
        self.assertEqual(User.objects.count(), users)


class SignInTests(PersonaTestCase):
    def sign_in_post(self, email, password, client=None):
        client = client or self.client
        return client.post(reverse("accounts:sign-in"), {"username": email, "password": password})

    def test_provider_member_signs_in_and_lands_on_the_dashboard(self):
        response = self.sign_in_post("ALICE@acme.example", "correct-horse-battery-staple")
        self.assertRedirects(response, reverse("accounts:home"), target_status_code=302)
        self.assertContains(self.client.get(reverse("providers:dashboard")), "Acme AI")

    def test_wrong_password_gets_a_clear_message(self):
        response = self.sign_in_post("alice@acme.example", "wrong")
        self.assertContains(response, "Enter a correct email address and password")

    def test_failed_sign_ins_are_throttled_even_with_the_right_password(self):
        for spelling in ("bob@acme.example", "BOB@acme.example", "Bob@Acme.Example") * 2:
            self.sign_in_post(spelling, "wrong")
        response = self.sign_in_post("bob@acme.example", "correct-horse-battery-staple")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many attempts to sign in", status_code=429)
        self.assertContains(response, "for 15 minutes", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_regulator_must_pass_two_factor_before_the_console(self):
        response = self.sign_in_post("olivia@regulator.example", "correct-horse-battery-staple")
        self.assertTrue(response["Location"].startswith(reverse("accounts:two-factor")))
        console = self.client.get(reverse("review:console"))
        self.assertTrue(console["Location"].startswith(reverse("accounts:two-factor")))

    def test_wrong_code_is_refused_and_right_code_opens_the_console(self):
        self.client.force_login(self.olivia)
        device = TOTPDevice.objects.get(user=self.olivia)
        url = reverse("accounts:two-factor") + "?next=" + reverse("review:console")
        wrong = f"{(totp(device.bin_key) + 1) % 1000000:06d}"
        response = self.client.post(url, {"code": wrong})
        self.assertContains(response, "The code is not correct")
        self.assertEqual(self.client.get(reverse("review:console")).status_code, 302)
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.save()
        response = self.client.post(url, {"code": f"{totp(device.bin_key):06d}"})
        self.assertRedirects(response, reverse("review:console"))

    def test_backup_code_works_once(self):
        from registry.accounts.services import backup_codes_replace

        code = backup_codes_replace(user=self.diana)[0]
        self.client.force_login(self.diana)
        response = self.client.post(reverse("accounts:two-factor"), {"code": code})
        self.assertRedirects(response, reverse("accounts:home"), target_status_code=302)
        other = Client()
        other.force_login(self.diana)
        response = other.post(reverse("accounts:two-factor"), {"code": code})
        self.assertContains(response, "The code is not correct")

    def test_regulator_without_an_app_sets_one_up_and_gets_backup_codes(self):
        TOTPDevice.objects.filter(user=self.olivia).delete()
        self.client.force_login(self.olivia)
        response = self.client.get(reverse("review:console"), follow=True)
        self.assertContains(response, "Set up your authenticator app")
        self.assertContains(response, "<svg")
        device = TOTPDevice.objects.get(user=self.olivia, confirmed=False)
        response = self.client.post(
            reverse("accounts:two-factor-set-up"), {"code": f"{totp(device.bin_key):06d}"}
        )
        self.assertContains(response, "Your backup codes")
        self.assertEqual(len(response.context["codes"]), 10)
        self.assertEqual(self.client.get(reverse("review:console")).status_code, 200)

    def test_replacing_an_app_needs_the_current_one_first(self):
        self.client.force_login(self.olivia)
        response = self.client.get(reverse("accounts:two-factor-set-up"))
        self.assertTrue(response["Location"].startswith(reverse("accounts:two-factor")))

    def test_sign_out_ends_the_session(self):
        self.sign_in(self.alice)
        self.assertRedirects(self.client.post(reverse("accounts:sign-out")), reverse("home"))
        self.assertEqual(self.client.get(reverse("providers:dashboard")).status_code, 302)


class PasswordTests(PersonaTestCase):
    def test_reset_by_email_link_sets_a_new_password_and_is_audited(self):
        response = self.client.post(
            reverse("accounts:password-reset"), {"email": "alice@acme.example"}
        )
        self.assertRedirects(response, reverse("accounts:password-reset-sent"))
        link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
        path = link.split("://", 1)[1].split("/", 1)[1]
        form_page = self.client.get("/" + path, follow=True)
        self.assertContains(form_page, "Set a new password")
        response = self.client.post(
            form_page.request["PATH_INFO"],
            {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"},
        )
        self.assertRedirects(response, reverse("accounts:password-reset-complete"))
        self.alice.refresh_from_db()
        self.assertIs(self.alice.check_password("brand-new-passphrase"), True)
        self.assertTrue(AuditEvent.objects.filter(action="account.password_reset").exists())

    def test_unknown_email_gives_the_same_answer_and_sends_nothing(self):
        response = self.client.post(
            reverse("accounts:password-reset"), {"email": "nobody@x.example"}
        )
        self.assertRedirects(response, reverse("accounts:password-reset-sent"))
        self.assertEqual(mail.outbox, [])

    def test_change_password_needs_the_old_one(self):
        self.sign_in(self.bob)
        url = reverse("accounts:password-change")
        data = {"new_password1": "another-long-phrase", "new_password2": "another-long-phrase"}
        response = self.client.post(url, data | {"old_password": "wrong"})
        self.assertContains(response, "Your old password was entered incorrectly")
        response = self.client.post(url, data | {"old_password": "correct-horse-battery-staple"})
        self.assertRedirects(response, reverse("accounts:account"))
        self.bob.refresh_from_db()
        self.assertIs(self.bob.check_password("another-long-phrase"), True)


class InvitationJourneyTests(PersonaTestCase):
    def invite(self, email="nadia@example.com", role="submitter"):
        self.sign_in(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("accounts:invite"), {"email": email, "role": role})
        self.client.logout()
        return response

    def invitation_path(self) -> str:
        link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/" in line)
        return "/" + link.split("://", 1)[1].split("/", 1)[1]

    def test_owner_invites_and_the_invitee_joins_after_creating_an_account(self):
        response = self.invite(email="newbie@example.com")
        self.assertRedirects(
            response, reverse("providers:organisation"), fetch_redirect_response=False
        )
        path = self.invitation_path()
        page = self.client.get(path)
        self.assertContains(page, "Join Acme AI")
        self.assertContains(page, "Create an account")
        data = {
            "full_name": "New Bie",
            "email": "newbie@example.com",
            "password": GOOD_PASSWORD,
            "password_again": GOOD_PASSWORD,
        }
        response = self.client.post(
            reverse("accounts:create") + "?next=" + path, data | {"next": path}
        )
        self.assertRedirects(response, path)
        response = self.client.post(path)
        self.assertRedirects(response, reverse("providers:dashboard"))
        membership = Membership.objects.get(user__email="newbie@example.com")
        self.assertEqual((membership.provider, membership.role), (self.acme, "submitter"))

    def test_invite_form_bad_input(self):
        self.sign_in(self.alice)
        cases = {
            "no email": (
                {"email": "", "role": "viewer"},
                "Enter the email address of the person to invite",
            ),
            "bad email": (
                {"email": "nope", "role": "viewer"},
                "Enter an email address in the correct format",
            ),
            "no role": ({"email": "x@example.com"}, "Select a role"),
            "bad role": ({"email": "x@example.com", "role": "emperor"}, "Select a role"),
            "member": ({"email": "victor@acme.example", "role": "viewer"}, "already a member"),
        }
        for label, (data, message) in cases.items():
            with self.subTest(label):
                self.assertContains(self.client.post(reverse("accounts:invite"), data), message)
        self.assertFalse(Invitation.objects.exists())

    def test_submitter_cannot_invite(self):
        self.sign_in(self.bob)
        response = self.client.post(
            reverse("accounts:invite"), {"email": "x@example.com", "role": "owner"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Invitation.objects.exists())

    def test_invitation_for_someone_else_is_refused_with_a_clear_message(self):
        self.invite(email="nadia@example.com")
        path = self.invitation_path()
        self.sign_in(self.charlie)
        response = self.client.post(path)
        self.assertContains(response, "sent to a different email address", status_code=400)
        self.assertEqual(self.charlie.membership.provider, self.beta)

    def test_unknown_invitation_link(self):
        response = self.client.get(reverse("accounts:invitation", args=["made-up"]))
        self.assertContains(response, "Invitation not found", status_code=404)

    def test_owner_withdraws_an_invitation(self):
        self.invite(email="nadia@example.com")
        invitation = Invitation.objects.get()
        self.sign_in(self.alice)
        response = self.client.post(reverse("accounts:invitation-revoke", args=[invitation.pk]))
        self.assertRedirects(response, reverse("providers:organisation"))
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.revoked_at)

    def test_other_provider_cannot_withdraw_our_invitation(self):
        self.invite(email="nadia@example.com")
        invitation = Invitation.objects.get()
        self.sign_in(self.charlie)
        response = self.client.post(reverse("accounts:invitation-revoke", args=[invitation.pk]))
        self.assertEqual(response.status_code, 404)
        invitation.refresh_from_db()
        self.assertIsNone(invitation.revoked_at)


class MemberViewTests(PersonaTestCase):
    def test_owner_changes_a_role(self):
        self.sign_in(self.alice)
        url = reverse("accounts:member-role", args=[self.victor_membership.pk])
        self.assertRedirects(
            self.client.post(url, {"role": "submitter"}), reverse("providers:organisation")
        )
        self.victor_membership.refresh_from_db()
        self.assertEqual(self.victor_membership.role, "submitter")

    def test_last_owner_cannot_step_down_or_leave(self):
        self.sign_in(self.alice)
        url = reverse("accounts:member-role", args=[self.alice_membership.pk])
        self.assertContains(self.client.post(url, {"role": "viewer"}), "must always have an owner")
        url = reverse("accounts:member-remove", args=[self.alice_membership.pk])
        self.assertContains(self.client.post(url), "must always have an owner", status_code=400)
        self.alice_membership.refresh_from_db()
        self.assertEqual(self.alice_membership.role, "owner")

    def test_owner_removes_a_member(self):
        self.sign_in(self.alice)
        url = reverse("accounts:member-remove", args=[self.victor_membership.pk])
        self.assertRedirects(self.client.post(url), reverse("providers:organisation"))
        self.assertFalse(Membership.objects.filter(user=self.victor).exists())

    def test_other_provider_and_non_owners_change_nothing(self):
        url = reverse("accounts:member-remove", args=[self.victor_membership.pk])
        for person, status in ((self.charlie, 404), (self.bob, 403), (self.olivia, 404)):
            with self.subTest(person=person.email):
                self.sign_in(person)
                self.assertEqual(self.client.post(url).status_code, status)
        self.assertTrue(Membership.objects.filter(user=self.victor).exists())


class CsrfTests(PersonaTestCase):
    def test_post_without_a_csrf_token_is_refused_with_a_page_and_changes_nothing(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        response = client.post(reverse("accounts:member-remove", args=[self.victor_membership.pk]))
        self.assertContains(response, "your form could not be sent", status_code=403)
        self.assertTrue(Membership.objects.filter(user=self.victor).exists())
