"""What one leaf of the log records: canonical JSON, the records it hashes, and salted commitments.

A leaf is the canonical JSON (RFC 8785) of one publishing act: which filing and version, when, and
the SHA-256 of its snapshot, its public record and its PDF. Values only the regulator may see go in
as salted commitments under one Merkle root, so that the regulator can later open one of them (show
the value, its salt and its path to the root) without revealing any other.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeGuard

import rfc8785

from provenance_client.errors import FormatError, ProofError
from provenance_client.merkle import MerkleTree, leaf_hash, verify_inclusion

DECLARATION_CONTEXT = (
    "provider",
    "versions",
    "ownership",
    "control",
    "public_alerts",
    "lineage",
    "transparency",
)
"""Label members that change with other filings or with time: the declaration's leaf omits them."""

ACTS = ("accepted", "superseded", "withdrawn", "pdf_issued", "corrected")
FILING_KINDS = ("declaration", "ownership")
NUMBER_PATTERNS = {
    "declaration": re.compile(r"MOD-[0-9]{6}"),
    "ownership": re.compile(r"PRV-[0-9]{6}"),
}
PROVIDER_NUMBER = re.compile(r"PRV-[0-9]{6}")
LEAF_MEMBERS = (
    "act",
    "filing",
    "time",
    "snapshot_sha256",
    "label_sha256",
    "pdf_sha256",
    "commitments",
)
FILING_MEMBERS = ("kind", "number", "provider", "version")
COMMITMENTS_MEMBERS = ("count", "root")

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_UTC_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def canonical(value: Any) -> bytes:
    """Return the canonical JSON (RFC 8785) of a value, refusing what JSON cannot hold exactly."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as error:
        raise FormatError(f"the value has no canonical JSON form: {error}") from error


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of some bytes in lower-case hex."""
    return hashlib.sha256(data).hexdigest()


def declaration_record(label: Mapping[str, Any]) -> dict[str, Any]:
    """Return the part of a model's label that its declaration's leaf covers."""
    return {key: value for key, value in label.items() if key not in DECLARATION_CONTEXT}


def ownership_record(label: Mapping[str, Any]) -> dict[str, Any]:
    """Return the part of a label that the provider's ownership statement's leaf covers."""
    return {key: label[key] for key in ("provider", "ownership", "control")}


def record_sha256(record: Mapping[str, Any]) -> str:
    """Return the SHA-256 of a record's canonical JSON, as a leaf's label_sha256 holds it."""
    return sha256_hex(canonical(record))


def derive_salt(secret: bytes, pointer: str) -> bytes:
    """Return the salt of one value: HMAC-SHA256 of its pointer under the leaf's secret.

    Each value gets its own salt, so that opening one value reveals nothing about another's.
    """
    return hmac.new(secret, pointer.encode(), hashlib.sha256).digest()


def commitment(salt: bytes, value: Any) -> str:
    """Return the commitment to a value: SHA-256(salt ‖ canonical JSON of the value), in hex."""
    return sha256_hex(salt + canonical(value))


def commitment_leaf(pointer: str, digest: str) -> bytes:
    """Return the leaf of one commitment in the tree whose root a log leaf records."""
    return canonical({"pointer": pointer, "sha256": digest})


