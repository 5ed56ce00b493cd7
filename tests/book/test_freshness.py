"""Is a page current (vira.book.freshness): what a chapter's input hash covers, and the parameters
at which a committed page stands."""

from __future__ import annotations

import json

import pytest

from vira.book import freshness


@pytest.fixture
def chapters(tmp_path, write_chapter):
    src = tmp_path / "notebooks"
    src.mkdir()
    write_chapter(src, "01_fine", "x = 1")
    return src


def test_current_parameters_without_a_page_or_with_a_broken_one(chapters, tmp_path):
    out = tmp_path / "book"
    out.mkdir()
    page = out / "01_fine.ipynb"
    params = {"preset": "small"}
    assert freshness.current_parameters(chapters / "01_fine.ipynb", page, params, keep_committed_preset=True) is None
    page.write_text("{not json")
    assert freshness.current_parameters(chapters / "01_fine.ipynb", page, params, keep_committed_preset=True) is None
    assert freshness.stored_parameters(page) is None
    # a page whose stored hash is that of the chapter at full is current at full, only when kept
    nb = {"metadata": {"vira": {"parameters": {"preset": "full"},
                                "input_hash": freshness.input_hash(chapters / "01_fine.ipynb", {"preset": "full"})}},
          "cells": []}
    page.write_text(json.dumps(nb))
    assert freshness.current_parameters(chapters / "01_fine.ipynb", page, params,
                                     keep_committed_preset=True) == {"preset": "full"}
    assert freshness.current_parameters(chapters / "01_fine.ipynb", page, params, keep_committed_preset=False) is None


def test_input_hash_covers_chapter_vira_pins_and_parameters(tmp_path, write_chapter):
    (tmp_path / "vira" / "sub").mkdir(parents=True)
    (tmp_path / "vira" / "__init__.py").write_text("LAZY = {'x': 'vira.lazy'}")
    (tmp_path / "vira" / "lazy.py").write_text("a = 0")
    (tmp_path / "vira" / "m.py").write_text("from .sub import deep\na = 1")
    (tmp_path / "vira" / "sub" / "__init__.py").write_text("")
    (tmp_path / "vira" / "sub" / "deep.py").write_text("def f():\n    import vira.inner\n")
    (tmp_path / "vira" / "inner.py").write_text("b = 1")
    (tmp_path / "vira" / "unused.py").write_text("c = 1")
    (tmp_path / "requirements.txt").write_text("torch==1")
    chapter = write_chapter(tmp_path, "01_x", "1")
    chapter.with_suffix(".py").write_text("# %%\nfrom vira.m import a\n")
    assert [p.relative_to(tmp_path).as_posix() for p in freshness.vira_modules(chapter, tmp_path)] == [
        "vira/__init__.py", "vira/inner.py", "vira/lazy.py", "vira/m.py", "vira/sub/__init__.py",
        "vira/sub/deep.py"]
    base = freshness.input_hash(chapter, {"preset": "small"}, tmp_path)
    assert base == freshness.input_hash(chapter, {"preset": "small"}, tmp_path)
    assert base != freshness.input_hash(chapter, {"preset": "smoke"}, tmp_path)
    for path, text in [(tmp_path / "vira" / "m.py", "a = 2"), (tmp_path / "requirements.txt", "torch==2"),
                       (tmp_path / "vira" / "inner.py", "b = 2"), (tmp_path / "vira" / "lazy.py", "a = 1"),
                       (chapter.with_suffix(".py"), "# %%\n2\n")]:
        old = path.read_text()
        path.write_text(text)
        assert freshness.input_hash(chapter, {"preset": "small"}, tmp_path) != base, path.name
        path.write_text(old)
    assert freshness.input_hash(chapter, {"preset": "small"}, tmp_path) == base
    (tmp_path / "vira" / "unused.py").write_text("c = 2")  # a module the chapter never imports
    assert freshness.input_hash(chapter, {"preset": "small"}, tmp_path) == base
    chapter.with_suffix(".py").write_text("# %%\n%time x = 1\n")  # unparsable: every vira file counts
    assert len(freshness.vira_modules(chapter, tmp_path)) == 7
