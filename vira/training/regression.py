"""One training loop for every chapter (VDV paper §5.1 defaults).

Adam with batch size 8 and learning rate 1e-4, halved every 10 epochs; the loss is Eq. 14: MSE plus
the margin ranking loss on the final score, plus the mean ranking loss of the streams for a fusion
model (a model that returns a dict with ``score`` and ``streams``), with fixed weights alpha, beta,
gamma or, with ``gradnorm=True``, weights learnt by :class:`vira.losses.GradNorm`; tqdm shows
progress; runs are deterministic on the CPU for a fixed seed; checkpoints are plain state dicts
saved with ``torch.save`` and loaded with ``weights_only=True``. Device-agnostic: the model and
every batch are moved to ``device``; ``amp=True`` enables bfloat16 autocast on CUDA.

A data set for :func:`fit` yields ``(inputs, target)`` pairs, where ``inputs`` is a dict of
tensors passed to the model as keyword arguments (for skeletons: ``x`` (C, T, V) and ``mask``
(T,)) and ``target`` a scalar tensor; :func:`pad_collate` batches variable-length items.
Used by chapters 2-5 (chapters 2, 4 and 5 through :func:`vira.training.seeds.fit_seeds`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from vira.checkpoint import load_weights, read_file
from vira.losses import GradNorm, loss_terms, weighted_total

TERM_NAMES = ("mse", "rank", "stream_rank")  # the terms of Eq. 14, in order


def _scores(out) -> tuple[torch.Tensor, list[torch.Tensor] | None]:
    """A model's output as (final score (N,), per-stream scores or None): a plain tensor, or a
    fusion model's dict with ``score`` (N,) and ``streams`` (N, M)."""
    if isinstance(out, dict):
        streams = out["streams"].float()
        return out["score"].float(), [streams[:, m] for m in range(streams.shape[1])]
    return out.float(), None


@dataclass
class TrainConfig:
    """Training settings; the defaults are the VDV paper's (§5.1)."""

    epochs: int = 30
    batch_size: int = 8
    lr: float = 1e-4
    lr_halve_every: int = 10
    alpha: float = 1.0  # weight of the MSE term (Eq. 14)
    beta: float = 1.0  # weight of the ranking term (Eq. 13-14)
    gamma: float = 1.0  # weight of the per-stream ranking term (Eq. 14; fusion models only)
    margin: float = 0.0  # delta of Eq. 13
    reduction: str = "sum"  # of the ranking term: "sum" over pairs as Eq. 13 is printed, or "mean"
    weight_decay: float = 0.0
    amp: bool = False  # bfloat16 autocast on CUDA
    seed: int = 0
    progress: bool = True
    gradnorm: bool = False  # learn alpha, beta, gamma with GradNorm (fusion models, chapter 5)
    gradnorm_asymmetry: float = 1.5
    gradnorm_lr: float = 0.025
    extra: dict = field(default_factory=dict)


def pad_collate(items: list[tuple[dict, torch.Tensor]]) -> tuple[dict, torch.Tensor]:
    """Batch ``(inputs, target)`` items whose tensors may differ in their time axis.

    Every input tensor is zero-padded along its time axis to the longest in the batch (the time
    axis is the one called T: the last but one for ``x`` (C, T, V), the first for (T, D) features
    and for ``mask`` (T,)); the masks keep padded frames out of every average.
    """
    inputs = {}
    for key in items[0][0]:
        tensors = [it[0][key] for it in items]
        axis = 1 if tensors[0].dim() == 3 else 0
        longest = max(t.shape[axis] for t in tensors)
        padded = []
        for t in tensors:
            pad = [0, 0] * (t.dim() - 1 - axis) + [0, longest - t.shape[axis]]
            padded.append(nn.functional.pad(t, pad))
        inputs[key] = torch.stack(padded)
    return inputs, torch.stack([it[1] for it in items]).float()


def to_device(inputs: dict, device) -> dict:
    return {k: v.to(device, non_blocking=True) for k, v in inputs.items()}


