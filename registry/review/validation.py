"""Rules of the regulator's review. Pure: values in, problems with stable codes out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.lib.problems import Problem

MESSAGES = {
    "ownership_not_accepted": (
        "The provider has no accepted ownership statement. Accept its ownership statement "
        "first: a label must say who controls the provider"
    ),
    "case_changed": (
        "Someone else acted on this case since you opened it, so nothing was decided. Check "
        "the case as it is now before you decide"
    ),
    "findings_required": "Raise at least one finding before sending the filing back for changes",
    "four_eyes": (
        "You raised findings on this filing as case officer, so another decision maker must "
        "accept it"
    ),
    "confidentiality_undecided": (
        "Decide every confidentiality claim before accepting: {value} still to decide"
    ),
    "finding_field_unknown": "{value} is not a field of this filing",
    "finding_field_required": "Choose the answer the finding is about, from the filing",
    "finding_message_required": "Say what the provider must change",
    "finding_not_removable": "A finding already sent to the provider cannot be removed",
    "assignee_not_regulator": "Assign the case to a case officer or decision maker",
    "finding_not_open": (
        "You can reply to a finding only while the regulator is asking for changes to the "
        "submission it is about"
    ),
    "finding_reply_required": "Write your reply to the finding",
    "finding_reply_too_long": "Your reply must be {limit} characters or fewer",
    "finding_outcome_unknown": "Choose whether the finding is resolved or carried forward",
    "finding_not_resubmitted": (
        "The provider has not resubmitted since this finding was sent: wait for their changes"
    ),
    "finding_concluded": "This finding is already {value}",
    "note_body_required": "Write the note or message",
    "note_kind_invalid": "Choose an internal note or a message to the provider",
    "ruling_reason_required": "Give the reason for the decision on the confidentiality claim",
    "ruling_not_claimed": "This source does not claim confidentiality",
    "case_closed": "This case is closed: the filing was {value}",
    "case_not_under_review": "Take the case into review before you do this",
    "decision_unknown": "Choose to start the review, request changes, accept or reject",
}

TEXT_LIMIT = 10_000


def problem(code: str, field: str = "", **values: Any) -> Problem:
    return Problem(code, field, MESSAGES[code].format(**values))


def validate_finding(values: Mapping[str, Any], data: Mapping[str, Any]) -> list[Problem]:
    """A finding names a field the filing has, and says what to change."""
    problems = []
    field = str(values.get("field") or "").strip()
    if not field_exists(data, field):
        problems.append(problem("finding_field_unknown", "field", value=field or "Nothing"))
    if not str(values.get("message") or "").strip():
        problems.append(problem("finding_message_required", "message"))
    return problems


# Keys of a filing's data that are bookkeeping, not answers a provider gives: the filing's own
# (its version, not the model's `model.version`), and any row's id.
NOT_FIELDS = frozenset({"reference", "version", "signed_at"})
NOT_ROW_FIELDS = frozenset({"id"})


def field_exists(data: Mapping[str, Any], path: str) -> bool:
    """Whether a dotted path ("sources.3.licence", "sources.3", "sources") names part of data."""
    if not path:
        return False
    node: Any = data
    for depth, part in enumerate(path.split(".")):
        if part in NOT_ROW_FIELDS or (depth == 0 and part in NOT_FIELDS):
            return False
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def current_path(data: Mapping[str, Any], finding: Any) -> str:
    """A finding's path in another version: its row's place there, found by the row's id."""
    parts = finding.field.split(".")
    if finding.row_id is None or len(parts) < 2 or not parts[1].isdigit():
        return finding.field
    for index, row in enumerate(data.get(parts[0]) or []):
        if isinstance(row, Mapping) and row.get("id") == finding.row_id:
            return ".".join([parts[0], str(index), *parts[2:]])
    return finding.field


def validate_note(values: Mapping[str, Any], kinds: frozenset[str]) -> list[Problem]:
    problems = []
    if values.get("kind") not in kinds:
        problems.append(problem("note_kind_invalid", "kind"))
    if not str(values.get("body") or "").strip():
        problems.append(problem("note_body_required", "body"))
    return problems
