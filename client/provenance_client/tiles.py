"""C2SP tlog-tiles: a log's Merkle tree and entries as static files, and proofs read from them.

A tile at tile level L holds up to 256 consecutive hashes of tree level 8L: at level 0 leaf
hashes, above that the roots of full tiles of the level below. The levels between are not
stored; they are rebuilt by hashing a tile's hashes. The rightmost tiles of a tree whose size is
not a multiple of 256**(L+1) are partial, with their width in the path ("tile/0/x001/234.p/17"):
a log keeps each partial tile it has published a checkpoint for, so a client reading a tree of a
given size fetches exactly the tiles that size implies. Entry bundles hold the leaves
themselves, 256 to a bundle, under "tile/entries/".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from provenance_client.errors import FormatError
from provenance_client.merkle import HASH_SIZE, Node, node_hash

TILE_HEIGHT = 8
TILE_WIDTH = 256
MAX_LEVEL = 63
"""The highest tile level a path may name."""
MAX_ENTRY_SIZE = 2**16 - 1
"""An entry's length is a uint16 in a bundle."""

Tile = tuple[int, int, int | None]
"""(level, index, width or None when full)."""
Bundle = tuple[int, int | None]
"""(index, width or None when full)."""

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def tile_path(level: int, index: int, width: int | None = None) -> str:
    """Return the path of a tile: "tile/<L>/<N>", with ".p/<W>" when it is partial."""
    if not 0 <= level <= MAX_LEVEL:
        raise ValueError(f"a tile's level is between 0 and {MAX_LEVEL}, not {level}")
    return f"tile/{level}/{_index_path(index, width)}"


def entries_path(index: int, width: int | None = None) -> str:
    """Return the path of an entry bundle: "tile/entries/<N>", with ".p/<W>" when partial."""
    return f"tile/entries/{_index_path(index, width)}"


def parse_tile_path(path: str) -> tuple[int | None, int, int | None]:
    """Return (level, or None for an entry bundle, index, width or None) of a canonical path.

    Only the one spelling `tile_path` and `entries_path` produce is accepted, so that two paths
    never name the same tile.
    """
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise FormatError(f"a tile path starts with 'tile/', a level and an index: {path!r}")
    level = None if parts[1] == "entries" else _parse_decimal(parts[1], "level", path)
    if level is not None and level > MAX_LEVEL:
        raise FormatError(f"a tile's level is at most {MAX_LEVEL}: {path!r}")
    groups, width = parts[2:], None
    if len(groups) >= 2 and groups[-2].endswith(".p"):
        width = _parse_decimal(groups[-1], "width", path)
        if not 0 < width < TILE_WIDTH:
            raise FormatError(f"a partial tile's width is between 1 and 255: {path!r}")
        groups = [*groups[:-2], groups[-2].removesuffix(".p")]
    *upper, last = groups
    if not re.fullmatch(r"[0-9]{3}", last) or not all(
        re.fullmatch(r"x[0-9]{3}", group) for group in upper
    ):
        raise FormatError(f"a tile index is 3-digit groups, all but the last x-prefixed: {path!r}")
    if upper and upper[0] == "x000":
        raise FormatError(f"a tile index has no leading zero groups: {path!r}")
    index = int("".join(group.removeprefix("x") for group in groups))
    return level, index, width


def encode_entries(entries: Sequence[bytes]) -> bytes:
    """Return an entry bundle: each entry after its length as a big-endian uint16."""
    parts = []
    for position, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise ValueError(
                f"entry {position} is {len(entry)} bytes; the most is {MAX_ENTRY_SIZE}"
            )
        parts.append(len(entry).to_bytes(2, "big") + entry)
    return b"".join(parts)


def decode_entries(data: bytes) -> list[bytes]:
    """Return the entries of a bundle, refusing one that ends inside an entry or its length."""
    entries: list[bytes] = []
    position = 0
    while position < len(data):
        if position + 2 > len(data):
            raise FormatError(f"the entry bundle ends inside the length of entry {len(entries)}")
        length = int.from_bytes(data[position : position + 2], "big")
        position += 2
        if position + length > len(data):
            raise FormatError(f"the entry bundle ends inside entry {len(entries)}")
        entries.append(data[position : position + length])
        position += length
    return entries


def tiles_for_size(size: int) -> list[Tile]:
    """Return every tile of a tree of `size` leaves, level by level, left to right."""
    return tiles_changed(0, size)


def tiles_changed(old_size: int, new_size: int) -> list[Tile]:
    """Return the tiles a tree of `new_size` has and one of `old_size` has not.

    These are the full tiles completed since and the partial tiles of the new size: what a log
    writes after growing, before it publishes the new size's checkpoint.
    """
    _check_sizes(old_size, new_size)
    tiles: list[Tile] = []
    level = 0
    while new_size >> (TILE_HEIGHT * level):
        tiles.extend((level, index, width) for index, width in _changed(old_size, new_size, level))
        level += 1
    return tiles


