"""The VDV clip layout: what one dance clip of the VDV data set is, whoever produces it.

The VDV paper (Wang et al. 2021, §3, §4.3, §5.1, Table 1) describes TikTok dance clips of eight
challenges, each seen through four streams:

==========  ==================  ==========================================================
stream      shape               what
==========  ==================  ==========================================================
skeleton    (T, 16, 3)          2-D pose of every frame (:data:`FPS`): x, y in pixels (y down)
                                and confidence of the 16 MPII joints (:data:`vira.skeleton.JOINTS`)
holistic    (T, 2048)           whole-frame CNN feature of every frame (:data:`HOLISTIC_OUT`)
facial      (T_f, 2048)         face feature of every sampled frame (:data:`FACIAL_FPS`),
                                with a mask of the frames where a face was detected
scenic      (T_s, 512)          scene feature of every sampled frame (:data:`SCENIC_FPS`)
==========  ==================  ==========================================================

A clip belongs to a challenge (:data:`CHALLENGES`) and to the train or test split of the fixed
80/20 split; a *track* (:data:`TRACKS`) is one challenge or all of them.

Every clip source reads the same way, :class:`ClipSource`: the generated benchmark
(:class:`vira.data.synthetic.synthetic_vdv.SyntheticVDV`), its long-range variant
(:class:`vira.data.synthetic.long_range.LongRangeVDV`) and features on disk
(:class:`vira.data.real.vdv_files.VDVFiles`). The Dataset adapters of :mod:`vira.data.clips`
accept any of them. Used by chapters 2-5 and appendix A1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

#: Frame rate of the skeleton and holistic streams (frames per second).
FPS = 25.0
#: Faces are sampled 3.6 times a second and about one in five is missed (the dancer looks away, an
#: arm covers the face), leaving about 2.9 detected faces a second: Table 1 has 180k over 17.1 h.
FACIAL_FPS = 3.6
SCENIC_FPS = 4.2  # Table 1: 258k scenic images over 17.1 h
#: Widths of the three feature streams (the outputs of the paper's pretrained extractors, §5.1).
HOLISTIC_OUT, FACIAL_OUT, SCENIC_OUT = 2048, 2048, 512
STREAMS = ("skeleton", "holistic", "facial", "scenic")
TRACKS = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "all")
SPLITS = ("train", "test")

#: The eight challenges. ``clips``, ``hours`` and ``views_m`` are Table 1 of the paper; the
#: emphasis follows §5.3 (C2/C6 lower body, C1/C3/C4 upper body, C5/C7/C8 both). Tempo, the
#: returning routines and the modality weights (movement, face, scene) are the synthetic
#: benchmark's choices (:mod:`vira.data.synthetic.synthetic_vdv` reads them, appendix A1 shows
#: them).
CHALLENGES = pd.DataFrame({
    "clips": [1447, 932, 735, 467, 239, 230, 128, 114],
    "hours": [5.1, 3.9, 3.1, 2.0, 1.0, 1.0, 0.5, 0.5],
    "views_m": [3223, 32, 622, 225, 184, 216, 715, 153],
    "emphasis": ["upper", "lower", "upper", "upper", "both", "lower", "both", "both"],
    "bpm": [100, 124, 110, 96, 128, 118, 104, 90],
    "returns": [False, False, True, False, True, False, False, True],
    "w_move": [0.60, 0.70, 0.50, 0.45, 0.60, 0.65, 0.40, 0.55],
    "w_face": [0.30, 0.10, 0.35, 0.45, 0.20, 0.10, 0.30, 0.25],
    "w_scene": [0.10, 0.20, 0.15, 0.10, 0.20, 0.25, 0.30, 0.20],
}, index=[f"C{i}" for i in range(1, 9)])


@dataclass
class Clip:
    """One clip. Shapes: skeleton (T, 16, 3) = (x, y, confidence) in pixels, y down, zeros where
    the pose estimator missed; holistic (T, 2048); facial (T_f, 2048) with ``facial_mask``
    (T_f,) False where no face was detected (those rows are zero) and ``facial_frames`` (T_f,)
    the video frames they come from; scenic (T_s, 512) with ``scenic_frames``. Streams are
    float32 torch tensors on the requested device, ``facial_mask`` a bool tensor, the
    ``*_frames`` int64 NumPy arrays; a stream not asked for stays None. ``extra`` holds what a
    source adds (e.g. the file stem of :class:`vira.data.real.vdv_files.VDVFiles`)."""

    index: int
    challenge: str
    fps: float
    skeleton: object = None
    holistic: object = None
    facial: object = None
    facial_mask: object = None
    facial_frames: np.ndarray | None = None
    scenic: object = None
    scenic_frames: np.ndarray | None = None
    extra: dict = field(default_factory=dict)


@runtime_checkable
class ClipSource(Protocol):
    """What every clip source provides (``isinstance(x, ClipSource)`` checks the names):

    * ``len(source)``: the number of clips, indexed 0 .. N-1;
    * ``source.table``: a pandas DataFrame with one row per clip (row k is clip k), with at
      least a ``label`` and a ``split`` ("train" / "test") column;
    * ``source.clip(index, device=None, streams=...)``: clip ``index`` as a :class:`Clip`, with
      the streams asked for (a subset of :data:`STREAMS`) as tensors on ``device``;
    * ``source.track(name)``: the (train, test) clip indices of track ``name``, two ascending
      int arrays.
    """

    table: pd.DataFrame

    def __len__(self) -> int: ...

    def clip(self, index: int, device=None, streams: tuple[str, ...] = STREAMS) -> Clip: ...

    def track(self, name: str) -> tuple[np.ndarray, np.ndarray]: ...


def track_indices(table: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) row indices of track ``name`` of a clip table: "C1".."C8" (the rows whose
    ``challenge`` is that one) or "all" (every row), split by the ``split`` column. Two int
    arrays, ascending. The ``track`` of every VDV-style source."""
    if name not in TRACKS:
        raise ValueError(f"unknown track {name!r}: choose one of {', '.join(TRACKS)}")
    member = (np.ones(len(table), bool) if name == "all"
              else (table["challenge"] == name).to_numpy())
    return (np.flatnonzero(member & (table["split"] == "train").to_numpy()),
            np.flatnonzero(member & (table["split"] == "test").to_numpy()))


def check_streams(streams, allowed: tuple[str, ...] = STREAMS) -> tuple[str, ...]:
    """``streams`` as a tuple, or ``ValueError`` naming the unknown ones (an empty list is an
    error too: a clip of no stream is nothing)."""
    streams = (streams,) if isinstance(streams, str) else tuple(streams)
    unknown = [m for m in streams if m not in allowed]
    if unknown or not streams:
        raise ValueError(f"unknown stream(s) {unknown or list(streams)}: choose a non-empty "
                         f"subset of {', '.join(allowed)}")
    return streams
