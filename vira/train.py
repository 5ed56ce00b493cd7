"""One training loop for every chapter (VDV paper §5.1 defaults).

Adam with batch size 8 and learning rate 1e-4, halved every 10 epochs; the loss is MSE plus the
margin ranking loss (Eq. 13-14 with alpha = beta = 1 unless a chapter balances them); tqdm shows
progress; runs are deterministic on the CPU for a fixed seed; checkpoints are plain state dicts
saved with ``torch.save`` and loaded with ``weights_only=True``. Device-agnostic: the model and
every batch are moved to ``device``; ``amp=True`` enables bfloat16 autocast on CUDA.

A data set for :func:`fit` yields ``(inputs, target)`` pairs, where ``inputs`` is a dict of
tensors passed to the model as keyword arguments (for skeletons: ``x`` (C, T, V) and ``mask``
(T,)) and ``target`` a scalar tensor; :func:`pad_collate` batches variable-length items.
Used by chapters 2-8.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from .losses import combined_loss


@dataclass
class TrainConfig:
    """Training settings; the defaults are the VDV paper's (§5.1)."""

    epochs: int = 30
    batch_size: int = 8
    lr: float = 1e-4
    lr_halve_every: int = 10
    alpha: float = 1.0  # weight of the MSE term (Eq. 14)
    beta: float = 1.0  # weight of the ranking term (Eq. 13-14)
    margin: float = 0.0  # delta of Eq. 13
    reduction: str = "sum"  # of the ranking term: "sum" over pairs as Eq. 13 is printed, or "mean"
    weight_decay: float = 0.0
    amp: bool = False  # bfloat16 autocast on CUDA
    seed: int = 0
    progress: bool = True
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
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.StepLR(optimiser, step_size=config.lr_halve_every, gamma=0.5)
    history = []
    bar = tqdm(range(config.epochs), desc=desc, disable=not config.progress, mininterval=2)
    for epoch in bar:
        sums, batches = {}, 0
        for inputs, target in loader:
            inputs, target = to_device(inputs, device), target.to(device)
            with torch.autocast(device.type, dtype=torch.bfloat16,
                                enabled=config.amp and device.type == "cuda"):
                pred = model(**inputs).float()
            loss, parts = combined_loss(pred, target, alpha=config.alpha, beta=config.beta,
                                        margin=config.margin, reduction=config.reduction)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + v
            batches += 1
        schedule.step()
        record = {"epoch": epoch + 1, "lr": optimiser.param_groups[0]["lr"],
                  **{k: v / max(batches, 1) for k, v in sums.items()}}
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
        out.append(model(**to_device(inputs, device)).float().cpu())
    return torch.cat(out).numpy()


def save_checkpoint(model: nn.Module, path: str | Path, config: TrainConfig | None = None) -> Path:
    """Save the model's state dict (and the config, as plain types) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state_dict": model.state_dict(),
                "config": asdict(config) if config is not None else None}, path)
    return path


def load_checkpoint(model: nn.Module, path: str | Path, device="cpu") -> dict | None:
    """Load a checkpoint written by :func:`save_checkpoint` (``weights_only=True``: no pickled code).

    Returns the stored config dict.
    """
    blob = torch.load(Path(path), map_location=device, weights_only=True)
    model.load_state_dict(blob["state_dict"])
    return blob.get("config")
