"""The open data: every registered model once, public fields only, with true hashes and counts."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unittest
from datetime import UTC, datetime, timedelta
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings

from registry.audit.models import AuditEvent
from registry.declarations.choices import SourceCategory
from registry.labels import exports, selectors
from registry.labels.models import OpenDataExport
from registry.lib import spreadsheets
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration
from tests.labels import accepted_ownership, published_model, withdraw
from tests.labels.test_selectors import (
    CN_STATE,
    REGULATOR_ONLY_KEYS,
    SENTINEL_NUMBERS,
    SENTINEL_TEXT,
    US_FUND,
    keys_in,
    sentinel_filing,
)

IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
US_30 = {
    "investor_name": "Western Fund LP",
    "investor_kind": "fund",
    "country": "US",
    "share_percent": 30,
    "votes_percent": 30,
}


def read(export: OpenDataExport) -> bytes:
    with export.file.open("rb") as file:
        return file.read()


class ExportTests(PersonaTestCase):
    """Leaky (sentinels everywhere), Acme Chat, a withdrawn model and a draft-only model."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.leaky = sentinel_filing(cls)
        cls.chat = published_model(cls, name="Acme Chat", version="2.1", sources=4)
        gone = published_model(cls, name="Acme Old", sources=1)
        withdraw(cls, gone, "Retired: replaced by Acme Chat")
        complete_declaration(model=AIModelFactory(provider=cls.acme, name="Unpublished"))

    def setUp(self):
        self.enterContext(override_settings(STORAGES=IN_MEMORY))  # a new, empty storage each test
        self.csv_export, self.jsonl_export = exports.open_data_export(NOW)
        self.csv_bytes, self.jsonl_bytes = read(self.csv_export), read(self.jsonl_export)
        self.csv_rows = list(csv.DictReader(io.StringIO(self.csv_bytes.decode())))
        self.jsonl_rows = [json.loads(line) for line in self.jsonl_bytes.decode().splitlines()]

    def test_one_row_per_registered_model_in_each_file(self):
        names = ["Leaky", "Acme Chat", "Acme Old"]
        numbers = sorted(
            declaration.model.registration_number for declaration in (self.leaky, self.chat)
        )
        for export, rows in (
            (self.csv_export, self.csv_rows),
            (self.jsonl_export, self.jsonl_rows),
        ):
            with self.subTest(export.format):
                self.assertEqual(export.rows, 3)
                self.assertEqual(len(rows), 3)
                row_names = [row["name"] if "name" in row else row["model"]["name"] for row in rows]
                self.assertEqual(sorted(row_names), sorted(names))
        csv_numbers = [row["registration_number"] for row in self.csv_rows]
        self.assertEqual(csv_numbers, sorted(csv_numbers))  # by registration number
        self.assertLessEqual(set(numbers), set(csv_numbers))

    def test_the_csv_header_and_a_row_s_values(self):
        header = self.csv_bytes.decode().split("\r\n", 1)[0]
        self.assertEqual(header, ",".join(exports.CSV_COLUMNS))
        row = next(r for r in self.csv_rows if r["name"] == "Acme Chat")
        number = self.chat.model.registration_number
        self.assertEqual(
            {column: row[column] for column in exports.CSV_COLUMNS[:9]},
            {
                "registration_number": number,
                "name": "Acme Chat",
                "version": "2.1",
                "provider_registration_number": self.acme.registration_number,
                "provider_name": "Acme AI",
                "provider_country": "GB",
                "label_version": "1",
                "status": "accepted",
                "accepted_on": str(self.chat.decided_at.date()),
            },
        )
        self.assertEqual(row["size_bands"], "text: 1b_10t")
        self.assertEqual(row["languages"], "en: 80%; fr: 20%")
        self.assertEqual(row["public_sources"], "4")
        self.assertEqual(row["confidential_sources"], "0")
        self.assertEqual(row["confidential_share_percent"], "0.000")
        self.assertEqual(row["control_verdict"], "uk_controlled")
        self.assertEqual(row["control_countries"], "")
        self.assertEqual(row["label_url"], f"http://127.0.0.1:8000/register/models/{number}/")

    def test_the_training_mix_is_one_column_per_kind_of_source_in_the_kinds_order(self):
        header = self.csv_bytes.decode().split("\r\n", 1)[0].split(",")
        first = header.index("share_public_dataset")
        self.assertEqual(
            header[first : first + 8],
            [
                "share_public_dataset",
                "share_licensed",
                "share_private_third_party",
                "share_web_crawl",
                "share_user_data",
                "share_synthetic",
                "share_proprietary",
                "share_other",
            ],
        )
        self.assertNotIn("composition", header)
        chat = next(r for r in self.csv_rows if r["name"] == "Acme Chat")
        # four sources of 25 %: two public datasets, a web crawl and a synthetic source
        self.assertEqual(
            {column: chat[column] for column in header[first : first + 8]},
            {
                "share_public_dataset": "50.000",
                "share_licensed": "0.000",
                "share_private_third_party": "0.000",
                "share_web_crawl": "25.000",
                "share_user_data": "0.000",
                "share_synthetic": "25.000",
                "share_proprietary": "0.000",
                "share_other": "0.000",
            },
        )

    def test_confidential_sources_count_in_the_share_columns(self):
        leaky = next(r for r in self.csv_rows if r["name"] == "Leaky")
        # six sources, the first 16.670 % and the others 16.666 %: a public dataset, a crawl, a
        # synthetic source, then the same three again, all three confidential
        self.assertEqual(
            (leaky["share_public_dataset"], leaky["share_web_crawl"], leaky["share_synthetic"]),
            ("33.336", "33.332", "33.332"),
        )
        self.assertEqual(leaky["confidential_share_percent"], "49.998")

    def test_a_withdrawn_model_is_a_tombstone_row(self):
        row = next(r for r in self.csv_rows if r["name"] == "Acme Old")
        self.assertEqual(
            (row["status"], row["withdrawal_reason"]),
            ("withdrawn", "Retired: replaced by Acme Chat"),
        )
        self.assertEqual(
            {column: row[column] for column in exports.CSV_COLUMNS if column.startswith("share_")},
            dict.fromkeys([f"share_{c}" for c in SourceCategory.values], ""),
        )
        line = next(r for r in self.jsonl_rows if r["model"]["name"] == "Acme Old")
        self.assertEqual(line["kind"], "tombstone")

    def test_jsonl_rows_are_the_public_api_s_labels(self):
        number = self.chat.model.registration_number
        line = next(r for r in self.jsonl_rows if r["model"]["name"] == "Acme Chat")
        label = self.client.get(f"/api/v1/public/models/{number}/").json()
        # All but the log's proofs, which are made against the log's latest checkpoint when a
        # label is read; each label's own address carries them.
        self.assertIn("transparency", label)
        self.assertEqual(line, {k: v for k, v in label.items() if k != "transparency"})

    def test_no_sentinel_and_no_regulator_only_key_in_either_file(self):
        for export, data in (
            (self.csv_export, self.csv_bytes),
            (self.jsonl_export, self.jsonl_bytes),
        ):
            text = data.decode()
            for name, sentinel in [*SENTINEL_TEXT.items(), *SENTINEL_NUMBERS.items()]:
                with self.subTest(export.format, sentinel=name):
                    self.assertNotIn(str(sentinel), text)
        self.assertEqual(set(exports.CSV_COLUMNS) & REGULATOR_ONLY_KEYS, set())
        for row in self.jsonl_rows:
            self.assertEqual(keys_in(row) & REGULATOR_ONLY_KEYS, set())
        leaky = next(r for r in self.csv_rows if r["name"] == "Leaky")
        self.assertEqual(leaky["confidential_sources"], "3")

    def test_sha256_size_and_date_describe_the_stored_bytes(self):
        for export, data in (
            (self.csv_export, self.csv_bytes),
            (self.jsonl_export, self.jsonl_bytes),
        ):
            with self.subTest(export.format):
                self.assertEqual(export.sha256, hashlib.sha256(data).hexdigest())
                self.assertEqual(export.size, len(data))
                self.assertEqual(export.created_at, NOW)
                self.assertEqual(
                    export.file.name, f"open-data/20260301T020000Z/register.{export.format}"
                )
        events = AuditEvent.objects.filter(action="labels.open_data_exported")
        self.assertEqual(
            sorted(events.values_list("target_id", flat=True)),
            sorted([str(self.csv_export.pk), str(self.jsonl_export.pk)]),
        )

    def test_previous_exports_are_kept_up_to_the_limit_and_the_latest_listed(self):
        later = exports.open_data_export(NOW + timedelta(days=1), keep=2)
        self.assertEqual(OpenDataExport.objects.count(), 4)
        self.assertEqual(exports.open_data_latest(), later)
        newest = exports.open_data_export(NOW + timedelta(days=2), keep=2)
        self.assertEqual(OpenDataExport.objects.count(), 4)
        self.assertIs(OpenDataExport.objects.filter(pk=self.csv_export.pk).exists(), False)
        self.assertIs(self.csv_export.file.storage.exists(self.csv_export.file.name), False)
        self.assertEqual(exports.open_data_latest(), newest)

    def test_the_command_prints_each_file_its_rows_and_hash(self):
        out = io.StringIO()
        call_command("export_open_data", stdout=out)
        latest = exports.open_data_latest()
        self.assertEqual([e.format for e in latest], ["csv", "jsonl"])
        self.assertEqual(
            out.getvalue().splitlines(),
            [f"{e.file.name}  3 rows  {e.size} bytes  sha256 {e.sha256}" for e in latest],
        )


