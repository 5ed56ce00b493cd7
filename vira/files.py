"""Why a path that should be a readable file is not one, worded once for every loader.

A loader that opens a file (a CSV table, a pickle, a ``.npz``, a weights or cache file, a GloVe or
JSON file) calls :func:`require_file` first, so that a folder where a file belongs, a symbolic link
that loops or points nowhere, or a file without read permission is refused with a message that
names the path and says which of these it is, instead of an ``OSError`` that each loader words
differently (or a misleading "missing"). Used by the real-data loaders, the GloVe reader, the
weights and cache readers and the bench and results readers.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

__all__ = ["file_problem", "require_file"]


def file_problem(path: str | os.PathLike) -> str | None:
    """None if ``path`` is a regular file this process may read; else why not, in a few words:
    ``"no such file"``, ``"a broken symbolic link"``, ``"a symbolic link that loops"``,
    ``"a folder, not a file"``, ``"not a regular file"`` or ``"not readable (permission denied)"``."""
    path = Path(path)
    try:
        path.stat()
    except FileNotFoundError:
        return "a broken symbolic link" if path.is_symlink() else "no such file"
    except OSError as err:  # ELOOP, a path through a file, ...
        return "a symbolic link that loops" if err.errno == errno.ELOOP else f"cannot be reached ({err.strerror})"
    if path.is_dir():
        return "a folder, not a file"
    if not path.is_file():
        return "not a regular file"
    if not os.access(path, os.R_OK):
        return "not readable (permission denied)"
    return None


def require_file(path: str | os.PathLike, what: str = "file") -> Path:
    """``path`` as a :class:`~pathlib.Path` if it is a readable regular file; else raise
    ``FileNotFoundError`` (nothing there) or ``ValueError`` (something else there), each
    ``"<path>: <what> is <why>"``, e.g. ``"w.pt: weights file is a folder, not a file"``."""
    path = Path(path)
    why = file_problem(path)
    if why is None:
        return path
    error = FileNotFoundError if why in ("no such file", "a broken symbolic link") else ValueError
    raise error(f"{path}: {what} is {why}" if why != "no such file" else f"{path}: no such {what}")
