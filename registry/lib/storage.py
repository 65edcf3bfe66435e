"""Where private files (red-team reports) live: never under a public URL."""

from __future__ import annotations

from django.core.files.storage import storages


def private_storage():
    """The "private" storage from settings, looked up when used so tests can swap it."""
    return storages["private"]
