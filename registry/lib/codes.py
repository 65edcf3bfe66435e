"""ISO country (3166-1 alpha-2) and language (639-1) codes, the only ones the register accepts."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def country_names() -> dict[str, str]:
    """Map every ISO 3166-1 alpha-2 code to its short English name."""
    return {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}


@cache
def language_names() -> dict[str, str]:
    """Map every ISO 639-1 (two-letter) code to its English name."""
    return {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}


def country_choices() -> list[tuple[str, str]]:
    return sorted(country_names().items(), key=lambda item: item[1])


def is_country_code(value: str) -> bool:
    return value in country_names()


def is_language_code(value: str) -> bool:
    return value in language_names()


def country_name(code: str) -> str:
    return country_names().get(code, code)
