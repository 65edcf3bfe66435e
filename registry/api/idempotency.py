"""Idempotency-Key on POST: the first response is kept and replayed for the same key and body.

The key is claimed before the work starts (a unique row), so two concurrent requests with one
key can't both do the work: the second is told to retry. The same key with another body is
refused with 422.
"""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from rest_framework.response import Response

from registry.accounts.models import ApiKey
from registry.api.errors import PROBLEM_JSON, ApiProblem
from registry.api.models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# A replay gives what a client needs to go on as if it had the first response: the version to
# send back in If-Match, and where the created thing lives.
REPLAYED_HEADERS = ("ETag", "Location")


class Replay(Exception):
    """Raised to short-circuit a request whose response is already known."""

    def __init__(self, record: IdempotentRequest):
        # The status, body and REPLAYED_HEADERS are kept; every error the API sends is
        # problem+json.
        status = record.status_code or 200
        content_type = PROBLEM_JSON if status >= 400 else None
        body = json.loads(record.response_body) if record.response_body else None
        headers = record.response_headers | {"Idempotent-Replayed": "true"}
        self.response = Response(body, status=status, content_type=content_type, headers=headers)


def claim(request) -> IdempotentRequest | None:
    """Claim the request's key before doing the work; replay or refuse if it was seen before."""
    key = request.headers.get(HEADER, "").strip()
    if request.method != "POST" or not key or not isinstance(request.auth, ApiKey):
        return None
    if len(key) > MAX_KEY_LENGTH:
        raise ApiProblem(
            400, "idempotency_key_invalid", f"{HEADER} must be at most {MAX_KEY_LENGTH} characters"
        )
    digest = hashlib.sha256(request.body).hexdigest()
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                api_key=request.auth,
                key=key,
                method=request.method,
                path=request.path,
                body_sha256=digest,
            )
    except IntegrityError:
        earlier = IdempotentRequest.objects.get(api_key=request.auth, key=key)
    if earlier.body_sha256 != digest or earlier.path != request.path:
        raise ApiProblem(
            422, "idempotency_key_reused", f"This {HEADER} was used with a different request"
        )
    if earlier.status_code is None:
        raise ApiProblem(
            409,
            "idempotency_in_progress",
            f"A request with this {HEADER} is still in progress: retry shortly",
        )
    raise Replay(earlier)


def complete(record: IdempotentRequest | None, response) -> None:
    """Keep the response for replays; forget the key if the server failed, so a retry can run."""
    if record is None:
        return
    if response.status_code >= 500:
        record.delete()
        return
    record.status_code = response.status_code
    record.response_body = json.dumps(getattr(response, "data", None), cls=DjangoJSONEncoder)
    record.response_headers = {
        name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)
    }
    record.save(update_fields=["status_code", "response_body", "response_headers"])
