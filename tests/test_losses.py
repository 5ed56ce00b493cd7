"""vira.losses against the printed Eqs. (13)-(14) of the VDV paper, computed by hand."""

import itertools

import pytest
import torch
import torch.nn.functional as F

from vira.losses import GradNorm, combined_loss, loss_terms, margin_ranking, weighted_total


def brute_force(p, g, margin, reduction):
    """Eq. (13) as printed, one pair at a time: sum_{i<j} max((p_i - p_j) sign(g_j - g_i) + d, 0),
    skipping tied targets (see the docstring of margin_ranking)."""
    total, count = 0.0, 0
    n = len(p)
    for i in range(n):
        for j in range(i + 1, n):
            s = (g[j] > g[i]) - (g[j] < g[i])
            if s == 0:
                continue
            total += max((p[i] - p[j]) * s + margin, 0.0)
            count += 1
    if reduction == "sum":
        return total
    return total / count if count else 0.0


@pytest.mark.parametrize("margin, reduction",
                         list(itertools.product([0.0, 0.5], ["sum", "mean"])))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_brute_force_with_ties(margin, reduction, seed):
    gen = torch.Generator().manual_seed(seed)
    p = torch.randn(9, generator=gen, dtype=torch.float64)
    g = torch.randint(0, 4, (9,), generator=gen).to(torch.float64)   # 4 levels in 9: many ties
    assert len(set(g.tolist())) < 9
    want = brute_force(p.tolist(), g.tolist(), margin, reduction)
    got = margin_ranking(p, g, margin=margin, reduction=reduction)
    assert got.item() == pytest.approx(want, rel=1e-12, abs=1e-12)
    # (N, 1) inputs give the same value
    got2 = margin_ranking(p[:, None], g[:, None], margin=margin, reduction=reduction)
    assert got2.item() == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_three_elements_by_hand():
    p = torch.tensor([0.3, 0.1, 0.5])
    g = torch.tensor([1.0, 2.0, 2.0])
    # margin 0.2, pairs i<j (term = max((p_i - p_j) * sign(g_j - g_i) + 0.2, 0)):
    # (1,2): (0.3-0.1)*sign(2-1)=+0.2  -> max(0.2+0.2, 0) = 0.4   (wrong order: p_1 > p_2)
    # (1,3): (0.3-0.5)*sign(2-1)=-0.2  -> max(-0.2+0.2, 0) = 0.0  (right order, exactly at margin)
    # (2,3): g_2 == g_3, tie           -> contributes nothing
    # sum = 0.4 ; mean over the 2 contributing pairs = 0.2
    assert margin_ranking(p, g, margin=0.2).item() == pytest.approx(0.4, abs=1e-6)
    assert margin_ranking(p, g, margin=0.2, reduction="mean").item() == pytest.approx(0.2, abs=1e-6)
    # margin 0: (1,2) -> 0.2, (1,3) -> max(-0.2, 0) = 0 ; sum 0.2
    assert margin_ranking(p, g).item() == pytest.approx(0.2, abs=1e-6)


def test_gradcheck_double():
    gen = torch.Generator().manual_seed(3)
    p = torch.randn(6, generator=gen, dtype=torch.float64, requires_grad=True)
    g = torch.tensor([0.0, 1.0, 1.0, 2.0, 3.0, 0.5], dtype=torch.float64)
    for reduction in ("sum", "mean"):
        assert torch.autograd.gradcheck(
            lambda x: margin_ranking(x, g, margin=0.3, reduction=reduction), (p,))


def test_gradient_by_hand():
    p = torch.tensor([0.3, 0.1, 0.5], requires_grad=True)
    g = torch.tensor([1.0, 2.0, 3.0])
    # margin 0: only pair (1,2) is active: term = (p_1 - p_2) * 1 = 0.2
    # (1,3): p_1 - p_3 = -0.2 inactive ; (2,3): p_2 - p_3 = -0.4 inactive
    # d/dp = [1, -1, 0]
    margin_ranking(p, g).backward()
    torch.testing.assert_close(p.grad, torch.tensor([1.0, -1.0, 0.0]))


