"""The VDV layout on disk as data, and its checks: ``clips.csv`` and the clip files.

The layout (columns, arrays, shapes, dtypes) is described in :mod:`vira.data.real.vdv_files`;
this module holds it as constants (:data:`REQUIRED_COLUMNS`, :data:`ARRAYS`) and checks a table
(:func:`read_table`, :func:`table_problems`) or a clip's arrays (:func:`check_arrays`,
:func:`load_npz`) against it. Every problem is a message naming the file (``clips.csv``,
``clips/<clip>.npz``) and the column or array, e.g.
``clips/C1_00003.npz: holistic has shape (375, 1024), expected (T, 2048)``. The reader
(:class:`vira.data.real.vdv_files.VDVFiles`) and the writer
(:func:`vira.data.real.vdv_export.export`) call them. Used by appendix A1.
"""

from __future__ import annotations

import os
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from vira.data.layout import CHALLENGES, FACIAL_OUT, HOLISTIC_OUT, SCENIC_OUT, SPLITS, STREAMS
from vira.data.real.parsed_table import column_hint, first_line, long_row, repeated_column
from vira.files import file_problem
from vira.skeleton import V

#: The metadata table and the folder of clip files, relative to the data set's folder.
TABLE_FILE = "clips.csv"
CLIPS_DIR = "clips"
#: Columns every ``clips.csv`` must have (others are kept).
REQUIRED_COLUMNS = ("clip", "challenge", "split", "frames", "days", "likes", "comments",
                    "reposts", "label")
COUNT_COLUMNS = ("likes", "comments", "reposts")
#: The plausible range of each numeric column, (low, high, whole number?) inclusive; a value
#: outside (or NaN, inf, text) is a problem naming the row. ``label`` is min-max scaled to [0, 1];
#: ``fps`` is optional.
COLUMN_RULES = {"frames": (1, 1e6, True), "days": (0, 3650, False), "likes": (0, 1e11, False),
                "comments": (0, 1e11, False), "reposts": (0, 1e11, False),
                "label": (0, 1, False), "fps": (1, 1000, False)}
#: The largest absolute value each float array may hold: pixels of a video frame, CNN features.
ARRAY_LIMITS = {"skeleton": 1e5, "holistic": 1e6, "facial": 1e6, "scenic": 1e6}
#: The range of one channel of an array's last axis, (array, channel) -> (name, low, high):
#: a pose estimator's confidence is a score in [0, 1] (AIST++'s reach 1.03).
CHANNEL_RANGES = {("skeleton", 2): ("confidence", 0.0, 1.5)}
#: Every array of a clip file: name -> (stream it belongs to, shape, accepted dtype kinds).
#: Shapes use "T" (frames), "T_f" (facial rows) and "T_s" (scenic rows) for the first axis.
ARRAYS: dict[str, tuple[str, tuple, str]] = {
    "skeleton": ("skeleton", ("T", V, 3), "f"),
    "holistic": ("holistic", ("T", HOLISTIC_OUT), "f"),
    "facial": ("facial", ("T_f", FACIAL_OUT), "f"),
    "facial_mask": ("facial", ("T_f",), "b"),
    "facial_frames": ("facial", ("T_f",), "iu"),
    "scenic": ("scenic", ("T_s", SCENIC_OUT), "f"),
    "scenic_frames": ("scenic", ("T_s",), "iu"),
}
_KIND_NAMES = {"f": "a float dtype (float32)", "b": "bool", "iu": "an integer dtype (int64)"}
_CAST = {"f": np.float32, "b": np.bool_, "iu": np.int64}
#: At most this many problems are spelled out in one error message.
MAX_LISTED = 20


class VDVFormatError(ValueError):
    """A VDV folder does not follow the layout; the message names the file and the field."""


class VDVFileNotFoundError(VDVFormatError, FileNotFoundError):
    """A file the layout needs (``clips.csv`` or a listed ``clips/<clip>.npz``) is missing."""


