"""Rendered short videos with engagement counts and a dial for how much content matters (chapter 7).

The Viral Vision paper trained a video network on 7,522 TikTok videos and their four engagement
counts. Those videos cannot be had, so this module makes videos whose pixels are known to carry,
or not carry, what the counts depend on.

**Content.** Every video is a dancer (:mod:`vira.data.synthetic.dance`) rendered to RGB frames by
:func:`vira.data.synthetic.render.render_frames`. Three latents are visible in the pixels: the face
latent (the colour of the face), the scene latent (the background's colour and stripes) and the
movement quality (how well the dancer performs the routine, :func:`vira.data.synthetic.dance.joint_quality`,
standardised). The **content score** is their mean, scaled to unit variance:
``c = (face + scene + move) / sqrt(3)``.

**Counts.** A video's virality factor mixes content and luck with the **dial** ``d`` in [0, 1],
``v = sqrt(d) c + sqrt(1 - d) u`` with ``u`` standard normal noise (``d = 0``: the counts do not
depend on the pixels at all; ``d = 1``: the factor is the content itself). Each metric m
(comments, likes, plays, shares) has a normal score ``z_m = sqrt(r) v + sqrt(1 - r) e_m`` (``e_m``
its own noise), turned into a count through that metric's quantile function, which passes
exactly through the paper's Fig. 2 quartiles and maximum (:func:`count_quantile`). So every
dial setting has the paper's marginals. ``r`` is chosen so that the share of videos above the
median on all four metrics, the paper's "viral" label, is the paper's 1 - 0.6572 = 34.28 %
(Fig. 4 and Table 3) in the population (:func:`shared_factor_for_viral_share`).

**Truth.** Because counts are a known function of ``c`` and noise, the best any model can do from
pixels is known: :meth:`RenderedVideos.oracle` gives the expected label given the content (by
quadrature for the binary label, by Monte Carlo for the continuous score) and its scores.

**Length.** Videos are 100-240 frames at 30 fps, except a planted share of 20 in 7,542 (the
paper's count of videos it dropped for having fewer than 100 frames) with 40-99 frames; the
reader drops and counts them. Only the frames a model asks for are rendered
(:meth:`RenderedVideos.frames`). Everything is a pure function of ``(seed, index)``.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
import torch
from scipy import optimize, special, stats
from sklearn.preprocessing import RobustScaler

from vira import labels
from vira.video import MIN_FRAMES
from vira.data.synthetic import dance

__all__ = ["FIG2", "METRICS", "N_PAPER", "VIRAL_SHARE", "count_quantile", "viral_share",
           "shared_factor_for_viral_share", "RenderedVideos", "RenderedClips"]

METRICS = ("comments", "likes", "plays", "shares")
#: The paper's Fig. 2: mean, standard deviation, quartiles and maximum of every count.
FIG2 = pd.DataFrame(
    {"mean": [2_773, 308_553, 2_519_753, 10_363], "std": [20_689, 996_870, 10_187_573, 50_299],
     "q25": [145, 23_500, 281_125, 135], "q50": [527, 78_600, 803_750, 903],
     "q75": [1_743, 258_675, 2_300_000, 4_732],
     "max": [1_600_000, 46_300_000, 684_000_000, 1_900_000]}, index=list(METRICS))
N_PAPER = 7_542  # 7,522 videos kept + 20 dropped for fewer than 100 frames (§3.2)
N_SHORT = 20
VIRAL_SHARE = 1 - 0.6572  # Table 3's accuracy of "never viral" is the non-viral share
FPS = 30
N_ROUTINES = 4


def _knots(metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Normal scores and log counts of the quantile function's knots: quartiles and maximum, the
    maximum placed at the expected top quantile of ``N_PAPER`` videos, 1 - 1/(N + 1)."""
    if metric not in FIG2.index:
        raise ValueError(f"unknown metric {metric!r}: choose one of {', '.join(METRICS)}")
    p = np.array([0.25, 0.5, 0.75, 1 - 1 / (N_PAPER + 1)])
    q = FIG2.loc[metric, ["q25", "q50", "q75", "max"]].to_numpy(dtype=float)
    return stats.norm.ppf(p), np.log(q)


