"""Putting an executed chapter in place: its notebook and its results file together.

The runner (:mod:`vira.book.runner`) executes a chapter into a temporary file of the same name in
the hidden folder :data:`PARTIAL` beside ``book/``; :func:`publish` then writes the results file
(through its own temporary file) and only then renames the notebook into place, so an
interruption leaves either the old notebook (the chapter runs again) or a results file that
:func:`results_consistent` finds out of step and the runner rewrites from the notebook.
:func:`clean_leftovers` removes what an interrupted run left. Used by ``python -m vira``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PARTIAL = ".partial"  # the hidden folder, beside the executed chapters, of the temporary files


def partial_path(out: Path) -> Path:
    """The temporary file that papermill writes ``out`` to: the same name, in the hidden folder
    :data:`PARTIAL` beside it (so that the results file can be made from it before it is moved)."""
    return out.parent / PARTIAL / out.name


def tidy(out: Path) -> None:
    """Remove the hidden folder of temporary files beside ``out`` when it is empty."""
    try:
        (out.parent / PARTIAL).rmdir()
    except OSError:
        pass


def write_results(executed: Path, final: Path, command: str) -> Path | None:
    """Write the results file ``final`` from the executed notebook ``executed`` (named after its
    chapter) through a temporary file renamed into place; None when the chapter recorded nothing
    (an old results file of that chapter is then removed)."""
    from vira.book.results import write_file

    tmp = final.parent / PARTIAL / final.name
    try:
        written = write_file(executed, tmp, command)
        if written is None:
            final.unlink(missing_ok=True)
            return None
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
        tidy(final)
    return final


def publish(partial: Path, out: Path, results: Path, command: str) -> Path | None:
    """Put one executed chapter in place: its results file first, then the notebook (each renamed
    from a temporary file). Returns the results file, or None when the chapter recorded nothing."""
    try:
        written = write_results(partial, results, command)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
        tidy(out)
    return written


def results_consistent(out: Path, results: Path) -> bool:
    """Whether ``results`` agrees with the executed notebook ``out``: present with the notebook's
    input hash when the notebook holds records, absent when it holds none."""
    from vira.book.results import from_notebook

    try:
        nb = json.loads(out.read_text(encoding="utf-8"))
        has_records = from_notebook(nb) is not None
    except (OSError, ValueError):
        return False
    if not has_records:
        return not results.exists()
    try:
        return json.loads(results.read_text(encoding="utf-8")).get("input_hash") == stored_hash(out)
    except (OSError, ValueError):
        return False


def clean_leftovers(out_dir: Path) -> list[Path]:
    """Remove what an interrupted run can leave in ``out_dir``: the temporary files of
    notebooks and results files (and the hidden partial notebooks of older runners). Returns the
    paths removed."""
    out_dir = Path(out_dir)
    found = sorted(out_dir.glob(".*.partial.ipynb"))
    for folder in (out_dir / PARTIAL, out_dir / "results" / PARTIAL):
        found += sorted(p for p in folder.glob("*") if p.is_file())
    for path in found:
        path.unlink(missing_ok=True)
    tidy(out_dir / "any")
    tidy(out_dir / "results" / "any")
    return found


def stored_hash(executed: Path) -> str | None:
    """The input hash recorded in an executed chapter, or None."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return nb.get("metadata", {}).get("vira", {}).get("input_hash")
