"""The book's one figure style (seaborn based), so every chapter's figures look alike.

Every chapter calls :func:`use_style` once, in its imports cell, then plots with
matplotlib or seaborn as usual.
"""

from __future__ import annotations

import matplotlib

#: Colour-blind-safe categorical palette used for models, streams and challenges alike.
PALETTE = "colorblind"
#: Sequential colour map for heatmaps (attention, adjacency, Grad-CAM).
HEATMAP = "rocket_r"


def use_style() -> None:
    """Apply the shared style: seaborn ``whitegrid``, the colour-blind palette, crisp PNGs."""
    import seaborn as sns

    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    matplotlib.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": 110,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "axes.titlesize": "medium",
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "image.cmap": "viridis",
    })


def ccdf(ax, values, label: str | None = None, **kwargs) -> None:
    """Plot the empirical complementary CDF, P(X >= x), of the positive values on log-log axes.

    A straight line on these axes is a power-law tail; its slope is minus the tail index. Used by
    chapter 1 (``01_labels``).
    """
    import numpy as np

    x = np.sort(np.asarray(values, dtype=float))
    x = x[x > 0]
    share_at_least = 1.0 - np.arange(len(x)) / len(x)
    ax.loglog(x, share_at_least, label=label, **kwargs)


def skeleton(ax, pose, x_shift: float = 0.0, **kwargs) -> None:
    """Draw one normalised pose (3, V) = (x, y up, confidence) as a stick figure on ``ax``,
    shifted right by ``x_shift``; bones with a missing end (confidence 0) are left out. Keyword
    arguments go to ``ax.plot`` (default: grey, width 1.5). Used by chapter 5."""
    from vira.skeleton import BONES

    style = {"color": "0.3", "lw": 1.5} | kwargs
    for parent, child in BONES:
        if pose[2, parent] > 0 and pose[2, child] > 0:
            ax.plot([pose[0, parent] + x_shift, pose[0, child] + x_shift],
                    [pose[1, parent], pose[1, child]], **style)
