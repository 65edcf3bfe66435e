"""Provider declaration endpoints: create with the whole body, read, change, validate, submit.

Every refusal asserts its status, its problem code and pointer, and that nothing was written.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from registry.audit.models import AuditEvent
from registry.declarations import selectors, services, validation
from registry.declarations.models import (
    DataSource,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.filings.models import FilingSnapshot, FilingTransition
from registry.filings.states import Status
from tests.api.base import ApiTestCase
from tests.factories import (
    AIModelFactory,
    ProvenanceDeclarationFactory,
    complete_declaration,
    raise_finding,
)

GENERAL: dict[str, Any] = {
    "training_data_size": {"text": "1b_10t"},
    "total_tokens": 2_000_000_000_000,
    "latest_collection_date": "2024-12-31",
    "continuous_training": False,
    "languages": [{"code": "en", "share_percent": 80}, {"code": "fr", "share_percent": 20}],
    "content_types": ["news articles", "source code"],
    "tdm_opt_out_measures": "We honour robots.txt and TDM-Rep opt-outs at crawl time.",
    "illegal_content_measures": "Hash matching against known illegal material.",
    "code_of_practice_signatory": True,
}
PUBLIC_DATASET: dict[str, Any] = {
    "name": "Open Encyclopaedia",
    "category": "public_dataset",
    "description": "Openly published encyclopaedia articles.",
    "url": "https://data.example/encyclopaedia",
    "dataset_version": "2024-06",
    "owner": "Example Foundation",
    "licence": "cc-by-4.0",
    "licence_use_category": "commercial",
    "acquisition": "public",
    "modalities": ["text"],
    "languages": ["en"],
    "size_tokens": 1_000_000_000,
    "share_percent": 60,
    "collection_start": "2023-01-01",
    "collection_end": "2024-06-30",
    "first_used_on": "2024-07-01",
    "purpose": "Broad general knowledge.",
    "personal_data": "no",
    "ip_status": "mixed",
    "processing": ["deduplication"],
    "countries": ["GB"],
}
CRAWL: dict[str, Any] = PUBLIC_DATASET | {
    "name": "Acme web crawl",
    "category": "web_crawl",
    "acquisition": "scraped",
    "url": "",
    "licence": "",
    "licence_use_category": "unspecified",
    "share_percent": 30,
    "crawler_name": "AcmeBot",
    "crawler_user_agent": "AcmeBot/2.1 (+https://acme.example/bot)",
    "robots_txt_respected": True,
    "tdm_opt_out_respected": True,
    "top_domains": ["en.wikipedia.org", "BBC.co.uk"],
}
SYNTHETIC: dict[str, Any] = PUBLIC_DATASET | {
    "name": "Teacher dialogues",
    "category": "synthetic",
    "acquisition": "generated",
    "url": "",
    "licence": "",
    "licence_use_category": "unspecified",
    "ip_status": "own",
    "share_percent": 10.5,
    "generator_models": [
        {"name": "Open Teacher 70B", "provider": "Open Models Ltd", "terms_permit_training": "yes"}
    ],
}
PARTY: dict[str, Any] = {
    "name": "Compute Partner Ltd",
    "role": "compute",
    "country": "GB",
    "company_number": "09876543",
}
ATTESTATION: dict[str, Any] = {
    "assessor": "Independent Assurance LLP",
    "assessor_independent": True,
    "scope": ["supply_chain", "model_extraction"],
    "performed_on": "2025-03-01",
    "outcome": "pass",
    "summary": "No exploitable weaknesses found in the data supply chain.",
    "next_due": "2026-03-01",
}
SIGNED: dict[str, Any] = {
    "signatory_name": "Alice Owner",
    "signatory_role": "Director",
    "sign": True,
}


def whole_body(model_id: int, **changes: Any) -> dict[str, Any]:
    """A create body that passes every rule: shares 60 + 30 + 10 (within 1 % of 100)."""
    return {
        "model": model_id,
        **GENERAL,
        "sources": [PUBLIC_DATASET, CRAWL, SYNTHETIC | {"share_percent": 10}],
        "supply_chain": [PARTY],
        "red_team_attestations": [ATTESTATION],
        **SIGNED,
        **changes,
    }


def resolve(document: Any, pointer: str) -> Any:
    """The value a JSON pointer points at (KeyError or IndexError if it points at nothing)."""
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


class DeclarationApiTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.model = AIModelFactory(provider=cls.acme, name="Acme Chat")

    def sources(self, body: dict) -> list[dict]:
        """A declaration's sources, read from their own collection (one page holds them all)."""
        page = self.call("GET", body["sources_url"] + "?page_size=500").json()
        self.assertIsNone(page["next"])
        return page["results"]

    def url(self, declaration, *parts: str) -> str:
        pk = declaration if isinstance(declaration, int) else declaration.pk
        return f"/api/v1/declarations/{pk}/" + "/".join(parts)

    def draft(self, **fields) -> ProvenanceDeclaration:
        fields.setdefault("model", self.model)
        return ProvenanceDeclarationFactory(created_by=self.alice, **fields)

    def written(self) -> dict[str, Any]:
        """Everything a refused request must leave as it was."""
        counts: dict[str, Any] = {
            model.__name__: model.objects.count()
            for model in (
                ProvenanceDeclaration,
                DataSource,
                SupplyChainParty,
                RedTeamAttestation,
                AuditEvent,
                FilingSnapshot,
                FilingTransition,
            )
        }
        counts["versions"] = list(
            ProvenanceDeclaration.objects.order_by("pk").values_list("pk", "lock_version", "status")
        )
        counts["rows"] = list(DataSource.objects.order_by("pk").values_list("pk", "lock_version"))
        return counts

    def assertRefused(self, call, status: int, code: str, pointer: str | None = None) -> dict:
        """The request is refused with this problem, and writes nothing at all."""
        before = self.written()
        body = self.assertProblem(call(), status, code, pointer)
        self.assertEqual(self.written(), before)
        return body


