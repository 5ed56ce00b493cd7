"""Eight per-clip features measured on raw frames, with no downloaded weights (chapter 6).

SnapUGC's predictor reads features of pretrained networks (EfficientNet, a 3-D ResNet, mPLUG-2,
DOVER, T5), none of which can be had here. The real-video path of chapter 6 therefore measures
eight classical image statistics per clip of ``L`` frames, the same eight that the viewer-session
simulator (:mod:`vira.data.synthetic.viewer_sessions`) imitates for its videos:

==============  ===========================================================================
brightness      mean luma (ITU-R BT.601 weights), in [0, 1]
contrast        standard deviation of luma within a frame
colourfulness   Hasler and Suesstrunk's (2003) metric on the opponent channels rg and yb
saturation      mean HSV saturation (max - min) / max of the RGB channels
sharpness       variance of the Laplacian of luma (scipy.ndimage.laplace)
motion          mean absolute luma difference between consecutive frames
motion_change   standard deviation over the clip of those per-frame differences
cuts            share of consecutive frames whose 16-bin luma histograms differ by more than
                half their mass (a hard scene cut)
==============  ===========================================================================

Each statistic is averaged over the clip's frames (the motion statistics over its frame pairs).

This module owns the feature list (:data:`FEATURES`) and the clip layout it is measured on
(:data:`CLIP_FRAMES` frames at :data:`FPS`, as SnapUGC's clips): what a feature *is* is decided by
the extractor that measures it on real frames. The simulator
(:mod:`vira.data.synthetic.viewer_sessions`) imitates these measurements, so it imports the list
from here; the extractor never depends on the simulator.
"""

from __future__ import annotations

import numpy as np

__all__ = ["clip_features", "resample_fps", "FEATURES", "CLIP_FRAMES", "FPS"]

#: The per-clip features, in the order of :func:`clip_features`'s columns.
FEATURES = ("brightness", "contrast", "colourfulness", "saturation", "sharpness", "motion",
            "motion_change", "cuts")
FPS, CLIP_FRAMES = 30, 16  # the SnapUGC clips are 30 fps; the paper's L = 16 frames per clip


def resample_fps(frames: np.ndarray, fps: float, target: float = FPS) -> np.ndarray:
    """Frames ``(T, H, W, 3)`` at ``fps`` -> the nearest frames at ``target`` fps (the predictor
    counts its first 5 s in clips of 16 frames at 30 fps)."""
    if fps <= 0:
        raise ValueError(f"fps must be > 0, got {fps}")
    n = int(np.floor(len(frames) * target / fps + 1e-9))
    idx = np.minimum(np.round(np.arange(n) * fps / target).astype(int), len(frames) - 1)
    return frames[idx]


def clip_features(frames: np.ndarray, clip_frames: int = CLIP_FRAMES) -> np.ndarray:
    """Frames ``(T, H, W, 3)`` uint8 -> features ``(T // clip_frames, 8)`` in :data:`FEATURES`
    order (a last partial clip is dropped, as the simulator does)."""
    from scipy import ndimage

    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must have shape (T, H, W, 3), got {frames.shape}")
    n = len(frames) // clip_frames
    if n == 0:
        raise ValueError(f"{len(frames)} frames make no clip of {clip_frames}")
    rgb = frames[: n * clip_frames].astype(np.float32) / 255.0
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    luma = 0.299 * r + 0.587 * g + 0.114 * b                      # (T, H, W)
    rg, yb = r - g, 0.5 * (r + g) - b
    colour = (np.sqrt(rg.std((1, 2)) ** 2 + yb.std((1, 2)) ** 2)
              + 0.3 * np.sqrt(rg.mean((1, 2)) ** 2 + yb.mean((1, 2)) ** 2))
    mx, mn = rgb.max(-1), rgb.min(-1)
    saturation = np.where(mx > 0, (mx - mn) / np.maximum(mx, 1e-6), 0.0).mean((1, 2))
    sharp = np.array([ndimage.laplace(f).var() for f in luma])
    per_frame = np.stack([luma.mean((1, 2)), luma.std((1, 2)), colour, saturation, sharp], 1)
    per_frame = per_frame.reshape(n, clip_frames, -1).mean(1)     # (n, 5)
    clips = luma.reshape(n, clip_frames, *luma.shape[1:])
    diff = np.abs(np.diff(clips, axis=1)).mean((2, 3))            # (n, L - 1)
    hist = np.stack([np.histogram(f, bins=16, range=(0, 1))[0] for f in luma]).astype(np.float32)
    hist = (hist / hist.sum(1, keepdims=True)).reshape(n, clip_frames, 16)
    cut = (0.5 * np.abs(np.diff(hist, axis=1)).sum(-1) > 0.5).mean(1)
    return np.column_stack([per_frame, diff.mean(1), diff.std(1), cut]).astype(np.float32)
