"""The Overview's charts: stacked bars and stacked columns as SVG coordinates, drawn to scale.

Pure functions: figures in, rectangles and text positions out, for `review/_chart_bars.html`
and `review/_chart_columns.html` to draw with presentation attributes only (the strict CSP
allows no style attribute, and no script is needed). They keep the public statistics' measures
(`labels.charts`): the same viewBox width, type sizes and scaling, so a chart scales to its
column down to a 320 px screen. Each figure is split into series (a state, a severity, a
verdict), told apart by colour and by a legend in words; a figure's total follows its bar or
tops its column, and the table after every chart gives each figure again as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from registry.labels.charts import (
    BAR_HEIGHT,
    BAR_LABEL_BASELINE,
    BAR_ROW_HEIGHT,
    BAR_TOP,
    CHART_WIDTH,
    COLUMN_FILL_RATIO,
    COLUMN_MAX_WIDTH,
    COLUMN_PLOT_HEIGHT,
    COLUMN_SIDE,
    COLUMN_TOP,
    FONT_SIZE,
    SMALL_FONT_SIZE,
    TICK_GAP,
    VALUE_GAP,
    VALUE_ROOM,
    named_columns,
    scale,
)

# GOV.UK colours with at least 3:1 contrast on white (WCAG 1.4.11) and 4.5:1 under white text,
# the same as the public statistics use for severities and verdicts.
BLUE = "#1d70b8"
DARK_BLUE = "#003078"
GREEN = "#00703c"
RED = "#d4351c"
BROWN = "#a35200"
GREY = "#505a5f"
TEXT = "#0b0c0c"
WHITE = "#ffffff"
SEVERITY_COLOURS = {"high": RED, "medium": BROWN, "low": GREY}

# The legend: a swatch and its name, as many to a line as fit.
LEGEND_LINE = 24
SWATCH = 14
SWATCH_GAP = 6
LEGEND_ITEM_GAP = 18
# About how wide a character of GDS Transport or Arial is, as a share of the type size: enough
# to decide whether a figure fits inside its segment and where the legend wraps.
CHARACTER_WIDTH = Decimal("0.6")
SEGMENT_PADDING = 4
COLUMN_BOTTOM = 28


@dataclass(frozen=True)
class Series:
    """One part of every figure: its name (in the legend) and its colour."""

    name: str
    fill: str


@dataclass(frozen=True)
class StackRow:
    """One figure: its name, and its value in each series, in the series' order."""

    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Segment:
    """One series' part of a bar or column, with its figure inside when there is room."""

    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal
    fill: str
    value_text: str
    text_x: Decimal
    text_y: Decimal
    value_shown: bool


@dataclass(frozen=True)
class LegendItem:
    name: str
    fill: str
    x: Decimal
    y: int
    text_x: Decimal
    text_y: int


@dataclass(frozen=True)
class StackedBar:
    label: str
    label_y: int
    total_text: str
    total_x: Decimal
    total_y: int
    segments: list[Segment]


@dataclass(frozen=True)
class StackedColumn:
    label: str
    named: bool
    centre: Decimal
    total_text: str
    total_y: Decimal
    total_shown: bool
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its size, its legend, and its bars or columns; `description` says in one
    sentence what it shows, for the SVG's <desc>."""

    width: int
    height: int
    font_size: int
    legend: list[LegendItem]
    description: str
    bars: list[StackedBar]
    columns: list[StackedColumn]
    baseline_y: int = 0
    tick_y: int = 0
    plot_top: int = 0
    legend_font_size: int = SMALL_FONT_SIZE


def text_width(text: str, font_size: int) -> Decimal:
    return len(text) * font_size * CHARACTER_WIDTH


def legend(series: Sequence[Series], font_size: int) -> tuple[list[LegendItem], int]:
    """The legend's items laid out in lines across the chart, and the height they take; a
    chart of one series needs none."""
    if len(series) < 2:
        return [], 0
    items: list[LegendItem] = []
    x, line = Decimal(0), 0
    for one in series:
        width = SWATCH + SWATCH_GAP + text_width(one.name, font_size)
        if x > 0 and x + width > CHART_WIDTH:
            x, line = Decimal(0), line + 1
        top = line * LEGEND_LINE
        items.append(
            LegendItem(
                name=one.name,
                fill=one.fill,
                x=x,
                y=top + (LEGEND_LINE - SWATCH) // 2,
                text_x=x + SWATCH + SWATCH_GAP,
                text_y=top + LEGEND_LINE // 2 + font_size // 3,
            )
        )
        x += width + LEGEND_ITEM_GAP
    return items, (line + 1) * LEGEND_LINE + LEGEND_LINE // 2


