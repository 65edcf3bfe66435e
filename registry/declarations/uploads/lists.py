"""Lists typed into a textarea, or uploaded a line an item: codes, shares, models and hosts."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from registry.declarations import validation

# The most bad lines one message lists; a 10,000-line paste of the wrong thing would drown the page.
MAX_LINE_ERRORS = 20
# Words a first line holds when it is a header rather than a host.
HOST_HEADERS = {"host", "hostname", "domain", "domains", "top_domains"}


# --- Lists typed into a textarea


def lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, stripped line) for each line that isn't blank."""
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            yield number, line.strip()


def split_codes(text: str, *, upper: bool = False) -> list[str]:
    """Split ISO codes typed with spaces, commas or semicolons between them."""
    codes = [code for code in re.split(r"[\s,;]+", text or "") if code]
    return [code.upper() if upper else code.lower() for code in codes]


def parse_language_shares(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Read lines like `en 62.5` into language entries; errors name the line."""
    entries: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, line in lines(text):
        parts = [part for part in re.split(r"[\s,:;=]+", line.replace("%", " ")) if part]
        share = number_or_none(parts[1]) if len(parts) == 2 else None
        if share is None:
            errors.append(
                f"Line {number}: write a language code, a space and its share, like en 62.5"
            )
            continue
        entries.append({"code": parts[0].lower(), "share_percent": share})
    return entries, errors


def number_or_none(text: str) -> int | float | None:
    """A share as JSON keeps it: a whole number stays an int."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def parse_lines(text: str) -> list[str]:
    return [line for _, line in lines(text)]


def parse_generator_lines(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """Read lines like `Model X | Example Labs | no` into generator models."""
    generators: list[dict[str, str]] = []
    errors: list[str] = []
    for number, line in lines(text):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            errors.append(
                f"Line {number}: write the model, its provider and whether its terms permit "
                "training, separated by |, like Model X | Example Labs | no"
            )
            continue
        name, provider, terms = [*parts, "", ""][:3]
        generators.append(
            {"name": name, "provider": provider, "terms_permit_training": terms.lower()}
        )
    return generators, errors


def generator_lines(generators: Iterable[dict[str, Any]]) -> str:
    return "\n".join(
        " | ".join([g.get("name", ""), g.get("provider", ""), g.get("terms_permit_training", "")])
        for g in generators
    )


# --- Host lists (top domains)


def normalise_host(value: str) -> str:
    """A host as stored: lower case, no scheme, path, port or trailing dot."""
    host = value.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = host.split("/", 1)[0].split(":", 1)[0]
    return host.rstrip(".")


def first_column(line: str) -> str:
    try:
        return next(csv.reader([line]), [""])[0]
    except csv.Error:
        return line


def parse_hosts(text: str) -> tuple[list[str], list[str]]:
    """Read one host per line (or in the first column of a CSV) into a list without repeats.

    Returns the hosts and the bad lines, each named by its number; a header line is skipped.
    """
    hosts: dict[str, None] = {}
    errors: list[str] = []
    for number, line in lines(text):
        value = first_column(line).strip()
        host = normalise_host(value)
        if not host or (not hosts and not errors and host in HOST_HEADERS):
            continue
        if validation.HOSTNAME.match(host):
            hosts[host] = None
        else:
            errors.append(f"Line {number}: {value[:100]} is not a host name, like example.com")
    return list(hosts), errors


def summarise_errors(errors: list[str], limit: int = MAX_LINE_ERRORS) -> list[str]:
    """The first few errors, then how many more there are."""
    if len(errors) <= limit:
        return errors
    return [*errors[:limit], f"and {len(errors) - limit:,} more lines with problems"]
