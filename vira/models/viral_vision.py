"""The Viral Vision network (§4) and its training recipe (§5), with what a collapse looks like inside.

:class:`ViralVisionNet` is torchvision's R(2+1)D-18 (Tran et al. 2018) with its classifier
replaced by the paper's head: 512 -> ReLU -> dropout 0.5 -> 128 -> ReLU -> dropout 0.5 -> 1,
then an output activation. The paper says ReLU for regression in §4 and sigmoid for both tasks
in §5.1; ``head_activation`` offers both (and none).

:func:`fit_viral_vision` is §5: MSE (regression) or binary cross-entropy (classification), Adam
with learning rate 1e-3, a step schedule every 7 epochs, up to 20 epochs with early stopping.
The paper gives neither the schedule's factor nor the patience: we take PyTorch's default factor
0.1 and a patience of 3 epochs on the validation loss (the best epoch's weights are restored).
Every epoch it also records the diagnostics of :func:`diagnose`.

Input clips are (N, 3, T, H, W) as :func:`vira.video.preprocess_clip` makes them (stacked).
Used by chapter 7.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["ViralVisionNet", "ViralVisionConfig", "fit_viral_vision", "predict", "diagnose",
           "pretrain_on_routines"]

ACTIVATIONS = ("sigmoid", "relu", "none")


class ViralVisionNet(nn.Module):
    """R(2+1)D-18 with the paper's three-layer head: (N, 3, T, H, W) -> (N,).

    ``task`` is ``"regression"`` or ``"classification"``; ``head_activation`` is the output
    activation: ``"sigmoid"`` (§5.1, both tasks; the default), ``"relu"`` (§4, regression) or
    ``"none"``. A classifier's output is P(viral). ``weights`` is an optional local file of
    backbone weights (a state dict of torchvision's ``r2plus1d_18``, e.g. Kinetics-400), loaded
    with ``weights_only=True``; there is no download.
    """

    def __init__(self, task: str = "regression", head_activation: str = "sigmoid",
                 weights: str | Path | None = None):
        super().__init__()
        from torchvision.models.video import r2plus1d_18

        if task not in ("regression", "classification"):
            raise ValueError(f"task must be 'regression' or 'classification', got {task!r}")
        if head_activation not in ACTIVATIONS:
            raise ValueError(f"head_activation must be one of {ACTIVATIONS}, got {head_activation!r}")
        if task == "classification" and head_activation != "sigmoid":
            raise ValueError("a classifier outputs P(viral): its head activation must be 'sigmoid'")
        self.task, self.head_activation = task, head_activation
        self.backbone = r2plus1d_18(weights=None)
        if weights is not None:
            load_backbone(self.backbone, weights)
        self.backbone.fc = nn.Identity()  # (N, 512) after global average pooling
        self.head = nn.Sequential(nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.5),
                                  nn.Linear(512, 128), nn.ReLU(), nn.Dropout(0.5),
                                  nn.Linear(128, 1))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The backbone's pooled feature (N, 512)."""
        if x.ndim != 5 or x.shape[1] != 3:
            raise ValueError(f"clips must have shape (N, 3, T, H, W), got {tuple(x.shape)}")
        return self.backbone(x)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """The last linear layer's output (N,), before the output activation."""
        return self.head(self.features(x)).squeeze(-1)

    def activate(self, z: torch.Tensor) -> torch.Tensor:
        """The output activation applied to logits."""
        return {"sigmoid": torch.sigmoid, "relu": F.relu, "none": lambda t: t}[self.head_activation](z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activate(self.logits(x))

    def loss(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The paper's loss from logits ``z``: MSE of the activated output, or binary
        cross-entropy (computed from the logits, the same value, numerically safer)."""
        if self.task == "classification":
            return F.binary_cross_entropy_with_logits(z, y.float())
        return F.mse_loss(self.activate(z), y.float())


def load_backbone(backbone: nn.Module, path: str | Path) -> None:
    """Load a local state dict into an ``r2plus1d_18`` (``weights_only=True``); its ``fc`` may be
    missing or of any size (it is replaced). Errors name the file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such weights file")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # unpickling refused or a damaged file
        raise ValueError(f"{path}: cannot load weights ({type(err).__name__}: {err})") from None
    state = {k: v for k, v in state.items() if not k.startswith("fc.")}
    missing, unexpected = backbone.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.startswith("fc.")]
    if missing or unexpected:
        raise ValueError(f"{path}: not an r2plus1d_18 state dict (missing {missing[:3]}, "
                         f"unexpected {unexpected[:3]})")


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


def _batches(data, order, batch_size):
    for lo in range(0, len(order), batch_size):
        items = [data[int(k)] for k in order[lo:lo + batch_size]]
        yield torch.stack([x for x, _ in items]), torch.stack([torch.as_tensor(y) for _, y in items])


@torch.no_grad()
def predict(model: ViralVisionNet, data, device="cpu", batch_size: int = 8) -> np.ndarray:
    """Outputs (N,) in eval mode for every item ``(clip, label)`` of ``data``, in order."""
    model.eval().to(device)
    out = [model(x.to(device)).float().cpu() for x, _ in _batches(data, np.arange(len(data)), batch_size)]
    return torch.cat(out).numpy()


@torch.no_grad()
def diagnose(model: ViralVisionNet, clips: torch.Tensor) -> dict:
    """What a collapse looks like, on a fixed probe batch ``clips`` (N, 3, T, H, W), in eval mode:

    * ``pred_std``: the standard deviation of the outputs over the clips (0 = one output for all);
    * ``dead_fraction``: the share of the head's 640 ReLU units that are zero for every clip;
    * ``feature_var``: the backbone feature's variance over clips, averaged over its 512 channels.
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
    parts = {"stem": model.backbone.stem, **{f"layer{i}": getattr(model.backbone, f"layer{i}") for i in range(1, 5)},
             "head": model.head}
    norms = {}
    for name, module in parts.items():
        sq = [float(p.grad.double().pow(2).sum()) for p in module.parameters() if p.grad is not None]
        norms[name] = float(np.sqrt(sum(sq)))
    return norms


def _loss(model: ViralVisionNet, z: torch.Tensor, y: torch.Tensor, objective: str) -> torch.Tensor:
    if objective == "paper":
        return model.loss(z, y)
    if objective == "rank":
        from vira.losses import margin_ranking

        return margin_ranking(model.activate(z), y, reduction="mean")
    raise ValueError(f"objective must be 'paper' or 'rank', got {objective!r}")


def pretrain_on_routines(model: ViralVisionNet, data, n_classes: int, epochs: int = 3, lr: float = 1e-3,
                         batch_size: int = 8, seed: int = 0, device="cpu") -> list[float]:
    """Chapter 7's synthetic stand-in for Kinetics pretraining: train the backbone to tell which
    of ``n_classes`` choreographies a clip shows (an action-recognition task, like Kinetics-400's),
    through a temporary linear layer 512 -> ``n_classes`` with cross-entropy and Adam. ``data``
    holds ``(clip, class index)`` items. The backbone keeps what it learned; the paper's head is
    left untouched. Returns the mean training loss of every epoch."""
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
    :func:`diagnose` on ``probe`` (default: the first 8 validation clips)."""
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
            loss = _loss(model, model.logits(x.to(device)), y.to(device), config.objective)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            grads.append(_grad_norms(model))
            optimiser.step()
            losses.append(float(loss.detach()))
        model.eval()
        with torch.no_grad():
            val_losses = [(float(_loss(model, model.logits(x.to(device)), y.to(device), config.objective))
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
