"""vira.book.pagecheck: each rule finds its planted problem and passes a clean page."""

import shutil

import nbformat
import pytest

from vira.book.pagecheck import html_page_problems, notebook_page_problems, wide_tables


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _code(source="x = 1", *outputs):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = list(outputs)
    return cell


def test_a_clean_notebook_has_no_problems():
    nb = _nb(nbformat.v4.new_markdown_cell("# Title\n\nSee Eq. 6 and {eq}`eq-six`."),
             _code("print('ok')  # a comment", nbformat.v4.new_output("stream", name="stdout",
                                                                        text="read $VIRA_DATA/tiktok_vn_2025\n")))
    assert notebook_page_problems(nb) == []


def test_each_notebook_rule_names_its_cell():
    nb = _nb(nbformat.v4.new_markdown_cell("as Eq. Eq. 4 says"),
             _code("x = 1\n# ## The models\n# prose that lost its cell marker"),
             _code("import warnings", nbformat.v4.new_output(
                 "stream", name="stderr", text="/opt/torch/lib/graph.py:869: UserWarning: not deterministic\n")),
             _code("print(p)", nbformat.v4.new_output("stream", name="stdout", text="read /work/shared/data/x\n")))
    problems = notebook_page_problems(nb)
    assert problems[0] == "cell 0: 'Eq. Eq.' in its text"
    assert problems[1].startswith("cell 1: a markdown heading inside a code cell")
    assert problems[2].startswith("cell 2: output on stderr: '/opt/torch/lib/graph.py:869: UserWarning")
    assert "cell 2: a path of the machine that executed it: /opt/torch" in problems
    assert "cell 3: a path of the machine that executed it: /work/shared" in problems
    assert len(problems) == 5


def test_urls_and_relative_paths_are_not_machine_paths():
    nb = _nb(_code("x", nbformat.v4.new_output("stream", name="stdout",
                                              text="https://example.org/home/page book/results/x.json ./tmp/x\n")))
    assert notebook_page_problems(nb) == []


def test_html_rules():
    clean = ("<html><body><p>As Eq. 6 says (Zhang et al. 2021). And so on...</p><pre>{cite:p}`x` in code</pre>"
             "<table><tr><th>model</th><th>SRC</th></tr><tr><td>PSGCN</td><td>0.31</td></tr></table></body></html>")
    assert html_page_problems(clean) == []
    bad = ("<html><body><p>see {cite:p}`zhang2021` and Eq. Eq. 4, {glue}`x`</p>"
           "<p>over 1 seed and 88 test items. Verdict: reproduced.. The next sentence</p>"
           "<table><tr><td>a</td><td>nan</td></tr></table></body></html>")
    problems = html_page_problems(bad)
    assert "a raw MyST role in the text: '{cite:p}`'" in problems
    assert "a raw MyST role in the text: '{glue}`'" in problems
    assert "'Eq. Eq.' in the text" in problems
    assert "a doubled full stop: 'ed and 88 test items. Verdict: reproduced.. The next'" in problems
    assert "table 1: a cell shows nan" in problems
    assert len(problems) == 5


CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install -y chromium)")
def test_wide_tables_are_measured_in_the_browser(tmp_path):
    """In a 600-px column, a table of two short columns fits; one of ten unbreakable 20-letter words
    cannot, however its cells wrap; a table of many short words fits by wrapping."""
    def table(cells):
        return "<table><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>"
    page = tmp_path / "page.html"
    page.write_text("<html><head><style>body{margin:0} article{width:600px} td{padding:4px}</style></head>"
                    "<body><article><div>" + table(["a", "b"]) + "</div><div>" + table(["w" * 20] * 10)
                    + "</div><div>" + table(["many short words " * 20] * 3) + "</div></article></body></html>",
                    encoding="utf-8")
    found = wide_tables(page, CHROMIUM)
    assert len(found) == 1 and found[0].startswith("table 2: ") and found[0].endswith("in a column of 600 px"), found
    assert int(found[0].split()[2]) > 1000  # ten words of twenty letters, at about 8 px a letter
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # the measuring copy is gone
    stub = tmp_path / "index.html"  # a redirect stub, as Jupyter Book writes: no table, no browser
    stub.write_text('<html><head><meta http-equiv="refresh" content="0; url=intro.html"></head></html>')
    assert wide_tables(stub, CHROMIUM) == []
