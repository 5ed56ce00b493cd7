"""Glue a computed value into a chapter's prose (MyST-NB's ``glue``), so no number is typed by hand.

In a chapter: ``glue("pi_error", err)`` in a code cell, then ``{glue:text}`pi_error:.4f``` in a
Markdown cell. Jupyter Book reads the value from the executed notebook's outputs.
"""

from __future__ import annotations

from typing import Any


def glue(name: str, value: Any, display: bool = False) -> None:
    """Store ``value``'s display under ``name`` for ``{glue:...}`` roles (used by every chapter).

    Uses ``myst_nb.glue`` when MyST-NB is installed. The GPU machine's image has no MyST-NB, so
    there we emit the same output (MyST-NB's documented ``scrapbook`` metadata and
    ``application/papermill.record/`` MIME prefix) through IPython directly; the book build reads
    both alike. NumPy scalars are glued as the Python numbers they hold: their NumPy 2 repr
    (``np.float64(0.5)``) is not a number that ``{glue:text}`x:.2f``` can format.
    """
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        myst_glue = None
    if myst_glue is not None:
        myst_glue(name, value, display=display)
        return
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    bundle, metadata = format_display_data(value)
    prefix = "" if display else "application/papermill.record/"
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
