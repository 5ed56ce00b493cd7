"""VDV-style features on disk: the folder layout, an exporter and a validating reader.

The real VDV features (Wang et al. 2021) cannot be had, but a reader who has extracted features of
the same kind from their own dance clips can point appendix A1 and chapters 2-5 at them: write
them in the layout below and open the folder with :class:`VDVFiles`, which reads like
:class:`~vira.data.synthetic.synthetic_vdv.SyntheticVDV` (``table``, ``len``, ``ds[i]``, ``clip``,
``track``). :func:`export` writes any such data set (the synthetic one included) in this layout.

Layout of a folder
------------------

``clips.csv``, one row per clip; the row position (0, 1, ...) is the clip's index. Columns::

    column     type         meaning
    clip       text         file stem: the clip's arrays are in clips/<clip>.npz; unique, no
                            path separators (the exporter writes f"{challenge}_{index:05d}")
    challenge  text         "C1" .. "C8" (the eight challenges of the paper's Table 1)
    split      text         "train" or "test" (the fixed split of every track)
    frames     int >= 1     T, the number of video frames (25 fps) = rows of skeleton/holistic
    days       float >= 0   days between upload and the crawl of the counts
    likes      float >= 0   count of likes      } at crawl time
    comments   float >= 0   count of comments   }
    reposts    float >= 0   count of reposts    }
    label      float        the VDV popularity label (Eq. 1-2: vira.labels.vdv_raw, then
                            minmax_by_group per challenge), in [0, 1]
    fps        float > 0    optional: frame rate of the clip (default 25)
    ...                     any other column (e.g. s_raw, or the synthetic truth z, move, face,
                            scene, returns_ok) is kept in ``table`` as it is

``clips/<clip>.npz``, one compressed NumPy file per clip (``numpy.savez_compressed``; read with
``allow_pickle=False``, so no object arrays). Arrays::

    array          dtype    shape          meaning
    skeleton       float32  (T, 16, 3)     2-D pose of each frame: x, y in pixels (y down) and
                                           confidence, for the 16 MPII joints in the order of
                                           vira.skeleton.JOINTS; all zeros where the pose
                                           estimator missed the joint (or the whole person)
    holistic       float32  (T, 2048)      whole-frame CNN feature of every frame
    facial         float32  (T_f, 2048)    face feature of every sampled frame (about 3 fps);
                                           rows are all zeros where facial_mask is False
    facial_mask    bool     (T_f,)         True where a face was detected in that frame
    facial_frames  int      (T_f,)         the video frame (0 .. T-1) of each facial row,
                                           strictly increasing
    scenic         float32  (T_s, 512)     scene (background) feature of every sampled frame
                                           (about 4 fps)
    scenic_frames  int      (T_s,)         the video frame (0 .. T-1) of each scenic row,
                                           strictly increasing

T_f or T_s may be 0 (no sampled frames). Any float dtype is accepted for the float arrays (they
are read as float32), any integer dtype for the frame indices; NaN or inf is refused. Other arrays
in a file are ignored, and so are files in ``clips/`` that ``clips.csv`` does not list.

Checks: opening a folder reads and checks ``clips.csv`` (all its problems in one
:class:`VDVFormatError`); a clip file is checked when it is loaded (``clip``), only for the
streams asked for; :meth:`VDVFiles.validate_all` loads every file once and lists every problem.
Every message names the file (``clips.csv``, ``clips/<clip>.npz``) and the column or array, e.g.
``clips/C1_00003.npz: holistic has shape (375, 1024), expected (T, 2048)``.

Used by appendix A1 (``A1_synthetic_vdv``: exporting the synthetic set, the reference of the
layout) and chapters 2-5 (which read real VDV-style features through :class:`VDVFiles` when
they are given).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from vira.skeleton import V
from vira.data.synthetic.appearance import FACIAL_OUT, HOLISTIC_OUT, SCENIC_OUT
from vira.data.synthetic.synthetic_vdv import CHALLENGES, FPS, STREAMS, TRACKS, Clip

#: The metadata table and the folder of clip files, relative to the data set's folder.
TABLE_FILE = "clips.csv"
CLIPS_DIR = "clips"
#: Columns every ``clips.csv`` must have (others are kept).
REQUIRED_COLUMNS = ("clip", "challenge", "split", "frames", "days", "likes", "comments",
                    "reposts", "label")
SPLITS = ("train", "test")
COUNT_COLUMNS = ("likes", "comments", "reposts")
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


def _summarise(problems: Sequence[str], head: str | None = None) -> str:
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
    if not path.is_file():
        raise VDVFileNotFoundError(
            f"{TABLE_FILE}: missing in {folder} (a VDV folder holds {TABLE_FILE} and "
            f"{CLIPS_DIR}/<clip>.npz; see vira.data.real.vdv_files)")
    try:
        table = pd.read_csv(path, dtype={"clip": str, "challenge": str, "split": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise VDVFormatError(f"{TABLE_FILE}: cannot be read as CSV ({err})") from err
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise VDVFormatError(
            f"{TABLE_FILE}: missing column(s) {', '.join(repr(c) for c in missing)} "
            f"(required: {', '.join(REQUIRED_COLUMNS)})")
    problems = _table_problems(table)
    if problems:
        raise VDVFormatError(_summarise(problems, f"{TABLE_FILE}: {len(problems)} problems:"
                                        if len(problems) > 1 else None))
    table = table.reset_index(drop=True)
    table["frames"] = table["frames"].astype(np.int64)
    return table


def _row(table: pd.DataFrame, i: int) -> str:
    return f"{TABLE_FILE} row {i} (line {i + 2}, clip {_value(table['clip'].iat[i])})"


def _value(x) -> str:
    return repr(x.item() if isinstance(x, np.generic) else x)


def _table_problems(table: pd.DataFrame) -> list[str]:
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
                                      or stem.startswith(".") or stem != stem.strip()):
            problem(i, f"clip {stem!r} is not a plain file stem")
    for i in np.flatnonzero(stems.duplicated().to_numpy() & stems.notna().to_numpy()):
        problem(i, f"clip {stems.iat[i]!r} appears more than once")
    for i, c in enumerate(table["challenge"]):
        if isinstance(c, str) and c not in CHALLENGES.index:
            problem(i, f"challenge {c!r} is not one of {', '.join(CHALLENGES.index)}")
    for i, s in enumerate(table["split"]):
        if isinstance(s, str) and s not in SPLITS:
            problem(i, f"split {s!r} is not one of {', '.join(SPLITS)}")
    numeric = ["frames", "days", *COUNT_COLUMNS, "label"]
    if "fps" in table.columns:
        numeric.append("fps")
    for col in numeric:
        values = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if col == "frames":
            bad |= np.isfinite(values) & ((values < 1) | (values != np.round(values)))
            rule = "an integer >= 1"
        elif col in ("days", *COUNT_COLUMNS):
            bad |= values < 0
            rule = "a finite number >= 0"
        elif col == "fps":
            bad |= values <= 0
            rule = "a finite number > 0"
        else:
            rule = "a finite number"
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
    if not path.is_file():
        raise VDVFileNotFoundError(f"{where}: missing (listed in {TABLE_FILE})")
    wanted = [n for n, spec in ARRAYS.items() if spec[0] in streams]
    arrays, problems, unreadable = {}, [], []
    try:
        archive = np.load(path, allow_pickle=False)
    except Exception as err:  # noqa: BLE001 - a corrupt file can fail in many ways
        return {}, [f"{where}: cannot be read as a NumPy .npz file "
                    f"({type(err).__name__}: {err})"]
    if not hasattr(archive, "files"):
        return {}, [f"{where}: is a single .npy array, not an .npz archive of named arrays"]
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


class VDVFiles:
    """A VDV-style data set on disk (the module docstring gives the layout), read like
    :class:`~vira.data.synthetic.synthetic_vdv.SyntheticVDV`.

    ``files.table`` is ``clips.csv`` (one row per clip, index = clip index), ``len(files)``,
    ``files[i]`` / ``files.clip(i, device, streams)`` load clip i (checked when loaded),
    ``files.track(name)`` gives a track's (train, test) indices, ``files.validate_all()`` checks
    every file. Used by appendix A1 and chapters 2-5.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.table = read_table(self.folder)

    def __repr__(self) -> str:
        return f"VDVFiles({str(self.folder)!r}, {len(self)} clips)"

    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, index: int) -> Clip:
        return self.clip(index)

    def relpath(self, index: int) -> str:
        """``clips/<clip>.npz`` of clip ``index``, relative to the folder (as in messages)."""
        return f"{CLIPS_DIR}/{self.table['clip'].iat[index]}.npz"

    def path(self, index: int) -> Path:
        """The clip file of clip ``index``."""
        return self.folder / CLIPS_DIR / f"{self.table['clip'].iat[index]}.npz"

    def track(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(train, test) clip indices of track ``name``: "C1".."C8" (one challenge) or "all"
        (every clip), split by the ``split`` column. Two int arrays, ascending."""
        if name not in TRACKS:
            raise ValueError(f"unknown track {name!r}: choose one of {', '.join(TRACKS)}")
        t = self.table
        member = (np.ones(len(t), bool) if name == "all"
                  else (t["challenge"] == name).to_numpy())
        return (np.flatnonzero(member & (t["split"] == "train").to_numpy()),
                np.flatnonzero(member & (t["split"] == "test").to_numpy()))

    def _check_index(self, index: int) -> int:
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            raise TypeError(f"clip index must be an int, not {type(index).__name__}")
        if not 0 <= index < len(self):
            raise IndexError(f"clip index {index} out of range (0..{len(self) - 1})")
        return int(index)

    def arrays(self, index: int, streams: Sequence[str] = STREAMS) -> dict[str, np.ndarray]:
        """The checked NumPy arrays of clip ``index`` for ``streams`` (names as in the layout:
        skeleton (T, 16, 3) float32, ..., scenic_frames (T_s,) int64). Raises
        :class:`VDVFormatError` (every problem of the file) or :class:`VDVFileNotFoundError`."""
        index = self._check_index(index)
        unknown = set(streams) - set(STREAMS)
        if unknown:
            raise ValueError(f"unknown stream(s) {sorted(unknown)}: choose from {STREAMS}")
        out, problems = load_npz(self.path(index), int(self.table["frames"].iat[index]),
                                 streams, where=self.relpath(index))
        if problems:
            raise VDVFormatError(_summarise(
                problems, f"{self.relpath(index)}: {len(problems)} problems:"
                if len(problems) > 1 else None))
        return out

    def clip(self, index: int, device=None, streams: tuple[str, ...] = STREAMS) -> Clip:
        """Load clip ``index`` (the streams asked for; the others stay None) with its tensors on
        ``device`` (default: the CPU): skeleton (T, 16, 3), holistic (T, 2048), facial
        (T_f, 2048) float32, facial_mask (T_f,) bool; facial_frames (T_f,) and scenic_frames
        (T_s,) are int64 NumPy arrays; scenic (T_s, 512) float32. ``extra["clip"]`` is the stem."""
        import torch

        index = self._check_index(index)
        a = self.arrays(index, streams)
        dev = torch.device(device or "cpu")
        row = self.table.iloc[index]
        fps = float(row["fps"]) if "fps" in self.table.columns else FPS
        out = Clip(index, str(row["challenge"]), fps, extra={"clip": str(row["clip"])})
        for name in ("skeleton", "holistic", "facial", "facial_mask", "scenic"):
            if name in a:
                setattr(out, name, torch.from_numpy(np.ascontiguousarray(a[name])).to(dev))
        for name in ("facial_frames", "scenic_frames"):
            if name in a:
                setattr(out, name, a[name])
        return out

    def validate_all(self, progress: bool = True, strict: bool = False) -> list[str]:
        """Load every clip file once and return every problem found (an empty list: the folder
        follows the layout). With ``strict``, raise :class:`VDVFormatError` listing them."""
        from tqdm import tqdm

        problems: list[str] = []
        for i in tqdm(range(len(self)), desc=f"checking {self.folder.name}", unit="clip",
                      disable=not progress):
            try:
                problems += load_npz(self.path(i), int(self.table["frames"].iat[i]), STREAMS,
                                     where=self.relpath(i))[1]
            except VDVFileNotFoundError as err:
                problems.append(str(err))
        if problems and strict:
            raise VDVFormatError(_summarise(
                problems, f"{self.folder}: {len(problems)} problem(s) in the clip files:"))
        return problems


# -- writing ---------------------------------------------------------------------------------------
def _atomic_write(path: Path, write: Callable, mode: str = "wb") -> None:
    """Write ``path`` through a temporary file in the same folder and ``os.replace``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, mode, **({"newline": ""} if "b" not in mode else {})) as f:
            write(f)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _numpy(x):
    if x is None:
        return None
    if hasattr(x, "detach"):  # a torch tensor, on any device
        return x.detach().cpu().numpy()
    return np.asarray(x)


