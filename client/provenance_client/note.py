"""C2SP signed notes with Ed25519 keys, verifier keys, and the tlog-checkpoint bodies they carry.

A signed note (c2sp.org/signed-note) is a text ending in a newline, a blank line, then one or more
lines "— <key name> <base64(key ID ‖ signature)>". A checkpoint (c2sp.org/tlog-checkpoint) is a note
whose text is the log's origin, its tree size in decimal and its base64 root hash, then optional
extension lines. Both are followed exactly: anything malformed raises `FormatError`, a signature
that does not hold raises `SignatureError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from provenance_client.errors import FormatError, SignatureError
from provenance_client.merkle import HASH_SIZE

ED25519 = 0x01
"""The signature type byte of Ed25519 note signatures."""
SIGNATURE_PREFIX = "\u2014 "
"""Each signature line starts with an em dash (U+2014) and a space."""
MAX_SIGNATURES = 100
"""More signature lines than this refuse the note; the spec asks verifiers to accept at least 16."""
MAX_TREE_SIZE = 2**64 - 1
PRIVATE_KEY_PREFIX = "PRIVATE+KEY+"

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x09\x0b-\x1f]")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def key_id(name: str, public_key: bytes, signature_type: int = ED25519) -> bytes:
    """Return the 4-byte key ID: SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4]."""
    material = name.encode() + b"\n" + bytes([signature_type]) + public_key
    return hashlib.sha256(material).digest()[:4]


# --- Key strings: "<name>+<hex key ID>+<base64(type byte ‖ key)>", a private one after
# PRIVATE_KEY_PREFIX. Log keys (0x01) and witnesses' cosigning keys (0x04) share the form.


def key_string(name: str, key_id: bytes, signature_type: int, material: bytes) -> str:
    """Return a key as its string: name, hex key ID and base64 of type byte and key."""
    encoded = base64.b64encode(bytes([signature_type]) + material).decode()
    return f"{name}+{key_id.hex()}+{encoded}"


def split_verifier_key(vkey: str, signature_type: int, kind: str) -> tuple[str, str, bytes]:
    """Split a verifier key of this signature type into its name, hex key ID and public key."""
    parts = vkey.split("+", 2)  # the base64 key may itself hold '+'
    if len(parts) != 3:
        raise FormatError("a verifier key is a name, a key ID and a key, separated by '+'")
    name, hex_id, encoded = parts
    material = _decode_base64(encoded, "the verifier key's key")
    if not material or material[0] != signature_type:
        raise FormatError(f"the verifier key is not {kind} (type byte 0x{signature_type:02x})")
    return name, hex_id, material[1:]


def split_private_key(skey: str, signature_type: int) -> tuple[str, str, Ed25519PrivateKey]:
    """Split a private key string of this signature type into its name, hex key ID and key."""
    if not skey.startswith(PRIVATE_KEY_PREFIX):
        raise FormatError(f"a private key string starts with {PRIVATE_KEY_PREFIX!r}")
    parts = skey[len(PRIVATE_KEY_PREFIX) :].split("+", 2)
    if len(parts) != 3:
        raise FormatError("a private key string holds a name, a key ID and a key")
    name, hex_id, encoded = parts
    material = _decode_base64(encoded, "the private key")
    if len(material) != 33 or material[0] != signature_type:
        raise FormatError(
            f"the private key is not a 32-byte Ed25519 seed of type 0x{signature_type:02x}"
        )
    return name, hex_id, Ed25519PrivateKey.from_private_bytes(material[1:])


def check_key_id(hex_id: str, expected: bytes, whose: str) -> None:
    """Refuse a key string whose key ID is not the one its name and key give."""
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id) or bytes.fromhex(hex_id) != expected:
        raise FormatError(f"{whose} ID {hex_id!r} does not match its name and key")


@dataclass(frozen=True)
class Verifier:
    """A trusted Ed25519 public key under its key name, as a verifier of notes."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_key_name(self.name)
        if len(self.public_key) != 32:
            raise FormatError(f"an Ed25519 public key is 32 bytes, not {len(self.public_key)}")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    @classmethod
    def from_verifier_key(cls, vkey: str) -> Verifier:
        """Parse a verifier key "<name>+<hex key ID>+<base64(0x01 ‖ public key)>"."""
        name, hex_id, public_key = split_verifier_key(vkey, ED25519, "an Ed25519 key")
        verifier = cls(name, public_key)
        check_key_id(hex_id, verifier.key_id, "the verifier key's")
        return verifier

    def to_verifier_key(self) -> str:
        """Return this key as a verifier key string, to publish."""
        return key_string(self.name, self.key_id, ED25519, self.public_key)

    def is_valid(self, text: bytes, signature: bytes) -> bool:
        """Say whether `signature` is this key's Ed25519 signature of `text`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """An Ed25519 private key under its key name, to sign notes."""

    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        _check_key_name(self.name)

    @classmethod
    def generate(cls, name: str) -> Signer:
        """Return a signer with a new random key."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_private_key(cls, skey: str) -> Signer:
        """Parse "PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>", Go's note key format."""
        name, hex_id, private_key = split_private_key(skey, ED25519)
        signer = cls(name, private_key)
        check_key_id(hex_id, signer.verifier.key_id, "the private key's")
        return signer

    def to_private_key(self) -> str:
        """Return the key as a private key string, to keep secret in a setting or a file."""
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        key = key_string(self.name, self.verifier.key_id, ED25519, seed)
        return PRIVATE_KEY_PREFIX + key

    @property
    def verifier(self) -> Verifier:
        public = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, public)

    def signature_line(self, text: str) -> str:
        """Return the signature line of this key over a note text."""
        signature = self.verifier.key_id + self.private_key.sign(text.encode())
        return signature_line(self.name, signature)


