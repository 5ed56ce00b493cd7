"""The models of "Pay Attention to Virality" (Bielski & Trzcinski 2018, §2-3), their training and
the evaluation protocol (vira.models.pay_attention)."""

import numpy as np
import pytest
import torch
from torch import nn

from vira.models.pay_attention import (ClassifierConfig, FrameAttentionNet, FrameMeanNet,
                                       HeadlineAttentionNet, HeadlineLastNet, MultimodalNet,
                                       SoftAttention, evaluate, fit_classifier, predict_proba,
                                       random_search, text_embedding, video_embedding)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models train faster on one thread than on two contended ones."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def planted_frames(n, seed, dim=8, frame=5, signal=6.0):
    """Frame features that are noise except one frame, whose first channel is +-signal by label."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    x = torch.randn(n, 18, dim, generator=g)
    x[:, frame, 0] += signal * (2 * y - 1)
    return x, y


def planted_headlines(n, seed, vocab=12, word=7, max_len=8):
    """Headlines of 3-8 random words; the popular ones hold the word ``word`` once, at ``pos``."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    lengths = torch.randint(3, max_len + 1, (n,), generator=g)
    tokens = torch.randint(1, vocab - 1, (n, max_len), generator=g)
    tokens[tokens == word] = vocab - 1
    pos = (torch.rand(n, generator=g) * lengths).long()
    tokens[y == 1, pos[y == 1]] = word
    tokens[torch.arange(max_len) >= lengths[:, None]] = 0
    return tokens, lengths, y, pos


def headlines(n=4, length=7, vocab=20, seed=0):
    g = torch.Generator().manual_seed(seed)
    lengths = torch.tensor([length, 3, 1, 5][:n])
    tokens = torch.randint(1, vocab, (n, length), generator=g)
    tokens[torch.arange(length) >= lengths[:, None]] = 0
    return tokens, lengths


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
def test_headline_models_ignore_padding(cls):
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


def test_last_states_are_the_two_directions_at_the_ends():
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


def test_given_word_vectors_are_used_and_stay_frozen():
    vectors = torch.randn(20, 6)
    vectors[0] = 0
    tokens, lengths = headlines()
    y = torch.tensor([0, 1, 0, 1])
    torch.manual_seed(0)
    model = HeadlineAttentionNet(20, 6, 5, 0.0, embeddings=vectors, lstm_hidden=4)
    fit_classifier(model, (tokens, lengths, y), (tokens, lengths, y), ClassifierConfig(epochs=2, batch_size=2))
    assert torch.equal(model.encoder.words.weight, vectors) and not model.encoder.words.weight.requires_grad
    trainable = HeadlineLastNet(20, 6, 5, 0.0, embeddings=vectors, freeze=False, lstm_hidden=4)
    assert trainable.encoder.words.weight.requires_grad
    with pytest.raises(ValueError, match="shape"):
        HeadlineLastNet(21, 6, embeddings=vectors)


# --- shapes and embeddings ------------------------------------------------------------------------

@pytest.mark.parametrize("batch_norm", [False, True])
def test_shapes(batch_norm):
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
    z = torch.cat([video_embedding(frames, x, batch_size=2), text_embedding(words, tokens, lengths, batch_size=2)], 1)
    assert z.shape == (3, 14) and both(z).shape == (3, 2) and both.embed(z).shape == (3, 9)
    assert any(isinstance(m, nn.BatchNorm1d) for m in both.modules()) == batch_norm
    with pytest.raises(ValueError, match=r"\(N, 14\)"):
        both(z[:, :10])
    with pytest.raises(ValueError, match="frame features"):
        frames(torch.randn(3, 18, 11))


def test_embedding_helpers_are_batched_eval_and_frozen():
    torch.manual_seed(0)
    frames = FrameAttentionNet(in_dim=10, embed=6, att_hidden=4, hidden=7, dropout=0.5)
    words = HeadlineLastNet(20, 5, hidden=7, dropout=0.5, lstm_hidden=4)
    x = torch.randn(5, 18, 10)
    tokens, lengths = headlines()
    v = video_embedding(frames, x, batch_size=2)
    d = text_embedding(words, tokens, lengths, batch_size=3)
    assert frames.training and words.training  # the helpers restore the mode
    assert not v.requires_grad and not d.requires_grad
    with torch.no_grad():
        torch.testing.assert_close(v, frames.eval().embed(x)[0])
        torch.testing.assert_close(d, words.eval().embed(tokens, lengths))
    torch.testing.assert_close(video_embedding(FrameMeanNet(in_dim=10), x), x.mean(1))


