"""ParsedTable: the report and the complete rows of a parsed file, checked on a table made by hand."""

from pathlib import Path

import numpy as np
import pandas as pd

from vira.data.real.parsed_table import ParsedTable


def _table():
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "x": [1.0, np.nan, 3.0, np.nan], "y": [1.0, 2.0, np.nan, 4.0]})
    problems = pd.DataFrame([(1, "b", "x", "1,2", "not a number"), (3, "d", "x", "?", "not a number"),
                             (2, "c", "y", "", "empty"), (3, "d", "y", "-1", "outside 0..9")],
                            columns=["row", "id", "column", "raw", "reason"])
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
        "  y: 1 (empty; e.g. row 2 '')",
        "  y: 1 (outside 0..9; e.g. row 3 '-1')"]  # one line per column and reason
    clean = ParsedTable(Path("g.csv"), pd.DataFrame({"x": [1.0]}), pd.DataFrame(columns=["row", "column"]))
    assert clean.report() == "g.csv: 1 rows, every cell parsed"


# --- read_cells, refuse_duplicates, out_of_range: the checks every CSV loader shares ----------

import re  # noqa: E402

import pytest  # noqa: E402

from vira.data.real.parsed_table import out_of_range, read_cells, refuse_duplicates  # noqa: E402


def _invisible(cell):
    """A header whose second name is ``cell`` (b with an invisible character) and what is said."""
    shown = re.escape(repr(cell))
    return pytest.param(f"a,{cell}\n1,2\n", rf"found: a, {shown}\); 'b' is spelt {shown} \(names must match "
                        r"exactly; invisible", id=f"invisible {cell.encode('unicode_escape').decode()}")


NOT_READ = r"e.csv: cannot be read as a CSV file"


@pytest.mark.parametrize("content, message", [
    pytest.param("", r"e.csv: empty file", id="empty"),
    pytest.param("a,b\n", r"e.csv: no data rows \(only a header\)", id="header only"),
    pytest.param("a,b,a\n1,2,3\n", r"e.csv: column 'a' appears 2 times in the header \(columns 1, 3 of line 1\)",
                 id="repeated column"),
    pytest.param("a,c\n1,2\n", r"e.csv: missing column\(s\) b \(found: a, c\)", id="missing column"),
    pytest.param("a,b\n1,2,3,4\n5,6,7\n", NOT_READ + r" \(row 0 has 4 cells, the header 2\)", id="long first row"),
    pytest.param("a,b\n1,2\n3,4,5\n", NOT_READ + r" .*line 3, saw 3\)$", id="long row"),
    # a missing column: how the header spells it
    pytest.param("a; b\n1; 2\n", r"e.csv: missing column\(s\) a, b \(found: a; b\); the header is one column: "
                                  r"cells separated by ';', not ','\?", id="semicolons"),
    pytest.param(" A ,b\n1,2\n", r"e.csv: missing column\(s\) a \(found:  A , b\); 'a' is spelt ' A ' "
                                  r"\(names must match exactly\)", id="spaces and case"),
    pytest.param("a\tb\n1\t2\n", r"cells separated by '\\t'", id="tabs"),
    *(_invisible(cell) for cell in ("b\x00", "\ufeffb", "b\u200b")),
    # bytes the csv module cannot take
    pytest.param(b"a,b\n1,2\n3,caf\xe9\n",
                 NOT_READ + r" \(not UTF-8: line 3 \(data row 1\), byte 6: b'\\xe9' is not UTF-8\)", id="Latin-1"),
    pytest.param("a,b\n1,2\n".encode("utf-16"), NOT_READ + r" \(.*starts with UTF-16's byte-order mark.*"
                 r"save it as UTF-8\)", id="UTF-16"),
    pytest.param("a,b\n1,2\n".encode("utf-16-le"), NOT_READ + r" \(.*UTF-16 without a byte-order mark.*"
                 r"save it as UTF-8\)", id="UTF-16 without BOM"),
    pytest.param("a," + "b" * 200_000 + "\n1,2\n", NOT_READ + r" \(line 1: field larger", id="field too long"),
    pytest.param("a,b,c\n1,2,3\n4,5", r"e.csv: the file ends inside a row: its last line has 2 of 3 cells",
                 id="cut in its last row"),
])
def test_read_cells_refuses_what_is_not_a_table_and_names_the_file(tmp_path, content, message):
    path = tmp_path / "e.csv"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with pytest.raises(ValueError, match=message):
        read_cells(path, ["a", "b"])


def test_read_cells_keeps_every_cell_as_text(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffa,b\n1,\n,x\n".encode("utf-8"))
    raw = read_cells(path, ["a", "b"])
    assert raw.to_dict("list") == {"a": ["1", ""], "b": ["", "x"]}


def test_refuse_duplicates_names_every_row_of_the_first_repeated_id():
    refuse_duplicates(Path("f.csv"), pd.Series(["1", "2", "3"]), "id")  # no error
    with pytest.raises(ValueError, match=r"f.csv: id '2' appears in rows 1, 3; 2 id\(s\) appear more than once"):
        refuse_duplicates(Path("f.csv"), pd.Series(["1", "2", "5", "2", "5"]), "id")


def test_out_of_range_skips_nan_and_words_the_reason():
    bad, why = out_of_range([-1.0, 0.0, np.nan, 5.0, 5.5, np.inf], 0, 5)
    assert bad.tolist() == [0, 4, 5] and why == "outside 0..5"


def test_read_cells_names_a_folder_a_loop_and_a_gzip_file(tmp_path):
    import gzip

    (tmp_path / "dir.csv").mkdir()
    (tmp_path / "loop.csv").symlink_to(tmp_path / "loop.csv")
    (tmp_path / "z.csv").write_bytes(gzip.compress(b"a,b\n1,2\n"))
    for name, why in [("dir.csv", r"\(a folder, not a file\)"),
                      ("loop.csv", r"\(a symbolic link that loops\)"),
                      ("z.csv", r"\(it is gzip-compressed: decompress it first\)")]:
        with pytest.raises(ValueError, match=rf"{name}: cannot be read as a CSV file .*{why}"):
            read_cells(tmp_path / name, ["a", "b"])


def test_a_short_row_inside_and_a_whole_last_row_without_a_newline_are_read(tmp_path):
    ok = tmp_path / "ok.csv"
    ok.write_text("a,b,c\n1,2\n4,5,6", encoding="utf-8")  # no final newline, but the last row is whole
    assert read_cells(ok, ["a", "b"]).c.tolist() == ["", "6"]
