"""What the service's own pages state about it, read from the settings that decide it.

The cookies page and the terms of use are built from these, so they cannot drift from what the
service actually does when a setting changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

UNITS = (("week", 7 * 24 * 60 * 60), ("day", 24 * 60 * 60), ("hour", 60 * 60), ("minute", 60))
RATE_PERIODS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}
AT_BROWSER_CLOSE = "When you close your browser"


@dataclass(frozen=True)
class Cookie:
    """A cookie the service sets: its name, why, and when it expires."""

    name: str
    purpose: str
    expires: str


@dataclass(frozen=True)
class RateLimit:
    """How many API requests one kind of client may make, in words."""

    who: str
    allowed: str


def service_cookies() -> list[Cookie]:
    """List every cookie the service sets, with its name and lifetime as configured."""
    cookies = [session_cookie()]
    if not settings.CSRF_USE_SESSIONS:
        cookies.append(
            Cookie(
                name=settings.CSRF_COOKIE_NAME,
                purpose=(
                    "Makes sure that a form sent to the service was filled in on the service, "
                    "not on another website (protection against cross-site request forgery)"
                ),
                expires=duration_in_words(settings.CSRF_COOKIE_AGE),
            )
        )
    if messages_use_a_cookie():
        cookies.append(
            Cookie(
                name=CookieStorage.cookie_name,
                purpose=(
                    "Carries a one-off message to the next page you see, such as "
                    "“You have signed out”; it is removed once the message is shown"
                ),
                expires=AT_BROWSER_CLOSE,
            )
        )
    if language_can_be_chosen():
        cookies.append(
            Cookie(
                name=settings.LANGUAGE_COOKIE_NAME,
                purpose="Remembers the language you chose for the service",
                expires=duration_in_words(settings.LANGUAGE_COOKIE_AGE),
            )
        )
    return cookies


def session_cookie() -> Cookie:
    expires = (
        AT_BROWSER_CLOSE
        if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        else duration_in_words(settings.SESSION_COOKIE_AGE)
    )
    return Cookie(
        name=settings.SESSION_COOKIE_NAME,
        purpose=(
            "Keeps you signed in, and remembers that you entered a code from your "
            "authenticator app; set when you sign in"
        ),
        expires=expires,
    )


def messages_use_a_cookie() -> bool:
    """Say whether Django's messages travel in a cookie, as they do by default."""
    storage = import_string(settings.MESSAGE_STORAGE)
    return issubclass(storage, CookieStorage) or CookieStorage in getattr(
        storage, "storage_classes", ()
    )


def language_can_be_chosen() -> bool:
    """Say whether Django's language switch is routed: only it sets the language cookie."""
    try:
        reverse("set_language")
    except NoReverseMatch:
        return False
    return True


def duration_in_words(seconds: int | None) -> str:
    """Say a cookie's lifetime in the largest whole unit: "8 hours", "52 weeks"."""
    if not seconds:
        return AT_BROWSER_CLOSE
    for unit, length in UNITS:
        if seconds % length == 0:
            return counted(seconds // length, unit)
    return counted(seconds, "second")


def counted(number: int, unit: str) -> str:
    return f"{number:,} {unit}{'' if number == 1 else 's'}"


def api_rate_limits() -> list[RateLimit]:
    """Say the API's rate limits as configured: per API key, and per client without one."""
    limits = settings.API_RATE_LIMITS
    return [
        RateLimit(who="With an API key, for each key", allowed=rate_in_words(limits["key"])),
        RateLimit(
            who="Without a key, for each client address",
            allowed=rate_in_words(limits["anonymous"]),
        ),
    ]


def rate_in_words(rate: str) -> str:
    """Turn a rate as Django REST framework writes it ("600/min") into "600 requests a minute"."""
    number, _, period = rate.partition("/")
    unit = RATE_PERIODS.get(period[:1])
    if not number.strip().isdigit() or unit is None:
        return rate
    article = "an" if unit == "hour" else "a"
    return f"{counted(int(number), 'request')} {article} {unit}"
