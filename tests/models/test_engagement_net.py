"""EngagementNet (SnapUGC §4.3, Eq. 4). Its loss and training: tests/training/test_engagement.py."""

import pytest
import torch

from vira.models.engagement_net import EngagementNet, first_seconds_clips


def test_first_seconds_clips_by_hand():
    assert first_seconds_clips(5, 30, 16) == 9  # 150 frames / 16 = 9.375
    assert first_seconds_clips(5, 20, 16) == 6
    assert first_seconds_clips(4.8, 30, 16) == 9  # exactly 144 frames


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
