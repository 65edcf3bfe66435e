"""The Merkle tree of RFC 9162 §2.1: hashing, inclusion and consistency proofs, and verifying them.

Hashes are SHA-256 with the RFC's domain separation: a leaf is hashed as SHA-256(0x00 ‖ leaf) and
an interior node as SHA-256(0x01 ‖ left ‖ right), so no leaf can pass for a node. The tree over n
leaves splits at k, the largest power of two smaller than n (§2.1.1).

Both verification functions return None when the proof holds and raise `ProofError` otherwise, with
a message saying what failed; they never return a boolean that a caller could forget to check.

Proofs can also be read from any store of node hashes (a `HashReader`: the register's database, a
tiled log's files, a `MerkleTree`): `read_root`, `read_inclusion_proof` and
`read_consistency_proof` work out every perfect subtree they need first and ask the store for all
of them at once, so that a proof costs one query or one round of fetches, not one per level.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from typing import Protocol

from provenance_client.errors import ProofError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) of §2.1.1: the root of the tree with no leaves, the hash of the empty string."""

Node = tuple[int, int]
"""(level, index): the perfect subtree of 2**level leaves starting at leaf index * 2**level."""


class HashReader(Protocol):
    """A store of the hashes of a tree's perfect subtrees, read many at a time.

    `read_hashes` returns the hashes in the order asked, and raises KeyError or ValueError for a
    node the store does not hold rather than leaving it out.
    """

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Return the hashes of `nodes`, in the order asked."""
        ...


def leaf_hash(leaf: bytes) -> bytes:
    """Return the hash of one leaf's data: SHA-256(0x00 ‖ leaf)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the hash of an interior node from its children's: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Return k, the largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """The leaf hashes of an append-only log, with every complete subtree's hash kept for proofs.

    `_levels[h][i]` is the hash of the perfect subtree of 2**h leaves starting at leaf i * 2**h, so
    the root, a proof or any earlier tree size's root costs O(log² n) hashes, not O(n).
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for hashed in leaf_hashes:
            self.append_hash(hashed)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Return the hashes of perfect subtrees this tree holds, so that it is a `HashReader`."""
        hashes = []
        for level, index in nodes:
            if not (0 <= level < len(self._levels) and 0 <= index < len(self._levels[level])):
                raise KeyError(f"the tree of {self.size} leaves has no node ({level}, {index})")
            hashes.append(self._levels[level][index])
        return hashes

    def append(self, leaf: bytes) -> int:
        """Hash and append one leaf's data; return its index."""
        return self.append_hash(leaf_hash(leaf))

    def append_hash(self, hashed: bytes) -> int:
        """Append one leaf hash and the perfect subtrees it completes; return its index."""
        if len(hashed) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, not {len(hashed)}")
        index = len(self._levels[0])
        self._levels[0].append(hashed)
        level, position = 0, index
        while position % 2 == 1:
            row = self._levels[level]
            parent = node_hash(row[position - 1], row[position])
            level, position = level + 1, position // 2
            if level == len(self._levels):
                self._levels.append([])
            self._levels[level].append(parent)
        return index

    def root(self, size: int | None = None) -> bytes:
        """Return MTH of the first `size` leaves (all of them by default)."""
        size = self._checked_size(size)
        return self._subtree(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Return PATH(index, D[0:size]) of §2.1.3.1, leaf end first."""
        size = self._checked_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
        return self._path(index, 0, size)

    def consistency_proof(self, old_size: int, size: int | None = None) -> list[bytes]:
        """Return PROOF(old_size, D[0:size]) of §2.1.4.1, for 0 < old_size <= size."""
        size = self._checked_size(size)
        if not 0 < old_size <= size:
            raise ValueError(f"no consistency proof from {old_size} leaves to {size}")
        return self._subproof(old_size, 0, size, complete=True)

    def _checked_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"the tree has {self.size} leaves, not {size}")
        return size

    def _subtree(self, start: int, end: int) -> bytes:
        """Return MTH(D[start:end]) for a subtree the RFC's recursion reaches (start < end)."""
        width = end - start
        if width & (width - 1) == 0 and start % width == 0:
            height = width.bit_length() - 1
            return self._levels[height][start >> height]
        k = _split(width)
        return node_hash(self._subtree(start, start + k), self._subtree(start + k, end))

    def _path(self, index: int, start: int, end: int) -> list[bytes]:
        if end - start == 1:
            return []
        middle = start + _split(end - start)
        if index < middle:
            return [*self._path(index, start, middle), self._subtree(middle, end)]
        return [*self._path(index, middle, end), self._subtree(start, middle)]

    def _subproof(self, old_size: int, start: int, end: int, *, complete: bool) -> list[bytes]:
        """SUBPROOF(m, D[start:end], b) of §2.1.4.1, with m = old_size counted from start."""
        width = end - start
        if old_size == width:
            return [] if complete else [self._subtree(start, end)]
        k = _split(width)
        if old_size <= k:
            left = self._subproof(old_size, start, start + k, complete=complete)
            return [*left, self._subtree(start + k, end)]
        right = self._subproof(old_size - k, start + k, end, complete=False)
        return [*right, self._subtree(start, start + k)]


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return MTH over the given leaf hashes."""
    return MerkleTree(leaf_hashes).root()


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return the inclusion proof of leaf `index` in the tree of the given leaf hashes."""
    return MerkleTree(leaf_hashes).inclusion_proof(index)


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return the proof that the first `old_size` leaf hashes form a prefix of the whole tree."""
    return MerkleTree(leaf_hashes).consistency_proof(old_size)


def range_nodes(start: int, end: int) -> list[Node]:
    """Return the perfect subtrees, left to right, whose hashes compose MTH(D[start:end]).

    The range is split as §2.1.1 splits a tree, at k, the largest power of two smaller than its
    width, until each part is a perfect subtree: so MTH(D[start:end]) is the nodes' hashes folded
    from the right. Every range the RFC's recursion reaches from a whole tree, D[0:n], splits this
    way; a range whose left part would not be a perfect subtree (D[1:5]) is refused.
    """
    if not 0 <= start <= end:
        raise ValueError(f"leaves {start} to {end} are not a range of a tree")
    nodes: list[Node] = []
    while start < end:
        width = end - start
        part = width if width & (width - 1) == 0 and start % width == 0 else _split(width)
        if start % part:
            raise ValueError(f"leaves {start} to {end} are not a subtree the RFC's split reaches")
        level = part.bit_length() - 1
        nodes.append((level, start >> level))
        start += part
    return nodes


def read_root(reader: HashReader, size: int) -> bytes:
    """Return MTH of the first `size` leaves of the tree `reader` holds, in one read."""
    if size < 0:
        raise ValueError(f"a tree cannot have {size} leaves")
    if size == 0:
        return EMPTY_ROOT
    return _read_ranges(reader, [(0, size)])[0]


def read_inclusion_proof(reader: HashReader, index: int, size: int) -> list[bytes]:
    """Return PATH(index, D[0:size]) of §2.1.3.1, leaf end first, in one read."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    ranges = []
    start, end = 0, size
    while end - start > 1:
        middle = start + _split(end - start)
        if index < middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
    return _read_ranges(reader, ranges[::-1])


def read_consistency_proof(reader: HashReader, old_size: int, size: int) -> list[bytes]:
    """Return PROOF(old_size, D[0:size]) of §2.1.4.1, for 0 < old_size <= size, in one read.

    SUBPROOF's recursion, unrolled: each step keeps the half holding the old tree's last leaf and
    proves the other half; once a step leaves the old tree's left edge (b = false), the subtree it
    ends on is proved too.
    """
    if not 0 < old_size <= size:
        raise ValueError(f"no consistency proof from {old_size} leaves to {size}")
    ranges = []
    start, end, complete = 0, size, True
    while old_size != end:
        k = _split(end - start)
        if old_size - start <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, complete = start + k, False
    if not complete:
        ranges.append((start, end))
    return _read_ranges(reader, ranges[::-1])


def append_leaves(
    reader: HashReader, size: int, leaf_hashes: Sequence[bytes]
) -> list[tuple[Node, bytes]]:
    """Return every node a tree of `size` leaves gains by appending `leaf_hashes`, to store.

    That is each leaf, (0, i), and each perfect subtree the batch completes, in the order
    `MerkleTree.append_hash` makes them. The only old hashes needed are the left siblings of the
    completed subtrees, which are among the tree's own perfect subtrees, range_nodes(0, size):
    those few are read in one call, and none when the batch completes none of them.
    """
    if size < 0:
        raise ValueError(f"a tree cannot have {size} leaves")
    for position, hashed in enumerate(leaf_hashes):
        if len(hashed) != HASH_SIZE:
            raise ValueError(f"leaf hash {position} is {len(hashed)} bytes, not {HASH_SIZE}")
    new_size = size + len(leaf_hashes)
    # A perfect subtree (level, index) of the old tree is a left child, as its index is even; it
    # is needed if the batch completes its parent.
    needed = [
        (level, index) for level, index in range_nodes(0, size) if (index + 2) << level <= new_size
    ]
    frontier = dict(zip(needed, _read_checked(reader, needed), strict=True))
    stored: list[tuple[Node, bytes]] = []
    for offset, hashed in enumerate(leaf_hashes):
        level, index = 0, size + offset
        stored.append(((level, index), hashed))
        frontier[(level, index)] = hashed
        while index % 2 == 1:
            hashed = node_hash(frontier.pop((level, index - 1)), frontier.pop((level, index)))
            level, index = level + 1, index // 2
            frontier[(level, index)] = hashed
            stored.append(((level, index), hashed))
    return stored


def _read_ranges(reader: HashReader, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """Return MTH(D[start:end]) of each range, reading every node they need in one call."""
    plans = [range_nodes(start, end) for start, end in ranges]
    hashes = _read_checked(reader, [node for plan in plans for node in plan])
    results, position = [], 0
    for plan in plans:
        *rest, computed = hashes[position : position + len(plan)]
        for left in reversed(rest):
            computed = node_hash(left, computed)
        results.append(computed)
        position += len(plan)
    return results


def _read_checked(reader: HashReader, nodes: Sequence[Node]) -> list[bytes]:
    """Read `nodes` in one call (none when there are none) and check what came back."""
    if not nodes:
        return []
    hashes = reader.read_hashes(nodes)
    if len(hashes) != len(nodes):
        raise ValueError(f"asked for {len(nodes)} node hashes, the store returned {len(hashes)}")
    for node, hashed in zip(nodes, hashes, strict=True):
        if len(hashed) != HASH_SIZE:
            raise ValueError(f"the store's hash of node {node} is {len(hashed)} bytes")
    return hashes


def verify_inclusion(
    *, leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that `leaf_hash` is leaf `index` of the tree of `tree_size` leaves with root `root`.

    The algorithm of RFC 9162 §2.1.3.2:
    1. Fail unless index < tree_size.
    2. Walk up from the leaf: fn is the node's index at each level, sn the last node's.
    3. Each proof hash is a sibling on the right (fn even and not the last node) or on the left; the
       levels where the node is the last one and has no sibling are skipped.
    4. Succeed only if the proof ends exactly at the root (sn = 0) and the hash is the root's.
    """
    _check_hashes(leaf_hash=leaf_hash, root=root, proof=proof)
    if not 0 <= index < tree_size:
        raise ProofError(f"leaf index {index} is not within a tree of {tree_size} leaves")
    fn, sn = index, tree_size - 1
    computed = leaf_hash
    for sibling in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            computed = node_hash(sibling, computed)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            computed = node_hash(computed, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the path to the root")
    if not hmac.compare_digest(computed, root):
        raise ProofError("the inclusion proof leads to a different root hash")


def verify_consistency(
    *, old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of `old_size` leaves with `old_root` is a prefix of that of `new_size`.

    For 0 < old_size < new_size, the algorithm of RFC 9162 §2.1.4.2:
    1. Fail on an empty proof; if old_size is a power of two, the old root is the first node.
    2. From the old tree's last leaf (fn) and the new tree's (sn), skip the levels where the old
       tree's last node is a right child: the proof starts above them.
    3. Rebuild both roots at once: a left sibling belongs to both trees, a right one to the new.
    4. Succeed only if both rebuilt roots match and the proof ended at the new root (sn = 0).
    Equal sizes need an empty proof and equal roots (SUBPROOF(m, D[m], true) = {}). A consistency
    proof from the empty tree proves nothing (§2.1.4 defines it for 0 < m), so old_size 0 fails.
    """
    _check_hashes(old_root=old_root, new_root=new_root, proof=proof)
    if old_size <= 0 or new_size < old_size:
        raise ProofError(f"no consistency proof exists from {old_size} leaves to {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("a consistency proof between equal tree sizes must be empty")
        if not hmac.compare_digest(old_root, new_root):
            raise ProofError("two trees of the same size have different root hashes")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than the path to the new root")
        if fn & 1 or fn == sn:
            first, second = node_hash(node, first), node_hash(node, second)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node_hash(second, node)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than the path to the new root")
    if not hmac.compare_digest(first, old_root):
        raise ProofError("the consistency proof does not lead to the old root hash")
    if not hmac.compare_digest(second, new_root):
        raise ProofError("the consistency proof does not lead to the new root hash")


def _check_hashes(proof: Sequence[bytes], **named: bytes) -> None:
    for name, value in named.items():
        if len(value) != HASH_SIZE:
            raise ProofError(f"the {name.replace('_', ' ')} is {len(value)} bytes, not {HASH_SIZE}")
    for position, node in enumerate(proof):
        if len(node) != HASH_SIZE:
            raise ProofError(f"proof hash {position} is {len(node)} bytes, not {HASH_SIZE}")
