"""Text written to a CSV that a spreadsheet will open."""

from __future__ import annotations

from django.test import SimpleTestCase

from registry.lib import spreadsheets


class CellTests(SimpleTestCase):
    def test_cells_are_safe_to_open_in_a_spreadsheet(self):
        cases = {
            None: "",
            True: "true",
            False: "false",
            7: "7",
            '=HYPERLINK("x")': '\'=HYPERLINK("x")',
            "+1": "'+1",
            "@sum": "'@sum",
            "plain": "plain",
        }
        for value, expected in cases.items():
            with self.subTest(value=value):
                self.assertEqual(spreadsheets.cell(value), expected)
