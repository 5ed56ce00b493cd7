"""Training, inference and the evaluation protocol of "Pay Attention to Virality" (Bielski &
Trzcinski 2018, §2-3), for the networks of :mod:`vira.models.pay_attention`.

Every model outputs two logits (unpopular, popular) trained with cross-entropy (§2):
:func:`fit_classifier`. :func:`random_search` is §3's randomised search on the validation split
over embedding sizes, dropout rates and the use of batch normalisation. The protocol of §3
(accuracy, and Spearman's rho between P(popular) and the normalised view count) is
:func:`evaluate`; it scores both the networks on frames and headlines and, on the real Facebook
set (:mod:`vira.data.real.facebook`), the classifiers on 28 hand-made features
(:func:`classify_facebook`), so the two tables of chapter 8 share one protocol.

:func:`video_embedding` and :func:`text_embedding` run a *trained* frame or headline model over
many inputs (batched, eval mode, no gradients) to give the frozen embeddings that
:class:`vira.models.pay_attention.MultimodalNet` trains on; they live here, beside
:func:`predict_proba`, because they are loops over data, not parts of a network.

**Where the paper is silent, our choices.**

* Training: Adam (lr 1e-3, Keras' default, as the paper used Keras), batch size 64, at most 30
  epochs, early stopping after 5 epochs without a lower validation loss, restoring the best
  epoch's weights. The search draws each parameter independently and uniformly from its list
  (a repeat draw is possible) and keeps the trial with the best validation accuracy, ties going
  to the lower validation loss.
* A video counts as predicted popular when P(popular) > 0.5 (the argmax of the two logits).
* On the Facebook features (no frames, no headlines): a logistic regression and gradient
  boosting with fixed hyper-parameters (:func:`feature_model`), over several seeds because 182
  test videos give noisy numbers.

Used by chapter 8 (``08_attention``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from vira.data.real.facebook import FEATURES, split_indices

__all__ = ["video_embedding", "text_embedding", "ClassifierConfig", "fit_classifier", "predict_proba",
           "random_search", "evaluate", "FEATURE_MODELS", "feature_model", "classify_facebook",
           "permutation_importances"]


@torch.no_grad()
def _embeddings(model: nn.Module, inputs: tuple[torch.Tensor, ...], batch_size: int, device) -> torch.Tensor:
    """A model's ``embed`` over ``inputs`` in batches: (N, D) on the CPU, eval mode, no gradients
    (the first element when ``embed`` returns (embedding, attention))."""
    was_training = model.training
    model.eval().to(device)
    out = []
    for lo in range(0, len(inputs[0]), batch_size):
        e = model.embed(*(t[lo:lo + batch_size].to(device) for t in inputs))
        out.append((e[0] if isinstance(e, tuple) else e).float().cpu())
    model.train(was_training)
    return torch.cat(out)


def video_embedding(model: nn.Module, feats: torch.Tensor, batch_size: int = 256, device="cpu") -> torch.Tensor:
    """A trained frame model's video embeddings (N, D) on the CPU, in eval mode without gradients:
    v (Eq. 5) of :class:`~vira.models.pay_attention.FrameAttentionNet`, the mean feature of
    :class:`~vira.models.pay_attention.FrameMeanNet`. ``feats`` (N, F, 2048). Used by chapter 8."""
    return _embeddings(model, (feats,), batch_size, device)


def text_embedding(model: nn.Module, tokens: torch.Tensor, lengths: torch.Tensor, batch_size: int = 256,
                   device="cpu") -> torch.Tensor:
    """A trained headline model's text embeddings (N, 2H) on the CPU, in eval mode without
    gradients: d (Eq. 6) of :class:`~vira.models.pay_attention.HeadlineAttentionNet`, the last states
    of :class:`~vira.models.pay_attention.HeadlineLastNet`. ``tokens`` (N, L), ``lengths`` (N,).
    Used by chapter 8."""
    return _embeddings(model, (tokens, torch.as_tensor(lengths)), batch_size, device)


@dataclass
class ClassifierConfig:
    """Training settings (all ours: the paper gives none, beyond cross-entropy and Keras)."""

    lr: float = 1e-3
    weight_decay: float = 0.0
    batch_size: int = 64
    epochs: int = 30
    patience: int = 5
    seed: int = 0


def _as_inputs(inputs) -> tuple[torch.Tensor, ...]:
    return tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)


@torch.no_grad()
def _logits(model: nn.Module, inputs: tuple[torch.Tensor, ...], batch_size: int, device) -> torch.Tensor:
    model.eval().to(device)
    out = [model(*(t[lo:lo + batch_size].to(device) for t in inputs)).float().cpu()
           for lo in range(0, len(inputs[0]), batch_size)]
    return torch.cat(out)


def _loss_accuracy(model: nn.Module, data: tuple[torch.Tensor, ...], batch_size: int, device) -> tuple[float, float]:
    *inputs, y = data
    z, y = _logits(model, tuple(inputs), batch_size, device), y.long()
    return float(F.cross_entropy(z, y)), float((z.argmax(-1) == y).double().mean())


def fit_classifier(model: nn.Module, train: tuple[torch.Tensor, ...], val: tuple[torch.Tensor, ...],
                   config: ClassifierConfig | None = None, device="cpu", progress: bool = False) -> list[dict]:
    """Train ``model`` with cross-entropy and Adam, stopping early on the validation loss and
    restoring the best epoch's weights. ``train`` and ``val`` are tuples ``(inputs..., y)`` of
    tensors with y in {0, 1} (1 = popular), passed as ``model(*inputs)``. Deterministic on the CPU
    for a given ``config.seed`` (it seeds dropout and the shuffling; seed torch yourself before
    building the model, as :func:`random_search` does). Returns one record per epoch:
    ``epoch, train_loss, val_loss, val_accuracy, best`` (True for the epoch that was kept).
    Used by chapter 8."""
    from tqdm.auto import tqdm

    config = config or ClassifierConfig()
    *inputs, y = train
    n = len(y)
    device = torch.device(device)
    torch.manual_seed(config.seed)
    order_rng = torch.Generator().manual_seed(config.seed)
    model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    has_bn = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
    history, best, best_state, best_epoch, waited = [], float("inf"), None, 0, 0
    for epoch in tqdm(range(config.epochs), desc="epochs", disable=not progress, mininterval=2):
        model.train()
        order, seen, total = torch.randperm(n, generator=order_rng), 0, 0.0
        for lo in range(0, n, config.batch_size):
            k = order[lo:lo + config.batch_size]
            if has_bn and len(k) < 2:  # batch normalisation cannot train on a single item
                continue
            loss = F.cross_entropy(model(*(t[k].to(device) for t in inputs)), y[k].to(device).long())
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            seen, total = seen + len(k), total + float(loss.detach()) * len(k)
        val_loss, val_acc = _loss_accuracy(model, val, config.batch_size, device)
        history.append({"epoch": epoch + 1, "train_loss": total / max(seen, 1), "val_loss": val_loss,
                        "val_accuracy": val_acc, "best": False})
        if val_loss < best:
            best, best_state, best_epoch, waited = val_loss, copy.deepcopy(model.state_dict()), epoch, 0
        else:
            waited += 1
            if waited >= config.patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
        history[best_epoch]["best"] = True
    model.eval()
    return history


def predict_proba(model: nn.Module, inputs, batch_size: int = 256, device="cpu") -> np.ndarray:
    """P(popular) (N,) in eval mode: the softmax of the logits, column 1. ``inputs`` is a tensor
    or a tuple of tensors passed as ``model(*inputs)``. Used by chapter 8."""
    z = _logits(model, _as_inputs(inputs), batch_size, device)
    return torch.softmax(z.double(), dim=-1)[:, 1].numpy()


def random_search(build: Callable[..., nn.Module], space: dict[str, list], train: tuple[torch.Tensor, ...],
                  val: tuple[torch.Tensor, ...], n_trials: int = 10, seed: int = 0,
                  base_config: ClassifierConfig | None = None, device="cpu", progress: bool = False):
    """§3's randomised hyper-parameter search on the validation split.

    Each trial draws every entry of ``space`` (name -> list of values) uniformly with a numpy
    Generator seeded by ``seed``; names that are fields of :class:`ClassifierConfig` (``lr``,
    ``batch_size``, ...) override ``base_config``, the others go to ``build(**params)``, which is
    called after ``torch.manual_seed(config.seed)``. Each model is trained by
    :func:`fit_classifier`; the best has the highest validation accuracy, ties going to the lower
    validation loss, then to the earlier trial. Returns (best model, its params, a DataFrame with
    one row per trial: ``trial``, the params, ``val_accuracy``, ``val_loss``, ``epochs``).
    Used by chapter 8."""
    base_config = base_config or ClassifierConfig()
    config_names = {f.name for f in fields(ClassifierConfig)}
    rng = np.random.default_rng(seed)
    rows, best_key, best_model, best_params = [], None, None, None
    for trial in range(n_trials):
        params = {name: values[int(rng.integers(len(values)))] for name, values in space.items()}
        config = replace(base_config, **{k: v for k, v in params.items() if k in config_names})
        torch.manual_seed(config.seed)
        model = build(**{k: v for k, v in params.items() if k not in config_names})
        history = fit_classifier(model, train, val, config, device=device, progress=progress)
        val_loss, val_acc = _loss_accuracy(model, val, config.batch_size, device)
        rows.append({"trial": trial, **params, "val_accuracy": val_acc, "val_loss": val_loss,
                     "epochs": len(history)})
        key = (-val_acc, val_loss)
        if best_key is None or key < best_key:
            best_key, best_model, best_params = key, model, params
    return best_model, best_params, pd.DataFrame(rows)


def evaluate(p_popular, y, normalised_views) -> dict[str, float]:
    """§3's protocol: ``accuracy`` of "popular iff P(popular) > 0.5" against the labels ``y``
    (1 = popular), and ``spearman``, Spearman's rho between P(popular) and the normalised view
    count (nan when the predictions are constant). All three are (N,). Used by chapter 8 for the
    networks, the bag-of-words baseline and (through :func:`classify_facebook`) the Facebook
    features."""
    from scipy.stats import spearmanr

    p = np.asarray(p_popular, dtype=float).ravel()
    y = np.asarray(y).ravel()
    views = np.asarray(normalised_views, dtype=float).ravel()
    if not len(p) == len(y) == len(views):
        raise ValueError(f"lengths differ: {len(p)} predictions, {len(y)} labels, {len(views)} view counts")
    rho = np.nan if np.ptp(p) == 0 else float(spearmanr(p, views)[0])
    return {"accuracy": float(np.mean((p > 0.5).astype(int) == y)), "spearman": rho}


# --- The same protocol on the real Facebook set's 28 features ----------------------------------

#: The classifiers of the Facebook features, by name.
FEATURE_MODELS = ("logistic", "boosting")


def feature_model(name: str, seed: int = 0):
    """An unfitted classifier: ``"logistic"`` (StandardScaler + LogisticRegression, C=1) or
    ``"boosting"`` (HistGradientBoostingClassifier with its defaults and ``random_state=seed``).
    Used by chapter 8."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if name == "logistic":
        return Pipeline([("scale", StandardScaler()),
                         ("logreg", LogisticRegression(C=1.0, max_iter=5000))])
    if name == "boosting":
        return HistGradientBoostingClassifier(random_state=seed)
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(FEATURE_MODELS)}")


