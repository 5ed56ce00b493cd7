"""The PSGCN skeleton graph of vira.graph: edges, spatial partition, Eq. 4 and Eq. 6."""

import math

import numpy as np
import pytest
import torch

from vira import graph as g
from vira import skeleton as sk

J = {name: i for i, name in enumerate(sk.JOINTS)}


# ---------------------------------------------------------------------------------- edge_index

def test_edge_index_is_the_undirected_skeleton():
    ei = g.edge_index()
    assert ei.dtype == torch.long and ei.shape == (2, 2 * 15)
    edges = set(map(tuple, ei.t().tolist()))
    assert len(edges) == 30                                     # no duplicates
    assert all((b, a) in edges for a, b in edges)               # symmetric
    assert all(a != b for a, b in edges)                        # no self-loops by default
    assert edges == {(p, c) for p, c in sk.BONES} | {(c, p) for p, c in sk.BONES}


def test_edge_index_with_self_loops():
    ei = g.edge_index(self_loops=True)
    assert ei.shape == (2, 30 + 16)
    edges = set(map(tuple, ei.t().tolist()))
    assert {(i, i) for i in range(sk.V)} <= edges
    assert edges - {(i, i) for i in range(sk.V)} == set(map(tuple, g.edge_index().t().tolist()))


# --------------------------------------------------------------------------- spatial_partitions

def _adjacency() -> np.ndarray:
    adj = np.zeros((sk.V, sk.V))
    for p, c in sk.BONES:
        adj[p, c] = adj[c, p] = 1
    return adj


def test_spatial_partitions_structure():
    P = g.spatial_partitions()
    assert P.shape == (3, 16, 16) and P.dtype == torch.float32
    P = P.numpy()
    assert set(np.unique(P)) <= {0.0, 1.0}
    np.testing.assert_array_equal(P[0], np.eye(16))            # root = the vertex itself
    assert P.sum(axis=0).max() == 1                             # the subsets are disjoint
    np.testing.assert_array_equal(P.sum(axis=0), np.eye(16) + _adjacency())
    # Every bone exactly once in each of subsets 1 and 2: the child gathers from its parent
    # (centripetal), the parent gathers from its child (centrifugal).
    assert P[1].sum() == P[2].sum() == 15
    for p, c in sk.BONES:
        assert P[1, c, p] == 1 and P[1, p, c] == 0
        assert P[2, p, c] == 1 and P[2, c, p] == 0
    np.testing.assert_array_equal(P[1], P[2].T)
    # The thorax has nothing closer to the centre; ankles, wrists and head top nothing farther.
    assert P[1, J["thorax"]].sum() == 0
    for leaf in ("r_ankle", "l_ankle", "r_wrist", "l_wrist", "head_top"):
        assert P[2, J[leaf]].sum() == 0


def test_spatial_partitions_by_hand():
    P = g.spatial_partitions().numpy()
    # Thorax / upper neck (hops 0 / 1).
    assert P[1, J["upper_neck"], J["thorax"]] == 1
    assert P[2, J["thorax"], J["upper_neck"]] == 1
    # r_elbow (hop 2): itself, r_shoulder (hop 1) closer, r_wrist (hop 3) farther.
    row = {k: set(np.flatnonzero(P[k, J["r_elbow"]]).tolist()) for k in range(3)}
    assert row == {0: {J["r_elbow"]}, 1: {J["r_shoulder"]}, 2: {J["r_wrist"]}}
    # Thorax gathers from its four children in the centrifugal subset.
    assert set(np.flatnonzero(P[2, J["thorax"]]).tolist()) == {
        J["upper_neck"], J["r_shoulder"], J["l_shoulder"], J["pelvis"]}