def summarise(problems: Sequence[str], head: str | None = None) -> str:
    """One message of ``problems``: the only one as it is, else a ``head`` line and one indented
    line per problem (at most :data:`MAX_LISTED`, then how many more)."""
    lines = list(problems[:MAX_LISTED])
    if len(problems) > MAX_LISTED:
        lines.append(f"... and {len(problems) - MAX_LISTED} more")
    if head is None and len(problems) == 1:
        return lines[0]
    return "\n".join([head or f"{len(problems)} problems:", *(f"  {x}" for x in lines)])


def _shape_text(shape: Iterable) -> str:
    parts = [str(s) for s in shape]
    return f"({parts[0]},)" if len(parts) == 1 else f"({', '.join(parts)})"


# -- the metadata table ----------------------------------------------------------------------------
def read_table(folder: str | os.PathLike) -> pd.DataFrame:
    """Read and check ``folder/clips.csv``; one row per clip, index 0..N-1 (the clip indices).

    Raises :class:`VDVFileNotFoundError` if the file is missing and :class:`VDVFormatError`
    (listing every problem, each naming the column and the row) if it breaks the layout.
    """
    folder = Path(folder)
    path = folder / TABLE_FILE
    if (why := file_problem(path)) in ("no such file", "a broken symbolic link"):
        raise VDVFileNotFoundError(
            f"{TABLE_FILE}: missing in {folder} (a VDV folder holds {TABLE_FILE} and "
            f"{CLIPS_DIR}/<clip>.npz; see vira.data.real.vdv_files)")
    if why:
        raise VDVFormatError(f"{TABLE_FILE}: is {why} (in {folder})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # only an empty cell is missing: a clip named NA, null or None is a name, not a gap
            table = pd.read_csv(path, dtype={"clip": str, "challenge": str, "split": str},
                                index_col=False, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
        header = first_line(path)
    except pd.errors.ParserWarning:  # a first row longer than the header: pandas shifts it
        raise VDVFormatError(f"{TABLE_FILE}: cannot be read as CSV ({long_row(path)})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:  # ValueError: not
        raise VDVFormatError(f"{TABLE_FILE}: cannot be read as CSV ({err})") from err  # UTF-8, a cell too long
    if repeated := repeated_column(header):
        raise VDVFormatError(f"{TABLE_FILE}: {repeated}")
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise VDVFormatError(
            f"{TABLE_FILE}: missing column(s) {', '.join(repr(c) for c in missing)} "
            f"(required: {', '.join(REQUIRED_COLUMNS)}){column_hint(missing, header)}")
    if table.empty:
        raise VDVFormatError(f"{TABLE_FILE}: no rows (only a header) in {folder}")
    problems = table_problems(table)
    if problems:
        raise VDVFormatError(summarise(problems, f"{TABLE_FILE}: {len(problems)} problems:"
                                        if len(problems) > 1 else None))
    table = table.reset_index(drop=True)
    table["frames"] = table["frames"].astype(np.int64)
    return table


def _row(table: pd.DataFrame, i: int) -> str:
    return f"{TABLE_FILE} row {i} (line {i + 2}, clip {_value(table['clip'].iat[i])})"


def _value(x) -> str:
    return repr(x.item() if isinstance(x, np.generic) else x)


def table_problems(table: pd.DataFrame) -> list[str]:
    """Every problem of a table, in row order, each naming the row, the clip and the column."""
    found: list[tuple[int, str]] = []

    def problem(i: int, text: str) -> None:
        found.append((int(i), f"{_row(table, i)}: {text}"))

    for col in ("clip", "challenge", "split"):
        for i in np.flatnonzero(table[col].isna().to_numpy()):
            problem(i, f"{col} is empty")
    stems = table["clip"]
    for i, stem in enumerate(stems):
        if isinstance(stem, str) and (not stem.strip() or "/" in stem or "\\" in stem
                                      or stem.startswith(".") or stem != stem.strip()
                                      or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in stem)):
            problem(i, f"clip {stem!r} is not a plain file stem")
    for i in np.flatnonzero(stems.duplicated().to_numpy() & stems.notna().to_numpy()):
        problem(i, f"clip {stems.iat[i]!r} appears more than once")
    folded = stems.map(lambda x: x.casefold() if isinstance(x, str) else x)
    for i in np.flatnonzero(folded.duplicated().to_numpy() & ~stems.duplicated().to_numpy()
                            & stems.notna().to_numpy()):
        first = stems[folded == folded.iat[i]].iat[0]
        problem(i, f"clip {stems.iat[i]!r} differs from clip {first!r} only in case (one file where "
                   "case is not told apart)")
    for i, c in enumerate(table["challenge"]):
        if isinstance(c, str) and c not in CHALLENGES.index:
            problem(i, f"challenge {c!r} is not one of {', '.join(CHALLENGES.index)}")
    for i, s in enumerate(table["split"]):
        if isinstance(s, str) and s not in SPLITS:
            problem(i, f"split {s!r} is not one of {', '.join(SPLITS)}")
    for col, (low, high, whole) in COLUMN_RULES.items():
        if col not in table.columns:
            continue
        values = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float)
        boolean = table[col].map(lambda x: isinstance(x, (bool, np.bool_))).to_numpy(dtype=bool)
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values) | (values < low) | (values > high) | boolean
        if whole:
            bad |= values != np.round(values)
        rule = f"{'an integer' if whole else 'a finite number'} in {low:g}..{high:g}"
        for i in np.flatnonzero(bad):
            problem(i, f"{col} = {_value(table[col].iat[i])} is not {rule}")
    return [text for _, text in sorted(found, key=lambda x: x[0])]


