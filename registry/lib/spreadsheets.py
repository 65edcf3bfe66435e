"""CSV cells safe to open in a spreadsheet.

A spreadsheet runs text that starts with = + - @ (or a tab or carriage return) as a formula, so
a value someone typed could, once the file is opened, fetch a web page or run a command ("CSV
injection"). The CSV files that echo what people typed (the open data, an upload's report) pass
each cell through `cell`, which starts such text with a quote: the spreadsheet shows it as text.
"""

from __future__ import annotations

from typing import Any

# A spreadsheet runs a cell that starts with one of these as a formula: such text gets a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A CSV cell: empty for None, true/false for booleans, text safe to open in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
