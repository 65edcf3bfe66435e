from __future__ import annotations

from io import StringIO
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from registry.accounts.models import Membership, User
from registry.lib.env import env_bool
from registry.providers.models import Provider
from tests.background import BROKER_URL


class HealthTests(TestCase):
    @override_settings(CELERY_BROKER_URL="")
    def test_healthy_without_a_broker(self):
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(), {"status": "ok", "database": "ok", "broker": "not_configured"}
        )

    def test_reachable_broker_is_ok(self):
        if not BROKER_URL:
            self.skipTest("no broker configured (CI points CELERY_BROKER_URL at the local Redis)")
        with override_settings(CELERY_BROKER_URL=BROKER_URL):
            response = self.client.get(reverse("healthz"))
        self.assertEqual(response.json(), {"status": "ok", "database": "ok", "broker": "ok"})

    def test_database_down_is_503(self):
        with mock.patch("registry.views.database_reachable", return_value=False):
            response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "unreachable")

    @override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    def test_unreachable_broker_is_reported_but_not_fatal(self):
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(), {"status": "degraded", "database": "ok", "broker": "unreachable"}
        )


class SecurityHeaderTests(TestCase):
    def test_every_page_carries_the_security_headers(self):
        response = self.client.get(reverse("home"))
        csp = response["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertIn("style-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("unsafe-eval", csp)
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
        self.assertIn("camera=()", response["Permissions-Policy"])
        self.assertIn("X-Request-ID", response)

    def test_no_page_has_inline_script_or_style(self):
        body = self.client.get(reverse("accounts:create")).content.decode()
        self.assertNotRegex(body, r"<script(?![^>]*\bsrc=)[^>]*>")
        self.assertNotIn(" style=", body)
        self.assertNotIn("<style", body)

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_redirected_except_the_health_check(self):
        self.assertEqual(self.client.get(reverse("home"))["Location"], "https://testserver/")
        self.assertEqual(self.client.get(reverse("healthz")).status_code, 200)

    def test_unknown_page_is_a_friendly_404(self):
        self.assertContains(self.client.get("/no-such-page/"), "Page not found", status_code=404)


class EnvironmentTests(TestCase):
    def test_booleans_are_strict(self):
        for raw, expected in (("true", True), ("On", True), ("0", False), ("no", False)):
            with self.subTest(raw), mock.patch.dict("os.environ", {"FLAG": raw}):
                self.assertIs(env_bool("FLAG", False), expected)
        with (
            mock.patch.dict("os.environ", {"FLAG": "maybe"}),
            self.assertRaises(ImproperlyConfigured),
        ):
            env_bool("FLAG", False)

    def test_secrets_can_come_from_files(self):
        import tempfile

        from registry.lib.env import env

        with tempfile.NamedTemporaryFile("w", suffix=".txt") as secret:
            secret.write("from-a-file")
            secret.flush()
            with mock.patch.dict("os.environ", {"SOME_SECRET_FILE": secret.name}):
                self.assertEqual(env.str("SOME_SECRET"), "from-a-file")


class DemoDataTests(TestCase):
    def test_loading_twice_gives_the_same_people_and_organisations(self):
        with override_settings(DEBUG=True):
            call_command("load_demo_data", stdout=StringIO())
            counts = (User.objects.count(), Provider.objects.count(), Membership.objects.count())
            out = StringIO()
            call_command("load_demo_data", stdout=out)
        self.assertEqual(
            (User.objects.count(), Provider.objects.count(), Membership.objects.count()), counts
        )
        self.assertEqual(counts, (7, 2, 4))
        self.assertIn("backup codes:", out.getvalue())
        self.assertIn("alice@acme-ai.example", out.getvalue())

    def test_refused_outside_debug(self):
        from django.core.management.base import CommandError

        with self.assertRaises(CommandError):
            call_command("load_demo_data", stdout=StringIO())
        self.assertEqual(User.objects.count(), 0)