def count_quantile(metric: str, z) -> np.ndarray:
    """The count of ``metric`` at normal score ``z`` (any shape): ``log(count)`` is linear in ``z``
    between the knots (Fig. 2's quartiles and maximum) and keeps the end segments' slopes beyond
    them, so a standard normal ``z`` gives counts with exactly the paper's quartiles. Floats;
    round them for counts."""
    zk, lk = _knots(metric)
    z = np.asarray(z, dtype=float)
    slope = np.diff(lk) / np.diff(zk)
    seg = np.clip(np.searchsorted(zk, z) - 1, 0, len(slope) - 1)
    return np.exp(lk[seg] + slope[seg] * (z - zk[seg]))


def viral_share(r: float, v_mean=0.0, v_var=1.0) -> np.ndarray:
    """P(all four ``z_m > 0``) when ``z_m = sqrt(r) v + sqrt(1 - r) e_m`` and ``v ~ N(v_mean, v_var)``:
    ``E_v[Phi(sqrt(r) v / sqrt(1 - r))^4]``, by 64-point Gauss-Hermite quadrature. ``v_mean`` may be
    an array (the share given each video's content)."""
    x, w = special.roots_hermitenorm(64)
    v = np.asarray(v_mean, dtype=float)[..., None] + np.sqrt(v_var) * x
    return (stats.norm.cdf(np.sqrt(r) * v / np.sqrt(1 - r)) ** len(METRICS)) @ (w / w.sum())


def shared_factor_for_viral_share(share: float = VIRAL_SHARE) -> float:
    """The ``r`` for which a video is above the median on all four metrics with probability
    ``share`` (from 1/16 at r = 0 to 1/2 at r = 1)."""
    if not 1 / 16 < share < 1 / 2:
        raise ValueError(f"share must lie between 1/16 and 1/2, got {share}")
    return float(optimize.brentq(lambda r: viral_share(r) - share, 1e-9, 1 - 1e-9, xtol=1e-12))


