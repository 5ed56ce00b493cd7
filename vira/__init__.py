"""vira: the importable package beside the book *Predicting the virality of short videos*.

Each chapter of the book imports what it needs from here; one module per idea, named after it
(``presets``, ``seeding``, ``provenance``, ``plots``, ``glue``, ``run`` ...). Importing ``vira``
is light: PyTorch is imported only by the functions that need it.
"""

import os as _os

__version__ = "0.1.0"

if _os.environ.get("VIRA_FORBID_NETWORK") == "1":  # set by the test suite for notebook kernels
    from .offline import forbid_network as _forbid_network

    _forbid_network()

from . import results  # noqa: E402
from .glue import glue  # noqa: E402
from .plots import use_style  # noqa: E402
from .provenance import start  # noqa: E402

__all__ = ["__version__", "glue", "results", "start", "use_style"]