def fit(model: nn.Module, train: Dataset, config: TrainConfig, device="cpu",
        desc: str = "training") -> list[dict]:
    """Train ``model`` on ``train``; returns the per-epoch history (loss parts, learning rate)."""
    from tqdm.auto import tqdm

    device = torch.device(device)
    torch.manual_seed(config.seed)
    model.to(device).train()
    loader = DataLoader(train, batch_size=config.batch_size, shuffle=True, collate_fn=pad_collate,
                        generator=torch.Generator().manual_seed(config.seed),
                        drop_last=len(train) > config.batch_size)  # no lone item: no pair to rank
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay,
                                 fused=True)  # one fused kernel: several times faster on a CPU
    schedule = torch.optim.lr_scheduler.StepLR(optimiser, step_size=config.lr_halve_every, gamma=0.5)
    history = []
    balancer = None  # GradNorm, made at the first batch (when the number of terms is known)
    bar = tqdm(range(config.epochs), desc=desc, disable=not config.progress, mininterval=2)
    for epoch in bar:
        sums, batches, step_weights, step_attention = {}, 0, [], []
        for inputs, target in loader:
            inputs, target = to_device(inputs, device), target.to(device)
            with torch.autocast(device.type, dtype=torch.bfloat16,
                                enabled=config.amp and device.type == "cuda"):
                out = model(**inputs)
            pred, streams = _scores(out)
            if isinstance(out, dict) and "attention" in out:  # a fusion model's weights A (N, M)
                a = out["attention"].detach().float()
                step_attention.append([a.mean(0).cpu().tolist(), a.std(0).cpu().tolist()])
            terms = loss_terms(pred, target, streams, margin=config.margin,
                               reduction=config.reduction)
            weights = torch.tensor([config.alpha, config.beta, config.gamma][:len(terms)])
            active = torch.nonzero(weights).flatten()  # a weight of 0 removes its term
            if config.gradnorm and len(active) >= 2:
                if balancer is None:
                    if not hasattr(model, "heads"):
                        raise ValueError("gradnorm=True needs a model with heads() (the shared "
                                         "last layer)")
                    balancer = GradNorm(len(active), config.gradnorm_asymmetry, config.gradnorm_lr)
                weights = torch.zeros(len(terms)).index_copy(0, active, balancer.weights)
                loss = balancer.total(terms[active.to(terms.device)])
                balancer.step(terms[active.to(terms.device)], model.heads())
            else:
                loss = weighted_total(terms, weights)  # Eq. 14
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            parts = dict(zip(TERM_NAMES, terms.detach().cpu().tolist()), total=float(loss.detach()))
            if config.gradnorm:
                parts.update({f"w_{k}": float(w) for k, w in zip(TERM_NAMES, weights)})
                step_weights.append(weights.tolist())
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + v
            batches += 1
        schedule.step()
        record = {"epoch": epoch + 1, "lr": optimiser.param_groups[0]["lr"],
                  **{k: v / max(batches, 1) for k, v in sums.items()}}
        if step_weights:
            record["weights_per_step"] = step_weights  # GradNorm's [alpha, beta, gamma] per step
        if step_attention:  # per step: [mean over the batch's clips, their standard deviation]
            record["attention_per_step"] = step_attention
        history.append(record)
        bar.set_postfix(loss=f"{record.get('total', float('nan')):.4f}")
    return history


@torch.no_grad()
def predict(model: nn.Module, data: Dataset, device="cpu", batch_size: int = 16) -> np.ndarray:
    """Predictions (N,) for every item of ``data``, in order, with the model in eval mode."""
    device = torch.device(device)
    model.to(device).eval()
    out = []
    for inputs, _ in DataLoader(data, batch_size=batch_size, shuffle=False, collate_fn=pad_collate):
        out.append(_scores(model(**to_device(inputs, device)))[0].cpu())
    return torch.cat(out).numpy()


@torch.no_grad()
def predict_outputs(model: nn.Module, data: Dataset, device="cpu", batch_size: int = 16) -> dict:
    """Every output of a fusion model for every item of ``data``, in order: a dict of NumPy
    arrays (``score`` (N,), ``streams`` (N, M), ``attention`` (N, M))."""
    device = torch.device(device)
    model.to(device).eval()
    parts: dict[str, list] = {}
    for inputs, _ in DataLoader(data, batch_size=batch_size, shuffle=False, collate_fn=pad_collate):
        for k, v in model(**to_device(inputs, device)).items():
            parts.setdefault(k, []).append(v.float().cpu())
    return {k: torch.cat(v).numpy() for k, v in parts.items()}


def save_checkpoint(model: nn.Module, path: str | Path, config: TrainConfig | None = None) -> Path:
    """Save the model's state dict (and the config, as plain types) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state_dict": model.state_dict(),
                "config": asdict(config) if config is not None else None}, path)
    return path


def load_checkpoint(model: nn.Module, path: str | Path, device="cpu") -> dict | None:
    """Load a checkpoint written by :func:`save_checkpoint` (``weights_only=True``: no pickled code).

    Returns the stored config dict. The weights are copied into ``model`` on its own device
    (``device`` is kept for the callers of the old signature). A file that is not such a checkpoint (no ``state_dict``, or
    one that does not fit ``model``: names, shapes, NaN weights) raises ``ValueError`` naming it
    (:func:`vira.checkpoint.load_weights`).
    """
    blob = read_file(path)
    if not isinstance(blob, dict) or "state_dict" not in blob:
        keys = f" with keys {sorted(map(str, blob))[:5]}" if isinstance(blob, dict) else ""
        raise ValueError(f"{path}: holds a {type(blob).__name__}{keys}, not a checkpoint of "
                         "save_checkpoint (a dict with state_dict and config)")
    load_weights(model, path, state=blob["state_dict"], what=f"a {type(model).__name__}")
    return blob.get("config")
