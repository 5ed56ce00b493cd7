"""Attentive modality fusion of the VDV paper (§4.4, Eq. 12): late fusion of per-stream scores.

Each stream is a network with ``features(x, mask) -> (N, C_m)`` and a linear ``head`` (PSGCN for
the skeleton, RTCN for holistic, facial and scenic features), so it scores a clip on its own:
``s_m = head_m(features_m)``. The modality attention reads the concatenated video-level features
I (N, sum C_m) and gives one weight per stream,

    A = [a_1, ..., a_M] = softmax(I W^H W^O)                                    (Eq. 12)

and the fused score is s = A S^T with S = [s_1, ..., s_M]. Eq. 12 prints two fully connected
layers W^H (C x C') and W^O (C' x M) with nothing between them and no biases, and we build it so
(it is then one linear map of rank at most C'); the paper gives no C': we take 128. Nor does it
give an initialisation: W^O starts at zero, so every stream starts with weight exactly 1/M and the
fused score starts as the plain average (W^H has PyTorch's default initialisation).
``attentive=False`` replaces A by the plain average 1/M (Table 5, "w/o attentive fusion").

**A stream with no frames.** A clip in which no face was ever detected has an all-zero facial
mask. The stream's feature is then the zero vector (masked averages divide by at least one), so
its score is its head's bias, a constant that says nothing about the clip. So that this constant
does not enter the fused score, such a stream gets attention weight 0 for that clip (its logit is
set to -inf before the softmax; with plain averaging it is left out of the average). Its own
score ``s_m`` is still returned. Used by chapter 5.
"""

from __future__ import annotations

import torch
from torch import nn

HIDDEN = 128  # C' of Eq. 12 (our choice; the paper gives none)


class ModalityAttention(nn.Module):
    """Eq. 12: (N, C) concatenated features, (N, M) availability -> (N, M) weights summing to 1."""

    def __init__(self, in_features: int, streams: int, hidden: int = HIDDEN):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden, bias=False)  # W^H
        self.out = nn.Linear(hidden, streams, bias=False)  # W^O
        nn.init.zeros_(self.out.weight)  # A = 1/M at the start (our choice; the paper gives none)

    def forward(self, features: torch.Tensor, available: torch.Tensor | None = None) -> torch.Tensor:
        logits = self.out(self.hidden(features))
        if available is not None:
            logits = logits.masked_fill(~available, float("-inf"))
        return logits.softmax(dim=-1)


class FusionNet(nn.Module):
    """Late fusion of named streams: ``forward(**inputs)`` with, for each stream ``m``, inputs
    ``m`` (its sequence) and ``m_mask`` (N, T_m); returns a dict ``score`` (N,), ``streams``
    (N, M) the per-stream scores s_m, ``attention`` (N, M) the weights A (rows sum to 1)."""

    def __init__(self, streams: dict[str, nn.Module], attentive: bool = True, hidden: int = HIDDEN):
        super().__init__()
        if not streams:
            raise ValueError("FusionNet needs at least one stream")
        self.names = tuple(streams)
        self.streams = nn.ModuleDict(streams)
        self.attentive = attentive
        width = sum(s.head.in_features for s in streams.values())
        self.attention = ModalityAttention(width, len(streams), hidden) if attentive else None

    def heads(self) -> list[nn.Parameter]:
        """The parameters of the stream heads: the last layer every loss term passes through
        (GradNorm measures its gradients there)."""
        return [p for s in self.streams.values() for p in s.head.parameters()]

    def forward(self, **inputs) -> dict[str, torch.Tensor]:
        missing = [k for m in self.names for k in (m, f"{m}_mask") if k not in inputs]
        if missing:
            raise ValueError(f"FusionNet: missing inputs {missing} (streams: {', '.join(self.names)})")
        feats, scores, available = [], [], []
        for m in self.names:
            mask = inputs[f"{m}_mask"]
            f = self.streams[m].features(inputs[m], mask)
            feats.append(f)
            scores.append(self.streams[m].head(f).squeeze(-1))
            available.append(mask.sum(-1) > 0)
        s = torch.stack(scores, dim=-1)  # (N, M)
        avail = torch.stack(available, dim=-1)  # (N, M)
        avail = avail | ~avail.any(-1, keepdim=True)  # a clip with nothing at all: use every stream
        if self.attentive:
            a = self.attention(torch.cat(feats, dim=-1), avail)
        else:
            a = avail.to(s.dtype) / avail.sum(-1, keepdim=True).to(s.dtype)
        return {"score": (a * s).sum(-1), "streams": s, "attention": a}
