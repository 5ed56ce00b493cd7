"""vira.training.content_free: the content-free baselines of chapter 8, checked by hand."""

import numpy as np
import pytest

from vira.training.content_free import follower_only, group_split_indices, identity_only, plus_followers


def test_follower_only_follows_the_label_direction():
    # small audiences popular, large ones not: P(popular) must fall with followers
    followers = np.array([10, 20, 30, 40, 1e4, 2e4, 3e4, 4e4])
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0])
    p = follower_only(followers, y, [15, 1e3, 3.5e4])
    assert p[0] > 0.5 > p[2] and p[0] > p[1] > p[2]


def test_identity_only_is_the_empirical_bayes_share_by_hand():
    # author a: 3 of 4 popular; b: 0 of 2; c is never seen in training
    ids = ["a", "a", "a", "a", "b", "b"]
    y = np.array([1, 1, 1, 0, 0, 0])
    p = identity_only(ids, y, ["a", "b", "c"])
    prior, tau2 = y.mean(), y.var()  # overall share 0.5 and its variance 0.25
    # scikit-learn's smooth="auto": lambda = n / (n + var_within / var_overall)
    lam_a = 4 / (4 + (0.75 * 0.25) / tau2)        # a's within variance 0.1875
    lam_b = 2 / (2 + 0.0 / tau2)                   # b has no spread: its own share, 0
    assert p[0] == pytest.approx(lam_a * 0.75 + (1 - lam_a) * prior)
    assert p[1] == pytest.approx(lam_b * 0.0 + (1 - lam_b) * prior)
    assert p[2] == pytest.approx(prior)            # an unseen author gets the overall share


def test_plus_followers_keeps_a_perfect_content_model_and_adds_followers():
    rng = np.random.default_rng(0)
    n = 400
    followers = 10 ** rng.uniform(1, 6, n)
    y = (rng.random(n) < 1 / (1 + followers / 1e3)).astype(int)  # the label tracks small audiences
    noise_p = np.full(n, 0.5) + 0.01 * rng.standard_normal(n)    # a content model that knows nothing
    fused = plus_followers(noise_p[:200], followers[:200], y[:200], noise_p[200:], followers[200:])
    alone = follower_only(followers[:200], y[:200], followers[200:])
    acc = lambda p: np.mean((p > 0.5) == y[200:])  # noqa: E731
    assert acc(fused) == pytest.approx(acc(alone), abs=0.03)  # nothing to add: the followers decide
    perfect = np.where(y == 1, 0.9, 0.1)
    assert acc(plus_followers(perfect[:200], followers[:200], y[:200], perfect[200:], followers[200:])) == 1.0


def test_group_split_keeps_every_group_in_one_part_and_every_item_once():
    rng = np.random.default_rng(1)
    groups = rng.integers(0, 60, 500).astype(str)
    train, val, test = group_split_indices(groups, seed=3)
    assert np.array_equal(np.sort(np.concatenate([train, val, test])), np.arange(500))
    parts = [set(groups[i]) for i in (train, val, test)]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert 0.05 < len(test) / 500 < 0.2 and 0.05 < len(val) / 500 < 0.2
    again = group_split_indices(groups, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    assert not np.array_equal(group_split_indices(groups, seed=4)[2], test)


@pytest.mark.parametrize("call, complaint", [
    (lambda: follower_only([1, 2, 3], [1, 0], [5]), "lengths differ: train_followers 3, train_y 2"),
    (lambda: follower_only([1, 0, 3], [1, 0, 1], [5]), "train_followers: .* item 1 is 0.0"),
    (lambda: follower_only([1, 2, 3], [1, 1, 1], [5]), "train_y must hold both labels"),
    (lambda: identity_only(["a"], [1, 0], ["a"]), "lengths differ"),
    (lambda: plus_followers([0.5, 0.5], [1, 2], [0, 1], [0.5], [-1]), "test_followers: .* item 0 is -1.0"),
    (lambda: group_split_indices(["a", "a", "b"], seed=0), "2 distinct groups cannot fill three parts"),
    (lambda: group_split_indices(["a", "b", "c"], seed=0, test_size=0.6, val_size=0.5), "sum below 1"),
])
def test_bad_input_is_refused_by_name(call, complaint):
    with pytest.raises(ValueError, match=complaint):
        call()
