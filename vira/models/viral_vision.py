"""The Viral Vision network (§4).

:class:`ViralVisionNet` is torchvision's R(2+1)D-18 (Tran et al. 2018) with its classifier
replaced by the paper's head: 512 -> ReLU -> dropout 0.5 -> 128 -> ReLU -> dropout 0.5 -> 1,
then an output activation. The paper says ReLU for regression in §4 and sigmoid for both tasks
in §5.1; ``head_activation`` offers both (and none).

:meth:`ViralVisionNet.loss` is the paper's loss on the network's outputs (MSE or binary
cross-entropy by task, §5), a pure function of logits and labels. The training recipe (§5), the
collapse diagnostics and chapter 7's routine pretraining are in :mod:`vira.training.viral_vision`;
this module holds the network and the loading of local backbone weights only.

``ViralVisionNet(..., backbone=False)`` is the same head without the backbone: its inputs are the
backbone's pooled features (N, 512), computed once per clip by a frozen backbone
(:func:`vira.training.viral_vision.backbone_features`). Training it is training the paper's
network with a frozen backbone, at the cost of the head alone (chapter 7's head, label, loss and
class-balance causes).

Input clips are (N, 3, T, H, W) as :func:`vira.video.preprocess_clip` makes them (stacked).
Used by chapter 7.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from vira.checkpoint import load_weights

__all__ = ["ViralVisionNet", "load_backbone", "ACTIVATIONS"]

ACTIVATIONS = ("sigmoid", "relu", "none")


class ViralVisionNet(nn.Module):
    """R(2+1)D-18 with the paper's three-layer head: (N, 3, T, H, W) -> (N,).

    ``task`` is ``"regression"`` or ``"classification"``; ``head_activation`` is the output
    activation: ``"sigmoid"`` (§5.1, both tasks; the default), ``"relu"`` (§4, regression) or
    ``"none"``. A classifier's output is P(viral). ``weights`` is an optional local file of
    backbone weights (a state dict of torchvision's ``r2plus1d_18``, e.g. Kinetics-400), loaded
    with ``weights_only=True``; there is no download. With ``backbone=False`` the network is the
    head alone and takes the backbone's pooled features (N, 512) as its input.
    """

    def __init__(self, task: str = "regression", head_activation: str = "sigmoid",
                 weights: str | Path | None = None, backbone: bool = True):
        super().__init__()
        from torchvision.models.video import r2plus1d_18

        if task not in ("regression", "classification"):
            raise ValueError(f"task must be 'regression' or 'classification', got {task!r}")
        if head_activation not in ACTIVATIONS:
            raise ValueError(f"head_activation must be one of {ACTIVATIONS}, got {head_activation!r}")
        if task == "classification" and head_activation != "sigmoid":
            raise ValueError("a classifier outputs P(viral): its head activation must be 'sigmoid'")
        if weights is not None and not backbone:
            raise ValueError("weights are for the backbone: a network without one cannot load them")
        self.task, self.head_activation = task, head_activation
        self.backbone = r2plus1d_18(weights=None) if backbone else None
        if weights is not None:
            load_backbone(self.backbone, weights)
        if backbone:
            self.backbone.fc = nn.Identity()  # (N, 512) after global average pooling
        self.head = nn.Sequential(nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.5),
                                  nn.Linear(512, 128), nn.ReLU(), nn.Dropout(0.5),
                                  nn.Linear(128, 1))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The backbone's pooled feature (N, 512) of clips (N, 3, T, H, W); without a backbone, the
        input itself, which must be such features."""
        if self.backbone is None:
            if x.ndim != 2 or x.shape[1] != 512:
                raise ValueError(f"a network without a backbone takes features of shape (N, 512), "
                                 f"got {tuple(x.shape)}")
            return x
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

    def loss(self, z: torch.Tensor, y: torch.Tensor, pos_weight: float | None = None) -> torch.Tensor:
        """The paper's loss from logits ``z``: MSE of the activated output, or binary
        cross-entropy (computed from the logits, the same value, numerically safer).
        ``pos_weight`` (classification only; not the paper's) weighs the viral videos' terms, e.g.
        by n(non-viral) / n(viral), so that both classes weigh the same in the loss."""
        if self.task == "classification":
            w = None if pos_weight is None else torch.tensor(float(pos_weight), device=z.device)
            return F.binary_cross_entropy_with_logits(z, y.float(), pos_weight=w)
        if pos_weight is not None:
            raise ValueError("pos_weight weighs the classes of a classifier; a regression has none")
        return F.mse_loss(self.activate(z), y.float())


def load_backbone(backbone: nn.Module, path: str | Path) -> None:
    """Load a local state dict into an ``r2plus1d_18`` (``weights_only=True``); its ``fc`` may be
    missing or of any size (it is replaced). The file is checked by
    :func:`vira.checkpoint.load_weights`: errors (not a state dict, missing or unexpected
    parameters, wrong shapes, NaN weights) name the file."""
    load_weights(backbone, path, skip=("fc.",), what="an r2plus1d_18")
