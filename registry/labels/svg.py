"""The label's pictures, drawn on the server: the composition bar and the embeddable badge.

Both are SVG with presentation attributes only (fill=, stroke=), never style attributes, so
they pass the strict CSP inline in a page and render the same in WeasyPrint's PDF.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from registry.declarations.choices import SourceCategory

BAR_WIDTH = 600
BAR_HEIGHT = 40
# GOV.UK Design System colours; neighbours differ enough to tell apart, and a white gap
# separates every segment. The table beside the bar carries the same facts as text.
CATEGORY_COLOURS: dict[str, str] = {
    SourceCategory.PUBLIC_DATASET: "#1d70b8",
    SourceCategory.LICENSED: "#00703c",
    SourceCategory.PRIVATE_THIRD_PARTY: "#4c2c92",
    SourceCategory.WEB_CRAWL: "#d4351c",
    SourceCategory.USER_DATA: "#f47738",
    SourceCategory.SYNTHETIC: "#28a197",
    SourceCategory.PROPRIETARY: "#003078",
    SourceCategory.OTHER: "#505a5f",
}
UNDECLARED_COLOUR = "#b1b4b6"
BADGE_HEIGHT = 20
BADGE_PADDING = 6  # on either side of each half's text
# How wide each character is at 11px in Verdana and DejaVu Sans (read from DejaVu Sans's metrics,
# which Verdana's nearly match, rounded up), so that each half of the badge is as wide as its
# text; the text is then set to exactly that width (`textLength`), whichever font draws it.
BADGE_GLYPH_WIDTHS: dict[str, Decimal] = {
    char: Decimal(width)
    for chars, width in {
        "ijl": "3.1",
        "IJ": "3.25",
        " ,.·": "3.5",
        ":": "3.75",
        "f": "3.9",
        "-": "4",
        "()": "4.3",
        "t": "4.35",
        "r": "4.55",
        "s": "5.75",
        "z": "5.8",
        "c": "6.05",
        "L": "6.15",
        "F": "6.35",
        "k": "6.4",
        "vxy": "6.55",
        "P": "6.65",
        "TYao": "6.75",
        "e": "6.8",
        "E": "6.95",
        "0123456789bdghnpquS": "7",
        "K": "7.25",
        "ABVXZ": "7.55",
        "CR": "7.7",
        "NU": "8.25",
        "H": "8.3",
        "D": "8.5",
        "G": "8.55",
        "OQ": "8.7",
        "w": "9",
        "M": "9.5",
        "m": "10.75",
        "W": "10.9",
    }.items()
    for char in chars
}
BADGE_WIDEST_GLYPH = Decimal(11)  # a character not in the table: a whole em, so it still fits
BADGE_NAME = "UK AI register"
# Public alerts by severity, most severe first, as the badge counts them.
BADGE_SEVERITIES = ["high", "medium", "low"]


def category_colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, CATEGORY_COLOURS[SourceCategory.OTHER])


def composition_segments(composition: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bar's rectangles, left to right, largest share first; the undeclared rest in grey.

    Shares are scaled down if they add up to more than 100 %, so the bar never overflows.
    """
    total = sum((row["share_percent"] or Decimal(0) for row in composition), Decimal(0))
    scale = Decimal(BAR_WIDTH) / max(total, Decimal(100))
    segments, x = [], Decimal(0)
    for row in composition:
        width = (row["share_percent"] or Decimal(0)) * scale
        if width <= 0:
            continue
        segments.append(
            {
                "category": row["category"],
                "x": round(x, 2),
                "width": round(width, 2),
                "fill": category_colour(row["category"]),
            }
        )
        x += width
    if x < BAR_WIDTH - 1:
        segments.append(
            {
                "category": "",
                "x": round(x, 2),
                "width": round(Decimal(BAR_WIDTH) - x, 2),
                "fill": UNDECLARED_COLOUR,
            }
        )
    return segments


def badge_facts(label: dict[str, Any]) -> str:
    """What the badge says of a model, facts only: "MOD-000001 · label v2 · 1 high, 2 medium
    alerts", "… · no public alerts", or "withdrawn" once the model is withdrawn."""
    if label["kind"] == "tombstone":
        return "withdrawn"
    number, version = label["model"]["registration_number"], label["version"]
    return f"{number} · label v{version} · {badge_alert_counts(label['public_alerts'])}"


def badge_alert_counts(alerts: list[dict[str, Any]], noun: str = "alert") -> str:
    """The label's public alerts counted by severity: "1 high, 2 medium alerts"."""
    counts = [
        (count, severity)
        for severity in BADGE_SEVERITIES
        if (count := sum(1 for alert in alerts if alert["severity"] == severity))
    ]
    if not counts:
        return "no public alerts"
    plural = "" if len(alerts) == 1 else "s"
    return ", ".join(f"{count} {severity}" for count, severity in counts) + f" {noun}{plural}"


def badge_title(label: dict[str, Any]) -> str:
    """The badge's text alternative: the model named, and the facts the badge shows in words."""
    model = label["model"]
    named = f"{model['name']} {model['version']} ({model['registration_number']})"
    if label["kind"] == "tombstone":
        return f"{BADGE_NAME}: {named}, withdrawn from the register"
    alerts = badge_alert_counts(label["public_alerts"], noun="public alert")
    return f"{BADGE_NAME}: {named}, label version {label['version']}, {alerts}"


def badge_text_width(text: str) -> Decimal:
    return sum((BADGE_GLYPH_WIDTHS.get(char, BADGE_WIDEST_GLYPH) for char in text), Decimal(0))


def badge_geometry(left: str, right: str) -> dict[str, Any]:
    """Where the badge's two halves and their texts go, from the widths of the texts."""
    left_text, right_text = badge_text_width(left), badge_text_width(right)
    left_width = math.ceil(left_text) + 2 * BADGE_PADDING
    right_width = math.ceil(right_text) + 2 * BADGE_PADDING
    return {
        "left": left,
        "right": right,
        "left_width": left_width,
        "right_width": right_width,
        "left_text_width": left_text,
        "right_text_width": right_text,
        "width": left_width + right_width,
        "height": BADGE_HEIGHT,
        "left_x": Decimal(left_width) / 2,
        "right_x": left_width + Decimal(right_width) / 2,
    }
