"""API test helpers: keys for the personas and a client that speaks JSON with a key."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from registry.accounts.models import ApiScope
from registry.accounts.services import api_key_create
from tests.base import PersonaTestCase


class ApiTestCase(PersonaTestCase):
    """Keys: alice's write and read keys for Acme, charlie's write key for Beta."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.acme_key, cls.acme_secret = api_key_create(
            actor=cls.alice, name="CI", scope=ApiScope.WRITE
        )
        cls.acme_read_key, cls.acme_read_secret = api_key_create(
            actor=cls.alice, name="Audit", scope=ApiScope.READ
        )
        cls.beta_key, cls.beta_secret = api_key_create(
            actor=cls.charlie, name="Beta CI", scope=ApiScope.WRITE
        )

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = "acme",
        headers=None,
        raw=None,
    ):
        secrets = {
            "acme": self.acme_secret,
            "acme-read": self.acme_read_secret,
            "beta": self.beta_secret,
        }
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        if key is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {secrets.get(key, key)}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        client = Client()
        kwargs = {"content_type": "application/json"} if data is not None else {}
        return (
            getattr(client, method.lower())(path, data, **kwargs, **extra)
            if data is not None
            else getattr(client, method.lower())(path, **extra)
        )

    def assertProblem(self, response, status: int, code: str, pointer: str | None = None) -> dict:
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual(body["status"], status)
        if pointer is None:
            self.assertEqual(body["code"], code)
        else:
            self.assertIn(
                {"code": code, "pointer": pointer},
                [{"code": p["code"], "pointer": p["pointer"]} for p in body["problems"]],
            )
        return body
