"""Data for the book: loaders of real public data and generators with a planted truth.

* ``layout``: the VDV clip layout (:class:`~vira.data.layout.Clip`, its streams, rates, feature
  widths, challenges and tracks) and :class:`~vira.data.layout.ClipSource`, the one interface of
  every VDV-style clip source (``len``, ``table``, ``clip(i, device, streams)``, ``track(name)``);
* ``clips``: the PyTorch data sets over any clip source (skeleton, one feature stream, all
  streams), for the training loops of :mod:`vira.training`;
* ``real/``: loaders of real public data, each reading one on-disk format and refusing bad input
  by name (the VDV layout on disk among them: ``vdv_files``, ``vdv_checks``, ``vdv_export``);
* ``synthetic/``: generators with a planted truth, each a pure function of ``(seed, index)``.
  They take their sizes as plain arguments: the chapters choose them.

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
