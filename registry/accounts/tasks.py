"""The accounts' scheduled work: records of sign-ins kept no longer than the privacy notice says."""

from __future__ import annotations

from celery import shared_task

from registry.accounts import services


@shared_task
def prune_sign_in_records() -> int:
    return services.sign_in_records_prune()
