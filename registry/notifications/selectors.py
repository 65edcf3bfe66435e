"""Reads of a person's inbox: their own notifications, newest first, and how many are unread."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.http import url_has_allowed_host_and_scheme

from registry.accounts.models import User
from registry.notifications.models import Notification

INBOX_PAGE_SIZE = 20
LATEST_COUNT = 3
# Lists never show a body; the HTML one is for email clients only and is never shown in a page.
NOT_LISTED = ("body_text", "body_html", "last_error")
# The plain-text email ends with a signature after a "--" line, which the inbox doesn't need.
SIGNATURE = re.compile(r"^--\s*$", re.MULTILINE)
BLANK_LINES = re.compile(r"\n\s*\n")


def user_notifications(user: User) -> QuerySet[Notification]:
    """The person's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def inbox_page(user: User, page_number: str | None) -> Page:
    """One page of the person's inbox, without the messages' bodies."""
    listed = user_notifications(user).defer(*NOT_LISTED)
    return Paginator(listed, INBOX_PAGE_SIZE).get_page(page_number)


def latest_notifications(user: User, count: int = LATEST_COUNT) -> list[Notification]:
    return list(user_notifications(user).defer(*NOT_LISTED)[:count])


def unread_count(user: User) -> int:
    return user_notifications(user).filter(read_at__isnull=True).count()


def notification_for_recipient(user: User, notification_id: int) -> Notification | None:
    """The notification if it was sent to this person; None if it is someone else's or gone."""
    return user_notifications(user).filter(pk=notification_id).first()


def message_paragraphs(notification: Notification) -> list[str]:
    """The text body as paragraphs, without the email's signature or the link (a button)."""
    text = SIGNATURE.split(notification.body_text, maxsplit=1)[0]
    address = settings.SITE_URL + notification.link
    paragraphs = (paragraph.strip() for paragraph in BLANK_LINES.split(text))
    return [p for p in paragraphs if p and not (notification.link and p == address)]


def message_link(notification: Notification) -> str:
    """The path the message is about, or "" unless it is a path on the register itself."""
    link = notification.link
    on_register = link.startswith("/") and url_has_allowed_host_and_scheme(
        link, allowed_hosts=set()
    )
    return link if on_register else ""
