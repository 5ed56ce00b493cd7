"""The training recipe of Viral Vision (§5) for :class:`vira.models.viral_vision.ViralVisionNet`,
with what a collapse looks like inside.

:func:`fit_viral_vision` is §5: MSE (regression) or binary cross-entropy (classification)
(:meth:`ViralVisionNet.loss <vira.models.viral_vision.ViralVisionNet.loss>`), Adam with learning
rate 1e-3, a step schedule every 7 epochs, up to 20 epochs with early stopping. The paper gives
neither the schedule's factor nor the patience: we take PyTorch's default factor 0.1 and a
patience of 3 epochs on the validation loss (the best epoch's weights are restored). Every epoch
it also records the diagnostics of :func:`diagnose`. ``objective="rank"`` swaps the paper's loss
for the VDV paper's margin ranking loss (:func:`vira.losses.margin_ranking`), one of chapter 7's
candidate fixes. :func:`pretrain_on_routines` is chapter 7's synthetic stand-in for Kinetics
pretraining.

**A frozen backbone, computed once.** :func:`calibrate_batch_norm` and :func:`backbone_features`
turn a backbone into a fixed feature extractor: its batch-norm statistics are re-estimated on
training clips (a network that never trained has none worth the name), then every clip's pooled
feature (N, 512) is computed once, without gradients. A head trained on these features
(``ViralVisionNet(..., backbone=False)``) with :func:`fit_viral_vision` is the paper's network with
its backbone frozen, and costs the head alone: chapter 7 uses it for every cause that concerns the
head, the label, the loss or the class balance.

Input clips are (N, 3, T, H, W) as :func:`vira.video.preprocess_clip` makes them (stacked).
Used by chapter 7.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from vira.losses import margin_ranking
from vira.models.viral_vision import ViralVisionNet

__all__ = ["ViralVisionConfig", "fit_viral_vision", "predict", "diagnose", "pretrain_on_routines",
           "calibrate_batch_norm", "backbone_features"]


@dataclass
class ViralVisionConfig:
    """§5's recipe; ``patience`` and ``lr_factor`` are ours (the paper gives none)."""

    epochs: int = 20
    lr: float = 1e-3
    lr_step: int = 7
    lr_factor: float = 0.1
    batch_size: int = 8
    patience: int = 3
    seed: int = 0
    progress: bool = False
    #: "paper" (MSE or BCE by task) or "rank": the margin ranking loss of the VDV paper (Eq. 13,
    #: mean over pairs, margin 0), one of chapter 7's candidate fixes.
    objective: str = "paper"
    #: classification only: the weight of the viral videos' BCE terms (chapter 7's class-balance
    #: cause, n(non-viral) / n(viral)); None is the paper's unweighted loss.
    pos_weight: float | None = None


def _batches(data, order, batch_size):
    for lo in range(0, len(order), batch_size):
        items = [data[int(k)] for k in order[lo:lo + batch_size]]
        yield torch.stack([x for x, _ in items]), torch.stack([torch.as_tensor(y) for _, y in items])


@torch.no_grad()
def predict(model: ViralVisionNet, data, device="cpu", batch_size: int = 8) -> np.ndarray:
    """Outputs (N,) in eval mode for every item ``(clip (3, T, H, W), label)`` of ``data``, in order.
    Used by chapter 7."""
    model.eval().to(device)
    out = [model(x.to(device)).float().cpu() for x, _ in _batches(data, np.arange(len(data)), batch_size)]
    return torch.cat(out).numpy()


@torch.no_grad()
def diagnose(model: ViralVisionNet, clips: torch.Tensor) -> dict:
    """What a collapse looks like, on a fixed probe batch ``clips`` (N, 3, T, H, W), in eval mode:

    * ``pred_std``: the standard deviation of the outputs over the clips (0 = one output for all);
    * ``dead_fraction``: the share of the head's 640 ReLU units that are zero for every clip;
    * ``feature_var``: the backbone feature's variance over clips, averaged over its 512 channels.

    Recorded every epoch by :func:`fit_viral_vision`; used by chapter 7.
    """
    was_training = model.training
    model.eval()
    f = model.features(clips)
    h1 = model.head[1](model.head[0](f))
    h2 = model.head[4](model.head[3](h1))
    out = model.activate(model.head[6](h2).squeeze(-1))
    dead = torch.cat([(h1 <= 0).all(0), (h2 <= 0).all(0)]).float().mean()
    model.train(was_training)
    return {"pred_std": float(out.std()), "pred_mean": float(out.mean()), "dead_fraction": float(dead),
            "feature_var": float(f.var(0).mean()), "outputs": out.cpu().numpy()}


def _grad_norms(model: ViralVisionNet) -> dict[str, float]:
    """The gradient norm of every stage: the stem, the four residual layers and the head."""
    parts = {"head": model.head}
    if model.backbone is not None:  # a head on frozen features has no backbone stages
        parts = {"stem": model.backbone.stem,
                 **{f"layer{i}": getattr(model.backbone, f"layer{i}") for i in range(1, 5)}, **parts}
    norms = {}
    for name, module in parts.items():
        sq = [float(p.grad.double().pow(2).sum()) for p in module.parameters() if p.grad is not None]
        norms[name] = float(np.sqrt(sum(sq)))
    return norms


def _loss(model: ViralVisionNet, z: torch.Tensor, y: torch.Tensor, objective: str,
          pos_weight: float | None = None) -> torch.Tensor:
    """The training objective from logits ``z`` (N,) and labels ``y`` (N,): ``"paper"``, the
    model's own loss (MSE or BCE by task, the latter weighted by ``pos_weight``), or ``"rank"``,
    Eq. 13 (mean over pairs, margin 0) on the activated outputs."""
    if objective == "paper":
        return model.loss(z, y, pos_weight)
    if objective == "rank":
        return margin_ranking(model.activate(z), y, reduction="mean")
    raise ValueError(f"objective must be 'paper' or 'rank', got {objective!r}")


