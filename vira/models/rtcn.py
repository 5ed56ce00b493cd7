"""RTCN: the relational temporal convolutional network of the VDV paper (§4.3, Eq. 10-11), with
its TCN and LSTM baselines.

Inputs are frame-level appearance features x (N, T, D) (holistic: D = 2048 at 25 fps) and a mask
(N, T), 1 for real frames and 0 for padding or missing frames; outputs are scores (N,).
Inside, features are (N, C, T).

* :class:`TemporalBlock` (Fig. 6a): two rounds of dilated temporal convolution -> batch norm ->
  ReLU -> dropout 0.5, plus a residual (a 1x1 convolution where the width changes). Each
  convolution skips the kernel taps that reach only the zero padding (:func:`same_conv`).
* :class:`RelationalPooling` (Fig. 6a, Eq. 10-11): max pooling over time (T -> ceil(T/2)), then
  multi-head self-attention with H = 4 heads of C' = C / H channels, an output projection W^O,
  a residual connection and layer normalisation. The fused
  :func:`torch.nn.functional.scaled_dot_product_attention` computes it (:func:`attend`: on a
  GPU, its deterministic math kernel);
  :meth:`RelationalPooling.attention_weights` recomputes the softmax weights for figures.
* :class:`RTCN`: a 1x1 convolution reducing D to 256 channels (§5.1 says a 1x1 reduction comes
  first but not to what width: our choice), six temporal blocks of widths 256, 256, 512, 512,
  1024, 1024 with dilation 2^(n-1) for block n = 1..6 (§4.3 says 2^n with n "the number of the
  block"; we number from 0 so the first block is undilated, as in Bai et al.'s TCN), relational
  pooling after blocks 2, 4 and 6, masked average pooling over time and a linear head.
  ``relational=False`` gives the TCN baseline of Table 3 (the same temporal blocks and widths,
  no pooling blocks at all); ``attention=False`` gives the "w/o self-attention" ablation of
  Table 5 (the pooling blocks keep their max pooling and lose the attention). The paper's TCN and
  ablation rows differ, so we read them as these two networks.
* :class:`LSTMRegressor`: two LSTM layers of hidden size 512 (§5.1) over the packed sequence,
  the last hidden state of the top layer and a linear head.

**Kernel size.** §4.3 draws kernel 3 in Fig. 6b; §5.1 (implementation) sets the temporal kernel
to 7 for PSGCN and RTCN. We use 7, the implementation detail.

**Masking.** Padded and missing frames never influence real ones (in eval mode): every temporal
block re-zeroes masked frames after each convolution round, so to a real frame the padding
looks exactly like the convolution's own zero padding; max pooling sees masked frames as -inf;
the attention's keys exclude masked positions; the final average runs over real frames only.
So a clip padded with extra frames gets the same score as the clip alone. (In training mode the
batch-norm statistics include the zeroed frames.)

Used by chapter 4 (``04_rtcn``) and chapter 5 (fusion).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

KERNEL = 7  # §5.1
DROPOUT = 0.5  # §5.1
HEADS = 4  # §4.3
REDUCED = 256  # width after the first 1x1 convolution (our choice; the paper gives none)
WIDTHS = (256, 256, 512, 512, 1024, 1024)  # §4.3
POOL_AFTER = (1, 3, 5)  # relational pooling after blocks 2, 4 and 6 (0-based indices)


def _masked(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return x * mask[:, None, :]


def same_conv(conv: nn.Conv1d, x: torch.Tensor) -> torch.Tensor:
    """``conv(x)`` for a "same" dilated convolution (odd kernel k, dilation d, padding d(k-1)/2):
    (N, C_in, T) -> (N, C_out, T), computed without the taps that can only ever reach the zero
    padding.

    Tap j of the kernel reads the frame (j - (k-1)/2) d away. Once that offset is at least T it
    falls outside the clip for every output frame and multiplies zeros, so it adds nothing, and
    its weight gets a zero gradient. After two relational poolings a 40-frame clip has 10 frames
    left, so blocks 5 and 6 (dilations 16 and 32) have only their middle tap inside: running the
    full kernel there spends six of its seven products on padding. Here the kernel is cut to the
    taps with offset below T and the padding shrunk to match: the same function (equal up to the
    order of floating-point sums; ``tests/models/test_rtcn.py`` checks outputs and gradients
    against ``conv``), about three times faster for RTCN on the short clips of chapters 4 and 5.
    Any other convolution (even kernel, other padding) is run as it is."""
    (k,), (d,), (pad,) = conv.kernel_size, conv.dilation, conv.padding
    c = (k - 1) // 2
    if k % 2 == 0 or pad != d * c or conv.stride != (1,):
        return conv(x)
    m = min(c, (x.shape[-1] - 1) // d)  # taps c - m .. c + m are the ones that can reach a frame
    if m == c:
        return conv(x)
    return F.conv1d(x, conv.weight[:, :, c - m:c + m + 1], conv.bias, padding=m * d, dilation=d)


class TemporalBlock(nn.Module):
    """Fig. 6a: [dilated conv -> BN -> ReLU -> dropout] x 2 + residual. (N, C_in, T) -> (N, C_out, T)."""

    def __init__(self, c_in: int, c_out: int, dilation: int, kernel: int = KERNEL,
                 dropout: float = DROPOUT):
        super().__init__()
        pad = dilation * (kernel - 1) // 2
        self.dilation, self.kernel = dilation, kernel
        self.conv1 = nn.Conv1d(c_in, c_out, kernel, padding=pad, dilation=dilation)
        self.conv2 = nn.Conv1d(c_out, c_out, kernel, padding=pad, dilation=dilation)
        self.bn1, self.bn2 = nn.BatchNorm1d(c_out), nn.BatchNorm1d(c_out)
        self.drop = nn.Dropout(dropout)
        self.residual = nn.Identity() if c_in == c_out else nn.Conv1d(c_in, c_out, 1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        y = _masked(self.drop(F.relu(self.bn1(same_conv(self.conv1, x)))), mask)
        y = _masked(self.drop(F.relu(self.bn2(same_conv(self.conv2, y)))), mask)
        return _masked(y + self.residual(x), mask)


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """softmax(Q K^T / sqrt(C')) V per head (Eq. 10): q, k, v (N, H, T, C'), ``keep`` (N, 1, 1, T)
    True for the keys that take part; returns (N, H, T, C').

    :func:`torch.nn.functional.scaled_dot_product_attention`, except on a GPU while deterministic
    algorithms are asked for (:func:`vira.training.seeding.seed_everything`): there its fused
    memory-efficient kernel has a backward pass that is not deterministic (PyTorch warns, on the
    page), so the math kernel is used. On the CPU PyTorch's own choice is kept. Chapters 4 and 5."""
    if q.is_cuda and torch.are_deterministic_algorithms_enabled():
        from torch.nn.attention import SDPBackend, sdpa_kernel

        with sdpa_kernel(SDPBackend.MATH):
            return F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    return F.scaled_dot_product_attention(q, k, v, attn_mask=keep)


class RelationalPooling(nn.Module):
    """Max pooling over time, then Eq. 10-11: O = LayerNorm(Concat_h Attention(I W_h^Q, I W_h^K,
    I W_h^V) W^O + I). (N, C, T), mask (N, T) -> (N, C, ceil(T/2)), mask (N, ceil(T/2))."""

    def __init__(self, channels: int, heads: int = HEADS, attention: bool = True):
        super().__init__()
        if channels % heads:
            raise ValueError(f"{channels} channels do not split into {heads} heads")
        self.heads, self.channels, self.attention = heads, channels, attention
        if attention:
            self.qkv = nn.Linear(channels, 3 * channels, bias=False)  # W^Q, W^K, W^V of all heads
            self.out = nn.Linear(channels, channels, bias=False)  # W^O
            self.norm = nn.LayerNorm(channels)

    @staticmethod
    def pool(x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Max pooling by 2 over time with masked frames as -inf; a lone last frame is kept."""
        filled = x.masked_fill(mask[:, None, :] == 0, float("-inf"))
        pooled = F.max_pool1d(filled, 2, 2, ceil_mode=True)
        pmask = F.max_pool1d(mask[:, None, :], 2, 2, ceil_mode=True)[:, 0]
        return pooled.masked_fill(pmask[:, None, :] == 0, 0.0), pmask

    def _split(self, seq: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        n, t, _ = seq.shape
        q, k, v = self.qkv(seq).chunk(3, dim=-1)
        shape = (n, t, self.heads, self.channels // self.heads)
        return tuple(z.reshape(shape).transpose(1, 2) for z in (q, k, v))  # (N, H, T, C')

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x, mask = self.pool(x, mask)
        if not self.attention:  # Table 5's "w/o self-attention": max pooling only
            return x, mask
        seq = x.transpose(1, 2)  # (N, T, C): the paper's I
        q, k, v = self._split(seq)
        keep = (mask > 0)[:, None, None, :]  # keys that take part
        heads = attend(q, k, v, keep)  # Eq. 10 per head
        concat = heads.transpose(1, 2).reshape(seq.shape)
        out = self.norm(self.out(concat) + seq)  # Eq. 11
        return _masked(out.transpose(1, 2), mask), mask

    @torch.no_grad()
    def attention_weights(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """softmax(Q K^T / sqrt(C')) of every head, (N, H, T', T') with T' = ceil(T/2), for
        figures (Fig. 8); ``x`` is this block's input (N, C, T)."""
        x, mask = self.pool(x, mask)
        q, k, _ = self._split(x.transpose(1, 2))
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        scores = scores.masked_fill((mask == 0)[:, None, None, :], float("-inf"))
        return scores.softmax(dim=-1)


def masked_time_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average (N, C, T) over the real frames of ``mask`` (N, T) -> (N, C)."""
    return (x * mask[:, None, :]).sum(-1) / mask.sum(-1, keepdim=True).clamp_min(1)


class RTCN(nn.Module):
    """RTCN (``relational=True``) or the TCN baseline (``relational=False``): (N, T, D) -> (N,)."""

    def __init__(self, in_features: int = 2048, widths=WIDTHS, relational: bool = True,
                 reduced: int = REDUCED, heads: int = HEADS, kernel: int = KERNEL,
                 attention: bool = True, dropout: float = DROPOUT):
        super().__init__()
        self.relational, self.attention = relational, relational and attention
        self.reduce = nn.Conv1d(in_features, reduced, 1)
        self.blocks, self.pools = nn.ModuleList(), nn.ModuleDict()
        c_in = reduced
        for n, c_out in enumerate(widths):
            self.blocks.append(TemporalBlock(c_in, c_out, 2 ** n, kernel, dropout))
            if relational and n in POOL_AFTER:
                self.pools[str(n)] = RelationalPooling(c_out, heads, attention)
            c_in = c_out
        self.head = nn.Linear(c_in, 1)

    def sequence(self, x: torch.Tensor, mask: torch.Tensor | None = None,
                 keep: list | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """The last block's output (N, C_last, T') and its mask (N, T'); ``keep`` collects each
        relational pooling block's input (for :meth:`RelationalPooling.attention_weights`)."""
        if mask is None:
            mask = torch.ones(x.shape[:2], device=x.device, dtype=x.dtype)
        mask = mask.to(x.dtype)
        h = _masked(self.reduce(x.transpose(1, 2)), mask)
        for n, block in enumerate(self.blocks):
            h = block(h, mask)
            if str(n) in self.pools:
                if keep is not None:
                    keep.append((h.detach(), mask))
                h, mask = self.pools[str(n)](h, mask)
        return h, mask

    def features(self, x: torch.Tensor, mask: torch.Tensor | None = None,
                 keep: list | None = None) -> torch.Tensor:
        """The video-level feature (N, C_last): the masked time average of :meth:`sequence`."""
        return masked_time_mean(*self.sequence(x, mask, keep))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.head(self.features(x, mask)).squeeze(-1)

    def receptive_field(self) -> int:
        """Input frames that can reach one output position of the last temporal block, through
        convolutions and max pooling only (self-attention, when present, reaches every
        frame). Each convolution adds (kernel - 1) * dilation * stride frames, where stride is the
        product of the poolings before it; each pooling by 2 adds stride frames."""
        field, stride = 1, 1
        for n, block in enumerate(self.blocks):
            field += 2 * (block.kernel - 1) * block.dilation * stride
            if str(n) in self.pools:
                field += stride
                stride *= 2
        return field


def effective_receptive_field(model: RTCN, x: torch.Tensor, mask: torch.Tensor | None = None,
                               position: int | None = None) -> torch.Tensor:
    """How much each input frame moves one output position (Luo et al. 2016), (T,) summing to 1.

    The gradient, with respect to the input x (1, T, D), of the last block's output at
    ``position`` (default: the centre) projected on the head's weight vector (that position's
    contribution to the score), its L2 norm over D per frame, normalised to sum 1. (A plain sum
    over channels would not do: after a layer norm with unit gain it is identically zero.)
    Computed in eval mode. The theoretical receptive field (:meth:`RTCN.receptive_field`) bounds
    where this can be non-zero; the effective one shows where it is large. Used by chapter 4.
    """
    was_training = model.training
    model.eval()
    x = x.detach().clone().requires_grad_(True)
    h, _ = model.sequence(x, mask)
    p = h.shape[-1] // 2 if position is None else position
    # autograd.grad leaves no .grad on the parameters; contiguous() lays the gradient out as x is
    # (as x.grad would be), so the norm sums in the same order
    (grad,) = torch.autograd.grad(model.head.weight[0].detach() @ h[0, :, p], x)
    model.train(was_training)
    norm = grad.contiguous()[0].norm(dim=-1)
    return (norm / norm.sum()).detach()


class LSTMRegressor(nn.Module):
    """The LSTM baseline: two layers of hidden size 512 over the real frames, (N, T, D) -> (N,).

    Masked frames are dropped before the LSTM (each clip's real frames are packed in order), so
    padding and missing frames never enter the recurrence; the score reads the top layer's last
    hidden state.
    """

    def __init__(self, in_features: int = 2048, hidden: int = 512, layers: int = 2,
                 dropout: float = DROPOUT):
        super().__init__()
        self.lstm = nn.LSTM(in_features, hidden, num_layers=layers, batch_first=True,
                            dropout=dropout)
        self.head = nn.Linear(hidden, 1)

    def features(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is None:
            mask = torch.ones(x.shape[:2], device=x.device)
        keep = mask > 0
        lengths = keep.sum(1).clamp_min(1)
        order = torch.argsort((~keep).to(torch.int8), dim=1, stable=True)  # real frames first
        packed_in = torch.gather(x, 1, order[..., None].expand_as(x))
        packed = nn.utils.rnn.pack_padded_sequence(packed_in, lengths.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        return h[-1]

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.head(self.features(x, mask)).squeeze(-1)
