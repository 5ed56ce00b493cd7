"""ParsedTable: the report and the complete rows of a parsed file, checked on a table made by hand."""

from pathlib import Path

import numpy as np
import pandas as pd

from vira.data.real.parsed_table import ParsedTable


def _table():
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "x": [1.0, np.nan, 3.0, np.nan], "y": [1.0, 2.0, np.nan, 4.0]})
    problems = pd.DataFrame([(1, "b", "x", "1,2", "not a number"), (3, "d", "x", "?", "not a number"),
                             (2, "c", "y", "", "empty")], columns=["row", "id", "column", "raw", "reason"])
    return ParsedTable(Path("f.csv"), frame, problems)


def test_complete_keeps_the_rows_whose_columns_parsed_and_says_what_it_left_out(capsys):
    kept = _table().complete(["x", "y"])
    assert kept.id.tolist() == ["a"] and kept.index.tolist() == [0]
    assert capsys.readouterr().out.strip() == "f.csv: 1 of 4 rows have all of x, y; left out 3 (x: 2, y: 1)"
    assert _table().complete(["y"], verbose=False).id.tolist() == ["a", "b", "d"]


def test_complete_words_the_message_as_asked(capsys):
    _table().complete(["y"], noun="videos", have="a y")
    assert capsys.readouterr().out.strip() == "f.csv: 3 of 4 videos have a y; left out 1 (y: 1)"


def test_report_counts_problems_per_column_with_examples():
    assert _table().report().splitlines() == [
        "f.csv: 4 rows; cells that could not be parsed:",
        "  x: 2 (not a number; e.g. row 1 '1,2', row 3 '?')",
        "  y: 1 (empty; e.g. row 2 '')"]
    clean = ParsedTable(Path("g.csv"), pd.DataFrame({"x": [1.0]}), pd.DataFrame(columns=["row", "column"]))
    assert clean.report() == "g.csv: 1 rows, every cell parsed"
