"""The geometry of the register's charts: bars and columns as SVG coordinates, drawn to scale.

Pure functions: figures in, rectangles and text positions out, for the templates
`labels/_chart_bars.html` and `labels/_chart_columns.html` to draw with presentation attributes
only (the strict CSP allows no style attribute). Each chart has a viewBox and no fixed size, so
it scales to the width of its column, down to a 320 px screen; the table beside it carries the
same figures as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# The width of every chart's viewBox. In half a desktop page it draws at about its own size, and
# a 320 px screen shrinks it by a third, so its text stays legible (about 12 px).
CHART_WIDTH = 420
FONT_SIZE = 17
SMALL_FONT_SIZE = 14

# A horizontal bar chart: each row's name on a line of its own above its bar, so that a long
# name never squeezes the bar; the figure follows the bar's end.
BAR_ROW_HEIGHT = 54
BAR_HEIGHT = 20
BAR_LABEL_BASELINE = 18  # from the top of the row
BAR_TOP = 25  # from the top of the row
VALUE_GAP = 6
# Room kept right of the longest bar for its figure ("1234 (100%)").
VALUE_ROOM = 110

# A column chart: a figure over each column, and a name under every few.
COLUMN_TOP = 24  # room above the tallest column for its figure
COLUMN_PLOT_HEIGHT = 160
COLUMN_SIDE = 24  # room either side, so the first and last names are not cut off
COLUMN_FILL_RATIO = Decimal("0.7")  # of each column's slot; the rest is the gap
COLUMN_MAX_WIDTH = 40  # a few months' columns stay columns, not blocks
TICK_GAP = 18  # from the baseline to the names' baseline
COLUMN_BOTTOM = 28
# At most this many columns are named; the others are named in the table.
MAX_TICKS = 8

DEFAULT_FILL = "#1d70b8"
AXIS_COLOUR = "#0b0c0c"
TEXT_COLOUR = "#0b0c0c"


@dataclass(frozen=True)
class BarRow:
    """One figure to draw as a bar: its name, its size, how it reads, its colour."""

    label: str
    value: Decimal | int
    value_text: str
    fill: str = DEFAULT_FILL


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    fill: str
    label_y: int
    y: int
    width: Decimal
    value_x: Decimal
    value_y: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bar_height: int
    font_size: int
    bars: list[Bar]


@dataclass(frozen=True)
class ColumnRow:
    """One figure to draw as a column: its name under the column, its size and how it reads."""

    label: str
    value: Decimal | int
    value_text: str


@dataclass(frozen=True)
class Column:
    label: str
    value_text: str
    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal
    centre: Decimal
    value_y: Decimal
    value_shown: bool  # an empty column has no figure over it
    named: bool


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    baseline_y: int
    tick_y: int
    font_size: int
    fill: str
    columns: list[Column]


def scale(value: Decimal | int, maximum: Decimal | int, length: int) -> Decimal:
    """`value`'s share of `length`, as `maximum` is of all of it; 0 for a maximum of 0."""
    if maximum <= 0 or value <= 0:
        return Decimal(0)
    return round(Decimal(min(value, maximum)) * length / Decimal(maximum), 2)


def bar_chart(rows: Sequence[BarRow], *, maximum: Decimal | int | None = None) -> BarChart:
    """Horizontal bars in the order given, scaled so that `maximum` (by default the largest
    value) fills the width left for bars. Pass the whole (100 for percentages) when the bars
    are parts of one, so that they read as shares of it."""
    largest = maximum if maximum is not None else max((row.value for row in rows), default=0)
    room = CHART_WIDTH - VALUE_ROOM
    bars = []
    for index, row in enumerate(rows):
        top = index * BAR_ROW_HEIGHT
        width = scale(row.value, largest, room)
        bars.append(
            Bar(
                label=row.label,
                value_text=row.value_text,
                fill=row.fill,
                label_y=top + BAR_LABEL_BASELINE,
                y=top + BAR_TOP,
                width=width,
                value_x=width + VALUE_GAP,
                value_y=top + BAR_TOP + BAR_HEIGHT - 5,
            )
        )
    return BarChart(
        width=CHART_WIDTH,
        height=max(len(rows) * BAR_ROW_HEIGHT, BAR_ROW_HEIGHT),
        bar_height=BAR_HEIGHT,
        font_size=FONT_SIZE,
        bars=bars,
    )


def column_chart(rows: Sequence[ColumnRow], *, fill: str = DEFAULT_FILL) -> ColumnChart:
    """Columns left to right in the order given, the largest value filling the plot's height;
    the last column and every few before it are named (`named_columns`)."""
    largest = max((row.value for row in rows), default=0)
    slot = Decimal(CHART_WIDTH - 2 * COLUMN_SIDE) / max(len(rows), 1)
    width = round(min(slot * COLUMN_FILL_RATIO, Decimal(COLUMN_MAX_WIDTH)), 2)
    baseline = COLUMN_TOP + COLUMN_PLOT_HEIGHT
    named = named_columns(len(rows))
    columns = []
    for index, row in enumerate(rows):
        height = scale(row.value, largest, COLUMN_PLOT_HEIGHT)
        left = COLUMN_SIDE + slot * index
        columns.append(
            Column(
                label=row.label,
                value_text=row.value_text,
                x=round(left + (slot - width) / 2, 2),
                y=baseline - height,
                width=width,
                height=height,
                centre=round(left + slot / 2, 2),
                value_y=baseline - height - 5,
                value_shown=row.value > 0,
                named=index in named,
            )
        )
    return ColumnChart(
        width=CHART_WIDTH,
        height=baseline + TICK_GAP + COLUMN_BOTTOM,
        baseline_y=baseline,
        tick_y=baseline + TICK_GAP,
        font_size=SMALL_FONT_SIZE,
        fill=fill,
        columns=columns,
    )


def named_columns(count: int) -> set[int]:
    """Which of `count` columns carry a name: at most `MAX_TICKS`, evenly spaced, counting back
    from the last (the latest month is always named)."""
    every = max(math.ceil(count / MAX_TICKS), 1)
    return {index for index in range(count) if (count - 1 - index) % every == 0}
