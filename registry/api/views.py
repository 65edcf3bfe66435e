"""The base of every API view: authentication, permissions, throttles, idempotency, errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.functional import cached_property
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from rest_framework import exceptions, permissions, serializers
from rest_framework.fields import SkipField, empty, get_error_detail
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.utils import html
from rest_framework.validators import ProhibitSurrogateCharactersValidator
from rest_framework.views import APIView

from registry.api import idempotency, json_schema
from registry.api.authentication import ApiKeyAuthentication
from registry.api.errors import PROBLEM_JSON, TITLES
from registry.api.permissions import ProviderKey
from registry.api.throttling import AnonymousThrottle, KeyThrottle, rate_limit_headers

# The largest id a row can have (a signed 64-bit integer): any id in a URL above it names nothing.
MAX_ID = 2**63 - 1


class ApiView(APIView):
    """A provider endpoint: a key is required; read keys read and write keys write."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [ProviderKey]
    throttle_classes = [KeyThrottle, AnonymousThrottle]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any(isinstance(value, int) and value > MAX_ID for value in kwargs.values()):
            # The database would fail on the lookup (a 500), not find nothing.
            raise exceptions.NotFound("Not found: it does not exist, or it is not yours to see")
        self.idempotent_request = idempotency.claim(request)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for header, value in rate_limit_headers(request).items():
            response[header] = value
        idempotency.complete(getattr(self, "idempotent_request", None), response)
        return response


class PublicApiView(ApiView):
    """A public endpoint: no key needed, limited per client address."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]


class IdCursorPagination(CursorPagination):
    """Stable pages however the list changes between requests."""

    ordering = "id"
    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"


@dataclass(frozen=True)
class FieldStep:
    """How one writable field of a serializer is read, worked out once for every row."""

    field: serializers.Field
    name: str
    # The serializer's `validate_<name>` method, if it has one.
    check: Callable[[Any], Any] | None
    # An optional field with no default: left out, it is passed over (DRF raises SkipField).
    skip_when_absent: bool


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses fields it does not know, rather than silently dropping them.

    Its reading of a JSON object is DRF's, field by field, with shortcuts that make a bulk body of
    10,000 sources several times quicker to read: how each field is read is worked out once (not
    for every row), and an optional field left out is passed over without raising DRF's
    `SkipField` for it.
    """

    @cached_property
    def field_steps(self) -> list[FieldStep]:
        return [
            FieldStep(
                field=field,
                name=str(field.field_name),
                check=getattr(self, f"validate_{field.field_name}", None),
                skip_when_absent=not field.required and field.default is empty,
            )
            for field in self._writable_fields
        ]

    @cached_property
    def known_fields(self) -> frozenset[str]:
        return frozenset(self.fields)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            refuse_unknown_fields(data, self.known_fields)
        if not isinstance(data, Mapping) or html.is_html_input(data):
            return super().to_internal_value(data)
        validated: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for step in self.field_steps:
            primitive = data.get(step.name, empty)
            if primitive is empty and step.skip_when_absent:
                continue  # DRF would skip it too, through SkipField
            try:
                value = step.field.run_validation(primitive)
                if step.check is not None:
                    value = step.check(value)
            except serializers.ValidationError as error:
                errors[step.name] = error.detail
            except DjangoValidationError as error:
                errors[step.name] = get_error_detail(error)
            except SkipField:
                pass
            else:
                self.set_value(validated, step.field.source_attrs, value)
        if errors:
            raise serializers.ValidationError(errors)
        return validated

    def run_validators(self, value):
        # None of ours has serializer-wide validators; DRF would still copy every row for them.
        if self.validators:
            super().run_validators(value)


# Lone surrogates can't be stored (or encoded as UTF-8); DRF finds them character by character.
SURROGATES = re.compile("[\ud800-\udfff]")


class SurrogatesRefused(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of surrogates, with its message, once a regex has found one."""

    def __call__(self, value):
        if SURROGATES.search(str(value)):
            super().__call__(value)


class Text(serializers.CharField):
    """Free text: a CharField whose check for surrogates is quick enough for 10,000 rows."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.validators = [
            SurrogatesRefused()
            if isinstance(validator, ProhibitSurrogateCharactersValidator)
            else validator
            for validator in self.validators
        ]


def refuse_unknown_fields(data: dict, fields: Collection[str]) -> None:
    """Refuse the names in `data` that are not among `fields` (a serializer's field names)."""
    unknown = sorted(set(data).difference(fields))
    if unknown:
        raise serializers.ValidationError(
            {
                name: [
                    serializers.ErrorDetail(
                        "This field is not part of the API", code="unknown_field"
                    )
                ]
                for name in unknown
            }
        )


class RowSerializer(serializers.Serializer):
    """A serializer for a flat row, whose fields each read one attribute of the same name.

    It gives what DRF's own `to_representation` gives, field by field, without its general
    attribute lookup, which dominates the time to write out thousands of rows.
    """

    @cached_property
    def readable_fields(self) -> list[serializers.Field]:
        return list(self._readable_fields)

    def to_representation(self, instance):
        representation = {}
        for field in self.readable_fields:
            if field.source == "*":  # a method field: it reads the whole row
                representation[field.field_name] = field.to_representation(instance)
                continue
            value = getattr(instance, str(field.source))
            representation[field.field_name] = (
                None if value is None else field.to_representation(value)
            )
        return representation


@csrf_exempt  # it changes nothing, and a write to a wrong address deserves the same answer
def not_found(request, *args, **kwargs) -> HttpResponse:
    """Any address under /api/ that is no endpoint: a 404 problem, not the web site's HTML page."""
    detail = "There is no API endpoint at this address: see /api/v1/docs/"
    if not request.path.endswith("/") and names_an_endpoint(request.path + "/"):
        detail = f"There is no API endpoint at this address: did you mean {request.path}/?"
    body = {
        "type": "about:blank",
        "title": TITLES[404],
        "status": 404,
        "detail": detail,
        "code": "not_found",
        "problems": [],
    }
    return HttpResponse(json.dumps(body), status=404, content_type=PROBLEM_JSON)


def names_an_endpoint(path: str) -> bool:
    try:
        return resolve(path).func is not not_found
    except Resolver404:
        return False


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """The request's data, typed by the serializer; a 400 problem list if it doesn't fit."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@require_safe
def filing_json_schema(request: HttpRequest, name: str) -> HttpResponse:
    """The JSON Schema of a filing's body (registry.api.json_schema): public, cacheable, and
    read by tools in the browser too."""
    if name not in json_schema.FILINGS:
        return not_found(request)
    body = json.dumps(json_schema.filing_schema(name), indent=2, sort_keys=False)
    response = HttpResponse(body, content_type="application/schema+json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response
