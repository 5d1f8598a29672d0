"""The one CSV writer: streamed lines, and cells a spreadsheet would run as formulas written as text."""

import pytest

from segments.selectors import csv_lines


@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"http://x\",\"click\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""),
    ("+1 555", "'+1 555"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("Ada Lovelace", "Ada Lovelace"), ("a=b", "a=b"), (-1, "-1"), ("", "\"\""),
])
def test_formula_cells_are_written_as_text(cell, written):
    assert list(csv_lines(["Name"], [[cell]])) == ["Name\n", f"{written}\n"]
