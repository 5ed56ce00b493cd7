"""vira.metrics against values worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from vira.metrics import (bootstrap_ci, evaluate_tracks, format_mean_std, is_constant, mean_std,
                          plcc, rmse, srcc)


def test_srcc_plcc_rmse_by_hand():
    pred, target = [1, 2, 3, 4], [1, 3, 2, 4]
    # ranks equal the values; d = [0, -1, 1, 0], sum d^2 = 2 ; 1 - 6*2/(4*15) = 0.8
    assert srcc(pred, target) == pytest.approx(0.8, abs=1e-12)
    # means 2.5 and 2.5; deviations [-1.5,-.5,.5,1.5] and [-1.5,.5,-.5,1.5]
    # covariance sum 2.25 - .25 - .25 + 2.25 = 4 ; each sum of squares 5 -> r = 4/5
    assert plcc(pred, target) == pytest.approx(0.8, abs=1e-12)
    # errors [0, -1, 1, 0] -> sqrt(2/4)
    assert rmse(pred, target) == pytest.approx(math.sqrt(0.5), abs=1e-12)


def test_reversed_order_and_torch_inputs():
    p = torch.tensor([0.1, 0.2, 0.3], requires_grad=True)
    assert srcc(p, np.array([3.0, 2.0, 1.0])) == pytest.approx(-1.0)
    assert plcc(p, torch.tensor([3.0, 2.0, 1.0])) == pytest.approx(-1.0)
    assert rmse(p, p) == 0.0


def test_constant_prediction_is_nan_and_flagged():
    pred, target = np.full(5, 0.3), np.arange(5.0)
    assert is_constant(pred)
    assert not is_constant(target)
    assert is_constant([2.0])
    assert math.isnan(srcc(pred, target))       # no warning: pytest runs with -W error
    assert math.isnan(plcc(pred, target))
    assert math.isnan(srcc(target, pred))       # a constant target too
    assert rmse(pred, target) == pytest.approx(math.sqrt(np.mean((0.3 - target) ** 2)))
    assert is_constant([1.0, 1.0 + 1e-13]) and not is_constant([1.0, 1.0 + 1e-6])
    assert bootstrap_ci(srcc, pred, target) == pytest.approx((np.nan,) * 3, nan_ok=True)


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match=r"pred must be finite; position 2"):
        srcc([1, 2, np.nan, 4], [1, 2, 3, 4])
    with pytest.raises(ValueError, match=r"target must be finite; position 0"):
        plcc([1, 2, 3], [np.inf, 2, 3])
    with pytest.raises(ValueError, match=r"pred must be 1-D.*\(2, 2\)"):
        rmse(np.ones((2, 2)), np.ones(4))
    with pytest.raises(ValueError, match=r"target is empty"):
        rmse([1.0], [])
    with pytest.raises(ValueError, match=r"pred has 3 values, target has 4"):
        srcc([1, 2, 3], [1, 2, 3, 4])
    with pytest.raises(ValueError, match=r"values must be finite; position 1"):
        mean_std([0.1, float("nan")])


def test_bootstrap_ci_brackets_and_is_deterministic():
    rng = np.random.default_rng(0)
    target = rng.normal(size=40)
    pred = target + rng.normal(scale=1.0, size=40)
    est, low, high = bootstrap_ci(srcc, pred, target, n_resamples=300, seed=1)
    assert est == pytest.approx(srcc(pred, target))
    assert -1 <= low < est < high <= 1
    assert bootstrap_ci(srcc, pred, target, n_resamples=300, seed=1) == (est, low, high)
    assert bootstrap_ci(srcc, pred, target, n_resamples=300, seed=2) != (est, low, high)
    # a wider level gives a wider interval
    _, low99, high99 = bootstrap_ci(srcc, pred, target, n_resamples=300, level=0.99, seed=1)
    assert low99 <= low and high99 >= high
    e, lo, hi = bootstrap_ci(rmse, pred, target, n_resamples=300)
    assert 0 < lo < e < hi


def test_bootstrap_ci_small_sample_drops_undefined_resamples():
    # with 4 pairs many resamples draw one value repeatedly -> srcc undefined; no warning, finite
    est, low, high = bootstrap_ci(srcc, [1, 2, 3, 4], [1, 3, 2, 4], n_resamples=200)
    assert est == pytest.approx(0.8)
    assert np.isfinite([low, high]).all() and low <= est <= high


def test_mean_std_and_format_by_hand():
    # mean 0.5 ; deviations -.02, 0, .02 ; sum sq 8e-4 / (3-1) = 4e-4 -> std 0.02
    m, s, n = mean_std([0.48, 0.50, 0.52])
    assert (m, s, n) == (pytest.approx(0.5), pytest.approx(0.02), 3)
    assert format_mean_std([0.492, 0.512, 0.532]) == "0.512 ± 0.020 (n=3)"
    assert mean_std([0.3]) == (pytest.approx(0.3), 0.0, 1)
    assert format_mean_std(np.array([0.25, 0.35]), digits=2) == "0.30 ± 0.07 (n=2)"


def test_evaluate_tracks_on_a_toy_model():
    labels = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    tracks = {"C1": [0, 1, 2, 3], "C2": np.array([4, 5, 6, 7]), "all": [7, 0, 3]}
    calls = []

    def predict(name, idx):
        calls.append(name)
        if name == "C2":
            return np.full(len(idx), 5.5)         # collapsed model
        return labels[idx] * 2 if name == "C1" else -labels[idx]

    df = evaluate_tracks(predict, tracks, lambda idx: labels[idx])
    assert calls == ["C1", "C2", "all"]
    assert list(df.index) == ["C1", "C2", "all"] and df.index.name == "track"
    assert list(df.columns) == ["srcc", "plcc", "rmse", "n"]
    assert df.loc["C1", "srcc"] == pytest.approx(1.0) and df.loc["C1", "plcc"] == pytest.approx(1)
    # C1 errors = labels [0,1,2,3] -> sqrt((0+1+4+9)/4)
    assert df.loc["C1", "rmse"] == pytest.approx(math.sqrt(14 / 4))
    assert math.isnan(df.loc["C2", "srcc"]) and math.isnan(df.loc["C2", "plcc"])
    # C2 errors 5.5 - [4,5,6,7] = [1.5, .5, -.5, -1.5] -> sqrt(5/4)
    assert df.loc["C2", "rmse"] == pytest.approx(math.sqrt(5 / 4))
    assert df.loc["all", "srcc"] == pytest.approx(-1.0)
    assert df["n"].tolist() == [4, 4, 3] and pd.api.types.is_integer_dtype(df["n"])


def test_evaluate_tracks_length_mismatch():
    with pytest.raises(ValueError, match="'C1'"):
        evaluate_tracks(lambda name, idx: np.zeros(2), {"C1": [0, 1, 2]}, lambda idx: idx * 1.0)


def test_track_srcc_scores_each_group_and_the_whole_split():
    from scipy.stats import spearmanr

    from vira.metrics import track_srcc

    pred = np.array([0.1, 0.4, 0.3, 0.9, 0.2, 0.8])
    target = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    groups = np.array(["C1", "C1", "C1", "C2", "C2", "C2"])
    got = track_srcc(pred, target, groups, ["C1", "C2", "all"])
    assert got[0] == pytest.approx(0.5)  # ranks (1, 3, 2) against (1, 2, 3)
    assert got[1] == pytest.approx(-0.5)  # ranks (3, 1, 2) against (1, 2, 3)
    assert got[2] == pytest.approx(spearmanr(pred, target).statistic)
    with pytest.raises(ValueError, match="track 'C3'"):
        track_srcc(pred, target, groups, ["C3"])
    with pytest.raises(ValueError, match="groups has shape"):
        track_srcc(pred, target, groups[:3], ["all"])



def test_track_srcc_is_the_chapters_former_inline_formula():
    """Chapters 2 and 4 computed this inline on float32 predictions; the numbers are the same."""
    from vira.metrics import srcc, track_srcc

    rng = np.random.default_rng(0)
    pred = rng.normal(size=60).astype(np.float32)
    target = rng.normal(size=60)
    groups = np.array(["C1", "C2", "C3"])[rng.integers(0, 3, 60)]
    tracks = ["all", "C1", "C2", "C3"]
    inline = [srcc(pred, target) if t == "all" else srcc(pred[groups == t], target[groups == t])
              for t in tracks]
    assert track_srcc(pred, target, groups, tracks) == inline


