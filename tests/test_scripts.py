"""The command-line scripts in scripts/ end to end: the power plan (scripts/power_plan.py) reads a
records file and prints one plan row per central claim (its logic: tests/book/test_power.py); the
GPU budget runner; the student edition (scripts/student.py)."""

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "power_plan.py"


def load_script(name: str):
    """Import scripts/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


power_plan = load_script("power_plan")


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


def _chapter(*cells):
    """A chapter as the runner takes it: a Python 3 kernel, the parameters cell, then ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('preset = "auto"\ndevice = "auto"\nseed = 0')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *cells]
    return nb


def test_book_in_budget_keeps_what_finished_and_stops_the_rest(tmp_path):
    """scripts/book_in_budget.py on four tiny chapters: the first finishes, the second fails and the
    next one still starts, the third outlives the budget and is stopped without leaving a page, the
    fourth is not started; the report runs last."""
    budget = load_script("book_in_budget")
    src, out = tmp_path / "notebooks", tmp_path / "book"
    src.mkdir()
    for name, code in [("01_quick", "x = 1"), ("02_broken", "raise ValueError('planted')"),
                       ("03_slow", "import time\ntime.sleep(120)"), ("04_never", "x = 4"),
                       ("09_report", "print('report')")]:
        nbformat.write(_chapter(nbformat.v4.new_code_cell(code)), src / f"{name}.ipynb")
    rows = budget.main(["--preset", "smoke", "--budget", "60", "--reserve", "15", "--source", str(src),
                        "--out", str(out), "--order", "01", "02", "03", "04", "--reports", "09"])
    assert [(r.chapter, r.status) for r in rows] == [("01", "executed"), ("02", "failed"),
        ("03", "stopped at the budget"), ("04", "not started"), ("09", "executed")]
    assert sorted(p.name for p in out.glob("*.ipynb")) == ["01_quick.ipynb", "09_report.ipynb"]
    assert not list(out.glob(".*partial*"))  # no half-written page
    with pytest.raises(SystemExit, match="leaves nothing"):
        budget.main(["--budget", "10", "--reserve", "60"])


# --- the student edition (scripts/student.py) ---------------------------------------------------

def _exercise_chapter(folder: Path, name: str = "02_demo", extra_cells=()) -> Path:
    code = nbformat.v4.new_code_cell("x = 21 * 2")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="an output\n")]
    code.execution_count = 3
    nb = _chapter(code)
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Demo"), *nb.cells,
        nbformat.v4.new_markdown_cell("## Exercises\n\n```{exercise} Double it\n:label: ex-demo-1\n\nWhat is x?\n```\n\n"
                                      "```{solution} ex-demo-1\n:class: dropdown\n\nSECRET-ANSWER-1: 42.\n```\n\nAfter it."),
        nbformat.v4.new_markdown_cell("````{exercise} Halve it\n:label: ex-demo-2\n\nWhat is x / 2?\n````"),
        nbformat.v4.new_markdown_cell("```{solution-start} ex-demo-2\n:class: dropdown\n```"),
        nbformat.v4.new_markdown_cell("SECRET-ANSWER-2: half of it."),
        nbformat.v4.new_code_cell("half = x / 2  # SECRET-CODE\nassert half == 21"),
        nbformat.v4.new_markdown_cell("```{solution-end}\n```"),
        *extra_cells,
        nbformat.v4.new_markdown_cell("The end."),
    ]
    tagged = nbformat.v4.new_code_cell("print('SECRET-TAGGED')")
    tagged.metadata["tags"] = ["solution"]
    nb.cells.insert(4, tagged)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_student_edition_drops_every_solution_and_output_and_keeps_the_exercises(tmp_path):
    student = load_script("student")
    src, out = tmp_path / "notebooks", tmp_path / "student"
    src.mkdir()
    _exercise_chapter(src)
    _exercise_chapter(src, "03_other")
    assert student.main(["--source", str(src), "--out", str(out), "02"]) == 0
    assert [p.name for p in out.iterdir()] == ["02_demo.ipynb"]
    text = (out / "02_demo.ipynb").read_text()
    assert "SECRET" not in text and "solution" not in text and "an output" not in text
    assert "What is x?" in text and "What is x / 2?" in text and "After it." in text and "The end." in text
    nb = json.loads(text)
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None
               for c in nb["cells"] if c["cell_type"] == "code")
    assert student.leaks(nb) == []
    source = json.loads((src / "02_demo.ipynb").read_text())
    assert len(student.leaks(source)) == 5  # what the edition removed: 3 directives, a tag, an output
    # the student notebook still runs (its solutions' names are gone, nothing else)
    nbclient = pytest.importorskip("nbclient")
    nbclient.NotebookClient(nbformat.reads(text, as_version=4), timeout=120, kernel_name="python3").execute()


