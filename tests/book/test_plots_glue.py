"""The shared figure style and the glue helper."""

import sys

import matplotlib
import matplotlib.colors
import pytest

import vira
from vira.book.plots import use_style


def test_use_style_sets_the_shared_look():
    matplotlib.rcdefaults()
    use_style()
    assert matplotlib.rcParams["axes.spines.top"] is False
    assert matplotlib.rcParams["savefig.dpi"] == 150
    import seaborn as sns

    first = matplotlib.colors.to_hex(matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0])
    assert first == sns.color_palette("colorblind").as_hex()[0]


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


def test_skeleton_draws_one_line_per_bone_with_both_ends_seen():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from vira.book.plots import skeleton
    from vira.skeleton import BONES, V

    pose = np.ones((3, V))
    pose[0] = np.arange(V)
    fig, ax = plt.subplots()
    skeleton(ax, pose, x_shift=10.0)
    assert len(ax.lines) == len(BONES) == 15
    assert min(line.get_xdata().min() for line in ax.lines) == 10.0
    pose[2, 0] = 0  # the right ankle missing: its one bone goes
    fig, ax = plt.subplots()
    skeleton(ax, pose, color="r")
    assert len(ax.lines) == 14 and ax.lines[0].get_color() == "r"
    plt.close("all")
