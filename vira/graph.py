"""The skeleton graph of PSGCN (VDV paper §4.1, Eq. 4 and 6); used by chapter 2 (PSGCN) and
chapter 3 (action feedback).

Wang et al. (2021, "Will You Ever Become Popular? Learning to Predict Virality of Dance Clips",
§4.1) run graph convolutions on the 16-joint MPII skeleton of :mod:`vira.skeleton`, with every
joint's neighbourhood split into K = 3 subsets by the distance to the thorax (ST-GCN's spatial
partition, Yan et al. 2018), and shrink the graph from 16 to 8 to 4 vertices with a
down-sampling of the adjacency matrices (Eq. 6). This module holds those pieces:

* :func:`edge_index` -- the undirected skeleton graph, shape (2, 30), as torch_geometric likes it;
* :func:`spatial_partitions` -- the K = 3 subset adjacency matrices, shape (3, V, V);
* :func:`normalize` -- Eq. 4's symmetric normalisation Λ_k^{-1/2} A_k Λ_k^{-1/2};
* :func:`sample` -- Eq. 6's down-sampling, exactly as printed, (..., V, V) -> (..., V/2, V/2);
* :func:`sample_mean` -- the plain alternative: the mean of each 2×2 block of a vertex pair;
* :func:`pairs` -- the 8 vertex pairs (2i, 2i+1) that a stride-2 kernel over the vertices merges.

**Adjacency convention** (used by every function here): ``A[k, i, j] = 1`` means *vertex i
gathers from vertex j* in subset k, i.e. rows are receivers and columns are senders. A feature
tensor ``x`` of shape (N, C, T, V) is aggregated as ``out[..., i] = sum_j A[i, j] x[..., j]``::

    out = torch.einsum("kij,nctj->nkcti", A, x)      # (N, K, C, T, V), then weight and sum k

This is the transpose of ST-GCN's code (``einsum("nkctv,kvw->nctw")``, column = receiver); with
this convention Eq. 4's row sums Λ_k^{ii} = Σ_j A_k^{ij} count what vertex i gathers.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch

from vira.skeleton import BONES, CENTER, JOINTS, V, hop_distance

with warnings.catch_warnings():  # torch_geometric's import calls the deprecated torch.jit.script
    warnings.filterwarnings("ignore", message=r".*torch\.jit\.script.*", category=FutureWarning)
    from torch_geometric.utils import add_self_loops, to_undirected

#: Number of neighbourhood subsets of the spatial partition: root, centripetal, centrifugal.
K: int = 3
#: Names of the K subsets, in the order of the first axis of :func:`spatial_partitions`.
SUBSETS: tuple[str, ...] = ("root", "centripetal", "centrifugal")


def edge_index(self_loops: bool = False) -> torch.Tensor:
    """The undirected MPII skeleton graph as a LongTensor (2, E) (chapters 2 and 3).

    Both directions of each of the 15 bones of :data:`vira.skeleton.BONES`, built with
    :func:`torch_geometric.utils.to_undirected` (which also sorts the columns): E = 30. No
    self-loops by default -- :func:`spatial_partitions` does not need them, because its "root"
    subset holds each vertex itself; ``self_loops=True`` appends the V = 16 loops (E = 46) for
    message-passing layers that want them.
    """
    directed = torch.tensor(BONES, dtype=torch.long).t().contiguous()  # (2, 15): parent -> child
    ei = to_undirected(directed, num_nodes=V)
    if self_loops:
        ei, _ = add_self_loops(ei, num_nodes=V)
    return ei


_skeleton_edge_index = edge_index  # spatial_partitions' argument shadows the function's name


def spatial_partitions(edge_index: torch.Tensor | None = None, center: int = CENTER,
                       num_nodes: int = V) -> torch.Tensor:
    """ST-GCN's spatial partition with the thorax as centre: a float tensor (K=3, V, V).

    The neighbourhood of vertex i is i itself plus its graph neighbours j. With h the hop
    distance to ``center`` (computed from ``edge_index`` by :func:`vira.skeleton.hop_distance`):

    * subset 0, "root": j = i (the identity on the skeleton tree);
    * subset 1, "centripetal": h[j] < h[i], j is closer to the centre than i;
    * subset 2, "centrifugal": h[j] > h[i], j is farther from the centre than i.

    ``A[k, i, j] = 1`` means vertex i gathers from vertex j (see the module docstring), so a bone
    (parent p, child c) gives ``A[1, c, p] = 1`` (the child gathers from its parent, inwards) and
    ``A[2, p, c] = 1`` (the parent gathers from its child, outwards): each bone appears exactly
    once in subset 1 and once in subset 2, and A[0] + A[1] + A[2] = I + adjacency. Neighbours at
    the same hop distance (impossible on a tree, possible on a custom ``edge_index``) go to the
    root subset, as in ST-GCN's code (Yan et al.'s text would call them centrifugal). Self-loops
    in ``edge_index`` are ignored (the root subset already holds them). ``edge_index`` defaults
    to :func:`edge_index`; it is treated as undirected. Every vertex must be reachable from the
    centre. Unnormalised: Eq. 4 applies :func:`normalize` on top. Used by chapter 2 (PSGCN).
    """
    ei = _skeleton_edge_index() if edge_index is None else torch.as_tensor(edge_index)
    src, dst = ei[0].tolist(), ei[1].tolist()
    adj = np.zeros((num_nodes, num_nodes), dtype=bool)
    adj[src, dst] = True
    adj |= adj.T
    np.fill_diagonal(adj, False)
    hops = hop_distance(num_nodes, zip(*np.nonzero(adj)), root=center)
    if (hops < 0).any():
        raise ValueError(f"vertices {np.flatnonzero(hops < 0).tolist()} cannot reach the centre")
    hi, hj = hops[:, None], hops[None, :]
    eye = np.eye(num_nodes, dtype=bool)
    parts = np.stack([eye | (adj & (hj == hi)), adj & (hj < hi), adj & (hj > hi)])
    return torch.from_numpy(parts.astype(np.float32))


def normalize(A: torch.Tensor) -> torch.Tensor:
    """Eq. 4's normalisation Λ_k^{-1/2} A_k Λ_k^{-1/2}, per subset; (K, V, V) or (V, V).

    Λ_k is diagonal with Λ_k^{ii} = Σ_j A_k^{ij}, the row sums (what vertex i gathers, in this
    module's convention), so entry (i, j) becomes A^{ij} / sqrt(Λ^{ii} Λ^{jj}). For the
    centripetal and centrifugal subsets A_k is not symmetric (a child gathers from its parent but
    not the other way round in the same subset); we apply the formula as printed, with Λ from the
    row sums on both sides, so the result is not symmetric either and its rows need not sum to 1.
    A row with zero degree (e.g. the thorax in the centripetal subset, an ankle in the
    centrifugal one) gets the factor 0 instead of 1/sqrt(0): its row and column become 0, never
    inf or NaN (non-positive row sums are treated the same way); gradients stay finite too.

    ST-GCN's own code normalises as A·D^{-1} instead (in its column-receiver convention: each
    receiver's incoming weights divided by their sum, a mean, Eq. 3's 1/Z), once on the whole
    neighbourhood before splitting it; we follow the paper's symmetric form of Eq. 4, the one of
    the GCN it cites for the implementation (Kipf and Welling 2017, [26]), per subset. Leading
    axes broadcast: any (..., V, V) works. Used by chapter 2 (PSGCN's Ā_o) and chapter 3.
    """
    A = torch.as_tensor(A)
    if not A.is_floating_point():
        A = A.float()
    deg = A.sum(dim=-1)
    positive = deg > 0
    inv_sqrt = torch.where(positive, torch.where(positive, deg, torch.ones_like(deg)).rsqrt(),
                           torch.zeros_like(deg))
    return inv_sqrt[..., :, None] * A * inv_sqrt[..., None, :]


def _square_even(A, name: str) -> torch.Tensor:
    """A as a floating tensor (..., V, V) with V even, or a ValueError naming ``name``."""
    A = torch.as_tensor(A)
    n = A.shape[-1]
    if A.ndim < 2 or A.shape[-2] != n or n % 2:
        raise ValueError(f"{name} needs (..., V, V) with V even, got {tuple(A.shape)}")
    return A if A.is_floating_point() else A.float()


def _eq6_weights(m: int, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """L of shape (m, m): L[i, i] = i + 2, L[i, i+1] = -i (column m, one past the end, dropped)."""
    idx = torch.arange(m, dtype=dtype, device=device)
    return torch.diag(idx + 2) - torch.diag(idx[:-1], diagonal=1)


def sample(A: torch.Tensor) -> torch.Tensor:
    r"""Eq. 6's graph down-sampling, exactly as printed: (..., V, V) -> (..., V/2, V/2).

    For V even and i, j in 0 .. V/2 - 1::

        sample(A)[i, j] = 1/4 [i+2, -i] [[A[2i, 2j],     A[2i, 2(j+1)]    ],  [j+2, -j]^T
                                         [A[2(i+1), 2j], A[2(i+1), 2(j+1)]]]
                        = 1/4 ( (i+2)(j+2) A[2i, 2j]   - (i+2) j A[2i, 2j+2]
                                - i (j+2) A[2i+2, 2j]  + i j A[2i+2, 2j+2] ).

    **Boundary rule.** At i = V/2 - 1 (or j = V/2 - 1) the printed formula reads row (column)
    2(i+1) = V, one past the end. We treat A as zero outside its range (zero padding: a vertex
    that does not exist has no edges), so the last row uses only A[V-2, .] with weight
    (V/2+1)/4. The alternative, clamping the index V to the last vertex V-1, is not implemented.

    **What the weights do.** The row weights are (i+2)/4 and -i/4: they sum to 1/2 for every i
    (and the column weights j+2, -j sum to 2, so the four weights sum to 1: an affine
    combination), but they grow in magnitude with i. At i = 0 the row weights are (1/2, 0): only
    row 2i = 0 is used, at half weight. For i >= 1 the second weight is negative, so for later
    vertex pairs the operation *extrapolates* -- it amplifies the difference between the entries
    at 2i and 2(i+1), (i+2)/4 A[2i] - i/4 A[2i+2] = 1/2 A[2i] + i/4 (A[2i] - A[2i+2]) -- rather
    than averaging them; at i = 7 (V = 16) the weights are 9/4 and -7/4. The paper calls this
    "quadratically interpolating between neighboring vertexes"; as printed it is a bilinear form
    whose entries only ever read even rows and even columns 0, 2, ..., V-2 (plus the padded V):
    the odd vertices (r_knee, l_hip, l_ankle, thorax, head_top, r_elbow, l_shoulder, l_wrist on
    MPII) are never read. On the identity (the normalised root subset) it gives diagonal entries
    ((i+2)^2 + i^2)/4 and (i, i+1) entries -i(i+3)/4, e.g. 81/4 at (7, 7) for V = 16.

    Worked example, entry (0, 0): 1/4 [2, 0] [[A[0,0], A[0,2]], [A[2,0], A[2,2]]] [2, 0]^T
    = 1/4 · 2 · 2 · A[0, 0] = A[0, 0].

    In matrix form, sample(A) = 1/4 L E L^T with E = A[..., ::2, ::2] (V/2, V/2) and L the
    (V/2, V/2) matrix with L[i, i] = i+2, L[i, i+1] = -i (the column for the padded index V
    multiplies zeros and is dropped). Vectorised and differentiable: PSGCN applies it to
    Ā = Ā_o + A_l with a learnable A_l (§4.1), and gradients flow to A_l. Any leading shape,
    e.g. (K, V, V) -> (K, V/2, V/2). Used by chapter 2 (PSGCN's down-sampling blocks, Eq. 5).
    """
    A = _square_even(A, "sample")
    n = A.shape[-1]
    L = _eq6_weights(n // 2, A.dtype, A.device)
    E = A[..., ::2, ::2]
    return 0.25 * (L @ E @ L.transpose(0, 1))


def sample_mean(A: torch.Tensor) -> torch.Tensor:
    """The plain alternative to Eq. 6: mean of each 2×2 block, (..., V, V) -> (..., V/2, V/2).

    Entry (i, j) = 1/4 (A[2i, 2j] + A[2i, 2j+1] + A[2i+1, 2j] + A[2i+1, 2j+1]): the average
    connection between anatomical pair i and pair j of :func:`pairs`, which is what a stride-2
    kernel over the vertex axis merges. Reads every vertex, needs no boundary rule, never
    extrapolates; differentiable. Used by chapter 2 as the ablation of :func:`sample`.
    """
    A = _square_even(A, "sample_mean")
    m = A.shape[-1] // 2
    return A.reshape(*A.shape[:-2], m, 2, m, 2).mean(dim=(-3, -1))


def pairs() -> tuple[tuple[tuple[int, int], tuple[str, str]], ...]:
    """The 8 vertex pairs (2i, 2i+1) of the MPII order, with their joint names.

    ``((0, 1), ("r_ankle", "r_knee")), ((2, 3), ("r_hip", "l_hip")), ...``: the MPII index order
    puts anatomically adjacent joints next to each other --
    (r_ankle, r_knee), (r_hip, l_hip), (l_knee, l_ankle), (pelvis, thorax),
    (upper_neck, head_top), (r_wrist, r_elbow), (r_shoulder, l_shoulder), (l_elbow, l_wrist) --
    so a stride-2 kernel over the vertex axis (PSGCN's w_k^d of size 2 × 1, Eq. 5) merges
    anatomical neighbours, and :func:`sample_mean` averages their connections. Used by chapter 2
    to name the vertices of the down-sampled graphs.
    """
    return tuple(((2 * i, 2 * i + 1), (JOINTS[2 * i], JOINTS[2 * i + 1])) for i in range(V // 2))


def normalize_stgcn(A: torch.Tensor) -> torch.Tensor:
    """ST-GCN's own normalisation, for the ST-GCN baseline of chapter 2: (K, V, V) -> (K, V, V).

    ST-GCN (Yan et al. 2018) divides each vertex's incoming edges by the size of its whole
    neighbourhood, counted over all K subsets together (their ``A D^-1`` in their transposed
    convention): ``A[k, i, j] / sum_k' sum_j' A[k', i, j']``. So a vertex averages its
    neighbours, where Eq. 4 of the VDV paper weighs them by 1 / sqrt(deg_i deg_j) per subset.
    A vertex with no edges keeps zeros.
    """
    degree = A.sum(dim=(0, 2))  # (V,): neighbourhood size of each receiving vertex
    factor = torch.where(degree > 0, 1.0 / degree.clamp_min(1e-12), torch.zeros_like(degree))
    return A * factor[None, :, None]
