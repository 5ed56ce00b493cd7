"""Why a path that should be a readable file is not one, worded once for every loader.

A loader that opens a file (a CSV table, a pickle, a ``.npz``, a weights or cache file, a GloVe or
JSON file) calls :func:`require_file` first, so that a folder where a file belongs, a symbolic link
that loops or points nowhere, or a file without read permission is refused with a message that
names the path and says which of these it is, instead of an ``OSError`` that each loader words
differently (or a misleading "missing"); :func:`read_json_object` reads a JSON file that must hold
one object, refusing a key given twice. Used by the real-data loaders, the GloVe reader, the
weights and cache readers and the bench and results readers.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

__all__ = ["file_problem", "require_file", "read_json_object"]


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


def read_json_object(path: str | os.PathLike, what: str = "JSON file", *,
                     finite: bool = False) -> dict:
    """The JSON object (a dict) in ``path``. Raises ``FileNotFoundError`` or ``ValueError`` as
    :func:`require_file`, and ``ValueError`` ``"<path>: not a valid <what>: ..."`` for a file that
    is not UTF-8 or not JSON, names a key twice in one object (``json`` would keep the last
    silently), holds ``NaN`` or ``Infinity`` (with ``finite``), or holds a list, a string or a
    number rather than an object."""
    import json

    path = require_file(path, what)

    def unique(pairs):
        keys = [k for k, _ in pairs]
        if repeated := next((k for k in keys if keys.count(k) > 1), None):
            raise ValueError(f"key {repeated!r} appears {keys.count(repeated)} times in one object")
        return dict(pairs)

    def refuse(constant: str):
        raise ValueError(f"{constant} is not a finite number")

    try:
        content = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=unique,
                             **({"parse_constant": refuse} if finite else {}))
    except ValueError as err:  # also UnicodeDecodeError and json.JSONDecodeError
        raise ValueError(f"{path}: not a valid {what}: {err}") from None
    if not isinstance(content, dict):
        raise ValueError(f"{path}: not a valid {what}: it holds a {type(content).__name__}, "
                         "not an object")
    return content