def refused_etag(case, url: str) -> str:
    """The ETag of the declaration as it stands (a refused submission changes nothing)."""
    return case.call("GET", url)["ETag"]


class CreateTests(DeclarationApiTestCase):
    def test_a_blank_draft_needs_only_the_model(self):
        response = self.call("POST", "/api/v1/declarations/", {"model": self.model.pk})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        declaration = ProvenanceDeclaration.objects.get()
        self.assertEqual(
            (body["id"], body["version"], body["status"], body["reference"]),
            (declaration.pk, 1, "draft", declaration.reference),
        )
        self.assertEqual(response["ETag"], body["etag"])
        self.assertEqual(response["Location"], self.url(declaration))
        self.assertEqual((body["sources_count"], body["snapshot"], body["history"]), (0, None, []))
        self.assertEqual(body["sources_url"], self.url(declaration, "sources/"))
        self.assertEqual(self.sources(body), [])
        self.assertTrue(
            AuditEvent.objects.filter(action="declaration.started", actor=self.alice).exists()
        )

    def test_the_whole_body_is_written_in_one_request(self):
        response = self.call("POST", "/api/v1/declarations/", whole_body(self.model.pk))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        declaration = ProvenanceDeclaration.objects.get()
        self.assertEqual(declaration.total_tokens, 2_000_000_000_000)
        self.assertEqual(
            list(declaration.sources.order_by("id").values_list("name", flat=True)),
            ["Open Encyclopaedia", "Acme web crawl", "Teacher dialogues"],
        )
        self.assertEqual(declaration.supply_chain.get().name, "Compute Partner Ltd")
        self.assertEqual(declaration.red_team_attestations.get().outcome, "pass")
        self.assertIsNotNone(declaration.signed_at)
        # Stored as the web forms store them: a canonical licence, hosts in lower case.
        self.assertEqual(body["sources_count"], 3)
        sources = self.sources(body)
        self.assertEqual(sources[0]["licence"], "CC-BY-4.0")
        crawl = self.call("GET", self.url(declaration, f"sources/{sources[1]['id']}/")).json()
        self.assertEqual(crawl["top_domains"], ["en.wikipedia.org", "bbc.co.uk"])
        self.assertEqual(body["languages"][0], {"code": "en", "share_percent": 80})
        self.assertEqual(body["signatory_name"], "Alice Owner")

    def test_create_validate_submit_then_read_the_status_and_snapshot_hash(self):
        created = self.call("POST", "/api/v1/declarations/", whole_body(self.model.pk)).json()
        checked = self.call("POST", self.url(created["id"], "validate"), {})
        self.assertEqual(checked.json(), {"valid": True, "problems": []})
        submitted = self.call(
            "POST", self.url(created["id"], "submit"), {}, headers={"If-Match": created["etag"]}
        )
        self.assertEqual(submitted.status_code, 200, submitted.content)
        snapshot = FilingSnapshot.objects.get()
        self.assertEqual(
            submitted.json()["snapshot"]["sha256"], snapshot.sha256, "the hash of the frozen JSON"
        )
        read = self.call("GET", self.url(created["id"])).json()
        self.assertEqual(read["status"], "submitted")
        self.assertEqual(
            (read["snapshot"]["sha256"], read["snapshot"]["submission"]), (snapshot.sha256, 1)
        )
        self.assertEqual(
            [(h["action"], h["to_status"], h["actor"]) for h in read["history"]],
            [("submit", "submitted", "Alice Owner")],
        )
        self.assertIsNotNone(read["submitted_at"])
        listed = self.call("GET", "/api/v1/declarations/?status=submitted").json()
        self.assertEqual([d["id"] for d in listed["results"]], [created["id"]])

    # Seven problems of different kinds, each of a value that can be stored: a draft holds them.
    SEVEN_PROBLEMS = {
        ("tdm_opt_out_measures_required", "/tdm_opt_out_measures"),
        ("source_name_required", "/sources/1/name"),
        ("licence_invalid", "/sources/2/licence"),
        ("top_domains_required", "/sources/3/top_domains"),
        ("country_invalid", "/supply_chain/1/country"),
        ("summary_required", "/red_team_attestations/0/summary"),
        ("language_invalid", "/languages/1/code"),
    }

    def seven_problem_body(self) -> dict[str, Any]:
        return whole_body(
            self.model.pk,
            tdm_opt_out_measures="",
            languages=[{"code": "en", "share_percent": 90}, {"code": "xx", "share_percent": 10}],
            sources=[
                PUBLIC_DATASET | {"share_percent": 40},
                PUBLIC_DATASET | {"name": "", "share_percent": 20},
                PUBLIC_DATASET | {"licence": "MIT AND (Apache-2.0", "share_percent": 10},
                CRAWL | {"top_domains": [], "share_percent": 30},
            ],
            supply_chain=[PARTY, PARTY | {"country": "XX"}],
            red_team_attestations=[ATTESTATION | {"summary": ""}],
        )

    def test_a_draft_keeps_every_problem_and_validate_and_submit_list_them_all(self):
        body = self.seven_problem_body()
        response = self.call("POST", "/api/v1/declarations/", body)
        self.assertEqual(response.status_code, 201, response.content)
        created = response.json()
        problems = {(p["code"], p["pointer"]) for p in created["problems"]}
        self.assertEqual(problems, self.SEVEN_PROBLEMS)
        for item in created["problems"]:
            resolve(body, item["pointer"])  # each points at something in the request
        declaration = ProvenanceDeclaration.objects.get(pk=created["id"])
        # Nothing that was sent is lost: the bad licence and the blank name are kept as sent.
        names = list(declaration.sources.order_by("id").values_list("name", "licence"))
        self.assertEqual(names[1][0], "")
        self.assertEqual(names[2][1], "MIT AND (Apache-2.0")
        self.assertEqual(declaration.supply_chain.order_by("id").last().country, "XX")
        url = self.url(declaration)
        checked = self.call("POST", self.url(declaration, "validate"), {}, key="acme-read").json()
        self.assertIs(checked["valid"], False)
        self.assertEqual({(p["code"], p["pointer"]) for p in checked["problems"]}, problems)
        submit = self.url(declaration, "submit")
        refused = self.call("POST", submit, {}, headers={"If-Match": response["ETag"]})
        problem = self.assertProblem(refused, 400, "invalid")
        self.assertEqual({(p["code"], p["pointer"]) for p in problem["problems"]}, problems)
        # One PATCH fixes all seven, and it submits.
        fix = {
            "tdm_opt_out_measures": GENERAL["tdm_opt_out_measures"],
            "languages": GENERAL["languages"],
            "sources": [PUBLIC_DATASET, CRAWL, SYNTHETIC | {"share_percent": 10}],
            "supply_chain": [PARTY],
            "red_team_attestations": [ATTESTATION],
            **SIGNED,
        }
        fixed = self.call("PATCH", url, fix, headers={"If-Match": refused_etag(self, url)})
        self.assertEqual(fixed.status_code, 200, fixed.content)
        self.assertEqual(fixed.json()["problems"], [])
        submitted = self.call("POST", submit, {}, headers={"If-Match": fixed["ETag"]})
        self.assertEqual(submitted.status_code, 200, submitted.content)
        self.assertEqual(submitted.json()["status"], "submitted")

    def test_a_later_write_with_problems_loses_nothing_saved_before(self):
        created = self.call("POST", "/api/v1/declarations/", whole_body(self.model.pk)).json()
        declaration = ProvenanceDeclaration.objects.get(pk=created["id"])
        before = [s["licence"] for s in declaration.sources.order_by("id").values("licence")]
        changed = self.call(
            "PATCH",
            self.url(declaration),
            {"illegal_content_measures": "", "total_tokens": "lots"},
            headers={"If-Match": created["etag"]},
        )
        # A value that can't be stored refuses the whole body: the other answer is not emptied.
        self.assertProblem(changed, 400, "invalid", "/total_tokens")
        declaration.refresh_from_db()
        self.assertEqual(declaration.illegal_content_measures, GENERAL["illegal_content_measures"])
        self.assertEqual(
            [s["licence"] for s in declaration.sources.order_by("id").values("licence")], before
        )

    def test_bad_shapes_are_refused_with_a_pointer_and_nothing_is_written(self):
        cases = {
            "wrong type, number": ({"total_tokens": "lots"}, "invalid", "/total_tokens"),
            "wrong type, date": ({"latest_collection_date": "31/12/2024"}, "invalid", None),
            "wrong type, list": ({"content_types": "news"}, "not_a_list", "/content_types"),
            "wrong type, yes/no": ({"continuous_training": "maybe"}, "invalid", None),
            "unknown enum": ({"training_data_size": {"text": "huge"}}, "invalid_choice", None),
            "unknown modality": ({"training_data_size": {"smell": "lt_1b"}}, "unknown_field", None),
            "unknown field": ({"colour": "blue"}, "unknown_field", "/colour"),
            "unknown row field": (
                {"sources": [PUBLIC_DATASET | {"colour": "blue"}]},
                "unknown_field",
                "/sources/0/colour",
            ),
            "unknown row enum": (
                {"sources": [PUBLIC_DATASET | {"category": "vibes"}]},
                "invalid_choice",
                "/sources/0/category",
            ),
            "row not an object": ({"supply_chain": ["Compute"]}, "invalid", "/supply_chain/0"),
            "missing model": ({"model": None}, "null", "/model"),
            "long signatory": ({"signatory_name": "x" * 201}, "max_length", "/signatory_name"),
            "model id too large": ({"model": 2**63}, "max_value", "/model"),
        }
        pointers = {
            "wrong type, date": "/latest_collection_date",
            "wrong type, yes/no": "/continuous_training",
            "unknown enum": "/training_data_size/text",
            "unknown modality": "/training_data_size/smell",
        }
        for name, (change, code, pointer) in cases.items():
            with self.subTest(name):
                body = whole_body(self.model.pk, **change)
                self.assertRefused(
                    lambda body=body: self.call("POST", "/api/v1/declarations/", body),
                    400,
                    code,
                    pointer or pointers[name],
                )
        without_model = {k: v for k, v in whole_body(self.model.pk).items() if k != "model"}
        self.assertRefused(
            lambda: self.call("POST", "/api/v1/declarations/", without_model),
            400,
            "required",
            "/model",
        )

    def test_malformed_json_and_a_body_that_is_not_an_object(self):
        self.assertRefused(
            lambda: self.call("POST", "/api/v1/declarations/", raw='{"model": '), 400, "parse_error"
        )
        self.assertRefused(
            lambda: self.call("POST", "/api/v1/declarations/", [self.model.pk]),
            400,
            "invalid",
            "",
        )

    def test_10001_sources_are_refused_before_any_is_read(self):
        rows = [PUBLIC_DATASET] * 10_001
        body = self.assertRefused(
            lambda: self.call(
                "POST", "/api/v1/declarations/", whole_body(self.model.pk, sources=rows)
            ),
            400,
            "invalid",
        )
        self.assertEqual(
            [(p["code"], p["pointer"]) for p in body["problems"]], [("too_many_rows", "/sources")]
        )

    def test_names_without_sign_are_kept_unsigned(self):
        body = whole_body(self.model.pk)
        del body["sign"]
        response = self.call("POST", "/api/v1/declarations/", body)
        self.assertEqual(response.status_code, 201, response.content)
        declaration = ProvenanceDeclaration.objects.get(pk=response.json()["id"])
        self.assertEqual(
            (declaration.signatory_name, declaration.signed_at), (SIGNED["signatory_name"], None)
        )
        self.assertEqual(
            [(p["code"], p["pointer"]) for p in response.json()["problems"]],
            [("statement_not_confirmed", "/signed_at")],
        )

    def test_another_providers_model_is_404_and_points_at_the_model(self):
        theirs = AIModelFactory(provider=self.beta)
        body = self.assertRefused(
            lambda: self.call("POST", "/api/v1/declarations/", {"model": theirs.pk}),
            404,
            "not_found",
        )
        self.assertEqual(body["problems"][0]["pointer"], "/model")

    def test_one_open_declaration_per_model_and_nothing_to_amend_yet(self):
        self.draft()
        self.assertRefused(
            lambda: self.call("POST", "/api/v1/declarations/", {"model": self.model.pk}),
            409,
            "open_filing_exists",
        )
        fresh = AIModelFactory(provider=self.acme)
        self.assertRefused(
            lambda: self.call("POST", "/api/v1/declarations/", {"model": fresh.pk, "amend": True}),
            409,
            "nothing_to_amend",
        )

    def test_an_amendment_starts_from_the_accepted_version_and_the_body_replaces_its_rows(self):
        accepted = complete_declaration(model=self.model, sources=3, status=Status.ACCEPTED)
        body = {
            "model": self.model.pk,
            "amend": True,
            "sources": [PUBLIC_DATASET | {"share_percent": 100}],
        }
        response = self.call("POST", "/api/v1/declarations/", body)
        self.assertEqual(response.status_code, 201, response.content)
        amendment = ProvenanceDeclaration.objects.get(pk=response.json()["id"])
        self.assertEqual((amendment.version, amendment.amends_id), (2, accepted.pk))
        self.assertEqual(amendment.total_tokens, accepted.total_tokens)
        self.assertEqual(amendment.supply_chain.count(), 1, "copied from the accepted version")
        self.assertEqual(
            list(amendment.sources.values_list("name", flat=True)), ["Open Encyclopaedia"]
        )


