"""Eight per-clip features measured on raw frames (vira.video_features): by hand, resampling, and
the feature list the simulator of chapter 6 takes from here."""

import numpy as np
import pytest

from vira.video_features import CLIP_FRAMES, FEATURES, FPS, clip_features, resample_fps


def test_clip_features_by_hand():
    grey = np.full((32, 8, 8, 3), 128, dtype=np.uint8)
    x = clip_features(grey)
    assert x.shape == (2, len(FEATURES))
    k = {name: j for j, name in enumerate(FEATURES)}
    assert x[0, k["brightness"]] == pytest.approx(128 / 255, abs=1e-6)
    for name in ("contrast", "colourfulness", "saturation", "sharpness", "motion", "cuts"):
        assert x[0, k[name]] == pytest.approx(0, abs=1e-6), name
    cut = np.zeros((16, 8, 8, 3), dtype=np.uint8)
    cut[8:] = 255  # black, then white: one hard cut among 15 frame pairs
    y = clip_features(cut)[0]
    assert y[k["cuts"]] == pytest.approx(1 / 15) and y[k["motion"]] == pytest.approx(1 / 15, abs=1e-6)
    red = np.zeros((16, 4, 4, 3), dtype=np.uint8)
    red[..., 0] = 255  # rg = 1, yb = 0.5, no spread: colourfulness = 0.3 * sqrt(1.25)
    z = clip_features(red)[0]
    assert z[k["colourfulness"]] == pytest.approx(0.3 * np.sqrt(1.25), abs=1e-6)
    assert z[k["saturation"]] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="make no clip"):
        clip_features(grey[:10])


def test_resample_fps_picks_nearest_frames():
    frames = np.arange(40)[:, None, None, None] * np.ones((1, 2, 2, 3), dtype=np.uint8)
    out = resample_fps(frames, 20.0, 30.0)  # 2 s: 60 frames at 30 fps
    assert len(out) == 60
    assert list(out[:6, 0, 0, 0]) == [0, 1, 1, 2, 3, 3]  # round(k * 2 / 3), halves to even


def test_the_extractor_owns_the_feature_list_and_the_simulator_uses_it():
    from vira.data.synthetic import viewer_sessions

    assert len(FEATURES) == 8 and (FPS, CLIP_FRAMES) == (30, 16)
    assert viewer_sessions.FEATURES is FEATURES
    frames = np.random.default_rng(0).integers(0, 256, (3 * CLIP_FRAMES + 5, 8, 8, 3), dtype=np.uint8)
    assert clip_features(frames).shape == (3, len(FEATURES))
