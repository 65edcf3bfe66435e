"""The label's pictures, drawn on the server: the composition bar and the embeddable badge.

Both are SVG with presentation attributes only (fill=, stroke=), never style attributes, so
they pass the strict CSP inline in a page and render the same in WeasyPrint's PDF.
"""

from __future__ import annotations

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
# Verdana 11px averages about 6.5px a character; the badge's width follows its text.
BADGE_CHAR_WIDTH = Decimal("6.5")


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


def badge_geometry(left: str, right: str) -> dict[str, Any]:
    """Where the badge's two halves and their texts go, from the lengths of the texts."""
    left_width = int(len(left) * BADGE_CHAR_WIDTH) + 12
    right_width = int(len(right) * BADGE_CHAR_WIDTH) + 12
    return {
        "left": left,
        "right": right,
        "left_width": left_width,
        "right_width": right_width,
        "width": left_width + right_width,
        "height": BADGE_HEIGHT,
        "left_x": left_width // 2,
        "right_x": left_width + right_width // 2,
    }