def test_spatial_partitions_accept_self_loops_and_custom_graph():
    np.testing.assert_array_equal(g.spatial_partitions(g.edge_index(self_loops=True)).numpy(),
                                  g.spatial_partitions().numpy())
    # A triangle 0-1-2 centred at 0: 1 and 2 are both at hop 1, so they go to the root subset.
    tri = torch.tensor([[0, 1, 0, 2, 1, 2], [1, 0, 2, 0, 2, 1]])
    P = g.spatial_partitions(tri, center=0, num_nodes=3).numpy()
    np.testing.assert_array_equal(P[0], [[1, 0, 0], [0, 1, 1], [0, 1, 1]])
    np.testing.assert_array_equal(P[1], [[0, 0, 0], [1, 0, 0], [1, 0, 0]])
    np.testing.assert_array_equal(P[2], [[0, 1, 1], [0, 0, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match="cannot reach"):
        g.spatial_partitions(torch.tensor([[0], [1]]), center=0, num_nodes=3)


def test_einsum_convention():
    # A[k, i, j] = 1: vertex i gathers from vertex j; out = einsum("kij,nctj->nkcti", A, x).
    P = g.spatial_partitions()
    x = torch.randn(2, 3, 4, sk.V)
    out = torch.einsum("kij,nctj->nkcti", P, x)
    assert out.shape == (2, 3, 3, 4, sk.V)
    torch.testing.assert_close(out[:, 0], x)
    torch.testing.assert_close(out[:, 1, ..., J["upper_neck"]], x[..., J["thorax"]])
    torch.testing.assert_close(out[:, 1, ..., J["thorax"]], torch.zeros(2, 3, 4))
    kids = [J[n] for n in ("upper_neck", "r_shoulder", "l_shoulder", "pelvis")]
    torch.testing.assert_close(out[:, 2, ..., J["thorax"]], x[..., kids].sum(-1))


# ---------------------------------------------------------------------------------- normalize

def test_normalize_hand_example_with_zero_row():
    A = torch.tensor([[1.0, 1, 0], [1, 1, 1], [0, 0, 0]])
    # Row sums 2, 3, 0 -> factors 1/sqrt(2), 1/sqrt(3), 0 (zero degree -> 0, not inf).
    # (0,0) = 1/2; (0,1) = (1,0) = 1/sqrt(6); (1,1) = 1/3; (1,2) = 1 * 1/sqrt(3) * 0 = 0.
    s6 = 1 / math.sqrt(6)
    expected = torch.tensor([[0.5, s6, 0.0], [s6, 1 / 3, 0.0], [0.0, 0.0, 0.0]])
    out = g.normalize(A)
    torch.testing.assert_close(out, expected)
    assert torch.isfinite(out).all()
    assert (out[2] == 0).all() and (out[:, 2] == 0).all()


def test_normalize_all_zero_and_gradient_is_finite():
    assert (g.normalize(torch.zeros(4, 4)) == 0).all()
    A = torch.tensor([[1.0, 1, 0], [1, 1, 1], [0, 0, 0]], requires_grad=True)
    g.normalize(A).sum().backward()
    assert torch.isfinite(A.grad).all()


def _normalize_np(A: np.ndarray) -> np.ndarray:
    d = A.sum(axis=1)
    f = np.zeros_like(d)
    f[d > 0] = d[d > 0] ** -0.5
    return np.diag(f) @ A @ np.diag(f)


def test_normalize_per_subset_and_against_numpy():
    P = g.spatial_partitions()
    N = g.normalize(P)
    assert N.shape == (3, 16, 16) and torch.isfinite(N).all()
    for k in range(3):
        torch.testing.assert_close(N[k], g.normalize(P[k]))
        np.testing.assert_allclose(N[k].numpy(), _normalize_np(P[k].numpy().astype(float)),
                                   rtol=1e-6, atol=1e-7)
    torch.testing.assert_close(N[0], torch.eye(16))
    # Centripetal: every non-thorax row has one entry (its parent), degree 1, and the parent's
    # factor is its own centripetal degree (1, or 0 for the thorax).
    assert N[1, J["upper_neck"], J["thorax"]] == 0            # thorax has degree 0 here
    assert N[1, J["head_top"], J["upper_neck"]] == 1
    # Centrifugal: thorax has 4 children, each shoulder 1: 1/sqrt(4 * 1) = 1/2.
    assert N[2, J["thorax"], J["r_shoulder"]] == pytest.approx(0.5)


# ------------------------------------------------------------------------------------- sample

A44 = torch.arange(1.0, 17.0).reshape(4, 4)  # A[r, c] = 4 r + c + 1


def test_sample_hand_example_4x4():
    # Even entries: A[0,0] = 1, A[0,2] = 3, A[2,0] = 9, A[2,2] = 11; index 4 -> 0 (zero padding).
    # (0,0): 1/4 [2, 0] [[A00, A02], [A20, A22]] [2, 0]^T = 1/4 * 2 * 2 * 1 = 1
    # (0,1): 1/4 [2, 0] [[A02, A04=0], [A22, A24=0]] [3, -1]^T = 1/4 * 2 * (3*3 - 0) = 4.5
    # (1,0): 1/4 [3, -1] [[A20, A22], [A40=0, A42=0]] [2, 0]^T = 1/4 * 3 * 2 * 9 = 13.5
    # (1,1): 1/4 [3, -1] [[A22, A24=0], [A42=0, A44=0]] [3, -1]^T = 1/4 * 3 * 3 * 11 = 24.75
    expected = torch.tensor([[1.0, 4.5], [13.5, 24.75]])
    torch.testing.assert_close(g.sample(A44), expected)


def test_sample_hand_example_6x6_extrapolates():
    A = torch.arange(36.0).reshape(6, 6)  # A[r, c] = 6 r + c
    # (1,1) reads only in-range entries: A22 = 14, A24 = 16, A42 = 26, A44 = 28;
    # 1/4 [3, -1] [[14, 16], [26, 28]] [3, -1]^T = 1/4 (9*14 - 3*16 - 3*26 + 28) = 7.0
    assert g.sample(A)[1, 1].item() == pytest.approx(7.0)
    # A constant matrix: interior weights sum to 1, so the interior keeps the constant ...
    out = g.sample(torch.full((6, 6), 2.0))
    assert out[0, 0].item() == out[1, 1].item() == pytest.approx(2.0)
    # ... but the last row/column lose the padded partner: (2,2) = 1/4 * 4 * 4 * 2 = 8.
    assert out[2, 2].item() == pytest.approx(8.0)


def _sample_loop(A: np.ndarray) -> np.ndarray:
    """Eq. 6 straight from the printed formula, zero outside A's range."""
    v = A.shape[0]

    def a(r, c):
        return A[r, c] if r < v and c < v else 0.0

    out = np.zeros((v // 2, v // 2))
    for i in range(v // 2):
        for j in range(v // 2):
            M = np.array([[a(2 * i, 2 * j), a(2 * i, 2 * (j + 1))],
                          [a(2 * (i + 1), 2 * j), a(2 * (i + 1), 2 * (j + 1))]])
            out[i, j] = 0.25 * np.array([i + 2, -i]) @ M @ np.array([j + 2, -j])
    return out


def test_sample_equals_brute_force():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(16, 16))
    np.testing.assert_allclose(g.sample(torch.from_numpy(A)).numpy(), _sample_loop(A),
                               rtol=1e-12, atol=1e-12)
    B = rng.normal(size=(3, 16, 16))
    out = g.sample(torch.from_numpy(B)).numpy()
    assert out.shape == (3, 8, 8)
    for k in range(3):
        np.testing.assert_allclose(out[k], _sample_loop(B[k]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g.sample(torch.from_numpy(A44.numpy())).numpy(),
                               _sample_loop(A44.numpy()))


def test_sample_gradient_flows():
    A = torch.randn(16, 16, requires_grad=True)
    g.sample(A).sum().backward()
    assert torch.isfinite(A.grad).all() and (A.grad != 0).any()
    assert (A.grad[1::2] == 0).all() and (A.grad[:, 1::2] == 0).all()  # odd vertices unread
    # PSGCN: Ā = Ā_o + A_l with a learnable A_l.
    A_l = torch.zeros(3, 16, 16, requires_grad=True)
    out = g.sample(g.normalize(g.spatial_partitions()) + A_l)
    assert out.shape == (3, 8, 8)
    (out ** 2).sum().backward()
    assert torch.isfinite(A_l.grad).all() and (A_l.grad != 0).any()


def test_sample_on_real_graph_and_identity():
    out = g.sample(g.normalize(g.spatial_partitions()))
    assert out.shape == (3, 8, 8) and torch.isfinite(out).all()
    # Identity (the normalised root subset): diagonal ((i+2)^2 + i^2) / 4 except the last,
    # (i+2)^2 / 4; (i, i+1) entries -i (i+3) / 4.
    i = torch.arange(8.0)
    diag = ((i + 2) ** 2 + i ** 2) / 4
    diag[-1] = 81 / 4
    torch.testing.assert_close(torch.diagonal(out[0]), diag)
    torch.testing.assert_close(torch.diagonal(out[0], 1), -i[:-1] * (i[:-1] + 3) / 4)


def test_sample_rejects_odd_or_non_square():
    for bad in (torch.zeros(5, 5), torch.zeros(4, 6), torch.zeros(4)):
        with pytest.raises(ValueError):
            g.sample(bad)
        with pytest.raises(ValueError):
            g.sample_mean(bad)


# -------------------------------------------------------------------------------- sample_mean

def test_sample_mean_hand_example_4x4():
    # (0,0) = mean(1, 2, 5, 6) = 3.5; (0,1) = mean(3, 4, 7, 8) = 5.5;
    # (1,0) = mean(9, 10, 13, 14) = 11.5; (1,1) = mean(11, 12, 15, 16) = 13.5.
    torch.testing.assert_close(g.sample_mean(A44), torch.tensor([[3.5, 5.5], [11.5, 13.5]]))


def test_sample_mean_is_block_mean_and_differentiable():
    A = torch.randn(3, 16, 16, requires_grad=True)
    out = g.sample_mean(A)
    assert out.shape == (3, 8, 8)
    Ad = A.detach()
    for i in range(8):
        for j in range(8):
            block = Ad[:, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
            torch.testing.assert_close(out[:, i, j].detach(), block.mean(dim=(-2, -1)))
    out.sum().backward()
    torch.testing.assert_close(A.grad, torch.full_like(A, 0.25))


# -------------------------------------------------------------------------------------- pairs

def test_pairs():
    expected = (("r_ankle", "r_knee"), ("r_hip", "l_hip"), ("l_knee", "l_ankle"),
                ("pelvis", "thorax"), ("upper_neck", "head_top"), ("r_wrist", "r_elbow"),
                ("r_shoulder", "l_shoulder"), ("l_elbow", "l_wrist"))
    ps = g.pairs()
    assert len(ps) == 8
    assert tuple(idx for idx, _ in ps) == tuple((2 * i, 2 * i + 1) for i in range(8))
    assert tuple(names for _, names in ps) == expected
    assert all(sk.JOINTS[a] == na and sk.JOINTS[b] == nb for (a, b), (na, nb) in ps)


def test_normalize_stgcn_averages_over_the_whole_neighbourhood():
    from vira.graph import normalize_stgcn, spatial_partitions

    a = spatial_partitions()
    n = normalize_stgcn(a)
    # every vertex's weights over all subsets sum to 1 (mean aggregation)
    torch.testing.assert_close(n.sum(dim=(0, 2)), torch.ones(16))
    # r_elbow (itself, r_shoulder, r_wrist): three neighbours -> 1/3 each
    j = {name: i for i, name in enumerate(sk.JOINTS)}
    assert n[0, j["r_elbow"], j["r_elbow"]] == pytest.approx(1 / 3)
    assert n[1, j["r_elbow"], j["r_shoulder"]] == pytest.approx(1 / 3)
    # the thorax gathers from itself and 4 children -> 1/5
    assert n[2, j["thorax"], j["upper_neck"]] == pytest.approx(1 / 5)
