"""VDV-style features on disk: the folder layout and a validating reader.

The real VDV features (Wang et al. 2021) cannot be had, but a reader who has extracted features of
the same kind from their own dance clips can point appendix A1 and chapters 2-5 at them: write
them in the layout below and open the folder with :class:`VDVFiles`, a
:class:`vira.data.layout.ClipSource` like :class:`~vira.data.synthetic.synthetic_vdv.SyntheticVDV`
(``table``, ``len``, ``ds[i]``, ``clip``, ``track``). :func:`vira.data.real.vdv_export.export`
writes any clip source (the synthetic one included) in this layout; the checks of a table and of
a clip's arrays are :mod:`vira.data.real.vdv_checks`.

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

Checks (:mod:`vira.data.real.vdv_checks`): opening a folder reads and checks ``clips.csv`` (all
its problems in one ``VDVFormatError``); a clip file is checked when it is loaded (``clip``), only
for the streams asked for; :meth:`VDVFiles.validate_all` loads every file once and lists every
problem. Every message names the file (``clips.csv``, ``clips/<clip>.npz``) and the column or
array, e.g. ``clips/C1_00003.npz: holistic has shape (375, 1024), expected (T, 2048)``.

Used by appendix A1 (``A1_synthetic_vdv``: exporting the synthetic set and reading it back, the
reference of the layout). A folder in this layout can stand in for the generator of chapters 2-5:
their data sets (:mod:`vira.data.clips`) take any clip source.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vira.data.layout import FPS, STREAMS, Clip, check_streams, track_indices
from vira.data.real.vdv_checks import (CLIPS_DIR, VDVFileNotFoundError, VDVFormatError, load_npz,
                                       read_table, summarise)


class VDVFiles:
    """A VDV-style data set on disk (the module docstring gives the layout), a
    :class:`vira.data.layout.ClipSource` read like
    :class:`~vira.data.synthetic.synthetic_vdv.SyntheticVDV`.

    ``files.table`` is ``clips.csv`` (one row per clip, index = clip index), ``len(files)``,
    ``files[i]`` / ``files.clip(i, device, streams)`` load clip i (checked when loaded),
    ``files.track(name)`` gives a track's (train, test) indices, ``files.validate_all()`` checks
    every file. Used by appendix A1.
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
        return track_indices(self.table, name)

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
        streams = check_streams(streams)
        out, problems = load_npz(self.path(index), int(self.table["frames"].iat[index]),
                                 streams, where=self.relpath(index))
        if problems:
            raise VDVFormatError(summarise(
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
            raise VDVFormatError(summarise(
                problems, f"{self.folder}: {len(problems)} problem(s) in the clip files:"))
        return problems
