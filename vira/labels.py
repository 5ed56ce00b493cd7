"""Virality labels of the five papers, exactly as each defines them.

Used by chapter 1 (``01_labels``), by the synthetic benchmark (:mod:`vira.data`) to label its
generated counts, and by the chapters that train on those labels.

* VDV paper (Wang et al. 2021) §3.2: :func:`vdv_raw` (Eq. 1) then :func:`minmax_by_group` (Eq. 2).
* Viral Vision (Ellis et al.) §3.3: :func:`viral_vision_score` (continuous, its Eq. 1) and
  :func:`viral_vision_binary`.
* Pay Attention to Virality (Bielski and Trzcinski 2018) §2: :func:`follower_normalized_binary`.

Every function takes 1-D NumPy arrays or pandas Series of equal length, refuses negative or
non-finite values with a ``ValueError`` that names the argument and the first bad position, and
returns a NumPy array (float for scores, int 0/1 for binary labels), never NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import RobustScaler

#: What :func:`minmax_by_group` returns for a group whose values are all equal (one video, or
#: ties): the middle of [0, 1]. Such a group has no ranking inside it, so neither 0 nor 1 is right.
CONSTANT_GROUP_SCORE = 0.5

#: Viral Vision's weights in its Eq. 1 (§3.3.1), chosen by its authors "from general knowledge".
VIRAL_VISION_WEIGHTS = {"comments": 0.1, "likes": 0.4, "plays": 0.3, "shares": 0.2}


def _where(pos: int, index) -> str:
    label = index[pos] if index is not None else None
    label = label.item() if hasattr(label, "item") else label
    return f"position {pos}" + (f" (index {label!r})" if index is not None else "")


def as_counts(name: str, values, *, allow_zero: bool = True) -> np.ndarray:
    """Validate one input as a 1-D float array of finite, non-negative numbers.

    The error names the argument and the first bad position (and, for a Series, its index label).
    """
    index = values.index if isinstance(values, pd.Series) else None
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}: not numeric ({err})") from None
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, got shape {arr.shape}")
    bad = ~np.isfinite(arr) | (arr < 0) | ((arr == 0) if not allow_zero else False)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        need = "positive" if not allow_zero else "non-negative"
        raise ValueError(f"{name}: value {float(arr[pos])!r} at {_where(pos, index)} is not a "
                         f"finite {need} number "
                         f"({int(bad.sum())} bad value(s) in all)")
    return arr


def _same_length(**arrays: np.ndarray) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"inputs differ in length: {lengths}")


def vdv_raw(likes, comments, reposts, days) -> np.ndarray:
    """VDV Eq. 1: ``s_r = log2((likes + comments + reposts + 1) / clip(days, 1, 7))``.

    ``days`` is the time since upload; clipping it to [1, 7] assumes popularity accumulates within
    about a week (chapter 1 tests that assumption on real re-scraped videos). Shape (N,).
    """
    arrays = {n: as_counts(n, v) for n, v in
              dict(likes=likes, comments=comments, reposts=reposts, days=days).items()}
    _same_length(**arrays)
    total = arrays["likes"] + arrays["comments"] + arrays["reposts"] + 1.0
    return np.log2(total / np.clip(arrays["days"], 1.0, 7.0))


def minmax(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]; all-equal input maps to :data:`CONSTANT_GROUP_SCORE`."""
    lo, hi = values.min(), values.max()
    if hi == lo:
        return np.full(values.shape, CONSTANT_GROUP_SCORE)
    return (values - lo) / (hi - lo)


def minmax_by_group(values, groups) -> np.ndarray:
    """VDV Eq. 2: ``s = (s_r - min s_r) / (max s_r - min s_r)`` within each group (challenge).

    A group whose values are all equal (a single video, or ties) maps to
    :data:`CONSTANT_GROUP_SCORE` (0.5), never NaN. ``values`` may be negative (log scores) but must
    be finite. Shape (N,), same order as the input.
    """
    index = values.index if isinstance(values, pd.Series) else None
    vals = np.asarray(values, dtype=np.float64)
    if vals.ndim != 1:
        raise ValueError(f"values: expected a 1-D array, got shape {vals.shape}")
    if not np.isfinite(vals).all():
        pos = int(np.flatnonzero(~np.isfinite(vals))[0])
        raise ValueError(f"values: value {float(vals[pos])!r} at {_where(pos, index)} is not finite")
    codes, _ = pd.factorize(pd.Series(np.asarray(groups, dtype=object)), use_na_sentinel=False)
    _same_length(values=vals, groups=codes)
    out = np.empty_like(vals)
    for code in np.unique(codes):
        member = codes == code
        out[member] = minmax(vals[member])
    return out


def viral_vision_score(comments, likes, plays, shares) -> np.ndarray:
    """Viral Vision's continuous virality (§3.3.1), in [0, 1].

    Each metric is log-transformed, then scaled with scikit-learn's ``RobustScaler`` (median and
    inter-quartile range, fitted on the videos given), combined as
    ``0.1 comments + 0.4 likes + 0.3 plays + 0.2 shares`` and min-max scaled to [0, 1].
    The paper says only "log"; we use ``log1p`` (natural log of 1 + count) so that zero counts work.
    The base of the log does not matter: RobustScaler divides it out. Shape (N,).
    """
    metrics = {n: as_counts(n, v) for n, v in
               dict(comments=comments, likes=likes, plays=plays, shares=shares).items()}
    _same_length(**metrics)
    logged = np.column_stack([np.log1p(metrics[n]) for n in VIRAL_VISION_WEIGHTS])
    scaled = RobustScaler().fit_transform(logged)
    raw = scaled @ np.array(list(VIRAL_VISION_WEIGHTS.values()))
    return minmax(raw)


def viral_vision_binary(comments, likes, plays, shares) -> np.ndarray:
    """Viral Vision's binary label (§3.3.2): 1 where *all four* metrics exceed their median.

    "Exceed" is strict (a video exactly at a median is not above it), and the medians are those of
    the videos given (``numpy.percentile(x, 50)``). Shape (N,), int 0/1.
    """
    metrics = {n: as_counts(n, v) for n, v in
               dict(comments=comments, likes=likes, plays=plays, shares=shares).items()}
    _same_length(**metrics)
    above = [m > np.percentile(m, 50) for m in metrics.values()]
    return np.logical_and.reduce(above).astype(int)


def follower_normalized_binary(views, followers) -> np.ndarray:
    """Pay Attention to Virality's label (§2): views / followers, split at its median.

    Popular (1) is strictly above the median ratio, unpopular (0) at or below it. Followers must be
    positive: a ratio over zero followers is undefined, and the error names the first such video.
    Shape (N,), int 0/1.
    """
    v = as_counts("views", views)
    f = as_counts("followers", followers, allow_zero=False)
    _same_length(views=v, followers=f)
    ratio = v / f
    return (ratio > np.median(ratio)).astype(int)
