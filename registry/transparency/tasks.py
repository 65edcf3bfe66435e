"""The log's tasks: integrate what publishing acts left pending, and the sweep. Both are safe to
run twice or at once: the sequencer's row lock lets one through at a time."""

from __future__ import annotations

from celery import shared_task

from registry.transparency import services


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=5, max_retries=3)
def integrate_log(self) -> int:
    """Integrate every pending leaf, sign a checkpoint and write the tiles; return how many."""
    return services.log_publish()


@shared_task
def log_sweep() -> int:
    return services.log_sweep()
