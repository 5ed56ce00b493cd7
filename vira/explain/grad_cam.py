"""Grad-CAM on the frames of a video, scaled by the frame attention (Pay Attention §2; chapter 8).

The paper explains a popularity prediction per frame: Grad-CAM (Selvaraju et al.) on ResNet50's
last convolutional block, with the popular class score as the target, gives a heatmap per frame;
each heatmap is normalised to [0, 1] and multiplied by that frame's attention weight over the
largest one, alpha_i / max(alpha), so that heatmaps of frames the model hardly looked at fade.

* :class:`FramePopularity` joins the ResNet50 trunk and a frame model into one network from the
  frames of one video (F, 3, H, W) to its two class scores (1, 2), so that the grad-cam package
  can take the gradient of the popular score with respect to every frame's last block at once.
* :func:`frame_cams` runs the grad-cam package's ``GradCAM`` on it (target: the popular class).
* :func:`attention_scaled_cam` is the paper's scaling.
* :func:`pointing_game` and :func:`energy_in_box` score a heatmap against a known box (the planted
  cue of :mod:`vira.data.synthetic.popular_videos`); :func:`centre_box` is the baseline that always points
  at the middle; :func:`randomise_` re-initialises a module's weights for the sanity controls of
  Adebayo et al. (cascading randomisation).

Boxes are (x0, y0, x1, y1) in fractions of the frame, y down, as in :mod:`vira.data.synthetic.render`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

__all__ = ["FramePopularity", "frame_cams", "attention_scaled_cam", "pointing_game", "energy_in_box",
           "centre_box", "box_mask", "randomise_"]

class FramePopularity(nn.Module):
    """trunk (ResNet50 without its fc: (F, 3, H, W) -> (F, 2048)) then ``head`` (a frame model
    from :mod:`vira.models.pay_attention`: (1, F, 2048) -> (1, 2)). Input: one video's frames."""

    def __init__(self, trunk: nn.Module, head: nn.Module):
        super().__init__()
        self.trunk, self.head = trunk, head

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.head(self.trunk(frames)[None])


def frame_cams(trunk: nn.Module, head: nn.Module, frames: torch.Tensor, target_class: int = 1) -> np.ndarray:
    """Grad-CAM heatmaps (F, H, W) in [0, 1] of the class ``target_class`` (1 = popular) for one
    video's normalised frames (F, 3, H, W), on the trunk's last block (``trunk.layer4[-1]``)."""
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    if frames.ndim != 4 or frames.shape[1] != 3:
        raise ValueError(f"frames must be (F, 3, H, W), got {tuple(frames.shape)}")
    model = FramePopularity(trunk, head).eval()
    with GradCAM(model=model, target_layers=[trunk.layer4[-1]]) as cam:
        return cam(input_tensor=frames, targets=[ClassifierOutputTarget(target_class)])


def attention_scaled_cam(cams, alpha) -> np.ndarray:
    """The paper's sequence-wide heatmap: every cam (N, H, W) min-max normalised to [0, 1] on its
    own (a constant map becomes 0), then multiplied by alpha_i / max(alpha) (alpha: (N,))."""
    cams = np.asarray(cams, dtype=np.float64)
    alpha = np.asarray(alpha, dtype=np.float64)
    if cams.ndim != 3 or alpha.shape != (cams.shape[0],):
        raise ValueError(f"cams must be (N, H, W) and alpha (N,), got {cams.shape} and {alpha.shape}")
    if (alpha < 0).any() or alpha.max() <= 0:
        raise ValueError("alpha must be non-negative with a positive maximum")
    lo = cams.min(axis=(1, 2), keepdims=True)
    span = cams.max(axis=(1, 2), keepdims=True) - lo
    norm = np.divide(cams - lo, span, out=np.zeros_like(cams), where=span > 0)
    return norm * (alpha / alpha.max())[:, None, None]


def box_mask(shape, box) -> np.ndarray:
    """(H, W) bool: the pixels whose centres lie in ``box``."""
    h, w = shape
    x0, y0, x1, y1 = box
    ys, xs = (np.arange(h) + 0.5) / h, (np.arange(w) + 0.5) / w
    return ((ys >= y0) & (ys < y1))[:, None] & ((xs >= x0) & (xs < x1))[None, :]


def pointing_game(cam, box) -> bool:
    """True when the heatmap's (H, W) largest value lies in ``box`` (the first maximum, row-major)."""
    cam = np.asarray(cam)
    r, c = np.unravel_index(int(np.argmax(cam)), cam.shape)
    return bool(box_mask(cam.shape, box)[r, c])


def energy_in_box(cam, box) -> float:
    """Share of the heatmap's (H, W) total (non-negative) mass inside ``box``; NaN for an all-zero map."""
    cam = np.clip(np.asarray(cam, dtype=np.float64), 0, None)
    total = cam.sum()
    return float(cam[box_mask(cam.shape, box)].sum() / total) if total > 0 else float("nan")


def centre_box(side: float) -> tuple[float, float, float, float]:
    """The box of side ``side`` (fraction of the frame) at the frame's centre."""
    return (0.5 - side / 2, 0.5 - side / 2, 0.5 + side / 2, 0.5 + side / 2)


def randomise_(module: nn.Module, seed: int) -> nn.Module:
    """Re-initialise, in place, every sub-module of ``module`` that has ``reset_parameters``, from
    ``seed`` (the default initialisations of PyTorch). Returns ``module``."""
    gen_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        for m in module.modules():
            if hasattr(m, "reset_parameters"):
                m.reset_parameters()
    finally:
        torch.random.set_rng_state(gen_state)
    return module
