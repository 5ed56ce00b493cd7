"""ST-GCN (vira.models.stgcn): the graph convolution of Eq. 4, masked pooling, the baseline's shapes
and its learnable edge-importance masks."""

import torch

from vira import graph
from vira.models.stgcn import STGCN, GraphConv, masked_mean

A = graph.normalize(graph.spatial_partitions())


def test_stgcn_keeps_16_joints_and_halves_time_twice():
    shapes = []
    model = STGCN(graph.normalize_stgcn(graph.spatial_partitions())).eval()
    hooks = [b.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape))) for b in model.blocks]
    with torch.no_grad():
        assert model(torch.randn(2, 3, 40, 16)).shape == (2,)
    for h in hooks:
        h.remove()
    assert [s[3] for s in shapes] == [16] * 9
    assert [s[2] for s in shapes] == [40] * 3 + [20] * 3 + [10] * 3


def test_gradients_reach_every_edge_importance_mask():
    stgcn = STGCN(A)
    stgcn(torch.randn(3, 3, 24, 16)).sum().backward()
    assert all(b.mask.grad.abs().sum() > 0 for b in stgcn.blocks)


def test_graph_conv_is_the_einsum_of_eq_4():
    conv = GraphConv(2, 3, k=3)
    x = torch.randn(1, 2, 5, 16)
    y = conv.conv(x).view(1, 3, 3, 5, 16)
    expected = sum(y[:, k] @ A[k].T for k in range(3))  # out[..., i] = sum_j A[k, i, j] y[..., j]
    torch.testing.assert_close(conv(x, A), expected)


def test_masked_mean_ignores_padding():
    x = torch.zeros(2, 1, 4, 2)
    x[0, :, :2] = 1.0
    x[0, :, 2:] = 100.0  # padding of clip 0
    x[1] = 3.0
    mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
    torch.testing.assert_close(masked_mean(x, mask), torch.tensor([[1.0], [3.0]]))
