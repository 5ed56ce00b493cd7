"""Publishing an executed chapter: notebook and results file together, leftovers cleaned up."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from vira.book import publish as pub
from vira.book.results import GLUE_NAME, MIME

RECORD = {"kind": "value", "paper": "P", "table": "Table 1", "row": "model", "metric": "SRC",
          "paper_value": 0.6, "mean": 0.6, "std": 0.1, "n": 2, "values": [0.5, 0.7], "oracle": None,
          "section": None, "note": None}


def executed(path: Path, digest: str = "a" * 64, records: bool = True) -> Path:
    """A notebook as the runner leaves it: its input hash, and (optionally) one stored record."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("session.finish()")
    if records:
        cell.outputs = [nbformat.v4.new_output(
            "display_data", data={MIME: {"provenance": {"preset": "smoke", "device": "cpu", "seed": "0",
                                                         "git revision": "abc"}, "records": [RECORD]}},
            metadata={"scrapbook": {"name": GLUE_NAME, "mime_prefix": "application/papermill.record/"}})]
    nb.cells = [cell]
    nb.metadata["vira"] = {"input_hash": digest}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_publish_writes_the_results_then_moves_the_notebook(tmp_path):
    out = tmp_path / "book" / "07_x.ipynb"
    partial = executed(pub.partial_path(out))
    results = tmp_path / "book" / "results" / "07_x.json"
    assert pub.publish(partial, out, results, "python -m vira 07 --preset smoke") == results
    content = json.loads(results.read_text())
    assert content["chapter"] == "07_x" and content["input_hash"] == "a" * 64
    assert content["records"][0]["values"] == [0.5, 0.7]
    assert out.exists() and not partial.exists() and not (tmp_path / "book" / ".partial").exists()
    assert not (tmp_path / "book" / "results" / ".partial").exists()
    assert pub.results_consistent(out, results)


def test_a_failed_results_write_leaves_the_old_pair(tmp_path, monkeypatch):
    out = executed(tmp_path / "book" / "07_x.ipynb", digest="o" * 64)
    results = tmp_path / "book" / "results" / "07_x.json"
    results.parent.mkdir()
    results.write_text(json.dumps({"input_hash": "o" * 64}))
    partial = executed(pub.partial_path(out), digest="n" * 64)
    import vira.book.results as results_module

    def broken(executed, target, command):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text("{half")
        raise OSError("disk full")

    monkeypatch.setattr(results_module, "write_file", broken)
    with pytest.raises(OSError, match="disk full"):
        pub.publish(partial, out, results, "cmd")
    assert pub.stored_hash(out) == "o" * 64 and json.loads(results.read_text())["input_hash"] == "o" * 64
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "book", "book/07_x.ipynb", "book/results", "book/results/07_x.json"]


def test_results_consistent_and_a_chapter_without_records(tmp_path):
    out = executed(tmp_path / "07_x.ipynb")
    results = tmp_path / "results" / "07_x.json"
    assert not pub.results_consistent(out, results)  # missing
    results.parent.mkdir()
    results.write_text(json.dumps({"input_hash": "b" * 64}))
    assert not pub.results_consistent(out, results)  # another execution's
    results.write_text("{not json")
    assert not pub.results_consistent(out, results)
    results.write_text(json.dumps({"input_hash": "a" * 64}))
    assert pub.results_consistent(out, results)
    bare = executed(tmp_path / "09_y.ipynb", records=False)
    stale = tmp_path / "results" / "09_y.json"
    assert pub.results_consistent(bare, stale)
    stale.write_text("{}")
    assert not pub.results_consistent(bare, stale)  # a chapter that records nothing has no file
    assert pub.write_results(bare, stale, "cmd") is None and not stale.exists()
    assert not pub.results_consistent(tmp_path / "missing.ipynb", results)


def test_clean_leftovers_removes_temporary_files_only(tmp_path):
    book = tmp_path / "book"
    keep = executed(book / "02_a.ipynb")
    for path in (book / ".partial" / "03_b.ipynb", book / "results" / ".partial" / "03_b.json",
                 book / ".04_c.partial.ipynb"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    removed = pub.clean_leftovers(book)
    assert sorted(p.name for p in removed) == [".04_c.partial.ipynb", "03_b.ipynb", "03_b.json"]
    assert sorted(p.relative_to(book).as_posix() for p in book.rglob("*")) == ["02_a.ipynb", "results"]
    assert keep.exists() and pub.clean_leftovers(book) == []
    assert pub.clean_leftovers(tmp_path / "nowhere") == []
