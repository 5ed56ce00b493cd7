"""vira.book.glue (``vira.glue``): numbers from executed cells into the prose."""

import sys

import pytest

import vira


def _captured_display(monkeypatch, target):
    calls = []
    monkeypatch.setattr(target, lambda *a, **k: calls.append((a, k)))
    return calls


@pytest.mark.parametrize("value", [3.14159, 12345, "text"])
def test_glue_fallback_emits_exactly_what_myst_nb_emits(monkeypatch, value):
    """Without MyST-NB (the GPU image), vira.book.glue must produce MyST-NB's own output."""
    from myst_nb.ext import glue as myst_glue_module

    reference = _captured_display(monkeypatch, "myst_nb.ext.glue.ipy_display")
    myst_glue_module.glue("x", value, display=False)

    monkeypatch.setitem(sys.modules, "myst_nb", None)  # makes `from myst_nb import glue` fail
    ours = _captured_display(monkeypatch, "IPython.display.display")
    vira.glue("x", value)
    assert ours == reference and reference[0][1]["metadata"]["scrapbook"]["name"] == "x"


def test_glue_turns_numpy_scalars_into_formattable_numbers(monkeypatch):
    import numpy as np

    calls = _captured_display(monkeypatch, "myst_nb.ext.glue.ipy_display")
    vira.glue("x", np.float64(0.25))
    vira.glue("n", np.int64(7))
    assert [c[0][0]["application/papermill.record/text/plain"] for c in calls] == ["0.25", "7"]
