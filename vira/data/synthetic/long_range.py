"""A long-range variant of the synthetic benchmark: virality depends only on whether a dance ends
in the pose it opened with.

Chapter 4 uses it to test the claim behind RTCN (VDV §4.3): that relational pooling relates
distant moments of a video that a temporal convolution, which sees a window, and a recurrent
network, which must carry a memory, relate less well.

A clip (all draws from ``numpy.random.default_rng([seed, 7, index])``):

1. the dancer holds an *opening pose* for :data:`HOLD` seconds: one of ``poses`` (default 4)
   held poses fixed by the design seed, each six limb angles (elbows, wrists, knees) drawn once
   from N(0, POSE_SPREAD^2) radians, the clip's pose drawn uniformly;
2. blends over :data:`BLEND` seconds into a fixed routine (:func:`vira.data.synthetic.dance.make_routine`)
   danced with the dancer's own qualities, for most of the clip;
3. blends into a *closing pose* held for the last :data:`HOLD` seconds: in half of the clips
   (``match``) the opening pose again, otherwise one of the other held poses, drawn uniformly.

The label is ``match`` (1.0 or 0.0) and nothing else: face, scene, dancer quality and clip length
carry no signal, and the closing hold looks the same (a still pose) whether it matches or not.
So the only way to the label is to compare the first and the last seconds of the clip, which
lie ``seconds - HOLD`` apart. The best achievable score is perfect (ROC AUC 1); chance is 0.5.

Models see the holistic stream, made by the benchmark's own fixed map
(:func:`vira.data.synthetic.synthetic_vdv.holistic_input`, :mod:`vira.data.synthetic.appearance`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from vira.data.layout import FPS, Clip, check_streams
from vira.data.synthetic import dance
from vira.data.synthetic.appearance import feature_map
from vira.data.synthetic.synthetic_vdv import DESIGN_SEED, draw_latents, holistic_input

HOLD = 1.0  # seconds the opening and the closing pose are held
BLEND = 0.5  # seconds of blending between a held pose and the dance
LIMBS = tuple(dance.J[n] for n in ("r_elbow", "r_wrist", "l_elbow", "l_wrist", "r_knee", "l_knee"))
POSE_SPREAD = 1.2  # radians: standard deviation of each limb angle of a held pose


def _ramp(frames: int, hold: int, blend: int) -> np.ndarray:
    """(frames,) weight of the opening pose: 1 during the hold, a cosine down to 0 over the blend."""
    w = np.zeros(frames)
    w[:hold] = 1.0
    down = 0.5 + 0.5 * np.cos(np.pi * np.arange(1, blend + 1) / (blend + 1))
    w[hold:hold + blend] = down[:max(0, min(blend, frames - hold))]
    return w


class LongRangeVDV:
    """``n_clips`` clips of ``seconds`` = (shortest, longest) seconds; ``table`` has one row per
    clip (``frames``, ``seconds``, ``match``, ``label``, ``split`` with a fixed 80/20 split);
    ``clip(i)`` generates clip i's holistic stream; its one track, ``track("all")``, gives the
    (train, test) indices. A :class:`vira.data.layout.ClipSource`. Used by chapter 4."""

    #: The variant has no challenges: its one track is all of its clips.
    TRACKS = ("all",)

    def __init__(self, n_clips: int, seconds: tuple[float, float] = (4.0, 16.0), seed: int = 0,
                 poses: int = 4):
        lo, hi = seconds
        if not 2 * (HOLD + BLEND) < lo <= hi:
            raise ValueError(f"seconds={seconds}: clips must be longer than the two holds and "
                             f"blends ({2 * (HOLD + BLEND)} s) and the range increasing")
        if poses < 2:
            raise ValueError(f"poses={poses}: a clip that does not match needs a second pose")
        if n_clips < 2:
            raise ValueError(f"n_clips={n_clips}: need at least 2 clips")
        self.seed, self.seconds = int(seed), (float(lo), float(hi))
        design = np.random.default_rng([DESIGN_SEED, 7])
        self.poses = np.zeros((poses, dance.CHANNELS))  # the held poses, (K, 18) channel offsets
        self.poses[:, list(LIMBS)] = design.normal(0, POSE_SPREAD, (poses, len(LIMBS)))
        self.routine = dance.make_routine(design, bpm=110,
                                          emphasis="both", returns=False)
        rows = []
        for i in range(n_clips):
            frames, match = self._header(np.random.default_rng([self.seed, 7, i]))
            rows.append((frames, frames / FPS, match))
        t = pd.DataFrame(rows, columns=["frames", "seconds", "match"])
        t["label"] = t.match.astype(float)
        t["split"] = "train"
        order = np.random.default_rng([self.seed, 8]).permutation(n_clips)
        t.loc[order[int(round(0.8 * n_clips)):], "split"] = "test"
        self.table = t

    def __len__(self) -> int:
        return len(self.table)

    def track(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(train, test) clip indices of track ``name``; the variant has one track, "all"."""
        if name not in self.TRACKS:
            raise ValueError(f"unknown track {name!r}: the long-range variant has one track, 'all'")
        s = self.table.split.to_numpy()
        return np.flatnonzero(s == "train"), np.flatnonzero(s == "test")

    def _header(self, rng: np.random.Generator) -> tuple[int, bool]:
        """A clip's first draws: its length in frames and whether it ends as it opened."""
        return int(round(rng.uniform(*self.seconds) * FPS)), bool(rng.random() < 0.5)

    def body(self, index: int) -> tuple[np.ndarray, np.random.Generator, object]:
        """Joint positions (T, 16, 2) in torso units (y up) of clip ``index``, the clip's random
        generator (positioned after the motion's draws) and its latents."""
        if not 0 <= index < len(self):
            raise IndexError(f"clip index {index} out of range (0..{len(self) - 1})")
        rng = np.random.default_rng([self.seed, 7, index])
        frames, match = self._header(rng)
        first = int(rng.integers(0, len(self.poses)))
        other = (first + 1 + int(rng.integers(0, len(self.poses) - 1))) % len(self.poses)
        opening, closing = self.poses[first], self.poses[first if match else other]
        lat = replace(draw_latents(rng, self.seconds, 0.0), frames=frames)
        moving, _ = dance.perform(self.routine, lat.dancer, frames, FPS, rng)
        hold, blend = int(round(HOLD * FPS)), int(round(BLEND * FPS))
        w_open = _ramp(frames, hold, blend)[:, None]
        w_close = _ramp(frames, hold, blend)[::-1, None]
        still = 0.03 * dance.smooth_noise(rng, frames, dance.CHANNELS, FPS, 6.0)  # never frozen
        offsets = moving * (1 - w_open - w_close) + w_open * opening + w_close * closing + still
        return dance.forward_kinematics(offsets, lat.dancer.bone_scale), rng, lat

    def clip(self, index: int, device=None, streams: tuple[str, ...] = ("holistic",)) -> Clip:
        """Clip ``index`` with its holistic stream (T, 2048) on ``device`` (default: the CPU)."""
        if set(check_streams(streams)) - {"holistic"}:
            raise ValueError(f"the long-range variant has only the holistic stream, not {streams}")
        body, rng, lat = self.body(index)
        frames = body.shape[0]
        light = lat.lighting + 0.3 * dance.smooth_noise(rng, frames, 1, FPS, 0.5)[:, 0]
        expression = lat.expression + 0.5 * dance.smooth_noise(rng, frames, 1, FPS, 1.0)[:, 0]
        shake = dance.smooth_noise(rng, frames, 1, FPS, 2.0)[:, 0]
        x = holistic_input(body, lat, expression, light, shake, rng)
        return Clip(index, "long-range", FPS, holistic=feature_map("holistic")(x, device))