def commit(secret: bytes, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return {"count", "root"}: the Merkle root over the values' commitments, in pointer order."""
    tree = _commitment_tree(secret, values)
    return {"count": tree.size, "root": tree.root().hex()}


def open_commitment(secret: bytes, values: Mapping[str, Any], pointer: str) -> dict[str, Any]:
    """Return the opening of one committed value: the value, its salt and its path to the root."""
    if pointer not in values:
        raise KeyError(f"no value is committed at {pointer!r}")
    tree = _commitment_tree(secret, values)
    index = sorted(values).index(pointer)
    return {
        "pointer": pointer,
        "value": values[pointer],
        "salt": derive_salt(secret, pointer).hex(),
        "index": index,
        "count": tree.size,
        "proof": [node.hex() for node in tree.inclusion_proof(index)],
    }


def verify_opening(opening: Mapping[str, Any], commitments: Mapping[str, Any]) -> None:
    """Check that an opened value is the one a leaf's commitments committed to, or raise.

    1. Check the opening's and the commitments' members have their types.
    2. Recompute the commitment from the salt and the value, and its commitment leaf.
    3. Check the leaf's path leads to the committed root, at the committed count.
    """
    pointer, salt, index, proof = _opening_members(opening)
    count, root = _commitments_members(commitments)
    if not _is_count(opening.get("count")) or opening["count"] != count:
        raise ProofError(
            f"the opening of {pointer} is for {opening.get('count')!r} values, "
            f"but the leaf committed to {count}"
        )
    if count == 0:
        raise ProofError(f"the leaf committed to no values, so {pointer} cannot be opened")
    leaf = commitment_leaf(pointer, commitment(salt, opening.get("value")))
    try:
        verify_inclusion(
            leaf_hash=leaf_hash(leaf), index=index, tree_size=count, proof=proof, root=root
        )
    except ProofError as error:
        raise ProofError(
            f"the opening of {pointer} does not match the commitment: {error}"
        ) from error


def parse_leaf(data: bytes) -> dict[str, Any]:
    """Parse a log leaf, refusing anything but the canonical JSON of a well-formed leaf."""
    try:
        leaf = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FormatError("the leaf is not UTF-8 JSON") from error
    if not isinstance(leaf, dict):
        raise FormatError("the leaf is not a JSON object")
    if canonical(leaf) != data:
        raise FormatError("the leaf is not in canonical JSON (RFC 8785)")
    _check_members(leaf, LEAF_MEMBERS, "the leaf")
    _check_choice(leaf["act"], ACTS, "the leaf's act")
    _check_filing(leaf["filing"])
    _check_time(leaf["time"])
    for name in ("snapshot_sha256", "label_sha256"):
        _check_sha256(leaf[name], f"the leaf's {name}")
    if leaf["pdf_sha256"] is not None:
        _check_sha256(leaf["pdf_sha256"], "the leaf's pdf_sha256")
    _commitments_members(leaf["commitments"])
    return leaf


def _commitment_tree(secret: bytes, values: Mapping[str, Any]) -> MerkleTree:
    tree = MerkleTree()
    for pointer in sorted(values):
        digest = commitment(derive_salt(secret, pointer), values[pointer])
        tree.append(commitment_leaf(pointer, digest))
    return tree


def _opening_members(opening: Mapping[str, Any]) -> tuple[str, bytes, int, list[bytes]]:
    pointer, salt, index, proof = (
        opening.get(key) for key in ("pointer", "salt", "index", "proof")
    )
    if not isinstance(pointer, str):
        raise FormatError("the opening names no pointer")
    if not isinstance(salt, str) or not _SHA256_HEX.fullmatch(salt):
        raise FormatError(f"the opening of {pointer}'s salt is not 32 bytes of hex")
    if not _is_count(index):
        raise FormatError(f"the opening of {pointer}'s index is not a non-negative integer")
    if not isinstance(proof, list) or not all(
        isinstance(node, str) and _SHA256_HEX.fullmatch(node) for node in proof
    ):
        raise FormatError(f"the opening of {pointer}'s proof is not a list of hex hashes")
    return pointer, bytes.fromhex(salt), index, [bytes.fromhex(node) for node in proof]


def _commitments_members(commitments: Any) -> tuple[int, bytes]:
    if not isinstance(commitments, Mapping):
        raise FormatError("the leaf's commitments are not a JSON object")
    _check_members(commitments, COMMITMENTS_MEMBERS, "the leaf's commitments")
    count, root = commitments["count"], commitments["root"]
    if not _is_count(count):
        raise FormatError("the leaf's commitment count is not a non-negative integer")
    _check_sha256(root, "the leaf's commitment root")
    return count, bytes.fromhex(root)


def _check_filing(filing: Any) -> None:
    if not isinstance(filing, dict):
        raise FormatError("the leaf's filing is not a JSON object")
    _check_members(filing, FILING_MEMBERS, "the leaf's filing")
    _check_choice(filing["kind"], FILING_KINDS, "the leaf's filing kind")
    number = filing["number"]
    if not isinstance(number, str) or not NUMBER_PATTERNS[filing["kind"]].fullmatch(number):
        raise FormatError(f"the leaf's filing number {number!r} is not a {filing['kind']}'s")
    provider = filing["provider"]
    if not isinstance(provider, str) or not PROVIDER_NUMBER.fullmatch(provider):
        raise FormatError(f"the leaf's provider {provider!r} is not a PRV- number")
    if not _is_count(filing["version"]) or filing["version"] < 1:
        raise FormatError("the leaf's filing version is not a positive integer")


def _check_members(value: Mapping[str, Any], members: tuple[str, ...], what: str) -> None:
    missing = [name for name in members if name not in value]
    if missing:
        raise FormatError(f"{what} lacks {', '.join(missing)}")
    unknown = sorted(set(value) - set(members))
    if unknown:
        raise FormatError(f"{what} has members this client does not know: {', '.join(unknown)}")


def _check_choice(value: Any, choices: tuple[str, ...], what: str) -> None:
    if value not in choices:
        raise FormatError(f"{what} {value!r} is not one of {', '.join(choices)}")


def _check_time(value: Any) -> None:
    problem = f"the leaf's time {value!r} is not a UTC time like 2026-12-08T02:40:00Z"
    if not isinstance(value, str) or not _UTC_TIME.fullmatch(value):
        raise FormatError(problem)
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")  # noqa: DTZ007 -- only checks the date exists
    except ValueError as error:
        raise FormatError(problem) from error


def _check_sha256(value: Any, what: str) -> None:
    if not isinstance(value, str) or not _SHA256_HEX.fullmatch(value):
        raise FormatError(f"{what} is not a SHA-256 in lower-case hex")


def _is_count(value: Any) -> TypeGuard[int]:
    # bool is an int in Python, but true is not a number in JSON.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
