"""Skeletal dances (vira.data.synthetic.dance): the motion basis, forward kinematics, the planted
movement quality, routines and performances."""

import numpy as np
import pytest

from vira.data.synthetic import dance
from vira.skeleton import BONES, JOINTS


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


def test_routines_and_performances_are_pure_functions_of_their_generator():
    a = dance.make_routine(np.random.default_rng(3), 110, "upper", returns=True)
    b = dance.make_routine(np.random.default_rng(3), 110, "upper", returns=True)
    assert np.array_equal(a.moves, b.moves) and np.array_equal(a.opening, b.opening)
    assert np.array_equal(a.stances[0], a.opening)  # the routine opens in its opening pose
    upper = (dance.PRIMITIVE_PART[a.moves] == "upper").mean()
    assert upper >= 0.5  # an upper-body routine is mostly upper-body moves
    dancer = dance.draw_dancer(np.random.default_rng(4))
    off1, prim1 = dance.perform(a, dancer, 50, 25.0, np.random.default_rng(5))
    off2, prim2 = dance.perform(a, dancer, 50, 25.0, np.random.default_rng(5))
    assert off1.shape == (50, dance.CHANNELS) and prim1.shape == (50,)
    assert np.array_equal(off1, off2) and np.array_equal(prim1, prim2)


def test_smooth_noise_interpolates_its_knots():
    x = dance.smooth_noise(np.random.default_rng(0), 101, 2, fps=25.0, knots_per_second=1.0)
    assert x.shape == (101, 2)
    knots = np.random.default_rng(0).normal(0, 1, (6, 2))  # ceil(101 / 25 * 1) + 1 knots
    np.testing.assert_allclose(x[0], knots[0])
    np.testing.assert_allclose(x[-1], knots[-1])
