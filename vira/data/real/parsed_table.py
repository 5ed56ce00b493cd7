"""A parsed CSV file that keeps what it could not parse: the shared base of the real-data loaders.

:class:`vira.data.real.tiktok.Snapshot` (chapters 1 and 8) and :class:`vira.data.real.facebook.FacebookVideos`
(chapter 8) both parse every cell of a file, put NaN where a cell does not parse, and list each such
cell in ``problems`` with its row, column, raw text and reason. Nothing is dropped silently: a
chapter prints :meth:`ParsedTable.report` and takes the rows it can use with
:meth:`ParsedTable.complete`, which says how many were left out and for which column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["ParsedTable"]


@dataclass
class ParsedTable:
    """``frame``: one row per CSV row, in file order (NaN where a cell did not parse);
    ``problems``: one row per such cell, with columns row, an id column, column, raw, reason."""

    path: Path
    frame: pd.DataFrame
    problems: pd.DataFrame

    def report(self) -> str:
        """How many cells could not be parsed, per column, with up to three examples each."""
        if self.problems.empty:
            return f"{self.path.name}: {len(self.frame):,} rows, every cell parsed"
        lines = [f"{self.path.name}: {len(self.frame):,} rows; cells that could not be parsed:"]
        for column, group in self.problems.groupby("column", sort=False):
            examples = ", ".join(f"row {r} {raw!r}" for r, raw in zip(group.row[:3], group.raw[:3]))
            lines.append(f"  {column}: {len(group)} ({group.reason.iloc[0]}; e.g. {examples})")
        return "\n".join(lines)

    def complete(self, columns: list[str], *, verbose: bool = True, noun: str = "rows",
                 have: str | None = None) -> pd.DataFrame:
        """The rows whose ``columns`` all parsed, renumbered from 0. With ``verbose`` it prints how
        many {noun} were kept and, per column, how many were left out (``have`` words what the kept
        ones have; by default "all of" the columns)."""
        missing = self.frame[columns].isna()
        keep = ~missing.any(axis=1)
        if verbose:
            why = ", ".join(f"{c}: {int(n)}" for c, n in missing.sum().items() if n)
            have = have or f"all of {', '.join(columns)}"
            print(f"{self.path.name}: {int(keep.sum()):,} of {len(keep):,} {noun} have {have}; "
                  f"left out {int((~keep).sum())}" + (f" ({why})" if why else ""))
        return self.frame[keep].reset_index(drop=True)
