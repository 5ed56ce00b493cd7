"""PSGCN (vira.models.psgcn): shapes through the nine blocks, graph down-sampling (Eq. 5-6),
gradients reaching the learnable edges, masks, the chapter 2 table rows."""

import pytest
import torch

from vira import graph
from vira.models.psgcn import DOWNSAMPLE_AT, PSGCN, GraphDownsample
from vira.models.stgcn import LAYOUT

A = graph.normalize(graph.spatial_partitions())


def trace_shapes(model, x):
    shapes = []
    hooks = [b.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape)))
             for b in model.blocks]
    model.eval()
    with torch.no_grad():
        y = model(x)
    for h in hooks:
        h.remove()
    return y, shapes


def test_psgcn_pyramid_shapes_through_all_nine_blocks():
    y, shapes = trace_shapes(PSGCN(A), torch.randn(2, 3, 40, 16))
    assert y.shape == (2,)
    assert len(shapes) == 9
    # channels 64 x3, 128 x3, 256 x3; T 40 -> 20 -> 10; V 16 -> 8 -> 4 at blocks 4 and 7
    assert shapes == [(2, 64, 40, 16)] * 3 + [(2, 128, 20, 8)] * 3 + [(2, 256, 10, 4)] * 3
    assert DOWNSAMPLE_AT == (3, 6) and [c for c, _ in LAYOUT] == [64] * 3 + [128] * 3 + [256] * 3


def test_without_pyramid_keeps_16_joints():
    _, shapes = trace_shapes(PSGCN(A, pyramid=False), torch.randn(2, 3, 40, 16))
    assert [s[3] for s in shapes] == [16] * 9
    assert [s[2] for s in shapes] == [40] * 3 + [20] * 3 + [10] * 3


def test_gradients_reach_every_learnable_adjacency():
    model = PSGCN(A)
    model.train()
    model(torch.randn(3, 3, 24, 16)).sum().backward()
    for i, block in enumerate(model.blocks):
        assert block.a_l.grad is not None, f"block {i + 1}"
        assert block.a_l.grad.abs().sum() > 0, f"block {i + 1}"


def test_downsample_merges_pairs_and_uses_sampled_adjacency():
    down = GraphDownsample(2, 4, k=3, v=16)
    x = torch.randn(1, 2, 5, 16)
    y = down.conv(x).view(1, 3, 4, 5, 8)
    s = graph.sample(A)
    expected = sum(y[:, k] @ s[k].T for k in range(3))
    torch.testing.assert_close(down(x, A), expected)
    mean = GraphDownsample(2, 4, k=3, v=16, sample_fn=graph.sample_mean)
    assert mean(x, A).shape == (1, 4, 5, 8)


def test_variable_lengths_and_missing_joints_give_finite_scores():
    model = PSGCN(A).eval()
    x = torch.randn(2, 3, 30, 16)
    x[:, :, :, 5] = 0  # a joint never detected
    x[1, :, 20:] = 0  # padding
    mask = torch.ones(2, 30)
    mask[1, 20:] = 0
    with torch.no_grad():
        y = model(x, mask)
    assert torch.isfinite(y).all()
    assert y.shape == (2,)
    # in eval mode clips do not interact: whatever clip 1's padding holds, clip 0's score stays
    x2 = x.clone()
    x2[1, :, 20:] = 1e3
    with torch.no_grad():
        y2 = model(x2, mask)
    torch.testing.assert_close(y2[0], y[0])  # the other clip is untouched by clip 1's padding


@pytest.mark.parametrize("pyramid", [True, False])
def test_psgcn_is_deterministic_for_a_seed(pyramid):
    torch.manual_seed(0)
    a = PSGCN(A, pyramid=pyramid).eval()(torch.ones(1, 3, 16, 16))
    torch.manual_seed(0)
    b = PSGCN(A, pyramid=pyramid).eval()(torch.ones(1, 3, 16, 16))
    torch.testing.assert_close(a, b)


def test_skeleton_model_builds_every_table_row_and_refuses_unknown_names():
    from vira.models import SKELETON_MODELS, skeleton_model
    from vira.models.psgcn import PSGCN
    from vira.models.stgcn import STGCN

    models = {name: skeleton_model(name) for name in SKELETON_MODELS}
    assert isinstance(models["ST-GCN"], STGCN) and isinstance(models["PSGCN"], PSGCN)
    assert models["PSGCN"].pyramid and not models["PSGCN w/o pyramid"].pyramid
    down = models["PSGCN, mean sample"].blocks[3].gcn
    assert down.sample_fn is graph.sample_mean and models["PSGCN"].blocks[3].gcn.sample_fn is graph.sample
    # ST-GCN's own normalisation: each vertex's incoming weights sum to one over all subsets
    torch.testing.assert_close(models["ST-GCN"].blocks[0].a_o.sum(dim=(0, 2)), torch.ones(16))
    with pytest.raises(ValueError, match="unknown skeleton model 'GCN'"):
        skeleton_model("GCN")
