"""Training and inference of the SnapUGC engagement predictor (Li et al. 2024, §5.1, Eq. 5) for
:class:`vira.models.engagement_net.EngagementNet`.

:func:`engagement_loss` is Eq. 5, the sum over heads of the (unsquared) L2 norm of the batch's
errors; :func:`fit_engagement` trains with Adam and cosine annealing (§5.1);
:func:`predict_engagement` gives every head's predictions. A data set is a dict of tensors:
``clips (N, T, C)``, ``mask (N, T)`` (True = real clip), ``duration (N,)`` in seconds; targets are
one ``(N,)`` tensor per head. Used by chapter 6.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from vira.models.engagement_net import EngagementNet

__all__ = ["engagement_loss", "fit_engagement", "predict_engagement"]


def engagement_loss(pred: dict[str, torch.Tensor], target: dict[str, torch.Tensor]) -> torch.Tensor:
    """Eq. 5: the sum over heads of the L2 norm (not squared) of the batch's errors,
    ``||y - y^||_2``, e.g. ``||NAWP - NAWP^||_2 + ||ECR - ECR^||_2``. ``pred`` and ``target`` map
    each head to an ``(N,)`` tensor; returns a 0-d tensor. Used by chapter 6."""
    return sum(torch.linalg.vector_norm(target[k] - pred[k]) for k in pred)


def _batches(n: int, batch_size: int, generator: torch.Generator | None):
    """Index batches: a random order drawn from ``generator``, or 0..n-1 in order when it is None."""
    order = torch.randperm(n, generator=generator) if generator is not None else torch.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def _take(data: dict, idx: torch.Tensor, device) -> tuple:
    """The model inputs (clips (B, T', C), mask (B, T'), duration (B,)) of the videos ``idx``, cut to
    the longest of them (T')."""
    mask = data["mask"][idx]
    T = int(mask.sum(1).max())
    return (data["clips"][idx, :T].to(device), mask[:, :T].to(device), data["duration"][idx].to(device))


def fit_engagement(model: EngagementNet, data: dict, targets: dict, *, epochs: int, lr: float = 1e-4,
                   lr_final: float = 1e-7, batch_size: int = 8, seed: int = 0, device="cpu",
                   progress: bool = True) -> list[float]:
    """Train with Adam and cosine annealing of the learning rate from ``lr`` to ``lr_final`` over
    all steps (§5.1), batch size 8, on Eq. 5. ``data``: ``clips (N, T, C)``, ``mask (N, T)``,
    ``duration (N,)`` tensors; ``targets``: one ``(N,)`` tensor per head. Returns the mean loss
    per epoch. Used by chapter 6."""
    from tqdm.auto import tqdm

    torch.manual_seed(seed)
    device = torch.device(device)
    model.to(device).train()
    n = data["mask"].shape[0]
    steps = epochs * math.ceil(n / batch_size)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=lr_final)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for _ in tqdm(range(epochs), desc="epochs", disable=not progress, mininterval=2):
        total, count = 0.0, 0
        for idx in _batches(n, batch_size, gen):
            clips, mask, duration = _take(data, idx, device)
            pred = model(clips, mask, duration)
            loss = engagement_loss(pred, {k: targets[k][idx].to(device) for k in pred})
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total, count = total + loss.item(), count + 1
        history.append(total / count)
    return history


@torch.no_grad()
def predict_engagement(model: EngagementNet, data: dict, batch_size: int = 64, device="cpu") -> dict:
    """Predictions of every head for every video of ``data``, in eval mode: ``{name: array (N,)}``.
    Used by chapter 6."""
    device = torch.device(device)
    model.to(device).eval()
    parts: dict[str, list] = {}
    for idx in _batches(data["mask"].shape[0], batch_size, None):
        for k, v in model(*_take(data, idx, device)).items():
            parts.setdefault(k, []).append(v.float().cpu().numpy())
    return {k: np.concatenate(v) for k, v in parts.items()}
