"""The models of "Pay Attention to Virality" (Bielski & Trzcinski 2018, §2-3).

The paper predicts whether a Facebook video will be popular (normalised view count above the
median) from 18 frames, from its headline, or from both, and uses soft attention so that the
prediction can be explained frame by frame and word by word. Used by chapter 8 (``08_attention``).

**Frames.** Each of the F = 18 frames arrives as a 2048-d ResNet50 feature x_i. A learnt linear
map with a ReLU turns it into a frame embedding, attention weighs the embeddings, and their
weighted average is the video embedding. The attention is a small two-layer network that scores
each item on its own; a softmax over the items turns the scores into weights:

    q_i = ReLU(W_q x_i + b_q)                                                   (1)
    u_i = tanh(W_u q_i + b_u)                                                   (2)
    a_i = W_a u_i + b_a                                                         (3)
    alpha_i = exp(a_i) / sum_k exp(a_k)                                         (4)
    v = sum_i alpha_i q_i                                                       (5)

The paper numbers none of its equations: the numbers here are ours, in the order §2 gives them.
W_a is a single learnt vector (a_i is a scalar), so a_i measures how well u_i matches "the most
informative direction"; b_a shifts every score equally and so never changes alpha (we keep it,
as printed). The baseline (Table 1, "ResNet50 mean") feeds the plain mean of the x_i to a
two-layer network: :class:`FrameMeanNet`; the attention model is :class:`FrameAttentionNet`.

**Headlines.** A headline is a sequence of word vectors (GloVe in the paper, kept frozen) read by
a bidirectional LSTM. The baseline (:class:`HeadlineLastNet`, "biLSTM" of Table 1, after
Stokowiec et al. 2017) concatenates the last states of the two directions: the forward LSTM's
state at the last real word and the backward LSTM's state at the first. The attention model
(:class:`HeadlineAttentionNet`) runs Eq. 2-4 over the hidden states h_t (both directions
concatenated) and averages them:

    d = sum_t beta_t h_t                                                        (6)

**Both.** :class:`MultimodalNet` takes the embeddings of a trained frame model and a trained
headline model, concatenated and frozen, and trains a two-layer network on them; its hidden
layer is the multimodal embedding. :func:`vira.training.pay_attention.video_embedding` and
:func:`vira.training.pay_attention.text_embedding` extract the frozen embeddings.

Every model outputs two logits (unpopular, popular) trained with cross-entropy (§2). The
classifier on top of every embedding is the paper's "two-layer network": Linear -> [BatchNorm]
-> ReLU -> Dropout -> Linear(2). Their training, §3's randomised search and §3's evaluation
protocol are in :mod:`vira.training.pay_attention`; this module holds the networks only.

**Where the paper is silent, our choices.**

* Sizes: frame embedding E = 256, attention hidden 128, classifier hidden 128, LSTM 128 units
  per direction, dropout 0.5, batch normalisation off (all are searched by the chapter).
* The attention classifiers read v (Eq. 5) or d (Eq. 6) through the same two-layer network as the
  baselines. Dropout is applied only in the classifier (not to words, frames or the LSTM).
* A model's *embedding* (what :class:`MultimodalNet` receives) is the vector its classifier
  reads: v, d, the concatenated last states, and for the frame baseline the mean frame feature.
* One LSTM layer. Word index 0 is padding. Trained word vectors start from PyTorch's default
  N(0, 1); given vectors (e.g. GloVe) are frozen unless ``freeze=False``.
* The training choices are listed in :mod:`vira.training.pay_attention`.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["SoftAttention", "two_layer", "FrameMeanNet", "FrameAttentionNet", "HeadlineLastNet",
           "HeadlineAttentionNet", "MultimodalNet", "FRAMES", "RESNET_DIM"]

FRAMES = 18  # frames per video (§2)
RESNET_DIM = 2048  # ResNet50's penultimate layer


class SoftAttention(nn.Module):
    """Eq. 2-5: items q (N, L, D) and an optional mask (N, L), True = real item, ->
    (pooled (N, D) = sum_i alpha_i q_i, alpha (N, L)). Padded items get weight exactly 0 and do not
    enter the sum, so padding never changes the result. Every row needs one real item."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.hidden = nn.Linear(dim, hidden)  # W_u, b_u (Eq. 2)
        self.score = nn.Linear(hidden, 1)  # W_a, b_a (Eq. 3)

    def forward(self, q: torch.Tensor, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        if q.ndim != 3:
            raise ValueError(f"items must have shape (N, L, D), got {tuple(q.shape)}")
        a = self.score(torch.tanh(self.hidden(q))).squeeze(-1)  # (N, L), Eq. 2-3
        if mask is not None:
            mask = mask.to(torch.bool)
            if mask.shape != a.shape:
                raise ValueError(f"mask must have shape {tuple(a.shape)}, got {tuple(mask.shape)}")
            if not bool(mask.any(-1).all()):
                raise ValueError("every row needs at least one real item (mask all False)")
            a = a.masked_fill(~mask, float("-inf"))
            q = q.masked_fill(~mask.unsqueeze(-1), 0.0)  # padding may hold anything, even nan
        alpha = torch.softmax(a, dim=-1)  # Eq. 4
        return torch.einsum("nl,nld->nd", alpha, q), alpha  # Eq. 5


def two_layer(in_dim: int, hidden: int, dropout: float, batch_norm: bool = False, out: int = 2) -> nn.Sequential:
    """The paper's two-layer network: Linear -> [BatchNorm1d] -> ReLU -> Dropout -> Linear(out).
    (N, in_dim) -> (N, out); its first three or four modules give the hidden layer."""
    layers = [nn.Linear(in_dim, hidden)]
    if batch_norm:
        layers.append(nn.BatchNorm1d(hidden))
    layers += [nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, out)]
    return nn.Sequential(*layers)


