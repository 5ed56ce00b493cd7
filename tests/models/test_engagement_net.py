"""EngagementNet (SnapUGC §4.3, Eq. 4-5)."""

import numpy as np
import pytest
import torch

from vira.models.engagement_net import (EngagementNet, engagement_loss, first_seconds_clips,
                                        fit_engagement, predict_engagement)


def test_first_seconds_clips_by_hand():
    assert first_seconds_clips(5, 30, 16) == 9  # 150 frames / 16 = 9.375
    assert first_seconds_clips(5, 20, 16) == 6
    assert first_seconds_clips(4.8, 30, 16) == 9  # exactly 144 frames


def test_eq5_is_a_sum_of_unsquared_l2_norms():
    pred = {"nawp": torch.tensor([0.5, 0.5]), "ecr": torch.tensor([0.0, 0.0])}
    target = {"nawp": torch.tensor([0.8, 0.1]), "ecr": torch.tensor([0.3, 0.4])}
    assert float(engagement_loss(pred, target)) == pytest.approx(0.5 + 0.5)


def test_shapes_padding_and_the_ecr_head_reads_only_the_first_clips():
    torch.manual_seed(0)
    net = EngagementNet(8, attention_layers=0).eval()  # no attention: each clip on its own
    x = torch.randn(2, 20, 8)
    mask = torch.ones(2, 20, dtype=torch.bool)
    out = net(x, mask)
    assert set(out) == {"nawp", "ecr"} and out["nawp"].shape == (2,)
    y = x.clone()
    y[:, 9:] += 5.0  # change everything after the first 9 clips (5 s at 30 fps)
    later = net(y, mask)
    assert torch.allclose(later["ecr"], out["ecr"]) and not torch.allclose(later["nawp"], out["nawp"])
    full = EngagementNet(8).eval()  # with attention: padding must not matter
    mask2 = mask.clone()
    mask2[0, 12:] = False
    a = full(x, mask2)
    b = full(x[:1, :12], mask2[:1, :12])
    assert torch.allclose(a["nawp"][:1], b["nawp"], atol=1e-5)
    with pytest.raises(ValueError, match="duration"):
        EngagementNet(8, duration_input=True)(x, mask)


def test_it_learns_a_planted_mean_and_is_deterministic():
    g = torch.Generator().manual_seed(0)
    n, T = 64, 12
    clips = torch.randn(n, T, 8, generator=g)
    data = {"clips": clips, "mask": torch.ones(n, T, dtype=torch.bool), "duration": torch.full((n,), 20.0)}
    targets = {"nawp": clips[:, :, 0].mean(1), "ecr": clips[:, :9, 1].mean(1)}
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        net = EngagementNet(8, width=32, mlp_layers=2, attention_layers=1)
        hist = fit_engagement(net, data, targets, epochs=30, lr=3e-3, lr_final=1e-5, progress=False)
        runs.append(predict_engagement(net, data))
    assert hist[-1] < hist[0] / 3
    assert np.corrcoef(runs[0]["nawp"], targets["nawp"])[0, 1] > 0.9
    assert np.array_equal(runs[0]["nawp"], runs[1]["nawp"])
