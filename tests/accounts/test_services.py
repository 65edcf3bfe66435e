from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from django_otp.oath import totp

from registry.accounts import services
from registry.accounts.models import Invitation, Membership, User
from registry.accounts.roles import CASE_OFFICER, MemberRole
from registry.audit.models import AuditEvent
from registry.lib.problems import ProblemsError
from registry.notifications.models import Delivery, Kind, Notification
from tests.base import PersonaTestCase


def codes(error: ProblemsError) -> list[str]:
    return [p.code for p in error.problems]


class AccountCreateTests(PersonaTestCase):
    def test_creates_account_with_normalised_email_and_records_it(self):
        user = services.account_create(
            email="  New.Person@Example.COM ", full_name="New", password="x" * 12
        )
        self.assertEqual(user.email, "new.person@example.com")
        self.assertIs(user.check_password("x" * 12), True)
        event = AuditEvent.objects.get(action="account.created", target_id=str(user.pk))
        self.assertEqual(event.actor, user)
        self.assertNotIn("password", str(event.after))

    def test_refuses_duplicate_email_in_any_case_and_writes_nothing(self):
        users_before = User.objects.count()
        with self.assertRaises(ProblemsError) as raised:
            services.account_create(email="ALICE@acme.example", full_name="A", password="x" * 12)
        self.assertEqual(codes(raised.exception), ["email_taken"])
        self.assertEqual(raised.exception.problems[0].field, "email")
        self.assertEqual(User.objects.count(), users_before)


