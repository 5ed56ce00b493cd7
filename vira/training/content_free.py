"""Content-free baselines: what a popularity label gives to a model that sees no content.

Pay Attention to Virality's label (§2) divides a video's views by its creator's followers and
splits the ratio at its median. A classifier of the *content* (captions, frames) is only worth
its accuracy where it beats models that see no content at all, on the same test videos:

* :func:`follower_only` -- the creator's follower count alone (a logistic regression on
  ``log10(followers)``). The ratio has the follower count in its denominator, so this is the
  baseline the label itself invites;
* :func:`identity_only` -- who posted it alone: each creator's (or page's) share of popular
  videos among the training videos, shrunk towards the overall share (scikit-learn's
  ``TargetEncoder``, ``smooth="auto"``); a creator the training part never saw gets the overall
  share;
* :func:`plus_followers` -- a content model given the follower count as well: a logistic
  regression on the content model's logit and ``log10(followers)``, fitted on the validation part
  (late fusion: the content model itself is trained as before, without the follower count).

and :func:`group_split_indices`, a train / validation / test split in which no creator appears in
two parts, so that a model cannot score by recognising a creator it saw in training.

Every function returns P(popular) for the test videos, shape ``(N_test,)``, scored by
:func:`vira.training.pay_attention.evaluate` like the content models. Used by chapter 8.
"""

from __future__ import annotations

import numpy as np

__all__ = ["follower_only", "identity_only", "plus_followers", "group_split_indices"]


def _labels(y, name: str) -> np.ndarray:
    y = np.asarray(y).ravel()
    if set(np.unique(y).tolist()) != {0, 1}:
        raise ValueError(f"{name} must hold both labels 0 and 1, got {sorted(set(y.tolist()))}")
    return y


def _log_followers(followers, name: str) -> np.ndarray:
    f = np.asarray(followers, dtype=float).ravel()
    bad = np.flatnonzero(~(f > 0))
    if len(bad):
        raise ValueError(f"{name}: follower counts must be positive numbers; item {bad[0]} is {f[bad[0]]}")
    return np.log10(f)[:, None]


def _same_length(**arrays) -> None:
    lengths = {k: len(np.asarray(v).ravel()) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError("lengths differ: " + ", ".join(f"{k} {n}" for k, n in lengths.items()))


def follower_only(train_followers, train_y, test_followers) -> np.ndarray:
    """P(popular) from the creator's follower count alone: ``LogisticRegression`` (scikit-learn
    defaults) on ``log10(followers)``, fitted on the training videos. Used by chapter 8."""
    from sklearn.linear_model import LogisticRegression

    _same_length(train_followers=train_followers, train_y=train_y)
    y = _labels(train_y, "train_y")
    model = LogisticRegression().fit(_log_followers(train_followers, "train_followers"), y)
    return model.predict_proba(_log_followers(test_followers, "test_followers"))[:, 1]


def identity_only(train_ids, train_y, test_ids, seed: int = 0) -> np.ndarray:
    """P(popular) from who posted the video alone: the creator's share of popular training
    videos, shrunk towards the overall share by scikit-learn's ``TargetEncoder`` (binary target,
    ``smooth="auto"``, fitted on the training videos without cross-fitting); an id absent from
    the training videos gets the overall share. Used by chapter 8."""
    from sklearn.preprocessing import TargetEncoder

    _same_length(train_ids=train_ids, train_y=train_y)
    y = _labels(train_y, "train_y")
    as_column = lambda ids: np.asarray(ids).astype(str).reshape(-1, 1)  # noqa: E731
    encoder = TargetEncoder(target_type="binary", random_state=seed).fit(as_column(train_ids), y)
    return encoder.transform(as_column(test_ids)).ravel()


def plus_followers(val_p, val_followers, val_y, test_p, test_followers) -> np.ndarray:
    """P(popular) of a content model given the follower count as well (late fusion):
    ``LogisticRegression`` on ``[logit(p), log10(followers)]``, fitted on the validation videos
    (``val_p``: the content model's P(popular) there) and applied to the test videos. The
    probabilities are clipped to [1e-6, 1 - 1e-6] before the logit. Used by chapter 8."""
    from sklearn.linear_model import LogisticRegression

    _same_length(val_p=val_p, val_followers=val_followers, val_y=val_y)
    _same_length(test_p=test_p, test_followers=test_followers)
    y = _labels(val_y, "val_y")

    def features(p, followers, name):
        p = np.clip(np.asarray(p, dtype=float).ravel(), 1e-6, 1 - 1e-6)
        return np.column_stack([np.log(p / (1 - p)), _log_followers(followers, name)])

    model = LogisticRegression().fit(features(val_p, val_followers, "val_followers"), y)
    return model.predict_proba(features(test_p, test_followers, "test_followers"))[:, 1]


def group_split_indices(groups, seed: int, test_size: float = 0.1,
                        val_size: float = 0.1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A train / validation / test split (about 80/10/10 of the *groups*) in which every group
    (creator, page) lies in one part only: three sorted index arrays.

    scikit-learn's ``GroupShuffleSplit`` draws the test groups first, then the validation groups
    from the rest. The parts' sizes in videos vary with the groups drawn; the label balance is not
    stratified. The same groups and seed always give the same split. Used by chapter 8."""
    from sklearn.model_selection import GroupShuffleSplit

    if not (0 < test_size < 1 and 0 < val_size < 1 and test_size + val_size < 1):
        raise ValueError(f"test_size {test_size} and val_size {val_size} must be in (0, 1) with a sum below 1")
    g = np.asarray(groups).astype(str).ravel()
    if len(np.unique(g)) < 3:
        raise ValueError(f"groups: {len(np.unique(g))} distinct groups cannot fill three parts")
    everything = np.arange(len(g))
    rest, test = next(GroupShuffleSplit(1, test_size=test_size, random_state=seed).split(everything, groups=g))
    train, val = next(GroupShuffleSplit(1, test_size=val_size / (1 - test_size), random_state=seed)
                      .split(rest, groups=g[rest]))
    return np.sort(rest[train]), np.sort(rest[val]), np.sort(test)