class RenderedVideos:
    """``n`` rendered dance videos (the paper: :data:`N_PAPER`; the chapter chooses ``n``) with
    engagement counts; ``dial`` in [0, 1] sets how much the counts depend on what is visible (see
    the module docstring).

    ``table`` has one row per video: ``frames`` (its length), ``face``, ``scene``, ``move`` (the
    standardised movement quality), ``content``, ``v`` (the virality factor), the four counts and,
    for the videos a reader keeps (at least 100 frames, column ``kept``), the paper's labels
    ``score`` (:func:`vira.labels.viral_vision_score`) and ``viral``
    (:func:`vira.labels.viral_vision_binary`), computed over the kept videos as the paper did,
    and ``log_score``, the score before its min-max squashing (a monotone function of it).
    Used by chapter 7.
    """

    def __init__(self, n: int, dial: float, seed: int = 0, size: int = 112):
        if not 0.0 <= dial <= 1.0:
            raise ValueError(f"dial must lie in [0, 1], got {dial}")
        if n < 8:
            raise ValueError(f"need at least 8 videos, got {n}")
        self.n, self.dial, self.seed, self.size = int(n), float(dial), int(seed), int(size)
        self.r = shared_factor_for_viral_share()
        rng = np.random.default_rng([self.seed, 7, 0])  # the challenge's routines and calibration
        self.routines = [dance.make_routine(rng, bpm, emphasis, False)
                         for bpm, emphasis in zip((96, 110, 120, 128), ("upper", "lower", "both", "upper"))]
        quality = np.array([dance.joint_quality(dance.draw_dancer(rng)).mean() for _ in range(4000)])
        self._move_mean, self._move_std = float(quality.mean()), float(quality.std())
        self.table = self._make_table()

    def _video_rng(self, index: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, 7, 1, int(index)])

    def _latents(self, index: int) -> dict:
        rng = self._video_rng(index)
        dancer = dance.draw_dancer(rng)
        short = rng.random() < N_SHORT / N_PAPER
        frames = int(rng.integers(40, MIN_FRAMES) if short else rng.integers(MIN_FRAMES, 241))
        face, scene, u = rng.normal(size=3)
        e = rng.normal(size=len(METRICS))
        routine = int(rng.integers(N_ROUTINES))
        move = (dance.joint_quality(dancer).mean() - self._move_mean) / self._move_std
        return {"dancer": dancer, "routine": routine, "frames": frames, "face": face, "scene": scene,
                "move": move, "u": u, "e": e}

    def _make_table(self) -> pd.DataFrame:
        rows = []
        for i in range(self.n):
            lat = self._latents(i)
            content = (lat["face"] + lat["scene"] + lat["move"]) / np.sqrt(3)
            v = np.sqrt(self.dial) * content + np.sqrt(1 - self.dial) * lat["u"]
            z = np.sqrt(self.r) * v + np.sqrt(1 - self.r) * lat["e"]
            counts = {m: int(round(float(count_quantile(m, z[k])))) for k, m in enumerate(METRICS)}
            rows.append({"frames": lat["frames"], "routine": lat["routine"], "face": lat["face"],
                         "scene": lat["scene"], "move": lat["move"], "content": content, "v": v,
                         **counts})
        table = pd.DataFrame(rows)
        table["kept"] = table.frames >= MIN_FRAMES
        kept = table[table.kept]
        table["score"] = np.nan
        table["viral"] = pd.array([pd.NA] * len(table), dtype="Int64")
        table.loc[table.kept, "score"] = labels.viral_vision_score(*(kept[m] for m in METRICS))
        # the same combination before the min-max squashing (RobustScaled logs, weighted): a
        # "log-count" target in the counts' own units, for chapter 7's label experiment
        logged = np.column_stack([np.log1p(kept[m].to_numpy(float)) for m in METRICS])
        weights = np.array([labels.VIRAL_VISION_WEIGHTS[m] for m in METRICS])
        self._scaler = RobustScaler().fit(logged)  # kept: the oracle scores with the same scaling
        table["log_score"] = np.nan
        table.loc[table.kept, "log_score"] = self._scaler.transform(logged) @ weights
        table.loc[table.kept, "viral"] = labels.viral_vision_binary(*(kept[m] for m in METRICS))
        return table

    def __len__(self) -> int:
        return self.n

    @cached_property
    def kept(self) -> np.ndarray:
        """Indices of the videos with at least 100 frames (the paper's drop)."""
        return np.flatnonzero(self.table.kept.to_numpy())

    def joints(self, index: int, start: int = 0, count: int | None = None) -> np.ndarray:
        """The dancer's joints (count, 16, 2) in torso units for frames [start, start + count)."""
        lat = self._latents(index)
        rng = np.random.default_rng([self.seed, 7, 3, int(index)])  # the performance's own stream
        offsets, _ = dance.perform(self.routines[lat["routine"]], lat["dancer"], lat["frames"], FPS, rng)
        body = dance.forward_kinematics(offsets, lat["dancer"].bone_scale)
        stop = lat["frames"] if count is None else min(lat["frames"], start + count)
        return body[start:stop]

    def frames(self, index: int, start: int = 0, count: int | None = None, device=None):
        """RGB frames (count, size, size, 3) uint8 of video ``index`` from frame ``start`` (fewer
        when the video ends first): only these frames are rendered."""
        from vira.data.synthetic.render import render_frames

        if not 0 <= index < self.n:
            raise IndexError(f"video {index} out of range: {self.n} videos")
        n_frames = int(self.table.frames.iat[index])
        if not 0 <= start < n_frames:
            raise ValueError(f"video {index}: start {start} is outside its {n_frames} frames")
        row = self.table.iloc[index]
        return render_frames(self.joints(index, start, count), float(row.face), float(row.scene),
                             size=self.size, device=device)

    def oracle(self, indices=None, draws: int = 512) -> pd.DataFrame:
        """The best prediction from the pixels, per video: ``p_viral`` = P(viral | content) (by
        quadrature) and ``score`` = E[score | content] (Monte Carlo over the luck ``u`` and the
        metric noise ``e``, ``draws`` draws, scored with the labels' own scaling fitted on the kept
        videos). Rows in the order of ``indices`` (default: the kept videos)."""
        idx = self.kept if indices is None else np.asarray(indices)
        c = self.table.content.to_numpy()[idx]
        mean_v, var_v = np.sqrt(self.dial) * c, 1 - self.dial
        p_viral = viral_share(self.r, mean_v, var_v) if var_v > 0 else viral_share(self.r, mean_v, 1e-12)
        scaler = self._scaler
        weights = np.array([labels.VIRAL_VISION_WEIGHTS[m] for m in METRICS])
        raw_kept = self.table.log_score.to_numpy()[self.kept]
        lo, hi = raw_kept.min(), raw_kept.max()
        rng = np.random.default_rng([self.seed, 7, 2])
        u = rng.normal(size=(1, draws, 1))
        e = rng.normal(size=(1, draws, len(METRICS)))
        v = mean_v[:, None, None] + np.sqrt(var_v) * u
        z = np.sqrt(self.r) * v + np.sqrt(1 - self.r) * e  # (N, draws, 4)
        counts = np.stack([np.round(count_quantile(m, z[..., k])) for k, m in enumerate(METRICS)], -1)
        raw = ((np.log1p(counts) - scaler.center_) / scaler.scale_) @ weights
        score = ((raw - lo) / (hi - lo)).mean(1)
        return pd.DataFrame({"p_viral": p_viral, "score": score}, index=idx)


