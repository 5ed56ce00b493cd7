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
