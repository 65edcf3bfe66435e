"""How the OpenAPI schema describes every operation: its errors, as problem+json, and its headers.

Views declare their successful responses with `extend_schema`; the errors every operation shares
(a missing key, a stale ETag, a rate limit) are added here, so none is forgotten. An error a view
declares itself (`responses={409: OpenApiResponse(description="…")}`) keeps its description but is
documented as the one problem+json shape, whatever body the view names: the API has no other.
"""

from __future__ import annotations

import inspect
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers

from registry.api.errors import PROBLEM_JSON
from registry.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from registry.api.idempotency import MAX_KEY_LENGTH
from registry.api.views import IdCursorPagination

# What each error status means on this API.
ERROR_DESCRIPTIONS = {
    400: "The request has problems: each is listed with its code and a JSON pointer",
    401: "No API key, or one that is unknown or revoked",
    403: "The key may not do this: a read key writing, or an action not open to you",
    404: "Not found: it does not exist, or it is not yours to see",
    409: "Not in this state (a submitted filing is not editable), or a request with this "
    "Idempotency-Key is still in progress",
    412: "If-Match names a version that is no longer current: read it again and retry",
    413: "The request body is larger than the API accepts",
    415: "The request body is not JSON: send Content-Type: application/json",
    422: "This Idempotency-Key was used before with a different request",
    429: "Too many requests: wait for the seconds in Retry-After",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
WITH_BODY = {"POST", "PUT", "PATCH"}


class ProblemItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code for the problem, e.g. 'required'")
    detail = serializers.CharField(help_text="What is wrong, in a sentence for people")
    pointer = serializers.CharField(
        help_text="JSON pointer to the field in the request body ('' for the body as a whole)"
    )


class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 problem details with the register's problem codes."""

    type = serializers.CharField(help_text="Always 'about:blank'")
    title = serializers.CharField(help_text="The kind of error, e.g. 'Not found'")
    status = serializers.IntegerField(help_text="The HTTP status code")
    detail = serializers.CharField(help_text="What went wrong, in a sentence for people")
    code = serializers.CharField(
        help_text="A stable code for the error as a whole, e.g. 'invalid' or 'stale_edit'"
    )
    problems = ProblemItemSerializer(
        many=True, help_text="Each problem found in the request (empty for most errors)"
    )


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with each operation's errors and write headers documented."""

    def get_override_parameters(self) -> list[Any]:
        return [*self.write_headers(), *super().get_override_parameters()]

    def write_headers(self) -> list[OpenApiParameter]:
        """Idempotency-Key on every keyed POST; If-Match on every PUT and PATCH."""
        if self.method == "POST" and self.needs_key():
            return [
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=(
                        "Any unique string (at most "
                        f"{MAX_KEY_LENGTH} characters): a retry with the same key and body "
                        "gets the first response again instead of doing the work twice"
                    ),
                )
            ]
        if self.method in {"PUT", "PATCH"}:
            return [
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="The ETag you read: refused with 412 if it is no longer current",
                )
            ]
        return []

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        code = str(status_code)
        if code.startswith("4"):
            described = isinstance(serializer, OpenApiResponse)
            description = serializer.description if described else ""
            standard = ERROR_DESCRIPTIONS.get(int(code), "") if code.isdigit() else ""
            problem = OpenApiResponse(ProblemSerializer, description=description or standard)
            return super()._get_response_for_code(problem, status_code, [PROBLEM_JSON], direction)
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _get_response_bodies(self, direction="response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status_code in self.error_statuses():
            code = str(status_code)
            if code not in responses:
                responses[code] = self._get_response_for_code(None, code, None, direction)
        return dict(sorted(responses.items()))

    def error_statuses(self) -> set[int]:
        """The errors any operation of this kind can answer, whatever the view does."""
        statuses = {429}
        has_query = any(p["in"] == "query" for p in self._get_parameters())
        if self.method in WRITES or has_query:
            statuses.add(400)
        if self.method in WITH_BODY:
            statuses |= {413, 415}
        if "{" in self.path or self.is_paginated():
            statuses.add(404)  # a path's object, or a list's page cursor
        if self.needs_key():
            statuses.add(401)
            if self.method in WRITES:
                statuses |= {403, 409}
            if self.method == "POST":
                statuses.add(422)
        if self.method in {"PUT", "PATCH"}:
            statuses.add(412)
        return statuses

    def _get_paginator(self):
        # Every list of this API is paged by cursor, though its views page by hand.
        if self.method != "GET":
            return None
        return super()._get_paginator() or IdCursorPagination()

    def get_description(self) -> str:  # type: ignore[override]
        """The operation's own docstring, not one inherited from ApiView."""
        method = getattr(self.view, self.method.lower(), None)
        own = getattr(method, "__doc__", None) or self.view.__class__.__dict__.get("__doc__")
        return inspect.cleandoc(own) if own else ""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        serializer_class = force_instance(serializer).__class__
        if not own_docstring(serializer_class):
            schema.pop("description", None)  # StrictSerializer's, which says nothing to clients
        return schema

    def needs_key(self) -> bool:
        public = any(
            isinstance(permission, permissions.AllowAny)
            for permission in self.view.get_permissions()
        )
        return bool(self.view.get_authenticators()) and not public

    def is_paginated(self) -> bool:
        return self.method == "GET" and self._is_list_view()


def own_docstring(serializer_class: type) -> bool:
    """Whether the serializer, or a base of ours other than StrictSerializer, says what it is."""
    for klass in serializer_class.__mro__:
        if klass.__module__.startswith("rest_framework") or klass.__name__ == "StrictSerializer":
            return False
        if klass.__dict__.get("__doc__"):
            return True
    return False
