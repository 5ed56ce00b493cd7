"""Engagement metrics of short videos from viewers' watch times (SnapUGC paper, §3.3, Eq. 1-2).

Li et al. (ECCV 2024) measure a short video's engagement by two numbers computed from its
viewers' watch times (in seconds):

* **NAWP**, the normalised average watch percentage (Eq. 2): the average watch time AWT divided by
  ``f_max(d) - f_min(d)`` and capped at 1, where ``f_max(d) = 0.556 d + 5.64`` is a straight line
  through the top 3 % of average watch times across durations ``d`` (Eq. 1, :func:`fit_fmax`) and
  ``f_min(d) = 0``;
* **ECR**, the engagement continuation rate: the share of viewers who watch more than 5 s.

AWT and AWP = AWT / d (:func:`awt`, :func:`awp`) are the plain metrics the paper argues against.
Used by chapter 6. Inputs are validated: a negative, non-finite or missing watch time or duration
raises ``ValueError`` naming the argument and the position.
"""

from __future__ import annotations

import numpy as np

__all__ = ["awt", "awp", "ecr", "f_max", "nawp", "fit_fmax", "PAPER_SLOPE", "PAPER_INTERCEPT",
           "ECR_SECONDS"]

PAPER_SLOPE, PAPER_INTERCEPT = 0.556, 5.64  # Eq. 1, fitted on SnapUGC's 90,000 videos
ECR_SECONDS = 5.0  # ECR = P(watch > 5 s)


def _watch_times(watch_times) -> np.ndarray:
    w = np.asarray(watch_times, dtype=float)
    if w.ndim != 1:
        raise ValueError(f"watch_times must be 1-D (one video's sessions), got shape {w.shape}")
    if w.size == 0:
        raise ValueError("watch_times is empty: a video with no sessions has no engagement")
    _check(w, "watch_times", allow_zero=True)
    return w


def _check(x: np.ndarray, name: str, allow_zero: bool) -> None:
    bad = np.flatnonzero(~np.isfinite(x) | ((x < 0) if allow_zero else (x <= 0)))
    if bad.size:
        i = bad[0]
        rule = "finite and >= 0" if allow_zero else "finite and > 0"
        where = f"position {np.unravel_index(i, x.shape) if x.ndim > 1 else i}"
        raise ValueError(f"{name} must be {rule}; {where} is {x.flat[i]}")


def awt(watch_times) -> float:
    """Average watch time (s) of one video: the mean of its sessions' watch times, shape ``(n,)``.

    A session that replays the video counts its whole time, so AWT can exceed the duration."""
    return float(_watch_times(watch_times).mean())


def ecr(watch_times, threshold: float = ECR_SECONDS) -> float:
    """Engagement continuation rate of one video: the share of sessions longer than ``threshold``
    seconds (strictly; the paper writes P(watch > 5 s))."""
    return float((_watch_times(watch_times) > threshold).mean())


def awp(awt, duration):
    """Average watch percentage AWT / d (element-wise; a float for scalars). Above 1 with replays."""
    a, d = np.asarray(awt, dtype=float), np.asarray(duration, dtype=float)
    _check(a, "awt", allow_zero=True)
    _check(d, "duration", allow_zero=False)
    out = a / d
    return float(out) if out.ndim == 0 else out


def f_max(duration, slope: float = PAPER_SLOPE, intercept: float = PAPER_INTERCEPT):
    """Eq. 1: ``slope * d + intercept``, the average watch time of the most engaging videos."""
    return slope * np.asarray(duration, dtype=float) + intercept


def nawp(awt, duration, slope: float = PAPER_SLOPE, intercept: float = PAPER_INTERCEPT,
         f_min: float = 0.0):
    """Eq. 2: ``min((AWT - f_min) / (f_max(d) - f_min), 1)`` element-wise (a float for scalars).

    With the paper's ``f_min = 0`` the value lies in [0, 1]: 0 for AWT = 0, 1 for every video at or
    above the line ``f_max``. Raises ``ValueError`` where ``f_max(d) <= f_min`` (no range)."""
    a, d = np.asarray(awt, dtype=float), np.asarray(duration, dtype=float)
    _check(a, "awt", allow_zero=True)
    _check(d, "duration", allow_zero=False)
    top = f_max(d, slope, intercept)
    if np.any(top <= f_min):
        raise ValueError(f"f_max(d) = {slope} d + {intercept} is not above f_min = {f_min} for "
                         f"every duration given")
    out = np.minimum((a - f_min) / (top - f_min), 1.0)
    return float(out) if out.ndim == 0 else out


def fit_fmax(awt, duration, top: float = 0.03, bin_seconds: float = 1.0,
             min_videos: int | None = None) -> tuple[float, float]:
    """The paper's fit of Eq. 1: a straight line through the top ``top`` share of average watch
    times across durations; returns ``(slope, intercept)``.

    The paper says only that it fits the top 3 % of AWT. Our reading: videos are grouped by
    duration into bins ``bin_seconds`` wide; in each bin the AWT above which the top 3 % of its
    videos lie (the 0.97 quantile, linear interpolation) is one point at the bin's mean duration;
    the line is the least-squares fit through these points, each weighted by its bin's number of
    videos. So about 3 % of the videos of every duration end at or above the line, which is what
    "NAWP of videos with top 3 % average watch time is set to be 1" asks for. Bins with fewer than
    ``min_videos`` videos (default ``ceil(1 / top)``, so that the top share is at least one video)
    are skipped; fewer than two usable bins raise ``ValueError``.
    """
    a, d = np.asarray(awt, dtype=float), np.asarray(duration, dtype=float)
    if a.shape != d.shape or a.ndim != 1:
        raise ValueError(f"awt and duration must be 1-D of one length, got {a.shape} and {d.shape}")
    _check(a, "awt", allow_zero=True)
    _check(d, "duration", allow_zero=False)
    if not 0 < top < 1:
        raise ValueError(f"top must be a share in (0, 1), got {top}")
    min_videos = int(np.ceil(1 / top)) if min_videos is None else min_videos
    bins = np.floor(d / bin_seconds).astype(int)
    xs, ys, ws = [], [], []
    for b in np.unique(bins):
        inside = bins == b
        if inside.sum() >= min_videos:
            xs.append(d[inside].mean())
            ys.append(np.quantile(a[inside], 1 - top))
            ws.append(inside.sum())
    if len(xs) < 2:
        raise ValueError(f"fit_fmax needs two duration bins with at least {min_videos} videos each; "
                         f"found {len(xs)}")
    slope, intercept = np.polyfit(xs, ys, 1, w=np.sqrt(ws))  # polyfit squares the weights
    return float(slope), float(intercept)