class InvitationTests(PersonaTestCase):
    def invite(self, email="new@acme.example", role=MemberRole.SUBMITTER, actor=None):
        with self.captureOnCommitCallbacks(execute=True):
            invitation = services.invitation_create(
                actor=actor or self.alice, provider=self.acme, email=email, role=role
            )
        return invitation, self.token_from_email()

    def token_from_email(self) -> str:
        body = mail.outbox[-1].body
        url = next(line for line in body.splitlines() if "/invitations/" in line)
        return url.rstrip("/").rsplit("/", 1)[-1]

    def test_owner_invites_and_the_email_carries_a_link_whose_token_is_stored_only_hashed(self):
        invitation, token = self.invite(email="New@Acme.example")
        self.assertEqual(invitation.email, "new@acme.example")
        self.assertEqual(mail.outbox[-1].to, ["new@acme.example"])
        self.assertIn("Acme Intelligence Ltd", mail.outbox[-1].body)
        self.assertNotEqual(invitation.token_hash, token)
        self.assertEqual(invitation.token_hash, services.token_hash(token))
        self.assertTrue(AuditEvent.objects.filter(action="invitation.created").exists())

    def test_email_is_sent_only_after_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.invitation_create(
                actor=self.alice, provider=self.acme, email="later@acme.example", role="viewer"
            )
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(len(callbacks), 1)
        callbacks[0]()
        self.assertEqual(mail.outbox[-1].to, ["later@acme.example"])

    def test_the_email_goes_through_the_outbox_which_keeps_no_copy_of_the_token(self):
        invitation, token = self.invite()
        notification = Notification.objects.get(kind=Kind.INVITATION)
        self.assertEqual(
            (notification.email, notification.recipient, notification.delivery),
            ("new@acme.example", None, Delivery.SENT),
        )
        self.assertEqual(notification.key, f"invitation:{invitation.pk}:new@acme.example")
        self.assertEqual((notification.body_text, notification.body_html), ("", ""))
        for kept in (notification.subject, notification.link):
            self.assertNotIn(token, kept)
        self.assertEqual(notification.subject, "You're invited to join Acme AI on the register")
        self.assertIn(
            f'href="{services.invitation_url(token)}"', mail.outbox[-1].alternatives[0][0]
        )

    def test_the_organisations_name_is_escaped_in_the_html_email(self):
        self.acme.legal_name = "<b>Acme</b> & Sons"
        self.acme.save(update_fields=["legal_name"])
        self.invite()
        (email,) = mail.outbox
        self.assertIn("join <b>Acme</b> & Sons (", email.body)
        self.assertIn("join &lt;b&gt;Acme&lt;/b&gt; &amp; Sons (", email.alternatives[0][0])

    def test_non_owner_cannot_invite(self):
        for person in (self.bob, self.victor, self.charlie):
            with self.subTest(person=person.email), self.assertRaises(ProblemsError) as raised:
                services.invitation_create(
                    actor=person, provider=self.acme, email="x@acme.example", role="viewer"
                )
            self.assertEqual(codes(raised.exception), ["not_owner"])
        self.assertFalse(Invitation.objects.exists())

    def test_inviting_a_current_member_or_an_unknown_role_is_refused(self):
        with self.assertRaises(ProblemsError) as raised:
            services.invitation_create(
                actor=self.alice, provider=self.acme, email="BOB@acme.example", role="boss"
            )
        self.assertEqual(codes(raised.exception), ["role_invalid", "invitee_already_member"])

    def test_inviting_again_withdraws_the_earlier_invitation(self):
        first, first_token = self.invite()
        second, _ = self.invite()
        first.refresh_from_db()
        self.assertIsNotNone(first.revoked_at)
        self.assertTrue(second.is_pending)
        newcomer = User.objects.create_user("new@acme.example", "x" * 12, full_name="New")
        with self.assertRaises(ProblemsError) as raised:
            services.invitation_accept(token=first_token, user=newcomer)
        self.assertEqual(codes(raised.exception), ["invitation_revoked"])

    def test_invitee_accepts_once_and_joins_with_the_role(self):
        _, token = self.invite(role=MemberRole.VIEWER)
        newcomer = User.objects.create_user("new@acme.example", "x" * 12, full_name="New")
        membership = services.invitation_accept(token=token, user=newcomer)
        self.assertEqual((membership.provider, membership.role), (self.acme, MemberRole.VIEWER))
        with self.assertRaises(ProblemsError) as raised:
            services.invitation_accept(token=token, user=newcomer)
        self.assertEqual(codes(raised.exception), ["invitation_used"])

    def test_bad_invitations_are_refused_and_nothing_joins(self):
        _, token = self.invite(email="nadia@example.com")
        cases = {
            "invitation_invalid": ("not-a-real-token", self.nadia),
            "invitation_other_email": (token, self.charlie),
        }
        for code, (given_token, person) in cases.items():
            with self.subTest(code), self.assertRaises(ProblemsError) as raised:
                services.invitation_accept(token=given_token, user=person)
            self.assertEqual(codes(raised.exception), [code])
        Invitation.objects.filter(email="nadia@example.com").update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        with self.assertRaises(ProblemsError) as raised:
            services.invitation_accept(token=token, user=self.nadia)
        self.assertEqual(codes(raised.exception), ["invitation_expired"])
        self.assertFalse(Membership.objects.filter(user=self.nadia).exists())

    def test_a_member_of_another_organisation_or_regulator_cannot_accept(self):
        _, token = self.invite(email="charlie@beta.example")
        with self.assertRaises(ProblemsError) as raised:
            services.invitation_accept(token=token, user=self.charlie)
        self.assertEqual(codes(raised.exception), ["already_member"])
        _, token = self.invite(email="olivia@regulator.example")
        with self.assertRaises(ProblemsError) as raised:
            services.invitation_accept(token=token, user=self.olivia)
        self.assertEqual(codes(raised.exception), ["regulator_cannot_join"])
        self.assertFalse(Membership.objects.filter(user=self.olivia).exists())


