"""What a leaf records: canonical JSON, the records it hashes, salted commitments, and its form."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.test import SimpleTestCase
from provenance_client import EMPTY_ROOT, FormatError, ProofError, leaf_hash, root_hash
from provenance_client.record import (
    DECLARATION_CONTEXT,
    canonical,
    commit,
    commitment,
    commitment_leaf,
    declaration_record,
    derive_salt,
    open_commitment,
    ownership_record,
    parse_leaf,
    record_sha256,
    sha256_hex,
    verify_opening,
)

SECRET = bytes(range(32))
CONFIDENTIAL = {
    "/sources/0/name": "A licensed news archive",
    "/sources/0/url": "https://archive.example.com/",
    "/sources/3/licence": {"spdx": "LicenseRef-Contract-17", "pages": 41},
    "/supply_chain/1/name": "Labelling contractor Ltd",
    "/red_teaming/0/report": None,
}
LABEL = {
    "kind": "label",
    "model": {"registration_number": "MOD-000001", "name": "Atlas", "version": "2"},
    "provider": {"registration_number": "PRV-000001", "name": "Atlas AI"},
    "version": 2,
    "sources": [{"name": "Common Crawl"}],
    "versions": [{"version": 1}, {"version": 2}],
    "ownership": {"ultimate_parent": "Atlas Holdings"},
    "control": {"verdict": "uk"},
    "public_alerts": [],
    "lineage": {"parents": []},
    "transparency": {"log": "register.example.gov.uk/log"},
    "snapshot_sha256": "ab" * 32,
}
LEAF = {
    "act": "accepted",
    "filing": {
        "kind": "declaration",
        "number": "MOD-000001",
        "provider": "PRV-000001",
        "version": 2,
    },
    "time": "2026-12-08T02:40:00Z",
    "snapshot_sha256": "ab" * 32,
    "label_sha256": "cd" * 32,
    "pdf_sha256": None,
    "commitments": {"count": 0, "root": EMPTY_ROOT.hex()},
}


def with_member(value: dict, path: tuple[str, ...], replacement: object) -> dict:
    """Return a copy of a nested dict with one member replaced, or removed for `...`."""
    copy = dict(value)
    if len(path) > 1:
        copy[path[0]] = with_member(copy[path[0]], path[1:], replacement)
    elif replacement is ...:
        del copy[path[0]]
    else:
        copy[path[0]] = replacement
    return copy


class CanonicalJsonTests(SimpleTestCase):
    def test_members_are_sorted_and_nothing_is_spaced(self):
        self.assertEqual(canonical({"b": [1.0, "é"], "a": None}), '{"a":null,"b":[1,"é"]}'.encode())

    def test_the_rfc_8785_number_forms_are_used(self):
        self.assertEqual(
            canonical([1e21, 0.000001, -0.0, 333333333.3333333]),
            b"[1e+21,0.000001,0,333333333.3333333]",
        )

    def test_a_value_json_cannot_hold_exactly_is_refused(self):
        for value in (float("nan"), 2**53, {1: "a"}, b"bytes"):
            with self.subTest(value=value), self.assertRaises(FormatError):
                canonical(value)

    def test_sha256_hex_is_lower_case_hex(self):
        self.assertEqual(sha256_hex(b"abc"), hashlib.sha256(b"abc").hexdigest())


class RecordTests(SimpleTestCase):
    def test_the_declaration_record_leaves_out_what_changes_with_other_filings(self):
        record = declaration_record(LABEL)
        self.assertEqual(sorted(record), ["kind", "model", "snapshot_sha256", "sources", "version"])
        for member in DECLARATION_CONTEXT:
            self.assertNotIn(member, record)

    def test_the_ownership_record_is_the_provider_its_ownership_and_its_control(self):
        self.assertEqual(
            ownership_record(LABEL),
            {
                "provider": LABEL["provider"],
                "ownership": LABEL["ownership"],
                "control": LABEL["control"],
            },
        )

    def test_a_record_hash_does_not_depend_on_member_order(self):
        reordered = dict(reversed(list(declaration_record(LABEL).items())))
        self.assertEqual(record_sha256(reordered), record_sha256(declaration_record(LABEL)))
        self.assertEqual(
            record_sha256(declaration_record(LABEL)),
            hashlib.sha256(canonical(declaration_record(LABEL))).hexdigest(),
        )

    def test_a_changed_context_member_leaves_the_declaration_record_alone(self):
        changed = {**LABEL, "public_alerts": [{"code": "red_team_overdue"}]}
        self.assertEqual(declaration_record(changed), declaration_record(LABEL))
        changed = {**LABEL, "sources": [{"name": "Another crawl"}]}
        self.assertNotEqual(
            record_sha256(declaration_record(changed)), record_sha256(declaration_record(LABEL))
        )


class CommitmentTests(SimpleTestCase):
    def test_each_value_has_its_own_salt_derived_from_the_secret(self):
        salt = derive_salt(SECRET, "/sources/0/url")
        expected = hmac.new(SECRET, b"/sources/0/url", hashlib.sha256).digest()
        self.assertEqual(salt, expected)
        self.assertNotEqual(salt, derive_salt(SECRET, "/sources/0/name"))
        self.assertNotEqual(salt, derive_salt(bytes(32), "/sources/0/url"))

    def test_a_commitment_is_the_hash_of_the_salt_and_the_canonical_value(self):
        salt = b"s" * 32
        self.assertEqual(
            commitment(salt, {"b": 1, "a": 2}),
            hashlib.sha256(salt + b'{"a":2,"b":1}').hexdigest(),
        )

    def test_the_root_is_the_tree_of_the_commitment_leaves_in_pointer_order(self):
        values = {"/b": "second", "/a": "first"}
        leaves = [
            commitment_leaf(pointer, commitment(derive_salt(SECRET, pointer), values[pointer]))
            for pointer in ("/a", "/b")
        ]
        expected = root_hash([leaf_hash(leaf) for leaf in leaves]).hex()
        self.assertEqual(commit(SECRET, values), {"count": 2, "root": expected})
        self.assertEqual(commit(SECRET, dict(reversed(values.items()))), commit(SECRET, values))

    def test_a_commitment_leaf_is_the_canonical_pointer_and_hash(self):
        self.assertEqual(
            commitment_leaf("/a", "ab" * 32), b'{"pointer":"/a","sha256":"' + b"ab" * 32 + b'"}'
        )

    def test_no_values_commit_to_the_empty_root(self):
        self.assertEqual(commit(SECRET, {}), {"count": 0, "root": EMPTY_ROOT.hex()})

    def test_every_value_opens_against_the_commitments(self):
        commitments = commit(SECRET, CONFIDENTIAL)
        for pointer, value in CONFIDENTIAL.items():
            with self.subTest(pointer=pointer):
                opening = open_commitment(SECRET, CONFIDENTIAL, pointer)
                self.assertEqual(opening["value"], value)
                self.assertEqual(opening["salt"], derive_salt(SECRET, pointer).hex())
                self.assertEqual(opening["count"], len(CONFIDENTIAL))
                self.assertIsNone(verify_opening(opening, commitments))

    def test_an_opening_reveals_no_other_values_salt(self):
        opening = open_commitment(SECRET, CONFIDENTIAL, "/sources/0/url")
        self.assertNotIn(derive_salt(SECRET, "/sources/0/name").hex(), repr(opening))
        self.assertNotIn(SECRET.hex(), repr(opening))

    def test_a_pointer_with_no_value_cannot_be_opened(self):
        with self.assertRaises(KeyError):
            open_commitment(SECRET, CONFIDENTIAL, "/sources/9/url")

    def test_a_tampered_opening_fails_naming_its_value(self):
        commitments = commit(SECRET, CONFIDENTIAL)
        opening = open_commitment(SECRET, CONFIDENTIAL, "/sources/0/url")
        other = open_commitment(SECRET, CONFIDENTIAL, "/sources/0/name")
        cases = {
            "another value": {**opening, "value": "https://elsewhere.example.com/"},
            "another salt": {**opening, "salt": other["salt"]},
            "another index": {**opening, "index": other["index"]},
            "a truncated proof": {**opening, "proof": opening["proof"][:-1]},
            "another value's proof": {**opening, "proof": other["proof"]},
        }
        for case, tampered in cases.items():
            with (
                self.subTest(case),
                self.assertRaisesMessage(
                    ProofError, "the opening of /sources/0/url does not match the commitment"
                ),
            ):
                verify_opening(tampered, commitments)

    def test_an_opening_against_other_commitments_fails(self):
        opening = open_commitment(SECRET, CONFIDENTIAL, "/sources/0/url")
        elsewhere = commit(bytes(32), CONFIDENTIAL)
        with self.assertRaisesMessage(ProofError, "does not match the commitment"):
            verify_opening(opening, elsewhere)
        fewer = commit(SECRET, {"/sources/0/url": CONFIDENTIAL["/sources/0/url"]})
        with self.assertRaisesMessage(ProofError, "but the leaf committed to 1"):
            verify_opening(opening, fewer)
        with self.assertRaisesMessage(ProofError, "committed to no values"):
            verify_opening({**opening, "count": 0}, commit(SECRET, {}))

    def test_a_malformed_opening_is_refused_as_such(self):
        commitments = commit(SECRET, CONFIDENTIAL)
        opening = open_commitment(SECRET, CONFIDENTIAL, "/sources/0/url")
        cases = {
            "no pointer": ({**opening, "pointer": None}, "names no pointer"),
            "a short salt": ({**opening, "salt": "ab"}, "salt is not 32 bytes of hex"),
            "a negative index": ({**opening, "index": -1}, "index is not a non-negative"),
            "a proof of text": ({**opening, "proof": ["x"]}, "proof is not a list of hex"),
        }
        for case, (tampered, message) in cases.items():
            with self.subTest(case), self.assertRaisesMessage(FormatError, message):
                verify_opening(tampered, commitments)
        with self.assertRaisesMessage(FormatError, "commitment root is not a SHA-256"):
            verify_opening(opening, {"count": 5, "root": "00"})


class ParseLeafTests(SimpleTestCase):
    def test_a_well_formed_leaf_parses(self):
        self.assertEqual(parse_leaf(canonical(LEAF)), LEAF)
        with_pdf = {**LEAF, "act": "pdf_issued", "pdf_sha256": "ef" * 32}
        self.assertEqual(parse_leaf(canonical(with_pdf)), with_pdf)
        ownership = with_member(LEAF, ("filing", "kind"), "ownership")
        ownership = with_member(ownership, ("filing", "number"), "PRV-000001")
        self.assertEqual(parse_leaf(canonical(ownership)), ownership)

    def test_bytes_that_are_not_utf_8_json_are_refused(self):
        for data in (b"\xff\xfe{}", b"{", b"", b"[]", b"null"):
            with self.subTest(data=data), self.assertRaises(FormatError):
                parse_leaf(data)

    def test_json_that_is_not_canonical_is_refused(self):
        cases = {
            "spaced": canonical(LEAF).replace(b":", b": "),
            "in its own order": json.dumps(LEAF, separators=(",", ":")).encode(),
            "escaped": canonical(LEAF).replace(b"accepted", b"acc\\u0065pted"),
            "trailing newline": canonical(LEAF) + b"\n",
        }
        for case, data in cases.items():
            with self.subTest(case), self.assertRaisesMessage(FormatError, "not in canonical JSON"):
                parse_leaf(data)

    def test_a_missing_unknown_or_mistyped_member_is_refused_by_name(self):
        cases = [
            (("label_sha256",), ..., "the leaf lacks label_sha256"),
            (("extra",), 1, "the leaf has members this client does not know: extra"),
            (("act",), "published", "the leaf's act 'published' is not one of"),
            (("filing",), [], "the leaf's filing is not a JSON object"),
            (("filing", "version"), ..., "the leaf's filing lacks version"),
            (("filing", "kind"), "label", "the leaf's filing kind 'label' is not one of"),
            (("filing", "number"), "PRV-000001", "filing number 'PRV-000001' is not a declaration"),
            (("filing", "number"), "MOD-1", "filing number 'MOD-1' is not a declaration"),
            (("filing", "provider"), "MOD-000001", "the leaf's provider 'MOD-000001' is not"),
            (("filing", "version"), 0, "the leaf's filing version is not a positive integer"),
            (("filing", "version"), True, "the leaf's filing version is not a positive integer"),
            (("filing", "version"), "2", "the leaf's filing version is not a positive integer"),
            (("time",), "2026-12-08 02:40:00", "the leaf's time '2026-12-08 02:40:00' is not"),
            (("time",), "2026-02-30T02:40:00Z", "is not a UTC time"),
            (("time",), "2026-12-08T02:40:00+00:00", "is not a UTC time"),
            (("snapshot_sha256",), "AB" * 32, "the leaf's snapshot_sha256 is not a SHA-256"),
            (("label_sha256",), None, "the leaf's label_sha256 is not a SHA-256"),
            (("pdf_sha256",), "ab", "the leaf's pdf_sha256 is not a SHA-256"),
            (("commitments",), None, "the leaf's commitments are not a JSON object"),
            (("commitments", "count"), -1, "commitment count is not a non-negative integer"),
            (("commitments", "root"), "00", "the leaf's commitment root is not a SHA-256"),
        ]
        for path, replacement, message in cases:
            with self.subTest(path=path, replacement=replacement):
                data = canonical(with_member(LEAF, path, replacement))
                with self.assertRaisesMessage(FormatError, message):
                    parse_leaf(data)
