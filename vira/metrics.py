"""Evaluation of virality predictions, used by chapters 2-9.

The VDV paper (Wang et al. 2021, §5.1) evaluates with "Spearman's rank correlation coefficient
(SRC)", computed on the 20 % test split of each track (eight single-challenge tracks C1..C8 and one
all-challenge track) and reported in its Table 3 as one number per model and track, to two
decimals, with no spread over seeds and no confidence interval. This module computes that number
(:func:`srcc`), two companions (:func:`plcc`, :func:`rmse`), and what the paper leaves out: a
paired bootstrap interval (:func:`bootstrap_ci`) and the mean and spread over repeated runs
(:func:`mean_std`, :func:`format_mean_std`). :func:`evaluate_tracks` produces one row per track,
like a row of Table 3 turned on its side.

Inputs are NumPy arrays, lists or PyTorch tensors, 1-D (shape ``(N,)``), of equal length and
finite; anything else raises ``ValueError`` naming the argument (and the first bad position).

**Constant predictions.** A correlation with a constant vector is undefined (0/0). :func:`srcc` and
:func:`plcc` then return ``float("nan")`` without a warning; the caller should test
:func:`is_constant` and report "constant prediction" rather than a number (chapter 7 studies a
model that collapses to a constant, so this is an outcome, not an error).
"""

from __future__ import annotations

import warnings
from typing import Callable, Mapping, Sequence


import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["srcc", "plcc", "rmse", "rmse_top", "is_constant", "bootstrap_ci", "mean_std", "track_srcc",
           "format_mean_std", "evaluate_tracks"]


def _as_1d(name: str, x) -> np.ndarray:
    """Validate one input as a non-empty, finite, 1-D float array; ``ValueError`` otherwise."""
    if hasattr(x, "detach"):                  # torch.Tensor, on any device
        x = x.detach().cpu().numpy()
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D with shape (N,), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    try:
        arr = arr.astype(float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}") from err
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ValueError(f"{name} must be finite; position {bad[0]} is {arr[bad[0]]}")
    return arr


def _pair(pred, target) -> tuple[np.ndarray, np.ndarray]:
    p, t = _as_1d("pred", pred), _as_1d("target", target)
    if p.shape != t.shape:
        raise ValueError(f"pred and target differ in length: pred has {p.size} values, "
                         f"target has {t.size}")
    return p, t


def is_constant(pred, atol: float = 1e-12) -> bool:
    """True when all values of ``pred`` (shape ``(N,)``) lie within ``atol`` of each other.

    A single value counts as constant. Use it before reporting :func:`srcc` / :func:`plcc`.
    """
    p = _as_1d("pred", pred)
    return bool(np.ptp(p) <= atol)


def srcc(pred, target) -> float:
    """Spearman rank correlation (the paper's "SRC") of ``pred`` and ``target``, shape ``(N,)``.

    Ties get average ranks (``scipy.stats.spearmanr``), so without ties this is
    :math:`1 - 6\\sum_i d_i^2 / (n(n^2-1))` with :math:`d_i` the rank differences. Returns
    ``nan`` (no warning) when either input is constant; see the module docstring.
    """
    p, t = _pair(pred, target)
    if is_constant(p) or is_constant(t):
        return float("nan")
    return float(stats.spearmanr(p, t).statistic)


def plcc(pred, target) -> float:
    """Pearson linear correlation of ``pred`` and ``target``, shape ``(N,)``.

    Uses ``scipy.stats.pearsonr``. Returns ``nan`` (no warning) when either input is constant.
    """
    p, t = _pair(pred, target)
    if is_constant(p) or is_constant(t):
        return float("nan")
    return float(stats.pearsonr(p, t).statistic)


def rmse(pred, target) -> float:
    """Root mean square error :math:`\\sqrt{\\frac1N \\sum_i (p_i - t_i)^2}`, shape ``(N,)``."""
    p, t = _pair(pred, target)
    return float(np.sqrt(np.mean((p - t) ** 2)))


def rmse_top(pred, target, k: float = 10.0) -> float:
    """Eq. 6 of the SnapUGC paper: the RMSE over the top ``k`` % of videos ranked by the TRUE value.

    The cut keeps ``ceil(k * N / 100)`` videos (at least one). Ties at the cut are all kept, so the
    set never depends on the order of the input and may hold more videos than that (NAWP is capped
    at 1, so many test videos can tie at the top). Used by chapter 6.
    """
    p, t = _pair(pred, target)
    if not 0 < k <= 100:
        raise ValueError(f"k must be a percentage in (0, 100], got {k}")
    n = max(1, int(np.ceil(k * t.size / 100 - 1e-9)))
    cut = np.sort(t)[::-1][n - 1]
    keep = t >= cut
    return float(np.sqrt(np.mean((p[keep] - t[keep]) ** 2)))


