"""ETags on filings and `If-Match` on changes: a client editing a stale version gets 412."""

from __future__ import annotations

from registry.api.errors import ApiProblem
from registry.filings.models import Filing


def etag(filing: Filing) -> str:
    return f'"{filing.kind}-{filing.pk}-{filing.lock_version}"'


def expected_lock_version(request, filing: Filing) -> int | None:
    """The version the client says it changes: None without If-Match; 412 if it is not current.

    The service checks the version again under its row lock, so a race still ends in 412.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag(filing) not in tags:
        raise ApiProblem(
            412,
            "stale_edit",
            "The filing has changed since you read it: GET it again and retry with its ETag",
        )
    return filing.lock_version


def row_etag(noun: str, row) -> str:
    """The ETag of a versioned row that is not a filing: a model, source, party, link…"""
    return f'"{noun}-{row.pk}-{row.lock_version}"'


def row_expected_version(request, noun: str, row) -> int:
    """The row version a change applies to: as read now, unless If-Match names another (412)."""
    header = request.headers.get("If-Match", "").strip()
    if header and header != "*":
        tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
        if row_etag(noun, row) not in tags:
            raise ApiProblem(
                412, "stale_edit", f"The {noun} has changed since you read it: GET it again"
            )
    return row.lock_version
