"""The service navigation, by role."""

from __future__ import annotations

from django.urls import reverse


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    path = request.path
    items = [(label, reverse(name)) for label, name in nav_links(user)]
    return {
        "nav_items": [
            {
                "label": label,
                "url": url,
                "active": path == url or (url != "/" and path.startswith(url)),
            }
            for label, url in items
        ]
    }


def nav_links(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return [("Sign in", "accounts:sign-in"), ("Create an account", "accounts:create")]
    links: list[tuple[str, str]] = []
    if user.is_regulator:
        links.append(("Console", "review:console"))
    elif user.is_regulator_side:
        pass  # an administrator: the admin link below is their way in
    elif hasattr(user, "membership"):
        links += [
            ("Dashboard", "providers:dashboard"),
            ("Models", "declarations:models"),
            ("Organisation", "providers:organisation"),
        ]
    else:
        links.append(("Register your organisation", "providers:register"))
    if user.is_staff:
        links.append(("Admin", "admin:index"))
    links += [("Your account", "accounts:account"), ("Sign out", "accounts:sign-out")]
    return links