class ReadTests(DeclarationApiTestCase):
    def test_everything_is_shown_to_its_provider_including_regulator_only_figures(self):
        declaration = complete_declaration(model=self.model)
        declaration.sources.filter(name="Source 1").update(
            confidential=True, confidentiality_reason="Commercial terms", size_bytes=123
        )
        response = self.call("GET", self.url(declaration))
        body = response.json()
        self.assertEqual(response["ETag"], f'"declaration-{declaration.pk}-1"')
        self.assertEqual(body["total_tokens"], declaration.total_tokens)
        source = self.sources(body)[0]
        self.assertEqual(source["confidentiality_reason"], "Commercial terms")
        self.assertEqual(source["size_bytes"], 123)
        self.assertEqual(body["model"]["name"], "Acme Chat")

    def test_the_representation_holds_what_declaration_data_holds_in_the_same_order(self):
        declaration = complete_declaration(model=self.model, sources=4)
        body = self.call("GET", self.url(declaration)).json()
        body["sources"] = self.sources(body)
        data = selectors.declaration_data(declaration)
        for collection in ("sources", "supply_chain", "red_team_attestations"):
            self.assertEqual(
                [row["id"] for row in body[collection]], [row["id"] for row in data[collection]]
            )
        for field in ("training_data_size", "languages", "content_types", "signatory_name"):
            self.assertEqual(body[field], data[field])

    def test_the_history_gives_the_regulators_reasons_but_not_their_names(self):
        declaration = complete_declaration(model=self.model)
        services.declaration_submit(
            actor=self.alice, declaration=declaration, expected_lock_version=None
        )
        services.declaration_decide(
            actor=self.olivia, declaration=declaration, action="start_review"
        )
        raise_finding(declaration, self.olivia)
        services.declaration_decide(
            actor=self.olivia,
            declaration=declaration,
            action="request_changes",
            reason="Source 2's crawler ignores TDM opt-outs",
        )
        response = self.call("GET", self.url(declaration))
        history = response.json()["history"]
        self.assertEqual(
            [(h["action"], h["actor"], h["reason"]) for h in history],
            [
                ("submit", "Alice Owner", ""),
                ("start_review", "regulator", ""),
                ("request_changes", "regulator", "Source 2's crawler ignores TDM opt-outs"),
            ],
        )
        self.assertNotIn("Olivia", response.content.decode())
        separate = self.call("GET", self.url(declaration, "history")).json()
        self.assertEqual(separate["results"], history)
        self.assertEqual(response.json()["status"], "changes_requested")

    def test_the_list_is_the_providers_own_filtered_by_model_and_status(self):
        other_model = AIModelFactory(provider=self.acme)
        mine = self.draft()
        submitted = self.draft(model=other_model, status=Status.SUBMITTED)
        ProvenanceDeclarationFactory(model=AIModelFactory(provider=self.beta))

        def ids(query: str = "") -> list[int]:
            response = self.call("GET", f"/api/v1/declarations/{query}")
            self.assertEqual(response.status_code, 200, response.content)
            return [d["id"] for d in response.json()["results"]]

        self.assertEqual(ids(), [mine.pk, submitted.pk])
        self.assertEqual(ids(f"?model={other_model.pk}"), [submitted.pk])
        self.assertEqual(ids("?status=draft"), [mine.pk])
        self.assertEqual(ids(f"?model={self.model.pk}&status=submitted"), [])
        self.assertProblem(
            self.call("GET", "/api/v1/declarations/?status=pending"),
            400,
            "invalid_choice",
            "/status",
        )
        self.assertProblem(
            self.call("GET", "/api/v1/declarations/?model=abc"), 400, "invalid", "/model"
        )
        self.assertProblem(
            self.call("GET", f"/api/v1/declarations/?model={2**63}"), 400, "max_value", "/model"
        )

    def test_the_list_pages_by_cursor(self):
        models = AIModelFactory.create_batch(3, provider=self.acme)
        made = [self.draft(model=model).pk for model in models]
        first = self.call("GET", "/api/v1/declarations/?page_size=2").json()
        self.assertEqual([d["id"] for d in first["results"]], made[:2])
        second = self.call("GET", first["next"]).json()
        self.assertEqual([d["id"] for d in second["results"]], made[2:])


