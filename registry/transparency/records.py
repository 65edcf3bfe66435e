"""What a leaf says about a publishing act: the filing's identity, the hashes of what was
published, and salted commitments to what was not.

The hashes are of the public documents exactly as the register serves them (the label JSON,
through the public API's serializers), cut to the members the act fixes by the client's own
`declaration_record` and `ownership_record`, so that anyone holding a label recomputes the same
hash with the same code. No personal data goes into a leaf: people's names stay in the snapshot,
which the leaf covers by its hash only.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from provenance_client.record import (
    canonical,
    commit,
    declaration_record,
    ownership_record,
    record_sha256,
)
from rest_framework.renderers import JSONRenderer

from registry.declarations.models import ProvenanceDeclaration
from registry.filings.models import FilingKind, FilingSnapshot
from registry.providers.models import OwnershipStatement

# Regulator-only values of each filing, by where they sit in its snapshot: the exact totals and
# sizes, the confidentiality claims (and what a confidential source withholds), red-team
# reports' hashes, investors' exact holdings and NSI references. The public label shows bands
# and counts of these; the leaf commits to each value without revealing it.
DECLARATION_REGULATOR_ONLY = [
    "total_tokens",
    "total_images",
    "total_audio_hours",
    "total_video_hours",
]
SOURCE_REGULATOR_ONLY = ["size_tokens", "size_records", "size_bytes", "confidentiality_reason"]
SOURCE_WITHHELD = ["name", "owner", "url", "description"]
ATTESTATION_REGULATOR_ONLY = ["report_sha256"]
LINK_REGULATOR_ONLY = ["share_percent", "votes_percent", "nsi_reference"]


# RFC 8785 writes numbers as IEEE doubles, exact only to 2**53: a larger whole number (a source
# of ten petabytes) is committed to as its decimal text, so that no value is rounded.
EXACT_INTEGER = 2**53


def exact(value: Any) -> Any:
    """The value as committed to: a whole number beyond a double's exact range as text."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= EXACT_INTEGER:
        return str(value)
    return value


def regulator_only_values(kind: str, snapshot: dict[str, Any]) -> dict[str, Any]:
    """Each regulator-only value of a snapshot, by its JSON pointer in the snapshot."""
    return {pointer: exact(value) for pointer, value in snapshot_values(kind, snapshot).items()}


def snapshot_values(kind: str, snapshot: dict[str, Any]) -> dict[str, Any]:
    """The regulator-only values as the snapshot holds them, by pointer."""
    values: dict[str, Any] = {}
    if kind == FilingKind.DECLARATION:
        for field in DECLARATION_REGULATOR_ONLY:
            values[f"/{field}"] = snapshot.get(field)
        for position, source in enumerate(snapshot.get("sources", [])):
            fields = SOURCE_REGULATOR_ONLY + (SOURCE_WITHHELD if source.get("confidential") else [])
            for field in fields:
                values[f"/sources/{position}/{field}"] = source.get(field)
        for position, attestation in enumerate(snapshot.get("red_team_attestations", [])):
            for field in ATTESTATION_REGULATOR_ONLY:
                values[f"/red_team_attestations/{position}/{field}"] = attestation.get(field)
    else:
        for position, link in enumerate(snapshot.get("links", [])):
            for field in LINK_REGULATOR_ONLY:
                values[f"/links/{position}/{field}"] = link.get(field)
    return values


def accepted_snapshot(kind: str, filing_id: int) -> FilingSnapshot:
    """The filing's last submission: the one the regulator accepted."""
    return FilingSnapshot.objects.filter(filing_kind=kind, filing_id=filing_id).latest("submission")


def as_served(data: Any) -> Any:
    """Data as the register's JSON renderer writes it, read back: dates, decimals and all."""
    return json.loads(JSONRenderer().render(data))


def label_document(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    """The version's label JSON, as /register/models/MOD-…/v/N.json serves it."""
    from registry.api.v1.public import label_response
    from registry.labels import selectors

    return as_served(label_response(selectors.label_data(declaration)).data)


def ownership_document(statement: OwnershipStatement) -> dict[str, Any]:
    """The members of a label that the provider's ownership statement fixes, as a label of any
    of its models serves them while the statement is the accepted one."""
    from registry.api.v1 import public
    from registry.labels import selectors

    links = list(statement.links.order_by("id"))
    return as_served(
        {
            "provider": public.PublicProviderBrief(
                selectors.provider_data(statement.provider)
            ).data,
            "ownership": public.OwnershipSummary(
                selectors.ownership_summary(statement, links)
            ).data,
            "control": public.Control(
                selectors.control_summary(selectors.control_of(statement, links))
            ).data,
        }
    )


def leaf_time(moment: datetime) -> str:
    """A leaf's time: UTC to the second, so that two leaves' times compare as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def declaration_leaf(
    declaration: ProvenanceDeclaration, act: str, moment: datetime, pdf_sha256: str | None
) -> tuple[bytes, bytes]:
    """The leaf of a publishing act on a declaration, and the secret of its commitments."""
    model = declaration.model
    identity = {
        "kind": FilingKind.DECLARATION.value,
        "number": model.registration_number,
        "provider": model.provider.registration_number,
        "version": declaration.version,
    }
    label_sha256 = record_sha256(declaration_record(label_document(declaration)))
    return leaf_of(identity, declaration.pk, act, moment, label_sha256, pdf_sha256)


def ownership_leaf(
    statement: OwnershipStatement, act: str, moment: datetime
) -> tuple[bytes, bytes]:
    """The leaf of a publishing act on an ownership statement, and its commitments' secret."""
    number = statement.provider.registration_number
    identity = {
        "kind": FilingKind.OWNERSHIP.value,
        "number": number,
        "provider": number,
        "version": statement.version,
    }
    label_sha256 = record_sha256(ownership_record(ownership_document(statement)))
    return leaf_of(identity, statement.pk, act, moment, label_sha256, None)


def leaf_of(
    identity: dict[str, Any],
    filing_id: int,
    act: str,
    moment: datetime,
    label_sha256: str,
    pdf_sha256: str | None,
) -> tuple[bytes, bytes]:
    """The canonical leaf, committing with a new secret to the snapshot's regulator-only values."""
    snapshot = accepted_snapshot(identity["kind"], filing_id)
    secret = secrets.token_bytes(32)
    values = regulator_only_values(identity["kind"], json.loads(snapshot.content))
    leaf = {
        "act": act,
        "filing": identity,
        "time": leaf_time(moment),
        "snapshot_sha256": snapshot.sha256,
        "label_sha256": label_sha256,
        "pdf_sha256": pdf_sha256,
        "commitments": commit(secret, values),
    }
    return canonical(leaf), secret
