"""SPDX licence expressions: check them without ever crashing on what a provider typed."""

from __future__ import annotations

import re
from functools import cache

from license_expression import ExpressionError, ExpressionParseError, get_spdx_licensing

LICENCE_REF_PREFIX = "LicenseRef-"
# SPDX: "LicenseRef-" and an idstring of letters, digits, "." and "-" (no spaces or underscores).
LICENCE_REF = re.compile("^" + re.escape(LICENCE_REF_PREFIX) + r"[A-Za-z0-9.\-]+$")


@cache
def licensing():
    return get_spdx_licensing()


def licence_error(value: str) -> str | None:
    """Why an expression is not valid SPDX (custom `LicenseRef-…` ids allowed), or None."""
    try:
        expression = licensing().parse(value, validate=False, strict=True)
    except (ExpressionError, ExpressionParseError, ValueError, TypeError, AttributeError) as error:
        return str(error) or "not a licence expression"
    if expression is None:
        return "empty expression"
    unknown = [
        key for key in licensing().unknown_license_keys(expression) if not LICENCE_REF.match(key)
    ]
    if unknown:
        return "unknown licence " + ", ".join(sorted(unknown))
    return None


def normalise_licence(value: str) -> str:
    """The canonical spelling of a valid expression (`mit` becomes `MIT`)."""
    return str(licensing().parse(value, validate=False, strict=True))
