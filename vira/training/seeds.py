"""Train several networks over several seeds, the way chapters 2, 4 and 5 fill their tables.

The VDV paper reports one number per model and track; the book trains every model once per seed
and reports mean ± standard deviation (:func:`vira.metrics.format_mean_std`). :func:`fit_seeds` is
that loop, once. For seed index s (seed ``seeds[s]``) and every model name, in this order:

1. :func:`vira.training.seeding.seed_everything` with ``seeds[s]``;
2. build the model (``builders[name]()``), so its initial weights depend only on the seed;
3. build the training data (``train(name, s)`` when ``train`` is a function), so a data set that
   draws random crops at construction starts from the same state every run;
4. :func:`vira.training.regression.fit` with the model's config and ``seed=seeds[s]``;
5. predict the test set (:func:`vira.training.regression.predict` or any function like it).

Seeds are the outer loop and names the inner, as the chapters' hand-written loops had it, so a
data set shared between runs (e.g. one that draws a new random crop each time an item is read)
sees the runs in the same order and every number is unchanged. Used by chapters 2, 4 and 5.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from torch import nn
from torch.utils.data import Dataset

from vira.training.regression import TrainConfig, fit, predict
from vira.training.seeding import seed_everything

__all__ = ["SeedRuns", "fit_seeds"]


@dataclass
class SeedRuns:
    """What :func:`fit_seeds` returns; unpacks as ``preds, trained = fit_seeds(...)``.

    * ``preds``: (name, s) -> the test predictions of that run (what ``predict`` returned: an
      array (N,) for :func:`~vira.training.regression.predict`, a dict of arrays for
      :func:`~vira.training.regression.predict_outputs`), in the order the runs were made;
    * ``trained``: name -> the model of the first seed that ran it, in eval mode;
    * ``histories``: (name, s) -> :func:`~vira.training.regression.fit`'s per-epoch history;
    * ``seconds``: (name, s) -> wall-clock seconds of the training (``fit`` only);
    * ``peak_gpu_mib``: (name, s) -> peak GPU memory of the run in MiB (building, training and
      predicting), NaN on a CPU.
    """

    preds: dict = field(default_factory=dict)
    trained: dict = field(default_factory=dict)
    histories: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    peak_gpu_mib: dict = field(default_factory=dict)

    def __iter__(self):
        return iter((self.preds, self.trained))


def fit_seeds(builders: Mapping[str, Callable[[], nn.Module]],
              train: Dataset | Callable[[str, int], Dataset], test: Dataset,
              config: TrainConfig | Mapping[str, TrainConfig], device, seeds: Sequence[int], *,
              runs: Callable[[str, int], bool] | None = None,
              predictor: Callable = predict, keep_on_cpu: bool = True, desc: str = "runs",
              progress: bool = True) -> SeedRuns:
    """Train every model of ``builders`` once per seed of ``seeds`` and predict ``test``.

    Args:
        builders: name -> a function that builds a fresh, untrained model; the names key the
            results, in this order within each seed.
        train: the training data set of every run, or a function ``train(name, s)`` (s the seed
            index) that builds it; it is called after the model is built (see the module doc).
        test: the data set every run predicts.
        config: the :class:`~vira.training.regression.TrainConfig` of every run, or one per name;
            its ``seed`` is replaced by the run's seed.
        device: where to train and predict.
        seeds: the seed of each seed index s = 0, 1, ... (e.g. ``[seed + s for s in range(3)]``).
        runs: optional filter ``runs(name, s) -> bool``: which runs to make (default: all), e.g.
            ablations on the first seed only.
        predictor: ``predictor(model, test, device)`` -> the run's predictions.
        keep_on_cpu: move each kept model (``trained``) to the CPU; False leaves it on ``device``.
        desc, progress: the tqdm bar over the runs.

    Returns:
        :class:`SeedRuns` (``preds, trained = fit_seeds(...)`` works).
    """
    import torch
    from tqdm.auto import tqdm

    device = torch.device(device)
    configs = config if isinstance(config, Mapping) else {name: config for name in builders}
    missing = [name for name in builders if name not in configs]
    if missing:
        raise ValueError(f"config: no TrainConfig for {', '.join(map(repr, missing))}")
    make_train = train if callable(train) and not isinstance(train, Dataset) else None
    jobs = [(name, s) for s in range(len(seeds)) for name in builders
            if runs is None or runs(name, s)]
    out = SeedRuns()
    for name, s in tqdm(jobs, desc=desc, disable=not progress):
        seed_everything(seeds[s])
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        model = builders[name]()
        data = make_train(name, s) if make_train is not None else train
        started = time.perf_counter()
        out.histories[name, s] = fit(model, data, replace(configs[name], seed=seeds[s]), device)
        out.seconds[name, s] = time.perf_counter() - started
        out.preds[name, s] = predictor(model, test, device)
        out.peak_gpu_mib[name, s] = (torch.cuda.max_memory_allocated(device) / 2**20
                                     if device.type == "cuda" else float("nan"))
        if name not in out.trained:
            out.trained[name] = (model.cpu() if keep_on_cpu else model).eval()
    return out