def pretrain_on_routines(model: ViralVisionNet, data, n_classes: int, epochs: int = 3, lr: float = 1e-3,
                         batch_size: int = 8, seed: int = 0, device="cpu") -> list[float]:
    """Chapter 7's synthetic stand-in for Kinetics pretraining: train the backbone to tell which
    of ``n_classes`` choreographies a clip shows (an action-recognition task, like Kinetics-400's),
    through a temporary linear layer 512 -> ``n_classes`` with cross-entropy and Adam. ``data``
    holds ``(clip, class index)`` items. The backbone keeps what it learned; the paper's head is
    left untouched. Returns the mean training loss of every epoch. Used by chapter 7."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    device = torch.device(device)
    classifier = nn.Linear(512, n_classes).to(device)
    model.to(device).train()
    params = list(model.backbone.parameters()) + list(classifier.parameters())
    optimiser = torch.optim.Adam(params, lr=lr)
    losses = []
    for _ in range(epochs):
        epoch = []
        for x, y in _batches(data, rng.permutation(len(data)), batch_size):
            loss = F.cross_entropy(classifier(model.features(x.to(device))), y.to(device).long())
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            epoch.append(float(loss.detach()))
        losses.append(float(np.mean(epoch)))
    return losses


def fit_viral_vision(model: ViralVisionNet, train, val, config: ViralVisionConfig, device="cpu",
                     probe: torch.Tensor | None = None) -> list[dict]:
    """Train with §5's recipe and early stopping; restores the weights of the epoch with the lowest
    validation loss. ``train`` and ``val`` hold ``(clip (3, T, H, W), label)`` items (a training
    set may draw a new random clip each time an item is read). Returns per-epoch records: train
    and validation loss, learning rate, the mean gradient norm of every stage, and
    :func:`diagnose` on ``probe`` (default: the first 8 validation clips). Used by chapter 7."""
    from tqdm.auto import tqdm

    device = torch.device(device)
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    model.to(device)
    if probe is None:
        probe = torch.stack([val[k][0] for k in range(min(8, len(val)))])
    probe = probe.to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.StepLR(optimiser, step_size=config.lr_step, gamma=config.lr_factor)
    history, best, best_state, waited = [], float("inf"), None, 0
    for epoch in tqdm(range(config.epochs), desc="epochs", disable=not config.progress, mininterval=2):
        model.train()
        order = rng.permutation(len(train))
        losses, grads = [], []
        for x, y in _batches(train, order, config.batch_size):
            loss = _loss(model, model.logits(x.to(device)), y.to(device), config.objective, config.pos_weight)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            grads.append(_grad_norms(model))
            optimiser.step()
            losses.append(float(loss.detach()))
        model.eval()
        with torch.no_grad():
            val_losses = [(float(_loss(model, model.logits(x.to(device)), y.to(device), config.objective,
                                       config.pos_weight))
                           * len(y), len(y))
                          for x, y in _batches(val, np.arange(len(val)), config.batch_size)]
        val_loss = sum(a for a, _ in val_losses) / sum(b for _, b in val_losses)
        record = {"epoch": epoch + 1, "lr": optimiser.param_groups[0]["lr"],
                  "train_loss": float(np.mean(losses)), "val_loss": val_loss,
                  **{f"grad_{k}": float(np.mean([g[k] for g in grads])) for k in grads[0]},
                  **diagnose(model, probe)}
        schedule.step()
        history.append(record)
        if val_loss < best - 1e-6:
            best, best_state, waited = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
            if waited >= config.patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


@torch.no_grad()
def calibrate_batch_norm(backbone: nn.Module, data, device="cpu", batch_size: int = 8) -> nn.Module:
    """Re-estimate every batch-norm layer's running mean and variance of ``backbone`` as the plain
    average over the batches of ``data`` (items ``(clip (3, T, H, W), label)``; no weight changes),
    then leave it in eval mode. A backbone that never trained keeps PyTorch's initial statistics
    (mean 0, variance 1), which normalise nothing, so a frozen random backbone would pass
    activations of arbitrary scale to the head; pretrained weights bring their own statistics and
    need no calibration. Used by chapter 7."""
    norms = [m for m in backbone.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # a cumulative average over the batches
    backbone.to(device).train()
    for x, _ in _batches(data, np.arange(len(data)), batch_size):
        backbone(x.to(device))
    for m, momentum in zip(norms, momenta):
        m.momentum = momentum
    return backbone.eval()


@torch.no_grad()
def backbone_features(model: ViralVisionNet, data, device="cpu", batch_size: int = 8,
                      progress: bool = False) -> torch.Tensor:
    """The pooled backbone feature (N, 512) of every item ``(clip (3, T, H, W), label)`` of
    ``data``, in order, in eval mode and without gradients: a frozen backbone's view of each clip,
    computed once. Used by chapter 7."""
    from tqdm.auto import tqdm

    if model.backbone is None:
        raise ValueError("backbone_features needs a network with a backbone")
    model.eval().to(device)
    steps = range(0, len(data), batch_size)
    out = []
    for lo in tqdm(steps, desc="backbone features", disable=not progress, mininterval=2):
        x = torch.stack([data[k][0] for k in range(lo, min(lo + batch_size, len(data)))])
        out.append(model.features(x.to(device)).float().cpu())
    return torch.cat(out)
