"""vira.models.viral_vision: the paper's head, its losses, weight loading. Training and diagnostics:
tests/training/test_viral_vision.py."""

import numpy as np
import pytest
import torch

from vira.models.viral_vision import ViralVisionNet


def clips(n=4, t=4, s=16):
    return torch.randn(n, 3, t, s, s, generator=torch.Generator().manual_seed(0))


def test_the_head_is_the_papers_and_activations_bound_the_output():
    torch.manual_seed(0)
    net = ViralVisionNet("regression", "relu").eval()
    layers = [m for m in net.head]
    assert [(l.in_features, l.out_features) for l in layers if isinstance(l, torch.nn.Linear)] == \
        [(512, 512), (512, 128), (128, 1)]
    assert [l.p for l in layers if isinstance(l, torch.nn.Dropout)] == [0.5, 0.5]
    with torch.no_grad():
        assert (net(clips()) >= 0).all() and net(clips()).shape == (4,)
        sig = ViralVisionNet("classification").eval()(clips())
    assert ((sig > 0) & (sig < 1)).all()
    with pytest.raises(ValueError, match="must be 'sigmoid'"):
        ViralVisionNet("classification", "relu")
    with pytest.raises(ValueError, match="task must be"):
        ViralVisionNet("ranking")
    with pytest.raises(ValueError, match=r"shape \(N, 3, T, H, W\)"):
        net.features(torch.zeros(3, 4, 16, 16))


def test_losses_by_hand():
    net = ViralVisionNet("classification")
    z, y = torch.tensor([0.0, 2.0]), torch.tensor([1.0, 0.0])
    by_hand = -(np.log(0.5) + np.log(1 - 1 / (1 + np.exp(-2.0)))) / 2
    assert float(net.loss(z, y)) == pytest.approx(by_hand, rel=1e-6)
    reg = ViralVisionNet("regression", "relu")
    assert float(reg.loss(torch.tensor([-1.0, 0.5]), torch.tensor([0.2, 0.1]))) == pytest.approx((0.04 + 0.16) / 2)


class Evil:  # an arbitrary object: weights_only unpickling refuses it
    pass


def test_local_weights_load_with_weights_only_and_errors_name_the_file(tmp_path):
    from torchvision.models.video import r2plus1d_18

    torch.manual_seed(1)
    source = r2plus1d_18(weights=None)
    path = tmp_path / "kinetics.pt"
    torch.save(source.state_dict(), path)
    net = ViralVisionNet(weights=path)
    assert torch.equal(net.backbone.stem[0].weight, source.stem[0].weight)
    torch.save({"conv.weight": torch.zeros(2)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="other.pt: not an r2plus1d_18"):
        ViralVisionNet(weights=tmp_path / "other.pt")

    torch.save({"x": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(ValueError, match="evil.pt: cannot load"):  # weights_only refuses objects
        ViralVisionNet(weights=tmp_path / "evil.pt")
    with pytest.raises(FileNotFoundError, match="nothing.pt"):
        ViralVisionNet(weights=tmp_path / "nothing.pt")
    torch.save([source.state_dict()], tmp_path / "list.pt")
    with pytest.raises(ValueError, match="list.pt: holds a list, not a state dict"):
        ViralVisionNet(weights=tmp_path / "list.pt")
    state = source.state_dict()
    state["stem.0.weight"] = state["stem.0.weight"][:1]
    torch.save(state, tmp_path / "shape.pt")
    with pytest.raises(ValueError, match=r"shape.pt: 1 tensor\(s\) of the wrong shape: 'stem.0.weight'"):
        ViralVisionNet(weights=tmp_path / "shape.pt")


def test_a_network_without_backbone_takes_features():
    head = ViralVisionNet("regression", "sigmoid", backbone=False)
    assert head.backbone is None
    assert sum(p.numel() for p in head.parameters()) == 512 * 512 + 512 + 512 * 128 + 128 + 128 + 1
    f = torch.randn(3, 512)
    assert torch.equal(head.features(f), f) and head.eval()(f).shape == (3,)
    with pytest.raises(ValueError, match=r"features of shape \(N, 512\)"):
        head(clips())
    with pytest.raises(ValueError, match="cannot load them"):
        ViralVisionNet(weights="kinetics.pt", backbone=False)


def test_the_papers_network_has_31_6_million_parameters():
    n = sum(p.numel() for p in ViralVisionNet().parameters())
    assert round(n / 1e6, 1) == 31.6