# -- the clip files --------------------------------------------------------------------------------
def check_arrays(arrays: dict, frames: int, where: str,
                 streams: Sequence[str] = STREAMS) -> tuple[dict, list[str]]:
    """Check a clip's arrays against the layout; returns (arrays cast to the layout's dtypes,
    problems). ``arrays`` maps array names to NumPy arrays (missing names are problems for the
    ``streams`` asked for), ``frames`` is T from ``clips.csv``, ``where`` prefixes each message
    (the file name). Shapes: see :data:`ARRAYS` and the module docstring."""
    problems: list[str] = []
    out: dict = {}
    source_dtype: dict = {}
    wanted = [n for n, spec in ARRAYS.items() if spec[0] in streams]
    for name in wanted:
        _, shape, kinds = ARRAYS[name]
        if name not in arrays or arrays[name] is None:
            problems.append(f"{where}: missing array {name!r} (shape {_shape_text(shape)})")
            continue
        a = np.asarray(arrays[name])
        if a.dtype.kind not in kinds:
            problems.append(f"{where}: {name} has dtype {a.dtype}, expected {_KIND_NAMES[kinds]}")
            continue
        if a.ndim != len(shape) or any(isinstance(s, int) and a.shape[k] != s
                                       for k, s in enumerate(shape)):
            problems.append(f"{where}: {name} has shape {_shape_text(a.shape)}, "
                            f"expected {_shape_text(shape)}")
            continue
        source_dtype[name] = a.dtype
        with np.errstate(over="ignore"):
            out[name] = a.astype(_CAST[kinds], copy=False)
    # lengths of the first axes
    if "skeleton" in out and len(out["skeleton"]) != frames:
        problems.append(f"{where}: skeleton has T = {len(out['skeleton'])} frames, but "
                        f"{TABLE_FILE} says frames = {frames}")
    if "holistic" in out:
        t_h = len(out["holistic"])
        if "skeleton" in out and t_h != len(out["skeleton"]):
            problems.append(f"{where}: holistic has T = {t_h} rows, but skeleton has "
                            f"T = {len(out['skeleton'])} frames")
        elif "skeleton" not in out and t_h != frames:
            problems.append(f"{where}: holistic has T = {t_h} rows, but {TABLE_FILE} says "
                            f"frames = {frames}")
    for feats, extras in (("facial", ("facial_mask", "facial_frames")),
                          ("scenic", ("scenic_frames",))):
        if feats not in out:
            continue
        for name in extras:
            if name in out and len(out[name]) != len(out[feats]):
                problems.append(f"{where}: {name} has length {len(out[name])}, but {feats} has "
                                f"{len(out[feats])} rows")
                del out[name]
    # values
    for name, a in out.items():
        if a.dtype.kind == "f":
            bad = ~np.isfinite(a)
            if bad.any():
                first = tuple(int(k) for k in np.argwhere(bad)[0])
                cast = "" if source_dtype[name] == a.dtype else f", as {a.dtype}"
                problems.append(f"{where}: {name} has {int(bad.sum())} NaN or inf value(s) "
                                f"(first at {list(first)}{cast})")
        if name in ARRAY_LIMITS:
            with np.errstate(invalid="ignore"):
                beyond = np.isfinite(a) & (np.abs(a) > ARRAY_LIMITS[name])
            if beyond.any():
                first = tuple(int(k) for k in np.argwhere(beyond)[0])
                problems.append(f"{where}: {name} has {int(beyond.sum())} value(s) beyond "
                                f"+-{ARRAY_LIMITS[name]:g} (first {a[first]:g} at {list(first)})")
    for (name, channel), (what, low, high) in CHANNEL_RANGES.items():
        if name in out:
            values = out[name][..., channel]
            with np.errstate(invalid="ignore"):
                outside = (values < low) | (values > high)
            if outside.any():
                first = tuple(int(k) for k in np.argwhere(outside)[0])
                problems.append(f"{where}: {name} has {int(outside.sum())} {what} value(s) outside "
                                f"{low:g}..{high:g} (first {values[first]:g} at "
                                f"{[*first, channel]})")
    for name in ("facial_frames", "scenic_frames"):
        if name not in out:
            continue
        idx = out[name]
        outside = (idx < 0) | (idx >= frames)
        if outside.any():
            problems.append(f"{where}: {name} has frame indices outside 0..{frames - 1} "
                            f"(e.g. {int(idx[outside][0])} at position "
                            f"{int(np.flatnonzero(outside)[0])})")
        elif len(idx) > 1 and (np.diff(idx) <= 0).any():
            problems.append(f"{where}: {name} is not strictly increasing (at position "
                            f"{int(np.flatnonzero(np.diff(idx) <= 0)[0]) + 1})")
    if "facial" in out and "facial_mask" in out:
        stray = ~out["facial_mask"] & (out["facial"] != 0).any(axis=1)
        if stray.any():
            problems.append(f"{where}: facial has non-zero rows where facial_mask is False "
                            f"(rows {np.flatnonzero(stray)[:5].tolist()})")
    return out, problems


