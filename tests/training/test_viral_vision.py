"""vira.training.viral_vision: §5's recipe with early stopping, the collapse diagnostics, the rank
objective and the routine pretraining of chapter 7."""

import numpy as np
import pytest
import torch

from vira.losses import margin_ranking
from vira.models.viral_vision import ViralVisionNet
from vira.training.viral_vision import (ViralVisionConfig, _loss, backbone_features, calibrate_batch_norm, diagnose,
                                        fit_viral_vision, predict, pretrain_on_routines)


def clips(n=4, t=4, s=16):
    return torch.randn(n, 3, t, s, s, generator=torch.Generator().manual_seed(0))


def test_diagnose_sees_a_constant_output_and_dead_units():
    net = ViralVisionNet("regression", "sigmoid")
    with torch.no_grad():
        net.head[6].weight.zero_()
        net.head[6].bias.fill_(0.3)
    d = diagnose(net, clips())
    assert d["pred_std"] == pytest.approx(0, abs=1e-7)
    assert d["pred_mean"] == pytest.approx(1 / (1 + np.exp(-0.3)), rel=1e-6)
    with torch.no_grad():
        net.head[0].bias.fill_(-1e6)  # every unit of the first layer off for every clip
    d = diagnose(net, clips())
    # the second layer then sees zeros: its units with a non-positive bias are dead too
    assert d["dead_fraction"] == pytest.approx((512 + int((net.head[3].bias <= 0).sum())) / 640)
    assert d["feature_var"] > 0


class Data(torch.utils.data.Dataset):
    def __init__(self, n=8, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(n, 3, 4, 16, 16, generator=g)
        self.y = torch.rand(n, generator=g)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, k):
        return self.x[k], self.y[k]


def test_fit_records_diagnostics_and_stops_early():
    torch.manual_seed(0)
    net = ViralVisionNet("regression", "sigmoid")
    history = fit_viral_vision(net, Data(), Data(4, seed=1), ViralVisionConfig(epochs=3, batch_size=4))
    assert [h["epoch"] for h in history] == [1, 2, 3]
    for key in ("train_loss", "val_loss", "pred_std", "dead_fraction", "feature_var", "grad_stem", "grad_head"):
        assert np.isfinite(history[-1][key]), key
    torch.manual_seed(0)
    frozen = ViralVisionNet("regression", "sigmoid")
    history = fit_viral_vision(frozen, Data(), Data(4, seed=1),
                               ViralVisionConfig(epochs=10, lr=0.0, patience=2, batch_size=4))
    assert len(history) == 3  # no improvement after epoch 1: stop after 2 more
    # the step schedule: lr x 0.1 every 7 epochs
    net = ViralVisionNet("regression", "sigmoid")
    h = fit_viral_vision(net, Data(4), Data(4, seed=1), ViralVisionConfig(epochs=8, patience=99, batch_size=4))
    assert h[6]["lr"] == pytest.approx(1e-3) and h[7]["lr"] == pytest.approx(1e-4)


def test_rank_objective_and_routine_pretraining():
    net = ViralVisionNet("regression", "none")
    z, y = torch.tensor([0.3, 0.1, 0.2]), torch.tensor([1.0, 2.0, 3.0])
    # pairs (0,1), (0,2), (1,2): misordered by 0.2, 0.1, and ordered (0 cost): mean over 3 pairs
    assert float(_loss(net, z, y, "rank")) == pytest.approx((0.2 + 0.1 + 0.0) / 3)
    assert float(_loss(net, z, y, "rank")) == pytest.approx(float(margin_ranking(z, y, reduction="mean")))
    with pytest.raises(ValueError, match="objective must be"):
        _loss(net, z, y, "huber")

    class Routines(Data):
        def __getitem__(self, k):
            return self.x[k], torch.tensor(k % 3)

    torch.manual_seed(0)
    head_before = [p.clone() for p in net.head.parameters()]
    stem_before = net.backbone.stem[0].weight.clone()
    losses = pretrain_on_routines(net, Routines(6), n_classes=3, epochs=2, batch_size=3)
    assert len(losses) == 2 and all(np.isfinite(losses))
    assert not torch.equal(net.backbone.stem[0].weight, stem_before)  # the backbone learned
    assert all(torch.equal(a, b) for a, b in zip(head_before, net.head.parameters()))  # the head did not


def test_predict_is_eval_mode_and_in_order():
    torch.manual_seed(0)
    net = ViralVisionNet("regression", "sigmoid")
    data = Data(5)
    out = predict(net, data, batch_size=2)
    assert not net.training and out.shape == (5,)
    with torch.no_grad():
        np.testing.assert_allclose(out, net(data.x).numpy(), rtol=1e-5, atol=1e-6)


def test_calibrate_batch_norm_sets_the_average_of_the_batch_statistics():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv3d(3, 2, 1), torch.nn.BatchNorm3d(2))
    weights = {k: v.clone() for k, v in net.named_parameters()}
    data = Data(6)  # clips (3, 4, 16, 16); batches of 4 and 2
    calibrate_batch_norm(net, data, batch_size=4)
    bn = net[1]
    with torch.no_grad():
        h = [net[0](data.x[:4]), net[0](data.x[4:])]
    means = torch.stack([b.mean(dim=(0, 2, 3, 4)) for b in h])
    variances = torch.stack([b.transpose(0, 1).reshape(2, -1).var(1, unbiased=True) for b in h])
    torch.testing.assert_close(bn.running_mean, means.mean(0))
    torch.testing.assert_close(bn.running_var, variances.mean(0))
    assert bn.momentum == 0.1 and not net.training and int(bn.num_batches_tracked) == 2
    # only the statistics moved: every weight (the convolution's, batch norm's scale and shift) is as before
    assert all(torch.equal(v, weights[k]) for k, v in net.named_parameters())


def test_backbone_features_equal_the_networks_own_and_a_head_trains_on_them():
    torch.manual_seed(0)
    net = ViralVisionNet("regression", "sigmoid")
    data = Data(5)
    feats = backbone_features(net, data, batch_size=2)
    with torch.no_grad():
        torch.testing.assert_close(feats, net.eval().features(data.x), rtol=1e-5, atol=1e-6)
    head = ViralVisionNet("regression", "sigmoid", backbone=False)
    with torch.no_grad():  # the same head weights give the same outputs from clips and from features
        head.head.load_state_dict(net.head.state_dict())
        torch.testing.assert_close(head.eval()(feats), net(data.x), rtol=1e-5, atol=1e-6)
    train = torch.utils.data.TensorDataset(feats, data.y)
    history = fit_viral_vision(head, train, train, ViralVisionConfig(epochs=2, batch_size=2))
    assert len(history) == 2 and set(k for k in history[0] if k.startswith("grad_")) == {"grad_head"}
    with pytest.raises(ValueError, match="needs a network with a backbone"):
        backbone_features(head, data)


def test_balanced_bce_weighs_the_viral_terms_by_hand():
    net = ViralVisionNet("classification")
    z, y = torch.tensor([0.0, 2.0]), torch.tensor([1.0, 0.0])
    by_hand = -(3.0 * np.log(0.5) + np.log(1 - 1 / (1 + np.exp(-2.0)))) / 2  # the viral term x 3
    assert float(_loss(net, z, y, "paper", pos_weight=3.0)) == pytest.approx(by_hand, rel=1e-6)
    with pytest.raises(ValueError, match="a regression has none"):
        ViralVisionNet("regression").loss(z, y, pos_weight=3.0)
