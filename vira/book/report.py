"""The reproduction report, built from results files (chapter 9).

Every chapter writes its numbers to ``book/results/<chapter>.json`` (:mod:`vira.book.results`).
This module reads them, so that the report contains no typed number (the benchmark files
``bench_*.json`` are read by :mod:`vira.book.bench`):

* :func:`load_results` -- every record of every chapter, one row each, with its chapter's preset,
  device, git revision and command;
* :func:`paper_table` -- one paper's tables: paper | ours (mean ± std, n) | oracle | where, with a
  mark (:func:`mark`) where ours differs from the paper by more than our spread;
* :func:`difference_verdict` -- how a chapter words its verdict on a paper's difference, and
  :func:`note_verdict` -- how chapter 9 reads it back from the claim's note.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from vira.book.results import validate_file

__all__ = ["load_results", "mark", "paper_table", "VERDICTS", "note_verdict", "difference_verdict"]


def load_results(folder) -> pd.DataFrame:
    """All records of ``folder/*.json`` except ``bench_*`` (each file validated; an invalid one
    raises naming it): one row per record plus ``chapter``, ``preset``, ``device``,
    ``git_revision`` and ``command``."""
    rows = []
    for path in sorted(Path(folder).glob("*.json")):
        if path.name.startswith("bench_"):
            continue
        content = validate_file(path)
        meta = {k: content[k] for k in ("chapter", "preset", "device", "git_revision", "command")}
        rows += [{**meta, **rec} for rec in content["records"]]
    return pd.DataFrame(rows)


def mark(paper_value, mean: float, std: float, n: int) -> str:
    """``"differs"`` when ours (mean, sample std over n seeds) is more than two standard deviations
    from the paper's value; ``"within spread"`` when not; ``"one seed: no spread"`` when n = 1 and
    the values differ; ``""`` without a paper value."""
    if paper_value is None or (isinstance(paper_value, float) and math.isnan(paper_value)):
        return ""
    gap = abs(mean - paper_value)
    if n < 2:
        return "one seed: no spread" if gap > 0 else "within spread"
    return "differs" if gap > 2 * std else "within spread"


def _fmt(x, digits=3):
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def paper_table(records: pd.DataFrame, paper: str, digits: int = 3) -> pd.DataFrame:
    """One paper's records as the report shows them: table, row, metric, paper, ours
    (mean ± std (n)), oracle, mark, preset/device and the chapter section that explains them."""
    sub = records[records.paper == paper]
    out = pd.DataFrame({
        "table": sub.table, "row": sub.row, "metric": sub.metric,
        "paper": [_fmt(v, digits) for v in sub.paper_value],
        "ours": [f"{m:.{digits}f} ± {s:.{digits}f} ({n})" for m, s, n in zip(sub["mean"], sub["std"], sub["n"])],
        "oracle": [_fmt(v, digits) for v in sub.oracle],
        "mark": [mark(p, m, s, n) for p, m, s, n in zip(sub.paper_value, sub["mean"], sub["std"], sub["n"])],
        "run": [f"{p}, {d}" for p, d in zip(sub.preset, sub.device)],
        "explained in": [f"{c} § {s}" if isinstance(s, str) and s else c for c, s in zip(sub.chapter, sub.section)],
    })
    return out.reset_index(drop=True)


#: The verdicts chapters write first in a claim's note, with the synonyms some of them use.
VERDICTS = {"not reproduced": "not reproduced", "reproduced": "reproduced", "within noise": "within noise",
            "within seed spread": "within noise", "not testable": "not testable",
            "does not hold": "does not hold", "holds": "holds", "asserted": "asserted"}


def note_verdict(note: str | None) -> str:
    """The verdict a chapter wrote first in a claim's note (the text before the first ";"), mapped
    through :data:`VERDICTS`; "see note" when it wrote something else. Chapter 9's checklist."""
    first = (note or "").split(";")[0].strip().lower()
    return next((v for k, v in VERDICTS.items() if first.startswith(k)), "see note")


def difference_verdict(ours: float, paper: float, noise: float) -> str:
    """The verdict on a paper's difference ("a beats b by ``paper``") from ours: "within noise" when
    ``|ours| <= noise``, else "reproduced" when ours has the paper's sign and "not reproduced" when
    it has the other. Chapters 2 and 4 write it first in their claim notes."""
    if abs(ours) <= noise:
        return "within noise"
    return "reproduced" if math.copysign(1, ours) == math.copysign(1, paper) and paper != 0 else "not reproduced"

