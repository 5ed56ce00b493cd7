"""vira.book.bench: the timing summary, and the one writer and reader of bench files (their schema)."""

import json
import math
from pathlib import Path

import pytest
import torch

from vira.book.bench import load_benches, measure, read_bench, summary, write_bench

BOOK_RESULTS = Path(__file__).resolve().parents[2] / "book" / "results"


def test_summary_by_hand():
    s = summary([30.0, 10.0, 20.0, 40.0], items_per_call=2)
    assert (s["min_ms"], s["median_ms"], s["max_ms"], s["repeats"]) == (10.0, 25.0, 40.0, 4)
    assert s["items_per_s"] == pytest.approx(2 * 1000 / 25.0)
    assert s["times_ms"] == [30.0, 10.0, 20.0, 40.0]  # every timing, in order


def test_measure_calls_warmup_then_repeats():
    calls = []
    times = measure(lambda: calls.append(1), repeats=3, warmup=2)
    assert len(calls) == 5 and len(times) == 3 and all(t >= 0 for t in times)


def _write(folder, name="x", results=None, **kwargs):
    rows = results if results is not None else [{"case": "step", "batch": 4, **summary([10.0, 30.0, 20.0], 4)}]
    return write_bench(folder / f"bench_{name}.json", torch.device("cpu"), name=name, what="a step",
                       work={"frames": 8, "shape": [8, 2]}, results=rows, command=f"python scripts/bench_{name}.py",
                       memory_note="not measured", **kwargs)


def test_write_bench_adds_provenance_and_reads_back(tmp_path):
    content = _write(tmp_path, threads=1)
    assert read_bench(tmp_path / "bench_x.json") == content
    assert content["device"].startswith("cpu (1 thread, ") and content["torch"] == torch.__version__
    assert content["command"] == "python scripts/bench_x.py" and content["git_revision"]


@pytest.mark.parametrize("row, complaint", [
    ({"case": "a", "repeats": 3, "clips_per_s": 2.0, "items_per_s": 2.0}, "clips_per_s"),  # one key per quantity
    ({"model": "a", "repeats": 3, "items_per_s": 2.0}, "case"),
    ({"case": "a", "repeats": 3}, "items_per_s"),
    ({"case": "a", "repeats": 3, "items_per_s": 2.0, "median_ms": -1.0}, "median_ms"),
    ({"case": "a", "repeats": 2, "items_per_s": 2.0, "times_ms": [1.0, -1.0]}, "times_ms"),
    ({"case": "a", "repeats": 3, "items_per_s": 2.0, "times_ms": [1.0, 2.0]}, "2 times_ms for 3 repeats"),
])
def test_write_bench_refuses_a_row_outside_the_schema_and_writes_nothing(tmp_path, row, complaint):
    with pytest.raises(ValueError, match=rf"bench_x.json: not a valid bench file.*{complaint}"):
        _write(tmp_path, results=[row])
    assert not (tmp_path / "bench_x.json").exists()


def test_read_bench_names_a_broken_or_misnamed_file(tmp_path):
    (tmp_path / "bench_old.json").write_text(json.dumps({"name": "old", "results": [{"model": "m"}]}))
    with pytest.raises(ValueError, match="bench_old.json: not a valid bench file"):
        read_bench(tmp_path / "bench_old.json")
    _write(tmp_path)
    (tmp_path / "bench_x.json").rename(tmp_path / "bench_y_cuda.json")
    with pytest.raises(ValueError, match="its name and device say bench_x.json"):
        read_bench(tmp_path / "bench_y_cuda.json")


def test_load_benches_one_row_per_case_and_a_rate_turned_into_a_time(tmp_path):
    _write(tmp_path, name="a", results=[{"case": "render", "frames": 32, **summary([20.0], 1)}])
    _write(tmp_path, name="b", results=[{"case": "PSGCN", "batch": 8, "repeats": 2, "min_ms": 3000.0,
                                         "max_ms": 5000.0, "items_per_s": 2.0, "peak_memory_mb": 9.0}])
    b = load_benches(tmp_path)
    assert list(b.case) == ["render", "PSGCN"]
    assert b.median_ms[0] == 20.0 and b.items_per_s[0] == 50.0
    assert b.median_ms[1] == pytest.approx(4000.0)  # no median time in the file: one batch of 8 at 2 clips/s
    assert b.work[0] == "frames 32" and b.work[1] == "frames 8, batch 8"  # the file's work, then the row's
    assert b.peak_memory_mb[1] == 9.0 and math.isnan(b.peak_memory_mb[0])  # not measured


