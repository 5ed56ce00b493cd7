"""What a chapter reads besides code: the data, weight and results files its source names.

The runner's input hash (:func:`vira.book.freshness.input_hash`) covers a chapter's code: its
source, the ``vira`` modules it imports, the pins and its parameters. This module lists the rest,
found in the chapter's source the same way (statically, before it runs):

* ``data_dir("name")`` -> the folder ``$VIRA_DATA/name``: every file's path, size and SHA-256
  (``"absent"`` when ``VIRA_DATA`` is unset or has no such folder, since the chapter then runs on
  generated data); a ``data_dir`` call whose name is not written as a literal -> all of
  ``$VIRA_DATA``;
* a ``VIRA_*`` environment variable named in the source (``VIRA_GLOVE``,
  ``VIRA_R2PLUS1D_WEIGHTS``, ...) -> its value and the file it names (size and SHA-256; size and
  modification time above :data:`HASH_LIMIT`). ``VIRA_DATA`` is covered above; ``VIRA_CACHE``
  holds values a chapter recomputes on a miss and ``VIRA_FORBID_NETWORK`` is the offline guard,
  so neither is an input;
* results files under ``book/results/``: a literal such as ``"bench_video.json"`` or
  ``"bench_rtcn*.json"`` -> the files it matches; a call of ``load_benches`` -> every bench file;
  a call of ``load_results`` -> every chapter's results file but the chapter's own.

The executed pages that chapters 10 and A2 read for their wall times (``chapter_times``) are not
counted: each of the two reads the other's, so counting them would make each stale whenever the
other ran.

:func:`inputs` gives ``{label: digest}``; the runner stores it in the executed notebook
(``metadata.vira.data_inputs``), skips a chapter only when it is unchanged, and the book's test
names the inputs that :func:`changed`.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from vira.book.provenance import REPO_ROOT
from vira.book.sources import chapter_code

HASH_LIMIT = 256 * 2**20  #: files larger than this are listed by size and mtime, not read
NOT_INPUTS = {"VIRA_DATA", "VIRA_CACHE", "VIRA_FORBID_NETWORK"}
_DATA_DIR = re.compile(r"\bdata_dir\(\s*(?:(['\"])([\w.-]+)\1|[^)\s])")
_ENV = re.compile(r"['\"](VIRA_[A-Z0-9_]+)['\"]")
_BENCH = re.compile(r"['\"](bench_[\w*]*\.json)['\"]")


def _file_digest(path: Path) -> str:
    size = path.stat().st_size
    if size > HASH_LIMIT:
        return f"size {size}, mtime {path.stat().st_mtime_ns}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(f"{path.relative_to(folder).as_posix()}\0{_file_digest(path)}\0".encode())
    return h.hexdigest()


def inputs(chapter: Path, root: Path = REPO_ROOT, environ=None) -> dict[str, str]:
    """``{label: digest}`` of every input of ``chapter`` (``notebooks/NN_slug.ipynb``) that the
    module docstring lists; labels such as ``VIRA_DATA/tiktok_vn_2025``, ``VIRA_GLOVE``,
    ``book/results/bench_video.json``. Empty for a chapter that reads none."""
    env = os.environ if environ is None else environ
    source, found = "\n".join(chapter_code(chapter)), {}
    data = env.get("VIRA_DATA")
    for m in _DATA_DIR.finditer(source):
        name = m.group(2)
        label = f"VIRA_DATA/{name}" if name else "VIRA_DATA"
        folder = Path(data) / name if (data and name) else Path(data) if data else None
        found[label] = _folder_digest(folder) if folder is not None and folder.is_dir() else "absent"
    for var in sorted(set(_ENV.findall(source)) - NOT_INPUTS):
        value = env.get(var)
        if value is None:
            found[var] = "unset"
        else:
            path = Path(value)
            found[var] = f"{value}: {_file_digest(path) if path.is_file() else 'no such file'}"
    results = root / "book" / "results"
    patterns = set(_BENCH.findall(source))
    if re.search(r"\bload_benches\(", source):
        patterns.add("bench_*.json")
    files = {p for pattern in patterns for p in results.glob(pattern)}
    if re.search(r"\bload_results\(", source):
        files |= {p for p in results.glob("*.json")
                  if not p.name.startswith("bench_") and p.stem != chapter.stem}
    for path in sorted(files):
        found[path.relative_to(root).as_posix()] = _file_digest(path)
    return found


def reads_other_chapters(chapter: Path) -> bool:
    """True when ``chapter`` reads what other chapters write: their results files
    (``load_results``) or their executed pages (``chapter_times``). A parallel run
    (:mod:`vira.book.parallel`) executes such a chapter only after all the others."""
    return bool(re.search(r"\b(load_results|chapter_times)\(", "\n".join(chapter_code(chapter))))


def changed(stored: dict[str, str], current: dict[str, str], skip_data: bool = False) -> list[str]:
    """The labels whose digest differs between a page's stored inputs and the current ones (an
    input that appeared or went away counts); ``skip_data`` leaves out the ``VIRA_DATA`` folders
    (for a machine without the data, which cannot check them)."""
    labels = sorted(set(stored) | set(current))
    if skip_data:
        labels = [k for k in labels if not k.startswith("VIRA_DATA")]
    return [k for k in labels if stored.get(k) != current.get(k)]
