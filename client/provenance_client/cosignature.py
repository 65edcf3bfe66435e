"""C2SP tlog-cosignature: witnesses' Ed25519 cosignatures of checkpoints ("cosignature/v1").

A witness that has checked a checkpoint is consistent with every earlier one it saw adds a note
signature line of its own. It differs from the log's signature in three ways, all so that neither
can pass for the other: its key ID is computed with type byte 0x04, not 0x01; it signs
"cosignature/v1\\ntime <t>\\n" followed by the checkpoint text, not the text alone; and its
signature bytes are the key ID, the timestamp as a big-endian u64, then the Ed25519 signature.
Only the Ed25519 type is here; ML-DSA-44 cosignatures (type 0x06) are ignored like unknown keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from provenance_client.errors import FormatError, SignatureError
from provenance_client.note import (
    PRIVATE_KEY_PREFIX,
    NoteSignature,
    Verifier,
    _check_key_name,
    check_key_id,
    key_id,
    key_string,
    parse_checkpoint,
    parse_note,
    signature_line,
    split_private_key,
    split_verifier_key,
)

COSIGNATURE_V1 = 0x04
"""The signature type byte of Ed25519 cosignatures, in key IDs and verifier keys."""
MAX_TIMESTAMP = 2**63 - 1
"""The spec caps a cosignature's timestamp here, though it is encoded as a u64."""
TIMESTAMP_SIZE = 8
ED25519_SIGNATURE_SIZE = 64


def cosignature_message(checkpoint_text: str, timestamp: int) -> bytes:
    """Return what a cosignature signs: its header and time lines, then the checkpoint text."""
    _check_timestamp(timestamp)
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True)
class CosignatureVerifier:
    """A witness's Ed25519 public key under its name, to check its cosignatures."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        Verifier(self.name, self.public_key)  # the same rules for names and keys as a log's

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key, COSIGNATURE_V1)

    @classmethod
    def from_verifier_key(cls, vkey: str) -> CosignatureVerifier:
        """Parse a verifier key "<name>+<hex key ID>+<base64(0x04 ‖ public key)>"."""
        kind = "an Ed25519 cosigner key"
        name, hex_id, public_key = split_verifier_key(vkey, COSIGNATURE_V1, kind)
        verifier = cls(name, public_key)
        check_key_id(hex_id, verifier.key_id, "the verifier key's")
        return verifier

    def to_verifier_key(self) -> str:
        """Return this key as a verifier key string, to publish."""
        return key_string(self.name, self.key_id, COSIGNATURE_V1, self.public_key)

    def verify(self, checkpoint_text: str, signature: NoteSignature) -> int:
        """Check this witness's cosignature of a checkpoint text and return its timestamp."""
        if signature.name != self.name or signature.key_id != self.key_id:
            raise SignatureError(f"the signature by {signature.name} is not one by {self.name}")
        if len(signature.signature) != TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE:
            raise SignatureError(f"the cosignature by {self.name} is not a timestamped signature")
        timestamp = int.from_bytes(signature.signature[:TIMESTAMP_SIZE], "big")
        if timestamp > MAX_TIMESTAMP:
            raise SignatureError(f"the cosignature by {self.name} has a timestamp over 2^63 - 1")
        message = cosignature_message(checkpoint_text, timestamp)
        ed25519 = Verifier(self.name, self.public_key)
        if not ed25519.is_valid(message, signature.signature[TIMESTAMP_SIZE:]):
            raise SignatureError(f"the cosignature by {self.name} does not verify")
        return timestamp


@dataclass(frozen=True)
class CosignatureSigner:
    """A witness's Ed25519 private key under its name, to cosign checkpoints."""

    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        _check_key_name(self.name)

    @classmethod
    def generate(cls, name: str) -> CosignatureSigner:
        """Return a cosigner with a new random key."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_private_key(cls, skey: str) -> CosignatureSigner:
        """Parse "PRIVATE+KEY+<name>+<hex key ID>+<base64(0x04 ‖ seed)>"."""
        name, hex_id, private_key = split_private_key(skey, COSIGNATURE_V1)
        signer = cls(name, private_key)
        check_key_id(hex_id, signer.verifier.key_id, "the private key's")
        return signer

    def to_private_key(self) -> str:
        """Return the key as a private key string, to keep secret."""
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        key = key_string(self.name, self.verifier.key_id, COSIGNATURE_V1, seed)
        return PRIVATE_KEY_PREFIX + key

    @property
    def verifier(self) -> CosignatureVerifier:
        public = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return CosignatureVerifier(self.name, public)

    def cosign(self, checkpoint_text: str, timestamp: int) -> str:
        """Return this witness's signature line over a checkpoint text, made at `timestamp`.

        The text must parse as a checkpoint: a witness vouches for tree heads, not for any note.
        """
        parse_checkpoint(checkpoint_text)
        signature = self.private_key.sign(cosignature_message(checkpoint_text, timestamp))
        material = self.verifier.key_id + timestamp.to_bytes(TIMESTAMP_SIZE, "big") + signature
        return signature_line(self.name, material)


def cosignatures(note: str | bytes, witnesses: Sequence[CosignatureVerifier]) -> dict[str, int]:
    """Return witness name → timestamp for each known witness that cosigned a checkpoint note.

    1. Split the note into its text and signature lines; the log's own signature is not checked
       here (`open_checkpoint` does that).
    2. Ignore lines whose name and key ID match no known witness.
    3. Refuse the note if a known witness's cosignature fails, as signed-note asks of a trusted
       key's bad signature. Of two cosignatures by one witness, the later timestamp is kept.
    """
    text, signatures = parse_note(note)
    known = {(witness.name, witness.key_id): witness for witness in witnesses}
    cosigned: dict[str, int] = {}
    for signature in signatures:
        witness = known.get((signature.name, signature.key_id))
        if witness is not None:
            timestamp = witness.verify(text, signature)
            cosigned[witness.name] = max(timestamp, cosigned.get(witness.name, timestamp))
    return cosigned


def add_signature_lines(note: str, lines: Sequence[str]) -> str:
    """Return a signed note with more signature lines after its own, each line once.

    A witness answers with signature lines alone; this puts them on the checkpoint they sign.
    Each line may end in its newline or not. The result is parsed, so that a malformed line is
    refused here rather than published.
    """
    parse_note(note)
    present = set(note[note.rfind("\n\n") + 2 : -1].split("\n"))
    added = []
    for line in lines:
        bare = line.removesuffix("\n")
        if not bare or "\n" in bare:
            raise FormatError(f"a signature line must be one non-empty line: {line[:40]!r}")
        if bare not in present:
            present.add(bare)
            added.append(bare + "\n")
    combined = note + "".join(added)
    parse_note(combined)
    return combined


def _check_timestamp(timestamp: int) -> None:
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"a cosignature's timestamp is between 0 and 2^63 - 1, not {timestamp}")
