"""Data for the book: loaders of real public data and generators with a planted truth.

Real data is found through the environment variable ``VIRA_DATA`` (see :func:`data_dir`); it is
never downloaded and never committed. Every chapter still runs, on generated data, without it.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir(name: str) -> Path | None:
    """``$VIRA_DATA/name`` if ``VIRA_DATA`` is set and that folder exists, else None.

    Chapters call this and, on None, say plainly that the real-data section runs on generated data.
    A set ``VIRA_DATA`` that is not a folder is an error, not a silent skip.
    """
    root = os.environ.get("VIRA_DATA")
    if not root:
        return None
    if not Path(root).is_dir():
        raise FileNotFoundError(f"VIRA_DATA={root!r} is not a folder")
    folder = Path(root) / name
    return folder if folder.is_dir() else None
