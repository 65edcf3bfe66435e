"""C2SP tlog-tiles: paths, entry bundles, which tiles a tree has, and proofs read from tiles."""

from __future__ import annotations

import random

from django.test import SimpleTestCase
from provenance_client import (
    TILE_HEIGHT,
    TILE_WIDTH,
    FormatError,
    MerkleTree,
    ProofError,
    TileReader,
    bundles_changed,
    bundles_for_size,
    decode_entries,
    encode_entries,
    entries_path,
    leaf_hash,
    parse_tile_path,
    read_consistency_proof,
    read_inclusion_proof,
    read_root,
    tile_nodes,
    tile_path,
    tiles_changed,
    tiles_for_size,
    verify_inclusion,
)

LEAVES = [leaf_hash(f"entry {number}".encode()) for number in range(1100)]
TREE = MerkleTree(LEAVES)


def flipped(value: bytes, position: int) -> bytes:
    return value[:position] + bytes([value[position] ^ 0x01]) + value[position + 1 :]


class TileLog:
    """A log's tiles in a dict, written as a log writes them after each growth."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.size = 0
        self.fetched: list[str] = []

    def grow_to(self, size: int) -> None:
        for level, index, width in tiles_changed(self.size, size):
            nodes = tile_nodes(level, index, width or TILE_WIDTH)
            self.files[tile_path(level, index, width)] = b"".join(TREE.read_hashes(nodes))
        self.size = size

    def fetch(self, path: str) -> bytes:
        self.fetched.append(path)
        return self.files[path]


class PathTests(SimpleTestCase):
    def test_indexes_are_written_in_x_prefixed_groups_of_three_digits(self):
        for (level, index, width), path in {
            (0, 0, None): "tile/0/000",
            (0, 7, 5): "tile/0/007.p/5",
            (0, 999, None): "tile/0/999",
            (1, 1000, None): "tile/1/x001/000",
            (0, 1234067, None): "tile/0/x001/x234/067",
            (2, 1234067, 255): "tile/2/x001/x234/067.p/255",
            (63, 1_000_000, 1): "tile/63/x001/x000/000.p/1",
        }.items():
            with self.subTest(path):
                self.assertEqual(tile_path(level, index, width), path)
                self.assertEqual(parse_tile_path(path), (level, index, width))
        self.assertEqual(entries_path(1234067), "tile/entries/x001/x234/067")
        self.assertEqual(entries_path(3, 17), "tile/entries/003.p/17")
        self.assertEqual(parse_tile_path("tile/entries/x001/x234/067.p/9"), (None, 1234067, 9))

    def test_every_path_parses_back_to_its_tile(self):
        randomness = random.Random(0)
        indexes = [*range(1100), *(randomness.randrange(10**12) for _ in range(500))]
        for index in indexes:
            width = randomness.choice([None, 1, 17, 255])
            level = randomness.randrange(64)
            self.assertEqual(parse_tile_path(tile_path(level, index, width)), (level, index, width))
            self.assertEqual(parse_tile_path(entries_path(index, width)), (None, index, width))

    def test_any_other_spelling_is_refused(self):
        for path in (
            "",
            "tile",
            "tile/0",
            "tiles/0/000",
            "/tile/0/000",
            "tile/0/000/",
            "tile/00/000",
            "tile/01/000",
            "tile/64/000",
            "tile/-1/000",
            "tile/+1/000",
            "tile/a/000",
            "tile/entry/000",
            "tile/0/0",
            "tile/0/00",
            "tile/0/0000",
            "tile/0/x000",
            "tile/0/001/000",
            "tile/0/x000/001",
            "tile/0/x1/000",
            "tile/0/X001/000",
            "tile/0/x001/x000",
            "tile/0/\u0660\u0660\u0661",  # Arabic-Indic digits, which str.isdigit accepts
            "tile/0/000.p",
            "tile/0/000.p/",
            "tile/0/000.p/0",
            "tile/0/000.p/05",
            "tile/0/000.p/256",
            "tile/0/000.p/x5",
            "tile/0/000.p/5/1",
            "tile/0/000.q/5",
            "tile/0/000p/5",
            "tile/0/x001.p/5",
            "tile/entries/000.p/256",
            "tile/entries/x000/000",
        ):
            with self.subTest(path), self.assertRaises(FormatError):
                parse_tile_path(path)

    def test_the_messages_say_what_is_wrong(self):
        with self.assertRaisesMessage(FormatError, "a tile's level is at most 63: 'tile/64/000'"):
            parse_tile_path("tile/64/000")
        with self.assertRaisesMessage(FormatError, "width is between 1 and 255"):
            parse_tile_path("tile/0/000.p/256")
        with self.assertRaisesMessage(FormatError, "no leading zero groups"):
            parse_tile_path("tile/0/x000/001")
        with self.assertRaisesMessage(FormatError, "level is a decimal without leading zeros"):
            parse_tile_path("tile/01/000")

    def test_impossible_tiles_have_no_path(self):
        for arguments, message in (
            ((64, 0), "a tile's level is between 0 and 63, not 64"),
            ((0, -1), "a tile's index cannot be negative: -1"),
            ((0, 0, 0), "a partial tile's width is between 1 and 255, not 0"),
            ((0, 0, 256), "a partial tile's width is between 1 and 255, not 256"),
        ):
            with self.subTest(arguments), self.assertRaisesMessage(ValueError, message):
                tile_path(*arguments)


class EntryBundleTests(SimpleTestCase):
    def test_entries_are_length_prefixed_big_endian(self):
        self.assertEqual(encode_entries([b"ab", b"", b"c"]), b"\x00\x02ab\x00\x00\x00\x01c")
        self.assertEqual(encode_entries([]), b"")
        self.assertEqual(decode_entries(b""), [])
        largest = bytes(range(256)) * 255 + bytes(255)
        self.assertEqual(len(largest), 65535)
        bundle = encode_entries([largest, b"x"])
        self.assertEqual(bundle[:2], b"\xff\xff")
        self.assertEqual(decode_entries(bundle), [largest, b"x"])

    def test_an_entry_too_long_for_its_length_is_refused(self):
        with self.assertRaisesMessage(ValueError, "entry 1 is 65536 bytes; the most is 65535"):
            encode_entries([b"", bytes(65536)])

    def test_a_bundle_cut_short_anywhere_inside_an_entry_is_refused(self):
        entries = [b"first", b"", b"third entry", bytes(300)]
        bundle = encode_entries(entries)
        # Where each entry ends: a bundle cut there holds the entries before, and is well formed.
        ends = {0: 0, 7: 1, 9: 2, 22: 3, len(bundle): 4}
        for cut in range(len(bundle) + 1):
            with self.subTest(cut=cut):
                if cut in ends:
                    self.assertEqual(decode_entries(bundle[:cut]), entries[: ends[cut]])
                else:
                    with self.assertRaises(FormatError):
                        decode_entries(bundle[:cut])
        with self.assertRaisesMessage(FormatError, "ends inside the length of entry 4"):
            decode_entries(bundle + b"\x00")
        with self.assertRaisesMessage(FormatError, "ends inside entry 4"):
            decode_entries(bundle + b"\x00\x02a")


class TilesOfATreeTests(SimpleTestCase):
    def test_the_specs_examples(self):
        """tlog-tiles: 70,000 leaves are 273 full level 0 tiles, one of width 112, one full level
        1 tile, one of width 17 and one level 2 tile of width 1; 256 leaves a full level 0 tile
        and a level 1 tile of width 1."""
        tiles = tiles_for_size(70_000)
        self.assertEqual(
            tiles,
            [
                *((0, index, None) for index in range(273)),
                (0, 273, 112),
                (1, 0, None),
                (1, 1, 17),
                (2, 0, 1),
            ],
        )
        self.assertEqual(tiles_for_size(256), [(0, 0, None), (1, 0, 1)])
        self.assertEqual(tiles_for_size(0), [])
        self.assertEqual(tiles_for_size(1), [(0, 0, 1)])
        self.assertEqual(
            tiles_for_size(65536), [*((0, i, None) for i in range(256)), (1, 0, None), (2, 0, 1)]
        )

    def test_the_changed_tiles_are_those_of_the_new_size_the_old_lacks(self):
        sizes = [0, 1, 2, 255, 256, 257, 511, 512, 600, 65535, 65536, 65537, 70_000, 131_072]
        pairs = [(old, new) for new in sizes for old in sizes if old <= new]
        randomness = random.Random(1)
        pairs += [
            sorted((randomness.randrange(200_000), randomness.randrange(200_000)))
            for _ in range(200)
        ]
        for old, new in pairs:
            with self.subTest(old=old, new=new):
                before = set(tiles_for_size(old))
                changed = tiles_changed(old, new)
                self.assertEqual(
                    changed, [tile for tile in tiles_for_size(new) if tile not in before]
                )
                bundles = {(index, width) for level, index, width in before if level == 0}
                self.assertEqual(
                    bundles_changed(old, new),
                    [bundle for bundle in bundles_for_size(new) if bundle not in bundles],
                )
                self.assertEqual(
                    bundles_for_size(new),
                    [(index, width) for level, index, width in tiles_for_size(new) if level == 0],
                )

    def test_a_log_does_not_shrink(self):
        with self.assertRaisesMessage(ValueError, "a log does not grow from 5 leaves to 4"):
            tiles_changed(5, 4)
        with self.assertRaisesMessage(ValueError, "a log does not grow from -1 leaves to 4"):
            bundles_changed(-1, 4)

    def test_a_tiles_nodes_are_its_levels_hashes(self):
        self.assertEqual(tile_nodes(0, 0, 3), [(0, 0), (0, 1), (0, 2)])
        self.assertEqual(tile_nodes(1, 2, 2), [(8, 512), (8, 513)])
        self.assertEqual(len(tile_nodes(2, 0, 256)), 256)
        self.assertEqual(tile_nodes(2, 0, 256)[-1], (16, 255))
        for width in (0, 257):
            with self.assertRaisesMessage(ValueError, f"between 1 and 256 hashes, not {width}"):
                tile_nodes(0, 0, width)
        self.assertEqual(TILE_HEIGHT, 8)


class TileReaderTests(SimpleTestCase):
    """Proofs read from tiles are the tree's own proofs."""

    def test_roots_and_proofs_from_tiles_match_the_tree_at_every_checkpoint_size(self):
        log = TileLog()
        sizes = [*range(0, 300), 511, 512, 513, 700, 767, 768, 769, 1023, 1024, 1025, 1100]
        for size in sizes:
            log.grow_to(size)
        for size in sizes:
            reader = TileReader(log.fetch, size)
            with self.subTest(size=size):
                self.assertEqual(read_root(reader, size), TREE.root(size))
                for index in {0, size // 3, size // 2, size - 1} if size else ():
                    self.assertEqual(
                        read_inclusion_proof(reader, index, size), TREE.inclusion_proof(index, size)
                    )
                for old_size in {1, size // 4 + 1, size - 1, size} if size > 1 else ():
                    self.assertEqual(
                        read_consistency_proof(reader, old_size, size),
                        TREE.consistency_proof(old_size, size),
                    )

    def test_every_index_at_a_few_sizes(self):
        log = TileLog()
        sizes = (1, 255, 256, 257, 700, 1100)
        for size in sizes:
            log.grow_to(size)
        for size in sizes:
            reader = TileReader(log.fetch, size)
            for index in range(size):
                self.assertEqual(
                    read_inclusion_proof(reader, index, size),
                    TREE.inclusion_proof(index, size),
                    f"leaf {index} of {size}",
                )

    def test_each_tile_is_fetched_once_and_partial_tiles_by_their_width(self):
        log = TileLog()
        log.grow_to(700)
        reader = TileReader(log.fetch, 700)
        read_root(reader, 700)
        read_inclusion_proof(reader, 3, 700)
        read_inclusion_proof(reader, 699, 700)
        # 700 leaves: two full level 0 tiles, one of width 188, and a level 1 tile of width 2.
        self.assertEqual(sorted(log.fetched), ["tile/0/000", "tile/0/002.p/188", "tile/1/000.p/2"])

    def test_a_truncated_or_missing_tile_is_refused(self):
        log = TileLog()
        log.grow_to(300)
        log.files["tile/0/001.p/44"] = log.files["tile/0/001.p/44"][:-1]
        with self.assertRaisesMessage(FormatError, "tile/0/001.p/44 is 1407 bytes, not 1408"):
            read_inclusion_proof(TileReader(log.fetch, 300), 299, 300)
        log.files["tile/0/001.p/44"] += b"\x00\x00"
        with self.assertRaisesMessage(FormatError, "tile/0/001.p/44 is 1409 bytes, not 1408"):
            read_root(TileReader(log.fetch, 300), 300)
        del log.files["tile/1/000.p/1"]
        with self.assertRaises(KeyError):
            read_root(TileReader(log.fetch, 300), 300)
        # A checkpoint of 301 leaves needs a partial tile the log never wrote.
        with self.assertRaises(KeyError):
            read_inclusion_proof(TileReader(log.fetch, 301), 0, 301)

    def test_a_changed_byte_in_a_tile_breaks_what_is_read_from_it(self):
        """The root of 600 leaves comes from the level 1 tile; a leaf's proof holds its sibling."""
        log = TileLog()
        log.grow_to(600)
        level_1 = log.files["tile/1/000.p/2"]
        for position in range(len(level_1)):
            log.files["tile/1/000.p/2"] = flipped(level_1, position)
            self.assertNotEqual(read_root(TileReader(log.fetch, 600), 600), TREE.root(600))
        log.files["tile/1/000.p/2"] = level_1
        level_0 = log.files["tile/0/001"]
        for position in range(0, len(level_0), 7):
            log.files["tile/0/001"] = flipped(level_0, position)
            sibling = TILE_WIDTH + (position // 32 ^ 1)
            with self.assertRaises(ProofError, msg=f"byte {position}"):
                verify_inclusion(
                    leaf_hash=LEAVES[sibling],
                    index=sibling,
                    tree_size=600,
                    proof=read_inclusion_proof(TileReader(log.fetch, 600), sibling, 600),
                    root=TREE.root(600),
                )

    def test_a_node_outside_the_tree_is_refused(self):
        log = TileLog()
        log.grow_to(10)
        reader = TileReader(log.fetch, 10)
        for node in ((0, 10), (1, 5), (4, 0), (-1, 0), (0, -1)):
            with (
                self.subTest(node=node),
                self.assertRaisesMessage(ValueError, "the tree of 10 leaves has no node"),
            ):
                reader.read_hashes([node])
        self.assertEqual(reader.read_hashes([(3, 0), (1, 4)]), TREE.read_hashes([(3, 0), (1, 4)]))
        self.assertEqual(log.fetched, ["tile/0/000.p/10"])
