"""The student edition: the chapters' notebooks without their solutions, for a teacher to hand out.

    make student                                     # every chapter -> student/
    .venv/bin/python scripts/student.py --out DIR 02 04   # chosen chapters (name prefixes)

The chapters write their exercises as sphinx-exercise blocks (MyST): an ``{exercise}`` directive
with a label, and its solution either as a ``{solution}`` directive inside a markdown cell or as a
*gated* solution, whose worked code runs with the chapter: a ``{solution-start} label`` directive,
the solution's cells (markdown and code), and a ``{solution-end}`` directive. A marker may share
its markdown cell with other text (the exercise before it, the next exercise after it), as MyST
allows. The student edition keeps the exercises and drops

* everything from a ``{solution-start}`` through its ``{solution-end}``, both included: the text
  after the start marker and before the end marker in their own cells, and every cell between;
* every ``{solution}`` directive inside a markdown cell (the rest of the cell stays);
* every cell tagged ``solution``, and markdown cells left empty;
* every output and execution count (the chapters' sources have none; executed copies would).

A solution gate that is never closed or opened inside another, an end without a start, and a
directive whose closing fence is missing are refused with the file and the cell named.
:func:`leaks` lists what solution text survives in a notebook; the edition is written only when it
finds nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks"

_OPEN = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>solution|solution-start|solution-end)\}")


def _directive(line: str) -> tuple[str, str] | None:
    """(fence, name) when ``line`` opens a solution directive, else None."""
    m = _OPEN.match(line)
    return (m["fence"], m["name"]) if m else None


def _strip_cell(text: str, gate: int | None, k: int) -> tuple[str, int | None]:
    """A markdown cell's text as the student sees it, and the gate state after it.

    ``gate`` is the cell where the open solution gate began (None when none is open). Lines inside
    an open gate are dropped, and so are the solution directives themselves (from their opening
    fence to the matching closing one): a ``{solution}`` block, and the ``{solution-start}`` and
    ``{solution-end}`` markers, which may share their cell with other text."""
    out, closing, name = [], None, None
    for line in text.splitlines(keepends=True):
        if closing is not None:  # inside a solution directive: drop through its closing fence
            if line.strip() == closing:
                if name == "solution-start":
                    gate = k
                elif name == "solution-end":
                    gate = None
                closing = None
            continue
        found = _directive(line)
        if found is not None:
            closing, name = found
            if name == "solution-start" and gate is not None:
                raise ValueError(f"cell {k}: a solution opens inside the one opened in cell {gate}")
            if name == "solution-end" and gate is None:
                raise ValueError(f"cell {k}: {{solution-end}} without a {{solution-start}}")
            continue
        if gate is None:
            out.append(line)
    if closing is not None:
        raise ValueError(f"cell {k}: a {{{name}}} directive opened with {closing} is never closed")
    return "".join(out), gate


def student_notebook(nb: dict, name: str = "notebook") -> dict:
    """The student edition of one notebook (a dict in nbformat 4); ``name`` is used in errors."""
    cells, gate = [], None
    for k, cell in enumerate(nb.get("cells", [])):
        if cell["cell_type"] == "markdown":
            try:
                text, gate = _strip_cell("".join(cell.get("source", "")), gate, k)
            except ValueError as err:
                raise ValueError(f"{name}, {err}") from None
            if text.strip():
                cells.append({**json.loads(json.dumps(cell)), "source": text})
            continue
        if gate is not None or "solution" in cell.get("metadata", {}).get("tags", []):
            continue
        cell = json.loads(json.dumps(cell))  # a copy
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    if gate is not None:
        raise ValueError(f"{name}, cell {gate}: {{solution-start}} is never closed by {{solution-end}}")
    return {**nb, "cells": cells}


def leaks(nb: dict) -> list[str]:
    """Solution text that survives in a notebook: any solution directive or cell tagged solution."""
    found = []
    for k, cell in enumerate(nb.get("cells", [])):
        text = "".join(cell.get("source", ""))
        if any(_directive(ln) for ln in text.splitlines()):
            found.append(f"cell {k}: a solution directive")
        if "solution" in cell.get("metadata", {}).get("tags", []):
            found.append(f"cell {k}: a cell tagged solution")
        if cell.get("outputs"):
            found.append(f"cell {k}: outputs")
    return found


def write_edition(out: Path, selection: list[str] | None = None, source: Path = SOURCE) -> list[Path]:
    """Write the student edition of the chapters in ``source`` (all, or those whose names start
    with a prefix in ``selection``) into ``out``; returns the files written."""
    chapters = sorted(source.glob("[0-9A-Z][0-9]_*.ipynb"))
    if selection:
        chapters = [p for p in chapters if any(p.stem.startswith(s) for s in selection)]
        if not chapters:
            raise SystemExit(f"student: no chapter in {source} matches {' '.join(selection)}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in chapters:
        edition = student_notebook(json.loads(path.read_text(encoding="utf-8")), name=str(path))
        left = leaks(edition)
        if left:
            raise ValueError(f"{path}: solution text survives in the student edition: {'; '.join(left)}")
        target = out / path.name
        target.write_text(json.dumps(edition, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapter name prefixes (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "student", help="folder to write (default: student/)")
    parser.add_argument("--source", type=Path, default=SOURCE, help="chapter folder (default: notebooks/)")
    args = parser.parse_args(argv)
    try:
        written = write_edition(args.out, args.chapters, args.source)
    except ValueError as err:
        print(f"student: {err}", file=sys.stderr)
        return 1
    print(f"student: {len(written)} notebooks without solutions in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
