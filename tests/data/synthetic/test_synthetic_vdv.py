"""The synthetic VDV benchmark: motion, streams, labels, truth, determinism."""

import numpy as np
import pytest
import torch

from vira.data.synthetic import dance
from vira.data.synthetic.synthetic_vdv import (CHALLENGES, FACIAL_FPS, FPS, SCENIC_FPS, STREAMS, TRACKS,
                                     SyntheticVDV)
from vira.skeleton import BODY_PARTS, BONES, JOINTS
from vira.tails import hill_alpha


@pytest.fixture(scope="module")
def small():
    return SyntheticVDV("small", seed=0)


def test_basis_vanishes_at_both_ends_of_a_move():
    np.testing.assert_allclose(dance.basis(np.array([0.0, 1.0])), 0, atol=1e-12)


def test_forward_kinematics_rest_pose_by_hand():
    pos = dance.forward_kinematics(np.zeros((1, dance.CHANNELS)))[0]
    j = {n: i for i, n in enumerate(JOINTS)}
    np.testing.assert_allclose(pos[j["thorax"]], [0, 0], atol=1e-12)
    np.testing.assert_allclose(pos[j["upper_neck"]], [0, 0.25], atol=1e-12)
    np.testing.assert_allclose(pos[j["head_top"]], [0, 0.60], atol=1e-12)
    np.testing.assert_allclose(pos[j["r_shoulder"]], [-0.35, 0], atol=1e-12)
    np.testing.assert_allclose(pos[j["pelvis"]], [0, -1.0], atol=1e-12)
    np.testing.assert_allclose(pos[j["l_hip"]], [0.2, -1.0], atol=1e-12)


def test_rotating_a_parent_carries_its_children_and_bones_keep_length():
    off = np.zeros((1, dance.CHANNELS))
    j = {n: i for i, n in enumerate(JOINTS)}
    off[0, j["pelvis"]] = np.pi  # swing the whole lower body up over the thorax
    pos = dance.forward_kinematics(off)[0]
    np.testing.assert_allclose(pos[j["pelvis"]], [0, 1.0], atol=1e-12)
    np.testing.assert_allclose(pos[j["l_hip"]], [-0.2, 1.0], atol=1e-12)
    rng = np.random.default_rng(1)
    moving = dance.forward_kinematics(rng.normal(0, 1, (50, dance.CHANNELS)), np.full(16, 1.3))
    lengths = np.array([np.linalg.norm(moving[:, c] - moving[:, p], axis=1) for p, c in BONES])
    np.testing.assert_allclose(lengths.std(axis=1), 0, atol=1e-12)


def test_joint_quality_of_a_perfect_dancer_is_zero():
    perfect = dance.Dancer(np.ones(dance.CHANNELS), 0.0, np.zeros(3), 0.0, np.ones(16), True)
    np.testing.assert_allclose(dance.joint_quality(perfect), 0)
    late = dance.Dancer(np.ones(dance.CHANNELS), 0.2, np.zeros(3), 0.0, np.ones(16), True)
    np.testing.assert_allclose(dance.joint_quality(late), -0.3)


def test_joint_quality_rewards_a_bigger_amplitude_and_punishes_wrong_moves():
    # by hand: q_j = log a_j - 2 wrong[part] - 1.5 |lag| - 0.5 jitter; the thorax keeps only
    # the timing and steadiness terms
    amplitude = np.ones(dance.CHANNELS)
    amplitude[dance.J["r_wrist"]] = np.e  # e times the choreographed amplitude: log a = 1
    amplitude[dance.J["l_knee"]] = 0.5
    wrong = np.array([0.0, 0.1, 0.0])  # head, upper, lower
    d = dance.Dancer(amplitude, -0.1, wrong, 0.04, np.ones(16), True)
    q = dance.joint_quality(d)
    common = -1.5 * 0.1 - 0.5 * 0.04
    assert q[dance.J["r_wrist"]] == pytest.approx(1.0 - 0.2 + common)
    assert q[dance.J["l_knee"]] == pytest.approx(np.log(0.5) + common)
    assert q[dance.J["r_elbow"]] == pytest.approx(-0.2 + common)
    assert q[dance.J["thorax"]] == pytest.approx(common)


