"""Reading real video files (mp4, H.264) into frames, with errors that name the file.

Used by chapter 6 (the SnapUGC clips) and, later, by the video models of chapters 7 and 8.
Decoding is PyAV's (FFmpeg); torchvision no longer ships a reader.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["read_video", "write_video", "VideoError"]


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
