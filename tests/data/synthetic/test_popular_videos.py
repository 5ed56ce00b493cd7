"""vira.data.synthetic.popular_videos: the planted cue and words, the paper's label and frame times, the oracle."""

import numpy as np
import pytest
from scipy import stats

from vira.data.synthetic.popular_videos import (CUE_EFFECT, CUE_RUN, HOT_WORDS, NOISE, WORD_EFFECT, PopularVideos,
                                      frame_times)
from vira.data.synthetic.render import CUE_COLOUR


def test_frame_times_by_hand():
    np.testing.assert_allclose(frame_times(10.0, n=3), [1.0, 3.0, 5.0])  # first 6 s: slices of 2 s
    np.testing.assert_allclose(frame_times(3.0, n=3), [0.5, 1.5, 2.5])  # shorter: the whole video
    with pytest.raises(ValueError, match="duration"):
        frame_times(0.0)


@pytest.fixture(scope="module")
def videos():
    return PopularVideos(40, seed=3, size=64)


def test_table_label_is_the_median_split_of_views_over_followers(videos):
    t = videos.table
    ratio = t.views / t.followers
    np.testing.assert_allclose(t.ratio, ratio)
    assert (t.label == (ratio > np.median(ratio)).astype(int)).all()
    assert PopularVideos(40, seed=3, size=64).table.headline.tolist() == t.headline.tolist()


def test_hot_words_sit_where_the_table_says(videos):
    for headline, pos, n in zip(videos.table.headline, videos.table.hot_positions, videos.table.n_hot):
        words = headline.split()
        assert len(pos) == n and 6 + n <= len(words) <= 14 + n
        assert [i for i, w in enumerate(words) if w in HOT_WORDS] == pos


def test_the_cue_is_drawn_in_its_box_in_its_frames_only(videos):
    t = videos.table
    i = int(np.flatnonzero(t.cue == 1)[0])
    frames = videos.frames(i).numpy()
    mask = videos.cue_mask(i)
    assert frames.shape == (18, 64, 64, 3) and mask.sum() == CUE_RUN
    x0, y0, x1, y1 = t.box.iat[i]
    magenta = (np.abs(frames.astype(int) - np.array(CUE_COLOUR) * 255).sum(-1) < 10)
    cy, cx = int((y0 + y1) / 2 * 64), int((x0 + x1) / 2 * 64)
    assert magenta[mask, cy, cx].all() and not magenta[~mask].any()
    j = int(np.flatnonzero(t.cue == 0)[0])
    assert not videos.cue_mask(j).any()


def test_oracle_by_hand(videos):
    t = videos.table
    m = np.median(np.log(t.ratio))
    o = videos.oracle()
    k = int(np.flatnonzero((t.cue == 1) & (t.n_hot == 2))[0]) if ((t.cue == 1) & (t.n_hot == 2)).any() else 0
    c, n = t.cue.iat[k], t.n_hot.iat[k]
    assert o.both.iat[k] == pytest.approx(stats.norm.cdf((CUE_EFFECT * c + WORD_EFFECT * n - m) / NOISE))
    # frames only: average over n_hot ~ Binomial(2, 0.35)
    pk = [0.65 ** 2, 2 * 0.35 * 0.65, 0.35 ** 2]
    want = sum(w * stats.norm.cdf((CUE_EFFECT * c + WORD_EFFECT * kk - m) / NOISE) for kk, w in enumerate(pk))
    assert o.frames.iat[k] == pytest.approx(want)
    assert ((o.both > 0.5) == (t.label == 1)).mean() > 0.6  # the truth predicts the label


def test_too_few_videos_is_refused_by_the_dancers():
    with pytest.raises(ValueError, match="at least 8 videos, got 4"):
        PopularVideos(4)
