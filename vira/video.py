"""Reading real video files (mp4, H.264) into frames, with errors that name the file.

Used by chapter 6 (the SnapUGC clips) and, later, by the video models of chapters 7 and 8.
Decoding is PyAV's (FFmpeg); torchvision no longer ships a reader.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["read_video", "VideoError"]


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
