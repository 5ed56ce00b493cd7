"""The code of a chapter, as the runner and the data-input listing read it (statically, before it
runs): :func:`chapter_code`. Used by :mod:`vira.book.runner` (the ``vira`` modules a chapter
imports) and :mod:`vira.book.data_inputs` (the data, weight and results files it names)."""

from __future__ import annotations

import json
from pathlib import Path


def chapter_code(chapter: Path) -> list[str]:
    """The code of ``chapter`` (``notebooks/NN_slug.ipynb``): its paired ``.py`` as one string if
    there is one, else one string per code cell of the ``.ipynb``."""
    paired = Path(chapter).with_suffix(".py")
    if paired.exists():
        return [paired.read_text(encoding="utf-8")]
    nb = json.loads(Path(chapter).read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb.get("cells", []) if c.get("cell_type") == "code"]
