"""Canonical JSON: the same content always gives the same bytes and the same SHA-256."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from django.test import SimpleTestCase

from registry.lib.canonical import canonical_json, sha256_hex


class CanonicalJsonTests(SimpleTestCase):
    def test_keys_are_sorted_at_every_depth_and_there_are_no_spaces(self):
        value = {"b": 1, "a": {"z": [3, {"y": 2, "x": 1}], "c": None}}
        self.assertEqual(canonical_json(value), '{"a":{"c":null,"z":[3,{"x":1,"y":2}]},"b":1}')

    def test_key_order_of_the_input_does_not_matter(self):
        first = {"name": "Atlas", "version": 1, "sources": [{"b": 2, "a": 1}]}
        second = {"sources": [{"a": 1, "b": 2}], "version": 1, "name": "Atlas"}
        self.assertEqual(canonical_json(first), canonical_json(second))

    def test_list_order_does_matter(self):
        self.assertNotEqual(canonical_json([1, 2]), canonical_json([2, 1]))

    def test_dates_datetimes_and_decimals_are_written_as_text(self):
        value = {
            "day": date(2024, 2, 29),
            "moment": datetime(2024, 2, 29, 13, 5, 9, tzinfo=UTC),
            "share": Decimal("33.300"),
        }
        self.assertEqual(
            canonical_json(value),
            '{"day":"2024-02-29","moment":"2024-02-29T13:05:09+00:00","share":"33.300"}',
        )

    def test_text_stays_utf8_not_escaped(self):
        self.assertEqual(canonical_json({"city": "Zürich, 東京"}), '{"city":"Zürich, 東京"}')

    def test_the_output_is_json_that_reads_back(self):
        value = {"a": [1, 2.5, True, None, "x"], "b": {"c": "d"}}
        self.assertEqual(json.loads(canonical_json(value)), value)

    def test_anything_else_is_refused_loudly(self):
        with self.assertRaisesMessage(TypeError, "set is not JSON serialisable"):
            canonical_json({"tags": {"a", "b"}})


class Sha256Tests(SimpleTestCase):
    def test_the_hash_is_the_hex_sha256_of_the_utf8_bytes(self):
        text = canonical_json({"city": "Zürich"})
        self.assertEqual(sha256_hex(text), hashlib.sha256(text.encode("utf-8")).hexdigest())
        self.assertRegex(sha256_hex(text), r"^[0-9a-f]{64}$")

    def test_same_content_same_hash_and_different_content_different_hash(self):
        one = {"shares": [Decimal("50"), Decimal("50")], "name": "Atlas"}
        same = {"name": "Atlas", "shares": [Decimal("50"), Decimal("50")]}
        cases = {
            "a changed value": {"name": "Atlas", "shares": [Decimal("50"), Decimal("49")]},
            "a changed key": {"title": "Atlas", "shares": [Decimal("50"), Decimal("50")]},
            "decimal places": {"name": "Atlas", "shares": [Decimal("50.0"), Decimal("50")]},
            "a number instead of a decimal": {"name": "Atlas", "shares": [50, 50]},
        }
        self.assertEqual(sha256_hex(canonical_json(one)), sha256_hex(canonical_json(same)))
        for name, other in cases.items():
            with self.subTest(name):
                self.assertNotEqual(
                    sha256_hex(canonical_json(one)), sha256_hex(canonical_json(other))
                )
