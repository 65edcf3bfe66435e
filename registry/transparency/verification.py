"""What /verify checks: a label file, a label PDF or a registration number, each step told.

The checks are the installable client's own (`provenance_client.label.verify_label`), run with
the log's published key and its witnesses, so the page and `provenance-register verify` can't
disagree. A PDF is also looked up by its SHA-256 among the PDFs the register issued.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from provenance_client.errors import VerificationError
from provenance_client.label import LabelVerification, Step, verify_label
from provenance_client.pdf import extract_label
from provenance_client.proof import parse_proof, verify_proof

from registry.labels import selectors as labels
from registry.labels.models import LabelPdf
from registry.transparency import keys
from registry.transparency.models import Act, LogEntry
from registry.transparency.records import as_served
from registry.transparency.selectors import entry_proof, label_with_proofs, latest_checkpoint


class Unreadable(ValueError):
    """An upload that is neither a label's JSON nor a label's PDF, with the reason in words."""


def verify_document(label: dict[str, Any]) -> LabelVerification:
    return verify_label(label, log=keys.log_verifier(), witnesses=keys.witnesses())


def verify_number(number: str, version: int | None) -> tuple[LabelVerification, str] | None:
    """Check the label the register serves for this number now, and name it ("Atlas 1.0
    (MOD-000001), label version 2"); None if the register has no such label."""
    from registry.api.v1.public import label_response

    declaration = labels.label_declaration(number, version)
    if declaration is None:
        return None
    label = label_with_proofs(declaration, labels.label_data(declaration))
    model = declaration.model
    subject = f"{model.name} {model.version} ({number}), label version {declaration.version}"
    return verify_document(as_served(label_response(label).data)), subject


def verify_upload(content: bytes) -> LabelVerification:
    """Check an uploaded label JSON or PDF; raise Unreadable if it is neither."""
    try:
        return upload_verification(content)
    except RecursionError as error:
        # JSON nested deeper than Python recurses, in parsing it or in hashing its record.
        raise Unreadable("The selected file must be a label's JSON or PDF") from error


def upload_verification(content: bytes) -> LabelVerification:
    if content.startswith(b"%PDF-"):
        try:
            label = extract_label(content)
        except VerificationError as error:
            raise Unreadable(
                f"The PDF holds no label record the register attached: {error}"
            ) from error
        result = verify_document(label)
        result.steps.append(pdf_issued_step(content))
        return result
    try:
        label = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Unreadable("The selected file must be a label's JSON or PDF") from error
    if not isinstance(label, dict):
        raise Unreadable("The selected file is JSON, but not a label's")
    return verify_document(label)


def pdf_issued_step(content: bytes) -> Step:
    """Whether these exact bytes are a PDF the register issued and logged."""
    digest = hashlib.sha256(content).hexdigest()
    what = "The PDF file is one the register issued"
    label_pdf = LabelPdf.objects.filter(sha256=digest).select_related("declaration").first()
    if label_pdf is None:
        return Step(
            what,
            False,
            f"No PDF the register issued has SHA-256 {digest}: this file was changed or made "
            "elsewhere (its attached record is checked above on its own)",
        )
    entries = LogEntry.objects.filter(
        filing_kind="declaration", filing_id=label_pdf.declaration_id, act=Act.PDF_ISSUED
    ).order_by("index")
    checkpoint = latest_checkpoint()
    for entry in entries:
        if json.loads(bytes(entry.data)).get("pdf_sha256") != digest or checkpoint is None:
            continue
        if entry.index >= checkpoint.size:
            break
        proof = parse_proof(entry_proof(entry, checkpoint))
        try:
            verify_proof(proof, leaf=bytes(entry.data), log=keys.log_verifier())
        except VerificationError as error:
            return Step(what, False, f"Leaf {entry.index} records this PDF, but {error}")
        return Step(
            what,
            True,
            f"Its SHA-256 {digest} is recorded in leaf {entry.index} of the log, proved in the "
            f"checkpoint of {checkpoint.size} leaves",
        )
    return Step(
        what,
        False,
        f"The register issued this PDF (SHA-256 {digest}) but its leaf is not yet in the log",
    )
