"""vira.book.bookcheck: the Sphinx extension that fails the book build on broken executed chapters."""

import json
from types import SimpleNamespace

from vira.book import bookcheck
from vira.book.bookcheck import notebook_problems


def test_notebook_problems_finds_errors_and_missing_presets():
    good = {"cells": [{"outputs": [{"output_type": "stream"}]}],
            "metadata": {"papermill": {"parameters": {"preset": "small"}}}}
    assert notebook_problems(good) == []
    bad = {"cells": [{}, {"outputs": [{"output_type": "error", "ename": "ValueError", "evalue": "x"}]}],
           "metadata": {}}
    problems = notebook_problems(bad)
    assert len(problems) == 2
    assert problems[0] == "cell 1 has an error output: ValueError: x"
    assert "no preset" in problems[1]


def test_the_build_hook_warns_for_each_problem_of_a_notebook_page_only(tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(bookcheck.logger, "warning", lambda msg, **kw: warnings.append((msg, kw["location"])))
    (tmp_path / "02_x.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    (tmp_path / "intro.md").write_text("# no notebook")
    app = SimpleNamespace(env=SimpleNamespace(doc2path=lambda doc: tmp_path / doc))
    bookcheck._check(app, "intro.md", [])
    assert warnings == []
    bookcheck._check(app, "02_x.ipynb", [])
    assert len(warnings) == 1 and warnings[0][0].startswith("02_x.ipynb: no preset recorded")
    assert warnings[0][1] == "02_x.ipynb"
