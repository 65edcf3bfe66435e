"""A deployment check: a register in production must be able to sign its log's checkpoints."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from registry.transparency import keys


@checks.register(checks.Tags.security, deploy=True)
def log_key_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The log's key is set and names the log's origin; its witnesses' keys are well formed."""
    errors: list[checks.CheckMessage] = []
    for read in (keys.log_signer, keys.witnesses):
        try:
            read()
        except ImproperlyConfigured as error:
            errors.append(
                checks.Error(
                    str(error),
                    hint="Generate a key with `manage.py log_key --new` and set it as "
                    "TRANSPARENCY_LOG_KEY (README: Configuration)",
                    id="transparency.E001",
                )
            )
    return errors
