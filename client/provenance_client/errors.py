"""The exceptions of the verification code, under one base class for whatever a forgery causes."""

from __future__ import annotations


class VerificationError(Exception):
    """Something presented as proof of the log's contents did not hold."""


class ProofError(VerificationError):
    """A Merkle inclusion or consistency proof failed to verify, or was malformed."""


class FormatError(VerificationError, ValueError):
    """A signed note, checkpoint or key was not in the form its specification requires."""


class SignatureError(VerificationError):
    """A signed note carried no valid signature by a trusted key, or a bad one by a trusted key."""
