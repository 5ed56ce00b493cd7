"""Action feedback from a skeleton model: guidance vectors and attention (VDV §4.2, Eq. 7-9).

The VDV paper reads advice for a dancer out of a trained PSGCN. The gradient of the predicted
virality score s with respect to a joint's coordinates says which way moving that joint would
raise the score (**action guidance**, Eq. 7); averaging the gradient's length over a challenge's
videos says which joints and moments matter (**dance tips**: temporal attention, Eq. 8, and
overall attention, Eq. 9).

Shapes: a model input is x (N, 3, T, V) -- x, y, confidence per joint, as made by
:func:`vira.skeleton.normalize_sequence`; guidance is (T, V, 2) per video. A joint is *missing*
in a frame when its confidence is 0 (the pose estimator did not see it): missing joints get no
guidance (NaN) and are left out of every average instead of counting as "no movement needed".

Used by chapter 3 (``03_action_feedback``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn


def action_guidance(model: nn.Module, x: torch.Tensor, mask: torch.Tensor | None = None,
                    missing_as_nan: bool = True) -> torch.Tensor:
    """Eq. 7: g_tj = ds/dv_tj, the gradient of the score with respect to each joint's (x, y).

    ``x`` is one clip (3, T, V) or a batch (N, 3, T, V) (a batch is padded to one length; pass
    ``mask`` (N, T) for the model's pooling). The model runs in eval mode; one backward pass of
    the summed scores gives every clip's gradient at once, because a clip's score does not
    depend on the other clips of the batch in eval mode. Returns (T, V, 2) or (N, T, V, 2) on the
    input's device; where the joint is missing (confidence 0) the guidance is NaN unless
    ``missing_as_nan`` is False.
    """
    single = x.dim() == 3
    xb = (x[None] if single else x).detach().clone().requires_grad_(True)
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            scores = model(xb, mask) if mask is not None else model(xb)
            (grad,) = torch.autograd.grad(scores.sum(), xb)
    finally:
        model.train(was_training)
    g = grad[:, :2].permute(0, 2, 3, 1)  # (N, T, V, 2)
    if missing_as_nan:
        g = torch.where((xb[:, 2] > 0)[..., None].detach(), g, torch.full_like(g, float("nan")))
    return g[0] if single else g


def _magnitude(g) -> np.ndarray:
    """||g_tj||_2 of one video's guidance (T, V, 2) -> (T, V), NaN where the joint is missing."""
    g = g.detach().cpu().numpy() if isinstance(g, torch.Tensor) else np.asarray(g, dtype=float)
    if g.ndim != 3 or g.shape[-1] != 2:
        raise ValueError(f"guidance: expected (T, V, 2), got {g.shape}")
    return np.linalg.norm(g, axis=-1)


def resample(values: np.ndarray, length: int) -> np.ndarray:
    """Linear resampling of (T, V) values onto ``length`` frames spanning the same clip.

    Output frame k sits at relative time k / (length - 1) of the clip, as does input frame t at
    t / (T - 1); each joint is interpolated between its two nearest *observed* frames (NaN
    frames are skipped). A joint never observed stays NaN.
    """
    values = np.asarray(values, dtype=float)
    t_in = np.linspace(0.0, 1.0, values.shape[0])
    t_out = np.linspace(0.0, 1.0, length)
    out = np.full((length, values.shape[1]), np.nan)
    for j in range(values.shape[1]):
        seen = np.isfinite(values[:, j])
        if seen.sum() == 1:
            out[:, j] = values[seen, j][0]
        elif seen.any():
            out[:, j] = np.interp(t_out, t_in[seen], values[seen, j])
    return out


def temporal_attention(guidance: Sequence, length: int = 100) -> np.ndarray:
    """Eq. 8: m_tj, the mean over a challenge's videos of ||g_itj||_2 -> (length, V).

    Videos differ in length, so each video's magnitudes are first resampled to ``length`` frames
    over its own duration (:func:`resample`: relative time, linear interpolation), which lines up
    the routine's moves when the clips start together. Missing joints are left out of the mean
    (a NaN mean where no video saw the joint at that time).
    """
    if len(guidance) == 0:
        raise ValueError("temporal_attention needs at least one video's guidance")
    stack = np.stack([resample(_magnitude(g), length) for g in guidance])
    with np.errstate(invalid="ignore"):
        count = np.isfinite(stack).sum(0)
        total = np.nansum(stack, axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def overall_attention(guidance: Sequence) -> np.ndarray:
    """Eq. 9: m_j, the mean over videos of (1 / T_i) sum_t ||g_itj||_2 -> (V,).

    Each video is averaged over its own frames first (normalised by its own length, as printed;
    with missing joints, by the number of frames in which joint j was seen), then the videos are
    averaged with equal weight. A joint never seen in a video does not enter that video's term.
    """
    if len(guidance) == 0:
        raise ValueError("overall_attention needs at least one video's guidance")
    per_video = []
    for g in guidance:
        m = _magnitude(g)
        seen = np.isfinite(m)
        with np.errstate(invalid="ignore"):
            per_video.append(np.where(seen.any(0), np.nansum(m, 0) / np.maximum(seen.sum(0), 1),
                                      np.nan))
    per_video = np.stack(per_video)
    count = np.isfinite(per_video).sum(0)
    return np.where(count > 0, np.nansum(per_video, 0) / np.maximum(count, 1), np.nan)


def times_input(guidance, x):
    """Gradient × input from a gradient already computed: g_tj ⊙ v_tj.

    ``guidance`` (T, V, 2) or (N, T, V, 2) from :func:`action_guidance`, ``x`` the clip(s) it was
    computed for, (3, T, V) or (N, 3, T, V); tensors or arrays, the result has the type of
    ``guidance``. Coordinates are relative to the thorax (:func:`vira.skeleton.normalize_sequence`),
    so the product weighs a joint's gradient by how far it is from the body's centre.
    """
    xy = x.detach() if isinstance(x, torch.Tensor) else torch.as_tensor(x)
    xy = xy[..., :2, :, :].movedim(-3, -1)  # (..., T, V, 2)
    if isinstance(guidance, torch.Tensor):
        return guidance * xy.to(guidance)
    return guidance * xy.numpy()


def gradient_times_input(model: nn.Module, x: torch.Tensor, mask: torch.Tensor | None = None
                         ) -> torch.Tensor:
    """Gradient × input, the simplest attribution beyond the plain gradient: g_tj ⊙ v_tj.

    Same shapes and missing-joint rule as :func:`action_guidance`; see :func:`times_input`.
    """
    return times_input(action_guidance(model, x, mask), x)


def attention_bins(weights, bins: int = 30) -> np.ndarray:
    """VDV Fig. 8: one query's attention over T' key positions, (H, T'), summed into ``bins``
    equal time bins -> (H, bins). With fewer positions than bins (a short clip, or a low frame
    rate), each position stays its own bin -> (H, T'). Each row keeps its total (1 for softmax
    weights). Used by chapter 4.
    """
    w = np.asarray(weights, dtype=float)
    t = w.shape[-1]
    if t <= bins:
        return w.copy()
    edges = np.linspace(0, t, bins + 1).round().astype(int)
    return np.add.reduceat(w, edges[:-1], axis=-1)
