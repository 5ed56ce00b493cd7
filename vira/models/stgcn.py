"""Spatial-temporal graph convolution (VDV Eq. 3-4) and the ST-GCN baseline.

Tensors follow the ST-GCN convention: a batch of skeleton sequences is (N, C, T, V) -- clips,
channels (x, y, confidence at the input), frames, joints -- and an adjacency is (K, V, V) with
``A[k, i, j] != 0`` when vertex i gathers from vertex j in subset k (:mod:`vira.graph`). One
einsum applies it: ``out[n, c, t, i] = sum_k sum_j A[k, i, j] y[n, k, c, t, j]``.

Used by chapter 2 (``02_psgcn``): :class:`STGCNBlock` is the block PSGCN is built from, and
:class:`STGCN` is the baseline of Table 3.
"""

from __future__ import annotations

import torch
from torch import nn

TEMPORAL_KERNEL = 7  # §5.1 of the VDV paper
DROPOUT = 0.5
#: The 9-block layout shared by ST-GCN, PSGCN and PSGCN w/o pyramid: (channels, temporal stride).
#: Widths and temporal strides are ST-GCN's; the VDV paper's Fig. 5 does not print them.
LAYOUT = ((64, 1), (64, 1), (64, 1), (128, 2), (128, 1), (128, 1), (256, 2), (256, 1), (256, 1))


class GraphConv(nn.Module):
    """Eq. 4: ``sum_k A_k f_in w_k`` -- a 1x1 convolution to K groups of channels, then the graph.

    x (N, C_in, T, V), A (K, V, V) -> (N, C_out, T, V).
    """

    def __init__(self, c_in: int, c_out: int, k: int):
        super().__init__()
        self.k, self.c_out = k, c_out
        self.conv = nn.Conv2d(c_in, c_out * k, kernel_size=1)

    def forward(self, x: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        n, _, t, v = x.shape
        y = self.conv(x).view(n, self.k, self.c_out, t, v)
        return torch.einsum("nkctj,kij->ncti", y, a)


class STGCNBlock(nn.Module):
    """One spatial-temporal graph convolution block (Eq. 3-4 and §5.1).

    graph convolution -> batch norm -> ReLU -> temporal convolution (kernel 7, stride
    ``temporal_stride``) -> batch norm -> dropout 0.5, plus a residual (identity, or a 1x1
    convolution with batch norm where the shape changes) -> ReLU.

    The block's adjacency is ``edges(A_o)``: PSGCN adds a learnable matrix,
    ``A_o + A_l`` (``edges="additive"``, A_l starts at zero, §4.1); ST-GCN multiplies by a
    learnable edge-importance mask, ``A_o * M`` (``edges="importance"``, M starts at one).
    ``graph`` replaces the graph convolution (PSGCN's down-sampling module, Eq. 5); it must map
    (N, C_in, T, V) and an adjacency to (N, C_out, T, V_out) and expose ``v_out``.

    x (N, C_in, T, V) -> (N, C_out, ceil(T / temporal_stride), V_out).
    """

    def __init__(self, c_in: int, c_out: int, a: torch.Tensor, temporal_stride: int = 1,
                 edges: str = "additive", graph: nn.Module | None = None,
                 residual: bool = True, dropout: float = DROPOUT):
        super().__init__()
        k, v, _ = a.shape
        self.register_buffer("a_o", a.clone())
        self.edges = edges
        if edges == "additive":
            self.a_l = nn.Parameter(torch.zeros_like(a))
        elif edges == "importance":
            self.mask = nn.Parameter(torch.ones_like(a))
        else:
            raise ValueError(f"edges must be 'additive' or 'importance', got {edges!r}")
        self.gcn = graph if graph is not None else GraphConv(c_in, c_out, k)
        v_out = getattr(self.gcn, "v_out", v)
        pad = (TEMPORAL_KERNEL - 1) // 2
        self.tcn = nn.Sequential(
            nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
            nn.Conv2d(c_out, c_out, (TEMPORAL_KERNEL, 1), (temporal_stride, 1), (pad, 0)),
            nn.BatchNorm2d(c_out), nn.Dropout(dropout),
        )
        if not residual:
            self.residual = None
        elif c_in == c_out and temporal_stride == 1 and v_out == v:
            self.residual = nn.Identity()
        else:
            # a 1x1 convolution where only channels/frames change; where the graph is halved, a
            # (1, 2) kernel of stride 2 merges each pair of joints like the down-sampling module
            kernel, stride = ((1, 2), (temporal_stride, 2)) if v_out != v else (1, (temporal_stride, 1))
            self.residual = nn.Sequential(nn.Conv2d(c_in, c_out, kernel, stride), nn.BatchNorm2d(c_out))
        self.relu = nn.ReLU(inplace=True)

    def adjacency(self) -> torch.Tensor:
        """The block's current adjacency (K, V, V): A_o + A_l, or A_o * M."""
        return self.a_o + self.a_l if self.edges == "additive" else self.a_o * self.mask

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.tcn(self.gcn(x, self.adjacency()))
        if self.residual is not None:
            y = y + self.residual(x)
        return self.relu(y)


def masked_mean(x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Average (N, C, T, V) over frames and joints; ``mask`` (N, T0) marks real frames.

    The mask is at input resolution; it is resized to T by nearest neighbour, so padded frames of
    variable-length batches never enter the average.
    """
    if mask is None:
        return x.mean(dim=(2, 3))
    m = nn.functional.interpolate(mask[:, None].float(), size=x.shape[2], mode="nearest")[:, 0]
    weights = m[:, None, :, None]
    return (x * weights).sum(dim=(2, 3)) / (weights.sum(dim=(2, 3)) * x.shape[3]).clamp_min(1)


class SkeletonRegressor(nn.Module):
    """A stack of blocks, global average pooling and a linear head: (N, C, T, V) -> (N,) scores.

    The input first goes through batch norm over (C x V), as in ST-GCN, so every joint's
    coordinates are standardised.
    """

    def __init__(self, blocks: nn.ModuleList, in_channels: int, num_joints: int):
        super().__init__()
        self.data_bn = nn.BatchNorm1d(in_channels * num_joints)
        self.blocks = blocks
        self.head = nn.Linear(blocks[-1].tcn[2].out_channels, 1)

    def features(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """The pooled video-level feature (N, C_last) (the fusion chapter concatenates these)."""
        n, c, t, v = x.shape
        x = self.data_bn(x.permute(0, 1, 3, 2).reshape(n, c * v, t))
        x = x.view(n, c, v, t).permute(0, 1, 3, 2).contiguous()
        for block in self.blocks:
            x = block(x)
        return masked_mean(x, mask)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.head(self.features(x, mask)).squeeze(-1)


class STGCN(SkeletonRegressor):
    """The ST-GCN baseline (Yan et al. 2018) as a virality regressor.

    Nine blocks of :data:`LAYOUT` on the full 16-joint graph, ST-GCN's own normalisation
    (mean over the neighbourhood, :func:`vira.graph.normalize_stgcn`; pass it as ``a``) and its
    learnable edge-importance masks; no
    graph down-sampling. (N, 3, T, 16) -> (N,).
    """

    def __init__(self, a: torch.Tensor, in_channels: int = 3, layout=LAYOUT):
        blocks, c_in = nn.ModuleList(), in_channels
        for i, (c_out, stride) in enumerate(layout):
            blocks.append(STGCNBlock(c_in, c_out, a, stride, edges="importance", residual=i > 0))
            c_in = c_out
        super().__init__(blocks, in_channels, a.shape[-1])
