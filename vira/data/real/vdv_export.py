"""Writing a clip source in the VDV layout on disk (:mod:`vira.data.real.vdv_files` describes it).

:func:`export` writes any :class:`vira.data.layout.ClipSource` (the synthetic benchmark, or a
folder read by :class:`vira.data.real.vdv_files.VDVFiles`) as ``clips.csv`` and one
``clips/<clip>.npz`` per clip, checking each clip against the layout
(:func:`vira.data.real.vdv_checks.check_arrays`) before it is written. Used by appendix A1.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from vira.data.real.vdv_checks import (ARRAYS, CLIPS_DIR, REQUIRED_COLUMNS, TABLE_FILE,
                                       VDVFormatError, check_arrays, summarise, table_problems)


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
    """Write ``dataset`` (a :class:`vira.data.layout.ClipSource` whose ``clip(i)`` has every
    stream, e.g. ``SyntheticVDV`` or ``VDVFiles``) in the layout of
    :mod:`vira.data.real.vdv_files` in ``folder``, and return the folder as a Path.

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
    problems = table_problems(rows)
    if problems:
        raise VDVFormatError(summarise(problems, "the table to export breaks the layout:"))
    (folder / CLIPS_DIR).mkdir(parents=True, exist_ok=True)
    for k, i in enumerate(tqdm(indices, desc=f"exporting to {folder.name}", unit="clip",
                               disable=not progress)):
        clip = dataset.clip(i)
        raw = {name: _numpy(getattr(clip, name, None)) for name in ARRAYS}
        where = f"{CLIPS_DIR}/{rows['clip'].iat[k]}.npz (clip {i} of the source)"
        arrays, problems = check_arrays(raw, int(rows["frames"].iat[k]), where)
        if problems:
            raise VDVFormatError(summarise(problems))
        _atomic_write(folder / CLIPS_DIR / f"{rows['clip'].iat[k]}.npz",
                      lambda f, a=arrays: np.savez_compressed(f, **a))
    _atomic_write(folder / TABLE_FILE, lambda f: rows.to_csv(f, index=False), mode="w")
    return folder