# --- training -------------------------------------------------------------------------------------

def test_frame_models_learn_a_planted_frame_and_attention_finds_it():
    train, val = planted_frames(256, 10), planted_frames(128, 20)
    config = ClassifierConfig(lr=1e-2, batch_size=64, epochs=30, patience=5, seed=0)
    torch.manual_seed(0)
    model = FrameAttentionNet(in_dim=8, embed=16, att_hidden=8, hidden=16, dropout=0.0)
    history = fit_classifier(model, train, val, config)
    p = predict_proba(model, val[0])
    assert ((p > 0.5) == val[1].numpy()).mean() > 0.9
    with torch.no_grad():
        _, alpha = model.attend(val[0])
    mean_alpha = alpha.mean(0)
    assert int(mean_alpha.argmax()) == 5 and float(mean_alpha[5]) > 3 / 18
    # early stopping kept the epoch with the lowest validation loss
    best = min(history, key=lambda r: r["val_loss"])
    assert best["best"] and sum(r["best"] for r in history) == 1
    assert abs(evaluate(p, val[1], val[1])["accuracy"] - best["val_accuracy"]) < 1e-6

    torch.manual_seed(0)
    baseline = FrameMeanNet(in_dim=8, hidden=16, dropout=0.0)
    fit_classifier(baseline, train, val, config)
    assert ((predict_proba(baseline, val[0]) > 0.5) == val[1].numpy()).mean() > 0.8


def test_headline_attention_learns_a_planted_word_and_points_at_it():
    *train, _ = planted_headlines(256, 10)
    *val, pos = planted_headlines(128, 20)
    torch.manual_seed(0)
    model = HeadlineAttentionNet(12, 8, hidden=8, dropout=0.0, lstm_hidden=8, att_hidden=8)
    fit_classifier(model, tuple(train), tuple(val), ClassifierConfig(lr=1e-2, batch_size=64, epochs=15))
    tokens, lengths, y = val
    assert ((predict_proba(model, (tokens, lengths)) > 0.5) == y.numpy()).mean() > 0.9
    with torch.no_grad():
        _, beta = model.attend(tokens, lengths)
    popular = y == 1
    assert (beta[popular].argmax(1) == pos[popular]).float().mean() > 0.8


def test_same_seed_same_weights():
    train, val = planted_frames(96, 1), planted_frames(32, 2)
    config = ClassifierConfig(lr=1e-2, batch_size=16, epochs=3, patience=3, seed=7)

    def trained(dropout, batch_norm, config):
        torch.manual_seed(3)
        model = FrameAttentionNet(in_dim=8, embed=8, att_hidden=4, hidden=8, dropout=dropout, batch_norm=batch_norm)
        fit_classifier(model, train, val, config)
        return model.state_dict()

    a, b = trained(0.5, True, config), trained(0.5, True, config)
    assert all(torch.equal(a[k], b[k]) for k in a)
    # without dropout only the shuffling is random: another seed, another order, other weights
    c = trained(0.0, False, config)
    d = trained(0.0, False, ClassifierConfig(lr=1e-2, batch_size=16, epochs=3, patience=3, seed=8))
    assert not torch.equal(c["frame.weight"], d["frame.weight"])


def test_early_stopping_restores_the_best_epoch():
    g = torch.Generator().manual_seed(0)
    train = (torch.randn(64, 18, 8, generator=g), torch.randint(0, 2, (64,), generator=g))  # pure noise:
    val = (torch.randn(64, 18, 8, generator=g), torch.randint(0, 2, (64,), generator=g))  # it can only overfit
    torch.manual_seed(0)
    model = FrameMeanNet(in_dim=8, hidden=64, dropout=0.0)
    history = fit_classifier(model, train, val, ClassifierConfig(lr=3e-2, batch_size=16, epochs=40, patience=3))
    losses = [r["val_loss"] for r in history]
    assert len(history) < 40 and losses[-1] > min(losses)  # it stopped, after getting worse
    assert [r["best"] for r in history] == [v == min(losses) for v in losses]
    p = torch.tensor(predict_proba(model, val[0]))
    kept = torch.nn.functional.nll_loss(torch.stack([1 - p, p], 1).log(), val[1]).item()
    assert kept == pytest.approx(min(losses), abs=1e-5)


