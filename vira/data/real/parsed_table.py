"""A parsed CSV file that keeps what it could not parse: the shared base of the real-data loaders.

:class:`vira.data.real.tiktok.Snapshot` (chapters 1 and 8) and :class:`vira.data.real.facebook.FacebookVideos`
(chapter 8) both parse every cell of a file, put NaN where a cell does not parse, and list each such
cell in ``problems`` with its row, column, raw text and reason. A value that parses but lies
outside its column's plausible range (each loader's ``RANGES``, checked by :func:`out_of_range`)
is treated the same way. Nothing is dropped silently: a chapter prints :meth:`ParsedTable.report`
and takes the rows it can use with :meth:`ParsedTable.complete`, which says how many were left out
and for which column.

A file that cannot be a table at all is refused by :func:`read_cells` with a ``ValueError`` naming
the file: unreadable (a folder, a symbolic link that loops, gzip-compressed, not UTF-8), empty,
only a header, a column name given twice, a missing column (with a hint where the header spells it
with other case, spaces or invisible characters, or uses another delimiter), a cell longer than the
csv module's limit, a file that ends inside its last row; a byte that is not UTF-8 is named with its
line. A loader refuses a duplicated id with :func:`refuse_duplicates`.
"""

from __future__ import annotations

import csv
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vira.files import file_problem

__all__ = ["ParsedTable", "read_cells", "refuse_duplicates", "out_of_range", "repeated_column",
           "first_line", "column_hint", "long_row"]


def _records(path: Path):
    """The file's records (header first) as lists of cells, read by the csv module; a record the
    csv module cannot read (a cell longer than its field limit) raises ``ValueError`` naming the
    file and the line."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            yield from reader
        except csv.Error as err:
            raise ValueError(f"{path}: cannot be read as a CSV file (line {reader.line_num}: {err})") from None


def _bad_utf8_line(path: Path) -> str:
    """Where the file first stops being UTF-8: ``"line 17 (data row 15), byte 3"``, or ``""``."""
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError:
        return ""
    for k, line in enumerate(lines, 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as err:
            row = f" (data row {k - 2})" if k > 1 else " (the header)"
            return f"line {k}{row}, byte {err.start + 1}: {line[err.start:err.start + 1]!r} is not UTF-8"
    return ""


def _shown(name: str) -> str:
    """A column name as a message shows it: as written, or as Python writes it where it holds
    characters that cannot be seen (a NUL, a BOM, a zero-width space)."""
    return name if name.isprintable() and not any(unicodedata.category(ch) == "Cf" for ch in name) else repr(name)


def _bare(name: str) -> str:
    """A name without invisible characters (control and format: NUL, BOM, zero-width) and spaces
    around it, case-folded: how two spellings of one column are compared."""
    return "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf")).strip().casefold()


def truncated(path: Path, width: int) -> str | None:
    """Why the file looks cut short: its last line has no newline and fewer cells than the header
    (``width``), as when a copy stopped inside the last row; None otherwise."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            if fh.tell() == 0:
                return None
            fh.seek(-1, 2)
            if fh.read(1) in (b"\n", b"\r"):
                return None
    except OSError:
        return None
    last = None
    for last in _records(path):
        pass
    if last is not None and len(last) < width:
        return (f"the file ends inside a row: its last line has {len(last)} of {width} cells and no "
                "newline (a copy cut short?)")
    return None


def long_row(path: Path) -> str:
    """Which data row has more cells than the header (pandas would shift such a row silently)."""
    records = _records(path)
    width = len(next(records))
    for i, record in enumerate(records):
        if len(record) > width:
            return f"row {i} has {len(record)} cells, the header {width}"
    return "a row has more cells than the header"


def read_cells(path: Path, required: Sequence[str]) -> pd.DataFrame:
    """Every cell of the CSV file ``path`` as text (``""`` where empty), one row per data row, in
    file order. Raises ``ValueError`` naming the file for a file that cannot be read as CSV, is
    empty, repeats a column name (naming it and its columns), lacks a column of ``required`` or
    has no data row. A row with fewer cells than the header gets ``""`` in the missing ones."""
    if why := file_problem(path):
        raise ValueError(f"{path}: cannot be read as a CSV file ({why})")
    if wide := _utf16(path):
        raise ValueError(f"{path}: cannot be read as a CSV file ({wide}: save it as UTF-8)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                              index_col=False)
        header = first_line(path)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: empty file (no header, no rows)") from None
    except pd.errors.ParserWarning:
        raise ValueError(f"{path}: cannot be read as a CSV file ({long_row(path)})") from None
    except UnicodeDecodeError as err:
        gzip = " (it is gzip-compressed: decompress it first)" if _is_gzip(path) else ""
        where = _bad_utf8_line(path) or str(err).strip()
        raise ValueError(f"{path}: cannot be read as a CSV file (not UTF-8: {where}){gzip}") from None
    except (OSError, pd.errors.ParserError, csv.Error) as err:
        gzip = " (it is gzip-compressed: decompress it first)" if _is_gzip(path) else ""
        raise ValueError(f"{path}: cannot be read as a CSV file ({str(err).strip()}){gzip}") from None
    if repeated := repeated_column(header):
        raise ValueError(f"{path}: {repeated}")
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)} "
                         f"(found: {', '.join(map(_shown, raw.columns))}){column_hint(missing, header)}")
    if raw.empty:
        raise ValueError(f"{path}: no data rows (only a header)")
    if why := truncated(path, len(header)):
        raise ValueError(f"{path}: {why}")
    return raw


