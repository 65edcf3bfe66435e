from __future__ import annotations

from rest_framework import permissions

from registry.accounts.models import ApiKey

SAFE = permissions.SAFE_METHODS


class ProviderKey(permissions.BasePermission):
    """A provider's API key: read keys read, write keys read and write."""

    message = "This key may only read: create a key with the write scope to change filings"

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        return request.method in SAFE or key.can_write


class AnyKey(permissions.BasePermission):
    """Any key of the provider, read or write: for a POST that only reads (a dry run)."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiKey)
