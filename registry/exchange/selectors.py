"""What every export is built from: the label document exactly as the public API serves it.

An export reads nothing else, so no regulator-only value can reach one: the label's selectors
never read one (registry.labels.selectors.label), and the public serializers never write one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from registry.exchange import cyclonedx, spdx
from registry.labels import selectors as labels
from registry.transparency.records import label_document


def export_label(registration_number: str, version: int) -> dict[str, Any] | None:
    """The published version's label as the public API serves it (a withdrawn version's too,
    with `withdrawn` true); None if the register has no such version."""
    declaration = labels.label_declaration(registration_number, version)
    return None if declaration is None else label_document(declaration)


@dataclass(frozen=True)
class Export:
    """One way the register publishes a label in a standard's own form."""

    key: str
    title: str
    url_name: str
    media_type: str


# Every export of a published version, in the order the label lists them.
EXPORTS = [
    Export("spdx", "SPDX 3.0.1 (AI and Dataset profiles)", "exchange:spdx", spdx.MEDIA_TYPE),
    Export("cyclonedx", "CycloneDX 1.6 ML-BOM", "exchange:cyclonedx", cyclonedx.MEDIA_TYPE),
    Export(
        "eu-summary",
        "EU AI Office public summary of training content",
        "exchange:eu-summary",
        "text/html",
    ),
    Export(
        "eu-summary-pdf",
        "EU AI Office public summary of training content (PDF)",
        "exchange:eu-summary-pdf",
        "application/pdf",
    ),
    Export(
        "ab-2013",
        "California AB 2013 training data disclosure",
        "exchange:ab-2013",
        "text/html",
    ),
    Export(
        "ab-2013-json",
        "California AB 2013 training data disclosure (JSON)",
        "exchange:ab-2013-json",
        "application/json",
    ),
]


def export_links(registration_number: str, version: int) -> list[dict[str, str]]:
    """Each export of a version: its key, title, media type and address."""
    return [
        {
            "key": export.key,
            "title": export.title,
            "media_type": export.media_type,
            "url": reverse(export.url_name, args=[registration_number, version]),
        }
        for export in EXPORTS
    ]