def export(dataset, folder: str | os.PathLike, indices: Iterable[int] | None = None,
           progress: bool = True) -> Path:
    """Write ``dataset`` (anything with ``.table``, ``len()`` and ``.clip(i)`` returning a
    :class:`~vira.data.synthetic.synthetic_vdv.Clip` with every stream, e.g. ``SyntheticVDV`` or
    ``VDVFiles``) in the layout of this module, and return the folder as a Path.

    ``indices`` (default: every clip) chooses the clips, in that order; they become rows 0, 1,
    ... of the new ``clips.csv``. Stems are the table's ``clip`` column if it has one, else
    ``f"{challenge}_{index:05d}"`` with the source index. Each clip is checked before it is
    written; each file is written atomically (a temporary name, then ``os.replace``), and
    ``clips.csv`` last, so a folder with a ``clips.csv`` is complete.
    """
    from tqdm import tqdm

    folder = Path(folder)
    table = dataset.table
    n = len(dataset)
    indices = list(range(n)) if indices is None else [int(i) for i in indices]
    outside = [i for i in indices if not 0 <= i < n]
    if outside:
        raise IndexError(f"clip indices {outside[:5]} out of range (0..{n - 1})")
    if len(set(indices)) != len(indices):
        raise ValueError("indices must not repeat a clip")
    missing = [c for c in REQUIRED_COLUMNS if c != "clip" and c not in table.columns]
    if missing:
        raise ValueError(f"dataset.table lacks column(s) {', '.join(missing)}")
    rows = table.iloc[indices].reset_index(drop=True)
    if "clip" in rows.columns:
        stems = rows.pop("clip").astype(str)
    else:
        stems = pd.Series([f"{c}_{i:05d}" for c, i in zip(rows["challenge"], indices)])
    rows.insert(0, "clip", stems.to_numpy())
    problems = _table_problems(rows)
    if problems:
        raise VDVFormatError(_summarise(problems, "the table to export breaks the layout:"))
    (folder / CLIPS_DIR).mkdir(parents=True, exist_ok=True)
    for k, i in enumerate(tqdm(indices, desc=f"exporting to {folder.name}", unit="clip",
                               disable=not progress)):
        clip = dataset.clip(i)
        raw = {name: _numpy(getattr(clip, name, None)) for name in ARRAYS}
        where = f"{CLIPS_DIR}/{rows['clip'].iat[k]}.npz (clip {i} of the source)"
        arrays, problems = check_arrays(raw, int(rows["frames"].iat[k]), where)
        if problems:
            raise VDVFormatError(_summarise(problems))
        _atomic_write(folder / CLIPS_DIR / f"{rows['clip'].iat[k]}.npz",
                      lambda f, a=arrays: np.savez_compressed(f, **a))
    _atomic_write(folder / TABLE_FILE, lambda f: rows.to_csv(f, index=False), mode="w")
    return folder
