"""Rate limits per API key and per anonymous client, announced in RateLimit headers."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from registry.accounts.models import ApiKey


class AnnouncedThrottle(SimpleRateThrottle):
    """A throttle that leaves its limit, what remains and when it resets on the request."""

    num_requests: int
    duration: int

    def get_rate(self) -> str:
        # Read on use, not at import, so settings (and tests) can change the limits.
        return settings.API_RATE_LIMITS[str(self.scope)]

    def allow_request(self, request, view) -> bool:
        allowed = super().allow_request(request, view)
        if self.key is not None:
            window = int(self.duration)
            remaining = max(self.num_requests - len(self.history), 0)
            oldest = self.history[-1] if self.history else self.now
            reset = max(int(window - (self.now - oldest)), 0)
            request.rate_limit = (self.num_requests, remaining, reset, window)
        return allowed


class KeyThrottle(AnnouncedThrottle):
    scope = "key"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


class AnonymousThrottle(AnnouncedThrottle):
    scope = "anonymous"

    def get_cache_key(self, request, view) -> str | None:
        if request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def rate_limit_headers(request) -> dict[str, str]:
    """`RateLimit` and `RateLimit-Policy` (IETF httpapi draft) for the request's throttle."""
    limit = getattr(request, "rate_limit", None)
    if limit is None:
        return {}
    allowed, remaining, reset, window = limit
    return {
        "RateLimit": f"limit={allowed}, remaining={remaining}, reset={reset}",
        "RateLimit-Policy": f"{allowed};w={window}",
    }
