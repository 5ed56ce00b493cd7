"""vira.video (PyAV reader and writer, the Viral Vision input pipeline), on files written here."""

import numpy as np
import pytest

from vira.video import VideoError, read_video, write_video


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


# --- the Viral Vision input pipeline (chapter 7) ---------------------------------------------
from vira.video import KINETICS_MEAN, KINETICS_STD, preprocess_clip, read_folder  # noqa: E402


def test_preprocess_clip_normalises_by_hand_and_pads_with_exact_zeros():
    frames = np.zeros((10, 8, 8, 3), dtype=np.uint8)
    frames[..., 0] = 255  # red at full scale; green and blue 0
    clip = preprocess_clip(frames, n_frames=32, size=4, start=0)
    assert clip.shape == (3, 32, 4, 4) and str(clip.dtype) == "torch.float32"
    red = (1 - KINETICS_MEAN[0]) / KINETICS_STD[0]  # (1 - 0.43216) / 0.22803 = 2.4902...
    blue = (0 - KINETICS_MEAN[2]) / KINETICS_STD[2]
    assert abs(red - 2.49020) < 1e-4
    np.testing.assert_allclose(clip[0, :10].numpy(), red, rtol=1e-5)
    np.testing.assert_allclose(clip[2, :10].numpy(), blue, rtol=1e-5)
    assert (clip[:, 10:] == 0).all()  # padded after normalisation: exactly zero


def test_preprocess_clip_window_start_and_resize():
    T = 50
    frames = np.zeros((T, 16, 16, 3), dtype=np.uint8)
    frames[:, :, 8:] = 255  # right half white
    frames[:, 0, 0, 1] = np.arange(T)  # a frame counter in one pixel (green)
    clip = preprocess_clip(frames, n_frames=8, size=8, start=5)
    assert clip.shape == (3, 8, 8, 8)
    assert (clip[:, :, :, :3] < 0).all() and (clip[:, :, :, 5:] > 2).all()  # halves survive resizing
    starts = {int(preprocess_clip(frames, n_frames=8, size=16, generator=s)[1, 0, 0, 0] * KINETICS_STD[1] * 255
                  + KINETICS_MEAN[1] * 255 + 0.5) for s in range(40)}
    assert min(starts) >= 0 and max(starts) <= T - 8 and len(starts) > 10  # random valid starts
    a = preprocess_clip(frames, n_frames=8, size=8, generator=np.random.default_rng(3))
    b = preprocess_clip(frames, n_frames=8, size=8, generator=np.random.default_rng(3))
    assert (a == b).all()  # seeded: the same clip


def test_preprocess_clip_rejects_bad_input():
    good = np.zeros((4, 8, 8, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="must be uint8"):
        preprocess_clip(good.astype(np.float32))
    with pytest.raises(ValueError, match=r"shape \(T, H, W, 3\)"):
        preprocess_clip(good[..., :2])
    with pytest.raises(ValueError, match="outside the video's 4 frames"):
        preprocess_clip(good, start=4)


def test_read_folder_counts_short_videos_and_names_bad_files(tmp_path):
    write_video(tmp_path / "long.mp4", smooth_frames(T=110, H=16, W=16))
    write_video(tmp_path / "short.mp4", smooth_frames(T=30, H=16, W=16))
    videos, dropped = read_folder(tmp_path)
    assert [p.name for p, _, _ in videos] == ["long.mp4"] and [p.name for p in dropped] == ["short.mp4"]
    assert videos[0][1].shape == (110, 16, 16, 3)
    (tmp_path / "broken.mp4").write_bytes(b"junk" * 100)
    with pytest.raises(VideoError, match="broken.mp4"):
        read_folder(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(VideoError, match="holds no .mp4"):
        read_folder(tmp_path / "empty")
    with pytest.raises(VideoError, match="no such folder"):
        read_folder(tmp_path / "nowhere")
