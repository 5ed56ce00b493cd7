"""vira.book.sources: a chapter's code from its paired .py, else from its notebook's code cells."""

import nbformat

from vira.book.sources import chapter_code


def test_the_paired_py_wins_and_a_lone_notebook_gives_its_code_cells(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# not code"), nbformat.v4.new_code_cell("import vira.labels"),
                nbformat.v4.new_code_cell("x = 1\ny = 2")]
    chapter = tmp_path / "02_demo.ipynb"
    nbformat.write(nb, chapter)
    assert chapter_code(chapter) == ["import vira.labels", "x = 1\ny = 2"]
    (tmp_path / "02_demo.py").write_text("# %%\nimport vira.graph\n", encoding="utf-8")
    assert chapter_code(chapter) == ["# %%\nimport vira.graph\n"]