def test_sizes_follow_table_1_and_the_presets():
    assert SyntheticVDV("smoke").sizes.tolist() == [12] * 8
    assert SyntheticVDV("small").sizes.tolist() == [145, 93, 74, 47, 24, 23, 16, 16]
    full = SyntheticVDV("full")
    assert full.sizes.tolist() == [1447, 932, 735, 467, 239, 230, 128, 114]
    hours = full.table.frames.sum() / FPS / 3600
    assert 15.5 < hours < 17.6  # Table 1: 17.1 h
    assert 0.6 < full.oracle_ceiling("all") < 0.8
    assert full.table.frames.between(5 * FPS, 15 * FPS).all()
    assert hill_alpha(full.table.likes) < 2  # as heavy-tailed as real TikTok likes (chapter 1)


def test_determinism_and_seed_dependence(small):
    again = SyntheticVDV("small", seed=0)
    assert again.table.equals(small.table)
    a, b = small.clip(5), again.clip(5)
    for name in STREAMS:
        assert torch.equal(getattr(a, name), getattr(b, name))
    # asking for fewer streams does not change the ones generated
    assert torch.equal(small.clip(5, streams=("scenic",)).scenic, a.scenic)
    other = SyntheticVDV("small", seed=1)
    assert not other.table.z.equals(small.table.z)


def test_clip_shapes_rates_and_missing_faces(small):
    clip = small.clip(int(np.argmax(small.table.frames)))
    t = clip.skeleton.shape[0]
    assert clip.skeleton.shape == (t, 16, 3) and clip.holistic.shape == (t, 2048)
    assert clip.scenic.shape[1] == 512 and clip.facial.shape[1] == 2048
    assert abs(clip.facial.shape[0] - t / FPS * FACIAL_FPS) <= 2
    assert abs(clip.scenic.shape[0] - t / FPS * SCENIC_FPS) <= 2
    assert (clip.holistic >= 0).all() and (clip.scenic >= 0).all()
    assert (clip.facial[~clip.facial_mask] == 0).all()
    assert clip.facial_frames.max() < t and clip.scenic_frames.max() < t


def test_pose_estimator_misses_about_one_frame_in_ten(small):
    detected = [(small.clip(i, streams=("skeleton",)).skeleton[..., 2] > 0).any(-1).float().mean()
                for i in range(0, len(small), 7)]
    assert 0.85 < float(np.mean(detected)) < 0.95  # Table 1: 1,444k skeletons in 1,606k frames


def test_labels_splits_and_truth(small):
    t = small.table
    for c, group in t.groupby("challenge"):
        assert group.label.min() == 0 and group.label.max() == 1
        assert (group.split == "test").mean() == pytest.approx(0.2, abs=0.03)
    for name in TRACKS:
        train, test = small.track(name)
        assert len(np.intersect1d(train, test)) == 0 and len(train) > len(test) > 0
    assert len(np.concatenate(small.track("all"))) == len(small)
    np.testing.assert_allclose(small.joint_importance.sum(axis=1), 1)
    np.testing.assert_allclose(small.modality_weights.sum(axis=1), 1)
    for c, emphasis in CHALLENGES.emphasis.items():
        w = small.joint_importance.loc[c].to_numpy()
        if emphasis != "both":
            assert w[list(BODY_PARTS[emphasis])].sum() > 0.5
    # z carries the planted truth: the oracle beats chance on every large enough track
    assert small.oracle_ceiling("all") > 0.5


def test_bad_requests_are_named(small):
    with pytest.raises(ValueError, match="unknown track 'C9'"):
        small.track("C9")
    with pytest.raises(IndexError, match="out of range"):
        small.clip(len(small))
    with pytest.raises(ValueError, match="unknown stream"):
        small.clip(0, streams=("audio",))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_streams_match_the_cpu(small):
    cpu, gpu = small.clip(3), small.clip(3, device="cuda")
    for name in STREAMS:
        torch.testing.assert_close(getattr(gpu, name).cpu(), getattr(cpu, name), rtol=1e-4, atol=1e-4)
