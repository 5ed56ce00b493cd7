"""vira.engagement (SnapUGC Eq. 1-2) and vira.metrics.rmse_top (Eq. 6), against values by hand."""

import numpy as np
import pytest

from vira import engagement as eng
from vira.metrics import rmse_top


def test_awt_awp_and_ecr_by_hand():
    assert eng.awt([0, 4, 20, 26]) == pytest.approx(12.5)
    assert eng.awp(12.0, 10.0) == pytest.approx(1.2)  # a replay: AWP above 1
    assert eng.awp(0.0, 30.0) == 0.0
    assert np.allclose(eng.awp([5.0, 30.0], [10.0, 60.0]), [0.5, 0.5])
    # 5 s exactly does not count: P(watch > 5 s)
    assert eng.ecr([0, 4, 5, 20, 26]) == pytest.approx(0.4)
    assert eng.ecr([6, 7], threshold=6.5) == pytest.approx(0.5)


def test_nawp_eq2_by_hand_with_the_cap_and_zero():
    assert eng.f_max(10) == pytest.approx(11.2)  # 0.556 * 10 + 5.64
    assert eng.nawp(10.0, 10.0) == pytest.approx(10 / 11.2)
    assert eng.nawp(13.94, 15.0) == pytest.approx(13.94 / 13.98)
    assert eng.nawp(30.0, 40.0) == 1.0  # 30 s > f_max(40) = 27.88 s: capped at 1
    assert eng.nawp(0.0, 60.0) == 0.0
    assert np.allclose(eng.nawp([10.0, 100.0], [10.0, 10.0]), [10 / 11.2, 1.0])
    # f_min moves the floor: (6 - 2) / (11.2 - 2)
    assert eng.nawp(6.0, 10.0, f_min=2.0) == pytest.approx(4 / 9.2)


def test_fit_fmax_recovers_a_line_through_the_per_duration_top_3_percent():
    d = np.repeat([10.0, 20.0], 100)
    a = np.concatenate([np.arange(100) * 0.1, np.arange(100) * 0.2])
    # the 0.97 quantile of 0, 0.1, ..., 9.9 is 9.603 (position 96.03); of 0, 0.2, ..., 19.8, 19.206
    slope, intercept = eng.fit_fmax(a, d)
    assert slope == pytest.approx(0.9603) and intercept == pytest.approx(0.0, abs=1e-9)
    rng = np.random.default_rng(0)  # a planted line: uniform AWT below 0.6 d + 4 / 0.97
    d = rng.uniform(10, 60, 200_000)
    a = rng.uniform(0, 1, d.size) * (0.6 * d + 4) / 0.97
    slope, intercept = eng.fit_fmax(a, d)
    assert slope == pytest.approx(0.6, abs=0.01) and intercept == pytest.approx(4, abs=0.3)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="watch_times is empty"):
        eng.awt([])
    with pytest.raises(ValueError, match=r"watch_times must be finite and >= 0; position 1 is -1"):
        eng.ecr([3.0, -1.0])
    with pytest.raises(ValueError, match="position 0 is nan"):
        eng.awt([np.nan])
    with pytest.raises(ValueError, match=r"duration must be finite and > 0; position 1 is 0"):
        eng.nawp([1.0, 2.0], [10.0, 0.0])
    with pytest.raises(ValueError, match="two duration bins"):
        eng.fit_fmax(np.ones(50), np.full(50, 12.0))
    with pytest.raises(ValueError, match="not above f_min"):
        eng.nawp(1.0, 10.0, slope=-1.0, intercept=0.0)


def test_rmse_top_ranks_by_the_true_value_and_keeps_ties_at_the_cut():
    target = np.array([0.1, 0.9, 0.5, 0.9, 0.3, 0.2, 0.4, 0.6, 0.7, 0.8])
    pred = np.array([0.9, 0.7, 0.5, 1.0, 0.3, 0.2, 0.4, 0.6, 0.7, 0.5])  # a big error at 0.1 (not top)
    # k = 10: ceil(1) = 1 video, but two tie at 0.9 -> both: sqrt((0.2^2 + 0.1^2) / 2)
    assert rmse_top(pred, target, k=10) == pytest.approx(np.sqrt(0.025))
    assert rmse_top(pred, target, k=20) == pytest.approx(np.sqrt(0.025))
    # k = 30: the top three are 0.9, 0.9, 0.8 -> sqrt((0.04 + 0.01 + 0.09) / 3)
    assert rmse_top(pred, target, k=30) == pytest.approx(np.sqrt(0.14 / 3))
    order = np.random.default_rng(1).permutation(10)
    assert rmse_top(pred[order], target[order], k=10) == rmse_top(pred, target, k=10)
    with pytest.raises(ValueError, match="percentage"):
        rmse_top(pred, target, k=0)
