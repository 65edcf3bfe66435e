"""The Overview's charts: stacked bars and columns drawn to scale, each series in its colour,
figures inside a segment only where they fit, a legend that wraps, and no division by nothing."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from registry.labels.charts import BAR_ROW_HEIGHT, CHART_WIDTH, COLUMN_PLOT_HEIGHT, VALUE_ROOM
from registry.review import charts
from registry.review.charts import Series, StackRow

BAR_ROOM = CHART_WIDTH - VALUE_ROOM
ONE = [Series("Cases", charts.BLUE)]
TWO = [Series("Awaiting", charts.BLUE), Series("Sent back", charts.GREY)]


class StackedBarTests(SimpleTestCase):
    def test_the_largest_total_fills_the_room_and_the_others_are_to_scale(self):
        chart = charts.stacked_bars([StackRow("A", (3, 1)), StackRow("B", (1, 1))], TWO)
        first, second = chart.bars
        self.assertEqual(
            [s.width for s in first.segments], [Decimal(BAR_ROOM) * 3 / 4, Decimal(BAR_ROOM) / 4]
        )
        self.assertEqual(sum(s.width for s in first.segments), BAR_ROOM)
        self.assertEqual(sum(s.width for s in second.segments), Decimal(BAR_ROOM) / 2)

    def test_segments_follow_one_another_in_the_series_order_and_colours(self):
        bar = charts.stacked_bars([StackRow("A", (2, 2))], TWO).bars[0]
        left, right = bar.segments
        self.assertEqual((left.fill, right.fill), (charts.BLUE, charts.GREY))
        self.assertEqual(right.x, left.x + left.width)
        self.assertEqual(bar.total_x, right.x + right.width + 6)
        self.assertEqual(bar.total_text, "4")

    def test_a_series_with_nothing_draws_no_segment(self):
        bar = charts.stacked_bars([StackRow("A", (0, 5))], TWO).bars[0]
        self.assertEqual([s.fill for s in bar.segments], [charts.GREY])

    def test_figures_go_inside_segments_of_several_series_only_where_they_fit(self):
        chart = charts.stacked_bars([StackRow("A", (100, 1)), StackRow("B", (1, 0))], TWO)
        self.assertEqual([s.value_shown for s in chart.bars[0].segments], [True, False])
        single = charts.stacked_bars([StackRow("A", (100,))], ONE)
        # One series: the total after the bar says it all.
        self.assertIs(single.bars[0].segments[0].value_shown, False)

    def test_a_figure_of_one_part_has_only_its_total(self):
        chart = charts.stacked_bars([StackRow("High", (9, 0, 0))], [*TWO, ONE[0]])
        self.assertEqual([s.value_shown for s in chart.bars[0].segments], [False])
        self.assertEqual(chart.bars[0].total_text, "9")

    def test_one_series_needs_no_legend_and_several_are_named_in_it(self):
        self.assertEqual(charts.stacked_bars([StackRow("A", (1,))], ONE).legend, [])
        chart = charts.stacked_bars([StackRow("A", (1, 1))], TWO)
        self.assertEqual([item.name for item in chart.legend], ["Awaiting", "Sent back"])
        # The bars start below the legend.
        self.assertEqual(chart.plot_top, 36)
        self.assertEqual(chart.bars[0].label_y, 36 + 18)
        self.assertEqual(chart.height, 36 + BAR_ROW_HEIGHT)

    def test_a_legend_too_wide_for_one_line_wraps(self):
        names = [Series("A rather long name for a series", charts.BLUE) for _ in range(3)]
        chart = charts.stacked_bars([StackRow("A", (1, 1, 1))], names)
        self.assertEqual([item.y for item in chart.legend], [5, 29, 53])
        self.assertTrue(all(item.x == 0 for item in chart.legend))

    def test_all_zero_or_no_rows_draw_nothing_without_dividing_by_zero(self):
        zeros = charts.stacked_bars([StackRow("A", (0, 0))], TWO)
        self.assertEqual(zeros.bars[0].segments, [])
        self.assertEqual(zeros.bars[0].total_text, "0")
        empty = charts.stacked_bars([], ONE)
        self.assertEqual(
            (empty.bars, empty.height, empty.description), ([], BAR_ROW_HEIGHT, "No figures.")
        )

    def test_the_description_gives_every_figure_in_words(self):
        chart = charts.stacked_bars([StackRow("Olivia", (2, 1)), StackRow("Nobody", (0, 1))], TWO)
        self.assertEqual(
            chart.description, "Olivia: 3 (2 awaiting, 1 sent back). Nobody: 1 (1 sent back)."
        )
        single = charts.stacked_bars([StackRow("Submitted", (4,))], ONE)
        self.assertEqual(single.description, "Submitted: 4.")


class StackedColumnTests(SimpleTestCase):
    def test_columns_stack_their_series_bottom_up_to_scale(self):
        chart = charts.stacked_columns([StackRow("Jan", (2, 2)), StackRow("Feb", (1, 0))], TWO)
        first, second = chart.columns
        bottom, top = first.segments
        self.assertEqual(bottom.y + bottom.height, chart.baseline_y)
        self.assertEqual(top.y + top.height, bottom.y)
        self.assertEqual(bottom.height + top.height, COLUMN_PLOT_HEIGHT)
        self.assertEqual(second.segments[0].height, Decimal(COLUMN_PLOT_HEIGHT) / 4)
        self.assertEqual(first.total_y, top.y - 5)

    def test_an_empty_column_has_no_figure_and_nothing_divides_by_zero(self):
        chart = charts.stacked_columns([StackRow("Jan", (0, 0))] * 12, TWO)
        self.assertTrue(all(c.segments == [] and not c.total_shown for c in chart.columns))
        self.assertEqual(charts.stacked_columns([], ONE).columns, [])

    def test_of_twelve_months_every_other_is_named_ending_with_the_last(self):
        chart = charts.stacked_columns([StackRow(f"M{i}", (i,)) for i in range(12)], ONE)
        self.assertEqual(
            [column.label for column in chart.columns if column.named],
            ["M1", "M3", "M5", "M7", "M9", "M11"],
        )

    def test_columns_stay_inside_the_chart(self):
        chart = charts.stacked_columns([StackRow(f"M{i}", (5, 5)) for i in range(12)], TWO)
        for column in chart.columns:
            for segment in column.segments:
                self.assertGreaterEqual(segment.x, 0)
                self.assertLessEqual(segment.x + segment.width, CHART_WIDTH)
                self.assertGreaterEqual(segment.y, chart.plot_top)
