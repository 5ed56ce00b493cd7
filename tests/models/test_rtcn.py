"""RTCN (VDV §4.3, Eq. 10-11), its TCN ablation and the LSTM baseline."""

import math

import pytest
import torch
from torch.nn import functional as F

from vira.models.rtcn import RTCN, LSTMRegressor, RelationalPooling, TemporalBlock, same_conv

SMALL = (8, 8, 16, 16, 32, 32)


def small_rtcn(relational=True, seed=0):
    torch.manual_seed(seed)
    return RTCN(in_features=5, widths=SMALL, relational=relational, reduced=8).eval()


def test_attention_matches_a_direct_implementation_of_eq_10_and_11():
    torch.manual_seed(0)
    layer = RelationalPooling(8, heads=4).eval()
    with torch.no_grad():  # a non-trivial layer norm
        layer.norm.weight.uniform_(0.5, 1.5)
        layer.norm.bias.uniform_(-0.2, 0.2)
    x = torch.randn(2, 8, 7)
    mask = torch.ones(2, 7)
    out, pmask = layer(x, mask)
    # direct: max pooling by 2 (the lone 7th frame kept), then per head softmax(Q K^T / sqrt(C')) V
    pooled = torch.stack([x[..., 0:2].amax(-1), x[..., 2:4].amax(-1), x[..., 4:6].amax(-1),
                          x[..., 6]], dim=-1)
    wq, wk, wv = layer.qkv.weight.chunk(3, dim=0)  # each (C, C): rows are output channels
    for n in range(2):
        inp = pooled[n].T  # I: (T', C)
        heads = []
        for h in range(4):
            rows = slice(2 * h, 2 * h + 2)  # C' = 2 channels per head
            q, k, v = inp @ wq[rows].T, inp @ wk[rows].T, inp @ wv[rows].T
            heads.append(torch.softmax(q @ k.T / math.sqrt(2), dim=-1) @ v)
        expected = F.layer_norm(torch.cat(heads, dim=1) @ layer.out.weight.T + inp, (8,),
                                layer.norm.weight, layer.norm.bias)
        torch.testing.assert_close(out[n].T, expected, rtol=1e-5, atol=1e-5)
    assert pmask.shape == (2, 4) and out.shape == (2, 8, 4)
    w = layer.attention_weights(x, mask)
    assert w.shape == (2, 4, 4, 4)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 4, 4))


def test_padding_and_masked_frames_change_nothing():
    for model in (small_rtcn(True), small_rtcn(False), LSTMRegressor(5, hidden=6).eval()):
        torch.manual_seed(1)
        clip = torch.randn(1, 13, 5)
        alone = model(clip, torch.ones(1, 13))
        padded = torch.cat([clip, 100 * torch.randn(1, 8, 5)], dim=1)
        mask = torch.cat([torch.ones(1, 13), torch.zeros(1, 8)], dim=1)
        torch.testing.assert_close(model(padded, mask), alone, rtol=1e-5, atol=1e-6)
        # a missing frame in the middle: whatever its content, the score is the same
        holed = torch.ones(1, 13)
        holed[0, 6] = 0
        other = clip.clone()
        other[0, 6] = 50.0
        torch.testing.assert_close(model(clip, holed), model(other, holed))
        assert not torch.equal(model(clip, holed), alone)  # the hole does count


def test_shapes_through_all_six_blocks():
    model = small_rtcn()
    shapes, keep = [], []
    for block in model.blocks:
        block.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape)))
    model.features(torch.randn(2, 40, 5), keep=keep)
    assert shapes == [(2, 8, 40), (2, 8, 40), (2, 16, 20), (2, 16, 20), (2, 32, 10), (2, 32, 10)]
    assert [tuple(h.shape) for h, _ in keep] == [(2, 8, 40), (2, 16, 20), (2, 32, 10)]
    assert [b.dilation for b in model.blocks] == [1, 2, 4, 8, 16, 32]
    assert [b.kernel for b in model.blocks] == [7] * 6
    full = RTCN()
    assert [b.conv1.out_channels for b in full.blocks] == [256, 256, 512, 512, 1024, 1024]
    assert list(full.pools) == ["1", "3", "5"] and full.pools["1"].heads == 4
    assert len(RTCN(relational=False).pools) == 0
    lstm = LSTMRegressor()
    assert lstm.lstm.num_layers == 2 and lstm.lstm.hidden_size == 512


