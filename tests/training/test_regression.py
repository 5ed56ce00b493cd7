"""The shared training core: batching, determinism, checkpoints, skeleton inputs."""

import numpy as np
import pytest
import torch
from torch import nn

from vira.data.clips import SkeletonClips
from vira.data.synthetic.synthetic_vdv import SyntheticVDV
from vira.skeleton import JOINTS, normalize_sequence
from vira.training.regression import TrainConfig, fit, load_checkpoint, pad_collate, predict, save_checkpoint


class Tiny(nn.Module):
    """Mean of x over frames and joints -> linear: enough to test the loop."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 1)

    def forward(self, x, mask=None):
        return self.lin(x.mean(dim=(2, 3))).squeeze(-1)


class Toy(torch.utils.data.Dataset):
    def __init__(self, n=24, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.x = [torch.randn(3, int(torch.randint(4, 9, (1,), generator=g)), 16, generator=g)
                  for _ in range(n)]
        self.y = [x[0].mean() for x in self.x]

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"x": self.x[i], "mask": torch.ones(self.x[i].shape[1])}, self.y[i]


def test_pad_collate_pads_the_time_axis_and_masks():
    items = [({"x": torch.ones(3, 2, 16), "mask": torch.ones(2)}, torch.tensor(0.5)),
             ({"x": torch.ones(3, 5, 16), "mask": torch.ones(5)}, torch.tensor(1.0))]
    inputs, target = pad_collate(items)
    assert inputs["x"].shape == (2, 3, 5, 16) and inputs["mask"].tolist() == [[1, 1, 0, 0, 0], [1] * 5]
    assert inputs["x"][0, :, 2:].abs().sum() == 0
    assert target.tolist() == [0.5, 1.0]


def test_fit_learns_is_deterministic_and_halves_the_rate():
    def run():
        torch.manual_seed(0)
        model = Tiny()
        cfg = TrainConfig(epochs=12, lr=0.05, lr_halve_every=10, progress=False)
        return model, fit(model, Toy(), cfg)

    m1, h1 = run()
    m2, h2 = run()
    assert h1 == h2
    assert h1[-1]["mse"] < h1[0]["mse"]
    assert h1[9]["lr"] == pytest.approx(0.025) and h1[8]["lr"] == pytest.approx(0.05)
    np.testing.assert_array_equal(predict(m1, Toy(seed=1)), predict(m2, Toy(seed=1)))


def test_checkpoints_round_trip_with_weights_only(tmp_path):
    model = Tiny()
    path = save_checkpoint(model, tmp_path / "m.pt", TrainConfig(epochs=3))
    other = Tiny()
    config = load_checkpoint(other, path)
    assert config["epochs"] == 3
    for a, b in zip(model.parameters(), other.parameters()):
        assert torch.equal(a, b)
    torch.save({"state_dict": model.state_dict(), "evil": Tiny()}, tmp_path / "bad.pt")
    with pytest.raises(Exception, match="weights_only|Unsupported global"):
        load_checkpoint(other, tmp_path / "bad.pt")


def test_a_file_that_is_not_a_checkpoint_is_named(tmp_path):
    torch.save([Tiny().state_dict()], tmp_path / "list.pt")
    with pytest.raises(ValueError, match=r"list.pt: holds a list, not a checkpoint of save_checkpoint"):
        load_checkpoint(Tiny(), tmp_path / "list.pt")
    torch.save({"weights": Tiny().state_dict()}, tmp_path / "keys.pt")
    with pytest.raises(ValueError, match=r"keys.pt: holds a dict with keys \['weights'\], not a checkpoint"):
        load_checkpoint(Tiny(), tmp_path / "keys.pt")
    state = {k: torch.zeros(7, *v.shape[1:]) for k, v in Tiny().state_dict().items()}
    torch.save({"state_dict": state, "config": None}, tmp_path / "shape.pt")
    with pytest.raises(ValueError, match=r"shape.pt: .*tensor\(s\) of the wrong shape"):
        load_checkpoint(Tiny(), tmp_path / "shape.pt")


def test_normalize_sequence_centres_scales_and_zeroes_missing_joints():
    pose = np.zeros((2, 16, 3))
    thorax, pelvis = JOINTS.index("thorax"), JOINTS.index("pelvis")
    pose[:, :, 2] = 1.0
    pose[:, thorax, :2] = [100, 200]
    pose[:, pelvis, :2] = [100, 300]  # torso 100 px, pelvis below (image y down)
    pose[:, 0, :2] = [150, 250]
    pose[1, 3] = [7, 7, 0]  # a missed joint
    x = normalize_sequence(pose)
    assert x.shape == (3, 2, 16)
    np.testing.assert_allclose(x[:2, 0, thorax], [0, 0])
    np.testing.assert_allclose(x[:2, 0, pelvis], [0, -1])  # y flipped to point up
    np.testing.assert_allclose(x[:2, 0, 0], [0.5, -0.5])
    np.testing.assert_array_equal(x[:, 1, 3], [0, 0, 0])
    with pytest.raises(ValueError, match="pose: expected shape"):
        normalize_sequence(np.zeros((2, 17, 3)))


class _TinyScorer(nn.Module):
    """A linear score of each clip's mean pose: (N, 3, T, V), (N, T) -> (N,)."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3 * 16, 1)

    def forward(self, x, mask):
        return self.linear(x.mean(dim=2).flatten(1)).squeeze(-1)


def test_fit_passes_the_ranking_reduction_to_the_loss():
    ds = SyntheticVDV(clips=12, seconds=(2.0, 4.0), seed=0)  # the smoke preset's sizes
    data = SkeletonClips(ds, range(8), crop=8, train=True)
    totals = {}
    for reduction in ("sum", "mean"):
        torch.manual_seed(0)
        model = _TinyScorer()
        history = fit(model, data, TrainConfig(epochs=1, batch_size=8, alpha=0.0, beta=1.0,
                                               reduction=reduction, progress=False))
        totals[reduction] = history[0]["rank"]
    # one batch of 8 clips: 28 pairs, so the summed ranking loss is 28 times the mean
    assert totals["sum"] == pytest.approx(28 * totals["mean"], rel=1e-5)