def _utf16(path: Path) -> str | None:
    """``"it is UTF-16"`` when the file starts with a UTF-16 byte-order mark or its first line
    holds NUL bytes (UTF-16 without a mark: every ASCII letter is followed or preceded by one);
    None otherwise."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "it is UTF-16 (it starts with UTF-16's byte-order mark)"
    first = head.split(b"\n", 1)[0]
    if first.count(b"\x00") * 3 >= len(first) > 0:
        return "it looks like UTF-16 without a byte-order mark (NUL bytes between the letters of line 1)"
    return None


def _is_gzip(path: Path) -> bool:
    """Whether ``path`` starts with gzip's magic bytes (a compressed file under a .csv name)."""
    try:
        with path.open("rb") as fh:
            return fh.read(2) == b"\x1f\x8b"
    except OSError:
        return False


def column_hint(missing: Sequence[str], header: Sequence[str]) -> str:
    """Why ``header`` (a file's first line, as cells) seems to lack the ``missing`` names: a name
    spelt with other case or stray spaces (``"; 'vid_nview' is spelt ' Vid_NView '"``), or a
    header of one cell holding ``;`` or a tab (another delimiter); ``""`` if neither."""
    if len(header) == 1 and (sep := next((c for c in ";\t|" if c in header[0]), None)):
        return f"; the header is one column: cells separated by {sep!r}, not ','?"
    near = {name: cell for name in missing for cell in header
            if cell != name and _bare(cell) == _bare(name)}
    return "".join(f"; {name!r} is spelt {cell!r} (names must match exactly; invisible characters "
                   "such as a NUL, a BOM or a zero-width space count)" if not cell.isprintable() or
                   any(unicodedata.category(ch) == "Cf" for ch in cell) else
                   f"; {name!r} is spelt {cell!r} (names must match exactly)"
                   for name, cell in near.items())


def repeated_column(header: Sequence[str]) -> str | None:
    """``"column 'x' appears 2 times in the header (columns 1, 3 of line 1)"`` for the first name
    ``header`` (a file's first line, as cells) repeats; None if it repeats none. pandas would read
    the second one as ``x.1``."""
    for name in dict.fromkeys(header):
        at = [k + 1 for k, c in enumerate(header) if c == name]
        if len(at) > 1:
            return (f"column {name!r} appears {len(at)} times in the header "
                    f"(columns {', '.join(map(str, at))} of line 1)")
    return None


def first_line(path: Path) -> list[str]:
    """The cells of the first line of the CSV file ``path`` (its header)."""
    return next(_records(path), [])


def refuse_duplicates(path: Path, ids: pd.Series, column: str) -> None:
    """Raise ``ValueError`` naming the file, the first id of ``column`` that appears more than once
    and every row (0-based data row) that holds it, with how many ids are repeated."""
    repeated = ids[ids.duplicated(keep=False)]
    if repeated.empty:
        return
    first = repeated.iat[0]
    rows = np.flatnonzero((ids == first).to_numpy())
    raise ValueError(f"{path}: {column} {first!r} appears in rows {', '.join(map(str, rows))}; "
                     f"{repeated.nunique()} id(s) appear more than once")


def out_of_range(values, low: float, high: float) -> tuple[np.ndarray, str]:
    """The positions of ``values`` outside ``[low, high]`` (NaN is not: it is already a problem),
    and the reason a problem gives, e.g. ``"outside 0..1e+11"``."""
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.flatnonzero((v < low) | (v > high)), f"outside {low:g}..{high:g}"


@dataclass
class ParsedTable:
    """``frame``: one row per CSV row, in file order (NaN where a cell did not parse);
    ``problems``: one row per such cell, with columns row, an id column, column, raw, reason."""

    path: Path
    frame: pd.DataFrame
    problems: pd.DataFrame

    def report(self) -> str:
        """How many cells could not be parsed (or were out of range), per column and reason, with up
        to three examples each."""
        if self.problems.empty:
            return f"{self.path.name}: {len(self.frame):,} rows, every cell parsed"
        lines = [f"{self.path.name}: {len(self.frame):,} rows; cells that could not be parsed:"]
        for (column, reason), group in self.problems.groupby(["column", "reason"], sort=False):
            examples = ", ".join(f"row {r} {raw!r}" for r, raw in zip(group.row[:3], group.raw[:3]))
            lines.append(f"  {column}: {len(group)} ({reason}; e.g. {examples})")
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