def bundles_for_size(size: int) -> list[Bundle]:
    """Return every entry bundle of a log of `size` entries, left to right."""
    return bundles_changed(0, size)


def bundles_changed(old_size: int, new_size: int) -> list[Bundle]:
    """Return the entry bundles a log of `new_size` entries has and one of `old_size` has not."""
    _check_sizes(old_size, new_size)
    return _changed(old_size, new_size, 0)


def tile_nodes(level: int, index: int, width: int) -> list[Node]:
    """Return the tree nodes whose hashes, in order, are the tile (level, index) of `width`."""
    if not 0 < width <= TILE_WIDTH:
        raise ValueError(f"a tile holds between 1 and {TILE_WIDTH} hashes, not {width}")
    if not 0 <= level <= MAX_LEVEL or index < 0:
        raise ValueError(f"there is no tile {index} at level {level}")
    first = index * TILE_WIDTH
    return [(level * TILE_HEIGHT, first + offset) for offset in range(width)]


class TileReader:
    """The node hashes of a tree of `size` leaves, read from its tiles through `fetch`.

    `fetch` takes a tile path such as "tile/0/x001/002.p/5" and returns the tile's bytes, or
    raises if it cannot; its exception reaches the caller. Each tile is fetched at most once.
    """

    def __init__(self, fetch: Callable[[str], bytes], size: int) -> None:
        if size < 0:
            raise ValueError(f"a tree cannot have {size} leaves")
        self._fetch = fetch
        self.size = size
        self._tiles: dict[tuple[int, int], bytes] = {}

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Return the hashes of `nodes`, each a perfect subtree of the tree of `size` leaves."""
        return [self._node_hash(level, index) for level, index in nodes]

    def _node_hash(self, level: int, index: int) -> bytes:
        """Hash the 2**h hashes under the node in its tile, h levels above the tile's level."""
        if level < 0 or index < 0 or (index + 1) << level > self.size:
            raise ValueError(f"the tree of {self.size} leaves has no node ({level}, {index})")
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = index << height
        tile = self._tile(tile_level, first // TILE_WIDTH)
        offset = first % TILE_WIDTH * HASH_SIZE
        hashes = [
            tile[start : start + HASH_SIZE]
            for start in range(offset, offset + (HASH_SIZE << height), HASH_SIZE)
        ]
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]

    def _tile(self, level: int, index: int) -> bytes:
        """Return the tile the tree of `size` leaves has at (level, index): full, or partial."""
        if (level, index) not in self._tiles:
            hashes_at_level = self.size >> (TILE_HEIGHT * level)
            full = index < hashes_at_level // TILE_WIDTH
            width = TILE_WIDTH if full else hashes_at_level % TILE_WIDTH
            path = tile_path(level, index, None if full else width)
            data = self._fetch(path)
            if len(data) != width * HASH_SIZE:
                raise FormatError(f"{path} is {len(data)} bytes, not {width * HASH_SIZE}")
            self._tiles[(level, index)] = data
        return self._tiles[(level, index)]


def _index_path(index: int, width: int | None) -> str:
    """Return <N>[.p/<W>]: the index in 3-digit groups, all but the last prefixed with 'x'."""
    if index < 0:
        raise ValueError(f"a tile's index cannot be negative: {index}")
    if width is not None and not 0 < width < TILE_WIDTH:
        raise ValueError(f"a partial tile's width is between 1 and 255, not {width}")
    digits = f"{index % 1000:03d}"
    index //= 1000
    while index:
        digits = f"x{index % 1000:03d}/{digits}"
        index //= 1000
    return digits if width is None else f"{digits}.p/{width}"


def _parse_decimal(text: str, what: str, path: str) -> int:
    if not _DECIMAL.fullmatch(text):
        raise FormatError(f"a tile path's {what} is a decimal without leading zeros: {path!r}")
    return int(text)


def _changed(old_size: int, new_size: int, level: int) -> list[Bundle]:
    """Return (index, width or None) of the tiles at `level` in new_size's tree but not old's."""
    old_count, new_count = old_size >> (TILE_HEIGHT * level), new_size >> (TILE_HEIGHT * level)
    old_full, new_full = old_count // TILE_WIDTH, new_count // TILE_WIDTH
    changed: list[Bundle] = [(index, None) for index in range(old_full, new_full)]
    width = new_count % TILE_WIDTH
    if width and (new_full, width) != (old_full, old_count % TILE_WIDTH):
        changed.append((new_full, width))
    return changed


def _check_sizes(old_size: int, new_size: int) -> None:
    if not 0 <= old_size <= new_size:
        raise ValueError(f"a log does not grow from {old_size} leaves to {new_size}")
