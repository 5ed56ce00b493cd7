"""The student edition: the chapters' notebooks without their solutions, for a teacher to hand out.

    make student                                     # every chapter -> student/
    .venv/bin/python scripts/student.py --out DIR 02 04   # chosen chapters (name prefixes)

The chapters write their exercises as sphinx-exercise blocks (MyST): an ``{exercise}`` directive
with a label, and its solution either as a ``{solution}`` directive inside a markdown cell or as a
*gated* solution, whose worked code runs with the chapter: a markdown cell holding only a
``{solution-start} label`` directive, the solution's cells (markdown and code), and a markdown
cell holding only ``{solution-end}``. The student edition keeps the exercises and drops

* every cell from a ``{solution-start}`` through its ``{solution-end}``, both included;
* every ``{solution}`` directive inside a markdown cell (the rest of the cell stays);
* every cell tagged ``solution``;
* every output and execution count (the chapters' sources have none; executed copies would).

A solution gate that is never closed, or a marker that shares its cell with other text, is refused
with the file and the cell named. :func:`leaks` lists what solution text survives in a notebook;
the edition is written only when it finds nothing.
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


def _only_directive(text: str, name: str) -> bool:
    """Whether a markdown cell holds one ``name`` directive and nothing else: its opening line
    (with its label), option lines (``:class: dropdown``) and its closing fence."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    opened = _directive(lines[0]) if lines else None
    if opened is None or opened[1] != name or len(lines) < 2 or lines[-1] != opened[0]:
        return False
    return all(ln.startswith(":") for ln in lines[1:-1])


def strip_solution_blocks(text: str) -> str:
    """A markdown cell's text without its ``{solution}`` directives (fence to matching fence)."""
    out, closing = [], None
    for line in text.splitlines(keepends=True):
        if closing is not None:
            if line.strip() == closing:
                closing = None
            continue
        found = _directive(line)
        if found is not None and found[1] == "solution":
            closing = found[0]
            continue
        out.append(line)
    if closing is not None:
        raise ValueError(f"a {{solution}} directive opened with {closing} is never closed")
    return "".join(out)


def student_notebook(nb: dict, name: str = "notebook") -> dict:
    """The student edition of one notebook (a dict in nbformat 4); ``name`` is used in errors."""
    cells, gate = [], None
    for k, cell in enumerate(nb.get("cells", [])):
        text = "".join(cell.get("source", ""))
        marker = next((d for ln in text.splitlines() if (d := _directive(ln)) and d[1] != "solution"), None)
        if marker is not None:
            if not _only_directive(text, marker[1]):
                raise ValueError(f"{name}, cell {k}: a {{{marker[1]}}} marker must be alone in its markdown cell")
            if marker[1] == "solution-start":
                if gate is not None:
                    raise ValueError(f"{name}, cell {k}: a solution opens inside the one opened in cell {gate}")
                gate = k
            elif gate is None:
                raise ValueError(f"{name}, cell {k}: {{solution-end}} without a {{solution-start}}")
            else:
                gate = None
            continue
        if gate is not None or "solution" in cell.get("metadata", {}).get("tags", []):
            continue
        cell = json.loads(json.dumps(cell))  # a copy
        if cell["cell_type"] == "markdown":
            try:
                cell["source"] = strip_solution_blocks(text)
            except ValueError as err:
                raise ValueError(f"{name}, cell {k}: {err}") from None
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
