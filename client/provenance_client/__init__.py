"""Offline verification for the AI Training-Data Provenance Register's transparency log.

The register's own code imports these same functions, so that what the register proves and what
anyone can check with this package are one implementation.
"""

from __future__ import annotations

from provenance_client.errors import FormatError, ProofError, SignatureError, VerificationError
from provenance_client.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from provenance_client.note import (
    Checkpoint,
    Note,
    NoteSignature,
    Signer,
    Verifier,
    key_id,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_note,
    sign_checkpoint,
    sign_note,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Checkpoint",
    "FormatError",
    "MerkleTree",
    "Note",
    "NoteSignature",
    "ProofError",
    "SignatureError",
    "Signer",
    "VerificationError",
    "Verifier",
    "consistency_proof",
    "inclusion_proof",
    "key_id",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_note",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "verify_consistency",
    "verify_inclusion",
]
