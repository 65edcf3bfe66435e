"""A draft's rows as sub-collections: sources (one or in bulk), supply chain, red-team, reports."""

from __future__ import annotations

import hashlib

from django.test import Client, override_settings

from registry.declarations.models import DataSource, RedTeamAttestation, SupplyChainParty
from registry.filings.states import Status
from tests.api.test_declarations import (
    ATTESTATION,
    PARTY,
    PUBLIC_DATASET,
    DeclarationApiTestCase,
)
from tests.declarations.test_views import PrivateFilesMixin
from tests.factories import (
    AIModelFactory,
    DataSourceFactory,
    RedTeamAttestationFactory,
    complete_declaration,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def numbered(count: int, **changes) -> list[dict]:
    return [
        PUBLIC_DATASET | {"name": f"Dataset {i}", "share_percent": 0.1} | changes
        for i in range(count)
    ]


class RowTestCase(DeclarationApiTestCase):
    def setUp(self):
        self.declaration = self.draft()

    def other_model(self):
        return AIModelFactory(provider=self.acme, name="Acme Code")


class SourceTests(RowTestCase):
    def test_add_read_change_and_remove_one_source(self):
        added = self.call("POST", self.url(self.declaration, "sources/"), PUBLIC_DATASET)
        self.assertEqual(added.status_code, 201, added.content)
        source = DataSource.objects.get()
        self.assertEqual((source.name, source.licence), ("Open Encyclopaedia", "CC-BY-4.0"))
        self.assertEqual(added["ETag"], f'"source-{source.pk}-1"')
        url = self.url(self.declaration, f"sources/{source.pk}/")
        self.assertEqual(self.call("GET", url).json(), added.json())
        changed = self.call("PATCH", url, {"owner": "Other"}, headers={"If-Match": added["ETag"]})
        self.assertEqual(changed.status_code, 200, changed.content)
        self.assertEqual((changed.json()["owner"], changed.json()["name"]), ("Other", source.name))
        self.assertEqual(changed["ETag"], f'"source-{source.pk}-2"')
        self.assertRefused(
            lambda: self.call("PATCH", url, {"owner": "X"}, headers={"If-Match": added["ETag"]}),
            412,
            "stale_edit",
        )
        self.assertRefused(
            lambda: self.call("DELETE", url, headers={"If-Match": added["ETag"]}),
            412,
            "stale_edit",
        )
        self.assertEqual(self.call("DELETE", url).status_code, 204)
        self.assertFalse(DataSource.objects.exists())

    def test_put_replaces_a_source_emptying_what_it_leaves_out(self):
        source = DataSourceFactory(declaration=self.declaration, dataset_version="v1")
        url = self.url(self.declaration, f"sources/{source.pk}/")
        body = {k: v for k, v in PUBLIC_DATASET.items() if k != "dataset_version"}
        response = self.call("PUT", url, body)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["dataset_version"], "")
        # A source of only a name has no kind, and the register holds none without one.
        self.assertRefused(
            lambda: self.call("PUT", url, {"name": "Only a name"}),
            400,
            "category_invalid",
            "/category",
        )
        # With its kind it is kept, with what it still lacks.
        kept = self.call("PUT", url, {"name": "A name", "category": "public_dataset"})
        self.assertEqual(kept.status_code, 200, kept.content)
        lacking = {(p["code"], p["pointer"]) for p in kept.json()["problems"]}
        self.assertIn(("description_required", "/description"), lacking)

    def test_unstorable_values_are_refused_with_pointers_and_nothing_is_written(self):
        url = self.url(self.declaration, "sources/")
        cases = [
            ({"share_percent": "a lot"}, "invalid", "/share_percent"),
            ({"share_percent": 101}, "share_invalid", "/share_percent"),
            ({"modalities": ["smell"]}, "invalid_choice", "/modalities/0"),
            ({"personal_data": "perhaps"}, "invalid_choice", "/personal_data"),
            ({"category": ""}, "category_invalid", "/category"),
            ({"size_bytes": 2**64}, "number_too_large", "/size_bytes"),
            ({"secret": 1}, "unknown_field", "/secret"),
        ]
        for change, code, pointer in cases:
            with self.subTest(code):
                self.assertRefused(
                    lambda change=change: self.call("POST", url, PUBLIC_DATASET | change),
                    400,
                    code,
                    pointer,
                )

    def test_a_source_with_problems_is_kept_and_says_what_it_lacks(self):
        url = self.url(self.declaration, "sources/")
        cases = [
            ({"licence": "GPL-9.0"}, "licence_invalid", "/licence"),
            ({"collection_end": "2022-01-01"}, "collection_dates_order", "/collection_end"),
            ({"countries": ["GBR"]}, "country_invalid", "/countries"),
            ({"name": None}, "source_name_required", "/name"),
            (
                {"category": "web_crawl", "top_domains": ["ok.example", "not a host"]},
                "top_domain_invalid",
                "/top_domains/1",
            ),
        ]
        for change, code, pointer in cases:
            with self.subTest(code):
                response = self.call("POST", url, PUBLIC_DATASET | change)
                self.assertEqual(response.status_code, 201, response.content)
                lacking = {(p["code"], p["pointer"]) for p in response.json()["problems"]}
                self.assertIn((code, pointer), lacking)
                # Nothing sent is lost: the source reads back with the answer as sent.
                field = pointer.split("/")[1]
                sent = (PUBLIC_DATASET | change)[field]
                again = self.call("GET", f"{url}{response.json()['id']}/").json()
                self.assertEqual(again[field], sent if sent is not None else "")
                self.assertIn(
                    {"code": code, "pointer": pointer},
                    [{"code": p["code"], "pointer": p["pointer"]} for p in again["problems"]],
                )

    def test_source_dates_are_optional(self):
        url = self.url(self.declaration, "sources/")
        undated = PUBLIC_DATASET | {
            "collection_start": None,
            "collection_end": None,
            "first_used_on": None,
            "collection_ongoing": False,
        }
        response = self.call("POST", url, undated)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["problems"], [])

    def test_1000_sources_in_one_request(self):
        DataSourceFactory(declaration=self.declaration)
        response = self.call("POST", self.url(self.declaration, "sources/"), numbered(1000))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json(), {"created": 1000, "total": 1001, "problems": []})
        self.assertEqual(self.declaration.sources.count(), 1001)
        self.assertEqual(self.declaration.sources.filter(licence="CC-BY-4.0").count(), 1001)

    def test_bulk_keeps_rows_with_problems_and_refuses_unstorable_ones(self):
        rows = numbered(5)
        rows[3]["licence"] = "not-a-licence"
        rows[4]["share_percent"] = "x"
        url = self.url(self.declaration, "sources/")
        self.assertRefused(lambda: self.call("POST", url, rows), 400, "invalid", "/4/share_percent")
        rows[4]["share_percent"] = 1
        response = self.call("POST", url, rows)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(
            [(p["code"], p["pointer"]) for p in response.json()["problems"]],
            [("licence_invalid", "/3/licence")],
        )
        self.assertEqual(self.declaration.sources.filter(licence="not-a-licence").count(), 1)

    def test_10001_sources_are_too_many(self):
        url = self.url(self.declaration, "sources/")
        for method in ("POST", "PUT"):
            with self.subTest(method):
                body = self.assertRefused(
                    lambda method=method: self.call(method, url, numbered(10_001)),
                    400,
                    "invalid",
                )
                self.assertEqual(
                    [(p["code"], p["pointer"]) for p in body["problems"]], [("too_many_rows", "")]
                )

    def test_put_replaces_all_sources_and_honours_the_declarations_etag(self):
        old = DataSourceFactory(declaration=self.declaration)
        url = self.url(self.declaration, "sources/")
        etag = self.call("GET", self.url(self.declaration))["ETag"]
        response = self.call("PUT", url, numbered(3), headers={"If-Match": etag})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"created": 3, "total": 3, "problems": []})
        self.assertFalse(DataSource.objects.filter(pk=old.pk).exists())
        self.assertRefused(
            lambda: self.call("PUT", url, numbered(1), headers={"If-Match": etag}),
            412,
            "stale_edit",
        )
        bad = numbered(2)
        bad[1]["category"] = ""
        self.assertRefused(
            lambda: self.call("PUT", url, bad), 400, "category_invalid", "/1/category"
        )
        self.assertRefused(lambda: self.call("PUT", url, PUBLIC_DATASET), 400, "not_a_list", "")

    def test_the_list_pages_and_never_loads_top_domains(self):
        crawl = DataSourceFactory(
            declaration=self.declaration,
            web_crawl=True,
            top_domains=[f"host{i}.example.com" for i in range(3000)],
        )
        DataSourceFactory.create_batch(2, declaration=self.declaration)
        url = self.url(self.declaration, "sources/")
        first = self.call("GET", url + "?page_size=2").json()
        self.assertEqual(first["results"][0]["id"], crawl.pk)
        self.assertEqual(first["results"][0]["top_domains_count"], 3000)
        self.assertNotIn("top_domains", first["results"][0])
        self.assertEqual(len(self.call("GET", first["next"]).json()["results"]), 1)
        full = self.call("GET", self.url(self.declaration, f"sources/{crawl.pk}/")).json()
        self.assertEqual(len(full["top_domains"]), 3000)

    def test_a_submitted_declarations_sources_cannot_change(self):
        submitted = complete_declaration(model=self.other_model(), status=Status.SUBMITTED)
        source = submitted.sources.first()
        assert source is not None
        url = self.url(submitted, "sources/")
        item = self.url(submitted, f"sources/{source.pk}/")
        calls = {
            "add": lambda: self.call("POST", url, PUBLIC_DATASET),
            "bulk add": lambda: self.call("POST", url, numbered(2)),
            "bulk replace": lambda: self.call("PUT", url, numbered(2)),
            "change": lambda: self.call("PATCH", item, {"name": "New"}),
            "remove": lambda: self.call("DELETE", item),
        }
        for name, call in calls.items():
            with self.subTest(name):
                self.assertRefused(call, 409, "not_editable")
        self.assertEqual(self.call("GET", item).status_code, 200)

    def test_a_source_is_found_only_through_its_own_declaration(self):
        other = complete_declaration(model=self.other_model())
        source = other.sources.first()
        assert source is not None
        self.assertProblem(
            self.call("GET", self.url(self.declaration, f"sources/{source.pk}/")), 404, "not_found"
        )