class RenderedClips:
    """A dataset of ``(clip (3, n_frames, size, size), label)`` items for :class:`ViralVisionNet`
    (:mod:`vira.models.viral_vision`) from the videos ``indices`` of ``videos``.

    ``target`` is ``"score"`` (the continuous label) or ``"viral"`` (the binary one) or any other
    column of ``videos.table``; ``labels`` (len(indices),) replaces it (e.g. shuffled). With
    ``random_start`` (training) every read of an item draws a new start, as the paper's random
    clips, from a generator seeded by (seed, item, how many times it was read), so a run is
    reproducible; otherwise (evaluation) the clip is the middle ``n_frames`` of the video. Frames
    go through :func:`vira.video.preprocess_clip`. Used by chapter 7.
    """

    def __init__(self, videos: RenderedVideos, indices, target: str = "score", n_frames: int = 32,
                 random_start: bool = False, seed: int = 0, labels=None):
        self.videos, self.indices = videos, np.asarray(indices, dtype=int)
        bad = [int(i) for i in self.indices if not videos.table.kept.iat[int(i)]]
        if bad:
            raise ValueError(f"videos {bad[:5]} have fewer than {MIN_FRAMES} frames (dropped)")
        if labels is None:
            if target not in videos.table:
                raise ValueError(f"unknown target {target!r}: not a column of the table")
            labels = videos.table[target].to_numpy(dtype=np.float32)[self.indices]
        self.labels = np.asarray(labels, dtype=np.float32)
        if self.labels.shape != self.indices.shape:
            raise ValueError(f"labels: {self.labels.shape[0]} values for {len(self.indices)} videos")
        self.n_frames, self.random_start, self.seed = int(n_frames), bool(random_start), int(seed)
        self._reads = np.zeros(len(self.indices), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, k: int):
        from vira.video import preprocess_clip

        index = int(self.indices[k])
        length = int(self.videos.table.frames.iat[index])
        last = max(0, length - self.n_frames)
        if self.random_start:
            start = int(np.random.default_rng([self.seed, k, int(self._reads[k])]).integers(0, last + 1))
            self._reads[k] += 1
        else:
            start = last // 2
        frames = self.videos.frames(index, start, self.n_frames)
        clip = preprocess_clip(frames, self.n_frames, self.videos.size, start=0)
        return clip, torch.tensor(self.labels[k])