@pytest.mark.parametrize("cells, message", [
    (["```{solution-start} ex-x\n```"], "cell 10: {solution-start} is never closed"),
    (["```{solution-end}\n```"], "cell 10: {solution-end} without a {solution-start}"),
    (["```{solution-start} ex-x\n```", "```{solution-start} ex-y\n```"],
     "cell 11: a solution opens inside the one opened in cell 10"),
    (["Text first.\n```{solution-start} ex-x\n:class: dropdown"],
     "cell 10: a {solution-start} directive opened with ``` is never closed"),
    (["```{solution} ex-x\nnever closed"], "cell 10: a {solution} directive opened with ``` is never closed"),
])
def test_student_edition_refuses_a_broken_solution_naming_file_and_cell(tmp_path, cells, message):
    student = load_script("student")
    src = tmp_path / "notebooks"
    src.mkdir()
    path = _exercise_chapter(src, extra_cells=[nbformat.v4.new_markdown_cell(c) for c in cells])
    with pytest.raises(ValueError, match=re.escape(f"{path}, {message}")):
        student.write_edition(tmp_path / "student", source=src)
    assert student.main(["--source", str(src), "--out", str(tmp_path / "s2")]) == 1


def test_markers_may_share_their_cell_with_the_exercises(tmp_path):
    """As the chapters write them: the start marker after its exercise, the end marker before the
    next exercise, in the same markdown cells."""
    student = load_script("student")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("```{exercise} One\n:label: ex-1\nQ1?\n```\n\n```{solution-start} ex-1\n"
                                      ":class: dropdown\n```\nSECRET-1"),
        nbformat.v4.new_code_cell("secret = 1  # SECRET-CODE"),
        nbformat.v4.new_markdown_cell("SECRET-2\n```{solution-end}\n```\n\n```{exercise} Two\n:label: ex-2\nQ2?\n```"),
        nbformat.v4.new_markdown_cell("```{solution-start} ex-2\n```"),
        nbformat.v4.new_markdown_cell("SECRET-3"),
        nbformat.v4.new_markdown_cell("```{solution-end}\n```\n## Projects"),
    ]
    edition = student.student_notebook(json.loads(nbformat.writes(nb)), name="demo")
    text = json.dumps(edition)
    assert "SECRET" not in text and "solution" not in text and student.leaks(edition) == []
    assert [c["source"].strip() for c in edition["cells"]] == [
        "```{exercise} One\n:label: ex-1\nQ1?\n```", "```{exercise} Two\n:label: ex-2\nQ2?\n```", "## Projects"]


@pytest.mark.slow
def test_a_student_chapter_runs_at_smoke(tmp_path):
    """The student edition of chapter 0 (its exercises' solutions removed) still runs end to end."""
    student = load_script("student")
    written = student.write_edition(tmp_path / "student", ["00"])
    pm = pytest.importorskip("papermill")
    pm.execute_notebook(str(written[0]), str(tmp_path / "out.ipynb"), parameters={"preset": "smoke"},
                        kernel_name="python3", progress_bar=False)


def test_student_edition_of_the_book_leaks_nothing(tmp_path):
    student = load_script("student")
    written = student.write_edition(tmp_path / "student")
    assert len(written) == len(list((ROOT / "notebooks").glob("[0-9A-Z][0-9]_*.ipynb")))
    for path in written:
        assert student.leaks(json.loads(path.read_text())) == [], path
