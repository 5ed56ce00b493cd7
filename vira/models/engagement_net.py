"""The SnapUGC engagement predictor (Li et al. 2024, §4.3, Eq. 4), used by chapter 6.

A video of M frames is cut into M / L clips of L = 16 frames; every clip has a feature vector.
The network, as §4.3 describes it:

1. an **MLP of 8 layers** fuses each clip's features into ``O_i`` (the paper fuses several
   feature types here; ours has one, the 8 clip features);
2. an **8-layer self-attention** encoder over the clips of the video gives ``H_i``;
3. two heads of **2 MLP layers**: ``F1`` for NAWP averaged over all clips, ``F2`` for ECR averaged
   over the clips of the first 5 s only (Eq. 4)::

       NAWP^ = (L / M) * sum_{i <= M/L} F1(H_i)        ECR^ = (L / 5r) * sum_{i <= 5r/L} F2(H_i)

Where the paper is silent we chose (and chapter 6 says so): width 64, 4 attention heads,
feed-forward width 128, no dropout, pre-norm encoder layers, sinusoidal clip positions added
after the MLP (the self-attention is otherwise blind to order), and ``5r/L`` rounded down (the
clips that lie wholly inside the first 5 s: 9 at 30 fps).

The heads are named by the metric they learn, so the same network learns AWT or AWP instead of
NAWP (Table 4 of the paper), with the duration as an extra input when asked. The loss (Eq. 5),
the training loop and the predictions are in :mod:`vira.training.engagement`.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["EngagementNet", "first_seconds_clips"]


def first_seconds_clips(seconds: float = 5.0, fps: float = 30.0, clip_frames: int = 16) -> int:
    """``floor(seconds * r / L)``: the clips wholly inside the first ``seconds`` (Eq. 4's 5r/L)."""
    return max(1, int(math.floor(seconds * fps / clip_frames + 1e-9)))


def _mlp(width: int, layers: int) -> nn.Sequential:
    mods: list[nn.Module] = []
    for _ in range(layers):
        mods += [nn.Linear(width, width), nn.ReLU()]
    return nn.Sequential(*mods)


class EngagementNet(nn.Module):
    """Clip features ``(N, T, C)`` and a clip mask ``(N, T)`` -> one score per head, ``(N,)`` each.

    Args:
        in_features: C, features per clip.
        heads: the metrics to predict, e.g. ``("nawp", "ecr")``; a head named ``"ecr"`` averages
            over the first ``first_clips`` clips, every other head over all clips (Eq. 4).
        duration_input: append the duration (s / 60) to every clip's features (Table 4).
    """

    def __init__(self, in_features: int, heads=("nawp", "ecr"), width: int = 64,
                 mlp_layers: int = 8, attention_layers: int = 8, attention_heads: int = 4,
                 first_clips: int = first_seconds_clips(), duration_input: bool = False):
        super().__init__()
        self.heads_names, self.first_clips, self.duration_input = tuple(heads), first_clips, duration_input
        self.embed = nn.Linear(in_features + int(duration_input), width)
        self.mlp = _mlp(width, mlp_layers - 1)  # the embedding is the first of the 8 layers
        layer = nn.TransformerEncoderLayer(width, attention_heads, dim_feedforward=2 * width,
                                           dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = (nn.TransformerEncoder(layer, attention_layers, enable_nested_tensor=False)
                        if attention_layers else None)  # 0 layers: each clip on its own (tests)
        self.out = nn.ModuleDict({name: nn.Sequential(nn.Linear(width, width), nn.ReLU(),
                                                      nn.Linear(width, 1)) for name in heads})
        self.width = width

    def positions(self, T: int, device) -> torch.Tensor:
        """Sinusoidal positions ``(T, width)`` of the clips (Vaswani et al. 2017)."""
        pos = torch.arange(T, device=device, dtype=torch.float32)[:, None]
        freq = torch.exp(torch.arange(0, self.width, 2, device=device) * (-math.log(10000.0) / self.width))
        pe = torch.zeros(T, self.width, device=device)
        pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
        return pe

    def forward(self, clips: torch.Tensor, mask: torch.Tensor,
                duration: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        if self.duration_input:
            if duration is None:
                raise ValueError("this EngagementNet takes the duration as input: pass duration")
            clips = torch.cat([clips, (duration / 60.0)[:, None, None].expand(-1, clips.shape[1], 1)], -1)
        x = self.mlp(torch.relu(self.embed(clips))) + self.positions(clips.shape[1], clips.device)
        h = x if self.encoder is None else self.encoder(x, src_key_padding_mask=~mask)  # (N, T, width)
        out = {}
        for name, head in self.out.items():
            per_clip = head(h).squeeze(-1)  # (N, T)
            use = mask.clone()
            if name == "ecr":
                use[:, self.first_clips:] = False
            out[name] = (per_clip * use).sum(1) / use.sum(1).clamp(min=1)
        return out