class PartyAndAttestationTests(RowTestCase):
    def test_supply_chain_parties(self):
        url = self.url(self.declaration, "supply-chain/")
        added = self.call("POST", url, PARTY)
        self.assertEqual(added.status_code, 201, added.content)
        party = SupplyChainParty.objects.get()
        self.assertEqual(added["ETag"], f'"party-{party.pk}-1"')
        listed = self.call("GET", url).json()["results"]
        self.assertEqual([p["name"] for p in listed], ["Compute Partner Ltd"])
        item = self.url(self.declaration, f"supply-chain/{party.pk}/")
        changed = self.call(
            "PATCH", item, {"role": "api_aggregator"}, headers={"If-Match": added["ETag"]}
        )
        self.assertEqual(changed.json()["role"], "api_aggregator")
        self.assertRefused(
            lambda: self.call("PUT", item, PARTY, headers={"If-Match": added["ETag"]}),
            412,
            "stale_edit",
        )
        self.assertRefused(
            lambda: self.call("PUT", item, {"name": "No role"}), 400, "party_role_invalid", "/role"
        )
        self.assertRefused(
            lambda: self.call("POST", url, PARTY | {"role": "broker"}),
            400,
            "invalid_choice",
            "/role",
        )
        self.assertEqual(self.call("DELETE", item).status_code, 204)
        self.assertFalse(SupplyChainParty.objects.exists())

    def test_red_team_attestations(self):
        url = self.url(self.declaration, "red-team/")
        added = self.call("POST", url, ATTESTATION)
        self.assertEqual(added.status_code, 201, added.content)
        attestation = RedTeamAttestation.objects.get()
        self.assertEqual(added.json()["report_sha256"], None)
        item = self.url(self.declaration, f"red-team/{attestation.pk}/")
        kept = self.call("PATCH", item, {"next_due": "2025-01-01"})
        self.assertEqual(kept.status_code, 200, kept.content)
        self.assertEqual(
            [(p["code"], p["pointer"]) for p in kept.json()["problems"]],
            [("next_due_order", "/next_due")],
        )
        self.assertRefused(
            lambda: self.call("PATCH", item, {"scope": ["everything"]}),
            400,
            "invalid_choice",
            "/scope/0",
        )
        changed = self.call("PATCH", item, {"outcome": "findings_open"})
        self.assertEqual(changed.json()["outcome"], "findings_open")
        self.assertEqual(
            [a["id"] for a in self.call("GET", url).json()["results"]], [attestation.pk]
        )
        self.assertEqual(self.call("DELETE", item).status_code, 204)

    def test_rows_of_a_submitted_declaration_cannot_change(self):
        submitted = complete_declaration(model=self.other_model(), status=Status.SUBMITTED)
        party = submitted.supply_chain.get()
        attestation = submitted.red_team_attestations.get()
        calls = {
            "add party": lambda: self.call("POST", self.url(submitted, "supply-chain/"), PARTY),
            "change party": lambda: self.call(
                "PATCH", self.url(submitted, f"supply-chain/{party.pk}/"), {"name": "X"}
            ),
            "remove attestation": lambda: self.call(
                "DELETE", self.url(submitted, f"red-team/{attestation.pk}/")
            ),
        }
        for name, call in calls.items():
            with self.subTest(name):
                self.assertRefused(call, 409, "not_editable")


