"""What a teacher needs to plan a course from the book: each chapter's run time and its exercises.

* :func:`chapter_times` reads each executed chapter's wall time from the line its last cell prints
  (``session.finish()``: "chapter finished: preset small, device cpu, wall time 2825.8 s"), so the
  times are the runs that made the pages, never typed;
* :func:`wall_clock` measures how long the pages took on the clock, side by side or not,
  :func:`company` how much of each page's run had another page executing beside it, and
  :func:`schedule` estimates how long one ``--jobs 2`` run of the recorded times would take;
* :func:`exercises` reads the exercises a chapter's source declares as sphinx-exercise blocks
  (an ```` ```{exercise} Title ```` directive with a ``:label:`` option) and whether each has a
  solution (a ``{solution-start}`` or ``{solution}`` naming that label).

Used by chapter 10 (the performance page) and appendix A2 (the course map).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

FINISHED = re.compile(r"chapter finished: preset (\w+), device (\w+), wall time ([\d.]+) s")
_EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}[ \t]*(?P<title>.*)$")
_LABEL = re.compile(r"^:label:[ \t]*(?P<label>\S+)")
_SOLUTION = re.compile(r"^(`{3,}|:{3,})\{(solution|solution-start)\}[ \t]*(?P<label>\S+)")


def chapter_times(book: Path) -> "pd.DataFrame":  # noqa: F821  (pandas is imported on use)
    """One row per executed chapter ``book/NN_slug.ipynb`` (index ``chapter``): the ``preset``,
    ``device`` and ``wall time (s)`` its finishing line printed. A chapter without that line (it
    did not finish, or predates it) is left out; a notebook that is not JSON raises ``ValueError``
    naming the file. Used by chapter 10 and appendix A2."""
    import pandas as pd

    rows = []
    for path in sorted(Path(book).glob("[0-9A-Z][0-9]_*.ipynb")):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:
            raise ValueError(f"{path}: not a notebook ({err})") from None
        text = "".join("".join(o.get("text", "")) for c in nb.get("cells", []) if c.get("cell_type") == "code"
                       for o in c.get("outputs", []) if o.get("output_type") == "stream")
        found = FINISHED.search(text)
        if found:
            rows.append({"chapter": path.stem, "preset": found[1], "device": found[2],
                         "wall time (s)": float(found[3])})
    return pd.DataFrame(rows, columns=["chapter", "preset", "device", "wall time (s)"]).set_index("chapter")


def _spans(book: Path, preset: str | None = None) -> dict[str, tuple[float, float]]:
    """chapter -> (start, end) in seconds since the epoch, from ``metadata.papermill`` of each
    executed page in ``book`` (of ``preset`` only, when given); pages without the times are left
    out; a notebook that is not JSON raises ``ValueError`` naming the file."""
    from datetime import datetime

    spans = {}
    for path in sorted(Path(book).glob("[0-9A-Z][0-9]_*.ipynb")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("papermill", {})
        except ValueError as err:
            raise ValueError(f"{path}: not a notebook ({err})") from None
        if preset is not None and meta.get("parameters", {}).get("preset") != preset:
            continue
        try:
            spans[path.stem] = (datetime.fromisoformat(meta["start_time"]).timestamp(),
                                datetime.fromisoformat(meta["end_time"]).timestamp())
        except (KeyError, TypeError, ValueError):
            continue
    return spans


def _union(spans) -> float:
    """Seconds covered by at least one of the ``(start, end)`` intervals."""
    covered, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        covered += max(0.0, end - max(start, reach))
        reach = max(reach, end)
    return covered


def wall_clock(book: Path, preset: str | None = None) -> tuple[float, float]:
    """``(covered, summed)`` seconds over the executed chapters in ``book`` (those of ``preset``
    only, when given): ``covered`` is the wall-clock time during which at least one of them was
    executing (the union of the intervals papermill recorded, ``metadata.papermill.start_time`` to
    ``end_time``), ``summed`` the sum of their durations. ``covered`` is below ``summed`` by what
    running chapters side by side (``make book JOBS=2``) saved. Pages without the times are left
    out; a notebook that is not JSON raises ``ValueError`` naming the file. Used by chapter 10."""
    spans = list(_spans(book, preset).values())
    return _union(spans), float(sum(end - start for start, end in spans))


def company(book: Path, preset: str | None = None) -> "pd.DataFrame":  # noqa: F821
    """For each executed page of ``preset`` (every page, when None): ``seconds`` it ran,
    ``beside others (s)``, the part of its run during which at least one other page of the book
    (of any preset) was executing too, its ``share beside others`` and the pages it overlapped
    (``beside``, comma-separated, in chapter order). A page that ran alone has share 0; chapter
    10 shows it, because a chapter's time beside another is longer than alone (the two share the
    cores), so the pages' times mix the two conditions. Index: chapter."""
    import pandas as pd

    every = _spans(book)
    chosen = _spans(book, preset) if preset is not None else every
    rows = []
    for name, (start, end) in chosen.items():
        others = {o: (max(s, start), min(e, end)) for o, (s, e) in every.items() if o != name and s < end and e > start}
        shared = _union(others.values())
        rows.append({"chapter": name, "seconds": end - start, "beside others (s)": shared,
                     "share beside others": shared / (end - start) if end > start else 0.0,
                     "beside": ", ".join(sorted(others))})
    return pd.DataFrame(rows, columns=["chapter", "seconds", "beside others (s)", "share beside others",
                                       "beside"]).set_index("chapter")