@pytest.mark.parametrize("relational", [False, True])
def test_receptive_field_matches_the_impulse_response(relational):
    model = small_rtcn(relational)
    with torch.no_grad():  # positive weights and inputs: every ReLU is active, no gradient is lost
        for m in model.modules():
            if isinstance(m, torch.nn.Conv1d):
                m.weight.uniform_(0.01, 0.05)
                m.bias.zero_()
    # through the convolutions (and max pooling) only: stop before the last relational pooling
    if relational:
        model.pools.pop("5")
    t = 4096
    x = (torch.rand(1, t, 5) + 0.5).requires_grad_(True)
    mask = torch.ones(1, t)
    h = torch.nn.functional.conv1d(x.transpose(1, 2), model.reduce.weight, model.reduce.bias)
    for n, block in enumerate(model.blocks):
        h = block(h, mask)
        if str(n) in model.pools:
            h, mask = RelationalPooling.pool(h, mask)  # the max pooling of the block only
    h[0, :, h.shape[-1] // 2].sum().backward()
    touched = torch.nonzero(x.grad[0].abs().sum(-1)).flatten()
    span = int(touched.max() - touched.min() + 1)
    expected = model.receptive_field()
    # max pooling passes the gradient to one frame of each pair, so the edges may fall short
    assert span == expected if not relational else expected - 8 <= span <= expected
    assert RTCN(relational=False).receptive_field() == 1 + 12 * 63  # 757 frames, 30 s at 25 fps


def test_temporal_block_keeps_length_and_uses_a_1x1_residual_only_when_widths_differ():
    same, wider = TemporalBlock(4, 4, 2), TemporalBlock(4, 6, 2)
    assert isinstance(same.residual, torch.nn.Identity)
    assert isinstance(wider.residual, torch.nn.Conv1d) and wider.residual.kernel_size == (1,)
    assert wider.eval()(torch.randn(3, 4, 11), torch.ones(3, 11)).shape == (3, 6, 11)
    with pytest.raises(ValueError, match="do not split into 4 heads"):
        RelationalPooling(6, heads=4)


@pytest.mark.parametrize("kernel", [3, 7])
@pytest.mark.parametrize("dilation", [1, 2, 4, 16, 32])
@pytest.mark.parametrize("frames", [1, 5, 10, 40, 97, 200])
def test_same_conv_is_the_full_convolution_in_value_and_gradient(kernel, dilation, frames):
    torch.manual_seed(kernel + dilation + frames)
    conv = torch.nn.Conv1d(6, 5, kernel, padding=dilation * (kernel - 1) // 2, dilation=dilation)
    x = torch.randn(2, 6, frames, requires_grad=True)
    grads = []
    for f in (conv, lambda x: same_conv(conv, x)):
        conv.zero_grad()
        x.grad = None
        y = f(x)
        (y * torch.linspace(-1, 1, y.numel()).reshape(y.shape)).sum().backward()
        grads.append((y.detach(), x.grad.clone(), conv.weight.grad.clone(), conv.bias.grad.clone()))
    for full, cut in zip(*grads):
        torch.testing.assert_close(cut, full, rtol=1e-5, atol=1e-5)


def test_same_conv_never_reads_the_taps_that_reach_only_padding():
    # 10 frames, dilation 16: the taps at offsets +-16, +-32, +-48 never meet a frame. Poisoned
    # with NaN, they spoil the full convolution (0 * NaN) but not same_conv, which skips them.
    conv = torch.nn.Conv1d(3, 2, 7, padding=48, dilation=16)
    with torch.no_grad():
        conv.weight[:, :, [0, 1, 2, 4, 5, 6]] = float("nan")
    x = torch.randn(1, 3, 10)
    assert torch.isnan(conv(x)).all()
    expected = torch.einsum("oc,nct->not", conv.weight[:, :, 3], x) + conv.bias[None, :, None]
    torch.testing.assert_close(same_conv(conv, x), expected)
    # 40 frames reach offsets +-16 and +-32 (five taps): +-48 may stay NaN, the others may not
    with torch.no_grad():
        conv.weight[:, :, [1, 2, 4, 5]] = 0.0
    assert not torch.isnan(same_conv(conv, torch.randn(1, 3, 40))).any()
    assert torch.isnan(same_conv(conv, torch.randn(1, 3, 49))).all()  # offset 48 now reaches a frame
    # a convolution that is not "same" runs as it is
    valid = torch.nn.Conv1d(3, 2, 7, dilation=16)
    x = torch.randn(1, 3, 100)
    assert torch.equal(same_conv(valid, x), valid(x)) and same_conv(valid, x).shape[-1] == 4


def test_without_self_attention_the_pooling_block_is_max_pooling_only():
    torch.manual_seed(0)
    model = RTCN(in_features=5, widths=SMALL, reduced=8, attention=False).eval()
    assert list(model.pools) == ["1", "3", "5"] and not model.attention
    assert not any("qkv" in n or "norm" in n for n, _ in model.named_parameters())
    with_attention = RTCN(in_features=5, widths=SMALL, reduced=8)
    extra = sum(p.numel() for p in with_attention.parameters()) - sum(
        p.numel() for p in model.parameters())
    assert extra == sum(4 * c * c + 2 * c for c in (8, 16, 32))  # W^Q,K,V,O and LayerNorm
    x = torch.randn(1, 8, 6)
    out, mask = model.pools["1"](x, torch.ones(1, 6))
    torch.testing.assert_close(out, torch.nn.functional.max_pool1d(x, 2))
    assert RTCN(relational=False, attention=True).attention is False


def test_effective_receptive_field_sums_to_one_and_stays_inside_the_theoretical_one():
    from vira.models.rtcn import effective_receptive_field

    tcn = small_rtcn(relational=False)
    t = 2000
    erf = effective_receptive_field(tcn, torch.rand(1, t, 5))
    assert erf.shape == (t,) and abs(float(erf.sum()) - 1) < 1e-5
    half = (tcn.receptive_field() - 1) // 2
    centre = t // 2
    assert float(erf[:centre - half].sum() + erf[centre + half + 1:].sum()) == 0.0
    assert float(erf[centre - half:centre + half + 1].sum()) == pytest.approx(1.0)
    # with self-attention every frame can move the centre position
    rtcn = small_rtcn(relational=True)
    erf = effective_receptive_field(rtcn, torch.rand(1, t, 5))
    assert (erf[:10] > 0).all() and (erf[-10:] > 0).all()
    assert rtcn.training is False and tcn.training is False
    assert all(p.grad is None for p in tcn.parameters())  # nothing left behind for an optimiser


def _direct_attention(q, k, v, keep):
    logits = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    return logits.masked_fill(~keep, float("-inf")).softmax(-1) @ v


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs CUDA"))])
def test_attend_is_eq_10_and_on_a_gpu_deterministic_without_a_warning(device, recwarn):
    from vira.models.rtcn import attend
    from vira.training.seeding import seed_everything

    seed_everything(0)  # asks for deterministic algorithms, as every chapter does
    q, k, v = (torch.randn(2, 4, 6, 3, device=device, requires_grad=True) for _ in range(3))
    keep = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]], dtype=torch.bool, device=device)[:, None, None]
    out = attend(q, k, v, keep)
    torch.testing.assert_close(out, _direct_attention(q, k, v, keep), rtol=1e-5, atol=1e-5)
    grads = [torch.autograd.grad(attend(q, k, v, keep).square().sum(), (q, k, v)) for _ in range(2)]
    for a, b in zip(*grads):
        assert torch.equal(a, b)  # the same gradient twice, bit for bit
    assert not [w for w in recwarn if "deterministic" in str(w.message)]
