"""The log's signing key and the witnesses it trusts, from settings.

The key is read from TRANSPARENCY_LOG_KEY, else from TRANSPARENCY_LOG_KEY_PATH; its name must be
the log's origin, since a checkpoint is verified against the key named by its origin line.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from provenance_client.cosignature import CosignatureVerifier
from provenance_client.errors import FormatError
from provenance_client.note import Signer, Verifier


def log_signer() -> Signer:
    """The log's private key, or ImproperlyConfigured saying how to give it one."""
    text = settings.TRANSPARENCY_LOG_KEY.strip()
    if not text:
        path = Path(settings.TRANSPARENCY_LOG_KEY_PATH)
        if not path.exists():
            raise ImproperlyConfigured(
                "The transparency log has no key: set TRANSPARENCY_LOG_KEY, or create "
                f"{path} with `manage.py log_key --create`"
            )
        text = path.read_text().strip()
    try:
        signer = Signer.from_private_key(text)
    except FormatError as error:
        raise ImproperlyConfigured(f"The transparency log's key is not valid: {error}") from error
    if signer.name != settings.TRANSPARENCY_LOG_ORIGIN:
        raise ImproperlyConfigured(
            f"The transparency log's key is named {signer.name!r}, but the log's origin is "
            f"{settings.TRANSPARENCY_LOG_ORIGIN!r}: a key signs for one log only"
        )
    return signer


def log_verifier() -> Verifier:
    """The log's public key: what the register publishes for anyone to verify with."""
    return log_signer().verifier


def key_create(path: Path) -> Signer:
    """Write a new key for the log's origin to `path`, readable by its owner only."""
    signer = Signer.generate(settings.TRANSPARENCY_LOG_ORIGIN)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(signer.to_private_key() + "\n")
    return signer


def witnesses() -> list[CosignatureVerifier]:
    """The witnesses named in settings, whose cosignatures the log accepts and serves."""
    try:
        return [
            CosignatureVerifier.from_verifier_key(key) for key in settings.TRANSPARENCY_WITNESSES
        ]
    except FormatError as error:
        raise ImproperlyConfigured(f"TRANSPARENCY_WITNESSES holds a bad key: {error}") from error