def schedule(seconds: "Mapping[str, float]", width: int = 2, after: "Mapping[str, float] | None" = None) -> float:  # noqa: F821
    """How long one run would take on the clock if every chapter took ``seconds[name]``: the
    runner's rule for ``--jobs width`` (:mod:`vira.book.parallel`: the longest first, each
    started as soon as one of ``width`` places is free), then the chapters of ``after`` (the
    readers: 09, 10, A2) one after another. An estimate, not a measurement: a chapter's time
    depends on what runs beside it. Used by chapter 10."""
    if width < 1:
        raise ValueError(f"schedule: width must be at least 1, not {width}")
    bad = {k: v for k, v in {**seconds, **(after or {})}.items() if not v >= 0}
    if bad:
        raise ValueError(f"schedule: seconds must be non-negative numbers, not {bad}")
    free = [0.0] * width  # when each place is next free
    for t in sorted(seconds.values(), reverse=True):
        k = min(range(width), key=free.__getitem__)
        free[k] += t
    return max(free) + float(sum((after or {}).values()))


def _markdown_lines(source: str) -> list[str]:
    """The lines of a jupytext percent source's markdown cells, without their ``# `` prefix."""
    lines, markdown = [], False
    for line in source.splitlines():
        if line.startswith("# %%"):
            markdown = "[markdown]" in line
            continue
        if markdown and (line == "#" or line.startswith("# ")):
            lines.append(line[2:])
    return lines


def exercises(source: Path) -> "pd.DataFrame":  # noqa: F821
    """The exercises of the chapters in ``source`` (``notebooks/NN_slug.py``): one row each, in
    reading order, with ``chapter``, ``label``, ``title`` and ``solved`` (a solution names its
    label). An exercise without a ``:label:`` raises ``ValueError`` naming the file. Used by
    appendix A2."""
    import pandas as pd

    rows = []
    for path in sorted(Path(source).glob("[0-9A-Z][0-9]_*.py")):
        lines = _markdown_lines(path.read_text(encoding="utf-8"))
        solved = {m["label"] for ln in lines if (m := _SOLUTION.match(ln.strip()))}
        for k, line in enumerate(lines):
            opened = _EXERCISE.match(line.strip())
            if not opened:
                continue
            label = next((m["label"] for ln in lines[k + 1:k + 4] if (m := _LABEL.match(ln.strip()))), None)
            if label is None:
                raise ValueError(f"{path}: the exercise {opened['title']!r} has no :label: on the lines after it")
            rows.append({"chapter": path.stem, "label": label, "title": opened["title"].strip(),
                         "solved": label in solved})
    return pd.DataFrame(rows, columns=["chapter", "label", "title", "solved"])
