"""Losses of the VDV paper (Wang et al. 2021, §5.1), used by chapters 2-5.

* :func:`margin_ranking` -- the margin ranking loss :math:`L_r` of Eq. (13).
* :func:`loss_terms` -- the unweighted terms of Eq. (14): MSE on the final prediction, ranking on
  the final prediction, and ranking on each modality stream.
* :func:`weighted_total` -- Eq. (14) itself, the weighted sum of those terms: the one place where
  it is computed (by :func:`combined_loss`, :class:`GradNorm` and
  :func:`vira.training.regression.fit`).
* :func:`combined_loss` -- terms and total in one call.

What the paper prints (§5.1), in words: for a training batch of size :math:`N` with predicted
scores :math:`p_i` and ground-truth scores :math:`g_i`,

.. math::

    L_r = \\sum_{i=1}^{N} \\sum_{j=i+1}^{N} \\max\\big((p_i - p_j)\\,\\mathrm{sign}(g_j - g_i)
          + \\delta,\\ 0\\big)                                                     \\quad (13)

    L = \\alpha L_s + \\beta L_r + \\gamma \\frac{1}{M} \\sum_{m=1}^{M} L_r^m      \\quad (14)

where :math:`L_s` is the mean square error, :math:`\\delta` a "constant margin" and
:math:`L_r^m` the ranking loss on the score of modality stream :math:`m`. The weights
:math:`\\alpha, \\beta, \\gamma` are "automatically adjusted with the Gradnorm algorithm":
:class:`GradNorm` (Chen et al. 2018) learns them; :func:`combined_loss` takes them as numbers.
The paper gives no value for :math:`\\delta`; it trains with Adam and a batch size of 8.

All functions take PyTorch tensors of shape ``(N,)`` or ``(N, 1)`` on any device and return a
0-d tensor that carries gradients back to the predictions.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["margin_ranking", "loss_terms", "weighted_total", "combined_loss", "GradNorm",
           "REDUCTIONS"]

#: Accepted values of ``reduction``: ``"sum"`` as printed in Eq. (13), or ``"mean"`` over the
#: pairs that contribute (those whose targets differ).
REDUCTIONS = ("sum", "mean")


def _as_vector(name: str, x: torch.Tensor) -> torch.Tensor:
    """Return ``x`` as shape ``(N,)``; accept ``(N,)`` or ``(N, 1)``, else ``ValueError``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() == 1:
        return x
    if x.dim() == 2 and x.shape[1] == 1:
        return x[:, 0]
    raise ValueError(f"{name} must have shape (N,) or (N, 1), got {tuple(x.shape)}")


def _pair(pred: torch.Tensor, target: torch.Tensor, pred_name: str = "pred"):
    """Check that ``pred`` and ``target`` describe the same N samples; return both as ``(N,)``."""
    p, t = _as_vector(pred_name, pred), _as_vector("target", target)
    if p.shape[0] != t.shape[0]:
        raise ValueError(f"shape mismatch: {pred_name} has shape {tuple(pred.shape)} but target "
                         f"has shape {tuple(target.shape)}")
    if not torch.is_floating_point(p):
        raise TypeError(f"{pred_name} must be a floating-point tensor, got {p.dtype}")
    return p, t.to(device=p.device, dtype=p.dtype)


