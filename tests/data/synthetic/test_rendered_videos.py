"""vira.data.synthetic.rendered_videos: Fig. 2 marginals, the viral share, the content dial and its oracle."""

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from vira.data.synthetic.rendered_videos import (FIG2, METRICS, VIRAL_SHARE, RenderedClips, RenderedVideos,
                                       count_quantile, shared_factor_for_viral_share, viral_share)


def test_the_quantile_function_passes_through_fig_2():
    for m in METRICS:
        z = stats.norm.ppf([0.25, 0.5, 0.75])
        np.testing.assert_allclose(count_quantile(m, z), FIG2.loc[m, ["q25", "q50", "q75"]].to_numpy(float))
        top = count_quantile(m, stats.norm.ppf(1 - 1 / 7543))
        assert top == pytest.approx(FIG2.loc[m, "max"])
        grid = count_quantile(m, np.linspace(-4, 5, 200))
        assert (np.diff(grid) > 0).all()  # increasing
    # between two knots log(count) is linear in z: the midpoint in z is the geometric mean
    z0, z1 = 0.0, stats.norm.ppf(0.75)
    assert count_quantile("likes", (z0 + z1) / 2) == pytest.approx(np.sqrt(78_600 * 258_675))
    with pytest.raises(ValueError, match="unknown metric 'views'"):
        count_quantile("views", 0.0)


def test_viral_share_limits_and_monte_carlo():
    assert viral_share(1e-12) == pytest.approx(1 / 16)  # four independent coin flips
    assert viral_share(1 - 1e-9) == pytest.approx(0.5, abs=1e-3)  # one shared coin
    r = shared_factor_for_viral_share()
    assert viral_share(r) == pytest.approx(VIRAL_SHARE, abs=1e-9)
    rng = np.random.default_rng(0)
    v, e = rng.normal(size=(200_000, 1)), rng.normal(size=(200_000, 4))
    z = np.sqrt(r) * v + np.sqrt(1 - r) * e
    assert (z > 0).all(1).mean() == pytest.approx(VIRAL_SHARE, abs=0.005)
    with pytest.raises(ValueError, match="between 1/16 and 1/2"):
        shared_factor_for_viral_share(0.6)


@pytest.fixture(scope="module")
def videos():
    return {d: RenderedVideos(400, dial=d, seed=1, size=32) for d in (0.0, 1.0)}


def test_table_is_deterministic_with_paper_marginals_and_labels(videos):
    a = videos[0.0]
    b = RenderedVideos(400, dial=0.0, seed=1, size=32)
    assert a.table.equals(b.table)
    assert not a.table.equals(RenderedVideos(400, dial=0.0, seed=2, size=32).table)
    kept = a.table[a.table.kept]
    assert kept.frames.min() >= 100 and (a.table.frames < 100).sum() == len(a) - len(kept)
    assert kept.score.min() == 0 and kept.score.max() == 1 and a.table.score[~a.table.kept].isna().all()
    for m in METRICS:  # medians of 400 videos within 35% of the paper's
        assert abs(np.log(kept[m].median() / FIG2.loc[m, "q50"])) < 0.35
    assert abs(kept.viral.astype(float).mean() - VIRAL_SHARE) < 0.07


def test_the_dial_sets_how_much_counts_follow_content(videos):
    for dial, lo, hi in [(0.0, -0.15, 0.15), (1.0, 0.8, 1.0)]:
        t = videos[dial].table
        rho = stats.spearmanr(t.content, t.plays).statistic
        assert lo < rho < hi, (dial, rho)
    # the content is the mean of the three visible latents, scaled to unit variance
    t = videos[0.0].table
    np.testing.assert_allclose(t.content, (t.face + t.scene + t.move) / np.sqrt(3))
    assert 0.8 < t.move.std() < 1.2 and abs(t.move.mean()) < 0.2


def test_oracle_is_chance_at_dial_0_and_near_perfect_at_1(videos):
    o0 = videos[0.0].oracle()
    assert np.allclose(o0.p_viral, VIRAL_SHARE) and np.ptp(o0.score) < 1e-9
    v1 = videos[1.0]
    o1 = v1.oracle()
    kept = v1.table.loc[v1.kept]
    assert roc_auc_score(kept.viral.astype(int), o1.p_viral) > 0.95
    assert stats.spearmanr(kept.score, o1.score).statistic > 0.95


def test_frames_and_clips(videos):
    v = videos[1.0]
    i = int(v.kept[0])
    f = v.frames(i, 5, 8)
    assert f.shape == (8, 32, 32, 3) and str(f.dtype) == "torch.uint8"
    assert (f == v.frames(i, 5, 8)).all()
    with pytest.raises(ValueError, match="outside its"):
        v.frames(i, int(v.table.frames.iat[i]))
    clips = RenderedClips(v, v.kept[:3], target="viral", n_frames=8, random_start=True, seed=0)
    x, y = clips[0]
    assert x.shape == (3, 8, 32, 32) and float(y) in (0.0, 1.0)
    x2, _ = clips[0]  # the second read draws a new start
    fresh = RenderedClips(v, v.kept[:3], target="viral", n_frames=8, random_start=True, seed=0)
    assert (fresh[0][0] == x).all()  # reproducible from the seed
    short = np.flatnonzero(~v.table.kept.to_numpy())
    if len(short):
        with pytest.raises(ValueError, match="fewer than 100 frames"):
            RenderedClips(v, short[:1])
    with pytest.raises(ValueError, match="unknown target"):
        RenderedClips(v, v.kept[:3], target="views")
