"""vira.book.plots: the shared figure style and the figure helpers."""

import matplotlib
import matplotlib.colors

from vira.book.plots import use_style


def test_use_style_sets_the_shared_look():
    matplotlib.rcdefaults()
    use_style()
    assert matplotlib.rcParams["axes.spines.top"] is False
    assert matplotlib.rcParams["savefig.dpi"] == 150
    import seaborn as sns

    first = matplotlib.colors.to_hex(matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0])
    assert first == sns.color_palette("colorblind").as_hex()[0]


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
