"""vira: the importable package beside the book *Predicting the virality of short videos*.

The package has two halves that a reader never has to mix up:

* **the science**, one module per idea of the papers at the root: ``graph`` (VDV Eq. 3-6),
  ``losses`` (Eq. 13-14), ``metrics``, ``labels``, ``engagement`` (SnapUGC Eq. 1-2),
  ``skeleton``, ``pose_dct``, ``text``, ``video``, ``tails``, ``video_features``,
  ``frame_features``; and its rooms: the networks in ``models/`` (``nn.Module`` s only), their
  training loops in ``training/``, the data in ``data/`` (``real/`` loaders and ``synthetic/``
  generators behind one clip layout) and the explanations in ``explain/``;
* **the book's machinery** in ``book/``: the runner (``python -m vira``), provenance, presets,
  results files, report tables, benchmarks, plot style, glue, the offline guard, the Sphinx check.
  The science never imports it; chapters and scripts do (``tests/test_house.py`` checks the
  rooms' order).

A chapter starts with ``import vira`` and uses the four names below; everything else it imports
from the module that owns it. Importing ``vira`` is light: the book's machinery is imported on
first use, PyTorch only by the functions that need it.
"""

import importlib as _importlib
import os as _os

from vira._version import __version__

if _os.environ.get("VIRA_FORBID_NETWORK") == "1":  # set by the test suite for notebook kernels
    from vira.book.offline import forbid_network as _forbid_network

    _forbid_network()

#: The chapters' entry points, each provided by the book's machinery (imported on first use).
_LAZY = {"start": ("vira.book.provenance", "start"), "glue": ("vira.book.glue", "glue"),
         "use_style": ("vira.book.plots", "use_style"), "results": ("vira.book.results", None),
         "book": ("vira.book", None)}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'vira' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = _importlib.import_module(module)
    return value if attribute is None else getattr(value, attribute)


__all__ = ["__version__", "book", "glue", "results", "start", "use_style"]
