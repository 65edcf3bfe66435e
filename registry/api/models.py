from __future__ import annotations

from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """A POST made with an Idempotency-Key: replayed, not redone, when the same key comes again."""

    api_key = models.ForeignKey("accounts.ApiKey", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_sha256 = models.CharField(max_length=64)
    # Empty while the first request is still being processed.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # JSON as text, not jsonb: PostgreSQL's jsonb refuses a \u0000 that a request may echo back.
    response_body = models.TextField(blank=True, default="")
    # The headers a client acts on next (see idempotency.REPLAYED_HEADERS), replayed with the body.
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "key"], name="idempotency_key_unique_per_api_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.key}"