class ChangeTests(DeclarationApiTestCase):
    def test_patch_changes_what_it_gives_and_honours_if_match(self):
        declaration = self.draft()
        read = self.call("GET", self.url(declaration))
        changed = self.call(
            "PATCH",
            self.url(declaration),
            {"total_tokens": 3_000_000_000_000},
            headers={"If-Match": read["ETag"]},
        )
        self.assertEqual(changed.status_code, 200, changed.content)
        self.assertEqual(changed.json()["total_tokens"], 3_000_000_000_000)
        self.assertEqual(changed.json()["tdm_opt_out_measures"], declaration.tdm_opt_out_measures)
        self.assertNotEqual(changed["ETag"], read["ETag"])
        self.assertRefused(
            lambda: self.call(
                "PATCH",
                self.url(declaration),
                {"total_tokens": 4_000_000_000_000},
                headers={"If-Match": read["ETag"]},
            ),
            412,
            "stale_edit",
        )
        declaration.refresh_from_db()
        self.assertEqual(declaration.total_tokens, 3_000_000_000_000)

    def test_patch_signs_with_the_names_given_and_any_later_change_voids_it(self):
        declaration = self.draft()
        signed = self.call("PATCH", self.url(declaration), SIGNED).json()
        self.assertIsNotNone(signed["signed_at"])
        self.assertEqual(signed["signatory_role"], "Director")
        changed = self.call("PATCH", self.url(declaration), {"content_types": ["code"]}).json()
        self.assertIsNone(changed["signed_at"])
        again = self.call("PATCH", self.url(declaration), {"sign": True}).json()
        self.assertEqual(
            (again["signatory_name"], again["signed_at"] is None), ("Alice Owner", False)
        )

    def test_patch_keeps_inconsistent_answers_and_refuses_unstorable_ones(self):
        declaration = self.draft()
        future = (timezone.localdate() + timedelta(days=2)).isoformat()
        for body, code, pointer in [
            ({"latest_collection_date": future}, "date_in_future", "/latest_collection_date"),
            ({"total_images": -1}, "number_negative", "/total_images"),
            ({"sources": []}, "sources_required", "/sources"),
        ]:
            with self.subTest(body=body):
                response = self.call("PATCH", self.url(declaration), body)
                self.assertEqual(response.status_code, 200, response.content)
                found = {(p["code"], p["pointer"]) for p in response.json()["problems"]}
                self.assertIn((code, pointer), found)
        declaration.refresh_from_db()
        self.assertEqual(
            (declaration.total_images, str(declaration.latest_collection_date)), (-1, future)
        )
        self.assertRefused(
            lambda: self.call("PATCH", self.url(declaration), {"total_images": "many"}),
            400,
            "invalid",
            "/total_images",
        )

    def test_put_replaces_everything_and_empties_what_it_leaves_out(self):
        declaration = complete_declaration(model=self.model, sources=3)
        old_sources = set(declaration.sources.values_list("pk", flat=True))
        body = whole_body(self.model.pk)
        del body["model"]
        body["total_tokens"] = None
        response = self.call("PUT", self.url(declaration), body)
        self.assertEqual(response.status_code, 200, response.content)
        declaration.refresh_from_db()
        self.assertIsNone(declaration.total_tokens)
        new_sources = set(declaration.sources.values_list("pk", flat=True))
        self.assertEqual(len(new_sources), 3)
        self.assertFalse(old_sources & new_sources)
        self.assertEqual(declaration.supply_chain.count(), 1)
        self.assertIsNotNone(declaration.signed_at)

    def test_put_keeps_what_can_be_stored_and_refuses_what_cannot(self):
        declaration = complete_declaration(model=self.model, sources=3)
        body = whole_body(self.model.pk)
        del body["model"]
        body["sources"] = [PUBLIC_DATASET, PUBLIC_DATASET | {"licence": "not a licence"}]
        kept = self.call("PUT", self.url(declaration), body)
        self.assertEqual(kept.status_code, 200, kept.content)
        self.assertIn(
            ("licence_invalid", "/sources/1/licence"),
            {(p["code"], p["pointer"]) for p in kept.json()["problems"]},
        )
        self.assertEqual(declaration.sources.count(), 2)
        emptied = self.call("PUT", self.url(declaration), {"supply_chain": []})
        self.assertIn(
            ("size_band_missing", "/training_data_size"),
            {(p["code"], p["pointer"]) for p in emptied.json()["problems"]},
        )
        self.assertRefused(
            lambda: self.call("PUT", self.url(declaration), body | {"model": self.model.pk}),
            400,
            "unknown_field",
            "/model",
        )
        self.assertRefused(
            lambda: self.call(
                "PUT",
                self.url(declaration),
                body | {"sources": [PUBLIC_DATASET | {"share_percent": 150}]},
            ),
            400,
            "share_invalid",
            "/sources/0/share_percent",
        )

    def test_a_submitted_declaration_is_not_editable(self):
        declaration = complete_declaration(model=self.model, status=Status.SUBMITTED)
        body = whole_body(self.model.pk)
        del body["model"]
        for method, change in (("PATCH", {"total_tokens": 5}), ("PUT", body)):
            with self.subTest(method):
                self.assertRefused(
                    lambda method=method, change=change: self.call(
                        method, self.url(declaration), change
                    ),
                    409,
                    "not_editable",
                )
        self.assertRefused(lambda: self.call("DELETE", self.url(declaration)), 409, "not_editable")

    def test_changes_requested_make_it_editable_again(self):
        declaration = complete_declaration(model=self.model, status=Status.CHANGES_REQUESTED)
        response = self.call("PATCH", self.url(declaration), {"total_tokens": 2_500_000_000_000})
        self.assertEqual(response.status_code, 200, response.content)

    def test_delete_discards_a_draft_never_submitted(self):
        declaration = complete_declaration(model=self.model)
        response = self.call("DELETE", self.url(declaration))
        self.assertEqual(response.status_code, 204)
        self.assertFalse(ProvenanceDeclaration.objects.exists())
        self.assertFalse(DataSource.objects.exists())

    def test_delete_is_refused_once_submitted_or_when_stale(self):
        once_submitted = self.draft(status=Status.CHANGES_REQUESTED, submitted_at=timezone.now())
        self.assertRefused(
            lambda: self.call("DELETE", self.url(once_submitted)), 409, "not_discardable"
        )
        draft = self.draft(model=AIModelFactory(provider=self.acme))
        self.assertRefused(
            lambda: self.call(
                "DELETE", self.url(draft), headers={"If-Match": f'"declaration-{draft.pk}-0"'}
            ),
            412,
            "stale_edit",
        )


