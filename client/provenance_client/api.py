"""A small client of the register's provider API (`/api/v1/`), on the standard library alone.

The register's address comes from `PROVENANCE_REGISTER_URL` and the provider's API key from
`PROVENANCE_REGISTER_KEY`, sent as `Authorization: Bearer …`. Every answer is JSON; every error
is `application/problem+json` with a stable `code` per problem and a JSON pointer to the field.

Two exceptions say why a call did not succeed, so that a caller can tell them apart:

- `Refused`: the register answered and refused the request (its problems say why);
- `Unreachable`: no usable answer: no address or key set, the network, a key the register does
  not know (401), too many requests (429), a server error or an answer that is not JSON.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import Request, urlopen

URL_VARIABLE = "PROVENANCE_REGISTER_URL"
KEY_VARIABLE = "PROVENANCE_REGISTER_KEY"
TIMEOUT_SECONDS = 60.0
USER_AGENT = "provenance-register-client/0.1"

# What each refusal means, in words, before the register's own detail.
REFUSALS = {
    400: "the register found problems in the request",
    403: "the API key may not do this (403 Forbidden)",
    404: "the register has nothing of yours at that address (404 Not Found)",
    409: "not possible in the declaration's current state (409 Conflict)",
    412: "the declaration changed after it was read (412 Precondition Failed): read it and retry",
    413: "the request is larger than the register accepts (413 Content Too Large)",
    415: "the register does not accept this kind of content (415 Unsupported Media Type)",
    422: "the register could not process the request (422)",
    428: "the register needs the declaration's ETag in If-Match (428 Precondition Required)",
}


class Unreachable(Exception):
    """No usable answer came from the register; the message says why, in one line."""


@dataclass(frozen=True)
class Problem:
    """One problem of a refusal: its stable code, the JSON pointer to its field, what is wrong."""

    code: str
    pointer: str
    detail: str


@dataclass(eq=False)
class Refused(Exception):
    """The register answered with a problem+json refusal."""

    status: int
    code: str
    detail: str
    problems: list[Problem] = field(default_factory=list)
    body: Any = None

    def __str__(self) -> str:
        meaning = REFUSALS.get(self.status, f"the register refused the request ({self.status})")
        return f"{meaning}: {self.detail}" if self.detail else meaning


@dataclass(frozen=True)
class Answer:
    """A successful answer: its status, JSON body and headers."""

    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def etag(self) -> str:
        return self.headers.get("ETag", "")


class RegisterApi:
    """The provider API of one register, called with one key."""

    def __init__(self, url: str, key: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.base = api_base(url)
        self.key = key
        self.timeout = timeout

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, *, url: str | None = None
    ) -> RegisterApi:
        """The API at `url` or `PROVENANCE_REGISTER_URL`, with the key `PROVENANCE_REGISTER_KEY`."""
        environ = os.environ if environ is None else environ
        url = url or environ.get(URL_VARIABLE, "").strip()
        if not url:
            raise Unreachable(f"no register address: set {URL_VARIABLE} (or give --url)")
        key = environ.get(KEY_VARIABLE, "").strip()
        if not key:
            raise Unreachable(f"no API key: set {KEY_VARIABLE} to one of your organisation's keys")
        return cls(url, key)

    # --- The provider's resources

    def models(self) -> list[dict[str, Any]]:
        """Every model of the key's provider, following the pages of the list."""
        found: list[dict[str, Any]] = []
        address: str | None = self.address("models/?page_size=500")
        while address:
            page = self.call("GET", address).body
            found.extend(page.get("results", []))
            address = page.get("next")
        return found

    def declaration_create(self, model: int, body: Mapping[str, Any]) -> Answer:
        """Start a draft of the model's next version, filled with the whole body."""
        return self.call(
            "POST", self.address("declarations/"), {**body, "model": model}, keyed=True
        )

    def declaration_read(self, declaration: int) -> Answer:
        return self.call("GET", self.address(f"declarations/{declaration}/"))

    def declaration_validate(self, declaration: int) -> Answer:
        """The problems submitting it would raise now; changes nothing."""
        return self.call("POST", self.address(f"declarations/{declaration}/validate"), {})

    def declaration_submit(self, declaration: int) -> Answer:
        """Submit it as it stands now: If-Match from a fresh read, and a new Idempotency-Key."""
        etag = self.declaration_read(declaration).etag
        address = self.address(f"declarations/{declaration}/submit")
        return self.call("POST", address, {}, headers={"If-Match": etag}, keyed=True)

    # --- HTTP

    def address(self, path: str) -> str:
        return urljoin(self.base, path)

    def call(
        self,
        method: str,
        address: str,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        keyed: bool = False,
    ) -> Answer:
        """Make one request and return its answer; raise `Refused` or `Unreachable` otherwise.

        `keyed` sends a fresh Idempotency-Key, so that the register does a retried POST once.
        """
        sent = {
            "Accept": "application/json",
            "Authorization": f"Bearer {self.key}",
            "User-Agent": USER_AGENT,
            **(headers or {}),
        }
        if keyed:
            sent["Idempotency-Key"] = str(uuid.uuid4())
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            sent["Content-Type"] = "application/json"
        # Only the register's own address is ever opened (never a file: or other scheme).
        if not address.startswith(self.base):
            raise Unreachable(f"the register pointed outside its API, to {address[:100]!r}")
        request = Request(address, data=data, headers=sent, method=method)  # noqa: S310
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (checked above)
                return Answer(response.status, read_json(response.read()), response.headers)
        except HTTPError as error:
            raise refusal(error) from None
        except (URLError, OSError) as error:
            raise Unreachable(
                f"cannot reach the register at {self.base}: {reason(error)}"
            ) from None


def api_base(url: str) -> str:
    """The API's root, `…/api/v1/`, from the register's address (with or without the path)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Unreachable(
            f"{url!r} is not a register address: give one like https://register.example.gov.uk"
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/api/v1"):
        path += "/api/v1"
    return f"{parts.scheme}://{parts.netloc}{path}/"


def read_json(data: bytes) -> Any:
    if not data:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Unreachable(
            "the register's answer is not JSON: is the address the register's?"
        ) from None


def refusal(error: HTTPError) -> Exception:
    """What an HTTP error status means: a `Refused` with its problems, or `Unreachable`."""
    data = error.read() if error.fp is not None else b""
    if error.code == 401:
        return Unreachable(
            f"the register did not accept the API key (401 Unauthorized): check that "
            f"{KEY_VARIABLE} holds a current key of your organisation"
        )
    if error.code == 429:
        wait = error.headers.get("Retry-After") if error.headers else None
        later = f"try again in {wait} seconds" if wait else "try again later"
        return Unreachable(f"too many requests to the register (429): {later}")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        body = None
    if error.code >= 500 or not isinstance(body, dict):
        return Unreachable(
            f"the register answered {error.code} {error.reason} without a problem report"
        )
    problems = [
        Problem(
            str(item.get("code", "")), str(item.get("pointer", "")), str(item.get("detail", ""))
        )
        for item in body.get("problems") or []
        if isinstance(item, dict)
    ]
    return Refused(
        error.code, str(body.get("code", "")), str(body.get("detail", "")), problems, body
    )


def reason(error: OSError) -> str:
    """Why a connection failed, in words."""
    cause: Any = error.reason if isinstance(error, URLError) else error
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused (is the address right, and the register up?)"
    if isinstance(cause, socket.gaierror):
        return "no such host"
    if isinstance(cause, TimeoutError):
        return "it did not answer in time"
    return str(getattr(cause, "strerror", None) or cause)
