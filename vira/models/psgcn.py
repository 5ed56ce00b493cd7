"""PSGCN: the pyramidal skeleton graph convolutional network of the VDV paper (§4.1, Eq. 5-6).

PSGCN is nine spatial-temporal graph convolution blocks (:class:`vira.models.stgcn.STGCNBlock`)
in which two blocks also halve the graph with the **graph down-sampling module** (Eq. 5)::

    f_out = sum_k sample(A_k) (f_in * w_k^d),   w_k^d a 2x1 kernel of stride 2 over the joints

The MPII index order puts anatomically adjacent joints side by side ((r_ankle, r_knee),
(r_hip, l_hip), ..., (l_elbow, l_wrist): :func:`vira.graph.pairs`), so the stride-2 kernel over
the vertex axis merges each pair into one coarse vertex, and ``sample`` (Eq. 6) turns the
(V x V) adjacency into the (V/2 x V/2) adjacency between the merged vertices. Every block has its
own learnable edges, A = A_o + A_l (A_l starts at zero).

Our reading of Fig. 5, whose numbers the text does not give: channels 64, 64, 64, 128, 128, 128,
256, 256, 256 and temporal stride 2 at blocks 4 and 7 (ST-GCN's layout), and spatial stride 2 at
the same blocks, so the graph goes 16 -> 8 -> 4 joints. Chapter 2 says so.

Shapes: (N, 3, T, 16) -> (N,). Used by chapters 2 (virality from skeletons) and 3 (feedback).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from vira import graph
from vira.models.stgcn import LAYOUT, SkeletonRegressor, STGCNBlock

#: Blocks (0-based) whose spatial stride is 2 in our reading of Fig. 5.
DOWNSAMPLE_AT = (3, 6)


class GraphDownsample(nn.Module):
    """Eq. 5: ``sum_k sample(A_k) (f_in * w_k^d)``: x (N, C_in, T, V), A (K, V, V) -> (N, C_out, T, V/2).

    ``w_k^d`` is a (1 x 2) kernel over (frames x joints) with stride 2 on the joint axis, one group
    of C_out channels per subset k; ``sample_fn`` is :func:`vira.graph.sample` (Eq. 6 as printed)
    or :func:`vira.graph.sample_mean` (the plain pair average, for the ablation).
    """

    def __init__(self, c_in: int, c_out: int, k: int, v: int,
                 sample_fn: Callable[[torch.Tensor], torch.Tensor] = graph.sample):
        super().__init__()
        self.k, self.c_out, self.v_out = k, c_out, v // 2
        self.sample_fn = sample_fn
        self.conv = nn.Conv2d(c_in, c_out * k, kernel_size=(1, 2), stride=(1, 2))

    def forward(self, x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        n, _, t, v = x.shape
        y = self.conv(x).view(n, self.k, self.c_out, t, v // 2)
        return torch.einsum("nkctj,kij->ncti", y, self.sample_fn(a))


class PSGCN(SkeletonRegressor):
    """PSGCN (``pyramid=True``) or its "w/o pyramid" ablation (Table 5, ``pyramid=False``).

    ``a`` is the normalised adjacency (K, V, V) of :func:`vira.graph.normalize` (Eq. 4). A block
    after a down-sampling works on the coarse graph, whose base adjacency is ``sample(A)`` of the
    level above; each block adds its own learnable A_l. (N, 3, T, V) -> (N,).
    """

    def __init__(self, a: torch.Tensor, in_channels: int = 3, pyramid: bool = True,
                 sample_fn: Callable[[torch.Tensor], torch.Tensor] = graph.sample, layout=LAYOUT):
        blocks, c_in, level = nn.ModuleList(), in_channels, a
        k = a.shape[0]
        for i, (c_out, stride) in enumerate(layout):
            down = pyramid and i in DOWNSAMPLE_AT
            module = GraphDownsample(c_in, c_out, k, level.shape[-1], sample_fn) if down else None
            blocks.append(STGCNBlock(c_in, c_out, level, stride, edges="additive", graph=module))
            if down:
                with torch.no_grad():
                    level = sample_fn(level)
            c_in = c_out
        super().__init__(blocks, in_channels, a.shape[-1])
        self.pyramid = pyramid

    def adjacencies(self) -> list[torch.Tensor]:
        """Each block's adjacency A_o + A_l (for Fig. 7 of the paper)."""
        return [block.adjacency().detach() for block in self.blocks]
