"""Confirming an email address: the link, its limits, the banner, and the rule signing follows."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import resolve, reverse
from django.utils import timezone

from registry.accounts import services
from registry.accounts.access import may_sign_statements
from registry.accounts.models import EmailVerification, User
from registry.accounts.roles import CASE_OFFICER
from registry.accounts.validation import problems_signing
from registry.audit.models import AuditEvent
from registry.lib.problems import ProblemsError
from registry.notifications.models import Delivery, Kind, Notification
from registry.providers import services as provider_services
from tests.base import PersonaTestCase
from tests.factories import UserFactory
from tests.providers.test_ownership_views import draft_statement

GOOD_PASSWORD = "a-long-enough-passphrase"


def codes(error: ProblemsError) -> list[str]:
    return [p.code for p in error.problems]


def token_from_email() -> str:
    url = next(line for line in mail.outbox[-1].body.splitlines() if "/confirm-email/" in line)
    return url.rstrip("/").rsplit("/", 1)[-1]


def link_path(token: str) -> str:
    return reverse("accounts:email-verify", args=[token])


class EmailVerificationTestCase(PersonaTestCase):
    def sign_up(self, email: str = "nia@example.com", invitation_token: str = "") -> User:
        with self.captureOnCommitCallbacks(execute=True):
            return services.account_create(
                email=email,
                full_name="Nia New",
                password=GOOD_PASSWORD,
                invitation_token=invitation_token,
            )

    def unconfirm(self, user: User) -> User:
        User.objects.filter(pk=user.pk).update(email_verified_at=None)
        return User.objects.get(pk=user.pk)

    def resend(self, user: User) -> EmailVerification:
        with self.captureOnCommitCallbacks(execute=True):
            return services.email_verification_resend(user=user)

    def age_links(self, user: User, by: timedelta) -> None:
        """Pretend every link of this person was sent `by` earlier."""
        for verification in EmailVerification.objects.filter(user=user):
            verification.created_at -= by
            verification.expires_at -= by
            verification.save(update_fields=["created_at", "expires_at"])


class SignUpSendsALinkTests(EmailVerificationTestCase):
    def test_a_new_account_is_unconfirmed_and_gets_a_link_through_the_outbox(self):
        user = self.sign_up(email="Nia@Example.com")
        token = token_from_email()
        self.assertIsNone(user.email_verified_at)
        self.assertEqual(mail.outbox[-1].to, ["nia@example.com"])
        self.assertEqual(
            mail.outbox[-1].subject,
            "Confirm your email address for the AI Training Data Provenance Register",
        )
        self.assertIn(services.email_verification_url(token), mail.outbox[-1].body)
        self.assertIn("works once, until", mail.outbox[-1].body)
        verification = EmailVerification.objects.get(user=user)
        self.assertEqual(verification.email, "nia@example.com")
        self.assertEqual(verification.token_hash, services.token_hash(token))
        self.assertNotEqual(verification.token_hash, token)
        self.assertEqual(verification.expires_at - verification.created_at, timedelta(hours=48))
        self.assertTrue(
            AuditEvent.objects.filter(
                action="account.email_verification_sent", target_id=str(user.pk)
            ).exists()
        )

    def test_the_outbox_keeps_no_copy_of_the_token_and_no_inbox_shows_it(self):
        self.sign_up()
        token = token_from_email()
        notification = Notification.objects.get(kind=Kind.EMAIL_VERIFICATION)
        self.assertEqual(
            (notification.email, notification.recipient, notification.delivery),
            ("nia@example.com", None, Delivery.SENT),
        )
        self.assertEqual((notification.body_text, notification.body_html), ("", ""))
        for kept in (notification.subject, notification.link, notification.key):
            self.assertNotIn(token, kept)
        self.assertIn(
            f'href="{services.email_verification_url(token)}"', mail.outbox[-1].alternatives[0][0]
        )

    def test_the_email_is_sent_only_after_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.account_create(
                email="later@example.com", full_name="Later", password=GOOD_PASSWORD
            )
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(len(callbacks), 1)
        callbacks[0]()
        self.assertEqual(mail.outbox[-1].to, ["later@example.com"])

    @override_settings(EMAIL_VERIFICATION_VALID_HOURS=6)
    def test_the_link_lasts_as_long_as_the_setting_says(self):
        user = self.sign_up()
        verification = EmailVerification.objects.get(user=user)
        self.assertEqual(verification.expires_at - verification.created_at, timedelta(hours=6))
        self.assertIn("(6 hours)", mail.outbox[-1].body)

    def test_signing_up_from_an_invitation_to_the_same_address_needs_no_link(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.invitation_create(
                actor=self.alice, provider=self.acme, email="nia@example.com", role="viewer"
            )
        invitation_token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
        user = self.sign_up(invitation_token=invitation_token)
        self.assertIsNotNone(user.email_verified_at)
        self.assertFalse(EmailVerification.objects.filter(user=user).exists())
        self.assertFalse(Notification.objects.filter(kind=Kind.EMAIL_VERIFICATION).exists())
        self.assertIs(may_sign_statements(user), True)

    def test_an_invitation_to_another_address_or_a_bad_token_proves_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.invitation_create(
                actor=self.alice, provider=self.acme, email="someone@example.com", role="viewer"
            )
        invitation_token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
        for email, token in (
            ("nia@example.com", invitation_token),
            ("nib@example.com", "not-a-token"),
        ):
            with self.subTest(email):
                user = self.sign_up(email=email, invitation_token=token)
                self.assertIsNone(user.email_verified_at)
                self.assertEqual(EmailVerification.objects.filter(user=user).count(), 1)


class ConfirmingTests(EmailVerificationTestCase):
    def test_the_link_confirms_the_address_once_and_the_confirmation_is_audited(self):
        user = self.sign_up()
        token = token_from_email()
        self.assertIs(may_sign_statements(user), False)
        confirmed = services.email_verify(token=token)
        self.assertEqual(confirmed, user)
        self.assertIsNotNone(confirmed.email_verified_at)
        self.assertIsNotNone(EmailVerification.objects.get(user=user).used_at)
        self.assertIs(may_sign_statements(User.objects.get(pk=user.pk)), True)
        event = AuditEvent.objects.get(action="account.email_verified")
        self.assertEqual(
            (event.actor, event.after), (user, {"email": "nia@example.com", "how": "link"})
        )
        with self.assertRaises(ProblemsError) as raised:
            services.email_verify(token=token)
        self.assertEqual(codes(raised.exception), ["email_link_used"])
        self.assertEqual(AuditEvent.objects.filter(action="account.email_verified").count(), 1)

    def test_bad_links_are_refused_with_their_reason_and_confirm_nothing(self):
        user = self.sign_up()
        token = token_from_email()
        verification = EmailVerification.objects.get(user=user)
        cases = {
            "email_link_invalid": ("not-a-real-token", None),
            "email_link_expired": (token, {"expires_at": timezone.now() - timedelta(seconds=1)}),
        }
        for code, (used_token, change) in cases.items():
            with self.subTest(code):
                if change:
                    EmailVerification.objects.filter(pk=verification.pk).update(**change)
                with self.assertRaises(ProblemsError) as raised:
                    services.email_verify(token=used_token)
                self.assertEqual(codes(raised.exception), [code])
        self.assertIsNone(User.objects.get(pk=user.pk).email_verified_at)
        self.assertFalse(AuditEvent.objects.filter(action="account.email_verified").exists())

    def test_the_expired_message_says_how_long_a_new_link_lasts(self):
        user = self.sign_up()
        token = token_from_email()
        EmailVerification.objects.filter(user=user).update(expires_at=timezone.now())
        with self.assertRaisesMessage(ProblemsError, "it works for 48 hours"):
            services.email_verify(token=token)

    def test_a_link_to_an_address_the_account_no_longer_has_confirms_nothing(self):
        user = self.sign_up()
        old_token = token_from_email()
        user.email = "nia.new@example.com"
        user.save(update_fields=["email"])
        with self.captureOnCommitCallbacks(execute=True):
            services.email_changed(actor=self.ada, user=user)
        self.assertEqual(mail.outbox[-1].to, ["nia.new@example.com"])
        with self.assertRaises(ProblemsError) as raised:
            services.email_verify(token=old_token)
        self.assertEqual(codes(raised.exception), ["email_link_old_address"])
        services.email_verify(token=token_from_email())
        self.assertIsNotNone(User.objects.get(pk=user.pk).email_verified_at)

    def test_a_second_link_after_the_address_is_confirmed_says_so(self):
        user = self.sign_up()
        first = token_from_email()
        self.age_links(user, timedelta(minutes=2))
        self.resend(user)
        services.email_verify(token=token_from_email())
        with self.assertRaises(ProblemsError) as raised:
            services.email_verify(token=first)
        self.assertEqual(codes(raised.exception), ["email_already_verified"])

    def test_changing_the_address_unconfirms_it_and_is_audited(self):
        user = self.bob
        user.email = "robert@acme.example"
        user.save(update_fields=["email"])
        with self.captureOnCommitCallbacks(execute=True):
            services.email_changed(actor=self.ada, user=user)
        self.assertIs(may_sign_statements(User.objects.get(pk=user.pk)), False)
        event = AuditEvent.objects.get(action="account.email_verification_reset")
        self.assertEqual(event.actor, self.ada)
        self.assertEqual(event.before, {"email_verified": True})
        self.assertEqual(mail.outbox[-1].to, ["robert@acme.example"])

    def test_regulator_staff_get_no_link_when_their_address_changes(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.email_changed(actor=self.ada, user=self.olivia)
        self.assertEqual(mail.outbox, [])
        self.assertIs(may_sign_statements(User.objects.get(pk=self.olivia.pk)), True)


class ResendTests(EmailVerificationTestCase):
    def test_a_new_link_is_sent_after_a_minute_and_audited_and_both_links_work(self):
        user = self.sign_up()
        first = token_from_email()
        self.age_links(user, timedelta(minutes=1, seconds=1))
        self.resend(user)
        second = token_from_email()
        self.assertNotEqual(first, second)
        self.assertEqual(len(mail.outbox), 2)
        self.assertTrue(AuditEvent.objects.filter(action="account.email_verification_resent"))
        services.email_verify(token=second)
        self.assertIsNotNone(User.objects.get(pk=user.pk).email_verified_at)

    def test_asking_again_within_a_minute_is_refused_and_sends_nothing(self):
        user = self.sign_up()
        with self.assertRaises(ProblemsError) as raised:
            self.resend(user)
        self.assertEqual(codes(raised.exception), ["email_link_too_soon"])
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(EmailVerification.objects.filter(user=user).count(), 1)

    def test_no_more_than_five_links_a_day(self):
        user = self.sign_up()
        for _ in range(services.EMAIL_LINKS_PER_DAY - 1):
            self.age_links(user, timedelta(minutes=2))
            self.resend(user)
        self.age_links(user, timedelta(minutes=2))
        with self.assertRaises(ProblemsError) as raised:
            self.resend(user)
        self.assertEqual(codes(raised.exception), ["email_link_too_many"])
        self.assertIn("5 links in the last 24 hours", raised.exception.problems[0].message)
        self.assertEqual(len(mail.outbox), 5)
        self.age_links(user, timedelta(days=1))
        self.resend(user)
        self.assertEqual(len(mail.outbox), 6)

    def test_a_confirmed_address_or_regulator_needs_no_link(self):
        for person in (self.alice, self.olivia):
            with self.subTest(person.email), self.assertRaises(ProblemsError) as raised:
                self.resend(person)
            self.assertEqual(codes(raised.exception), ["email_already_verified"])
        self.assertEqual(mail.outbox, [])


class WhoMaySignTests(EmailVerificationTestCase):
    def test_an_unconfirmed_provider_member_may_not_sign_and_is_told_where_the_link_is(self):
        bob = self.unconfirm(self.bob)
        self.assertIs(may_sign_statements(bob), False)
        (problem,) = problems_signing(bob)
        self.assertEqual((problem.code, problem.field), ("email_not_verified", ""))
        self.assertIn("Confirm your email address", problem.message)
        self.assertIn("'Your account' page", problem.message)

    def test_confirmed_people_and_regulator_staff_may_sign(self):
        olivia = self.unconfirm(self.olivia)
        for person in (self.alice, self.bob, olivia):
            with self.subTest(person.email):
                self.assertIs(may_sign_statements(person), True)
                self.assertEqual(problems_signing(person), [])

    def test_regulator_staff_made_by_an_administrator_count_as_confirmed(self):
        made = services.regulator_create(
            actor=self.ada, email="rita@regulator.example", full_name="Rita", role=CASE_OFFICER
        ).user
        self.assertIsNotNone(made.email_verified_at)
        made.groups.remove(Group.objects.get(name=CASE_OFFICER))
        self.assertIs(may_sign_statements(User.objects.get(pk=made.pk)), True)

    def test_accepting_an_invitation_confirms_the_address_it_was_sent_to(self):
        newcomer = UserFactory(email="new@acme.example", email_verified_at=None)
        with self.captureOnCommitCallbacks(execute=True):
            services.invitation_create(
                actor=self.alice, provider=self.acme, email="new@acme.example", role="submitter"
            )
        token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
        services.invitation_accept(token=token, user=newcomer)
        newcomer.refresh_from_db()
        self.assertIs(may_sign_statements(newcomer), True)
        event = AuditEvent.objects.get(action="account.email_verified")
        self.assertEqual(event.after, {"email": "new@acme.example", "how": "invitation"})

    def test_an_unconfirmed_member_cannot_sign_an_ownership_statement(self):
        statement = draft_statement(self.acme, self.alice)
        bob = self.unconfirm(self.bob)
        with self.assertRaises(ProblemsError) as raised:
            provider_services.ownership_sign(
                actor=bob,
                statement=statement,
                name="Bob Submitter",
                role="Head of Data",
                expected_lock_version=statement.lock_version,
            )
        self.assertEqual(codes(raised.exception), ["email_not_verified"])
        statement.refresh_from_db()
        self.assertIsNone(statement.signed_at)

    def test_accounts_made_before_the_rule_are_confirmed_by_the_migration(self):
        nadia = self.unconfirm(self.nadia)
        migration = importlib.import_module("registry.accounts.migrations.0004_email_verification")
        migration.verify_existing_accounts(apps, None)
        nadia.refresh_from_db()
        self.assertIsNotNone(nadia.email_verified_at)


class ConfirmationPageTests(EmailVerificationTestCase):
    def test_sign_up_then_open_the_link_then_confirm(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("accounts:create"),
                {
                    "full_name": "Nia New",
                    "email": "nia@example.com",
                    "password": GOOD_PASSWORD,
                    "password_again": GOOD_PASSWORD,
                },
                follow=True,
            )
        self.assertContains(response, "We&#x27;ve sent a link to nia@example.com")
        path = link_path(token_from_email())
        page = self.client.get(path)
        self.assertContains(page, '<h1 class="govuk-heading-l">Confirm your email address</h1>')
        self.assertContains(page, "Confirm that nia@example.com is your email address")
        self.assertIsNone(User.objects.get(email="nia@example.com").email_verified_at)
        response = self.client.post(path)
        self.assertRedirects(
            response, reverse("accounts:email-confirmed"), fetch_redirect_response=False
        )
        confirmed = self.client.get(reverse("accounts:email-confirmed"))
        self.assertContains(confirmed, "Email address confirmed")
        self.assertContains(confirmed, "nia@example.com")
        self.assertIsNotNone(User.objects.get(email="nia@example.com").email_verified_at)
        self.assertRedirects(
            self.client.get(reverse("accounts:email-confirmed")),
            reverse("accounts:home"),
            fetch_redirect_response=False,
        )

    def test_signing_up_from_an_invitation_link_needs_no_confirmation(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.invitation_create(
                actor=self.alice, provider=self.acme, email="nia@example.com", role="viewer"
            )
        invitation = "/invitations/" + mail.outbox[-1].body.split("/invitations/")[1].split()[0]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("accounts:create") + "?next=" + invitation,
                {
                    "full_name": "Nia New",
                    "email": "nia@example.com",
                    "password": GOOD_PASSWORD,
                    "password_again": GOOD_PASSWORD,
                },
            )
        self.assertRedirects(response, invitation, fetch_redirect_response=False)
        self.assertIsNotNone(User.objects.get(email="nia@example.com").email_verified_at)
        self.assertEqual(len(mail.outbox), 1)  # the invitation, and no link to confirm

    def test_the_link_works_without_signing_in(self):
        self.sign_up()
        path = link_path(token_from_email())
        self.client.logout()
        self.assertRedirects(
            self.client.post(path),
            reverse("accounts:email-confirmed"),
            fetch_redirect_response=False,
        )
        confirmed = self.client.get(reverse("accounts:email-confirmed"))
        self.assertContains(confirmed, f'href="{reverse("accounts:sign-in")}"')

    def test_a_reused_link_is_a_clear_page(self):
        self.sign_up()
        path = link_path(token_from_email())
        self.client.post(path)
        for method, status in ((self.client.get, 200), (self.client.post, 400)):
            with self.subTest(method.__name__):
                response = method(path)
                self.assertContains(response, "This link has already been used", status_code=status)
                self.assertContains(response, "Each link works once", status_code=status)
                self.assertContains(
                    response, "The address nia@example.com is confirmed.", status_code=status
                )
                self.assertNotContains(response, "Confirm email address", status_code=status)

    def test_a_wrong_link_is_a_clear_404(self):
        for method in (self.client.get, self.client.post):
            with self.subTest(method.__name__):
                response = method(link_path("not-a-real-token"))
                self.assertContains(response, "This link is not valid", status_code=404)
                self.assertContains(
                    response, "Check you copied the whole link from the email", status_code=404
                )

    def test_an_expired_link_offers_a_new_one_to_its_signed_in_person(self):
        user = self.sign_up()
        path = link_path(token_from_email())
        EmailVerification.objects.filter(user=user).update(expires_at=timezone.now())
        self.client.force_login(user)
        response = self.client.get(path)
        self.assertContains(response, "This link has expired")
        self.assertContains(response, "Links to confirm an email address work for 48 hours")
        self.assertContains(response, "Send a new link to nia@example.com")
        self.assertContains(response, f'action="{reverse("accounts:email-verification-send")}"')
        self.client.post(path)
        self.assertIsNone(User.objects.get(pk=user.pk).email_verified_at)

    def test_an_expired_link_asks_a_visitor_to_sign_in_for_a_new_one(self):
        user = self.sign_up()
        path = link_path(token_from_email())
        EmailVerification.objects.filter(user=user).update(expires_at=timezone.now())
        response = self.client.get(path)
        self.assertContains(response, "This link has expired")
        self.assertContains(response, "to continue or to get a new link")
        self.assertNotContains(response, "Send a new link")


class SendAgainViewTests(EmailVerificationTestCase):
    def test_the_button_sends_a_link_and_returns_to_the_page(self):
        user = self.sign_up()
        self.age_links(user, timedelta(minutes=5))
        self.client.force_login(user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("accounts:email-verification-send"),
                {"next": reverse("providers:register")},
            )
        self.assertRedirects(response, reverse("providers:register"), fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 2)
        page = self.client.get(reverse("providers:register"))
        self.assertContains(page, "We&#x27;ve sent a new link to nia@example.com")

    def test_asking_too_soon_says_why_and_sends_nothing(self):
        user = self.sign_up()
        self.client.force_login(user)
        response = self.client.post(reverse("accounts:email-verification-send"), follow=True)
        self.assertEqual(response.request["PATH_INFO"], reverse("accounts:account"))
        self.assertContains(response, "We sent you a link less than a minute ago")
        self.assertEqual(len(mail.outbox), 1)

    def test_a_confirmed_person_is_told_so(self):
        self.sign_in(self.alice)
        response = self.client.post(reverse("accounts:email-verification-send"), follow=True)
        self.assertContains(response, "Your email address is already confirmed")
        self.assertEqual(mail.outbox, [])

    def test_a_next_page_elsewhere_is_not_followed(self):
        user = self.sign_up()
        self.age_links(user, timedelta(minutes=5))
        self.client.force_login(user)
        response = self.client.post(
            reverse("accounts:email-verification-send"), {"next": "https://evil.example/"}
        )
        self.assertRedirects(response, reverse("accounts:account"), fetch_redirect_response=False)

    def test_the_link_is_sent_only_by_post_and_only_to_someone_signed_in(self):
        url = reverse("accounts:email-verification-send")
        self.assertTrue(self.client.post(url)["Location"].startswith(reverse("accounts:sign-in")))
        self.sign_in(self.nadia)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertEqual(mail.outbox, [])


class BannerTests(EmailVerificationTestCase):
    def banner(self, user, path: str = "", query: str = "") -> str:
        """The banner as base.html shows it on the page at `path` (the models page by default)."""
        path = path or reverse("declarations:models")
        request = RequestFactory().get(path + query)
        request.user = user
        request.resolver_match = resolve(path)
        return render_to_string("accounts/_email_verification_banner.html", request=request)

    def test_an_unconfirmed_person_sees_the_banner_with_the_button(self):
        nadia = self.unconfirm(self.nadia)
        models = reverse("declarations:models")
        html = self.banner(nadia, query="?page=2")
        self.assertIn('class="govuk-notification-banner"', html)
        self.assertIn("Confirm your email address", html)
        self.assertIn("Open the link we emailed to nadia@example.com", html)
        self.assertIn("you cannot sign a statement of truth", html)
        self.assertIn(f'action="{reverse("accounts:email-verification-send")}"', html)
        self.assertIn(f'name="next" value="{models}?page=2"', html)
        self.assertIn("Send the link again", html)

    def test_nobody_else_sees_it(self):
        olivia = self.unconfirm(self.olivia)
        for person in (self.alice, olivia, AnonymousUser()):
            with self.subTest(str(person)):
                self.assertNotIn("govuk-notification-banner", self.banner(person))

    def test_the_account_page_says_it_in_its_own_words_instead(self):
        nadia = self.unconfirm(self.nadia)
        self.client.force_login(nadia)
        response = self.client.get(reverse("accounts:account"))
        self.assertContains(response, "Not confirmed")
        self.assertContains(response, "Each link works for 48 hours")
        self.assertContains(response, "Send the link again", count=1)
        self.assertNotIn(
            "govuk-notification-banner", self.banner(nadia, reverse("accounts:account"))
        )
        self.sign_in(self.alice)
        self.assertNotContains(self.client.get(reverse("accounts:account")), "Not confirmed")

    def test_the_page_a_link_opens_has_only_its_own_button(self):
        nadia = self.unconfirm(self.nadia)
        page = reverse("accounts:email-verify", args=["any-token"])
        self.assertNotIn("govuk-notification-banner", self.banner(nadia, page))


class AdministratorChangesAnAddressTests(EmailVerificationTestCase):
    def post_change(self, person: User, **changes) -> None:
        self.sign_in(self.ada)
        url = reverse("admin:accounts_user_change", args=[person.pk])
        form = self.client.get(url).context["adminform"].form
        data = {name: form[name].value() for name in form.fields if name != "password"}
        data = {k: "" if v is None else v for k, v in data.items()} | changes
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))

    def test_a_new_address_must_be_confirmed_and_a_link_goes_to_it(self):
        self.post_change(self.bob, email="robert@acme.example")
        bob = User.objects.get(pk=self.bob.pk)
        self.assertEqual(bob.email, "robert@acme.example")
        self.assertIs(may_sign_statements(bob), False)
        self.assertEqual(mail.outbox[-1].to, ["robert@acme.example"])
        self.assertTrue(AuditEvent.objects.filter(action="admin.user_changed").exists())
        self.assertEqual(
            AuditEvent.objects.get(action="account.email_verification_reset").actor, self.ada
        )

    def test_other_changes_leave_the_confirmation_alone(self):
        self.post_change(self.bob, full_name="Robert Submitter")
        bob = User.objects.get(pk=self.bob.pk)
        self.assertEqual(bob.full_name, "Robert Submitter")
        self.assertIs(may_sign_statements(bob), True)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(AuditEvent.objects.filter(action="account.email_verification_reset"))


class OperatorMadeAccountsTests(EmailVerificationTestCase):
    def test_a_superuser_made_at_the_command_line_counts_as_confirmed(self):
        admin = User.objects.create_superuser("root@regulator.example", "x" * 12, full_name="Root")
        self.assertIsNotNone(admin.email_verified_at)

    def test_a_plain_account_starts_unconfirmed(self):
        person = User.objects.create_user("plain@example.com", "x" * 12, full_name="Plain")
        self.assertIs(may_sign_statements(person), False)
