"""The viewer-session simulator (chapter 6): closed forms against simulation, determinism, inputs."""

import numpy as np
import pytest

from vira import video_features
from vira.data.synthetic import viewer_sessions
from vira.data.synthetic.viewer_sessions import SessionModel, ViewerSessions
from vira.engagement import awt, ecr
from vira.video_features import FEATURES

SMOKE = {"n_videos": 400, "sessions": 300}  # the smoke preset's sizes


@pytest.mark.parametrize("hook,interest,duration", [(0.0, 0.0, 30.0), (1.0, 1.0, 10.0),
                                                    (-1.0, 2.0, 60.0), (2.0, -1.0, 15.0)])
def test_closed_form_awt_and_ecr_match_a_large_simulation(hook, interest, duration):
    model = SessionModel()
    w = model.sessions(hook, interest, duration, 400_000, np.random.default_rng(0))
    awt, ecr = model.expected(hook, interest, duration)
    assert w.mean() == pytest.approx(awt, rel=0.01)
    assert (w > 5).mean() == pytest.approx(ecr, abs=0.003)


def test_swipe_only_and_no_replay_limits_by_hand():
    # nobody stays: E[min(Exp(mean 1.5), 10)] = 1.5 (1 - e^{-10/1.5}); ECR = e^{-5/1.5}
    m = SessionModel(stay_logit=-50.0)
    awt, ecr = m.expected(0.0, 0.0, 10.0)
    assert awt == pytest.approx(1.5 * (1 - np.exp(-10 / 1.5)))
    assert ecr == pytest.approx(np.exp(-5 / 1.5))
    # everybody stays, nobody replays: E[min(Exp(rate 1/20), 30)] = 20 (1 - e^{-1.5})
    m = SessionModel(stay_logit=50.0, replay_logit=-50.0)
    awt, ecr = m.expected(0.0, 0.0, 30.0)
    assert awt == pytest.approx(20 * (1 - np.exp(-1.5)))
    assert ecr == pytest.approx(np.exp(-0.25))


def test_table_is_deterministic_and_watch_times_reproduce_its_metrics():
    a, b = ViewerSessions(**SMOKE, seed=3), ViewerSessions(**SMOKE, seed=3)
    assert a.table.equals(b.table)
    assert not a.table.equals(ViewerSessions(**SMOKE, seed=4).table)
    for i in (0, 17):
        w = a.watch_times(i)
        assert w.shape == (300,) and len(a) == 400
        assert w.mean() == a.table.awt.iat[i] and (w > 5).mean() == a.table.ecr.iat[i]
        assert awt(w) == a.table.awt.iat[i] and ecr(w) == a.table.ecr.iat[i]
    t = a.table
    assert t.duration.between(10, 60).all() and (t.views > 2000).all()
    assert ((t.nawp >= 0) & (t.nawp <= 1)).all() and (t.awp > 1).any()  # replays exist
    assert set(t.split) == {"train", "test"}


def test_clip_features_count_clips_and_carry_the_hook_only_in_the_opening():
    v = ViewerSessions(**SMOKE, seed=0)
    i = int(np.argmax(v.table.duration))
    x = v.clip_features(i)
    assert x.shape == (int(round(v.table.duration.iat[i] * 30)) // 16, len(FEATURES))
    assert np.array_equal(x, v.clip_features(i))
    motion = FEATURES.index("motion")
    first = np.array([v.clip_features(k)[0, motion] for k in range(len(v))])
    late = np.array([v.clip_features(k)[15, motion] for k in range(len(v))])  # 8 s in
    assert np.corrcoef(first, v.table.hook)[0, 1] > 0.3
    assert abs(np.corrcoef(late, v.table.hook)[0, 1]) < 0.15
    batch = v.inputs([0, i])
    assert batch["clips"].shape[1] == x.shape[0] and batch["mask"][1].all()
    assert batch["mask"][0].sum() == v.n_clips(0)


def test_sizes_are_plain_arguments():
    small = ViewerSessions(n_videos=200, sessions=20, seed=0)
    assert len(small) == 200 and (small.table.sessions == 20).all()
    with pytest.raises(ValueError, match="n_videos='huge'"):
        ViewerSessions("huge", 300)
    with pytest.raises(ValueError, match="sessions=0"):
        ViewerSessions(10, 0)


def test_the_feature_list_is_the_extractors():
    assert viewer_sessions.FEATURES is video_features.FEATURES
    assert (viewer_sessions.FPS, viewer_sessions.CLIP_FRAMES) == (video_features.FPS, video_features.CLIP_FRAMES)
