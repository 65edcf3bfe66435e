"""The regulator opens one commitment of a leaf: the value proves itself against the public leaf,
and reveals nothing of the others."""

from __future__ import annotations

import io
import json

from django.core.management import CommandError, call_command
from django.test import override_settings
from provenance_client.errors import ProofError
from provenance_client.record import parse_leaf, verify_opening

from registry.transparency.models import LogEntry
from registry.transparency.services import log_publish
from tests.base import PersonaTestCase
from tests.labels import published_model
from tests.labels.test_exports import IN_MEMORY


def opened(index: int, pointer: str) -> dict:
    out = io.StringIO()
    call_command("log_open", str(index), pointer, stdout=out)
    return json.loads(out.getvalue())


@override_settings(STORAGES=IN_MEMORY)
class OpenCommitmentTests(PersonaTestCase):
    def setUp(self):
        super().setUp()
        self.declaration = published_model(self, name="Acme Chat")
        log_publish()
        self.entry = LogEntry.objects.get(filing_kind="declaration", act="accepted")
        self.leaf = parse_leaf(bytes(self.entry.data))

    def test_an_opened_value_verifies_against_the_public_leaf(self):
        opening = opened(self.entry.index, "/total_tokens")
        self.assertEqual(opening["value"], self.declaration.total_tokens)
        self.assertNotIn(str(self.declaration.total_tokens), bytes(self.entry.data).decode())
        verify_opening(opening, self.leaf["commitments"])

    def test_a_changed_value_or_salt_does_not_verify(self):
        opening = opened(self.entry.index, "/sources/0/size_tokens")
        for changed in (
            opening | {"value": 1},
            opening | {"salt": "00" * 32},
            opening | {"pointer": "/sources/1/size_tokens"},
        ):
            with self.subTest(changed=changed), self.assertRaises(ProofError):
                verify_opening(changed, self.leaf["commitments"])

    def test_two_openings_give_different_salts(self):
        first = opened(self.entry.index, "/sources/0/size_tokens")
        second = opened(self.entry.index, "/sources/1/size_tokens")
        self.assertNotEqual(first["salt"], second["salt"])

    def test_an_unknown_leaf_or_pointer_is_refused_by_name(self):
        with self.assertRaisesMessage(CommandError, "The log has no leaf 999"):
            opened(999, "/total_tokens")
        with self.assertRaisesMessage(CommandError, "commits to no value at /signatory_name"):
            opened(self.entry.index, "/signatory_name")
