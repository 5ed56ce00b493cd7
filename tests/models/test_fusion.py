"""Attentive modality fusion (VDV Eq. 12), the loss of Eq. 14 and GradNorm (Chen et al. 2018)."""

import numpy as np
import pytest
import torch

from vira.losses import GradNorm, loss_terms
from vira.models.fusion import FusionNet, ModalityAttention
from vira.models.rtcn import RTCN
from vira.training.regression import TrainConfig, fit, pad_collate

SMALL = (8, 8, 16, 16, 32, 32)


def streams(names=("holistic", "facial", "scenic")):
    dims = {"holistic": 5, "facial": 4, "scenic": 3}
    torch.manual_seed(0)
    return {m: RTCN(in_features=dims[m], widths=SMALL, reduced=8) for m in names}


def inputs(names, n=3, t=12, no_face=()):
    dims = {"holistic": 5, "facial": 4, "scenic": 3}
    out = {}
    for m in names:
        out[m] = torch.rand(n, t, dims[m])
        out[f"{m}_mask"] = torch.ones(n, t)
    for i in no_face:
        out["facial_mask"][i] = 0
    return out


def test_modality_attention_is_eq_12_and_sums_to_one():
    torch.manual_seed(0)
    att = ModalityAttention(6, 4, hidden=3)
    x = torch.randn(5, 6)
    torch.testing.assert_close(att(x), torch.full((5, 4), 0.25))  # W^O starts at 0: A = 1/M
    torch.nn.init.normal_(att.out.weight)
    a = att(x)
    expected = torch.softmax(x @ att.hidden.weight.T @ att.out.weight.T, dim=-1)  # softmax(I W^H W^O)
    torch.testing.assert_close(a, expected)
    torch.testing.assert_close(a.sum(-1), torch.ones(5))
    assert att.hidden.bias is None and att.out.bias is None  # as printed: no biases


@pytest.mark.parametrize("names", [("holistic", "facial"), ("holistic", "scenic"),
                                   ("holistic", "facial", "scenic")])
def test_any_subset_of_streams_fuses_to_a_weighted_mean_of_stream_scores(names):
    net = FusionNet(streams(names)).eval()
    with torch.no_grad():
        out = net(**inputs(names))
    assert out["streams"].shape == out["attention"].shape == (3, len(names))
    torch.testing.assert_close(out["attention"].sum(-1), torch.ones(3))
    torch.testing.assert_close(out["score"], (out["attention"] * out["streams"]).sum(-1))
    # each stream's score is that stream's network alone
    x = inputs(names)
    with torch.no_grad():
        alone = net.streams[names[0]](x[names[0]], x[f"{names[0]}_mask"])
        fused = net(**x)
    torch.testing.assert_close(fused["streams"][:, 0], alone)


def test_plain_average_and_a_clip_without_faces():
    names = ("holistic", "facial", "scenic")
    avg = FusionNet(streams(names), attentive=False).eval()
    att = FusionNet(streams(names)).eval()
    x = inputs(names, no_face=[1])
    with torch.no_grad():
        a, b = avg(**x), att(**x)
    torch.testing.assert_close(a["attention"][0], torch.full((3,), 1 / 3))
    torch.testing.assert_close(a["attention"][1], torch.tensor([0.5, 0.0, 0.5]))
    assert b["attention"][1, 1] == 0 and abs(float(b["attention"][1].sum()) - 1) < 1e-6
    assert b["attention"][0, 1] > 0
    # the facial stream's score for the faceless clip is its head's bias
    torch.testing.assert_close(b["streams"][1, 1], att.streams["facial"].head.bias[0])
    with pytest.raises(ValueError, match="missing inputs"):
        att(holistic=x["holistic"], holistic_mask=x["holistic_mask"])
    assert len(att.heads()) == 6  # weight and bias of three heads