def _check_frames(x: torch.Tensor, in_dim: int) -> None:
    if x.ndim != 3 or x.shape[-1] != in_dim:
        raise ValueError(f"frame features must have shape (N, F, {in_dim}), got {tuple(x.shape)}")


class FrameMeanNet(nn.Module):
    """Table 1's "ResNet50 mean": (N, F, in_dim) frame features -> mean over frames -> two-layer
    network -> (N, 2) logits. ``embed(x)`` is the mean feature (N, in_dim)."""

    def __init__(self, in_dim: int = RESNET_DIM, hidden: int = 128, dropout: float = 0.5,
                 batch_norm: bool = False):
        super().__init__()
        self.in_dim = in_dim
        self.classifier = two_layer(in_dim, hidden, dropout, batch_norm)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        _check_frames(x, self.in_dim)
        return x.mean(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.embed(x))


class FrameAttentionNet(nn.Module):
    """Table 1's "+ attention" on frames: (N, F, in_dim) -> q (N, F, E) by Eq. 1 -> v (N, E) by
    Eq. 2-5 -> two-layer network -> (N, 2) logits. ``embed`` gives (v, alpha (N, F)), ``attend``
    (logits, alpha); ``mask`` (N, F), True = real frame, is optional (the paper always has 18)."""

    def __init__(self, in_dim: int = RESNET_DIM, embed: int = 256, att_hidden: int = 128,
                 hidden: int = 128, dropout: float = 0.5, batch_norm: bool = False):
        super().__init__()
        self.in_dim, self.embed_dim = in_dim, embed
        self.frame = nn.Linear(in_dim, embed)  # W_q, b_q (Eq. 1)
        self.attention = SoftAttention(embed, att_hidden)
        self.classifier = two_layer(embed, hidden, dropout, batch_norm)

    def embed(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        _check_frames(x, self.in_dim)
        return self.attention(F.relu(self.frame(x)), mask)

    def attend(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        v, alpha = self.embed(x, mask)
        return self.classifier(v), alpha

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.attend(x, mask)[0]


class _HeadlineEncoder(nn.Module):
    """Word vectors and a one-layer bidirectional LSTM over (N, L) token ids with (N,) lengths.
    Index 0 is padding; tokens past a headline's length are never read, whatever they hold."""

    def __init__(self, vocab_size: int, emb_dim: int, lstm_hidden: int,
                 embeddings: torch.Tensor | np.ndarray | None, freeze: bool):
        super().__init__()
        if embeddings is not None:
            embeddings = torch.as_tensor(embeddings, dtype=torch.float32)
            if tuple(embeddings.shape) != (vocab_size, emb_dim):
                raise ValueError(f"embeddings must have shape ({vocab_size}, {emb_dim}), "
                                 f"got {tuple(embeddings.shape)}")
            self.words = nn.Embedding.from_pretrained(embeddings, freeze=freeze, padding_idx=0)
        else:
            self.words = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, lstm_hidden, batch_first=True, bidirectional=True)
        self.out_dim = 2 * lstm_hidden

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor):
        """-> (packed output, h_n (2, N, H)); see :meth:`states` for the padded states."""
        if tokens.ndim != 2:
            raise ValueError(f"tokens must have shape (N, L), got {tuple(tokens.shape)}")
        lengths = torch.as_tensor(lengths).to("cpu", torch.int64)
        if lengths.shape != tokens.shape[:1] or int(lengths.min()) < 1 or int(lengths.max()) > tokens.shape[1]:
            raise ValueError(f"lengths must be (N,) = ({tokens.shape[0]},) values in 1..{tokens.shape[1]}")
        idx = torch.arange(tokens.shape[1], device=tokens.device)
        real = idx < lengths.to(tokens.device).unsqueeze(1)
        tokens = tokens.masked_fill(~real, 0)  # out-of-vocabulary garbage in the padding is harmless
        packed = pack_padded_sequence(self.words(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, (h_n, _) = self.lstm(packed)
        return out, h_n, real

    def last_states(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(N, 2H): [forward state at the last real word, backward state at the first word]."""
        _, h_n, _ = self(tokens, lengths)
        return torch.cat([h_n[0], h_n[1]], dim=-1)

    def states(self, tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(h (N, L, 2H), zero past each length; mask (N, L), True = real word)."""
        out, _, real = self(tokens, lengths)
        h, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        return h, real


class HeadlineLastNet(nn.Module):
    """Table 1's "biLSTM" baseline: (N, L) token ids, (N,) lengths -> biLSTM -> concatenated last
    states (N, 2 lstm_hidden) (``embed``) -> two-layer network -> (N, 2) logits. ``embeddings`` is
    an optional (vocab_size, emb_dim) matrix of word vectors (frozen when ``freeze``)."""

    def __init__(self, vocab_size: int, emb_dim: int = 300, hidden: int = 128, dropout: float = 0.5,
                 embeddings: torch.Tensor | np.ndarray | None = None, freeze: bool = True, *,
                 lstm_hidden: int = 128, batch_norm: bool = False):
        super().__init__()
        self.encoder = _HeadlineEncoder(vocab_size, emb_dim, lstm_hidden, embeddings, freeze)
        self.classifier = two_layer(self.encoder.out_dim, hidden, dropout, batch_norm)

    def embed(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.encoder.last_states(tokens, lengths)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.embed(tokens, lengths))


class HeadlineAttentionNet(nn.Module):
    """Table 1's "+ attention" on headlines: biLSTM states h (N, L, 2 lstm_hidden) -> Eq. 2-4 and 6
    over the real words -> d (N, 2 lstm_hidden) -> two-layer network -> (N, 2) logits. ``embed``
    gives (d, beta (N, L)), ``attend`` (logits, beta); beta is exactly 0 past each length."""

    def __init__(self, vocab_size: int, emb_dim: int = 300, hidden: int = 128, dropout: float = 0.5,
                 embeddings: torch.Tensor | np.ndarray | None = None, freeze: bool = True, *,
                 lstm_hidden: int = 128, att_hidden: int = 128, batch_norm: bool = False):
        super().__init__()
        self.encoder = _HeadlineEncoder(vocab_size, emb_dim, lstm_hidden, embeddings, freeze)
        self.attention = SoftAttention(self.encoder.out_dim, att_hidden)
        self.classifier = two_layer(self.encoder.out_dim, hidden, dropout, batch_norm)

    def embed(self, tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, real = self.encoder.states(tokens, lengths)
        return self.attention(h, real)

    def attend(self, tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        d, beta = self.embed(tokens, lengths)
        return self.classifier(d), beta

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.attend(tokens, lengths)[0]


class MultimodalNet(nn.Module):
    """§2's multimodal model: frozen video and text embeddings, concatenated (N, video_dim +
    text_dim), -> two-layer network -> (N, 2) logits. ``embed`` is the hidden layer (N, hidden),
    the multimodal embedding (after the ReLU, before dropout)."""

    def __init__(self, video_dim: int, text_dim: int, hidden: int = 128, dropout: float = 0.5,
                 batch_norm: bool = False):
        super().__init__()
        self.in_dim = video_dim + text_dim
        self.classifier = two_layer(self.in_dim, hidden, dropout, batch_norm)

    def _check(self, x: torch.Tensor) -> None:
        if x.ndim != 2 or x.shape[1] != self.in_dim:
            raise ValueError(f"input must be the concatenated embeddings (N, {self.in_dim}), got {tuple(x.shape)}")

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        self._check(x)
        return self.classifier[:-2](x)  # everything before Dropout -> Linear(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check(x)
        return self.classifier(x)