def margin_ranking(pred: torch.Tensor, target: torch.Tensor, margin: float = 0.0,
                   reduction: str = "sum") -> torch.Tensor:
    """Margin ranking loss :math:`L_r` of Eq. (13) over all pairs of a batch.

    Printed form (§5.1): a double sum over :math:`i = 1..N` and :math:`j = i+1..N`, i.e. each
    unordered pair once (:math:`N(N-1)/2` pairs, 28 for the paper's batch size 8), of
    :math:`\\max((p_i - p_j)\\,\\mathrm{sign}(g_j - g_i) + \\delta, 0)`. Equivalently
    :math:`\\max(0, -\\mathrm{sign}(g_i - g_j)(p_i - p_j) + \\delta)`: a pair costs nothing when
    the prediction orders it like the target by at least :math:`\\delta`, and grows linearly
    otherwise. The summand is symmetric in :math:`(i, j)`, so summing over all ordered pairs
    :math:`i \\ne j` would exactly double it; we follow the printed :math:`j > i`.

    Ties (:math:`g_i = g_j`) contribute nothing here. Read literally, the printed formula with
    :math:`\\mathrm{sign}(0) = 0` gives such a pair the constant :math:`\\max(\\delta, 0) =
    \\delta`, which has no gradient; we drop that constant, so the loss value is lower by
    :math:`\\delta` times the number of tied pairs while every gradient is the same. With
    ``margin=0`` the two readings agree exactly.

    The paper does not print a value for :math:`\\delta`; the default ``margin=0.0`` is that of
    ``torch.nn.MarginRankingLoss``. At a hinge kink (argument exactly 0) the gradient is 0.

    Args:
        pred: predictions :math:`p`, shape ``(N,)`` or ``(N, 1)``, floating point.
        target: ground truth :math:`g`, shape ``(N,)`` or ``(N, 1)``; cast to ``pred``'s dtype
            and device. Only the order of its values matters.
        margin: :math:`\\delta \\ge 0`.
        reduction: ``"sum"`` (as printed in Eq. 13) or ``"mean"`` over the contributing pairs,
            those with :math:`g_i \\ne g_j`; the mean is 0 (not NaN) when there are none.

    Returns:
        0-d tensor, differentiable with respect to ``pred``.

    Raises:
        ValueError: on a shape other than ``(N,)``/``(N, 1)``, differing N (the message names both
            shapes), a negative margin, or an unknown reduction.

    The computation is vectorised as an ``(N, N)`` matrix of pair terms masked to the strict upper
    triangle, so memory grows as :math:`N^2` (fine for training batches).
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if margin < 0:
        raise ValueError(f"margin must be >= 0, got {margin}")
    p, g = _pair(pred, target)
    n = p.shape[0]
    dp = p[:, None] - p[None, :]                      # (N, N): p_i - p_j
    sg = torch.sign(g[None, :] - g[:, None])          # (N, N): sign(g_j - g_i)
    upper = torch.ones(n, n, dtype=torch.bool, device=p.device).triu(diagonal=1)
    mask = upper & (sg != 0)                          # pairs i < j with g_i != g_j
    terms = F.relu(dp * sg + margin) * mask           # (N, N), zero outside the mask
    total = terms.sum()
    if reduction == "sum":
        return total
    count = mask.sum()
    return total / count.clamp(min=1).to(total.dtype)


def combined_loss(pred: torch.Tensor, target: torch.Tensor,
                  stream_preds: list[torch.Tensor] | None = None, alpha: float = 1.0,
                  beta: float = 1.0, gamma: float = 1.0, margin: float = 0.0,
                  reduction: str = "sum") -> tuple[torch.Tensor, dict[str, float]]:
    """Total loss of Eq. (14): :math:`\\alpha L_s + \\beta L_r + \\gamma \\frac1M \\sum_m L_r^m`.

    * :math:`L_s` = ``mse``: mean square error between ``pred`` and ``target`` (a mean over the
      batch, as the name "mean square error" says).
    * :math:`L_r` = ``rank``: :func:`margin_ranking` of the final prediction ``pred``.
    * :math:`\\frac1M \\sum_m L_r^m` = ``stream_rank``: the mean over the :math:`M` tensors of
      ``stream_preds`` of :func:`margin_ranking` of each stream's score against the same target
      (the paper adds it "to encourage right ranking order without constraining the score
      values"); present only when ``stream_preds`` is given, otherwise the term is absent (0).

    The ranking terms use ``reduction="sum"`` by default, as Eq. (13) is printed. Note the scale:
    with the paper's batch size 8 that is a sum over up to 28 pairs, each a hinge on a
    *difference* of scores, so :math:`L_r` is typically one to two orders of magnitude larger
    than the MSE on scores in [0, 1]. The paper rebalances with GradNorm; with fixed weights,
    either lower ``beta``/``gamma`` or pass ``reduction="mean"`` (a per-pair mean).

    Args:
        pred: final prediction :math:`s`, shape ``(N,)`` or ``(N, 1)``.
        target: ground truth, shape ``(N,)`` or ``(N, 1)``.
        stream_preds: optional non-empty list of the :math:`M` per-stream scores, each of shape
            ``(N,)`` or ``(N, 1)``.
        alpha, beta, gamma: weights of the three terms.
        margin: :math:`\\delta` of Eq. (13), shared by all ranking terms.
        reduction: reduction of the ranking terms (``"sum"`` as printed, or ``"mean"``).

    Returns:
        ``(total, parts)``: ``total`` a 0-d differentiable tensor; ``parts`` a dict of detached
        Python floats ``{"mse", "rank", "stream_rank", "total"}`` holding the *unweighted* terms
        and the weighted total, so that ``total == alpha*mse + beta*rank + gamma*stream_rank``.

    Raises:
        ValueError: on any shape mismatch (naming both shapes) or an empty ``stream_preds``.
    """
    terms = loss_terms(pred, target, stream_preds, margin=margin, reduction=reduction)
    total = weighted_total(terms, [alpha, beta, gamma][:len(terms)])
    stream_rank = float(terms[2].detach()) if len(terms) == 3 else 0.0
    parts = {"mse": float(terms[0].detach()), "rank": float(terms[1].detach()),
             "stream_rank": stream_rank, "total": float(total.detach())}
    return total, parts


def loss_terms(pred: torch.Tensor, target: torch.Tensor,
               stream_preds: list[torch.Tensor] | None = None, margin: float = 0.0,
               reduction: str = "sum") -> torch.Tensor:
    """The unweighted terms of Eq. (14) as one tensor: ``[L_s, L_r, (1/M) sum_m L_r^m]`` (3,), or
    ``[L_s, L_r]`` (2,) without ``stream_preds``; differentiable. See :func:`combined_loss`."""
    p, g = _pair(pred, target)
    terms = [F.mse_loss(p, g), margin_ranking(p, g, margin=margin, reduction=reduction)]
    if stream_preds is not None:
        if len(stream_preds) == 0:
            raise ValueError("stream_preds is an empty list; pass None when there are no streams")
        stream_rank = torch.zeros((), dtype=p.dtype, device=p.device)
        for m, sp in enumerate(stream_preds):
            sp_vec, g_m = _pair(sp, target, pred_name=f"stream_preds[{m}]")
            stream_rank = stream_rank + margin_ranking(sp_vec, g_m, margin=margin,
                                                       reduction=reduction)
        terms.append(stream_rank / len(stream_preds))
    return torch.stack(terms)


def weighted_total(terms: torch.Tensor, weights) -> torch.Tensor:
    """Eq. (14): :math:`\\alpha L_s + \\beta L_r + \\gamma \\frac1M \\sum_m L_r^m`, the weighted sum
    of the terms ``terms`` (K,) of :func:`loss_terms` with ``weights`` (K,) (a sequence of numbers or
    a tensor; taken as constants in ``terms``' dtype and on its device). A weight of 0 removes its
    term. Differentiable in ``terms``; returns a 0-d tensor. Used by :func:`combined_loss`,
    :class:`GradNorm` (with its learnt weights) and :func:`vira.training.regression.fit` (chapters
    2-5)."""
    weights = torch.as_tensor(weights, dtype=terms.dtype, device=terms.device)
    if weights.shape != terms.shape:
        raise ValueError(f"weights have shape {tuple(weights.shape)} but terms {tuple(terms.shape)}")
    return (weights * terms).sum()


class GradNorm:
    """GradNorm (Chen et al. 2018, Algorithm 1): learn the weights of several loss terms so that
    each trains the shared layer at a speed that matches how far behind it is.

    For task losses :math:`L_i(t)` with weights :math:`w_i(t)` (all 1 at the start) and the
    parameters :math:`W` of the last layer shared by all terms:

    * :math:`G_i = \\lVert \\nabla_W\\, w_i L_i \\rVert_2 = w_i \\lVert \\nabla_W L_i \\rVert_2`, and
      :math:`\\bar G` their mean;
    * :math:`\\tilde L_i = L_i(t) / L_i(0)` (the loss ratio, the inverse training rate), and
      :math:`r_i = \\tilde L_i / \\operatorname{mean}_j \\tilde L_j`;
    * :math:`L_{grad} = \\sum_i \\lvert G_i - \\bar G\\, r_i^{a} \\rvert`, where the target
      :math:`\\bar G r_i^{a}` is held constant and :math:`a` is the asymmetry (the paper's
      :math:`\\alpha`, renamed here so as not to clash with Eq. 14's);
    * one gradient step on the weights only, :math:`w_i \\leftarrow w_i - \\eta\\,
      \\mathrm{sign}(G_i - \\bar G r_i^a) \\lVert \\nabla_W L_i \\rVert_2`, then the weights are
      renormalised to sum to the number of tasks (and kept positive).

    The network itself is updated, as usual, with the gradient of :math:`\\sum_i w_i(t) L_i(t)`
    using the weights *before* this step. Plain gradient descent with rate :math:`\\eta`
    (``lr``) updates the weights, which keeps one step computable by hand. Used by chapter 5.
    """

    def __init__(self, tasks: int, asymmetry: float = 1.5, lr: float = 0.025):
        if tasks < 2:
            raise ValueError(f"GradNorm balances at least 2 loss terms, got {tasks}")
        self.tasks, self.asymmetry, self.lr = tasks, float(asymmetry), float(lr)
        self.weights = torch.ones(tasks)
        self.initial: torch.Tensor | None = None

    def total(self, terms: torch.Tensor) -> torch.Tensor:
        """:math:`\\sum_i w_i L_i` with the current weights (constants): the network's loss."""
        return weighted_total(terms, self.weights)

    def step(self, terms: torch.Tensor, shared: list[torch.Tensor]) -> dict[str, torch.Tensor]:
        """Update the weights from the task losses ``terms`` (T,) (their graph is kept for the
        network's backward pass) and the shared parameters; returns the step's quantities."""
        if terms.shape != (self.tasks,):
            raise ValueError(f"GradNorm: expected {self.tasks} loss terms, got shape {tuple(terms.shape)}")
        norm = torch.zeros(self.tasks)  # ||grad_W L_i||
        for i in range(self.tasks):
            grads = torch.autograd.grad(terms[i], shared, retain_graph=True, allow_unused=True)
            squares = [float((g.double() ** 2).sum()) for g in grads if g is not None]
            norm[i] = sum(squares) ** 0.5
        losses = terms.detach().float().cpu()
        if self.initial is None:
            self.initial = losses.clamp_min(1e-12)
        ratio = losses / self.initial
        r = ratio / ratio.mean()
        g_w = self.weights * norm
        target = g_w.mean() * r ** self.asymmetry
        w = (self.weights - self.lr * torch.sign(g_w - target) * norm).clamp_min(1e-6)
        self.weights = w * self.tasks / w.sum()
        return {"grad_norm": norm, "G": g_w, "target": target, "ratio": r, "weights": self.weights}
