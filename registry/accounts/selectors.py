"""Reads for accounts."""

from __future__ import annotations

from base64 import b32encode

from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.models import User


def has_authenticator(user: User) -> bool:
    """Whether the person has confirmed an authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def authenticator_secret(device: TOTPDevice) -> str:
    """The app's secret as base32, for people who type it in instead of scanning the QR code."""
    return b32encode(device.bin_key).decode().rstrip("=")