class ValidateAndSubmitTests(DeclarationApiTestCase):
    def test_validate_gives_exactly_the_submit_gates_problems_pointing_into_the_representation(
        self,
    ):
        declaration = complete_declaration(model=self.model, sources=3, signed_at=None)
        declaration.sources.filter(name="Source 2").update(crawler_name="", share_percent=5)
        expected = validation.validate_declaration(selectors.declaration_data(declaration))
        self.assertGreaterEqual(len(expected), 3)
        response = self.call("POST", self.url(declaration, "validate"), {})
        self.assertEqual(response.status_code, 200, response.content)
        result = response.json()
        self.assertIs(result["valid"], False)
        self.assertEqual(
            [(p["code"], p["pointer"]) for p in result["problems"]],
            [(p.code, "/" + p.field.replace(".", "/")) for p in expected],
        )
        representation = self.call("GET", self.url(declaration)).json()
        representation["sources"] = self.sources(representation)
        for item in result["problems"]:
            resolve(representation, item["pointer"])
        self.assertIn(
            {"code": "crawler_name_required", "pointer": "/sources/1/crawler_name"},
            [{"code": p["code"], "pointer": p["pointer"]} for p in result["problems"]],
        )

    def test_submit_with_problems_lists_them_and_changes_nothing(self):
        declaration = complete_declaration(model=self.model, signed_at=None)
        body = self.assertRefused(
            lambda: self.call("POST", self.url(declaration, "submit"), {}), 400, "invalid"
        )
        self.assertEqual(
            [(p["code"], p["pointer"]) for p in body["problems"]],
            [("statement_not_confirmed", "/signed_at")],
        )

    def test_submit_honours_if_match_and_is_refused_when_not_submittable(self):
        declaration = complete_declaration(model=self.model)
        self.assertRefused(
            lambda: self.call(
                "POST",
                self.url(declaration, "submit"),
                {},
                headers={"If-Match": f'"declaration-{declaration.pk}-99"'},
            ),
            412,
            "stale_edit",
        )
        self.assertEqual(self.call("POST", self.url(declaration, "submit"), {}).status_code, 200)
        self.assertRefused(
            lambda: self.call("POST", self.url(declaration, "submit"), {}),
            409,
            "transition_not_allowed",
        )

    def test_submit_refuses_a_body(self):
        declaration = complete_declaration(model=self.model)
        self.assertRefused(
            lambda: self.call("POST", self.url(declaration, "submit"), {"force": True}),
            400,
            "unknown_field",
            "/force",
        )

    def test_a_read_key_may_validate_but_not_submit(self):
        declaration = complete_declaration(model=self.model)
        checked = self.call("POST", self.url(declaration, "validate"), {}, key="acme-read")
        self.assertEqual(checked.json()["valid"], True)
        self.assertRefused(
            lambda: self.call("POST", self.url(declaration, "submit"), {}, key="acme-read"),
            403,
            "permission_denied",
        )

    def test_withdraw_an_accepted_declaration_with_a_reason(self):
        declaration = complete_declaration(model=self.model, status=Status.ACCEPTED)
        self.assertRefused(
            lambda: self.call("POST", self.url(declaration, "withdraw"), {"reason": " "}),
            400,
            "reason_required",
            "/reason",
        )
        response = self.call(
            "POST", self.url(declaration, "withdraw"), {"reason": "The model is retired"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(
            (body["status"], body["withdrawal_reason"]), ("withdrawn", "The model is retired")
        )
        self.assertEqual(body["history"][-1]["reason"], "The model is retired")

    def test_withdraw_is_refused_for_a_draft_and_when_stale(self):
        draft = self.draft()
        self.assertRefused(
            lambda: self.call("POST", self.url(draft, "withdraw"), {"reason": "Oops"}),
            409,
            "transition_not_allowed",
        )
        accepted = complete_declaration(
            model=AIModelFactory(provider=self.acme), status=Status.ACCEPTED
        )
        self.assertRefused(
            lambda: self.call(
                "POST",
                self.url(accepted, "withdraw"),
                {"reason": "Retired"},
                headers={"If-Match": '"declaration-0-1"'},
            ),
            412,
            "stale_edit",
        )


class IdempotencyTests(DeclarationApiTestCase):
    def test_a_replayed_create_returns_the_first_response_and_creates_nothing_more(self):
        body = whole_body(self.model.pk)
        first = self.call("POST", "/api/v1/declarations/", body, headers={"Idempotency-Key": "k1"})
        self.assertEqual(first.status_code, 201, first.content)
        before = self.written()
        again = self.call("POST", "/api/v1/declarations/", body, headers={"Idempotency-Key": "k1"})
        self.assertEqual((again.status_code, again.json()), (201, first.json()))
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(self.written(), before)
        # The client goes on as if it had the first response: where the draft is, its version.
        self.assertEqual((again["Location"], again["ETag"]), (first["Location"], first["ETag"]))

    def test_the_same_key_with_another_body_is_refused(self):
        body = whole_body(self.model.pk)
        self.call("POST", "/api/v1/declarations/", body, headers={"Idempotency-Key": "k2"})
        other = body | {"total_tokens": 3_000_000_000_000}
        self.assertRefused(
            lambda: self.call(
                "POST", "/api/v1/declarations/", other, headers={"Idempotency-Key": "k2"}
            ),
            422,
            "idempotency_key_reused",
        )

    def test_a_replayed_submit_does_not_submit_twice(self):
        declaration = complete_declaration(model=self.model)
        url = self.url(declaration, "submit")
        first = self.call("POST", url, {}, headers={"Idempotency-Key": "s1"})
        again = self.call("POST", url, {}, headers={"Idempotency-Key": "s1"})
        self.assertEqual((first.status_code, again.status_code), (200, 200))
        self.assertEqual(json.loads(again.content), json.loads(first.content))
        self.assertEqual(FilingSnapshot.objects.count(), 1)


class DateTests(DeclarationApiTestCase):
    def test_dates_and_numbers_are_given_back_as_they_were_sent(self):
        body = whole_body(
            self.model.pk,
            sources=[PUBLIC_DATASET | {"share_percent": 89.5}, SYNTHETIC],
            total_audio_hours=12.5,
            training_data_size={"text": "1b_10t", "audio": "lt_10k_h"},
        )
        response = self.call("POST", "/api/v1/declarations/", body)
        self.assertEqual(response.status_code, 201, response.content)
        created = response.json()
        sources = self.sources(created)
        self.assertEqual(
            [s["share_percent"] for s in sources], [89.5, 10.5], "numbers, not strings"
        )
        self.assertEqual(created["total_audio_hours"], 12.5)
        self.assertEqual(sources[0]["collection_start"], "2023-01-01")
        self.assertEqual(
            ProvenanceDeclaration.objects.get().latest_collection_date, date(2024, 12, 31)
        )
