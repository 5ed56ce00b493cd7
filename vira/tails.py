"""How heavy is a tail? The Hill estimator and the share of the top few percent.

Used by chapter 1 (``01_labels``) on the real TikTok counts, and by the synthetic generators to
check that their counts are as heavy-tailed as real ones.
"""

from __future__ import annotations

import numpy as np

from vira.labels import as_counts


def hill_alpha(values, top: float = 0.05) -> float:
    """Hill's estimate of the tail index alpha from the largest ``top`` fraction of positive values.

    With x_(1) >= x_(2) >= ... the positive values sorted downwards and k = floor(top * n):
    ``alpha = 1 / mean_{i <= k} log(x_(i) / x_(k+1))``. For a Pareto tail P(X > x) ~ x^-alpha it
    recovers alpha; alpha < 2 means a tail so heavy that the variance is infinite.
    """
    x = np.sort(as_counts("values", values))[::-1]
    x = x[x > 0]
    k = int(np.floor(top * len(x)))
    if k < 2 or k >= len(x):
        raise ValueError(f"values: need at least 2 values in the top {top:.0%} and one below "
                         f"them ({len(x)} positive values given)")
    return float(1.0 / np.mean(np.log(x[:k] / x[k])))


def top_share(values, top: float = 0.01) -> float:
    """The fraction of the total held by the largest ``top`` fraction of the values (at least one)."""
    x = np.sort(as_counts("values", values))[::-1]
    k = max(1, int(np.floor(top * len(x))))
    return float(x[:k].sum() / x.sum())