def bootstrap_ci(metric: Callable[[np.ndarray, np.ndarray], float], pred, target,
                 n_resamples: int = 1000, level: float = 0.95,
                 seed: int = 0) -> tuple[float, float, float]:
    """Paired percentile bootstrap interval of ``metric(pred, target)``.

    The (pred, target) pairs are resampled together with replacement (``scipy.stats.bootstrap``
    with ``paired=True, vectorized=False, method="percentile"``, randomness from
    ``rng=np.random.default_rng(seed)``, the keyword SciPy >= 1.15 asks for), so the result is
    deterministic for a fixed seed.

    Args:
        metric: e.g. :func:`srcc`; called as ``metric(pred_resample, target_resample)``.
        pred, target: shape ``(N,)``.
        n_resamples: number of bootstrap resamples.
        level: confidence level in (0, 1).
        seed: seed of the generator.

    Returns:
        ``(estimate, low, high)`` with ``estimate = metric(pred, target)`` on the full data. When
        the estimate is ``nan`` (e.g. a constant prediction), returns ``(nan, nan, nan)`` without
        bootstrapping. Resamples on which the metric is undefined (a correlation of a resample
        whose values were all drawn equal, which happens for small N) are dropped and the bounds
        are the same percentiles of the remaining resamples (``nan`` if none remain).
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    p, t = _pair(pred, target)
    estimate = float(metric(p, t))
    if np.isnan(estimate):
        return float("nan"), float("nan"), float("nan")
    with warnings.catch_warnings():
        # scipy warns when a resample's statistic is nan (its bounds are then nan); we drop
        # such resamples below instead.
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        res = stats.bootstrap((p, t), metric, n_resamples=n_resamples, paired=True,
                              vectorized=False, confidence_level=level, method="percentile",
                              rng=np.random.default_rng(seed))
    low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
    dist = np.asarray(res.bootstrap_distribution, dtype=float)
    finite = dist[np.isfinite(dist)]
    if finite.size < dist.size:
        if finite.size == 0:
            return estimate, float("nan"), float("nan")
        alpha = (1 - level) / 2
        low, high = (float(q) for q in np.quantile(finite, [alpha, 1 - alpha]))
    return estimate, low, high


def mean_std(values: Sequence[float]) -> tuple[float, float, int]:
    """Mean, sample standard deviation (``ddof=1``; 0 for a single value) and count.

    ``values`` is 1-D and finite, e.g. one SRC per seed; a ``nan`` (constant prediction) raises
    ``ValueError`` naming its position, so that it is reported rather than averaged away.
    """
    v = _as_1d("values", values)
    std = float(np.std(v, ddof=1)) if v.size > 1 else 0.0
    return float(np.mean(v)), std, int(v.size)


def format_mean_std(values: Sequence[float], digits: int = 3) -> str:
    """Format :func:`mean_std` as ``"0.512 ± 0.020 (n=3)"`` with ``digits`` decimals."""
    m, s, n = mean_std(values)
    return f"{m:.{digits}f} ± {s:.{digits}f} (n={n})"


def evaluate_tracks(predict: Callable[[str, np.ndarray], object],
                    tracks: Mapping[str, Sequence[int]],
                    target_of: Callable[[np.ndarray], object]) -> pd.DataFrame:
    """Score a model on every track, one row per track (Table 3 of the paper, transposed).

    Args:
        predict: ``predict(name, indices)`` returns the predictions, shape ``(n,)``, for the test
            indices of track ``name``. Chapters pass a closure that trains on the track's
            training split (which it knows from ``name``) and predicts the test indices.
        tracks: ordered mapping track name -> test indices (anything ``np.asarray`` turns into a
            1-D integer array).
        target_of: ``target_of(indices)`` returns the true labels, shape ``(n,)``.

    Returns:
        ``pandas.DataFrame`` indexed by track name (index name ``"track"``, in the order of
        ``tracks``) with columns ``srcc``, ``plcc``, ``rmse`` (floats) and ``n`` (int). ``srcc``
        and ``plcc`` are ``nan`` for a constant prediction; check with :func:`is_constant`.
    """
    rows = {}
    for name, idx in tracks.items():
        idx = np.asarray(idx)
        pred = _as_1d(f"predict({name!r}, ...)", predict(name, idx))
        target = _as_1d(f"target_of(tracks[{name!r}])", target_of(idx))
        if pred.shape != target.shape:
            raise ValueError(f"track {name!r}: prediction has {pred.size} values, target has "
                             f"{target.size}")
        rows[name] = {"srcc": srcc(pred, target), "plcc": plcc(pred, target),
                      "rmse": rmse(pred, target), "n": int(pred.size)}
    df = pd.DataFrame.from_dict(rows, orient="index", columns=["srcc", "plcc", "rmse", "n"])
    df.index.name = "track"
    return df.astype({"srcc": float, "plcc": float, "rmse": float, "n": int})


def track_srcc(pred, target, groups, tracks: Sequence[str]) -> list[float]:
    """SRC of one model's predictions over a pooled test split, on every track: the whole split
    for track ``"all"``, the clips whose group (challenge) is the track's name otherwise.

    ``pred``, ``target`` and ``groups`` are aligned, shape (n,). Returns one SRC per track, in the
    order of ``tracks`` (nan for a constant prediction, see :func:`srcc`). Used by chapters 2, 4
    and 5.
    """
    pred, target = _pair(pred, target)
    groups = np.asarray(groups)
    if groups.shape != pred.shape:
        raise ValueError(f"groups has shape {groups.shape}, predictions {pred.shape}")
    out = []
    for t in tracks:
        keep = np.ones(len(pred), bool) if t == "all" else groups == t
        if not keep.any():
            raise ValueError(f"track {t!r}: no clip of that group in the split")
        out.append(srcc(pred[keep], target[keep]))
    return out
