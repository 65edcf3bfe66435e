"""API v1: import a Croissant file, a Hugging Face card or an SPDX export into a draft.

The same reading and the same apply step as the web's import pages
(`registry.exchange.imports`): a dry run answers with the preview (every answer the file would
set, where it came from, and what it would not), and applying writes exactly that preview.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from registry.accounts.models import ApiKey
from registry.api.conditional import etag, expected_lock_version
from registry.api.errors import ApiProblem, problem_items
from registry.api.v1.declarations import DeclarationApi
from registry.api.v1.serializers import ETAG, IF_MATCH, FilingProblem
from registry.declarations import selectors, validation
from registry.declarations.uploads.files import size_text
from registry.exchange.imports import (
    FORMATS,
    MESSAGES,
    import_preview,
    import_problem,
    text_of,
)
from registry.exchange.services import import_apply
from registry.filings.validation import filing_problem
from registry.lib.problems import ProblemsError

# A multipart body holds the file and a little more: its boundaries and the format field.
MULTIPART_ALLOWANCE = 64 * 1024


class ImportKey(BasePermission):
    """A dry run changes nothing, so any key may make one (as `validate`); applying needs write."""

    message = "This key may only read: create a key with the write scope to import into a draft"

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        return is_dry_run(request) or key.can_write


def is_dry_run(request) -> bool:
    return request.query_params.get("dry_run", "").lower() in {"true", "1", "yes"}


class ImportMapped(serializers.Serializer):
    section = serializers.CharField(help_text="Where in the declaration: a source, languages…")
    question = serializers.CharField(help_text="The register's question the answer fills in")
    value = serializers.CharField(help_text="The answer, as the preview shows it")
    origin = serializers.CharField(help_text="Where in the file it came from")
    assumed = serializers.BooleanField(
        help_text="Not in the file: the register's reading (a published dataset's kind), to check"
    )


class ImportNotMapped(serializers.Serializer):
    origin = serializers.CharField(help_text="Where in the file it is")
    value = serializers.CharField(help_text="What the file says there")
    reason = serializers.CharField(help_text="Why the import does not set it")


class ImportOutput(serializers.Serializer):
    applied = serializers.BooleanField(help_text="False for a dry run")
    format = serializers.ChoiceField(list(FORMATS))
    file_name = serializers.CharField()
    sha256 = serializers.CharField(help_text="The SHA-256 of the file, as the audit trail has it")
    title = serializers.CharField(help_text="What the file describes")
    sources = serializers.ListField(
        child=serializers.DictField(),
        help_text="The sources it adds, as the sources API takes them",
    )
    languages = serializers.ListField(
        child=serializers.CharField(), help_text="Language codes it adds, their shares to give"
    )
    lineage = serializers.ListField(
        child=serializers.DictField(), help_text="External models it adds to the model's lineage"
    )
    mapped = ImportMapped(many=True)
    not_mapped = ImportNotMapped(many=True)
    problems = FilingProblem(
        many=True,
        required=False,
        help_text="Once applied: every problem the declaration still holds, as validate says",
    )


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=list(FORMATS),
    description="The kind of file (or a `format` field of a multipart body): "
    + "; ".join(f"`{f.key}`: {f.title}" for f in FORMATS.values()),
)
DRY_RUN_PARAMETER = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    OpenApiParameter.QUERY,
    description="true: answer with what the import would set and changes nothing (a read key "
    "may ask)",
)


class DeclarationImportApi(DeclarationApi):
    permission_classes = [ImportKey]
    parser_classes = [MultiPartParser]

    def perform_content_negotiation(self, request, force=False):
        # `format` names the kind of file here, not a renderer: the answer is always JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Import a Croissant file, a Hugging Face card or an SPDX export into a draft",
        operation_id="declarations_import",
        description=(
            "The file is a multipart `file` field, or the raw body (any content type). With "
            "dry_run=true the answer says what importing it would set (`mapped`, each with "
            "where in the file it came from) and what it would not (`not_mapped`, with the "
            "reason), and nothing changes. Otherwise exactly that is written: sources added as "
            "new sources, languages added, base models added to the model's lineage; the "
            "declaration is never signed or submitted. A file that can't be read is refused "
            "with a problem pointing at /file; one over the import limit with 413."
        ),
        parameters=[FORMAT_PARAMETER, DRY_RUN_PARAMETER, IF_MATCH, ETAG],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "format": {"type": "string", "enum": list(FORMATS)},
                },
                "required": ["file"],
            },
            "application/octet-stream": OpenApiTypes.BINARY,
        },
        responses={
            200: ImportOutput,
            409: OpenApiResponse(description="not_editable: the declaration has been submitted"),
            412: OpenApiResponse(description="stale_edit: it has changed since you read it"),
            413: OpenApiResponse(description="import_too_large: the file is over the limit"),
        },
    )
    def post(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        if not declaration.is_editable:
            raise ProblemsError([filing_problem("not_editable")])
        dry_run = is_dry_run(request)
        expected = None if dry_run else expected_lock_version(request, declaration)
        refuse_too_large(request)
        kind, text, name = import_file(request)
        preview = import_preview(kind, text, declaration, file_name=name)
        if dry_run:
            return Response({"applied": False, **preview.as_json()})
        applied = import_apply(
            actor=request.user,
            declaration=declaration,
            preview=preview,
            expected_lock_version=expected,
        )
        problems = validation.validate_declaration(selectors.declaration_data(applied))
        body = {"applied": True, **preview.as_json(), "problems": problem_items(problems)}
        return Response(body, headers={"ETag": etag(applied)})


def refuse_too_large(request) -> None:
    """413 for a body over the import limit, before reading it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.IMPORT_MAX_BYTES + MULTIPART_ALLOWANCE:
        too_large()


def too_large() -> None:
    detail = MESSAGES["import_too_large"].format(limit=size_text(settings.IMPORT_MAX_BYTES))
    raise ApiProblem(
        413,
        "import_too_large",
        detail,
        [{"code": "import_too_large", "detail": detail, "pointer": "/file"}],
    )


def import_file(request) -> tuple[str, str, str]:
    """The kind of file, its text and its name, from a multipart body or the raw body."""
    multipart = (request.content_type or "").startswith("multipart/form-data")
    data: Any = request.data if multipart else {}
    kind = request.query_params.get("format") or data.get("format") or ""
    if kind not in FORMATS:
        raise import_problem("import_format_invalid", field="format", formats=", ".join(FORMATS))
    if multipart:
        upload = request.FILES.get("file")
        if upload is None:
            raise import_problem("import_file_required")
        if upload.size > settings.IMPORT_MAX_BYTES:
            too_large()
        raw, name = b"".join(upload.chunks()), upload.name or ""
    else:
        raw, name = request.body, ""
    if len(raw) > settings.IMPORT_MAX_BYTES:
        too_large()
    return kind, text_of(raw), name


urlpatterns = [
    path(
        "declarations/<int:declaration_id>/import",
        DeclarationImportApi.as_view(),
        name="declaration-import",
    ),
]
