"""A published version's bills of materials: SPDX 3.0.1 and CycloneDX 1.6, for download.

Anyone may read them, as they may the label they are made from (`selectors.export_label`), and
everyone gets the same bytes. They change only when the label does, so they carry the label's
own validators, answer a conditional request with 304 before any is built, and are built once
per state of the label (its ETag): a thousand-source BOM takes a second or two to write. An
unknown model or version is a plain 404, as for the label's JSON: these are files for tools.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from registry.exchange import cyclonedx as cyclonedx_export
from registry.exchange import spdx as spdx_export
from registry.exchange.selectors import export_label
from registry.labels.views.label import LABEL_PAGE_SECONDS, label_data_condition, stamp


@dataclass(frozen=True)
class BomFormat:
    """How one bill of materials is written, served and named."""

    url_name: str
    write: Callable[[dict[str, Any], str], str]
    media_type: str
    suffix: str


def spdx_json(label: dict[str, Any], document_url: str) -> str:
    document = spdx_export.spdx_document(label, document_url=document_url)
    return json.dumps(document, ensure_ascii=False, indent=2)


def cyclonedx_json(label: dict[str, Any], document_url: str) -> str:
    return cyclonedx_export.cyclonedx_bom(label, document_url=document_url)


SPDX = BomFormat("exchange:spdx", spdx_json, spdx_export.MEDIA_TYPE, "spdx.json")
CYCLONEDX = BomFormat("exchange:cyclonedx", cyclonedx_json, cyclonedx_export.MEDIA_TYPE, "cdx.json")


def bom_body(
    request: HttpRequest, registration_number: str, version: int, bom: BomFormat
) -> bytes | None:
    """The version's file, from the cache while its label is unchanged; None if the register
    has no such version. It is addressed by the register's own URL, not the request's host, so
    the same label gives the same bytes however it was reached."""
    found = stamp(request, registration_number, version)  # read already, for the ETag
    key = f"bom:{bom.url_name}:{registration_number}:{version}:{found['etag']}" if found else ""
    body = cache.get(key) if key else None
    if body is None:
        label = export_label(registration_number, version)
        if label is None:
            return None
        document_url = settings.SITE_URL + reverse(
            bom.url_name, args=[registration_number, version]
        )
        body = bom.write(label, document_url).encode()
        if key:
            cache.set(key, body, LABEL_PAGE_SECONDS)
    return body


def bom_response(
    request: HttpRequest, registration_number: str, version: int, bom: BomFormat
) -> HttpResponse:
    body = bom_body(request, registration_number, version, bom)
    if body is None:
        raise Http404("Not on the register")
    response = HttpResponse(body, content_type=bom.media_type)
    filename = f"{registration_number}-v{version}.{bom.suffix}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@label_data_condition
def spdx(request: HttpRequest, registration_number: str, version: int) -> HttpResponse:
    """The version as an SPDX 3.0.1 JSON-LD document (a tombstone if withdrawn)."""
    return bom_response(request, registration_number, version, SPDX)


@require_safe
@label_data_condition
def cyclonedx(request: HttpRequest, registration_number: str, version: int) -> HttpResponse:
    """The version as a CycloneDX 1.6 ML-BOM (a tombstone if withdrawn)."""
    return bom_response(request, registration_number, version, CYCLONEDX)