class ColumnDefinitionTests(PersonaTestCase):
    """The CSV writes the columns the data dictionary defines, and only those."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, provider=cls.beta, submitter=cls.charlie, links=[CN_STATE, US_30])
        cls.chat = published_model(cls, name="Acme Chat", sources=4)
        cls.beta_model = published_model(
            cls, provider=cls.beta, submitter=cls.charlie, name="Beta Base"
        )
        withdraw(cls, published_model(cls, name="Acme Old", sources=1), "Retired")

    def labels(self) -> list[dict]:
        return selectors.model_labels(list(exports.open_data_declarations(None)))

    def test_every_column_written_is_defined_and_every_defined_one_is_written(self):
        written: dict[str, set[str]] = {"label": set(), "tombstone": set()}
        for label in self.labels():
            written[label["kind"]] |= set(exports.csv_row(label))
        self.assertEqual(written["label"] | written["tombstone"], set(exports.CSV_COLUMNS))
        # a tombstone gives who, which version, when and why, and no part of a label
        self.assertEqual(
            written["tombstone"] - written["label"], {"withdrawn_on", "withdrawal_reason"}
        )
        self.assertNotIn("share_web_crawl", written["tombstone"])

    def test_every_column_is_named_typed_explained_and_exemplified_once(self):
        names = [column.name for column in exports.COLUMNS]
        self.assertEqual(names, exports.CSV_COLUMNS)
        self.assertEqual(len(names), len(set(names)))
        for column in exports.COLUMNS:
            with self.subTest(column.name):
                self.assertRegex(column.name, r"^[a-z][a-z0-9_]*$")
                self.assertTrue(column.type)
                self.assertRegex(column.meaning, r"^[A-Z].{10,}\.$")
                self.assertTrue(column.example)

    def test_coded_columns_hold_only_their_listed_values_and_their_examples_are_listed(self):
        rows = [exports.csv_row(label) for label in self.labels()]
        coded = [column for column in exports.COLUMNS if column.values]
        self.assertGreaterEqual(
            {column.name for column in coded},
            {"status", "model_type", "control_verdict", "public_alerts", "size_bands"},
        )
        for column in coded:
            allowed = {value for value, name in column.values}
            with self.subTest(column.name):
                self.assertTrue(all(name for value, name in column.values))
                self.assertLessEqual(set(column.example.split("; ")), allowed)
                for row in rows:
                    written = spreadsheets.cell(row.get(column.name))
                    self.assertLessEqual(set(written.split("; ")) - {""}, allowed)

    def test_the_control_columns_give_the_verdict_and_the_countries_behind_it(self):
        row = next(
            exports.csv_row(label)
            for label in self.labels()
            if label["model"]["name"] == "Beta Base"
        )
        # China's state-owned investor decides the verdict; the US fund only adds up to control
        self.assertEqual(
            (row["control_verdict"], row["control_countries"], row["state_affiliated"]),
            ("foreign_state_influence", "CN", True),
        )
        self.assertIn("foreign_state_control", row["public_alerts"].split("; "))


class ExportQueryTests(PersonaTestCase):
    """The export's queries grow with its chunks, never with the models in a chunk."""

    # The export, whatever the number of models in a chunk (`CHUNK_SIZE`):
    #  1. the transaction every chunk is read in, one snapshot (a savepoint inside a test's)
    #  2. the chunk's declarations: the latest published ones of the next models by number,
    #     with their models and providers
    #  3-11. their labels (selectors.model_labels): the public and confidential sources, the
    #       supply chains, the attestations, the published versions, the accepted ownership
    #       statements and their investors, the models' lineage and the snapshots' hashes
    #  12. the reading transaction ended (the savepoint released)
    #  13. the transaction that stores both files (a savepoint inside a test's)
    #  14-17. each file's record and its audit event
    #  18. the transaction committed (the savepoint released)
    #  19-20. the exports kept of each format, to delete the older ones
    EXPORT_QUERIES = 20
    CHUNK_QUERIES = 10

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, links=[US_FUND])
        withdraw(cls, published_model(cls, name="Model 0", sources=1), "Retired")

    def setUp(self):
        self.enterContext(override_settings(STORAGES=IN_MEMORY))

    def register_grow(self, count: int) -> None:
        while (built := selectors.registered_models().count()) < count:
            published_model(self, name=f"Model {built}", sources=2)

    def test_the_export_runs_the_same_queries_for_5_and_50_models(self):
        for count in (5, 50):
            self.register_grow(count)
            with self.subTest(models=count):
                with self.assertNumQueries(self.EXPORT_QUERIES):
                    csv_export, _ = exports.open_data_export(NOW)
                self.assertEqual(csv_export.rows, count)

    def test_each_chunk_adds_the_same_queries(self):
        self.register_grow(50)
        # 20, 20 and 10 models; a short chunk is the last, with no query to find the end
        three_chunks = mock.patch.object(exports, "CHUNK_SIZE", 20)
        with three_chunks, self.assertNumQueries(self.EXPORT_QUERIES + 2 * self.CHUNK_QUERIES):
            csv_export, jsonl_export = exports.open_data_export(NOW)
        self.assertEqual(csv_export.rows, 50)
        lines = read(jsonl_export).decode().splitlines()
        self.assertEqual(len({json.loads(line)["model"]["name"] for line in lines}), 50)


@unittest.skipUnless(connection.vendor == "postgresql", "isolation levels are PostgreSQL's")
@override_settings(STORAGES=IN_MEMORY)
class SnapshotTests(TransactionTestCase):
    """With real transactions: the export reads the register as it stood at one moment."""

    def test_every_chunk_is_read_in_one_repeatable_read_transaction(self):
        seen = []

        def write_rows(csv_out, jsonl_out):
            with connection.cursor() as cursor:
                cursor.execute("SHOW transaction_isolation")
                seen.append((connection.in_atomic_block, cursor.fetchone()[0]))
            return 0

        with mock.patch.object(exports, "write_rows", side_effect=write_rows):
            exports.open_data_export(NOW)
        self.assertEqual(seen, [(True, "repeatable read")])
