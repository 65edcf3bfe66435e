"""Getting in: regulator staff set up by a one-time link, from the command or the admin."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts import services
from registry.accounts.admin import RegulatorCreationForm
from registry.accounts.models import SetUpLink, User
from registry.accounts.roles import CASE_OFFICER, DECISION_MAKER
from registry.audit.models import AuditEvent
from registry.lib.problems import ProblemsError
from tests.base import PersonaTestCase

GOOD_PASSWORD = "a-long-enough-passphrase"
SUBJECT = "Set up your account on the AI Training Data Provenance Register"


def set_up_url_from_email(message=None) -> str:
    message = message or mail.outbox[-1]
    return next(line for line in message.body.splitlines() if "/account/set-up/" in line)


def token_from_email(message=None) -> str:
    return set_up_url_from_email(message).rstrip("/").rsplit("/", 1)[-1]


def link_path(token: str) -> str:
    return reverse("accounts:set-up", args=[token])


def code_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


class SetUpTestCase(PersonaTestCase):
    def create_regulator(self, *args: str, **options) -> str:
        """Run `create_regulator` as an operator would; return what it printed."""
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("create_regulator", *args, stdout=out, **options)
        return out.getvalue()

    def rita(self) -> User:
        self.create_regulator("Rita@Regulator.example", "Rita Regulator", role=CASE_OFFICER)
        return User.objects.get(email="rita@regulator.example")

    def choose_password(self, token: str, password: str = GOOD_PASSWORD, again: str | None = None):
        data = {"password": password, "password_again": password if again is None else again}
        return self.client.post(link_path(token), data)

    def age_links(self, user: User, by: timedelta) -> None:
        for link in SetUpLink.objects.filter(user=user):
            link.created_at -= by
            link.expires_at -= by
            link.save(update_fields=["created_at", "expires_at"])


class CommandSendsALinkTests(SetUpTestCase):
    def test_the_command_makes_an_account_without_a_password_and_emails_a_one_time_link(self):
        output = self.create_regulator(
            "Rita@Regulator.example", "Rita Regulator", role=DECISION_MAKER
        )
        rita = User.objects.get(email="rita@regulator.example")
        self.assertIs(rita.has_usable_password(), False)
        self.assertEqual(rita.regulator_roles, frozenset({DECISION_MAKER}))
        self.assertIsNotNone(rita.email_verified_at)
        message = mail.outbox[-1]
        self.assertEqual((message.to, message.subject), (["rita@regulator.example"], SUBJECT))
        token = token_from_email(message)
        self.assertEqual(set_up_url_from_email(message), services.set_up_link_url(token))
        self.assertIn(f'href="{services.set_up_link_url(token)}"', message.alternatives[0][0])
        self.assertIn("The link works once, until", message.body)
        self.assertIn("for rita@regulator.example, as regulator staff", message.body)
        self.assertNotIn("Open it on the register", message.alternatives[0][0])
        self.assertEqual(message.body.count("/account/set-up/"), 1)
        link = SetUpLink.objects.get(user=rita)
        self.assertEqual(link.token_hash, services.token_hash(token))
        self.assertEqual(link.expires_at - link.created_at, timedelta(hours=72))
        self.assertIn("Created rita@regulator.example (decision_maker).", output)
        self.assertIn("--resend", output)
        self.assertNotIn(token, output)  # printed only in DEBUG
        actions = AuditEvent.objects.filter(target_id=str(rita.pk)).values_list("action", flat=True)
        self.assertEqual(set(actions), {"regulator.created", "account.set_up_link_sent"})

    @override_settings(DEBUG=True)
    def test_in_debug_the_command_prints_the_link_it_emailed(self):
        output = self.create_regulator("rita@regulator.example", "Rita", role=CASE_OFFICER)
        self.assertIn(f"Set-up link: {set_up_url_from_email()}", output)

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    def test_the_console_backend_of_the_local_default_prints_the_email(self):
        printed = io.StringIO()
        with redirect_stdout(printed):
            self.create_regulator("rita@regulator.example", "Rita", role=CASE_OFFICER)
        self.assertIn(SUBJECT, printed.getvalue())
        self.assertIn("/account/set-up/", printed.getvalue())

    @override_settings(REGULATOR_SET_UP_VALID_HOURS=6)
    def test_the_link_lasts_as_long_as_the_setting_says(self):
        rita = self.rita()
        link = SetUpLink.objects.get(user=rita)
        self.assertEqual(link.expires_at - link.created_at, timedelta(hours=6))
        self.assertIn("(6 hours)", mail.outbox[-1].body)

    def test_the_email_is_sent_only_after_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.regulator_create(
                actor=None, email="rita@regulator.example", full_name="Rita", role=CASE_OFFICER
            )
        self.assertEqual(mail.outbox, [])
        for callback in callbacks:
            callback()
        self.assertEqual(mail.outbox[-1].to, ["rita@regulator.example"])

    def test_resend_sends_a_new_link_and_the_old_one_still_works(self):
        rita = self.rita()
        first = token_from_email()
        output = self.create_regulator("RITA@regulator.example", resend=True)
        second = token_from_email()
        self.assertNotEqual(first, second)
        self.assertNotIn("Created", output)
        self.assertEqual(SetUpLink.objects.filter(user=rita).count(), 2)
        self.assertContains(self.client.get(link_path(first)), "Step 1 of 2")

    def test_the_command_refuses_what_it_cannot_do_and_writes_nothing(self):
        self.rita()
        cases = [
            (("olivia@regulator.example",), {"resend": True}, "already been set up"),
            (("nobody@regulator.example",), {"resend": True}, "No account uses"),
            (("alice@acme.example",), {"resend": True}, "Only regulator staff"),
            (("rita@regulator.example", "Rita"), {"role": CASE_OFFICER}, "already exists"),
            (("new@regulator.example", "New"), {}, "needs a full name and --role"),
        ]
        for args, options, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                self.create_regulator(*args, **options)
        self.assertEqual(SetUpLink.objects.count(), 1)
        self.assertFalse(User.objects.filter(email="new@regulator.example").exists())


class AdminSendsALinkTests(SetUpTestCase):
    def add_user(self, **data):
        self.sign_in(self.ada)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("admin:accounts_user_add"), data, follow=True)

    def test_an_administrator_adds_regulator_staff_without_a_password_and_a_link_is_sent(self):
        officers = Group.objects.get(name=CASE_OFFICER)
        response = self.add_user(
            email="Rita@Regulator.example", full_name="Rita Regulator", groups=[officers.pk]
        )
        self.assertContains(response, "Set-up link sent to rita@regulator.example")
        rita = User.objects.get(email="rita@regulator.example")
        self.assertIs(rita.has_usable_password(), False)
        self.assertEqual(rita.regulator_roles, frozenset({CASE_OFFICER}))
        self.assertEqual(mail.outbox[-1].to, ["rita@regulator.example"])
        self.assertTrue(SetUpLink.objects.filter(user=rita, used_at__isnull=True).exists())
        event = AuditEvent.objects.get(action="account.set_up_link_sent")
        self.assertEqual(event.actor, self.ada)

    def test_a_new_administrator_gets_a_link_too(self):
        self.add_user(email="grace@regulator.example", full_name="Grace", is_staff="on")
        grace = User.objects.get(email="grace@regulator.example")
        self.assertIs(grace.is_staff, True)
        self.assertEqual(mail.outbox[-1].to, ["grace@regulator.example"])

    def test_the_admin_makes_no_provider_staff_and_no_second_account_for_an_address(self):
        for data, message in (
            ({"email": "pat@provider.example", "full_name": "Pat"}, "Choose a regulator role"),
            (
                {"email": "OLIVIA@regulator.example", "full_name": "Olivia", "is_staff": "on"},
                "already exists",
            ),
        ):
            with self.subTest(data["email"]):
                response = self.add_user(**data)
                self.assertContains(response, message)
        self.assertFalse(User.objects.filter(email="pat@provider.example").exists())
        self.assertEqual(mail.outbox, [])

    def test_the_send_set_up_link_action_sends_only_to_staff_not_yet_set_up(self):
        rita = self.rita()
        mail.outbox.clear()
        self.sign_in(self.ada)
        chosen = [rita.pk, self.olivia.pk, self.alice.pk]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("admin:accounts_user_changelist"),
                {"action": "send_set_up_link", "_selected_action": chosen},
                follow=True,
            )
        self.assertContains(response, "Set-up link sent to rita@regulator.example")
        self.assertContains(response, "Not sent to olivia@regulator.example: This account has")
        self.assertContains(response, "Not sent to alice@acme.example: Only regulator staff")
        self.assertEqual([message.to for message in mail.outbox], [["rita@regulator.example"]])
        self.assertEqual(SetUpLink.objects.filter(user=rita).count(), 2)

    def test_the_add_form_cleans_the_address_and_leaves_no_password(self):
        form = RegulatorCreationForm(
            data={"email": " Rita@Regulator.EXAMPLE ", "full_name": "Rita", "is_staff": "on"}
        )
        self.assertIs(form.is_valid(), True, form.errors)
        rita = form.save()
        self.assertEqual(rita.email, "rita@regulator.example")
        self.assertIs(rita.has_usable_password(), False)


class SetUpJourneyTests(SetUpTestCase):
    def test_a_new_regulator_chooses_a_password_adds_an_app_and_reaches_the_console(self):
        rita = self.rita()
        token = token_from_email()
        page = self.client.get(link_path(token))
        self.assertContains(page, "Step 1 of 2")
        self.assertContains(page, "This is the account for rita@regulator.example")

        response = self.choose_password(token)
        after = reverse("accounts:two-factor-set-up") + "?" + urlencode({"next": "/account/home/"})
        self.assertRedirects(response, after)
        rita.refresh_from_db()
        self.assertIs(rita.check_password(GOOD_PASSWORD), True)
        self.assertEqual(self.client.session["_auth_user_id"], str(rita.pk))
        # Signed in with the password alone: the console still wants the second factor.
        self.assertEqual(self.client.get(reverse("review:console")).status_code, 302)

        page = self.client.get(after)
        self.assertContains(page, "Step 2 of 2")
        self.assertContains(page, "Set up your authenticator app")
        device = TOTPDevice.objects.get(user=rita, confirmed=False)
        codes = self.client.post(after, {"code": code_now(device), "next": "/account/home/"})
        self.assertContains(codes, "Your backup codes")
        self.assertEqual(len(codes.context["codes"]), services.BACKUP_CODE_COUNT)

        home = self.client.get(reverse("accounts:home"))
        self.assertRedirects(home, reverse("review:console"), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("review:console")).status_code, 200)
        link = SetUpLink.objects.get(user=rita)
        self.assertIsNotNone(link.used_at)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="account.password_set_up", target_id=str(rita.pk)
            ).exists()
        )

    def test_the_password_must_pass_the_usual_rules_and_nothing_is_spent_until_it_does(self):
        rita = self.rita()
        token = token_from_email()
        cases = [
            ("", "", "Enter a password"),
            (GOOD_PASSWORD, "something-else-entirely", "The passwords do not match"),
            ("short", "short", "This password is too short"),
            ("password12345", "password12345", "This password is too common"),
            ("rita@regulator.example", "rita@regulator.example", "too similar to the"),
        ]
        for password, again, message in cases:
            with self.subTest(password=password):
                response = self.choose_password(token, password, again)
                self.assertContains(response, message)
        rita.refresh_from_db()
        self.assertIs(rita.has_usable_password(), False)
        self.assertIsNone(SetUpLink.objects.get(user=rita).used_at)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_someone_signed_in_as_another_person_is_warned_then_switched(self):
        self.rita()
        token = token_from_email()
        self.sign_in(self.alice)
        self.assertContains(self.client.get(link_path(token)), "signed in as alice@acme.example")
        self.choose_password(token)
        rita = User.objects.get(email="rita@regulator.example")
        self.assertEqual(self.client.session["_auth_user_id"], str(rita.pk))

    def test_a_person_who_kept_their_authenticator_is_asked_for_a_code_instead(self):
        rita = self.rita()
        TOTPDevice.objects.create(user=rita, name="Phone", confirmed=True)
        response = self.choose_password(token_from_email())
        self.assertTrue(response["Location"].startswith(reverse("accounts:two-factor") + "?"))


class BadLinkTests(SetUpTestCase):
    def test_an_expired_link_says_so_and_how_to_get_a_new_one(self):
        rita = self.rita()
        token = token_from_email()
        self.age_links(rita, timedelta(hours=73))
        page = self.client.get(link_path(token))
        self.assertContains(page, "This link has expired")
        self.assertContains(page, "Set-up links work for 72 hours")
        self.assertContains(page, "Get a new link")
        self.assertContains(page, reverse("accounts:password-reset"))
        self.assertContains(self.choose_password(token), "This link has expired", status_code=400)
        rita.refresh_from_db()
        self.assertIs(rita.has_usable_password(), False)

    def test_a_used_link_works_no_more(self):
        rita = self.rita()
        token = token_from_email()
        self.choose_password(token)
        self.client.logout()
        page = self.client.get(link_path(token))
        self.assertContains(page, "This link has already been used")
        self.assertContains(page, reverse("accounts:sign-in"))
        response = self.choose_password(token, "a-different-passphrase")
        self.assertContains(response, "This link has already been used", status_code=400)
        rita.refresh_from_db()
        self.assertIs(rita.check_password(GOOD_PASSWORD), True)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_once_one_link_is_used_the_others_are_spent(self):
        rita = self.rita()
        first = token_from_email()
        with self.captureOnCommitCallbacks(execute=True):
            services.set_up_link_send(actor=self.ada, user=rita)
        self.choose_password(token_from_email())
        self.client.logout()
        self.assertContains(self.client.get(link_path(first)), "Your account is already set up")
        response = self.choose_password(first, "a-different-passphrase")
        self.assertEqual(response.status_code, 400)
        rita.refresh_from_db()
        self.assertIs(rita.check_password(GOOD_PASSWORD), True)

    def test_a_wrong_token_is_not_found(self):
        self.rita()
        for token in ("no-such-token", token_from_email()[:-1], "x" * 300, "%00", "é"):
            with self.subTest(token=token):
                self.assertContains(
                    self.client.get(link_path(token)), "This link is not valid", status_code=404
                )
                self.assertEqual(self.choose_password(token).status_code, 404)
        self.assertFalse(User.objects.get(email="rita@regulator.example").has_usable_password())

    def test_a_link_to_an_old_address_or_a_closed_account_sets_up_nothing(self):
        for change, heading in (
            ({"email": "rita.new@regulator.example"}, "This link is for an old email address"),
            ({"is_active": False}, "This account has been deactivated"),
        ):
            with self.subTest(heading):
                User.objects.filter(email__startswith="rita").delete()
                rita = self.rita()
                token = token_from_email()
                User.objects.filter(pk=rita.pk).update(**change)
                self.assertContains(self.client.get(link_path(token)), heading)
                self.assertEqual(self.choose_password(token).status_code, 400)
                self.assertIs(User.objects.get(pk=rita.pk).has_usable_password(), False)

    def test_a_link_of_someone_no_longer_regulator_staff_sets_up_nothing(self):
        rita = self.rita()
        token = token_from_email()
        rita.groups.clear()
        response = self.choose_password(token)
        self.assertContains(response, "This account is not set up by a link", status_code=400)

    def test_no_bad_input_is_a_server_error(self):
        self.rita()
        token = token_from_email()
        payloads = [
            {},
            {"password": ["a", "b"], "password_again": "a"},
            {"password": "x" * 10_000, "password_again": "x" * 10_000},
            {"password": "\x00nul-in-a-passphrase", "password_again": "\x00nul-in-a-passphrase"},
        ]
        for data in payloads:
            with self.subTest(data=str(data)[:40]):
                self.assertLess(self.client.post(link_path(token), data).status_code, 500)
        self.assertEqual(self.client.put(link_path(token)).status_code, 405)

    def test_the_service_refuses_a_spent_link_and_writes_nothing(self):
        rita = self.rita()
        token = token_from_email()
        services.account_set_up(token=token, password=GOOD_PASSWORD)
        with self.assertRaises(ProblemsError) as raised:
            services.account_set_up(token=token, password="a-different-passphrase")
        self.assertEqual([p.code for p in raised.exception.problems], ["set_up_link_used"])
        rita.refresh_from_db()
        self.assertIs(rita.check_password(GOOD_PASSWORD), True)


class ForgottenPasswordTests(SetUpTestCase):
    def forgotten(self, email: str):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("accounts:password-reset"), {"email": email})

    def test_a_regulator_not_yet_set_up_gets_a_fresh_set_up_link_and_the_same_answer(self):
        rita = self.rita()
        mail.outbox.clear()
        self.age_links(rita, timedelta(hours=73))
        response = self.forgotten("RITA@regulator.example")
        self.assertRedirects(response, reverse("accounts:password-reset-sent"))
        self.assertEqual([m.subject for m in mail.outbox], [SUBJECT])
        self.assertContains(self.client.get(link_path(token_from_email())), "Step 1 of 2")
        unknown = self.forgotten("nobody@regulator.example")
        self.assertRedirects(unknown, reverse("accounts:password-reset-sent"))
        self.assertEqual(len(mail.outbox), 1)

    def test_people_with_a_password_get_the_usual_reset_link_and_no_set_up_link(self):
        for person in (self.olivia, self.alice):
            with self.subTest(person.email):
                mail.outbox.clear()
                self.forgotten(person.email)
                self.assertEqual(len(mail.outbox), 1)
                self.assertIn("/account/password-reset/", mail.outbox[0].body)
        self.assertFalse(SetUpLink.objects.exists())

    def test_nothing_is_sent_to_provider_staff_without_a_password_or_a_closed_account(self):
        pat = User.objects.create_user("pat@provider.example", None, full_name="Pat")
        rita = self.rita()
        User.objects.filter(pk=rita.pk).update(is_active=False)
        mail.outbox.clear()
        for email in (pat.email, rita.email):
            with self.subTest(email):
                self.assertRedirects(self.forgotten(email), reverse("accounts:password-reset-sent"))
        self.assertEqual(mail.outbox, [])

    def test_asking_again_and_again_sends_one_a_minute_and_five_a_day(self):
        rita = self.rita()
        self.forgotten(rita.email)
        self.assertEqual(SetUpLink.objects.filter(user=rita).count(), 1)  # the command's, just now
        for _ in range(10):
            self.age_links(rita, timedelta(minutes=2))
            self.forgotten(rita.email)
        self.assertEqual(SetUpLink.objects.filter(user=rita).count(), services.SET_UP_LINKS_PER_DAY)
        self.age_links(rita, timedelta(days=1))
        self.forgotten(rita.email)
        self.assertEqual(
            SetUpLink.objects.filter(user=rita).count(), services.SET_UP_LINKS_PER_DAY + 1
        )

    def test_asking_for_a_link_never_spoils_the_one_an_administrator_sent(self):
        rita = self.rita()
        sent_by_administrator = token_from_email()
        self.age_links(rita, timedelta(minutes=2))
        self.forgotten(rita.email)
        self.assertEqual(SetUpLink.objects.filter(user=rita).count(), 2)
        self.assertEqual(self.choose_password(sent_by_administrator).status_code, 302)

    def test_the_sent_page_reads_the_same_for_everyone(self):
        self.rita()
        pages = [
            self.client.get(self.forgotten(email)["Location"]).content
            for email in ("rita@regulator.example", "olivia@regulator.example", "no@x.example")
        ]
        self.assertEqual(len(set(pages)), 1)


class ServiceRuleTests(SetUpTestCase):
    def test_only_staff_not_yet_set_up_are_sent_a_link(self):
        cases = [
            (self.olivia, "set_up_done"),
            (self.alice, "set_up_not_regulator"),
            (self.nadia, "set_up_not_regulator"),
        ]
        for person, code in cases:
            with self.subTest(person.email), self.assertRaises(ProblemsError) as raised:
                services.set_up_link_send(actor=self.ada, user=person)
            self.assertEqual([p.code for p in raised.exception.problems], [code])
        self.assertFalse(SetUpLink.objects.exists())

    def test_staff_missing_either_factor_can_be_sent_a_link(self):
        olivia = self.olivia
        TOTPDevice.objects.filter(user=olivia).delete()
        sent = services.set_up_link_send(actor=self.ada, user=olivia)
        self.assertEqual(sent.link.email, olivia.email)
        self.assertGreater(sent.link.expires_at, timezone.now())
