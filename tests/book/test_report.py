"""vira.book.report: the report's tables, marks and verdicts from results files."""

import json

import pytest

from vira.book.report import difference_verdict, load_results, mark, note_verdict, paper_table
from vira.book.results import make_record


def _write(folder, chapter, preset, records):
    content = {"chapter": chapter, "input_hash": "a" * 64, "git_revision": "abc", "preset": preset,
               "device": "cpu", "seed": 0, "command": f"python -m vira {chapter[:2]}", "records": records}
    (folder / f"{chapter}.json").write_text(json.dumps(content))


@pytest.fixture
def records(tmp_path):
    _write(tmp_path, "02_x", "small", [
        make_record("VDV", "Table 5", "PSGCN", "SRC", [0.30, 0.34], paper_value=0.27, section="results"),
        make_record("VDV", "Table 5", "w/o pyramid", "SRC", [0.20, 0.22], paper_value=0.25),
        make_record("VDV", "Table 5", "ST-GCN", "SRC", [0.33], paper_value=0.2)])
    _write(tmp_path, "07_y", "smoke", [make_record("Viral Vision", "Table 3", "ours", "accuracy", 0.6)])
    (tmp_path / "bench_z.json").write_text("{}")  # not a results file: skipped by load_results
    return load_results(tmp_path)


def test_mark_by_hand():
    assert mark(0.27, 0.32, 0.028, 2) == "within spread"  # 0.05 <= 0.056
    assert mark(0.27, 0.32, 0.02, 3) == "differs"  # 0.05 > 0.04
    assert mark(0.27, 0.32, 0.0, 1) == "one seed: no spread"
    assert mark(None, 0.32, 0.02, 2) == ""


def test_load_results_and_paper_table(records):
    assert len(records) == 4 and set(records.chapter) == {"02_x", "07_y"}
    t = paper_table(records, "VDV")
    assert list(t.row) == ["PSGCN", "w/o pyramid", "ST-GCN"]
    assert t.ours[0] == "0.320 ± 0.028 (2)" and t.paper[0] == "0.270" and t["explained in"][0] == "02_x § results"
    assert t.mark[1] == "differs"  # 0.21 vs 0.25, std 0.014


def test_note_verdict_reads_the_first_clause_with_synonyms():
    assert note_verdict("within seed spread; ours: +0.04") == "within noise"
    assert note_verdict("Not reproduced; ours 0.87") == "not reproduced"  # not "reproduced"
    assert note_verdict("reproduced; ours +0.156") == "reproduced"
    assert note_verdict("holds: total > 0 (asserted)") == "holds"
    assert note_verdict("only through the cap; ours: 2 modes") == "see note"
    assert note_verdict(None) == "see note"


def test_difference_verdict_by_hand():
    assert difference_verdict(0.10, 0.02, noise=0.15) == "within noise"
    assert difference_verdict(-0.15, 0.02, noise=0.15) == "within noise"  # on the edge: not beyond it
    assert difference_verdict(0.16, 0.02, noise=0.15) == "reproduced"
    assert difference_verdict(-0.16, 0.22, noise=0.15) == "not reproduced"
    assert difference_verdict(-0.16, -0.01, noise=0.15) == "reproduced"
    assert difference_verdict(0.16, 0.0, noise=0.15) == "not reproduced"  # the paper saw no difference
