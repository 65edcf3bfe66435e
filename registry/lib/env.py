"""Read settings from the environment, each also readable from a file named by `<NAME>_FILE`."""

from __future__ import annotations

import environ
from django.core.exceptions import ImproperlyConfigured

# FileAwareEnv looks for `<NAME>_FILE` first, so secrets can come from mounted files.
env = environ.FileAwareEnv()

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean setting, refusing anything that is not clearly true or false."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")