class ReportTests(PrivateFilesMixin, DeclarationApiTestCase):
    def setUp(self):
        self.declaration = self.draft()
        self.attestation = RedTeamAttestationFactory(declaration=self.declaration)
        self.url_report = self.url(self.declaration, f"red-team/{self.attestation.pk}/report")

    def upload(self, data: bytes, content_type: str = "application/pdf", key=None, headers=None):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        secret = key or self.acme_secret
        return Client().put(
            self.url_report,
            data,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Bearer {secret}",
            CONTENT_TYPE=content_type,
            **extra,
        )

    def test_a_pdf_is_stored_privately_with_its_hash(self):
        response = self.upload(PDF)
        self.assertEqual(response.status_code, 200, response.content)
        self.attestation.refresh_from_db()
        self.assertEqual(response.json()["report_sha256"], hashlib.sha256(PDF).hexdigest())
        with self.attestation.report.open("rb") as stored:
            self.assertEqual(stored.read(), PDF)
        self.assertEqual(response["ETag"], f'"attestation-{self.attestation.pk}-2"')

    def test_what_is_not_a_pdf_is_refused_and_nothing_is_stored(self):
        cases = [
            (PDF, "application/json", 415, "unsupported_media_type"),
            (b"GIF89a not a pdf", "application/pdf", 415, "report_invalid"),
            (b"", "application/pdf", 400, "report_invalid"),
        ]
        for data, content_type, status, code in cases:
            with self.subTest(code=code, content_type=content_type):
                self.assertRefused(
                    lambda data=data, content_type=content_type: self.upload(data, content_type),
                    status,
                    code,
                )
        self.attestation.refresh_from_db()
        self.assertEqual(self.attestation.report.name, "")

    @override_settings(RED_TEAM_REPORT_MAX_BYTES=100)
    def test_a_report_over_the_limit_is_413(self):
        self.assertRefused(lambda: self.upload(PDF + b"x" * 100), 413, "report_too_large")

    def test_a_stale_etag_a_read_key_and_a_submitted_declaration_are_refused(self):
        self.assertRefused(
            lambda: self.upload(PDF, headers={"If-Match": '"attestation-1-99"'}), 412, "stale_edit"
        )
        self.assertRefused(
            lambda: self.upload(PDF, key=self.acme_read_secret), 403, "permission_denied"
        )
        self.assertRefused(lambda: self.upload(PDF, key=self.beta_secret), 404, "not_found")
        self.declaration.status = Status.SUBMITTED
        self.declaration.save(update_fields=["status"])
        self.assertRefused(lambda: self.upload(PDF), 409, "not_editable")

    def test_the_report_is_downloaded_by_its_provider_only(self):
        self.assertProblem(self.call("GET", self.url_report), 404, "not_found")
        self.upload(PDF)
        for key in ("acme", "acme-read"):
            with self.subTest(key):
                response = self.call(
                    "GET", self.url_report, key=key, headers={"Accept": "application/pdf"}
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertProblem(self.call("GET", self.url_report, key="beta"), 404, "not_found")