class Scripted(nn.Module):
    """A classifier whose validation results are set by hand: it reads the label from x[:, 0]
    (+-1) and gets the first ``wrong`` items wrong, with logits of size ``scale``."""

    def __init__(self, wrong, scale):
        super().__init__()
        self.wrong, self.scale = wrong, scale
        self.unused = nn.Parameter(torch.ones(()))  # Adam needs a parameter; lr 0 keeps it

    def forward(self, x):
        sign = x[:, 0].clone()
        sign[:self.wrong] *= -1
        return self.unused * self.scale * torch.stack([-sign, sign], 1)


def test_random_search_selects_by_accuracy_then_loss():
    y = torch.randint(0, 2, (100,), generator=torch.Generator().manual_seed(0))
    data = ((2.0 * y - 1)[:, None], y)
    # wrong=1 has the lowest loss (confident), wrong=0 the best accuracy; scale breaks its tie
    build = lambda wrong, scale: Scripted(wrong, scale if wrong == 0 else 6 * scale)  # noqa: E731
    space = {"wrong": [0, 1, 5], "scale": [0.5, 1.0]}
    base = ClassifierConfig(lr=0.0, epochs=1, batch_size=100)  # one batch: Scripted counts from its start
    model, params, trials = random_search(build, space, data, data, n_trials=10, seed=0, base_config=base)
    drawn = set(zip(trials["wrong"], trials["scale"]))
    assert {(0, 0.5), (0, 1.0), (1, 0.5)} <= drawn  # the draws cover the cases this test needs
    assert trials.loc[trials["val_loss"].idxmin(), "wrong"] != 0
    assert params == {"wrong": 0, "scale": 1.0} and (model.wrong, model.scale) == (0, 1.0)
    assert tuple(trials.iloc[-1][["wrong", "scale"]]) != (0, 1.0)  # not simply the last trial
    assert list(trials["val_accuracy"]) == pytest.approx([1 - w / 100 for w in trials["wrong"]])


def test_random_search_returns_the_best_validation_trial():
    train, val = planted_frames(128, 3, signal=2.0), planted_frames(64, 4, signal=2.0)
    space = {"hidden": [2, 16], "dropout": [0.0, 0.5], "lr": [1e-4, 1e-2], "epochs": [1, 6]}
    base = ClassifierConfig(batch_size=32, patience=3)
    build = lambda hidden, dropout: FrameMeanNet(in_dim=8, hidden=hidden, dropout=dropout)  # noqa: E731
    model, params, trials = random_search(build, space, train, val, n_trials=5, seed=0, base_config=base)
    assert len(trials) == 5 and set(space) <= set(trials.columns)
    assert trials["val_accuracy"].nunique() > 1  # the trials differ, so the choice matters
    ranked = trials.sort_values(["val_accuracy", "val_loss", "trial"], ascending=[False, True, True])
    best = ranked.iloc[0]
    assert params == {k: best[k] for k in space}
    p = predict_proba(model, val[0])
    assert abs(((p > 0.5) == val[1].numpy()).mean() - best["val_accuracy"]) < 1e-6
    assert model.classifier[0].out_features == params["hidden"]
    # the draws are the seeded Generator's
    again = random_search(build, space, train, val, n_trials=5, seed=0, base_config=base)[2]
    assert again[list(space)].equals(trials[list(space)])


def test_evaluate_by_hand():
    p = np.array([0.9, 0.2, 0.6, 0.4, 0.5])
    y = np.array([1, 0, 0, 0, 1])
    views = np.array([3.0, 0.1, 2.0, 0.5, 1.0])
    out = evaluate(p, y, views)
    assert out["accuracy"] == pytest.approx(3 / 5)  # 0.6 -> popular (wrong), 0.5 -> unpopular (wrong)
    # ranks of p: 5 1 4 2 3; of views: 5 1 4 2 3 -> identical order, rho = 1
    assert out["spearman"] == pytest.approx(1.0)
    views2 = np.array([1.0, 2.0, 3.0, 4.0, 5.0])  # ranks 1..5 against 5 1 4 2 3
    d = np.array([5, 1, 4, 2, 3]) - np.arange(1, 6)
    assert evaluate(p, y, views2)["spearman"] == pytest.approx(1 - 6 * (d ** 2).sum() / (5 * (25 - 1)))
    assert np.isnan(evaluate(np.full(5, 0.7), y, views)["spearman"])