class MembershipTests(PersonaTestCase):
    def test_owner_changes_a_role_and_the_change_is_audited(self):
        services.membership_change_role(
            actor=self.alice, membership=self.bob_membership, role="viewer"
        )
        self.bob_membership.refresh_from_db()
        self.assertEqual(self.bob_membership.role, MemberRole.VIEWER)
        event = AuditEvent.objects.get(action="membership.role_changed")
        self.assertEqual((event.before, event.after), ({"role": "submitter"}, {"role": "viewer"}))

    def test_the_last_owner_can_neither_step_down_nor_be_removed(self):
        with self.assertRaises(ProblemsError) as raised:
            services.membership_change_role(
                actor=self.alice, membership=self.alice_membership, role="submitter"
            )
        self.assertEqual(codes(raised.exception), ["last_owner"])
        with self.assertRaises(ProblemsError) as raised:
            services.membership_remove(actor=self.alice, membership=self.alice_membership)
        self.assertEqual(codes(raised.exception), ["last_owner"])
        self.alice_membership.refresh_from_db()
        self.assertEqual(self.alice_membership.role, MemberRole.OWNER)

    def test_an_owner_may_step_down_once_there_is_another(self):
        services.membership_change_role(
            actor=self.alice, membership=self.bob_membership, role="owner"
        )
        services.membership_remove(actor=self.alice, membership=self.alice_membership)
        self.assertFalse(Membership.objects.filter(user=self.alice).exists())
        self.assertTrue(AuditEvent.objects.filter(action="membership.removed").exists())

    def test_only_owners_of_the_same_organisation_manage_members(self):
        for person in (self.bob, self.charlie):
            with self.subTest(person=person.email), self.assertRaises(ProblemsError):
                services.membership_remove(actor=person, membership=self.victor_membership)
        self.assertTrue(Membership.objects.filter(pk=self.victor_membership.pk).exists())

    def test_unknown_role_is_refused(self):
        with self.assertRaises(ProblemsError) as raised:
            services.membership_change_role(
                actor=self.alice, membership=self.bob_membership, role="god"
            )
        self.assertEqual(codes(raised.exception), ["role_invalid"])


class RegulatorTests(PersonaTestCase):
    def test_administrator_creates_a_regulator_with_no_usable_password(self):
        user = services.regulator_create(
            actor=self.ada, email="Rita@Regulator.example", full_name="Rita", role=CASE_OFFICER
        ).user
        self.assertEqual(user.regulator_roles, frozenset({CASE_OFFICER}))
        self.assertIs(user.has_usable_password(), False)
        self.assertIs(user.needs_two_factor, True)

    def test_unknown_regulator_role_is_refused(self):
        with self.assertRaises(ValueError):
            services.regulator_create(
                actor=self.ada, email="r@x.example", full_name="R", role="owner"
            )
        self.assertFalse(User.objects.filter(email="r@x.example").exists())


class TwoFactorTests(PersonaTestCase):
    def test_device_is_confirmed_with_the_code_the_app_shows(self):
        device = services.two_factor_device_start(user=self.nadia)
        code = f"{totp(device.bin_key):06d}"
        confirmed = services.two_factor_device_confirm(user=self.nadia, code=code).device
        self.assertEqual(confirmed.pk, device.pk)
        self.assertIs(confirmed.confirmed, True)

    def test_a_wrong_code_confirms_nothing(self):
        device = services.two_factor_device_start(user=self.nadia)
        wrong = f"{(totp(device.bin_key) + 1) % 1000000:06d}"
        self.assertIsNone(services.two_factor_device_confirm(user=self.nadia, code=wrong).device)
        device.refresh_from_db()
        self.assertIs(device.confirmed, False)

    def test_backup_codes_are_replaced_not_added(self):
        first = services.backup_codes_replace(user=self.olivia)
        second = services.backup_codes_replace(user=self.olivia)
        self.assertEqual(len(second), services.BACKUP_CODE_COUNT)
        stored = set(self.olivia.staticdevice_set.get().token_set.values_list("token", flat=True))
        self.assertEqual(stored, set(second))
        self.assertFalse(stored & set(first))


class SignInRecordsTests(TestCase):
    """Records of sign-ins are kept for 12 months, as the privacy notice says, then deleted."""

    def test_records_older_than_a_year_are_deleted_and_newer_ones_kept(self):
        now = timezone.now()
        for log in (AccessLog, AccessFailureLog, AccessAttempt):
            for age in (364, 366):
                extra = {"failures_since_start": 1} if log is AccessAttempt else {}
                row = log.objects.create(
                    username=f"{log.__name__}-{age}", ip_address="127.0.0.1", **extra
                )
                log.objects.filter(pk=row.pk).update(attempt_time=now - timedelta(days=age))
        self.assertEqual(services.sign_in_records_prune(now), 3)
        for log in (AccessLog, AccessFailureLog, AccessAttempt):
            with self.subTest(log.__name__):
                self.assertEqual(
                    list(log.objects.values_list("username", flat=True)), [f"{log.__name__}-364"]
                )
