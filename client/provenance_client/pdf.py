"""The label JSON that the register embeds in each label PDF, read back out for verification."""

from __future__ import annotations

import io
import json
from typing import Any

from pypdf import PdfReader

from provenance_client.errors import FormatError

LABEL_ATTACHMENT = "label.json"
"""The name of the embedded file that holds the label's JSON in a label PDF."""


def extract_label(pdf: bytes) -> dict[str, Any]:
    """Return the label JSON embedded in a label PDF as the attachment `label.json`."""
    embedded = _attachments(pdf).get(LABEL_ATTACHMENT, [])
    if not embedded:
        raise FormatError(f"the PDF carries no embedded {LABEL_ATTACHMENT}")
    if len(embedded) > 1:
        # Two labels in one file would let a reader be shown one and verify the other.
        raise FormatError(
            f"the PDF carries {len(embedded)} files named {LABEL_ATTACHMENT}, not one"
        )
    try:
        label = json.loads(embedded[0].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FormatError(f"the PDF's {LABEL_ATTACHMENT} is not UTF-8 JSON") from error
    except RecursionError as error:
        raise FormatError(
            f"the PDF's {LABEL_ATTACHMENT} is nested too deeply to be a label"
        ) from error
    if not isinstance(label, dict):
        raise FormatError(f"the PDF's {LABEL_ATTACHMENT} is not a JSON object")
    return label


def _attachments(pdf: bytes) -> dict[str, list[bytes]]:
    try:
        reader = PdfReader(io.BytesIO(pdf))
        return {name: list(contents) for name, contents in reader.attachments.items()}
    except Exception as error:
        # pypdf raises many kinds of exception on a damaged file; each means "not a readable PDF".
        raise FormatError(f"the file is not a readable PDF: {error}") from error