def test_mean_without_contributing_pairs_is_zero():
    for p, g in [(torch.tensor([0.1, 0.9, 0.4]), torch.tensor([2.0, 2.0, 2.0])),
                 (torch.tensor([0.7]), torch.tensor([1.0]))]:
        p.requires_grad_(True)
        out = margin_ranking(p, g, margin=0.5, reduction="mean")
        assert out.item() == 0.0 and not torch.isnan(out)
        out.backward()                       # still differentiable
        assert torch.all(p.grad == 0)
        assert margin_ranking(p, g, margin=0.5).item() == 0.0


def test_shape_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"\(4,\).*\(5,\)"):
        margin_ranking(torch.zeros(4), torch.zeros(5))
    with pytest.raises(ValueError, match=r"\(4, 2\)"):
        margin_ranking(torch.zeros(4, 2), torch.zeros(4))
    with pytest.raises(ValueError, match="reduction"):
        margin_ranking(torch.zeros(4), torch.zeros(4), reduction="max")
    with pytest.raises(ValueError, match=r"stream_preds\[1\].*\(3,\).*\(4,\)"):
        combined_loss(torch.zeros(4), torch.zeros(4), [torch.zeros(4), torch.zeros(3)])


def test_combined_loss_is_weighted_sum_of_parts():
    gen = torch.Generator().manual_seed(5)
    p = torch.rand(8, generator=gen, dtype=torch.float64, requires_grad=True)
    g = torch.rand(8, generator=gen, dtype=torch.float64)
    streams = [torch.rand(8, 1, generator=gen, dtype=torch.float64) for _ in range(3)]
    a, b, c, d = 0.7, 0.05, 0.2, 0.1
    total, parts = combined_loss(p, g, streams, alpha=a, beta=b, gamma=c, margin=d)
    mse = F.mse_loss(p, g).item()
    rank = brute_force(p.tolist(), g.tolist(), d, "sum")
    stream_rank = sum(brute_force(s[:, 0].tolist(), g.tolist(), d, "sum") for s in streams) / 3
    assert parts["mse"] == pytest.approx(mse, rel=1e-12)
    assert parts["rank"] == pytest.approx(rank, rel=1e-12)
    assert parts["stream_rank"] == pytest.approx(stream_rank, rel=1e-12)
    want = a * mse + b * rank + c * stream_rank
    assert total.item() == pytest.approx(want, rel=1e-12)
    assert parts["total"] == pytest.approx(want, rel=1e-12)
    assert all(isinstance(v, float) for v in parts.values())
    total.backward()
    assert p.grad is not None


def test_combined_loss_without_streams():
    p, g = torch.tensor([0.2, 0.8, 0.4]), torch.tensor([0.0, 1.0, 0.5])
    total, parts = combined_loss(p, g, alpha=2.0, beta=3.0, gamma=100.0)
    assert parts["stream_rank"] == 0.0
    assert total.item() == pytest.approx(2.0 * parts["mse"] + 3.0 * parts["rank"])
    with pytest.raises(ValueError, match="empty"):
        combined_loss(p, g, [])


def test_weighted_total_is_eq14_bit_for_bit_in_every_caller():
    gen = torch.Generator().manual_seed(2)
    p = torch.rand(8, generator=gen, requires_grad=True)
    g = torch.rand(8, generator=gen)
    streams = [torch.rand(8, generator=gen) for _ in range(2)]
    terms = loss_terms(p, g, streams, reduction="mean")
    total = weighted_total(terms, [0.5, 2.0, 0.0])  # float32, like the training loop's
    by_hand = 0.5 * terms[0] + 2.0 * terms[1]
    assert total.dtype == torch.float32 and torch.equal(total, (torch.tensor([0.5, 2.0, 0.0]) * terms).sum())
    assert float(total.detach()) == pytest.approx(float(by_hand.detach()))
    assert torch.equal(combined_loss(p, g, streams, alpha=0.5, beta=2.0, gamma=0.0, reduction="mean")[0], total)
    balancer = GradNorm(3)
    balancer.weights = torch.tensor([0.5, 2.0, 0.0])
    assert torch.equal(balancer.total(terms), total)
    total.backward()
    assert p.grad is not None
    with pytest.raises(ValueError, match="weights have shape"):
        weighted_total(terms, [1.0, 1.0])

