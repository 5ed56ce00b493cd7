"""vira.results: records of paper-vs-ours numbers and the results files written from them."""

import json
import math
from pathlib import Path

import pytest

from vira import results
from vira.provenance import Run
from vira.presets import get_preset


def test_make_record_mean_and_sample_std_by_hand():
    rec = results.make_record("VDV", "Table 3", "Integrated", "SRC", [0.2, 0.4], paper_value=0.34,
                              oracle=0.7)
    assert rec["mean"] == pytest.approx(0.3)
    assert rec["std"] == pytest.approx(math.sqrt(0.02))  # ((0.1^2 + 0.1^2) / (2 - 1)) ** 0.5
    assert rec["n"] == 2 and rec["values"] == [0.2, 0.4]
    one = results.make_record("VDV", "Table 3", "Integrated", "SRC", 0.25)
    assert (one["mean"], one["std"], one["n"], one["paper_value"]) == (0.25, 0.0, 1, None)


def test_a_non_finite_value_is_refused_naming_row_and_metric():
    with pytest.raises(ValueError, match=r"row 'Integrated', metric 'SRC': value 1 is nan"):
        results.make_record("VDV", "Table 3", "Integrated", "SRC", [0.1, float("nan")])
    with pytest.raises(ValueError, match="paper_value"):
        results.make_record("VDV", "Table 3", "Integrated", "SRC", 0.1, paper_value=float("inf"))


def _run():
    return Run(get_preset("smoke"), "cpu", 0, {"preset": "smoke", "device": "cpu", "seed": 0,
                                                "git revision": "abc123"})


def test_the_same_row_and_metric_cannot_be_recorded_twice():
    run = _run()
    results.record(run, "VDV", "Table 3", "Integrated", "SRC", 0.3)
    results.record(run, "VDV", "Table 3", "Integrated", "PLCC", 0.3)
    with pytest.raises(ValueError, match="recorded twice"):
        results.record(run, "VDV", "Table 3", "Integrated", "SRC", 0.31)
    assert len(run.results) == 2


def _notebook(run, input_hash="f" * 64):
    output = {"output_type": "display_data", "data": {results.MIME: {
        "provenance": {k: str(v) for k, v in run.provenance.items()}, "records": run.results}},
        "metadata": {"scrapbook": {"name": results.GLUE_NAME}}}
    return {"cells": [{"cell_type": "code", "outputs": [output]}],
            "metadata": {"vira": {"input_hash": input_hash}}}


def test_write_file_from_an_executed_notebook_validates_and_keeps_provenance(tmp_path):
    run = _run()
    results.record(run, "VDV", "Table 3", "Integrated", "SRC", [0.3, 0.32], paper_value=0.34)
    nb = tmp_path / "05_x.ipynb"
    nb.write_text(json.dumps(_notebook(run)))
    out = results.write_file(nb, tmp_path / "results" / "05_x.json", "python -m vira.run 05 --preset smoke")
    content = results.validate_file(out)
    assert content["chapter"] == "05_x" and content["git_revision"] == "abc123"
    assert content["preset"] == "smoke" and content["input_hash"] == "f" * 64
    assert content["records"][0]["mean"] == pytest.approx(0.31)


def test_no_records_no_file_and_a_broken_file_is_named(tmp_path):
    nb = tmp_path / "01_x.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {}}))
    assert results.write_file(nb, tmp_path / "r.json", "cmd") is None and not (tmp_path / "r.json").exists()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"chapter": "x", "records": []}))
    with pytest.raises(ValueError, match="bad.json: not a valid results file"):
        results.validate_file(bad)
    run = _run()
    results.record(run, "VDV", "Table 3", "Integrated", "SRC", 0.3)
    nb.write_text(json.dumps(_notebook(run, input_hash="short")))  # not a SHA-256
    with pytest.raises(ValueError, match="01_x.ipynb: its results do not validate"):
        results.write_file(nb, tmp_path / "r.json", "cmd")


BOOK = Path(__file__).resolve().parent.parent / "book"


def chapter_results():
    return sorted(p for p in (BOOK / "results").glob("*.json") if not p.name.startswith("bench_"))


@pytest.mark.parametrize("path", chapter_results(), ids=lambda p: p.name)
def test_committed_results_validate_and_match_their_executed_chapter(path):
    content = results.validate_file(path)
    executed = BOOK / f"{content['chapter']}.ipynb"
    assert executed.exists(), f"{path.name}: no executed chapter {executed.name}"
    nb = json.loads(executed.read_text(encoding="utf-8"))
    assert content["input_hash"] == nb["metadata"]["vira"]["input_hash"], \
        f"{path.name} is stale: it was not written from the committed {executed.name}"
    stored = results.from_notebook(nb)
    assert stored is not None and stored["records"] == content["records"]
