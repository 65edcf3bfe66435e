"""Every declaration endpoint, key by key.

No key, an unknown key and a revoked key are 401; a read key reads (and may validate, which
changes nothing) but may not write (403); another provider's key finds nothing of Acme's (404);
Acme's write key succeeds. Every refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client

from registry.accounts.models import ApiScope
from registry.accounts.services import api_key_create, api_key_revoke
from registry.api.v1.declarations import urlpatterns
from registry.filings.states import Status
from tests.api.test_declarations import (
    ATTESTATION,
    PARTY,
    PUBLIC_DATASET,
    DeclarationApiTestCase,
    whole_body,
)
from tests.declarations.test_views import PrivateFilesMixin
from tests.factories import AIModelFactory, complete_declaration

PDF = b"%PDF-1.4\n%%EOF\n"
WHOLE = {k: v for k, v in whole_body(0).items() if k != "model"}
DECLARATION = "/api/v1/declarations/{declaration}/"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    ok: int = 200
    body: Callable[[dict[str, int]], Any] | None = None
    # The declaration the endpoint works on: a valid draft with one row of each kind, or accepted.
    status: str = Status.DRAFT

    @property
    def reads(self) -> bool:
        return self.method == "GET" or self.path.endswith("/validate")


ENDPOINTS = [
    Endpoint("GET", "/api/v1/declarations/"),
    Endpoint("POST", "/api/v1/declarations/", 201, lambda ids: {"model": ids["fresh_model"]}),
    Endpoint("GET", DECLARATION),
    Endpoint("PUT", DECLARATION, body=lambda ids: WHOLE),
    Endpoint("PATCH", DECLARATION, body=lambda ids: {"total_tokens": 3_000_000_000_000}),
    Endpoint("DELETE", DECLARATION, 204),
    Endpoint("POST", DECLARATION + "validate", body=lambda ids: {}),
    Endpoint("POST", DECLARATION + "submit", body=lambda ids: {}),
    Endpoint(
        "POST",
        DECLARATION + "withdraw",
        body=lambda ids: {"reason": "Retired"},
        status=Status.ACCEPTED,
    ),
    Endpoint("GET", DECLARATION + "history"),
    Endpoint("GET", DECLARATION + "sources/"),
    Endpoint("POST", DECLARATION + "sources/", 201, lambda ids: PUBLIC_DATASET),
    Endpoint("PUT", DECLARATION + "sources/", body=lambda ids: [PUBLIC_DATASET]),
    Endpoint("GET", DECLARATION + "sources/{source}/"),
    Endpoint("PUT", DECLARATION + "sources/{source}/", body=lambda ids: PUBLIC_DATASET),
    Endpoint("PATCH", DECLARATION + "sources/{source}/", body=lambda ids: {"owner": "X"}),
    Endpoint("DELETE", DECLARATION + "sources/{source}/", 204),
    Endpoint("GET", DECLARATION + "supply-chain/"),
    Endpoint("POST", DECLARATION + "supply-chain/", 201, lambda ids: PARTY),
    Endpoint("GET", DECLARATION + "supply-chain/{party}/"),
    Endpoint("PUT", DECLARATION + "supply-chain/{party}/", body=lambda ids: PARTY),
    Endpoint("PATCH", DECLARATION + "supply-chain/{party}/", body=lambda ids: {"name": "Y"}),
    Endpoint("DELETE", DECLARATION + "supply-chain/{party}/", 204),
    Endpoint("GET", DECLARATION + "red-team/"),
    Endpoint("POST", DECLARATION + "red-team/", 201, lambda ids: ATTESTATION),
    Endpoint("GET", DECLARATION + "red-team/{attestation}/"),
    Endpoint("PUT", DECLARATION + "red-team/{attestation}/", body=lambda ids: ATTESTATION),
    Endpoint("PATCH", DECLARATION + "red-team/{attestation}/", body=lambda ids: {"summary": "Z"}),
    Endpoint("DELETE", DECLARATION + "red-team/{attestation}/", 204),
    Endpoint("PUT", DECLARATION + "red-team/{attestation}/report", body=lambda ids: PDF),
    Endpoint("GET", DECLARATION + "red-team/{attestation}/report"),
]


class DeclarationKeyMatrixTests(PrivateFilesMixin, DeclarationApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        revoked, cls.revoked_secret = api_key_create(
            actor=cls.alice, name="Old CI", scope=ApiScope.WRITE
        )
        api_key_revoke(actor=cls.alice, key=revoked)

    def objects(self, endpoint: Endpoint) -> dict[str, int]:
        """A fresh model and declaration of Acme's for the endpoint to work on."""
        model = AIModelFactory(provider=self.acme)
        declaration = complete_declaration(model=model, sources=1, status=endpoint.status)
        attestation = declaration.red_team_attestations.get()
        attestation.report.save("report.pdf", ContentFile(PDF))
        return {
            "fresh_model": AIModelFactory(provider=self.acme).pk,
            "declaration": declaration.pk,
            "source": declaration.sources.get().pk,
            "party": declaration.supply_chain.get().pk,
            "attestation": attestation.pk,
        }

    def send(self, endpoint: Endpoint, ids: dict[str, int], secret: str | None):
        path = endpoint.path.format(**ids)
        body = endpoint.body(ids) if endpoint.body else None
        extra = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
        if isinstance(body, bytes):
            return Client().generic(
                endpoint.method, path, body, content_type="application/pdf", **extra
            )
        return self.call(endpoint.method, path, body, key=secret, headers={})

    def test_every_endpoint_for_every_key(self):
        secrets = {
            "unknown": "prk_nope.secret",
            "revoked": self.revoked_secret,
            "read": self.acme_read_secret,
            "other provider": self.beta_secret,
            "write": self.acme_secret,
        }
        for endpoint in ENDPOINTS:
            with self.subTest(f"{endpoint.method} {endpoint.path}"):
                ids = self.objects(endpoint)

                def refused(key, status, code, endpoint=endpoint, ids=ids):
                    before = self.written()
                    self.assertProblem(self.send(endpoint, ids, key), status, code)
                    self.assertEqual(self.written(), before, f"{key} wrote something")

                refused(None, 401, "not_authenticated")
                refused(secrets["unknown"], 401, "authentication_failed")
                refused(secrets["revoked"], 401, "authentication_failed")
                if endpoint.reads:
                    response = self.send(endpoint, ids, secrets["read"])
                    self.assertEqual(
                        response.status_code, 200, getattr(response, "content", b"")[:300]
                    )
                else:
                    refused(secrets["read"], 403, "permission_denied")
                if endpoint.path == "/api/v1/declarations/" and endpoint.method == "GET":
                    theirs = self.send(endpoint, ids, secrets["other provider"]).json()
                    self.assertEqual(theirs["results"], [], "Acme's declarations are not listed")
                elif endpoint.method == "POST" and endpoint.path == "/api/v1/declarations/":
                    refused(secrets["other provider"], 404, "not_found")
                else:
                    refused(secrets["other provider"], 404, "not_found")
                response = self.send(endpoint, ids, secrets["write"])
                self.assertEqual(
                    response.status_code, endpoint.ok, getattr(response, "content", b"")[:500]
                )

    def test_the_matrix_covers_every_declaration_url(self):
        routes = {str(pattern.pattern) for pattern in urlpatterns}
        covered = {
            endpoint.path.removeprefix("/api/v1/")
            .replace("{declaration}", "<int:declaration_id>")
            .replace("{source}", "<int:source_id>")
            .replace("{party}", "<int:row_id>")
            .replace("red-team/{attestation}/report", "red-team/<int:attestation_id>/report")
            .replace("{attestation}", "<int:row_id>")
            for endpoint in ENDPOINTS
        }
        self.assertEqual(routes, covered)