def _arrays(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features (N, 28), labels (N,), normalised views (N,)) of a popularity table."""
    missing = [c for c in (*FEATURES, "label", "ratio") if c not in table.columns]
    if missing:
        raise ValueError(f"table lacks column(s) {', '.join(missing)} (see popularity_table)")
    x = table[list(FEATURES)].to_numpy(dtype=float)
    if not np.isfinite(x).all():
        raise ValueError("table has missing features; use popularity_table (complete rows)")
    return x, table["label"].to_numpy(dtype=int), table["ratio"].to_numpy(dtype=float)


def classify_facebook(table: pd.DataFrame, seeds=(0, 1, 2), test_size: float = 0.1,
                      val_size: float = 0.1, models=FEATURE_MODELS) -> pd.DataFrame:
    """§3's protocol on the Facebook set's 28 features: one row per (model, seed).

    ``table`` is :func:`vira.data.real.facebook.popularity_table` (the :data:`FEATURES
    <vira.data.real.facebook.FEATURES>`, ``label`` and ``ratio``, the normalised views). For each
    seed, a stratified split (:func:`vira.data.real.facebook.split_indices`); each model of
    ``models`` (:func:`feature_model`) is fitted on the training part (the validation part is held
    out, as in the paper, and not used: these models have fixed hyper-parameters) and scored on the
    test part by :func:`evaluate`: ``accuracy`` (threshold 0.5) and ``spearman`` (P(popular)
    against ``ratio``). Columns: model, seed, accuracy, spearman, n_train, n_test.

    Runs on one thread: the models are small, and on a busy 2-core machine OpenMP threads of
    gradient boosting contend (about 0.7 s per fit on one thread, 5 s on two). Used by chapter 8.
    """
    from threadpoolctl import threadpool_limits

    x, y, ratio = _arrays(table)
    rows = []
    for seed in seeds:
        train, _, test = split_indices(y, seed, test_size, val_size)
        for name in models:
            with threadpool_limits(1):
                model = feature_model(name, seed).fit(x[train], y[train])
                proba = model.predict_proba(x[test])[:, 1]
            rows.append({"model": name, "seed": seed, **evaluate(proba, y[test], ratio[test]),
                         "n_train": len(train), "n_test": len(test)})
    return pd.DataFrame(rows)


def permutation_importances(table: pd.DataFrame, model: str = "boosting", seed: int = 0,
                            test_size: float = 0.1, val_size: float = 0.1) -> pd.DataFrame:
    """Permutation importance of each Facebook feature on the test split of ``seed``.

    The model is fitted as in :func:`classify_facebook`; scikit-learn's ``permutation_importance``
    then shuffles one feature at a time in the test part (accuracy, ``n_repeats=10``,
    ``random_state=seed``). Columns: feature, importance_mean, importance_std (drop in test
    accuracy), sorted by importance_mean, largest first (ties in file order). Used by chapter 8.
    """
    from sklearn.inspection import permutation_importance
    from threadpoolctl import threadpool_limits

    x, y, _ = _arrays(table)
    train, _, test = split_indices(y, seed, test_size, val_size)
    with threadpool_limits(1):
        fitted = feature_model(model, seed).fit(x[train], y[train])
        result = permutation_importance(fitted, x[test], y[test], scoring="accuracy",
                                        n_repeats=10, random_state=seed)
    out = pd.DataFrame({"feature": FEATURES, "importance_mean": result.importances_mean,
                        "importance_std": result.importances_std})
    return out.sort_values("importance_mean", ascending=False, kind="stable", ignore_index=True)
