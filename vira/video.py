"""Reading real video files (mp4, H.264) into frames, with errors that name the file.

Used by chapter 6 (the SnapUGC clips) and by the video models of chapters 7 and 8:
:func:`preprocess_clip` is the Viral Vision paper's input pipeline (§3.4) and :func:`read_folder`
its reader with the drop of short videos (§3.2). Decoding is PyAV's (FFmpeg); torchvision no
longer ships a reader.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["read_video", "write_video", "VideoError", "preprocess_clip", "read_folder",
           "KINETICS_MEAN", "KINETICS_STD", "MIN_FRAMES"]

#: Kinetics-400 channel statistics (RGB, frames in [0, 1]) that torchvision's video models were
#: trained with; the Viral Vision paper normalises with them (§3.4).
KINETICS_MEAN = (0.43216, 0.394666, 0.37645)
KINETICS_STD = (0.22803, 0.22145, 0.216989)
#: The Viral Vision paper drops videos with fewer frames than this (§3.2: 20 of its videos).
MIN_FRAMES = 100


class VideoError(ValueError):
    """A video file that cannot be read, or holds no frames; the message names the file."""


def read_video(path, max_side: int | None = None, max_frames: int | None = None) -> tuple[np.ndarray, float]:
    """Decode ``path`` into RGB frames, shape ``(T, H, W, 3)`` uint8, and its frame rate.

    ``max_side`` scales every frame down (keeping its shape) so that its longer side is at most
    that many pixels, inside FFmpeg's scaler; ``max_frames`` stops after that many frames. Raises
    :class:`VideoError` naming the file for a missing, unreadable, truncated or empty video.
    """
    import av

    path = Path(path)
    if not path.is_file():
        raise VideoError(f"{path}: no such video file")
    frames = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise VideoError(f"{path}: the file has no video stream")
            stream = container.streams.video[0]
            fps = float(stream.average_rate or stream.guessed_rate or 0.0)
            declared = int(stream.frames or 0)  # 0 when the container does not say
            for frame in container.decode(stream):
                if max_side is not None and max(frame.width, frame.height) > max_side:
                    scale = max_side / max(frame.width, frame.height)
                    frame = frame.reformat(width=max(2, round(frame.width * scale / 2) * 2),
                                           height=max(2, round(frame.height * scale / 2) * 2))
                frames.append(frame.to_ndarray(format="rgb24"))
                if max_frames is not None and len(frames) >= max_frames:
                    break
    except VideoError:
        raise
    except (av.error.FFmpegError, OSError, ValueError) as err:
        raise VideoError(f"{path}: cannot decode the video ({type(err).__name__}: {err})") from None
    if not frames:
        raise VideoError(f"{path}: the video has no decodable frames")
    if max_frames is None and declared and len(frames) < declared:
        raise VideoError(f"{path}: truncated or damaged: decoded {len(frames)} of the {declared} "
                         f"frames its header declares")
    if fps <= 0:
        raise VideoError(f"{path}: the video has no frame rate")
    return np.stack(frames), fps


def write_video(path, frames: np.ndarray, fps: float = 30.0, crf: int = 23) -> Path:
    """Write RGB frames ``(T, H, W, 3)`` uint8 (H and W even) as an H.264 mp4 (PyAV, libx264).

    Used by chapter 6 when no real clips are at hand, and by tests."""
    import av
    from fractions import Fraction

    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f"frames must be uint8 of shape (T, H, W, 3), got {frames.dtype} {frames.shape}")
    if frames.shape[1] % 2 or frames.shape[2] % 2:
        raise ValueError(f"H.264 needs an even height and width, got {frames.shape[1:3]}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "yuv420p"
        stream.options = {"crf": str(crf)}
        for f in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def preprocess_clip(frames, n_frames: int = 32, size: int = 112, start: int | None = None,
                    generator=None):
    """The Viral Vision input (§3.4): uint8 frames (T, H, W, 3) -> float tensor (3, n_frames, size, size).

    A window of ``n_frames`` frames from ``start`` (drawn uniformly from the valid starts with
    ``generator``, a :class:`numpy.random.Generator` or a seed, when ``start`` is None) is resized
    to ``size`` x ``size`` (bilinear, with antialiasing; the paper says only "resized"), scaled to
    [0, 1] and normalised with the Kinetics-400 mean and standard deviation. When the video has
    fewer than ``n_frames`` frames from ``start`` on, the clip is padded with zeros *after*
    normalisation, so a padded frame is exactly 0 in the model's input. Used by chapter 7.
    """
    import torch
    import torch.nn.functional as F

    x = torch.as_tensor(np.asarray(frames)) if not isinstance(frames, torch.Tensor) else frames
    if x.dtype != torch.uint8:
        raise ValueError(f"preprocess_clip: frames must be uint8, got {x.dtype}")
    if x.ndim != 4 or x.shape[-1] != 3 or x.shape[0] == 0:
        raise ValueError(f"preprocess_clip: frames must have shape (T, H, W, 3) with T >= 1, "
                         f"got {tuple(x.shape)}")
    if n_frames < 1 or size < 1:
        raise ValueError(f"preprocess_clip: n_frames and size must be positive, got {n_frames}, {size}")
    T = x.shape[0]
    last = max(0, T - n_frames)
    if start is None:
        rng = generator if isinstance(generator, np.random.Generator) else np.random.default_rng(generator)
        start = int(rng.integers(0, last + 1))
    if not 0 <= start < T:
        raise ValueError(f"preprocess_clip: start {start} is outside the video's {T} frames")
    window = x[start:start + n_frames].permute(3, 0, 1, 2).float().div_(255)  # (3, t, H, W)
    window = F.interpolate(window, size=(size, size), mode="bilinear", align_corners=False,
                           antialias=True) if window.shape[-2:] != (size, size) else window
    mean = torch.tensor(KINETICS_MEAN).view(3, 1, 1, 1)
    std = torch.tensor(KINETICS_STD).view(3, 1, 1, 1)
    clip = torch.zeros(3, n_frames, size, size)
    clip[:, :window.shape[1]] = (window - mean) / std
    return clip


def read_folder(folder, min_frames: int = MIN_FRAMES, max_side: int | None = None):
    """Every ``*.mp4`` in ``folder`` (sorted by name), read with :func:`read_video`.

    Returns ``(videos, dropped)``: ``videos`` a list of ``(path, frames, fps)`` for the videos
    with at least ``min_frames`` frames, ``dropped`` the paths of the shorter ones (the paper
    drops them and so do we, counted, never silently). An empty or missing folder, or a file that
    cannot be read, raises :class:`VideoError` naming it. Used by chapter 7.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise VideoError(f"{folder}: no such folder of videos")
    paths = sorted(folder.glob("*.mp4"))
    if not paths:
        raise VideoError(f"{folder}: the folder holds no .mp4 videos")
    videos, dropped = [], []
    for path in paths:
        frames, fps = read_video(path, max_side=max_side)
        if len(frames) < min_frames:
            dropped.append(path)
        else:
            videos.append((path, frames, fps))
    return videos, dropped
