"""The inbox in use: a person's own messages, read a page at a time, opened and marked read.

Messages are written straight to the table here (their writing is the services' tests' concern);
what is asserted on (subject, kind, dates, whether read) is set explicitly.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from registry.notifications.models import Delivery, Kind, Notification
from tests.base import PersonaTestCase

keys = itertools.count(1)
INBOX = reverse("notifications:inbox")
MARK_ALL = reverse("notifications:mark-all-read")
SCRIPT = "<script>alert('inbox')</script>"


def notify(recipient, subject: str = "Declaration received", **fields) -> Notification:
    """A message to `recipient`, unread unless `read_at` says otherwise."""
    values = {
        "key": f"test:{next(keys)}",
        "kind": Kind.FILING_RECEIVED,
        "email": recipient.email,
        "body_text": "We have received your declaration.",
        "body_html": "<p>We have received your declaration.</p>",
        "link": "/dashboard/",
    }
    return Notification.objects.create(recipient=recipient, subject=subject, **values | fields)


def message_url(notification: Notification) -> str:
    return reverse("notifications:message", args=[notification.pk])


def mark_read_url(notification: Notification) -> str:
    return reverse("notifications:mark-read", args=[notification.pk])


def minutes_ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


class InboxTests(PersonaTestCase):
    def test_the_inbox_lists_the_persons_messages_newest_first(self):
        notify(self.alice, "Older", created_at=minutes_ago(10), read_at=minutes_ago(5))
        notify(self.alice, "Newer", kind=Kind.CHANGES_REQUESTED, created_at=minutes_ago(1))
        self.sign_in(self.alice)
        response = self.client.get(INBOX)
        self.assertEqual([n.subject for n in response.context["page"]], ["Newer", "Older"])
        self.assertContains(response, "2 messages, newest first")
        self.assertContains(
            response,
            '<strong class="govuk-tag govuk-tag--orange">Changes requested</strong>',
            html=True,
        )
        self.assertContains(
            response,
            '<strong class="govuk-tag govuk-tag--blue">Unread</strong>',
            count=1,
            html=True,
        )
        self.assertContains(response, "<strong>Newer</strong>", html=True)
        self.assertContains(response, "You have 1 unread message.")

    def test_each_subject_leads_to_its_message(self):
        notification = notify(self.alice)
        self.sign_in(self.alice)
        self.assertContains(self.client.get(INBOX), f'href="{message_url(notification)}"')

    def test_nobody_sees_anyone_elses_messages(self):
        notify(self.alice, "For Alice")
        notify(self.bob, "For Bob, of the same organisation")
        notify(self.olivia, "For Olivia")
        self.sign_in(self.bob)
        response = self.client.get(INBOX)
        self.assertEqual(
            [n.subject for n in response.context["page"]], ["For Bob, of the same organisation"]
        )
        self.assertNotContains(response, "For Alice")
        self.assertNotContains(response, "For Olivia")

    def test_messages_come_twenty_a_page(self):
        for n in range(25):
            notify(self.alice, f"Message {n}", created_at=minutes_ago(100 - n))
        self.sign_in(self.alice)
        first = self.client.get(INBOX)
        self.assertEqual(len(first.context["page"]), 20)
        self.assertEqual(first.context["page"][0].subject, "Message 24")
        self.assertContains(first, "Page 1 of 2")
        second = self.client.get(INBOX, {"page": 2})
        self.assertEqual(
            [n.subject for n in second.context["page"]], [f"Message {n}" for n in range(4, -1, -1)]
        )

    def test_an_empty_inbox_says_so_and_offers_nothing_to_mark(self):
        self.sign_in(self.nadia)
        response = self.client.get(INBOX)
        self.assertContains(response, "You have no messages yet.")
        self.assertNotContains(response, MARK_ALL)

    def test_mark_all_as_read_is_offered_only_while_something_is_unread(self):
        notification = notify(self.alice)
        self.sign_in(self.alice)
        self.assertContains(self.client.get(INBOX), f'action="{MARK_ALL}"')
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
        response = self.client.get(INBOX)
        self.assertNotContains(response, MARK_ALL)
        self.assertContains(response, "You have read all your messages.")

    # The inbox, whatever its length (for a provider member):
    #  1. the session
    #  2. the user
    #  3. their regulator groups (the two-factor check, then the navigation)
    #  4. the number of their messages (the paginator)
    #  5. their membership (the navigation)
    #  6. the number unread (the navigation, counted once for the page too)
    #  7. the page of messages, without their bodies
    INBOX_QUERIES = 7

    def test_the_inbox_runs_the_same_queries_for_5_and_50_messages(self):
        self.sign_in(self.alice)
        for count in (5, 50):
            for n in range(count - Notification.objects.count()):
                notify(self.alice, f"Message {n}", read_at=timezone.now() if n % 2 else None)
            with self.subTest(messages=count), self.assertNumQueries(self.INBOX_QUERIES) as run:
                response = self.client.get(INBOX)
            self.assertEqual(len(response.context["page"]), min(count, 20))
            page_query = run.captured_queries[-1]["sql"]
            self.assertIn('"notifications_notification"."subject"', page_query)
            self.assertNotIn("body_html", page_query)
            self.assertNotIn("body_text", page_query)

    # For regulator staff: the session, the user, their authenticator, their regulator groups,
    # the number of messages, the page, the number unread (no membership to look for).
    REGULATOR_INBOX_QUERIES = 7

    def test_a_regulators_inbox_runs_as_few_queries(self):
        for n in range(30):
            notify(self.olivia, f"Review due {n}", kind=Kind.REVIEW_DUE_SOON)
        self.sign_in(self.olivia)
        with self.assertNumQueries(self.REGULATOR_INBOX_QUERIES):
            response = self.client.get(INBOX)
        self.assertContains(response, "Review due soon", count=20)


class MessageTests(PersonaTestCase):
    def test_a_message_shows_its_text_as_paragraphs_and_a_button_to_what_it_is_about(self):
        notification = notify(
            self.alice,
            "Changes requested on Acme Chat",
            kind=Kind.CHANGES_REQUESTED,
            body_text=(
                "The regulator asked for changes.\n\nSee finding 1\nand finding 2.\n\n"
                f"{settings.SITE_URL}/declarations/7/\n"
                "--\nAI Training Data Provenance Register\n"
            ),
            body_html="<p>Only for email clients</p>",
            link="/declarations/7/",
        )
        self.sign_in(self.alice)
        response = self.client.get(message_url(notification))
        self.assertContains(
            response,
            '<h1 class="govuk-heading-l govuk-!-text-break-word">'
            "Changes requested on Acme Chat</h1>",
            html=True,
        )
        self.assertEqual(
            response.context["paragraphs"],
            ["The regulator asked for changes.", "See finding 1\nand finding 2."],
        )
        self.assertContains(response, "See finding 1<br>and finding 2.")
        self.assertNotContains(response, "Only for email clients")
        self.assertNotContains(response, "AI Training Data Provenance Register\n")
        self.assertContains(
            response,
            '<a href="/declarations/7/" role="button" draggable="false" class="govuk-button" '
            'data-module="govuk-button">Open it on the register</a>',
            html=True,
        )

    def test_opening_a_message_leaves_it_unread_until_it_is_marked_read(self):
        notification = notify(self.alice)
        self.sign_in(self.alice)
        response = self.client.get(message_url(notification))
        self.assertContains(response, f'action="{mark_read_url(notification)}"')
        notification.refresh_from_db()
        self.assertIsNone(notification.read_at)

    def test_a_read_message_offers_no_mark_as_read(self):
        notification = notify(self.alice, read_at=timezone.now())
        self.sign_in(self.alice)
        self.assertNotContains(self.client.get(message_url(notification)), "Mark as read")

    def test_only_a_path_on_the_register_becomes_a_button(self):
        self.sign_in(self.alice)
        for link in ("https://phish.example/", "//phish.example/x", "javascript:alert(1)", ""):
            with self.subTest(link=link):
                response = self.client.get(message_url(notify(self.alice, link=link)))
                self.assertEqual(response.context["link"], "")
                self.assertNotContains(response, "Open it on the register")

    def test_a_secret_erased_once_sent_is_explained(self):
        notification = notify(
            self.alice,
            kind=Kind.INVITATION,
            secret=True,
            body_text="",
            body_html="",
            delivery=Delivery.SENT,
            sent_at=timezone.now(),
        )
        self.sign_in(self.alice)
        self.assertContains(
            self.client.get(message_url(notification)), "only the email kept its text"
        )

    def test_someone_elses_message_or_none_at_all_is_not_found(self):
        theirs = notify(self.charlie)
        self.sign_in(self.alice)
        self.assertEqual(self.client.get(message_url(theirs)).status_code, 404)
        missing = reverse("notifications:message", args=[theirs.pk + 1000])
        self.assertEqual(self.client.get(missing).status_code, 404)

    def test_the_back_link_leads_to_the_inbox(self):
        self.sign_in(self.alice)
        response = self.client.get(message_url(notify(self.alice)))
        self.assertContains(
            response, f'<a href="{INBOX}" class="govuk-back-link">Back to messages</a>', html=True
        )


class MarkReadTests(PersonaTestCase):
    def test_marking_a_message_read_returns_to_the_inbox_with_a_banner(self):
        notification = notify(self.alice)
        self.sign_in(self.alice)
        response = self.client.post(mark_read_url(notification), follow=True)
        self.assertEqual(response.redirect_chain, [(INBOX, 302)])
        self.assertIn("Message marked as read", [str(m) for m in response.context["messages"]])
        notification.refresh_from_db()
        self.assertIsNotNone(notification.read_at)

    def test_marking_it_read_again_keeps_the_first_time(self):
        first = minutes_ago(30)
        notification = notify(self.alice, read_at=first)
        self.sign_in(self.alice)
        self.client.post(mark_read_url(notification))
        notification.refresh_from_db()
        self.assertEqual(notification.read_at, first)

    def test_marking_read_takes_a_post(self):
        notification = notify(self.alice)
        self.sign_in(self.alice)
        self.assertEqual(self.client.get(mark_read_url(notification)).status_code, 405)
        self.assertEqual(self.client.get(MARK_ALL).status_code, 405)
        notification.refresh_from_db()
        self.assertIsNone(notification.read_at)

    def test_someone_elses_message_cannot_be_marked_read(self):
        theirs = notify(self.bob)
        self.sign_in(self.alice)
        self.assertEqual(self.client.post(mark_read_url(theirs)).status_code, 404)
        theirs.refresh_from_db()
        self.assertIsNone(theirs.read_at)

    def test_mark_all_as_read_marks_only_the_persons_own_unread_messages(self):
        earlier = minutes_ago(60)
        already = notify(self.alice, "Already read", read_at=earlier)
        for n in range(3):
            notify(self.alice, f"Unread {n}")
        bobs = notify(self.bob, "Bob's")
        self.sign_in(self.alice)
        response = self.client.post(MARK_ALL, follow=True)
        self.assertEqual(response.redirect_chain, [(INBOX, 302)])
        self.assertIn(
            "All your messages are marked as read", [str(m) for m in response.context["messages"]]
        )
        self.assertFalse(
            Notification.objects.filter(recipient=self.alice, read_at__isnull=True).exists()
        )
        already.refresh_from_db()
        bobs.refresh_from_db()
        self.assertEqual(already.read_at, earlier)
        self.assertIsNone(bobs.read_at)
        self.assertNotContains(response, "unread")


class EscapingTests(PersonaTestCase):
    def test_markup_in_a_subject_or_body_is_shown_as_text_everywhere(self):
        notification = notify(
            self.alice, f"Model {SCRIPT}", body_text=f"Named {SCRIPT} by its provider."
        )
        self.sign_in(self.alice)
        pages = {
            "inbox": self.client.get(INBOX),
            "message": self.client.get(message_url(notification)),
            "dashboard": self.client.get(reverse("providers:dashboard")),
        }
        for name, response in pages.items():
            with self.subTest(page=name):
                self.assertNotContains(response, SCRIPT)
                self.assertContains(
                    response, "&lt;script&gt;alert(&#x27;inbox&#x27;)&lt;/script&gt;"
                )


class NavigationTests(PersonaTestCase):
    def messages_item(self, response) -> str:
        """The text of the navigation's "Messages" link, or "" if there is none."""
        content = response.content.decode()
        start = content.find(f'href="{INBOX}"')
        if start == -1:
            return ""
        end = content.index("</a>", start)
        text = content[content.index(">", start) + 1 : end]
        return " ".join(re.sub(r"<[^>]+>", "", text).split())

    def test_signed_in_people_see_messages_with_the_unread_count(self):
        for n in range(3):
            notify(self.bob, f"Message {n}", read_at=timezone.now() if n == 0 else None)
        notify(self.alice, "Not Bob's")
        self.sign_in(self.bob)
        self.assertEqual(
            self.messages_item(self.client.get(reverse("providers:organisation"))),
            "Messages (2 unread)",
        )

    def test_with_nothing_unread_the_item_has_no_count(self):
        notify(self.olivia, read_at=timezone.now())
        for persona in (self.olivia, self.nadia, self.ada):
            with self.subTest(persona.email):
                self.sign_in(persona)
                self.assertEqual(
                    self.messages_item(self.client.get(reverse("accounts:account"))), "Messages"
                )

    def test_messages_come_just_before_the_account(self):
        self.sign_in(self.alice)
        content = self.client.get(reverse("accounts:account")).content.decode()
        self.assertLess(
            content.index(f'href="{INBOX}"'), content.index(f'href="{reverse("accounts:account")}"')
        )

    def test_nobody_signed_in_sees_no_messages_item(self):
        self.assertEqual(self.messages_item(self.client.get(reverse("home"))), "")

    def test_regulators_yet_to_pass_two_factor_see_the_item_without_a_count(self):
        notify(self.olivia)
        self.sign_in(self.olivia, verified=False)
        # the session, the user, whether they have an authenticator, their regulator groups;
        # no count of messages
        with self.assertNumQueries(4):
            response = self.client.get(reverse("accounts:two-factor"))
        self.assertEqual(self.messages_item(response), "Messages")

    def test_the_item_is_marked_current_in_the_inbox(self):
        self.sign_in(self.alice)
        response = self.client.get(INBOX)
        self.assertContains(
            response,
            f'<a class="govuk-service-navigation__link" href="{INBOX}" aria-current="page">'
            '<strong class="govuk-service-navigation__active-fallback">Messages</strong></a>',
            html=True,
        )


