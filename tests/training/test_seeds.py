"""vira.training.seeds.fit_seeds: the chapters' seed loop, once."""

from dataclasses import replace

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import Dataset

from vira.training.regression import TrainConfig, fit, predict
from vira.training.seeding import seed_everything
from vira.training.seeds import SeedRuns, fit_seeds

CONFIG = TrainConfig(epochs=2, batch_size=4, lr=1e-2, reduction="mean", progress=False)


class Noisy(Dataset):
    """Items ({"x": (3,)}, target). Building it draws label noise from the global torch RNG, as a
    data set with random crops drawn at construction would: so the order of RNG use matters."""

    def __init__(self, n=12, shift=0.0):
        g = torch.Generator().manual_seed(0)
        self.x = torch.randn(n, 3, generator=g)
        self.y = self.x[:, 0] + shift + 0.1 * torch.rand(n)  # global RNG

    def __len__(self):
        return len(self.y)

    def __getitem__(self, k):
        return {"x": self.x[k]}, self.y[k]


class Linear(nn.Module):
    def __init__(self, hidden=0):
        super().__init__()
        self.net = nn.Linear(3, 1) if hidden == 0 else nn.Sequential(nn.Linear(3, hidden), nn.ReLU(),
                                                                     nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


BUILDERS = {"linear": lambda: Linear(), "mlp": lambda: Linear(hidden=4)}


def noisy_train(name, s):
    return Noisy(shift=1.0 if name == "mlp" else 0.0)


@pytest.fixture(scope="module")
def test_set():
    return Noisy(n=7)


def test_fit_seeds_is_the_hand_written_loop(test_set):
    seeds = [3, 5]
    runs = fit_seeds(BUILDERS, noisy_train, test_set, CONFIG, "cpu", seeds, progress=False)
    expected, first = {}, {}
    for s, seed in enumerate(seeds):  # the loop chapters 2 and 4 had written out
        for name, build in BUILDERS.items():
            seed_everything(seed)
            model = build()
            data = noisy_train(name, s)
            fit(model, data, TrainConfig(**{**vars(CONFIG), "seed": seed}), "cpu")
            expected[name, s] = predict(model, test_set)
            if s == 0:
                first[name] = model
    assert list(runs.preds) == list(expected) == [("linear", 0), ("mlp", 0), ("linear", 1), ("mlp", 1)]
    for key in expected:
        assert np.array_equal(runs.preds[key], expected[key]), key
    for name, model in first.items():
        kept = runs.trained[name]
        assert not kept.training
        assert all(torch.equal(a, b) for a, b in zip(kept.state_dict().values(), model.state_dict().values()))
    assert set(runs.histories) == set(expected) and all(len(h) == CONFIG.epochs for h in runs.histories.values())
    assert all(t >= 0 for t in runs.seconds.values()) and all(np.isnan(list(runs.peak_gpu_mib.values())))


def test_the_order_of_rng_use_is_seed_model_data(test_set):
    """Building the data before the model would give the model other initial weights."""
    log = []

    def build():
        log.append(("model", float(torch.rand(()))))
        return Linear()

    def train(name, s):
        log.append(("data", name, s))
        return Noisy()

    fit_seeds({"a": build, "b": build}, train, test_set, CONFIG, "cpu", [7, 8], progress=False)
    assert [entry[0] for entry in log] == ["model", "data"] * 4
    assert [entry[1:] for entry in log if entry[0] == "data"] == [("a", 0), ("b", 0), ("a", 1), ("b", 1)]
    seed_everything(7)
    draw_7 = float(torch.rand(()))
    seed_everything(8)
    draw_8 = float(torch.rand(()))
    assert [entry[1] for entry in log if entry[0] == "model"] == [draw_7, draw_7, draw_8, draw_8]


def test_same_seeds_same_predictions_other_seeds_differ(test_set):
    train = Noisy()  # one data set shared by every run
    a, _ = fit_seeds(BUILDERS, train, test_set, CONFIG, "cpu", [0, 1], progress=False)
    b, _ = fit_seeds(BUILDERS, train, test_set, CONFIG, "cpu", [0, 1], progress=False)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["linear", 0], a["linear", 1])
    c, _ = fit_seeds(BUILDERS, train, test_set, CONFIG, "cpu", [2], progress=False)
    assert list(c) == [("linear", 0), ("mlp", 0)] and not np.array_equal(a["linear", 0], c["linear", 0])


def test_runs_filter_configs_per_name_predictor_and_kept_models(test_set):
    configs = {"linear": CONFIG, "mlp": replace(CONFIG, epochs=3, lr=0.0)}
    calls = []

    def predictor(model, data, device):
        calls.append(next(model.parameters()).device.type)
        return {"score": predict(model, data, device)}

    runs = fit_seeds(BUILDERS, noisy_train, test_set, configs, "cpu", [0, 1, 2],
                     runs=lambda name, s: s == 0 or name == "linear", predictor=predictor,
                     keep_on_cpu=False, progress=False)
    assert isinstance(runs, SeedRuns)
    assert list(runs.preds) == [("linear", 0), ("mlp", 0), ("linear", 1), ("linear", 2)]
    assert set(runs.preds["mlp", 0]) == {"score"} and calls == ["cpu"] * 4
    assert len(runs.histories["mlp", 0]) == 3 and len(runs.histories["linear", 1]) == 2
    assert runs.histories["mlp", 0][-1]["lr"] == 0.0  # its own config
    assert set(runs.trained) == {"linear", "mlp"} and not any(m.training for m in runs.trained.values())
    with pytest.raises(ValueError, match="no TrainConfig for 'mlp'"):
        fit_seeds(BUILDERS, noisy_train, test_set, {"linear": CONFIG}, "cpu", [0], progress=False)
