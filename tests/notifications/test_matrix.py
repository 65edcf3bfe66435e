"""Every inbox page and action for every persona: each person's own messages, nobody else's."""

from __future__ import annotations

from django.urls import reverse

from registry.notifications.models import Notification
from tests.matrix import PERSONAS, Matrix, MatrixTestCase, expect, signed_in
from tests.notifications.test_views import mark_read_url, message_url, notify


def alices(test) -> int:
    return test.mine["alice"].pk


# Alice's message: hers to open; anyone else signed in is told it doesn't exist.
ALICE_ONLY = expect("sign-in", 404, 200, 404, 404, 404, 404, 404, 404)

MATRIX: Matrix = {
    "notifications:inbox": ({}, signed_in(200)),
    "notifications:message": ({"notification_id": alices}, ALICE_ONLY),
    # Actions take a POST only: a GET is refused before anything is looked up.
    "notifications:mark-read": ({"notification_id": alices}, signed_in(405)),
    "notifications:mark-all-read": ({}, signed_in(405)),
}

SIGNED_IN = PERSONAS[1:]


class InboxMatrixTests(MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mine = {
            persona: notify(getattr(cls, persona), f"For {persona} only") for persona in SIGNED_IN
        }

    def test_every_inbox_page_for_every_persona(self):
        self.check_matrix(MATRIX)

    def test_everyone_signed_in_reads_their_own_messages_and_no_one_elses(self):
        for persona in SIGNED_IN:
            with self.subTest(persona=persona):
                inbox = self.open_as(persona, reverse("notifications:inbox"))
                self.assertEqual(
                    [n.subject for n in inbox.context["page"]], [f"For {persona} only"]
                )
                own = self.client.get(message_url(self.mine[persona]))
                self.assertContains(own, f"For {persona} only")
                for other, notification in self.mine.items():
                    if other != persona:
                        self.assertEqual(
                            self.client.get(message_url(notification)).status_code, 404
                        )

    def read_at(self) -> dict[str, object]:
        return dict(Notification.objects.values_list("subject", "read_at"))

    def test_marking_read_changes_only_the_persons_own_messages(self):
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                before = self.read_at()
                self.client.logout()
                if persona != "anonymous":
                    self.sign_in(getattr(self, persona))
                if persona != "alice":
                    refused = self.client.post(mark_read_url(self.mine["alice"]))
                    self.assertEqual(refused.status_code, 302 if persona == "anonymous" else 404)
                    self.assertEqual(self.read_at(), before)
                response = self.client.post(reverse("notifications:mark-all-read"))
                changed = {s for s, at in self.read_at().items() if at != before[s]}
                if persona == "anonymous":
                    self.assert_outcome(response, "sign-in")
                    self.assertEqual(changed, set())
                else:
                    self.assertEqual(response["Location"], reverse("notifications:inbox"))
                    self.assertEqual(changed, {f"For {persona} only"})

    def test_anonymous_posts_are_sent_to_sign_in(self):
        self.client.logout()
        response = self.client.post(mark_read_url(self.mine["alice"]))
        self.assert_outcome(response, "sign-in")
        self.assertIsNone(Notification.objects.get(pk=self.mine["alice"].pk).read_at)

    def test_people_yet_to_pass_two_factor_are_sent_to_it_first(self):
        for persona in ("olivia", "diana", "ada"):
            own = {"notification_id": self.mine[persona].pk}
            pages = [("notifications:inbox", {}), ("notifications:message", own)]
            actions = [("notifications:mark-read", own), ("notifications:mark-all-read", {})]
            for name, kwargs in pages + actions:
                with self.subTest(persona=persona, page=name):
                    self.client.logout()
                    self.sign_in(getattr(self, persona), verified=False)
                    url = reverse(name, kwargs=kwargs)
                    response = (
                        self.client.post(url) if (name, kwargs) in actions else self.client.get(url)
                    )
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith(reverse("accounts:two-factor")))
            self.assertIsNone(Notification.objects.get(pk=self.mine[persona].pk).read_at)
