"""Every API error as `application/problem+json` (RFC 9457), with our stable problem codes.

Body: {"type", "title", "status", "detail", "code", "problems": [{"code", "detail", "pointer"}]};
a problem's pointer is a JSON pointer into the request body ("" for the body as a whole).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from registry.lib.problems import Problem, ProblemsError

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "The request has problems",
    401: "Authentication needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict with the filing's state",
    412: "The filing has changed",
    413: "The request body is too large",
    415: "Unsupported media type",
    422: "The request cannot be processed",
    428: "A precondition is required",
    429: "Too many requests",
}

# Problems that mean "not now, in this state" rather than "your data is wrong".
CONFLICT_CODES = {
    "not_editable",
    "transition_not_allowed",
    "open_filing_exists",
    "not_discardable",
    "nothing_to_amend",
}
FORBIDDEN_CODES = {"not_permitted", "not_owner"}
STALE_CODES = {"stale_edit"}
# Headers DRF sets on an error response that the problem response keeps.
KEPT_HEADERS = {"www-authenticate", "retry-after"}


class ApiProblem(exceptions.APIException):
    """An error with its own status and problem code, e.g. 412 stale or 422 idempotency reuse."""

    def __init__(
        self, status_code: int, code: str, detail: str, problems: list[dict] | None = None
    ):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.problem_code = code
        self.problems = problems or []


def pointer(field: str) -> str:
    """The JSON pointer of a dotted problem field: `sources.3.licence` → `/sources/3/licence`."""
    if not field:
        return ""
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in field.split("."))


def problem_items(problems: Iterable[Problem], prefix: str = "") -> list[dict[str, str]]:
    return [
        {
            "code": p.code,
            "detail": p.message,
            "pointer": pointer(".".join(filter(None, [prefix, p.field]))),
        }
        for p in problems
    ]


def flatten(detail: Any, path: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """DRF's nested validation errors as a flat list of problems with pointers."""
    if isinstance(detail, dict):
        return [item for key, value in detail.items() for item in flatten(value, (*path, str(key)))]
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            where = ".".join(p for p in path if p != "non_field_errors")
            return [
                {"code": item.code, "detail": str(item), "pointer": pointer(where)}
                for item in detail
            ]
        return [
            item
            for index, value in enumerate(detail)
            for item in flatten(value, (*path, str(index)))
        ]
    where = ".".join(p for p in path if p != "non_field_errors")
    return [
        {
            "code": getattr(detail, "code", "invalid"),
            "detail": str(detail),
            "pointer": pointer(where),
        }
    ]


def problem_response(
    status_code: int, code: str, detail: str, problems: list[dict] | None = None, headers=None
) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "code": code,
        "problems": problems or [],
    }
    return Response(body, status=status_code, content_type=PROBLEM_JSON, headers=headers)


def status_for(problems: list[Problem]) -> int:
    codes = {p.code for p in problems}
    if codes & FORBIDDEN_CODES:
        return status.HTTP_403_FORBIDDEN
    if codes & STALE_CODES:
        return status.HTTP_412_PRECONDITION_FAILED
    if codes & CONFLICT_CODES:
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def handle(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler: turn every error into problem+json."""
    if isinstance(exc, ProblemsError):
        code_status = status_for(exc.problems)
        first = exc.problems[0] if exc.problems else None
        code = first.code if first and code_status != 400 else "invalid"
        detail = (
            first.message
            if first and code_status != 400
            else "The request has problems: see the list"
        )
        return problem_response(code_status, code, detail, problem_items(exc.problems))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found: it does not exist, or it is not yours to see")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
    if isinstance(exc, ApiProblem):
        return problem_response(
            exc.status_code, exc.problem_code, str(exc.detail), exc.problems, headers
        )
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            400, "invalid", "The request has problems: see the list", flatten(exc.detail), headers
        )
    codes: Any = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    code = codes if isinstance(codes, str) else "error"
    message: Any = exc.detail if isinstance(exc, exceptions.APIException) else exc
    return problem_response(response.status_code, code, str(message), [], headers)