def test_eq_14_terms_against_a_direct_computation():
    torch.manual_seed(3)
    p, g = torch.rand(6), torch.rand(6)
    s = [torch.rand(6), torch.rand(6)]

    def rank(q):  # Eq. 13 as a double loop, mean over pairs
        terms = [max(float((q[i] - q[j]) * torch.sign(g[j] - g[i])), 0.0)
                 for i in range(6) for j in range(i + 1, 6)]
        return sum(terms) / len(terms)

    expected = [float(((p - g) ** 2).mean()), rank(p), (rank(s[0]) + rank(s[1])) / 2]
    got = loss_terms(p, g, s, reduction="mean")
    torch.testing.assert_close(got, torch.tensor(expected), rtol=1e-6, atol=1e-7)
    assert loss_terms(p, g).shape == (2,)


def test_gradnorm_two_steps_by_hand():
    w = torch.tensor([2.0], requires_grad=True)  # the shared layer
    balance = GradNorm(2, asymmetry=1.5, lr=0.01)

    def losses():  # L1 = (3w)^2: gradient 18w; L2 = w: gradient 1
        return torch.stack([(3 * w[0]) ** 2, w[0]])

    step = balance.step(losses(), [w])
    # step 1 (w = 2): L = (36, 2) = L(0), so r = (1, 1); ||grad|| = (36, 1); G = (36, 1), mean 18.5
    torch.testing.assert_close(step["grad_norm"], torch.tensor([36.0, 1.0]))
    torch.testing.assert_close(step["target"], torch.tensor([18.5, 18.5]))
    # G1 above its target, G2 below: w = (1 - 0.36, 1 + 0.01) = (0.64, 1.01), renormalised to sum 2
    torch.testing.assert_close(balance.weights, torch.tensor([0.64, 1.01]) * 2 / 1.65)
    with torch.no_grad():
        w.fill_(1.0)
    step = balance.step(losses(), [w])
    # step 2 (w = 1): L = (9, 1); ratios (9/36, 1/2) = (0.25, 0.5), r = (2/3, 4/3)
    torch.testing.assert_close(step["ratio"], torch.tensor([2 / 3, 4 / 3]))
    w1, w2 = 0.64 * 2 / 1.65, 1.01 * 2 / 1.65
    g_bar = (w1 * 18 + w2 * 1) / 2
    torch.testing.assert_close(step["target"], g_bar * torch.tensor([2 / 3, 4 / 3]) ** 1.5)
    new = torch.tensor([w1 - 0.01 * 18, w2 + 0.01 * 1])  # signs again (+, -)
    torch.testing.assert_close(balance.weights, new * 2 / new.sum())
    # the network's loss uses the weights as constants
    total = balance.total(losses())
    total.backward()
    torch.testing.assert_close(w.grad, balance.weights[0] * 18 + balance.weights[1] * 1 * torch.ones(1))
    with pytest.raises(ValueError, match="at least 2"):
        GradNorm(1)


def test_fit_with_gradnorm_records_weights_that_sum_to_three():
    names = ("holistic", "facial")
    net = FusionNet(streams(names))
    x = inputs(names, n=16)
    y = torch.rand(16)

    class Data(torch.utils.data.Dataset):
        def __len__(self):
            return 16

        def __getitem__(self, k):
            return {key: v[k] for key, v in x.items()}, y[k]

    history = fit(net, Data(), TrainConfig(epochs=2, lr=1e-3, reduction="mean", gradnorm=True,
                                           progress=False))
    w = [history[-1][f"w_{k}"] for k in ("mse", "rank", "stream_rank")]
    assert abs(sum(w) - 3) < 1e-4 and all(v > 0 for v in w)
    assert {"mse", "rank", "stream_rank", "total"} <= set(history[-1])
    # the attention of every step: [mean over the batch (M,), standard deviation (M,)]
    first = np.array(history[0]["attention_per_step"][0])
    assert len(history[0]["attention_per_step"]) == 2 and first.shape == (2, 2)
    np.testing.assert_allclose(first[0], [0.5, 0.5])  # W^O starts at 0: the plain average
    np.testing.assert_allclose(np.array(history[-1]["attention_per_step"])[:, 0].sum(-1), 1, atol=1e-5)
    batch, _ = pad_collate([Data()[k] for k in range(2)])
    assert net.eval()(**batch)["score"].shape == (2,)
