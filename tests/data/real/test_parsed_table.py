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


@pytest.mark.parametrize("text, message", [
    ("", r"e.csv: empty file"),
    ("a,b\n", r"e.csv: no data rows \(only a header\)"),
    ("a,b,a\n1,2,3\n", r"e.csv: column 'a' appears 2 times in the header \(columns 1, 3 of line 1\)"),
    ("a,c\n1,2\n", r"e.csv: missing column\(s\) b \(found: a, c\)"),
    ("a,b\n1,2,3,4\n5,6,7\n", r"e.csv: cannot be read as a CSV file \(row 0 has 4 cells, the header 2\)"),
    ("a,b\n1,2\n3,4,5\n", r"e.csv: cannot be read as a CSV file .*line 3, saw 3\)$"),
])
def test_read_cells_refuses_what_is_not_a_table_and_names_the_file(tmp_path, text, message):
    path = tmp_path / "e.csv"
    path.write_text(text, encoding="utf-8")
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


@pytest.mark.parametrize("text, message", [
    ("a; b\n1; 2\n", r"e.csv: missing column\(s\) a, b \(found: a; b\); the header is one column: "
                     r"cells separated by ';', not ','\?"),
    (" A ,b\n1,2\n", r"e.csv: missing column\(s\) a \(found:  A , b\); 'a' is spelt ' A ' "
                     r"\(names must match exactly\)"),
    ("a\tb\n1\t2\n", r"cells separated by '\\t'"),
])
def test_a_missing_column_says_how_the_header_spells_it(tmp_path, text, message):
    path = tmp_path / "e.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_cells(path, ["a", "b"])


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


def test_a_byte_that_is_not_utf8_is_named_with_its_line_and_data_row(tmp_path):
    path = tmp_path / "l1.csv"
    path.write_bytes(b"a,b\n1,2\n3,caf\xe9\n")
    with pytest.raises(ValueError, match=r"l1.csv: cannot be read as a CSV file \(not UTF-8: line 3 "
                                         r"\(data row 1\), byte 6: b'\\xe9' is not UTF-8\)"):
        read_cells(path, ["a", "b"])


@pytest.mark.parametrize("cell", ["b\x00", "\ufeffb", "b\u200b"])
def test_a_name_with_an_invisible_character_is_shown_and_named(tmp_path, cell):
    path = tmp_path / "inv.csv"
    path.write_text(f"a,{cell}\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"found: a, {re.escape(repr(cell))}\); 'b' is spelt "
                                         rf"{re.escape(repr(cell))} \(names must match exactly; invisible"):
        read_cells(path, ["a", "b"])


def test_a_cell_beyond_the_csv_modules_limit_is_named_with_its_line(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a," + "b" * 200_000 + "\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"long.csv: cannot be read as a CSV file \(line 1: field larger"):
        read_cells(path, ["a", "b"])


def test_a_file_that_ends_inside_its_last_row_is_refused_and_a_short_row_inside_is_not(tmp_path):
    cut = tmp_path / "cut.csv"
    cut.write_text("a,b,c\n1,2,3\n4,5", encoding="utf-8")  # a copy stopped after "5"
    with pytest.raises(ValueError, match=r"cut.csv: the file ends inside a row: its last line has 2 of 3 cells"):
        read_cells(cut, ["a", "b"])
    ok = tmp_path / "ok.csv"
    ok.write_text("a,b,c\n1,2\n4,5,6", encoding="utf-8")  # no final newline, but the last row is whole
    assert read_cells(ok, ["a", "b"]).c.tolist() == ["", "6"]


@pytest.mark.parametrize("encoding, said", [("utf-16", "starts with UTF-16's byte-order mark"),
                                            ("utf-16-le", "UTF-16 without a byte-order mark")])
def test_a_utf16_file_is_named_as_utf16_not_as_missing_columns(tmp_path, encoding, said):
    path = tmp_path / "w.csv"
    path.write_bytes("a,b\n1,2\n".encode(encoding))
    with pytest.raises(ValueError, match=rf"w.csv: cannot be read as a CSV file \(.*{said}.*save it as UTF-8\)"):
        read_cells(path, ["a", "b"])
