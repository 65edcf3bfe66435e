from __future__ import annotations

from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from registry.audit.middleware import RequestIdMiddleware
from registry.audit.models import AuditEvent
from registry.audit.services import record
from tests.base import PersonaTestCase


class RecordTests(PersonaTestCase):
    def test_record_keeps_actor_target_change_and_request_id(self):
        def view(request):
            record(
                actor=self.alice,
                action="provider.updated",
                target=self.acme,
                before={"a": 1},
                after={"a": 2},
                reason="typo",
            )
            from django.http import HttpResponse

            return HttpResponse()

        request = RequestFactory().get("/", HTTP_X_REQUEST_ID="lb-request-12345")
        response = RequestIdMiddleware(view)(request)
        event = AuditEvent.objects.get()
        self.assertEqual(response["X-Request-ID"], "lb-request-12345")
        self.assertEqual(
            (event.actor, event.actor_label, event.target_type, event.target_id),
            (self.alice, "alice@acme.example", "providers.provider", str(self.acme.pk)),
        )
        self.assertEqual((event.before, event.after, event.reason), ({"a": 1}, {"a": 2}, "typo"))
        self.assertEqual(event.request_id, "lb-request-12345")

    def test_a_junk_request_id_is_replaced(self):
        request = RequestFactory().get("/", HTTP_X_REQUEST_ID="<script>")
        response = RequestIdMiddleware(lambda r: __import__("django.http").http.HttpResponse())(
            request
        )
        self.assertRegex(response["X-Request-ID"], r"^[0-9a-f]{32}$")

    def test_anonymous_actor_is_recorded_as_system(self):
        event = record(actor=None, action="x.y", target=self.acme)
        self.assertEqual((event.actor, event.actor_label), (None, "system"))


class AppendOnlyTests(PersonaTestCase):
    def setUp(self):
        self.event = record(actor=self.alice, action="provider.updated", target=self.acme)

    def test_the_model_refuses_change_and_delete(self):
        self.event.reason = "rewritten"
        with self.assertRaises(PermissionError):
            self.event.save()
        with self.assertRaises(PermissionError):
            self.event.delete()
        with self.assertRaises(PermissionError):
            AuditEvent.objects.all().update(reason="x")
        with self.assertRaises(PermissionError):
            AuditEvent.objects.all().delete()
        self.assertEqual(AuditEvent.objects.get().reason, "")

    def test_postgresql_refuses_change_and_delete_even_in_raw_sql(self):
        if connection.vendor != "postgresql":
            self.skipTest("the trigger exists on PostgreSQL only")
        for statement in (
            "UPDATE audit_auditevent SET reason = 'x'",
            "DELETE FROM audit_auditevent",
        ):
            with (
                self.subTest(statement),
                self.assertRaises(DatabaseError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        self.assertEqual(AuditEvent.objects.get().reason, "")

    def test_admin_shows_events_but_offers_no_change_or_delete(self):
        self.sign_in(self.ada)
        changelist = self.client.get(reverse("admin:audit_auditevent_changelist"))
        self.assertContains(changelist, "provider.updated")
        url = reverse("admin:audit_auditevent_change", args=[self.event.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')
        self.client.post(url, {"reason": "rewritten"})
        self.assertEqual(
            self.client.get(
                reverse("admin:audit_auditevent_delete", args=[self.event.pk])
            ).status_code,
            403,
        )
        self.assertEqual(AuditEvent.objects.get().reason, "")
