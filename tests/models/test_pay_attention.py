"""The networks of "Pay Attention to Virality" (Bielski & Trzcinski 2018, §2): soft attention
(Eq. 1-6), padding, shapes (vira.models.pay_attention). Their training: tests/training/."""

import numpy as np
import pytest
import torch
from torch import nn

from vira.models.pay_attention import (FrameAttentionNet, FrameMeanNet, HeadlineAttentionNet,
                                       HeadlineLastNet, MultimodalNet, SoftAttention)


pytestmark = pytest.mark.usefixtures("one_thread")




# --- SoftAttention (Eq. 2-5) ------------------------------------------------------------------

def test_soft_attention_by_hand():
    att = SoftAttention(dim=2, hidden=2)
    W_u, b_u = np.array([[1.0, -0.5], [0.25, 2.0]]), np.array([0.1, -0.2])
    W_a, b_a = np.array([[1.5, -1.0]]), np.array([0.3])
    with torch.no_grad():
        att.hidden.weight.copy_(torch.tensor(W_u))
        att.hidden.bias.copy_(torch.tensor(b_u))
        att.score.weight.copy_(torch.tensor(W_a))
        att.score.bias.copy_(torch.tensor(b_a))
    q = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]])
    pooled, alpha = att(torch.tensor(q, dtype=torch.float32)[None])

    u = np.tanh(q @ W_u.T + b_u)  # Eq. 2
    a = u @ W_a[0] + b_a[0]  # Eq. 3
    expected_alpha = np.exp(a) / np.exp(a).sum()  # Eq. 4
    np.testing.assert_allclose(alpha[0].detach().numpy(), expected_alpha, rtol=1e-6)
    np.testing.assert_allclose(pooled[0].detach().numpy(), expected_alpha @ q, rtol=1e-6)  # Eq. 5
    assert expected_alpha.argmax() == 2 and abs(expected_alpha.sum() - 1) < 1e-12


def test_frame_attention_is_eq_1_to_5():
    torch.manual_seed(0)
    model = FrameAttentionNet(in_dim=5, embed=4, att_hidden=3, hidden=6, dropout=0.0).eval()
    x = torch.randn(2, 18, 5)
    with torch.no_grad():
        v, alpha = model.embed(x)
    w = {k: t.double().numpy() for k, t in model.state_dict().items()}
    for n in range(2):
        q = np.maximum(x[n].double().numpy() @ w["frame.weight"].T + w["frame.bias"], 0)  # Eq. 1
        a = np.tanh(q @ w["attention.hidden.weight"].T + w["attention.hidden.bias"]) @ w["attention.score.weight"][0]
        a = a + w["attention.score.bias"][0]  # Eq. 2-3
        expected = np.exp(a - a.max()) / np.exp(a - a.max()).sum()  # Eq. 4
        np.testing.assert_allclose(alpha[n].numpy(), expected, rtol=1e-5)
        np.testing.assert_allclose(v[n].numpy(), expected @ q, rtol=1e-5, atol=1e-7)  # Eq. 5


def test_mask_gives_zero_weight_to_padding_and_the_unpadded_result():
    torch.manual_seed(0)
    att = SoftAttention(dim=4, hidden=3)
    q = torch.randn(2, 5, 4)
    padded = torch.cat([q, torch.full((2, 3, 4), float("nan"))], dim=1)  # padding may hold anything
    mask = torch.arange(8) < 5
    pooled, alpha = att(padded, mask.expand(2, 8))
    ref_pooled, ref_alpha = att(q)
    assert torch.equal(alpha[:, 5:], torch.zeros(2, 3))
    torch.testing.assert_close(alpha[:, :5], ref_alpha)
    torch.testing.assert_close(pooled, ref_pooled)
    with pytest.raises(ValueError, match="at least one real item"):
        att(q, torch.zeros(2, 5, dtype=torch.bool))


# --- headline models ----------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [HeadlineLastNet, HeadlineAttentionNet])
def test_headline_models_ignore_padding(cls, headlines):
    torch.manual_seed(0)
    model = cls(vocab_size=20, emb_dim=6, hidden=5, dropout=0.0, lstm_hidden=4).eval()
    tokens, lengths = headlines()
    extra = torch.cat([tokens, torch.randint(1, 20, (4, 6))], dim=1)  # garbage past the lengths

    def embed(t):
        e = model.embed(t, lengths)
        return e[0] if cls is HeadlineAttentionNet else e

    with torch.no_grad():
        torch.testing.assert_close(model(extra, lengths), model(tokens, lengths))
        torch.testing.assert_close(embed(extra), embed(tokens))
        if cls is HeadlineAttentionNet:
            _, beta = model.attend(extra, lengths)
            real = torch.arange(13) < lengths[:, None]
            assert torch.equal(beta[~real], torch.zeros(int((~real).sum())))
            torch.testing.assert_close(beta.sum(-1), torch.ones(4))


def test_last_states_are_the_two_directions_at_the_ends(headlines):
    torch.manual_seed(0)
    model = HeadlineLastNet(vocab_size=20, emb_dim=6, hidden=5, dropout=0.0, lstm_hidden=4).eval()
    tokens, lengths = headlines()
    with torch.no_grad():
        got = model.embed(tokens, lengths)
        for i in range(4):
            words = model.encoder.words(tokens[i, :lengths[i]])[None]  # unpadded (1, T, E)
            out, _ = model.encoder.lstm(words)  # (1, T, 2H): forward then backward
            manual = torch.cat([out[0, -1, :4], out[0, 0, 4:]])
            torch.testing.assert_close(got[i], manual)


# --- shapes ------------------------------------------------------------------------

@pytest.mark.parametrize("batch_norm", [False, True])
def test_shapes(batch_norm, headlines):
    torch.manual_seed(0)
    x = torch.randn(3, 18, 10)
    tokens, lengths = headlines(n=3)
    mean = FrameMeanNet(in_dim=10, hidden=7, dropout=0.1, batch_norm=batch_norm).eval()
    frames = FrameAttentionNet(in_dim=10, embed=6, att_hidden=4, hidden=7, batch_norm=batch_norm).eval()
    last = HeadlineLastNet(20, 5, hidden=7, lstm_hidden=4, batch_norm=batch_norm).eval()
    words = HeadlineAttentionNet(20, 5, hidden=7, lstm_hidden=4, att_hidden=3, batch_norm=batch_norm).eval()
    assert mean(x).shape == (3, 2) and mean.embed(x).shape == (3, 10)
    logits, alpha = frames.attend(x)
    assert logits.shape == (3, 2) and alpha.shape == (3, 18) and frames.embed(x)[0].shape == (3, 6)
    torch.testing.assert_close(frames(x), logits)
    assert last(tokens, lengths).shape == (3, 2) and last.embed(tokens, lengths).shape == (3, 8)
    logits, beta = words.attend(tokens, lengths)
    assert logits.shape == (3, 2) and beta.shape == (3, 7) and words.embed(tokens, lengths)[0].shape == (3, 8)
    both = MultimodalNet(video_dim=6, text_dim=8, hidden=9, batch_norm=batch_norm).eval()
    with torch.no_grad():
        z = torch.cat([frames.embed(x)[0], words.embed(tokens, lengths)[0]], 1)
    assert z.shape == (3, 14) and both(z).shape == (3, 2) and both.embed(z).shape == (3, 9)
    assert any(isinstance(m, nn.BatchNorm1d) for m in both.modules()) == batch_norm
    with pytest.raises(ValueError, match=r"\(N, 14\)"):
        both(z[:, :10])
    with pytest.raises(ValueError, match="frame features"):
        frames(torch.randn(3, 18, 11))
