import math

import numpy as np
import pytest
from scipy import stats

from vira.tails import hill_alpha, top_share


def test_hill_by_hand():
    # n = 40 -> k = 2: top two 8, 4 over x_(3) = 2 -> mean(log 4, log 2) = 1.5 log 2
    x = [8, 4, 2] + [1] * 37
    assert hill_alpha(x, top=0.05) == pytest.approx(1 / (1.5 * math.log(2)))


def test_hill_recovers_a_pareto_index():
    x = stats.pareto(b=1.5).rvs(size=200_000, random_state=np.random.default_rng(0))
    assert hill_alpha(x, top=0.05) == pytest.approx(1.5, rel=0.03)


def test_top_share_by_hand():
    assert top_share([50, 30, 10, 10], top=0.25) == 0.5
    assert top_share([1, 1, 1], top=0.01) == pytest.approx(1 / 3)  # at least one value


def test_hill_needs_a_tail():
    with pytest.raises(ValueError, match="at least 2"):
        hill_alpha([1, 2, 3], top=0.05)
    with pytest.raises(ValueError, match="values: value -1.0 at position 0"):
        hill_alpha([-1, 2, 3])