def describe(rows: Sequence[StackRow], series: Sequence[Series]) -> str:
    """Each figure in words: "Submitted: 3. Under review: 2 (1 high, 1 low)." """
    if not rows:
        return "No figures."
    parts = []
    for row in rows:
        split = [
            f"{value} {one.name.lower()}"
            for one, value in zip(series, row.values, strict=True)
            if value
        ]
        detail = f" ({', '.join(split)})" if len(series) > 1 and split else ""
        parts.append(f"{row.label}: {row.total}{detail}.")
    return " ".join(parts)


def parts_of(row: StackRow) -> int:
    """How many series a figure has a part in: a figure of one part needs only its total."""
    return sum(1 for value in row.values if value)


def segment_text_fits(text: str, length: Decimal, font_size: int) -> bool:
    return length >= text_width(text, font_size) + 2 * SEGMENT_PADDING


def stacked_bars(rows: Sequence[StackRow], series: Sequence[Series]) -> Chart:
    """Horizontal bars in the order given, each split into its series left to right, the
    largest total filling the width left for bars; each row's name on a line above its bar."""
    items, top = legend(series, SMALL_FONT_SIZE)
    largest = max((row.total for row in rows), default=0)
    room = CHART_WIDTH - VALUE_ROOM
    bars = []
    for index, row in enumerate(rows):
        row_top = top + index * BAR_ROW_HEIGHT
        bar_y = row_top + BAR_TOP
        segments, left = [], Decimal(1)
        split = parts_of(row) > 1
        for one, value in zip(series, row.values, strict=True):
            width = scale(value, largest, room)
            text = str(value)
            segments.append(
                Segment(
                    x=left,
                    y=Decimal(bar_y),
                    width=width,
                    height=Decimal(BAR_HEIGHT),
                    fill=one.fill,
                    value_text=text,
                    text_x=left + width / 2,
                    text_y=Decimal(bar_y + BAR_HEIGHT - 5),
                    value_shown=split
                    and value > 0
                    and segment_text_fits(text, width, SMALL_FONT_SIZE),
                )
            )
            left += width
        bars.append(
            StackedBar(
                label=row.label,
                label_y=row_top + BAR_LABEL_BASELINE,
                total_text=str(row.total),
                total_x=left + VALUE_GAP,
                total_y=bar_y + BAR_HEIGHT - 5,
                segments=[segment for segment in segments if segment.width > 0],
            )
        )
    return Chart(
        width=CHART_WIDTH,
        height=top + max(len(rows), 1) * BAR_ROW_HEIGHT,
        font_size=FONT_SIZE,
        legend=items,
        description=describe(rows, series),
        bars=bars,
        columns=[],
        plot_top=top,
    )


def stacked_columns(rows: Sequence[StackRow], series: Sequence[Series]) -> Chart:
    """Columns left to right in the order given, each split into its series bottom up, the
    largest total filling the plot's height; every few columns are named under the axis."""
    items, top = legend(series, SMALL_FONT_SIZE)
    largest = max((row.total for row in rows), default=0)
    slot = Decimal(CHART_WIDTH - 2 * COLUMN_SIDE) / max(len(rows), 1)
    width = round(min(slot * COLUMN_FILL_RATIO, Decimal(COLUMN_MAX_WIDTH)), 2)
    plot_top = top + COLUMN_TOP
    baseline = plot_top + COLUMN_PLOT_HEIGHT
    named = named_columns(len(rows))
    columns = []
    for index, row in enumerate(rows):
        left = COLUMN_SIDE + slot * index
        x = round(left + (slot - width) / 2, 2)
        segments, bottom = [], Decimal(baseline)
        split = parts_of(row) > 1
        for one, value in zip(series, row.values, strict=True):
            height = scale(value, largest, COLUMN_PLOT_HEIGHT)
            text = str(value)
            segments.append(
                Segment(
                    x=x,
                    y=bottom - height,
                    width=width,
                    height=height,
                    fill=one.fill,
                    value_text=text,
                    text_x=round(left + slot / 2, 2),
                    text_y=bottom - height / 2 + SMALL_FONT_SIZE // 3,
                    value_shown=split
                    and value > 0
                    and height >= SMALL_FONT_SIZE + SEGMENT_PADDING
                    and segment_text_fits(text, width, SMALL_FONT_SIZE),
                )
            )
            bottom -= height
        columns.append(
            StackedColumn(
                label=row.label,
                named=index in named,
                centre=round(left + slot / 2, 2),
                total_text=str(row.total),
                total_y=bottom - 5,
                total_shown=row.total > 0,
                segments=[segment for segment in segments if segment.height > 0],
            )
        )
    return Chart(
        width=CHART_WIDTH,
        height=baseline + TICK_GAP + COLUMN_BOTTOM,
        font_size=SMALL_FONT_SIZE,
        legend=items,
        description=describe(rows, series),
        bars=[],
        columns=columns,
        baseline_y=baseline,
        tick_y=baseline + TICK_GAP,
        plot_top=plot_top,
    )
