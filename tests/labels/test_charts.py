"""The charts' geometry: bars and columns drawn to scale, never past their room, never dividing
by nothing."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from registry.labels import charts
from registry.labels.charts import BarRow, ColumnRow

# The room a bar may fill: the chart's width less the room kept for its figure.
BAR_ROOM = charts.CHART_WIDTH - charts.VALUE_ROOM


class BarChartTests(SimpleTestCase):
    def test_bars_are_scaled_to_the_whole_they_are_shares_of(self):
        chart = charts.bar_chart(
            [
                BarRow("Crawled", Decimal("50"), "50%"),
                BarRow("Licensed", Decimal("25"), "25%"),
                BarRow("Other", Decimal("0"), "0%"),
            ],
            maximum=100,
        )
        self.assertEqual(
            [bar.width for bar in chart.bars],
            [Decimal(BAR_ROOM) / 2, Decimal(BAR_ROOM) / 4, Decimal(0)],
        )

    def test_without_a_whole_the_largest_value_fills_the_room(self):
        chart = charts.bar_chart([BarRow("A", 4, "4"), BarRow("B", 1, "1")])
        self.assertEqual([bar.width for bar in chart.bars], [BAR_ROOM, Decimal(BAR_ROOM) / 4])

    def test_each_row_stacks_its_name_over_its_bar_and_its_figure_after_the_bar(self):
        chart = charts.bar_chart([BarRow("A", 10, "10"), BarRow("B", 5, "5")])
        first, second = chart.bars
        self.assertEqual((first.label_y, first.y), (18, 25))
        self.assertEqual(second.y - first.y, charts.BAR_ROW_HEIGHT)
        self.assertLess(second.label_y, second.y)
        self.assertEqual(second.value_x, second.width + charts.VALUE_GAP)
        self.assertEqual(chart.height, 2 * charts.BAR_ROW_HEIGHT)
        self.assertEqual(chart.width, charts.CHART_WIDTH)

    def test_a_value_over_the_whole_stops_at_the_room_kept_for_its_figure(self):
        chart = charts.bar_chart([BarRow("Over", Decimal("101"), "101%")], maximum=100)
        self.assertEqual(chart.bars[0].width, BAR_ROOM)

    def test_all_zero_or_no_rows_draw_nothing_without_dividing_by_zero(self):
        zeros = charts.bar_chart([BarRow("A", 0, "0"), BarRow("B", 0, "0")])
        self.assertEqual([bar.width for bar in zeros.bars], [0, 0])
        empty = charts.bar_chart([])
        self.assertEqual((empty.bars, empty.height), ([], charts.BAR_ROW_HEIGHT))

    def test_rows_keep_their_names_figures_colours_and_order(self):
        chart = charts.bar_chart([BarRow("B", 1, "1 (50%)", "#d4351c"), BarRow("A", 2, "2")])
        self.assertEqual(
            [(bar.label, bar.value_text, bar.fill) for bar in chart.bars],
            [("B", "1 (50%)", "#d4351c"), ("A", "2", charts.DEFAULT_FILL)],
        )


class ColumnChartTests(SimpleTestCase):
    def test_the_tallest_column_fills_the_plot_and_the_others_are_to_scale(self):
        chart = charts.column_chart(
            [ColumnRow("Jan", 4, "4"), ColumnRow("Feb", 2, "2"), ColumnRow("Mar", 0, "0")]
        )
        baseline = charts.COLUMN_TOP + charts.COLUMN_PLOT_HEIGHT
        self.assertEqual(chart.baseline_y, baseline)
        self.assertEqual(
            [(column.height, column.y) for column in chart.columns],
            [
                (charts.COLUMN_PLOT_HEIGHT, charts.COLUMN_TOP),
                (charts.COLUMN_PLOT_HEIGHT / 2, baseline - charts.COLUMN_PLOT_HEIGHT / 2),
                (0, baseline),
            ],
        )
        self.assertEqual([column.value_shown for column in chart.columns], [True, True, False])

    def test_columns_share_the_width_between_the_margins_left_to_right(self):
        rows = [ColumnRow(f"Month {i}", 1, "1") for i in range(24)]
        chart = charts.column_chart(rows)
        # (420 - 2 x 24) / 24 = 15.5 units a column, 70% of it filled
        self.assertEqual(
            [(c.x, c.width, c.centre) for c in (chart.columns[0], chart.columns[-1])],
            [
                (Decimal("26.32"), Decimal("10.85"), Decimal("31.75")),
                (Decimal("382.82"), Decimal("10.85"), Decimal("388.25")),
            ],
        )
        lefts = [column.x for column in chart.columns]
        self.assertEqual(lefts, sorted(lefts))
        last = chart.columns[-1]
        self.assertLessEqual(last.x + last.width, charts.CHART_WIDTH - charts.COLUMN_SIDE)

    def test_a_few_columns_stay_narrow(self):
        chart = charts.column_chart([ColumnRow("Dec 2026", 4, "4")])
        self.assertEqual(chart.columns[0].width, charts.COLUMN_MAX_WIDTH)
        self.assertEqual(chart.columns[0].centre, Decimal(charts.CHART_WIDTH) / 2)

    def test_no_columns_or_none_above_zero_divide_by_nothing(self):
        self.assertEqual(charts.column_chart([]).columns, [])
        flat = charts.column_chart([ColumnRow("Jan", 0, "0"), ColumnRow("Feb", 0, "0")])
        self.assertEqual([column.height for column in flat.columns], [0, 0])

    def test_at_most_eight_columns_are_named_the_last_always(self):
        cases = {
            1: {0},
            6: {0, 1, 2, 3, 4, 5},
            8: set(range(8)),
            9: {0, 2, 4, 6, 8},
            24: {2, 5, 8, 11, 14, 17, 20, 23},
        }
        for count, named in cases.items():
            with self.subTest(columns=count):
                self.assertEqual(charts.named_columns(count), named)
                self.assertIn(count - 1, charts.named_columns(count))
