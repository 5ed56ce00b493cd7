"""vira.explain: Eq. 7 against finite differences, Eq. 8-9 against hand-computed values."""

import numpy as np
import pytest
import torch

from vira import explain, graph
from vira.models.psgcn import PSGCN
from vira.models.stgcn import GraphConv


def small_psgcn():
    torch.manual_seed(0)
    model = PSGCN(graph.normalize(graph.spatial_partitions())).double()
    with torch.no_grad():  # random running statistics, so eval mode is not the identity
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm1d | torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    return model.eval()


def clip(frames=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(3, frames, 16, generator=g, dtype=torch.float64)
    x[2] = 1.0
    return x


class SmoothGraphScorer(torch.nn.Module):
    """A small smooth model (graph convolution, tanh, temporal convolution, pooling, linear), so
    that central finite differences converge: (N, 3, T, 16) -> (N,)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.register_buffer("a", graph.normalize(graph.spatial_partitions()).double())
        self.gcn = GraphConv(3, 8, 3).double()
        self.tcn = torch.nn.Conv2d(8, 8, (3, 1), padding=(1, 0)).double()
        self.head = torch.nn.Linear(8, 1).double()

    def forward(self, x, mask=None):
        y = torch.tanh(self.tcn(torch.tanh(self.gcn(x, self.a))))
        return self.head(y.mean(dim=(2, 3))).squeeze(-1)


def test_action_guidance_matches_central_finite_differences():
    model, x = SmoothGraphScorer(), clip()
    g = explain.action_guidance(model, x)
    assert g.shape == (12, 16, 2)
    eps = 1e-6
    for t, j, c in [(0, 0, 0), (5, 7, 1), (11, 15, 0), (3, 9, 1)]:
        up, down = x.clone(), x.clone()
        up[c, t, j] += eps
        down[c, t, j] -= eps
        with torch.no_grad():
            numeric = (model(up[None]) - model(down[None])).item() / (2 * eps)
        assert g[t, j, c].item() == pytest.approx(numeric, rel=1e-6, abs=1e-10)


def test_a_batch_gives_each_clips_own_guidance_and_missing_joints_are_nan():
    model = small_psgcn()
    a, b = clip(seed=1), clip(seed=2)
    b[:, 4, 3] = 0.0  # joint 3 missed in frame 4
    batch = explain.action_guidance(model, torch.stack([a, b]))
    torch.testing.assert_close(batch[0], explain.action_guidance(model, a))
    assert torch.isnan(batch[1, 4, 3]).all() and torch.isfinite(batch[1, 4, 2]).all()
    raw = explain.action_guidance(model, b, missing_as_nan=False)
    assert torch.isfinite(raw).all()
    assert model.training is False


def test_overall_attention_by_hand_with_unequal_lengths_and_a_missing_joint():
    # video 1: 2 frames, joint 0 has |g| = 3 then 4 (3-4-5 vectors: (3, 0), (0, 4)); joint 1: 1, 1
    g1 = np.zeros((2, 2, 2))
    g1[0, 0], g1[1, 0] = (3, 0), (0, 4)
    g1[:, 1] = (1, 0)
    # video 2: 4 frames, joint 0 |g| = 1 each; joint 1 missing in frames 0-2, |g| = 2 in frame 3
    g2 = np.zeros((4, 2, 2))
    g2[:, 0] = (0, 1)
    g2[:3, 1] = np.nan
    g2[3, 1] = (2, 0)
    m = explain.overall_attention([g1, g2])
    # joint 0: ((3 + 4) / 2 + (1 * 4) / 4) / 2 = (3.5 + 1) / 2 = 2.25
    # joint 1: ((1 + 1) / 2 + 2 / 1) / 2 = 1.5   (missing frames are not counted as zero)
    np.testing.assert_allclose(m, [2.25, 1.5])


def test_temporal_attention_resamples_to_relative_time_and_skips_missing():
    g1 = np.zeros((2, 1, 2))
    g1[:, 0, 0] = [0.0, 2.0]  # |g| = 0 at the start, 2 at the end
    g2 = np.zeros((3, 1, 2))
    g2[:, 0, 1] = [4.0, np.nan, 4.0]  # constant 4, middle frame missing
    m = explain.temporal_attention([g1, g2], length=3)
    # resampled: video 1 -> 0, 1, 2; video 2 -> 4, 4, 4 (interpolated over the gap)
    np.testing.assert_allclose(m[:, 0], [2.0, 2.5, 3.0])
    assert m.shape == (3, 1)


def test_never_seen_joints_stay_nan_and_empty_input_is_refused():
    g = np.full((3, 2, 2), np.nan)
    g[:, 0] = (1, 0)
    np.testing.assert_allclose(explain.overall_attention([g]), [1.0, np.nan])
    assert np.isnan(explain.temporal_attention([g], length=4)[:, 1]).all()
    with pytest.raises(ValueError, match="at least one"):
        explain.overall_attention([])
    with pytest.raises(ValueError, match=r"expected \(T, V, 2\)"):
        explain.overall_attention([np.zeros((3, 2))])


def test_gradient_times_input_multiplies_coordinates():
    model, x = small_psgcn(), clip()
    gi = explain.gradient_times_input(model, x)
    g = explain.action_guidance(model, x)
    torch.testing.assert_close(gi, g * x[:2].permute(1, 2, 0))
    batch = explain.gradient_times_input(model, x[None])
    torch.testing.assert_close(batch[0], gi)
    # from a stored NumPy gradient, as chapter 3 does, without a second backward pass
    np.testing.assert_allclose(explain.times_input(g.numpy(), x), gi.numpy())


def test_attention_bins_sums_equal_time_bins():
    from vira.explain import attention_bins

    w = np.arange(1.0, 7.0)[None] / 21  # one head, 6 positions
    np.testing.assert_allclose(attention_bins(w, 3), [[3 / 21, 7 / 21, 11 / 21]])
    np.testing.assert_allclose(attention_bins(w, 6), w)  # as many bins as positions
    np.testing.assert_allclose(attention_bins(w, 30), w)  # fewer positions than bins
    big = np.random.default_rng(0).dirichlet(np.ones(95), size=4)
    out = attention_bins(big, 30)
    assert out.shape == (4, 30)
    np.testing.assert_allclose(out.sum(-1), 1.0)
