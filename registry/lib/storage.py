"""Where private files (red-team reports) live: never under a public URL."""

from __future__ import annotations

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    """The "private" storage from settings, found on first use and again after settings change."""

    _wrapped: object

    def _setup(self):
        self._wrapped = storages["private"]


_private = PrivateStorage()


def private_storage():
    # A FileField calls this once, when its model is defined; handing it the lazy proxy (rather
    # than the storage itself) is what lets a test swap STORAGES and have the field follow.
    return _private


@receiver(setting_changed)
def private_storage_reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty
