"""Every chapter: paired .py/.ipynb, executed with the smoke preset into a scratch folder, nbval.

The smoke executions go to a temporary folder, never to book/ (the committed executed chapters).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

from vira.book import runner as runner
from vira.book.bookcheck import notebook_problems

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = runner.discover()
IDS = [c.stem for c in CHAPTERS]
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def test_there_are_chapters_and_every_one_is_paired():
    assert CHAPTERS, "no chapter found in notebooks/"
    sources = {p.stem for p in (ROOT / "notebooks").glob("*.py")}
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert sources == notebooks, f"unpaired: {sorted(sources ^ notebooks)} (run `make sync`)"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_py_and_ipynb_have_the_same_inputs(chapter):
    """Read-only pairing check: the .ipynb rendered as py:percent must equal the .py text."""
    rendered = jupytext.writes(jupytext.read(chapter), fmt="py:percent")
    source = chapter.with_suffix(".py").read_text(encoding="utf-8")
    assert rendered == source, (
        f"{chapter.with_suffix('.py').name} and {chapter.name} differ in their inputs: "
        "run `make sync` after editing the .py")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_source_notebooks_carry_no_outputs(chapter):
    nb = json.loads(chapter.read_text(encoding="utf-8"))
    assert not [c for c in nb["cells"] if c.get("outputs")], f"{chapter.name} has outputs: strip them"
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{chapter.name} needs exactly one cell tagged 'parameters'"
    assert {"preset", "device", "seed"} <= set(runner.declared_parameters(chapter))


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.ipynb"))}


@pytest.fixture(scope="session")
def smoke(tmp_path_factory):
    """Execute a chapter with the smoke preset (once per session) into a scratch folder."""
    out = tmp_path_factory.mktemp("smoke")
    done: dict[str, Path] = {}

    def execute(chapter: Path) -> Path:
        if chapter.stem not in done:
            before = _digest(ROOT / "book")
            runner.run_chapters([chapter.stem], preset="smoke", force=True, out_dir=out, progress=False)
            assert _digest(ROOT / "book") == before, "a smoke execution touched book/"
            done[chapter.stem] = out / chapter.name
        return done[chapter.stem]

    return execute


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_chapter_runs_with_the_smoke_preset(chapter, smoke):
    executed = smoke(chapter)  # raises ChapterFailed naming the chapter and the cell
    nb = json.loads(executed.read_text(encoding="utf-8"))
    assert notebook_problems(nb) == []
    assert nb["metadata"]["papermill"]["parameters"]["preset"] == "smoke"


def nbval(notebook: Path) -> subprocess.CompletedProcess:
    """Re-execute an executed notebook with nbval (lax: only NBVAL_CHECK_OUTPUT cells compared)."""
    ini = notebook.parent / "nbval.ini"
    ini.write_text("[pytest]\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", str(ini), "-p", "no:cacheprovider",
         "--nbval-lax", "--nbval-sanitize-with", str(SANITIZE), str(notebook)],
        capture_output=True, text=True, timeout=1200, cwd=notebook.parent)


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_nbval_reproduces_the_checked_outputs(chapter, smoke):
    """Same seed and preset on the CPU give the same printed numbers (cells with NBVAL_CHECK_OUTPUT)."""
    executed = smoke(chapter)
    source = executed.read_text(encoding="utf-8")
    assert "NBVAL_CHECK_OUTPUT" in source, f"{chapter.name} has no NBVAL_CHECK_OUTPUT cell"
    result = nbval(executed)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.mark.slow
def test_nbval_fails_when_a_checked_output_changes(smoke, tmp_path):
    """The nbval check is live: tampering with a checked output must make it fail."""
    nb = json.loads(smoke(CHAPTERS[0]).read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "NBVAL_CHECK_OUTPUT" in "".join(c["source"]))
    stream = next(o for o in cell["outputs"] if o["output_type"] == "stream")
    stream["text"] = ["a number that the chapter does not print 12345\n"]
    tampered = tmp_path / CHAPTERS[0].name
    tampered.write_text(json.dumps(nb), encoding="utf-8")
    result = nbval(tampered)
    assert result.returncode != 0, result.stdout[-2000:]


@pytest.mark.slow
def test_labels_chapter_runs_on_generated_counts_without_real_data(tmp_path, monkeypatch):
    monkeypatch.delenv("VIRA_DATA", raising=False)
    runner.run_chapters(["01"], preset="smoke", force=True, out_dir=tmp_path, progress=False)
    text = (tmp_path / "01_labels.ipynb").read_text(encoding="utf-8")
    assert "this run uses a GENERATED count table" in text
