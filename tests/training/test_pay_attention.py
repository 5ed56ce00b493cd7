"""Training and the evaluation protocol of "Pay Attention to Virality" (Bielski & Trzcinski 2018,
§2-3), on the networks and on the Facebook features (vira.training.pay_attention)."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.stats import spearmanr
from torch import nn

from vira.data import data_dir
from vira.data.real.facebook import FEATURES, load_facebook, popularity_table, split_indices
from vira.models.pay_attention import FrameAttentionNet, FrameMeanNet, HeadlineAttentionNet, HeadlineLastNet
from vira.training.pay_attention import (FEATURE_MODELS, ClassifierConfig, classify_facebook, evaluate,
                                         feature_model, fit_classifier, permutation_importances,
                                         predict_proba, random_search, text_embedding, video_embedding)


pytestmark = pytest.mark.usefixtures("one_thread")


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




# --- embeddings of trained models ----------------------------------------------------------------

def test_embedding_helpers_are_batched_eval_and_frozen(headlines):
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


def test_given_word_vectors_are_used_and_stay_frozen(headlines):
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


# --- the same protocol on the Facebook features ----------------------------------------------------

def planted(n=1000, seed=0, shuffle=False):
    """Random features; the label is whether one feature (duration) is above its median."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(rng.normal(size=(n, len(FEATURES))), columns=list(FEATURES))
    table["ratio"] = np.exp(2 * table["general.duration"])
    table["label"] = (table.ratio > table.ratio.median()).astype(int)
    if shuffle:
        order = rng.permutation(n)
        table[["ratio", "label"]] = table[["ratio", "label"]].to_numpy()[order]
    return table


def test_classify_facebook_finds_a_planted_feature_and_nothing_in_noise():
    result = classify_facebook(planted())
    assert list(result.columns) == ["model", "seed", "accuracy", "spearman", "n_train", "n_test"]
    assert len(result) == 6 and set(result.model) == set(FEATURE_MODELS) and (result.n_test == 100).all()
    means = result.groupby("model")[["accuracy", "spearman"]].mean()
    assert (means.accuracy > 0.95).all(), means
    # boosting's probabilities saturate near 0 and 1 (ties), so its rank correlation is lower
    assert (means.spearman > 0.6).all() and means.spearman["logistic"] > 0.95, means
    noise = classify_facebook(planted(shuffle=True)).groupby("model")[["accuracy", "spearman"]].mean()
    assert (abs(noise.accuracy - 0.5) < 0.12).all(), noise
    assert (abs(noise.spearman) < 0.2).all(), noise
    pd.testing.assert_frame_equal(result, classify_facebook(planted()))  # deterministic


def test_permutation_importances_rank_the_planted_feature_first():
    for model in FEATURE_MODELS:
        imp = permutation_importances(planted(), model, seed=0)
        assert list(imp.columns) == ["feature", "importance_mean", "importance_std"]
        assert len(imp) == 28 and imp.feature.iat[0] == "general.duration"
        assert imp.importance_mean.iat[0] > 0.3 and abs(imp.importance_mean.iat[1]) < 0.05
    with pytest.raises(ValueError, match="unknown model 'svm'"):
        permutation_importances(planted(), "svm")
    with pytest.raises(ValueError, match="lacks column"):
        classify_facebook(planted().drop(columns=["ratio"]))


def test_evaluate_is_the_facebook_protocol_by_hand():
    """classify_facebook's numbers are evaluate's on the same split, fitted by hand."""
    table = planted(n=400, seed=5)
    got = classify_facebook(table, seeds=(3,), models=("logistic",))
    x, y, ratio = table[list(FEATURES)].to_numpy(), table.label.to_numpy(), table.ratio.to_numpy()
    train, _, test = split_indices(y, 3)
    p = feature_model("logistic").fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    assert got.accuracy.iat[0] == np.mean((p > 0.5) == y[test])
    assert got.spearman.iat[0] == spearmanr(p, ratio[test]).statistic
    assert (got.n_train.iat[0], got.n_test.iat[0]) == (len(train), len(test))


def test_classify_the_real_facebook_videos():
    folder = data_dir("facebook_2015")
    if folder is None:
        pytest.skip("VIRA_DATA with facebook_2015/ is not available")
    table = popularity_table(load_facebook(folder / "visual_features_96h.csv"), verbose=False)
    result = classify_facebook(table, seeds=(0,))
    assert result.accuracy.between(0.3, 0.8).all() and np.isfinite(result.spearman).all()
