"""vira.video (PyAV reader and writer) and vira.video_features, on files written here."""

import numpy as np
import pytest

from vira.video import VideoError, read_video, write_video
from vira.video_features import FEATURES, clip_features, resample_fps


def smooth_frames(T=40, H=48, W=64):
    y, x = np.mgrid[0:H, 0:W]
    frames = [np.stack([(x * 4 + t) % 256, y * 5 % 256, np.full_like(x, 90)], -1) for t in range(T)]
    return np.asarray(frames, dtype=np.uint8)


def test_write_then_read_round_trip(tmp_path):
    frames = smooth_frames()
    path = write_video(tmp_path / "a.mp4", frames, fps=30)
    back, fps = read_video(path)
    assert back.shape == frames.shape and fps == pytest.approx(30)
    assert np.abs(back.astype(int) - frames).mean() < 6  # lossy, but close on smooth content
    small, _ = read_video(path, max_side=32, max_frames=10)
    assert small.shape == (10, 24, 32, 3)


def test_bad_files_are_named(tmp_path):
    path = write_video(tmp_path / "a.mp4", smooth_frames(T=60), fps=30)
    data = path.read_bytes()
    for name, content in [("garbage.mp4", b"not a video" * 50), ("half.mp4", data[: len(data) // 2])]:
        bad = tmp_path / name
        bad.write_bytes(content)
        with pytest.raises(VideoError, match=name):
            read_video(bad)
    with pytest.raises(VideoError, match="missing.mp4: no such video file"):
        read_video(tmp_path / "missing.mp4")


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