def load_npz(path: str | os.PathLike, frames: int, streams: Sequence[str] = STREAMS,
             where: str | None = None) -> tuple[dict, list[str]]:
    """Load and check one clip file (only the arrays of ``streams``); returns (arrays,
    problems) as :func:`check_arrays`. A missing file raises :class:`VDVFileNotFoundError`."""
    path = Path(path)
    where = where or str(path)
    if (why := file_problem(path)) in ("no such file", "a broken symbolic link"):
        raise VDVFileNotFoundError(f"{where}: missing (listed in {TABLE_FILE})")
    if why:
        return {}, [f"{where}: is {why}"]
    wanted = [n for n, spec in ARRAYS.items() if spec[0] in streams]
    arrays, problems, unreadable = {}, [], []
    try:
        archive = np.load(path, allow_pickle=False)
    except Exception as err:  # noqa: BLE001 - a corrupt file can fail in many ways
        return {}, [f"{where}: cannot be read as a NumPy .npz file "
                    f"({type(err).__name__}: {err})"]
    if not hasattr(archive, "files"):
        return {}, [f"{where}: is a single .npy array, not an .npz archive of named arrays"]
    names = archive.zip.namelist()
    if twice := sorted({n for n in names if names.count(n) > 1}):
        archive.close()
        return {}, [f"{where}: the archive holds {', '.join(twice)} more than once (which one is meant?)"]
    with archive:
        for name in wanted:
            if name not in archive.files:
                continue
            try:
                arrays[name] = archive[name]
            except Exception as err:  # noqa: BLE001 - object arrays (pickle), corrupt members
                unreadable.append(name)
                problems.append(f"{where}: {name} cannot be read ({type(err).__name__}: "
                                f"{err}; object arrays need pickle and are refused)")
    out, more = check_arrays(arrays, frames, where, streams)
    more = [p for p in more
            if not any(p.startswith(f"{where}: missing array {n!r}") for n in unreadable)]
    return out, problems + more
