"""Pose+DCT (vira.pose_dct): DCT features, missing joints, SVR on a planted signal."""

import numpy as np
import pytest
from scipy.stats import spearmanr

from vira.pose_dct import PAPER_K, PoseDCT, dct_features, features_of
from vira.skeleton import V


def clip_from(xy: np.ndarray, conf: np.ndarray | None = None) -> np.ndarray:
    """(T, V, 2) coordinates (+ optional (T, V) confidence) -> a (3, T, V) model input."""
    t, v, _ = xy.shape
    conf = np.ones((t, v)) if conf is None else conf
    x = np.concatenate([xy, conf[..., None]], axis=-1)
    x[conf <= 0] = 0.0  # as normalize_sequence leaves a missed joint
    return x.transpose(2, 0, 1)


def block(f: np.ndarray, joint: int, coord: int, k: int = PAPER_K) -> np.ndarray:
    return f.reshape(V, 2, k)[joint, coord]


def hand_dct(x: np.ndarray) -> np.ndarray:
    """Orthonormal DCT-II by its defining sum."""
    t = len(x)
    n = np.arange(t)
    basis = np.cos(np.pi * np.outer(n, n + 0.5) / t)  # [m, t]
    scale = np.full(t, np.sqrt(2.0 / t))
    scale[0] = np.sqrt(1.0 / t)
    return scale * (basis @ x)


@pytest.mark.parametrize("t", [25, 64, 101])
@pytest.mark.parametrize("m", [0, 1, 3, 7])
def test_pure_cosine_has_its_energy_at_its_frequency(t, m):
    xy = np.zeros((t, V, 2))
    xy[:, 4, 1] = np.cos(np.pi * m * (np.arange(t) + 0.5) / t)
    f = dct_features(clip_from(xy))
    row = block(f, 4, 1)
    expected = np.zeros(PAPER_K)
    expected[m] = 1.0 if m == 0 else 1 / np.sqrt(2)  # amplitude-like, whatever T is
    np.testing.assert_allclose(row, expected, atol=1e-10)
    # all other joints and coordinates are silent
    mask = np.ones((V, 2), bool)
    mask[4, 1] = False
    assert np.abs(f.reshape(V, 2, PAPER_K)[mask]).max() < 1e-12


def test_matches_hand_formula_on_random_trajectory():
    rng = np.random.default_rng(0)
    t, k = 37, 12
    xy = rng.normal(size=(t, V, 2))
    f = dct_features(clip_from(xy), k=k).reshape(V, 2, k)
    for j, c in [(0, 0), (7, 1), (15, 0)]:
        expected = np.abs(hand_dct(xy[:, j, c]))[:k] / np.sqrt(t)
        np.testing.assert_allclose(f[j, c], expected, rtol=1e-10, atol=1e-12)


def test_length_and_short_clip_padding():
    rng = np.random.default_rng(1)
    for k in (1, 5, PAPER_K):
        assert dct_features(clip_from(rng.normal(size=(50, V, 2))), k=k).shape == (V * 2 * k,)
    t = 7
    xy = rng.normal(size=(t, V, 2))
    f = dct_features(clip_from(xy)).reshape(V, 2, PAPER_K)
    assert np.all(f[..., t:] == 0)
    np.testing.assert_allclose(f[3, 0, :t], np.abs(hand_dct(xy[:, 3, 0])) / np.sqrt(t))
    assert np.all(dct_features(np.zeros((3, 0, V))) == 0)
    assert dct_features(clip_from(rng.normal(size=(1, V, 2)))).shape == (V * 2 * PAPER_K,)


def test_never_detected_joint_gives_finite_zero_features():
    rng = np.random.default_rng(2)
    t = 40
    xy = rng.normal(size=(t, V, 2))
    conf = np.ones((t, V))
    conf[:, 9] = 0.0
    x = clip_from(xy, conf)
    x[:2, :, 5] = np.nan  # NaN coordinates count as missed too
    f = dct_features(x)
    assert np.isfinite(f).all()
    assert np.all(block(f, 9, 0) == 0) and np.all(block(f, 9, 1) == 0)
    assert np.all(block(f, 5, 0) == 0)
    assert np.abs(block(f, 8, 0)).sum() > 0


def test_linear_trajectory_with_gap_is_interpolated():
    t = 60
    time = np.arange(t)
    xy = np.zeros((t, V, 2))
    xy[:, 11, 0] = 0.5 + 0.03 * time
    xy[:, 11, 1] = -1.0 - 0.01 * time
    full = dct_features(clip_from(xy))
    conf = np.ones((t, V))
    conf[20:35, 11] = 0.0  # a burst of misses inside the clip
    conf[[5, 44], 11] = 0.0
    gapped = dct_features(clip_from(xy, conf))
    np.testing.assert_allclose(gapped, full, atol=1e-12)
    # without interpolation the zeros would show up as high-frequency energy
    naive = clip_from(xy, conf)
    naive[2] = 1.0
    assert np.abs(dct_features(naive) - full).max() > 1e-2


def test_frame_mask_drops_padding():
    rng = np.random.default_rng(3)
    x = clip_from(rng.normal(size=(30, V, 2)))
    padded = np.concatenate([x, np.zeros((3, 10, V))], axis=1)
    mask = np.r_[np.ones(30), np.zeros(10)]
    np.testing.assert_allclose(dct_features(padded, mask=mask), dct_features(x))


def planted_clips(n: int, rng: np.random.Generator):
    """Clips of varying length (40-119 frames) where the score is the amplitude of the right
    wrist's swing (3 cycles per clip, random phase). Nuisances: each clip's own static pose and
    10% missed detections. There is no independent per-joint jitter: it would add ~600 noise
    dimensions to the 640 features, which no regressor fitted on 90 clips can ignore."""
    base = rng.normal(0, 1, (V, 2))
    xs, amp = [], rng.uniform(0.1, 1.5, n)
    for a in amp:
        t = int(rng.integers(40, 120))
        xy = np.broadcast_to(base + rng.normal(0, 0.1, (V, 2)), (t, V, 2)).copy()
        xy[:, 10, 1] += a * np.sin(2 * np.pi * 3 * np.arange(t) / t + rng.uniform(0, 2 * np.pi))
        conf = (rng.random((t, V)) > 0.1).astype(float)
        xs.append(clip_from(xy, conf))
    return xs, amp


def test_pose_dct_learns_planted_signal():
    rng = np.random.default_rng(4)
    xs, y = planted_clips(120, rng)
    model = PoseDCT().fit(xs[:90], y[:90])
    pred = model.predict(xs[90:])
    assert pred.shape == (30,) and np.isfinite(pred).all()
    assert spearmanr(pred, y[90:]).statistic > 0.8
    f = model.features(xs[90:])
    np.testing.assert_allclose(model.predict_features(f), pred)
    with pytest.raises(RuntimeError):
        PoseDCT().predict(xs[:2])


def test_features_of_synthetic_vdv_smoke():
    from vira.data.synthetic.synthetic_vdv import SyntheticVDV

    ds = SyntheticVDV(clips=12, seconds=(2.0, 4.0))  # the smoke preset's sizes
    train, _ = ds.track("C1")
    k = 8
    f = features_of(ds, train[:4], k=k, progress=False)
    assert f.shape == (4, V * 2 * k)
    assert np.isfinite(f).all() and (f > 0).any()
    model = PoseDCT(k=k).fit_features(f, ds.table.label.to_numpy()[train[:4]])
    assert np.isfinite(model.predict_features(f)).all()
