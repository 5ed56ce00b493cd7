"""The command-line scripts in scripts/ end to end: the power plan (scripts/power_plan.py) reads a
records file and prints one plan row per central claim (its logic: tests/book/test_power.py)."""

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "power_plan.py"
spec = importlib.util.spec_from_file_location("power_plan", SCRIPT)
power_plan = importlib.util.module_from_spec(spec)
spec.loader.exec_module(power_plan)


def test_power_plan_reads_the_records_file(tmp_path):
    row = {"kind": "claim", "preset": "small", "central": True, "chapter": "02_x", "statement": "A beats B",
           "verdict": "inconclusive", "values": json.dumps([0.1, 0.12]), "n_test": 88, "se_test": 0.08,
           "estimate": 0.11, "null": 0.0, "paper_estimate": 0.02}
    records = pd.DataFrame([row, {**row, "statement": "smoke only", "preset": "smoke"},
                            {**row, "statement": "not central", "central": False}])
    records.to_csv(tmp_path / "records.csv", index=False)
    table = power_plan.main(["--records", str(tmp_path / "records.csv"), "--csv", str(tmp_path / "plan.csv")])
    assert list(table.claim) == ["A beats B"]
    assert table["seeds x items"].tolist() == ["2 x 88"]
    assert (tmp_path / "plan.csv").exists()
    with pytest.raises(SystemExit, match="no records file"):
        power_plan.main(["--records", str(tmp_path / "missing.csv")])


def test_book_in_budget_keeps_what_finished_and_stops_the_rest(tmp_path):
    """scripts/book_in_budget.py on three tiny chapters: the first finishes, the second outlives the
    budget and is stopped without leaving a page, the third is not started; the report runs last."""
    import nbformat

    spec = importlib.util.spec_from_file_location("book_in_budget", SCRIPT.with_name("book_in_budget.py"))
    budget = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(budget)
    src, out = tmp_path / "notebooks", tmp_path / "book"
    src.mkdir()
    for name, code in [("01_quick", "x = 1"), ("02_slow", "import time\ntime.sleep(120)"),
                       ("03_never", "x = 3"), ("09_report", "print('report')")]:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = nbformat.v4.new_code_cell('preset = "auto"\ndevice = "auto"\nseed = 0')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell(code)]
        nbformat.write(nb, src / f"{name}.ipynb")
    rows = budget.main(["--preset", "smoke", "--budget", "45", "--reserve", "15", "--source", str(src),
                        "--out", str(out), "--order", "01", "02", "03", "--reports", "09"])
    assert [(r.chapter, r.status) for r in rows] == [
        ("01", "executed"), ("02", "stopped at the budget"), ("03", "not started"), ("09", "executed")]
    assert sorted(p.name for p in out.glob("*.ipynb")) == ["01_quick.ipynb", "09_report.ipynb"]
    assert not list(out.glob(".*partial*"))  # no half-written page
    with pytest.raises(SystemExit, match="leaves nothing"):
        budget.main(["--budget", "10", "--reserve", "60"])
