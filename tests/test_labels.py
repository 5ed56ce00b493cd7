"""vira.labels against values worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from vira.labels import (CONSTANT_GROUP_SCORE, follower_normalized_binary, minmax_by_group,
                         vdv_raw, viral_vision_binary, viral_vision_score)


def test_vdv_raw_by_hand():
    # (3+0+0+1)/clip(0.5)=4/1 -> 2 ; (6+1+0+1)/2 = 4 -> 2 ; (14+1+0+1)/clip(30)=16/7 -> 4 - log2(7)
    got = vdv_raw(likes=[3, 6, 14], comments=[0, 1, 1], reposts=[0, 0, 0], days=[0.5, 2, 30])
    np.testing.assert_allclose(got, [2.0, 2.0, 4 - math.log2(7)], rtol=1e-12)


def test_vdv_raw_zero_counts_and_pandas():
    s = pd.Series([0, 0], index=["a", "b"])
    np.testing.assert_allclose(vdv_raw(s, s, s, pd.Series([7, 1], index=["a", "b"])),
                               [-math.log2(7), 0.0])


def test_minmax_by_group_ties_and_single_video_groups():
    got = minmax_by_group([1, 3, 2, 5, 5, 7], ["a", "a", "a", "b", "b", "c"])
    np.testing.assert_allclose(got, [0, 1, 0.5, CONSTANT_GROUP_SCORE, CONSTANT_GROUP_SCORE,
                                     CONSTANT_GROUP_SCORE])
    assert CONSTANT_GROUP_SCORE == 0.5
    # negative raw scores are fine (log2 of a ratio below one); groups may be numbers
    np.testing.assert_allclose(minmax_by_group([-2.0, 0.0, 2.0, 1.0], [1, 1, 1, 2]), [0, 0.5, 1, 0.5])


def test_minmax_by_group_rejects_nan_and_length_mismatch():
    with pytest.raises(ValueError, match="values: value nan at position 1"):
        minmax_by_group([1.0, np.nan], [0, 0])
    with pytest.raises(ValueError, match="differ in length"):
        minmax_by_group([1.0, 2.0], [0])


E = math.e


def test_viral_vision_score_by_hand():
    # log1p(e^k - 1) = k. Comments' logs 0..3: median 1.5, IQR 2.25 - 0.75 = 1.5 -> scaled -1, -1/3, 1/3, 1.
    # Likes reversed -> 1, 1/3, -1/3, -1. Plays and shares constant -> scaled 0 (IQR 0 -> scale 1).
    # raw = 0.1 c + 0.4 l = 0.3, 0.1, -0.1, -0.3 -> min-max 1, 2/3, 1/3, 0.
    comments = [E**k - 1 for k in (0, 1, 2, 3)]
    likes = comments[::-1]
    got = viral_vision_score(comments, likes, plays=[5] * 4, shares=[9] * 4)
    np.testing.assert_allclose(got, [1, 2 / 3, 1 / 3, 0], atol=1e-12)
    same = viral_vision_score(comments, comments, comments, comments)  # weights sum to 1
    np.testing.assert_allclose(same, [0, 1 / 3, 2 / 3, 1], atol=1e-12)


def test_viral_vision_score_all_zero_counts_is_constant_not_nan():
    got = viral_vision_score([0, 0], [0, 0], [0, 0], [0, 0])
    np.testing.assert_array_equal(got, [CONSTANT_GROUP_SCORE] * 2)


def test_viral_vision_binary_strictly_above_every_median():
    comments = [1, 2, 3, 4]  # median 2.5 -> above: 0 0 1 1
    likes = [1, 2, 2, 3]  # median 2 (a tie at the median is not above) -> 0 0 0 1
    plays = [10, 20, 30, 40]
    shares = [4, 3, 2, 1]  # median 2.5 -> above: 1 1 0 0 ... so nobody is above on all four
    assert viral_vision_binary(comments, likes, plays, shares).tolist() == [0, 0, 0, 0]
    assert viral_vision_binary(comments, likes, plays, plays).tolist() == [0, 0, 0, 1]
    assert viral_vision_binary(comments, comments, comments, comments).dtype.kind == "i"


def test_follower_normalized_binary_by_hand():
    # ratios 1, 10, 0.5, 5 -> median 3 -> 0 1 0 1
    got = follower_normalized_binary(views=[10, 100, 50, 5], followers=[10, 10, 100, 1])
    assert got.tolist() == [0, 1, 0, 1]
    # at the median is unpopular: ratios 1, 2, 3 -> median 2 -> 0 0 1
    assert follower_normalized_binary([1, 2, 3], [1, 1, 1]).tolist() == [0, 0, 1]


@pytest.mark.parametrize("call, message", [
    (lambda: vdv_raw([1, 2, -3], [0, 0, 0], [0, 0, 0], [1, 1, 1]), r"likes: value -3.0 at position 2"),
    (lambda: vdv_raw([1], [np.nan], [0], [1]), r"comments: value nan at position 0"),
    (lambda: vdv_raw([1], [0], [0], [np.inf]), r"days: value inf at position 0"),
    (lambda: vdv_raw([1, 2], [0], [0], [1]), r"differ in length"),
    (lambda: viral_vision_score([1], [1], ["x"], [1]), r"plays: not numeric"),
    (lambda: viral_vision_binary([1], [1], [1], [[1]]), r"shares: expected a 1-D array"),
    (lambda: follower_normalized_binary([1, 2], [3, 0]), r"followers: value 0.0 at position 1 .*positive"),
    (lambda: follower_normalized_binary(pd.Series([1, -1], index=[10, 11]), [1, 1]),
     r"views: value -1.0 at position 1 \(index 11\)"),
])
def test_bad_inputs_name_argument_and_position(call, message):
    with pytest.raises(ValueError, match=message):
        call()