def signature_line(name: str, signature: bytes) -> str:
    """Return a note's signature line: "— <key name> <base64(key ID ‖ signature)>"."""
    return f"{SIGNATURE_PREFIX}{name} {base64.b64encode(signature).decode()}\n"


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note: the key name, key ID and signature bytes."""

    name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    """A note whose text has been verified, with which of its signatures were verified."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """Return the signed note of `text` (which ends in a newline) with one line per signer."""
    _check_note_text(text)
    if not signers:
        raise ValueError("a signed note needs at least one signer")
    return text + "\n" + "".join(signer.signature_line(text) for signer in signers)


def open_note(note: str | bytes, verifiers: Iterable[Verifier]) -> Note:
    """Verify a signed note against trusted keys and return its text and signatures.

    1. Split the note at its last blank line into the text and the signature lines.
    2. Ignore signatures whose key name and key ID do not both match a trusted key.
    3. Refuse the note if any signature by a trusted key fails, or if none verifies.
    """
    text, signatures = parse_note(note)
    trusted = {(verifier.name, verifier.key_id): verifier for verifier in verifiers}
    verified, unverified = [], []
    for signature in signatures:
        verifier = trusted.get((signature.name, signature.key_id))
        if verifier is None:
            unverified.append(signature)
        elif verifier.is_valid(text.encode(), signature.signature):
            verified.append(signature)
        else:
            raise SignatureError(f"the signature by {signature.name} does not verify")
    if not verified:
        raise SignatureError("the note carries no signature by a trusted key")
    return Note(text, tuple(verified), tuple(unverified))


def parse_note(note: str | bytes) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and its signatures, none of them verified."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FormatError("a signed note must be valid UTF-8") from error
    if _CONTROL_CHARACTERS.search(note):
        raise FormatError("a signed note must contain no control characters other than newline")
    split = note.rfind("\n\n")
    if split == -1:
        raise FormatError("a signed note needs a blank line between its text and its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block:
        raise FormatError("a signed note carries no signature lines")
    if not block.endswith("\n"):
        raise FormatError("a signed note must end with a complete signature line")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise FormatError(f"a signed note may carry at most {MAX_SIGNATURES} signatures")
    return text, [_parse_signature_line(line) for line in lines]


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise FormatError(f"a signature line starts with an em dash and a space: {line[:40]!r}")
    name, space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not space:
        raise FormatError("a signature line holds a key name and a signature, separated by a space")
    _check_key_name(name)
    signature = _decode_base64(encoded, f"the signature by {name}")
    if len(signature) < 5:
        raise FormatError(f"the signature by {name} is too short to hold a key ID and a signature")
    return NoteSignature(name, signature[:4], signature[4:])


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: its origin, its size and its root hash (c2sp.org/tlog-checkpoint)."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise FormatError("a checkpoint's origin must be one non-empty line")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise FormatError(f"a checkpoint's tree size must be between 0 and {MAX_TREE_SIZE}")
        if len(self.root_hash) != HASH_SIZE:
            raise FormatError(f"a checkpoint's root hash is {HASH_SIZE} bytes")
        if any(not line or "\n" in line for line in self.extensions):
            raise FormatError("a checkpoint's extension lines must be non-empty single lines")

    def to_text(self) -> str:
        """Return the checkpoint as the text of a note."""
        root = base64.b64encode(self.root_hash).decode()
        lines = [self.origin, str(self.size), root, *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint from a note's text (its signatures already verified)."""
    _check_note_text(text)
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise FormatError("a checkpoint needs an origin, a tree size and a root hash line")
    origin, size, root, *extensions = lines
    if not _DECIMAL.fullmatch(size):
        raise FormatError(f"a checkpoint's tree size is a decimal without leading zeros: {size!r}")
    root_hash = _decode_base64(root, "the checkpoint's root hash")
    return Checkpoint(origin, int(size), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """Return the checkpoint as a note signed by the log's key."""
    return sign_note(checkpoint.to_text(), [signer])


def open_checkpoint(
    note: str | bytes, verifier: Verifier, *, origin: str | None = None
) -> Checkpoint:
    """Verify a checkpoint signed by the log's key and return it.

    The checkpoint's origin must be `origin`, by default the key's name, so that a checkpoint of
    another log signed by the same key is refused.
    """
    checkpoint = parse_checkpoint(open_note(note, [verifier]).text)
    expected = verifier.name if origin is None else origin
    if checkpoint.origin != expected:
        raise FormatError(f"the checkpoint is of {checkpoint.origin!r}, not {expected!r}")
    return checkpoint


def _check_key_name(name: str) -> None:
    if not name or any(character.isspace() for character in name) or "+" in name:
        raise FormatError(f"a key name must be non-empty, with no spaces and no '+': {name!r}")


def _check_note_text(text: str) -> None:
    if not text.endswith("\n"):
        raise FormatError("a note's text must end with a newline")
    if _CONTROL_CHARACTERS.search(text):
        raise FormatError("a note's text must contain no control characters other than newline")


def _decode_base64(encoded: str, what: str) -> bytes:
    """Decode standard, padded base64, refusing any other spelling of the same bytes."""
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise FormatError(f"{what} is not valid base64") from error
    if base64.b64encode(decoded).decode() != encoded:
        raise FormatError(f"{what} is not in canonical base64")
    return decoded
