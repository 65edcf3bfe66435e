"""Codes from an authenticator: a slip followed at once by the right code works; many wrong codes
in a row are slowed down, at sign-in and when adding an app."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts import services
from tests.base import PersonaTestCase


def right(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong(device: TOTPDevice) -> str:
    return f"{(int(right(device)) + 1) % 1_000_000:06d}"


class TwoFactorCodesTestCase(PersonaTestCase):
    def setUp(self):
        self.device = TOTPDevice.objects.get(user=self.olivia)
        self.sign_in(self.olivia, verified=False)
        self.url = reverse("accounts:two-factor") + "?next=" + reverse("review:console")

    def enter(self, code: str):
        return self.client.post(self.url, {"code": code})

    def wind_back(self, device, seconds: float) -> None:
        """Pretend the last wrong code was entered `seconds` earlier."""
        type(device).objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - timedelta(seconds=seconds)
        )


class SignInCodeTests(TwoFactorCodesTestCase):
    def test_a_wrong_code_followed_at_once_by_the_right_one_is_accepted(self):
        response = self.enter(wrong(self.device))
        self.assertContains(response, "The code is not correct or has been used")
        self.assertRedirects(self.enter(right(self.device)), reverse("review:console"))
        self.device.refresh_from_db()
        self.assertEqual(self.device.throttling_failure_count, 0)

    def test_a_backup_code_after_a_slip_is_accepted_too(self):
        code = services.backup_codes_replace(user=self.olivia)[0]
        self.enter("00000000")
        self.assertRedirects(self.enter(code), reverse("review:console"))

    def test_many_wrong_codes_in_a_row_are_slowed_down_even_before_the_right_one(self):
        self.enter(wrong(self.device))
        self.assertContains(self.enter(wrong(self.device)), "The code is not correct")
        response = self.enter(wrong(self.device))
        self.assertContains(response, "You have entered several wrong codes. Wait 1 second,")
        response = self.enter(right(self.device))
        self.assertContains(response, "Wait 1 second")
        self.assertNotIn("otp_device_id", self.client.session)
        self.device.refresh_from_db()
        # A try refused unchecked is not counted: waiting is enough, the wait does not grow.
        self.assertEqual(self.device.throttling_failure_count, 2)
        self.wind_back(self.device, 1)
        self.assertContains(self.enter(wrong(self.device)), "The code is not correct")
        self.assertContains(self.enter(right(self.device)), "Wait 2 seconds")
        self.wind_back(self.device, 2)
        self.assertRedirects(self.enter(right(self.device)), reverse("review:console"))

    def test_the_wait_doubles_with_each_wrong_code_after_the_first(self):
        now = timezone.now()
        device = self.device
        device.throttling_failure_timestamp = now
        for failures, wait in ((0, 0), (1, 0), (2, 1), (3, 2), (4, 4), (5, 8)):
            with self.subTest(failures=failures):
                device.throttling_failure_count = failures
                self.assertEqual(services.two_factor_wait(device, now), wait)
        device.throttling_failure_count = 5
        self.assertEqual(services.two_factor_wait(device, now + timedelta(seconds=8)), 0)

    def test_no_code_input_is_a_server_error(self):
        for code in ("", " ", "abc", "1" * 16, "12 34 56", "\x00"):
            with self.subTest(code=code):
                self.assertLess(self.enter(code).status_code, 500)


class AddingAnAppCodeTests(TwoFactorCodesTestCase):
    def setUp(self):
        super().setUp()
        TOTPDevice.objects.filter(user=self.olivia).delete()
        self.set_up_url = reverse("accounts:two-factor-set-up")
        self.client.get(self.set_up_url)
        self.new_device = TOTPDevice.objects.get(user=self.olivia, confirmed=False)

    def confirm(self, code: str):
        return self.client.post(self.set_up_url, {"code": code})

    def test_a_wrong_code_followed_at_once_by_the_right_one_adds_the_app(self):
        self.assertContains(self.confirm(wrong(self.new_device)), "The code is not correct")
        self.assertContains(self.confirm(right(self.new_device)), "Your backup codes")
        self.new_device.refresh_from_db()
        self.assertIs(self.new_device.confirmed, True)

    def test_many_wrong_codes_in_a_row_are_slowed_down(self):
        for _ in range(3):
            self.confirm(wrong(self.new_device))
        self.assertContains(self.confirm(right(self.new_device)), "Wait 1 second")
        self.new_device.refresh_from_db()
        self.assertIs(self.new_device.confirmed, False)
        self.wind_back(self.new_device, 1)
        self.assertContains(self.confirm(right(self.new_device)), "Your backup codes")
