"""What a reader must never see on a page: checks of the executed notebooks and of the built HTML.

The browser check (``../shared/tools/check_pages.py``, headless Chromium) looks at pages as a
reader does; these are the same rules, without a browser, so that ``make test`` runs them:

* :func:`notebook_page_problems` on an executed chapter ``book/NN_slug.ipynb``: output written to
  stderr (warnings, progress bars), an absolute path of the machine that executed it, "Eq. Eq."
  in its text, and a markdown heading written as a comment inside a code cell (a missing cell
  marker: the section then renders in a grey code box and is missing from the contents);
* :func:`html_page_problems` on a built page ``_build/html/.../NN_slug.html``: a MyST role left
  raw in the prose (``{glue}``, ``{cite:p}``, ``{eq}``, ...; code is not searched), "Eq. Eq.",
  a doubled full stop (a glued sentence that ends in one, followed by a typed one), and ``nan``
  in a table cell;
* :func:`wide_tables` on a built page, in headless Chromium: a table wider than the column that
  holds it however its cells wrap (its CSS ``min-content`` width), in a window 1280 px wide, the
  width at which ``check_pages.py`` takes its screenshots. A browser is the only honest measure:
  an estimate from the characters missed most of the tables that a reader saw cut.

Used by ``tests/test_book.py`` on every committed page (and by the book's build test on the HTML).
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

#: An absolute path of a build machine (the leading ``/`` not part of a URL, a ``$VIRA_DATA/...``
#: or a relative path).
MACHINE_PATH = re.compile(r"(?<![\w.$}/:])/(?:work|home|tmp|opt|root|usr|var|private|Users|mnt|srv)/[\w.+-]+")
#: A markdown heading that jupytext would have put in a markdown cell, left as a comment in code.
HEADING_IN_CODE = re.compile(r"^#\s+#{1,6}\s+\S", re.M)
#: A MyST role as written in the source: ``{name}`` or ``{name:sub}`` followed by a backtick.
RAW_ROLE = re.compile(r"\{(?:glue|glue:text|glue:md|cite|cite:p|cite:t|eq|numref|ref|doc|math|term)[:\w]*\}`?")
#: A sentence that ends in two full stops (not an ellipsis): a glued sentence ends in its own.
DOUBLED_STOP = re.compile(r"[\w)\]]\.\.(?!\.)")
#: The browser window in which :func:`wide_tables` lays a page out (that of check_pages.py).
WINDOW = (1280, 2000)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def notebook_page_problems(nb: dict) -> list[str]:
    """Problems of an executed notebook ``nb`` (a dict of nbformat JSON) that a reader would see:
    one string per problem, naming the cell (its index in the executed notebook)."""
    problems = []
    for index, cell in enumerate(nb.get("cells", [])):
        source = _text(cell.get("source"))
        if "Eq. Eq." in source:
            problems.append(f"cell {index}: 'Eq. Eq.' in its text")
        if cell.get("cell_type") != "code":
            continue
        heading = HEADING_IN_CODE.search(source)
        if heading:
            problems.append(f"cell {index}: a markdown heading inside a code cell: {heading.group(0)!r}")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                first = next((ln for ln in _text(out.get("text")).splitlines() if ln.strip()), "")
                problems.append(f"cell {index}: output on stderr: {first[:100]!r}")
            shown = json.dumps({k: v for k, v in out.items() if k in ("text", "data", "traceback")})
            for path in sorted(set(MACHINE_PATH.findall(shown))):
                problems.append(f"cell {index}: a path of the machine that executed it: {path}")
            if "Eq. Eq." in shown:
                problems.append(f"cell {index}: 'Eq. Eq.' in its output")
    return problems


class _Page(HTMLParser):
    """Collects a built page's prose (outside code, scripts and math) and its tables."""

    SKIP = {"script", "style", "pre", "code", "math"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.prose, self.tables = [], []
        self._skip = 0
        self._math = 0
        self._cell = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in self.SKIP:
            self._skip += 1
        if "math" in classes and tag in ("div", "span"):
            self._math += 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in ("div", "span") and self._math:
            self._math -= 1  # an approximation: math holds no nested div/span in MyST output
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if not self._skip and not self._math:
            self.prose.append(data)


def html_page_problems(html: str) -> list[str]:
    """Problems of a built HTML page that a reader would see (see the module docstring)."""
    page = _Page()
    page.feed(html)
    prose = "".join(page.prose)
    problems = [f"a raw MyST role in the text: {m!r}" for m in sorted(set(RAW_ROLE.findall(prose)))]
    if "Eq. Eq." in prose:
        problems.append("'Eq. Eq.' in the text")
    for m in DOUBLED_STOP.finditer(prose):
        problems.append(f"a doubled full stop: {' '.join(prose[max(0, m.start() - 40):m.end() + 10].split())!r}")
    for number, rows in enumerate(page.tables, 1):
        cells = [c for row in rows for c in row]
        if any(c.lower() == "nan" for c in cells):
            problems.append(f"table {number}: a cell shows nan")
    return problems


#: Appended to a copy of the page: once it has loaded, write each table's narrowest width and the
#: width of the column that holds it into the document, where ``--dump-dom`` can read them.
_MEASURE = """<script>window.addEventListener('load', () => {
  const root = document.querySelector('article') || document.querySelector('main') || document.body;
  const tables = [...root.querySelectorAll('table')];
  const column = tables.map(t => t.parentElement.clientWidth);
  tables.forEach(t => { t.style.width = 'min-content'; t.style.maxWidth = 'none'; });
  const out = tables.map((t, i) => [Math.round(t.getBoundingClientRect().width), column[i]]);
  const pre = document.createElement('pre');
  pre.id = 'vira-table-widths';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});</script>"""


def wide_tables(page: Path, chromium: str, timeout: float = 120) -> list[str]:
    """Tables of the built page ``page`` wider than their column however their cells wrap, laid out by
    ``chromium`` (a headless Chromium binary) in a :data:`WINDOW`-sized window: one string per table,
    ``"table 3: 786 px at its narrowest, in a column of 688 px"``. The page is copied next to itself
    (so that its style sheets load) with a measuring script, and removed again."""
    page = Path(page)
    html = page.read_text(encoding="utf-8")
    if "<table" not in html:  # nothing to measure (and a redirect stub such as index.html would navigate away)
        return []
    with tempfile.NamedTemporaryFile("w", suffix=".html", prefix=".measure-", dir=page.parent,
                                     encoding="utf-8", delete=False) as f:
        f.write(html.replace("</body>", _MEASURE + "</body>", 1) if "</body>" in html else html + _MEASURE)
        copy = Path(f.name)
    try:
        with tempfile.TemporaryDirectory(prefix="vira-chromium-") as profile:
            done = subprocess.run(
                [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 "--force-device-scale-factor=1", f"--user-data-dir={profile}",
                 f"--window-size={WINDOW[0]},{WINDOW[1]}", "--virtual-time-budget=20000", "--dump-dom",
                 copy.as_uri()], capture_output=True, text=True, timeout=timeout)
    finally:
        copy.unlink()
    found = re.search(r'<pre id="vira-table-widths"[^>]*>(.*?)</pre>', done.stdout, re.S)
    if not found:
        raise RuntimeError(f"{page}: chromium did not lay the page out (exit {done.returncode}): "
                           f"{done.stderr.strip()[-300:]}")
    return [f"table {number}: {width} px at its narrowest, in a column of {column} px"
            for number, (width, column) in enumerate(json.loads(found.group(1)), 1) if width > column + 1]
