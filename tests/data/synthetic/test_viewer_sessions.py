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


# --- the difficulty dial (chapter 6) -------------------------------------------------------

def test_signal_one_keeps_the_chapters_features_and_the_dial_changes_only_the_features():
    v = ViewerSessions(**SMOKE, seed=0)
    i = 5
    row = v.table.iloc[i]
    # the features at signal 1, written out by hand from the module docstring
    rng = np.random.default_rng([0, 6, 2, i])
    t = (np.arange(v.n_clips(i)) + 0.5) * 16 / 30
    load = np.zeros((len(t), len(FEATURES)))
    for name in ("motion", "colourfulness", "cuts"):
        load[:, FEATURES.index(name)] = 0.8 * row.hook * (t < 3.0)
    for name in ("sharpness", "contrast", "saturation", "motion_change"):
        load[:, FEATURES.index(name)] = 0.4 * row.interest
    style = 0.5 * rng.standard_normal(len(FEATURES))
    assert np.array_equal(v.clip_features(i), (load + style + rng.standard_normal(load.shape)).astype(np.float32))
    off = v.with_signal(0.0)
    assert off.table is v.table and v.signal == 1.0 and off.signal == 0.0
    noise = v.clip_features(i) - load.astype(np.float32)
    assert np.allclose(off.clip_features(i), noise, atol=1e-6)  # signal 0: style and noise only
    half = v.with_signal(0.5).clip_features(i)
    assert np.allclose(half, noise + 0.5 * load, atol=1e-6)
    for bad in (-0.1, float("nan"), "high", True):
        with pytest.raises(ValueError, match="signal="):
            v.with_signal(bad)


def test_latent_posterior_equals_conditioning_on_every_clip_feature():
    v = ViewerSessions(**SMOKE, seed=1)
    rho = v.model.hook_interest_corr
    P = np.array([[1.0, rho], [rho, 1.0]])
    for signal in (1.0, 0.3):
        w = v.with_signal(signal)
        for i in (0, 9):
            x = w.clip_features(i).astype(float)  # (T, 8)
            T, F = x.shape
            t = (np.arange(T) + 0.5) * 16 / 30
            B = np.zeros((T, F, 2))  # every clip's and feature's loading on (hook, interest), by hand
            for name in ("motion", "colourfulness", "cuts"):
                B[:, FEATURES.index(name), 0] = signal * 0.8 * (t < 3.0)
            for name in ("sharpness", "contrast", "saturation", "motion_change"):
                B[:, FEATURES.index(name), 1] = signal * 0.4
            B = B.reshape(T * F, 2)
            same_feature = np.equal.outer(np.tile(np.arange(F), T), np.tile(np.arange(F), T))
            cov = B @ P @ B.T + 0.25 * same_feature + np.eye(T * F)  # style shared within a feature
            gain = P @ B.T @ np.linalg.inv(cov)
            mean, post = w.latent_posterior(i)
            assert np.allclose(mean, gain @ x.reshape(-1), atol=1e-10)
            assert np.allclose(post, P - gain @ B @ P, atol=1e-10)
    # no signal: the posterior is the prior
    mean, post = v.with_signal(0.0).latent_posterior(3)
    assert np.allclose(mean, 0.0) and np.allclose(post, P)


def test_the_posterior_is_calibrated_and_the_feature_oracle_falls_with_the_signal():
    v = ViewerSessions(n_videos=300, sessions=50, seed=2)
    idx = np.arange(300)
    z = []
    for i in idx:
        mean, cov = v.latent_posterior(int(i))
        z.append((v.table.hook.iat[i] - mean[0]) / np.sqrt(cov[0, 0]))
    z = np.array(z)  # standardised errors of the hook: mean 0, sd 1 if the posterior is right
    assert abs(z.mean()) < 0.2 and 0.85 < z.std() < 1.15
    from vira.metrics import srcc
    strong, weak = v.feature_oracle(idx, draws=64), v.with_signal(0.2).feature_oracle(idx, draws=64)
    truth = v.table.nawp_expected.to_numpy()
    assert srcc(strong["nawp"], truth) > srcc(weak["nawp"], truth) + 0.2
    assert np.array_equal(strong["ecr"], v.feature_oracle(idx, draws=64)["ecr"])  # deterministic
    # no signal: every video's posterior is the prior, so its oracle ECR is the prior mean of the
    # expected ECR (which ignores the duration), here from 200,000 independent draws
    flat = v.with_signal(0.0).feature_oracle(idx[:40], draws=256)
    g = np.random.default_rng(7).standard_normal((200_000, 2))
    rho = v.model.hook_interest_corr
    prior_ecr = v.model.expected(g[:, 0], rho * g[:, 0] + np.sqrt(1 - rho ** 2) * g[:, 1], 30.0)[1].mean()
    assert abs(flat["ecr"].mean() - prior_ecr) < 0.01 and flat["ecr"].std() < 0.03
    with pytest.raises(ValueError, match="draws=0"):
        v.feature_oracle(idx[:2], draws=0)
