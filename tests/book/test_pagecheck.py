"""vira.book.pagecheck: each rule finds its planted problem and passes a clean page."""

import nbformat

from vira.book.pagecheck import TABLE_CHARS, html_page_problems, notebook_page_problems


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
    clean = ("<html><body><p>As Eq. 6 says (Zhang et al. 2021).</p><pre>{cite:p}`x` in code</pre>"
             "<table><tr><th>model</th><th>SRC</th></tr><tr><td>PSGCN</td><td>0.31</td></tr></table></body></html>")
    assert html_page_problems(clean) == []
    bad = ("<html><body><p>see {cite:p}`zhang2021` and Eq. Eq. 4, {glue}`x`</p>"
           "<table><tr><td>a</td><td>nan</td></tr></table>"
           f"<table><tr>{'<td>' + 'w' * 30 + '</td>' * 1}" + "<td>" + "v" * TABLE_CHARS + "</td></tr></table>"
           "</body></html>")
    problems = html_page_problems(bad)
    assert "a raw MyST role in the text: '{cite:p}`'" in problems
    assert "a raw MyST role in the text: '{glue}`'" in problems
    assert "'Eq. Eq.' in the text" in problems
    assert "table 1: a cell shows nan" in problems
    assert any(p.startswith("table 2: about") for p in problems)
    assert len(problems) == 5
