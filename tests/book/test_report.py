"""vira.book.report: the report's grids, verdict table, forest plot and CSV from results files."""

import json

import matplotlib
import pandas as pd
import pytest

from vira.book.claims import from_values, make_claim
from vira.book.report import (DASH, READINGS, claims_of, column_parts, forest_plot, load_results, paper_grid,
                              paper_reading, reading_quantile, verdict_table, write_csv)
from vira.book.results import make_record

matplotlib.use("Agg")


def _write(folder, chapter, preset, records):
    content = {"chapter": chapter, "input_hash": "a" * 64, "git_revision": "abc", "preset": preset,
               "device": "cpu", "seed": 0, "command": f"python -m vira {chapter[:2]}", "records": records}
    (folder / f"{chapter}.json").write_text(json.dumps(content))


def _claim(statement, values, **kw):
    return make_claim(paper="VDV", statement=statement, metric="SRC difference",
                      ev=from_values(values, n_test=100), **kw)


@pytest.fixture
def folder(tmp_path):
    _write(tmp_path, "02_x", "small", [
        make_record("VDV", "Table 5", "PSGCN", "SRC", [0.30, 0.34], paper_value=0.27, oracle=0.6),
        make_record("VDV", "Table 5", "w/o pyramid", "SRC", [0.20, 0.22], paper_value=0.25),
        make_record("VDV", "Table 5", "ST-GCN", "PLCC", [0.33]),
        _claim("PSGCN above ST-GCN", [0.10, 0.12, 0.09], paper_estimate=0.02, paper_se=0.03, central=True),
        _claim("pyramid helps", [0.3, -0.2], paper_estimate=0.02)])
    _write(tmp_path, "07_y", "smoke", [make_record("Viral Vision", "Table 3", "ours", "accuracy", 0.6)])
    (tmp_path / "bench_z.json").write_text("{}")  # not a results file: skipped by load_results
    return tmp_path


def test_load_results_and_claims_of(folder):
    records = load_results(folder)
    assert len(records) == 6 and set(records.chapter) == {"02_x", "07_y"}
    assert list(claims_of(records).statement) == ["PSGCN above ST-GCN", "pyramid helps"]
    assert list(claims_of(records, central=True).statement) == ["PSGCN above ST-GCN"]


def test_verdict_table_reads_each_claim(folder):
    t = verdict_table(claims_of(load_results(folder)))
    assert list(t.verdict) == ["reproduced", "inconclusive"]
    # mean 0.1033, sd 0.01528, se = sd / sqrt 3 = 0.00882, t(0.975, 2) = 4.303 -> +-0.038
    assert t["ours [95 % interval]"][0] == "+0.103 [+0.065, +0.141]"
    assert t["the paper's value"][0] == "+0.020 ± 0.030" and t["the paper's value"][1] == "+0.020"
    assert t["seeds × items"][0] == "3 × 100" and t.chapter[0] == "02_x (small)"


def test_paper_grid_by_hand(folder):
    g = paper_grid(load_results(folder), "VDV", "Table 5")
    # 0.32 ± t(0.975, 1) * 0.02828 / sqrt(2) = 12.706 * 0.02 = 0.254
    assert g.loc["PSGCN", "SRC"] == "0.320 ± 0.254 · 0.270"
    assert g.loc["ST-GCN", "PLCC"] == "0.330 (1 seed)"
    assert g.loc["ST-GCN", "SRC"] == DASH and g.loc["oracle", "SRC"] == "0.600" and g.loc["oracle", "PLCC"] == DASH
    assert "nan" not in g.to_string().lower()


def test_forest_plot_puts_every_claim_on_its_claimed_side(folder):
    claims = claims_of(load_results(folder))
    flipped = claims.copy()
    flipped.loc[0, ["estimate", "ci_low", "ci_high", "paper_estimate", "direction"]] = [-0.103, -0.169, -0.038, -0.02, -1]
    for frame in (claims, flipped):
        ax = forest_plot(frame)
        line = ax.lines[1] if len(ax.lines) > 1 else ax.lines[0]
        first_bar = [ln for ln in ax.lines if len(ln.get_xdata()) == 2 and ln.get_ydata()[0] == 1][0]
        assert min(first_bar.get_xdata()) > 0, "the reproduced claim lies right of the null line"
        assert line is not None
        matplotlib.pyplot.close(ax.figure)


def test_write_csv_holds_every_record(folder):
    path = write_csv(folder)
    back = pd.read_csv(path)
    assert len(back) == 6 and json.loads(back["values"][0]) == [0.30, 0.34]


def test_column_parts_cut_a_wide_grid_keeping_rows_order_and_name():
    grid = pd.DataFrame([[1, 2, 3, 4, 5, 6, 7]], index=["RTCN"], columns=list("abcdefg"))
    grid.columns.name = "Table 3: ours"
    parts = column_parts(grid, most=3)
    assert [list(p.columns) for p in parts] == [["a", "b", "c"], ["d", "e", "f"], ["g"]]
    assert all(list(p.index) == ["RTCN"] and p.columns.name == "Table 3: ours" for p in parts)
    assert pd.concat(parts, axis=1).equals(grid)
    assert len(column_parts(grid.iloc[:, :0])) == 1  # an empty grid stays one (empty) table
    with pytest.raises(ValueError, match="at least 1"):
        column_parts(grid, most=0)


def test_paper_reading_by_hand():
    """The paper's own z = side * (paper - null) / its error, against 1.96, worked by hand."""
    def row(paper_estimate, paper_se, null=0.0, direction=1):
        return {"paper": "P", "statement": "s", "paper_estimate": paper_estimate, "paper_se": paper_se,
                "null": null, "direction": direction, "verdict": "inconclusive"}

    claims = pd.DataFrame([
        row(0.10, 0.046),               # 0.10 / 0.046 = 2.17 >= 1.96
        row(0.02, 0.046),               # 0.43: within
        row(0.491, 0.018, null=0.5),    # (0.491 - 0.5) / 0.018 = -0.5: within
        row(-0.0325, 0.0105),           # -3.10 on the claimed side +1: against
        row(-0.0325, 0.0105, direction=-1),  # the same number, claimed below 0: +3.10, beyond
        row(0.0, None),                 # the paper's value is the null: a claim that nothing happens
        row(0.0, None, null=0.1, direction=-1),  # a value, no error
        row(None, None),                # no value
        row(0.0392, 0.02),              # z = 1.96, just above z(0.975) = 1.95996: beyond
    ])
    t = paper_reading(claims)
    assert list(t["the paper's own reading"]) == [
        "beyond its own noise", "within its own noise", "within its own noise", "against the claim",
        "beyond its own noise", "no difference reported", "no error to read", "no value", "beyond its own noise"]
    assert list(t.z[:5]) == [2.17, 0.43, -0.5, -3.1, 3.1] and t.z[5:8].isna().all()
    assert t["the paper's value"][0] == "+0.100" and t["the paper's value"][2] == "0.491"
    assert t["its error"][7] == DASH and set(t["the paper's own reading"]) <= set(READINGS)
    assert list(t["our verdict"]) == ["inconclusive"] * 9
    # at 90 % the quantile is 1.645: the 1.96 row stays beyond, the 0.43 row within
    assert reading_quantile(0.90) == pytest.approx(1.6449, abs=1e-4) and reading_quantile() == pytest.approx(1.95996, abs=1e-5)
    assert list(paper_reading(claims.iloc[[1, 8]], confidence=0.90)["the paper's own reading"]) == [
        "within its own noise", "beyond its own noise"]
