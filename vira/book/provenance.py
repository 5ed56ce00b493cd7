"""What every executed chapter shows first: preset, device, seed, versions, git revision, time.

``session = vira.start(preset, device, seed)`` is the first code cell after the parameters of every
chapter: it resolves the preset and the device, seeds everything, and prints the provenance
table. ``session.finish()`` in the last cell prints the chapter's wall time.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from vira.book.presets import Preset, get_preset, resolve_device
from vira.training.seeding import seed_everything

REPO_ROOT = Path(__file__).resolve().parents[2]  # vira/book/provenance.py -> the repository


def git_revision(root: Path = REPO_ROOT) -> tuple[str, bool | None]:
    """``(revision, dirty)`` of the checkout that holds ``vira``.

    ``dirty`` is True when tracked files other than the executed chapters in ``book/`` differ from
    the commit (executing the book rewrites ``book/``, which says nothing about the sources).
    Outside a git checkout (e.g. a copy of the working tree sent to a GPU machine) the revision
    is taken from the environment variable ``VIRA_GIT_REVISION`` when set, else ``"unknown"``;
    ``dirty`` is then None (not known).
    """
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=True, timeout=20).stdout.strip()
    try:
        rev = git("rev-parse", "--short=12", "HEAD")
        changes = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)book")
    except (OSError, subprocess.SubprocessError):
        return os.environ.get("VIRA_GIT_REVISION", "unknown"), None
    return rev, bool(changes)


def collect(preset: Preset, device, seed: int) -> dict[str, object]:
    """The provenance record of a resolved ``preset`` and ``device`` (a :class:`torch.device`) as
    a dict (also stored on :class:`Session`)."""
    import numpy as np
    import torch

    from vira._version import __version__

    dev = device
    rev, dirty = git_revision()
    return {
        "preset": preset.name,
        "device": str(dev) + (f" ({torch.cuda.get_device_name(dev)})" if dev.type == "cuda" else ""),
        "seed": seed,
        "started (UTC)": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "git revision": rev + {True: " (dirty)", False: "",
                               None: " (no checkout: dirty unknown)"}[dirty],
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "vira": __version__,
        "cpu threads": torch.get_num_threads(),
        "host": f"{platform.system()} {platform.machine()}",
    }


@dataclass
class Session:
    """The resolved settings of one chapter execution."""

    preset: Preset
    device: object  # torch.device
    seed: int
    provenance: dict[str, object]
    t0: float = field(default_factory=time.perf_counter)
    results: list = field(default_factory=list)  # records of vira.results.record, for chapter 9

    def table(self) -> str:
        width = max(map(len, self.provenance))
        return "\n".join(f"{k:<{width}}  {v}" for k, v in self.provenance.items())

    def elapsed(self) -> float:
        """Seconds since :func:`start`."""
        return time.perf_counter() - self.t0

    def finish(self) -> None:
        """Print the chapter's wall time (the last cell of every chapter calls this) and store
        the chapter's results records, if any, in the notebook (:mod:`vira.book.results`)."""
        if self.results:
            from vira.book.results import emit

            emit(self)
        print(f"chapter finished: preset {self.preset.name}, device {self.device}, "
              f"wall time {self.elapsed():.1f} s")


def start(preset: str = "auto", device: str = "auto", seed: int = 0, *, show: bool = True) -> Session:
    """Resolve ``preset`` and ``device``, seed everything, and print the provenance table.

    Used by the first code cell of every chapter.
    """
    resolved, dev = get_preset(preset), resolve_device(device)  # the one place a chapter resolves them
    session = Session(resolved, dev, seed, collect(resolved, dev, seed))
    seed_everything(seed)
    if show:
        print(session.table())
    return session

