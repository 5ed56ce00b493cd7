"""vira.training.engagement: Eq. 5 and the training of the SnapUGC engagement predictor."""

import numpy as np
import pytest
import torch

from vira.models.engagement_net import EngagementNet
from vira.training.engagement import engagement_loss, fit_engagement, predict_engagement


def test_eq5_is_a_sum_of_unsquared_l2_norms():
    pred = {"nawp": torch.tensor([0.5, 0.5]), "ecr": torch.tensor([0.0, 0.0])}
    target = {"nawp": torch.tensor([0.8, 0.1]), "ecr": torch.tensor([0.3, 0.4])}
    assert float(engagement_loss(pred, target)) == pytest.approx(0.5 + 0.5)


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
