"""What a reader must never see on a page: checks of the executed notebooks and of the built HTML.

The browser check (``../shared/tools/check_pages.py``, headless Chromium) looks at pages as a
reader does; these are the same rules, without a browser, so that ``make test`` runs them:

* :func:`notebook_page_problems` on an executed chapter ``book/NN_slug.ipynb``: output written to
  stderr (warnings, progress bars), an absolute path of the machine that executed it, "Eq. Eq."
  in its text, and a markdown heading written as a comment inside a code cell (a missing cell
  marker: the section then renders in a grey code box and is missing from the contents);
* :func:`html_page_problems` on a built page ``_build/html/.../NN_slug.html``: a MyST role left
  raw in the prose (``{glue}``, ``{cite:p}``, ``{eq}``, ...; code is not searched), "Eq. Eq.",
  ``nan`` in a table cell, and a table wider than the content column however its cells wrap
  (estimated from its longest words, see :data:`TABLE_CHARS`).

Used by ``tests/test_book.py`` on every committed page (and by the book's build test on the HTML).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

#: An absolute path of a build machine (the leading ``/`` not part of a URL, a ``$VIRA_DATA/...``
#: or a relative path).
MACHINE_PATH = re.compile(r"(?<![\w.$}/:])/(?:work|home|tmp|opt|root|usr|var|private|Users|mnt|srv)/[\w.+-]+")
#: A markdown heading that jupytext would have put in a markdown cell, left as a comment in code.
HEADING_IN_CODE = re.compile(r"^#\s+#{1,6}\s+\S", re.M)
#: A MyST role as written in the source: ``{name}`` or ``{name:sub}`` followed by a backtick.
RAW_ROLE = re.compile(r"\{(?:glue|glue:text|glue:md|cite|cite:p|cite:t|eq|numref|ref|doc|math|term)[:\w]*\}`?")
#: A table is flagged when it cannot fit the content column however its cells wrap: the sum over
#: its columns of the longest word in the column (text wraps between words, not inside one) plus
#: two characters of padding exceeds this many characters. The content column of the book's theme
#: is about 820 px wide, and a table's characters average about 7.5 px at its font size.
TABLE_CHARS = 110


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
    for number, rows in enumerate(page.tables, 1):
        cells = [c for row in rows for c in row]
        if any(c.lower() == "nan" for c in cells):
            problems.append(f"table {number}: a cell shows nan")
        widths = [max((len(word) for row in rows if j < len(row) for word in row[j].split()), default=0) + 2
                  for j in range(max((len(r) for r in rows), default=0))]
        if sum(widths) > TABLE_CHARS:
            problems.append(f"table {number}: about {sum(widths)} characters wide, wider than the content "
                            f"column ({TABLE_CHARS})")
    return problems
