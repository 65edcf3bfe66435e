"""The only writer of the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models

from registry.audit.middleware import current_request_id
from registry.audit.models import AuditEvent


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Record one event; call it inside the transaction that makes the change."""
    known_actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=known_actor,
        actor_label=known_actor.email if known_actor else "system",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        before=before,
        after=after,
        reason=reason,
        request_id=current_request_id.get(),
    )
