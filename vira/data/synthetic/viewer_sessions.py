"""Simulated viewer sessions of short videos, with a planted truth (chapter 6).

SnapUGC's engagement labels come from the platform's viewer logs, which cannot be had. This
module simulates them. Every video has a duration ``d`` (10-60 s) and three latents:

* ``hook``: how strongly its opening holds a viewer (decides who swipes away at once);
* ``interest``: how interesting the rest is (decides how long a viewer who stays keeps watching,
  and whether they watch it again);
* ``fame``: how well known its creator is (drives views, not watching).

A **session** is one viewer's watch of the video, a swipe-or-stay process:

1. The viewer stays past the opening with probability ``sigmoid(stay_logit + hook_effect * hook)``;
   otherwise they swipe away after an exponential time with mean ``swipe_mean_s`` (cut at ``d``).
2. A viewer who stays leaves at a constant rate ``leave_rate * exp(-interest_effect * interest)``
   per second (an exponential watch time). Reaching the end, they watch again with probability
   ``sigmoid(replay_logit + replay_effect * interest)``, at most ``max_loops`` times in all, so a
   session can last longer than the video (AWP above 1).

The parameters (:class:`SessionModel`) are set once from first principles, not fitted to the
paper's figures: half the viewers of an average opening swipe away; those who swipe do so within
about 1.5 s; a viewer who stays watches an average video for 20 s on average; one in eight
viewers who reach the end of an average video watches it again. The paper's observations (AWP
falls with duration, bimodal NAWP and ECR, their correlation of 0.926) are tested in chapter 6,
not tuned towards.

Because the process is simple, the **expected** AWT and ECR of every video have closed forms
(:meth:`SessionModel.expected`), which give the noise-free truth behind each simulated metric.

The predictor of chapter 6 sees **per-clip features**: the video is cut into clips of 16 frames at
30 fps (as the SnapUGC clips are), and every clip gets the 8 features that
:func:`vira.video_features.clip_features` measures on real frames (:data:`FEATURES`), here made
from the latents with noise: the opening clips (first ``hook_seconds``) carry the hook in
``motion``, ``colourfulness`` and ``cuts``; every clip carries the interest in ``sharpness``,
``contrast``, ``saturation`` and ``motion_change``; every clip has a video-level style and its own
noise. Everything is a pure function of ``(seed, index)``.

**The difficulty dial.** ``signal`` scales how strongly the features carry the latents (1: the
loadings above; 0: features that are pure style and noise). The sessions, and so every label, do
not depend on it: turning the dial changes only what a model can see. Because the features are
the latents plus Gaussian noise, the best any model can do from them is known:
:meth:`ViewerSessions.latent_posterior` conditions the latents on a video's features exactly, and
:meth:`ViewerSessions.feature_oracle` turns that posterior into the expected NAWP and ECR. Chapter 6
reads the dial at the setting where this ceiling equals the paper's score.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from vira.engagement import ECR_SECONDS, awt, ecr, fit_fmax, nawp
# the features the extractor measures on real clips, and those clips' layout: the simulator
# imitates the extractor, so the extractor owns them
from vira.video_features import CLIP_FRAMES, FEATURES, FPS

#: The paper's data set: 90,000 videos, each with more than 2,000 views (sessions).
PAPER_VIDEOS, PAPER_SESSIONS = 90_000, 2_000

#: Which features carry which latent, and how strongly at ``signal = 1`` (in standard units; every
#: clip adds noise of standard deviation 1, every video a style of standard deviation STYLE_SD).
HOOK_FEATURES, HOOK_LOAD = ("motion", "colourfulness", "cuts"), 0.8  # in the opening clips only
INTEREST_FEATURES, INTEREST_LOAD = ("sharpness", "contrast", "saturation", "motion_change"), 0.4
STYLE_SD = 0.5


def _check_signal(signal) -> float:
    if isinstance(signal, bool) or not isinstance(signal, (int, float, np.floating, np.integer)) \
            or not np.isfinite(signal) or signal < 0:
        raise ValueError(f"signal={signal!r}: need a finite number >= 0 (1 = the chapter's features)")
    return float(signal)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class SessionModel:
    """Parameters of the swipe-or-stay process (see the module docstring for their reasons)."""

    stay_logit: float = 0.0        # sigmoid(0) = half the viewers of an average opening stay
    hook_effect: float = 1.5       # one standard deviation of hook: 50 % -> 82 % stay
    swipe_mean_s: float = 1.5      # a swipe comes after 1.5 s on average
    leave_rate: float = 1 / 20     # a stayer of an average video leaves after 20 s on average
    interest_effect: float = 1.0   # one standard deviation of interest: e times slower to leave
    replay_logit: float = -2.0     # sigmoid(-2) = 12 % of those at the end watch again
    replay_effect: float = 1.5
    max_loops: int = 5
    hook_interest_corr: float = 0.5  # good openings and good bodies come together, partly

    def expected(self, hook, interest, duration):
        """Closed-form expected AWT and ECR of videos (arrays of one shape); returns ``(awt, ecr)``.

        With ``p`` the stay probability, ``tau`` the mean swipe time, ``lam`` the leave rate,
        ``r`` the replay probability, ``d`` the duration and ``K`` the loop limit::

            E[watch | swipe] = tau (1 - exp(-d / tau))
            E[watch | stay]  = (1 - exp(-lam d)) / lam * sum_{k < K} (r exp(-lam d))^k
            ECR = (1 - p) exp(-5 / tau) + p exp(-5 lam)        (d > 5 s)
        """
        h, q, d = (np.asarray(x, dtype=float) for x in (hook, interest, duration))
        p = _sigmoid(self.stay_logit + self.hook_effect * h)
        tau = self.swipe_mean_s
        lam = self.leave_rate * np.exp(-self.interest_effect * q)
        r = _sigmoid(self.replay_logit + self.replay_effect * q)
        c = r * np.exp(-lam * d)
        loops = (1 - c ** self.max_loops) / (1 - c)
        stay = (1 - np.exp(-lam * d)) / lam * loops
        swipe = tau * (1 - np.exp(-d / tau))
        awt = (1 - p) * swipe + p * stay
        ecr = (1 - p) * np.exp(-ECR_SECONDS / tau) + p * np.exp(-ECR_SECONDS * lam)
        return awt, ecr

    def sessions(self, hook: float, interest: float, duration: float, n: int,
                 rng: np.random.Generator) -> np.ndarray:
        """``n`` simulated watch times (s) of one video, shape ``(n,)``."""
        stay = rng.random(n) < _sigmoid(self.stay_logit + self.hook_effect * hook)
        swipe = np.minimum(rng.exponential(self.swipe_mean_s, n), duration)
        lam = self.leave_rate * np.exp(-self.interest_effect * interest)
        r = _sigmoid(self.replay_logit + self.replay_effect * interest)
        total, watching = np.zeros(n), np.ones(n, dtype=bool)
        for _ in range(self.max_loops):
            t = rng.exponential(1 / lam, n)
            total += np.where(watching, np.minimum(t, duration), 0.0)
            watching &= (t >= duration) & (rng.random(n) < r)  # reached the end and watches again
        return np.where(stay, total, swipe)


class ViewerSessions:
    """Videos with planted latents, simulated sessions and engagement metrics (chapter 6).

    ``n_videos`` videos (the paper: :data:`PAPER_VIDEOS`) of ``sessions`` simulated sessions each
    (the paper: more than :data:`PAPER_SESSIONS`); the chapter chooses both.

    ``table`` has one row per video: ``duration``, ``hook``, ``interest``, ``fame``, ``views``,
    ``likes``, ``sessions``, the simulated ``awt``, ``awp``, ``ecr`` (:func:`vira.engagement.awt`,
    :func:`vira.engagement.ecr` of its sessions), ``nawp`` (Eq. 2 with the
    line ``fmax = (slope, intercept)`` fitted to this data set by :func:`vira.engagement.fit_fmax`),
    their noise-free ``*_expected`` values, and ``split`` ("train" / "test", 90/10 as in
    §5.1). :meth:`watch_times` regenerates one video's sessions; :meth:`clip_features` its input.
    ``signal`` is the difficulty dial (module docstring); :meth:`with_signal` turns it without
    simulating the sessions again. Used by chapter 6.
    """

    def __init__(self, n_videos: int, sessions: int, seed: int = 0,
                 model: SessionModel = SessionModel(), progress: bool = False, signal: float = 1.0):
        for name, value in (("n_videos", n_videos), ("sessions", sessions)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name}={value!r}: need a positive number")
        self.signal = _check_signal(signal)
        self.seed, self.model = seed, model
        n, per_video = int(n_videos), int(sessions)
        rng = np.random.default_rng([seed, 6, 0])
        duration = rng.uniform(10.0, 60.0, n)
        z = rng.standard_normal((n, 3))
        rho = model.hook_interest_corr
        hook = z[:, 0]
        interest = rho * z[:, 0] + np.sqrt(1 - rho ** 2) * z[:, 1]
        fame = z[:, 2]
        # views: set by the recommender and the creator's fame far more than by the video itself
        views = 2000 + np.round(1000 * np.exp(1.2 * fame + 0.2 * interest + 0.5 * rng.standard_normal(n)))
        like_rate = 0.01 * _sigmoid(0.8 * interest + 0.4 * hook - 2.0)
        likes = rng.binomial(views.astype(np.int64), like_rate)
        awt_sim, ecr_sim = np.empty(n), np.empty(n)
        from tqdm.auto import tqdm

        for i in tqdm(range(n), desc="viewer sessions", disable=not progress, mininterval=2):
            w = model.sessions(hook[i], interest[i], duration[i], per_video, self._rng(i))
            awt_sim[i], ecr_sim[i] = awt(w), ecr(w)
        awt_exp, ecr_exp = model.expected(hook, interest, duration)
        split = np.where(rng.random(n) < 0.9, "train", "test")
        #: Eq. 1 fitted to this data set by the paper's procedure (the paper's own line was fitted
        #: to SnapUGC); NAWP uses it, as the paper's NAWP uses the line fitted to its data.
        # 1 s duration bins, or wider when there are too few videos for ~68 per bin (smoke)
        self.fmax_bin_seconds = max(1.0, 50.0 * 68 / n)
        self.fmax = fit_fmax(awt_sim, duration, bin_seconds=self.fmax_bin_seconds)
        self.table = pd.DataFrame({
            "duration": duration, "hook": hook, "interest": interest, "fame": fame,
            "views": views.astype(np.int64), "likes": likes, "sessions": per_video,
            "awt": awt_sim, "awp": awt_sim / duration, "ecr": ecr_sim,
            "nawp": nawp(awt_sim, duration, *self.fmax),
            "awt_expected": awt_exp, "ecr_expected": ecr_exp,
            "nawp_expected": nawp(awt_exp, duration, *self.fmax), "split": split})
        self.params = asdict(model)

    def with_signal(self, signal: float) -> "ViewerSessions":
        """The same videos, sessions and labels with the features at another ``signal`` (a copy
        that shares ``table``; nothing is simulated again)."""
        other = copy.copy(self)
        other.signal = _check_signal(signal)
        return other

    def _rng(self, i: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, 6, 1, i])

    def __len__(self) -> int:
        return len(self.table)

    def watch_times(self, i: int) -> np.ndarray:
        """The simulated watch times (s) of video ``i``, shape ``(sessions,)``: the same numbers
        its metrics in ``table`` were computed from."""
        row = self.table.iloc[i]
        return self.model.sessions(row.hook, row.interest, row.duration, int(row.sessions), self._rng(i))

    def n_clips(self, i: int) -> int:
        """Clips of 16 frames at 30 fps in video ``i`` (a last partial clip is dropped)."""
        return int(round(self.table.duration.iat[i] * FPS)) // CLIP_FRAMES

    def clip_features(self, i: int, hook_seconds: float = 3.0) -> np.ndarray:
        """Per-clip features of video ``i``, shape ``(n_clips, 8)`` in :data:`FEATURES` order,
        standardised units. See the module docstring for what carries which latent."""
        row = self.table.iloc[i]
        rng = np.random.default_rng([self.seed, 6, 2, i])
        loading = self._loadings(i, hook_seconds)  # (n_clips, 8, 2): per clip and feature, on (hook, interest)
        load = loading @ np.array([row.hook, row.interest])
        style = STYLE_SD * rng.standard_normal(len(FEATURES))  # one look per video
        return (load + style + rng.standard_normal(load.shape)).astype(np.float32)

    def _loadings(self, i: int, hook_seconds: float = 3.0) -> np.ndarray:
        """How much of (hook, interest) each clip's features of video ``i`` carry at this
        ``signal``, shape ``(n_clips, 8, 2)``."""
        t = (np.arange(self.n_clips(i)) + 0.5) * CLIP_FRAMES / FPS  # clip centres (s)
        loading = np.zeros((len(t), len(FEATURES), 2))
        for name in HOOK_FEATURES:
            loading[:, FEATURES.index(name), 0] = self.signal * HOOK_LOAD * (t < hook_seconds)
        for name in INTEREST_FEATURES:
            loading[:, FEATURES.index(name), 1] = self.signal * INTEREST_LOAD
        return loading

    def latent_posterior(self, i: int, hook_seconds: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
        """The exact posterior of video ``i``'s ``(hook, interest)`` given its clip features:
        ``(mean (2,), covariance (2, 2))``.

        The features are linear in the latents plus Gaussian style and noise, and the latents
        are Gaussian with correlation ``model.hook_interest_corr``, so the posterior is Gaussian.
        Within one feature, clips with the same loading differ only by noise, so their mean is a
        sufficient statistic: we condition on the mean of every feature over the opening clips
        and over the rest (16 numbers), whose noise covariance is ``STYLE_SD^2`` between the two
        parts of a feature plus ``1 / clips`` on the diagonal. With prior covariance ``P``,
        loadings ``B`` and noise covariance ``S``: mean ``P B' (B P B' + S)^{-1} y``, covariance
        ``P - P B' (B P B' + S)^{-1} B P``.
        """
        x = self.clip_features(i, hook_seconds).astype(float)
        loading = self._loadings(i, hook_seconds)
        t = (np.arange(len(x)) + 0.5) * CLIP_FRAMES / FPS
        parts = [p for p in (t < hook_seconds, t >= hook_seconds) if p.any()]
        y, B, blocks = [], [], []
        for f in range(len(FEATURES)):
            for p in parts:
                y.append(x[p, f].mean())
                B.append(loading[p, f].mean(axis=0))
            blocks.append(STYLE_SD ** 2 + np.diag([1.0 / p.sum() for p in parts]))
        y, B = np.array(y), np.array(B)
        S = np.zeros((len(y), len(y)))
        for f, block in enumerate(blocks):
            k = slice(f * len(parts), (f + 1) * len(parts))
            S[k, k] = block
        rho = self.model.hook_interest_corr
        P = np.array([[1.0, rho], [rho, 1.0]])
        gain = P @ B.T @ np.linalg.inv(B @ P @ B.T + S)
        return gain @ y, P - gain @ B @ P

    def feature_oracle(self, indices, draws: int = 256) -> dict[str, np.ndarray]:
        """The best prediction of NAWP and ECR from the features alone, for videos ``indices``:
        the posterior mean of the expected NAWP and ECR (``SessionModel.expected``, NAWP with this
        data set's line), by ``draws`` Monte Carlo draws from :meth:`latent_posterior` (seeded by
        the video). Returns ``{"nawp": (N,), "ecr": (N,)}``. No model that sees only the features
        can rank the videos better in expectation: the ceiling that chapter 6 reads off the dial."""
        if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
            raise ValueError(f"draws={draws!r}: need a positive number")
        out = {"nawp": [], "ecr": []}
        for i in np.asarray(indices, dtype=int):
            mean, cov = self.latent_posterior(int(i))
            z = np.random.default_rng([self.seed, 6, 3, int(i)]).multivariate_normal(mean, cov, draws)
            d = self.table.duration.iat[i]
            awt_, ecr_ = self.model.expected(z[:, 0], z[:, 1], d)
            out["nawp"].append(float(np.mean(nawp(awt_, d, *self.fmax))))
            out["ecr"].append(float(np.mean(ecr_)))
        return {k: np.array(v) for k, v in out.items()}

    def inputs(self, indices) -> dict:
        """The predictor's input for videos ``indices``: ``clips (N, T, 8)`` float32 zero-padded
        to the longest, ``mask (N, T)`` bool, ``duration (N,)`` float32 (torch tensors)."""
        import torch

        feats = [self.clip_features(int(i)) for i in indices]
        T = max(len(f) for f in feats)
        clips = np.zeros((len(feats), T, len(FEATURES)), dtype=np.float32)
        mask = np.zeros((len(feats), T), dtype=bool)
        for j, f in enumerate(feats):
            clips[j, :len(f)], mask[j, :len(f)] = f, True
        return {"clips": torch.from_numpy(clips), "mask": torch.from_numpy(mask),
                "duration": torch.tensor(self.table.duration.to_numpy()[np.asarray(indices)],
                                         dtype=torch.float32)}