class PanelTests(PersonaTestCase):
    def test_the_dashboard_shows_the_latest_three_messages_and_leads_to_the_inbox(self):
        for n in range(4):
            notify(self.bob, f"Message {n}", created_at=minutes_ago(10 - n))
        notify(self.alice, "Alice's own")
        self.sign_in(self.bob)
        response = self.client.get(reverse("providers:dashboard"))
        self.assertEqual(
            [n.subject for n in response.context["latest_notifications"]],
            ["Message 3", "Message 2", "Message 1"],
        )
        self.assertContains(response, "Latest messages")
        self.assertNotContains(response, "Message 0")
        self.assertNotContains(response, "Alice&#x27;s own")
        self.assertContains(
            response,
            f'<a class="govuk-link" href="{INBOX}">All your messages</a> (4 unread)',
            html=True,
        )

    def test_the_dashboard_says_when_there_are_no_messages(self):
        self.sign_in(self.alice)
        self.assertContains(
            self.client.get(reverse("providers:dashboard")), "You have no messages yet."
        )

    def test_the_console_queue_shows_the_regulators_latest_messages(self):
        notify(self.diana, "Review overdue: C-1", kind=Kind.REVIEW_OVERDUE)
        notify(self.olivia, "Olivia's")
        self.sign_in(self.diana)
        queue = self.client.get(reverse("review:console"))
        self.assertContains(queue, "Latest messages")
        self.assertContains(queue, "Review overdue: C-1")
        self.assertNotContains(queue, "Olivia&#x27;s")
        my_cases = self.client.get(reverse("review:my-cases"))
        self.assertNotContains(my_cases, "Latest messages")
