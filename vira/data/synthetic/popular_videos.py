"""Rendered videos with headlines whose popularity is driven by a planted cue and planted words (chapter 8).

The Pay Attention paper predicts whether a Facebook video is popular (views normalised by the
page's followers, above the median) from 18 frames and its headline, and explains the prediction
with attention over frames (alpha), attention over words (beta) and Grad-CAM. An explanation can
only be checked against a known cause, so this module plants one in each modality:

* **the cue** (frames): in half of the videos a magenta prop (:data:`vira.data.synthetic.render.CUE_COLOUR`)
  appears in a box of ``CUE_SIZE`` x ``CUE_SIZE`` (fractions of the frame) at a random place, in
  ``CUE_RUN`` consecutive frames of the 18 the model sees, at a random point of the run;
* **hot words** (headline): every headline is 6-14 filler words; a video has
  ``n_hot`` ~ Binomial(2, 0.35) of the :data:`HOT_WORDS` inserted at random positions.

Followers are log-normal; the normalised view count is

``log(views / followers) = CUE_EFFECT * cue + WORD_EFFECT * n_hot + NOISE * e``, e ~ N(0, 1),

and the label is the paper's median split (:func:`vira.labels.follower_normalized_binary`). So
the best possible prediction is known: P(popular | cue, n_hot) = Phi((CUE_EFFECT cue +
WORD_EFFECT n_hot - m) / NOISE), with m the median log ratio (:meth:`PopularVideos.oracle`, for
frames only, headline only and both). Everything else in a frame (the dancer, the face colour,
the background) carries nothing about the label.

**Frames** (§2 of the paper): N = 18 timestamps evenly spread over the first 6 s of the video; a
video shorter than 6 s (the dancers here last 3.3-8 s) spreads them over its whole length
instead (:func:`frame_times`). Frames are rendered at 224 x 224. Everything is a pure function of
``(seed, index)``.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
import torch
from scipy import stats

from vira import labels
from vira.data.synthetic.render import render_frames
from vira.data.synthetic.rendered_videos import FPS, RenderedVideos

__all__ = ["PopularVideos", "frame_times", "HOT_WORDS", "FILLER", "N_FRAMES", "CUE_RUN", "CUE_SIZE"]

N_FRAMES = 18  # the paper's N
FIRST_SECONDS = 6.0
CUE_RUN = 3  # consecutive frames (of the 18) that show the cue
CUE_SIZE = 0.22  # side of the cue's box, as a fraction of the frame
CUE_EFFECT, WORD_EFFECT, NOISE = 1.6, 1.2, 0.7
P_CUE, HOT_N, HOT_P = 0.5, 2, 0.35
HOT_WORDS = ("surprise", "puppy", "secret", "giveaway")
FILLER = tuple("""the a my our this that new day time video watch today with for and to in on at of
dance move step beat song music friend family city street home night morning weekend summer try
first last best little big real fun look how why when just one more again back here there we you
they it is was be got make take see go come learn show""".split())


def frame_times(duration_s: float, n: int = N_FRAMES, first: float = FIRST_SECONDS) -> np.ndarray:
    """``n`` timestamps (s) evenly spread over the first ``first`` seconds, each at the middle of
    its slice: ``(k + 0.5) * L / n`` with ``L = min(first, duration)``."""
    if duration_s <= 0:
        raise ValueError(f"duration must be > 0 s, got {duration_s}")
    span = min(first, duration_s)
    return (np.arange(n) + 0.5) * span / n


class PopularVideos:
    """``n`` rendered videos with headlines, followers, views and the paper's label.

    ``table`` has one row per video: ``duration_s``, ``cue`` (0/1), ``cue_start`` (first of the
    ``CUE_RUN`` frames, -1 without cue), ``box`` (x0, y0, x1, y1) fractions, ``headline`` (str),
    ``hot_positions`` (word indices of the hot words), ``n_hot``, ``followers``, ``views``,
    ``ratio`` (views / followers) and ``label``.
    """

    def __init__(self, n: int, seed: int = 0, size: int = 224):
        self.n, self.seed, self.size = int(n), int(seed), int(size)
        self.dancers = RenderedVideos(self.n, dial=0.0, seed=seed, size=size)
        self.table = self._make_table()

    def __len__(self) -> int:
        return self.n

    def _make_table(self) -> pd.DataFrame:
        rng = np.random.default_rng([self.seed, 8, 1])
        n = self.n
        cue = (rng.random(n) < P_CUE).astype(int)
        cue_start = np.where(cue == 1, rng.integers(0, N_FRAMES - CUE_RUN + 1, n), -1)
        x0 = rng.uniform(0.04, 0.96 - CUE_SIZE, n)
        y0 = rng.uniform(0.04, 0.96 - CUE_SIZE, n)
        n_hot = rng.binomial(HOT_N, HOT_P, n)
        headlines, positions = [], []
        for k in range(n):
            words = list(rng.choice(FILLER, rng.integers(6, 15)))
            pos = []
            for w in rng.choice(HOT_WORDS, n_hot[k], replace=False):
                p = int(rng.integers(0, len(words) + 1))
                words.insert(p, str(w))
                pos = [q + (q >= p) for q in pos] + [p]
            headlines.append(" ".join(words))
            positions.append(sorted(pos))
        followers = np.round(np.exp(rng.normal(9.0, 1.5, n))) + 1
        log_ratio = CUE_EFFECT * cue + WORD_EFFECT * n_hot + NOISE * rng.normal(size=n)
        views = np.round(followers * np.exp(log_ratio))
        duration = self.dancers.table.frames.to_numpy()[:n] / FPS
        return pd.DataFrame({
            "duration_s": duration, "cue": cue, "cue_start": cue_start,
            "box": list(zip(x0, y0, x0 + CUE_SIZE, y0 + CUE_SIZE)), "headline": headlines,
            "hot_positions": positions, "n_hot": n_hot, "followers": followers, "views": views,
            "ratio": views / followers, "label": labels.follower_normalized_binary(views, followers)})

    def cue_mask(self, index: int) -> np.ndarray:
        """(18,) bool: which of the model's frames show the cue."""
        m = np.zeros(N_FRAMES, bool)
        s = int(self.table.cue_start.iat[index])
        if s >= 0:
            m[s:s + CUE_RUN] = True
        return m

    def frames(self, index: int, device=None) -> torch.Tensor:
        """The model's 18 frames (18, size, size, 3) uint8 of video ``index``: the frames nearest
        to :func:`frame_times`, with the cue drawn where it is planted."""
        if not 0 <= index < self.n:
            raise IndexError(f"video {index} out of range: {self.n} videos")
        row = self.table.iloc[index]
        n_total = int(self.dancers.table.frames.iat[index])
        idx = np.minimum(np.floor(frame_times(row.duration_s) * FPS).astype(int), n_total - 1)
        joints = self.dancers.joints(index)[idx]
        lat = self.dancers.table.iloc[index]
        mask = self.cue_mask(index)
        return render_frames(joints, float(lat.face), float(lat.scene), size=self.size,
                             cue_box=row.box if mask.any() else None,
                             cue_frames=np.flatnonzero(mask) if mask.any() else None, device=device)

    @cached_property
    def _median_log_ratio(self) -> float:
        return float(np.median(np.log(self.table.ratio.to_numpy())))

    def oracle(self, indices=None) -> pd.DataFrame:
        """P(popular | what a model can see), per video: ``frames`` (knows the cue), ``headline``
        (knows the number of hot words), ``both``. The split's threshold is the sample median
        (a finite-sample detail the formula treats as known)."""
        idx = np.arange(self.n) if indices is None else np.asarray(indices)
        t = self.table.iloc[idx]
        m = self._median_log_ratio

        def p(c, k):
            return stats.norm.sf((m - CUE_EFFECT * c - WORD_EFFECT * k) / NOISE)

        ks = np.arange(HOT_N + 1)
        pk = stats.binom.pmf(ks, HOT_N, HOT_P)
        c, k = t.cue.to_numpy(), t.n_hot.to_numpy()
        frames = sum(w * p(c, kk) for kk, w in zip(ks, pk))
        headline = P_CUE * p(1, k) + (1 - P_CUE) * p(0, k)
        return pd.DataFrame({"frames": frames, "headline": headline, "both": p(c, k)}, index=t.index)