@pytest.mark.parametrize("path", sorted(BOOK_RESULTS.glob("bench_*.json")), ids=lambda p: p.name)
def test_committed_bench_files_match_the_schema(path):
    """Every committed bench file validates (what, work, device, memory, revision, command), and
    every case has a positive, finite median time and rate (chapter 10 plots them)."""
    content = read_bench(path)
    rows = load_benches(path.parent)
    rows = rows[rows.file == path.name]
    assert len(rows) == len(content["results"])
    for _, r in rows.iterrows():
        assert r.median_ms > 0 and math.isfinite(r.median_ms), f"{path.name}, {r.case}: median {r.median_ms}"
        assert r.items_per_s > 0 and math.isfinite(r.items_per_s), f"{path.name}, {r.case}: rate {r.items_per_s}"


def test_a_bench_file_without_fields_names_the_file_and_every_missing_field(tmp_path):
    path = tmp_path / "bench_x.json"
    path.write_text(json.dumps({"name": "x", "results": []}))
    with pytest.raises(ValueError, match=r"bench_x.json: not a valid bench file: missing field\(s\) what, work, "
                                         r"device, memory_note, torch, python, git_revision, command$"):
        read_bench(path)
    content = _write(tmp_path)
    content["results"][0] = {"case": "step"}
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError, match=r"bench_x.json: not a valid bench file: missing field\(s\) repeats, "
                                         r"items_per_s \(at results/0\)$"):
        load_benches(tmp_path)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_a_bench_file_with_a_non_finite_number_is_named(tmp_path, text):
    content = _write(tmp_path)
    raw = json.dumps(content).replace(f'"median_ms": {content["results"][0]["median_ms"]}', f'"median_ms": {text}')
    assert text in raw
    (tmp_path / "bench_x.json").write_text(raw)
    with pytest.raises(ValueError, match=rf"bench_x.json: not a valid bench file: {text} is not a finite number"):
        read_bench(tmp_path / "bench_x.json")


@pytest.mark.parametrize("edit, complaint", [
    (lambda r: r.update(min_ms=r["max_ms"] * 2), r"min_ms <= median_ms <= max_ms does not hold \(at results/0\)"),
    (lambda r: r.update(case=" "), r"' ' does not match '\\\\S' \(at results/0/case\)"),
    (lambda r: r.update(items_per_s=1e300), r"1e\+300 is greater than the maximum of 1000000000.0 \(at results/0/items_per_s\)"),
    (lambda r: r.update(peak_memory_mb=1e12), r"1000000000000.0 is greater than the maximum of 10000000.0 \(at results/0/peak_memory_mb\)"),
])
def test_a_row_outside_its_plausible_range_is_named(tmp_path, edit, complaint):
    content = _write(tmp_path)
    edit(content["results"][0])
    (tmp_path / "bench_x.json").write_text(json.dumps(content))
    with pytest.raises(ValueError, match=rf"bench_x.json: not a valid bench file: {complaint}"):
        read_bench(tmp_path / "bench_x.json")


@pytest.mark.parametrize("text, complaint", [
    (lambda c: json.dumps([c]), r"it holds a list, not an object"),
    (lambda c: json.dumps(c).replace('"name": "x"', '"name": "y", "name": "x"'), r"key 'name' appears 2 times"),
    (lambda c: json.dumps({**c, "results": c["results"] * 2}),
     r"case 'step' with the same work appears twice \(at results/0 and results/1\)"),
])
def test_a_bench_file_that_is_not_one_object_or_repeats_a_row_is_named(tmp_path, text, complaint):
    content = _write(tmp_path)
    (tmp_path / "bench_x.json").write_text(text(content))
    with pytest.raises(ValueError, match=rf"bench_x.json: not a valid bench file: {complaint}"):
        read_bench(tmp_path / "bench_x.json")


def test_a_folder_in_place_of_a_bench_file_is_named(tmp_path):
    (tmp_path / "bench_x.json").mkdir()
    with pytest.raises(ValueError, match=r"bench_x.json: bench file is a folder, not a file"):
        load_benches(tmp_path)
