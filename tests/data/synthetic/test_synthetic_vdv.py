"""The synthetic VDV benchmark: sizes, streams, labels, truth, determinism (its dances: test_dance.py)."""

import numpy as np
import pytest
import torch

from vira.data.layout import CHALLENGES, FACIAL_FPS, FPS, SCENIC_FPS, STREAMS, TRACKS
from vira.data.synthetic.synthetic_vdv import SyntheticVDV
from vira.skeleton import BODY_PARTS
from vira.tails import hill_alpha


@pytest.fixture(scope="module")
def small():
    return SyntheticVDV(clips=0.1, seconds=(4.0, 8.0), seed=0)  # the small preset's sizes


def test_sizes_are_arguments_clips_per_challenge_a_fraction_or_table_1():
    smoke = SyntheticVDV(clips=12, seconds=(2.0, 4.0))
    assert smoke.sizes.tolist() == [12] * 8 and len(smoke) == 96
    assert smoke.table.frames.between(2 * FPS, 4 * FPS).all() and smoke.seconds == (2.0, 4.0)
    assert SyntheticVDV(clips=0.1, seconds=(4.0, 8.0)).sizes.tolist() == [145, 93, 74, 47, 24, 23, 16, 16]
    for bad in ("smoke", 1, True, 1.5, 0.0):
        with pytest.raises(ValueError, match="clips="):
            SyntheticVDV(clips=bad)
    with pytest.raises(ValueError, match="seconds="):
        SyntheticVDV(clips=4, seconds=(3.0, 2.0))
    full = SyntheticVDV(clips=None, seconds=(5.0, 15.0))
    assert full.sizes.tolist() == [1447, 932, 735, 467, 239, 230, 128, 114]
    hours = full.table.frames.sum() / FPS / 3600
    assert 15.5 < hours < 17.6  # Table 1: 17.1 h
    assert 0.6 < full.oracle_ceiling("all") < 0.8
    assert full.table.frames.between(5 * FPS, 15 * FPS).all()
    assert hill_alpha(full.table.likes) < 2  # as heavy-tailed as real TikTok likes (chapter 1)


def test_determinism_and_seed_dependence(small):
    again = SyntheticVDV(clips=0.1, seconds=(4.0, 8.0), seed=0)
    assert again.table.equals(small.table)
    a, b = small.clip(5), again.clip(5)
    for name in STREAMS:
        assert torch.equal(getattr(a, name), getattr(b, name))
    # asking for fewer streams does not change the ones generated
    assert torch.equal(small.clip(5, streams=("scenic",)).scenic, a.scenic)
    other = SyntheticVDV(clips=0.1, seconds=(4.0, 8.0), seed=1)
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


def test_oracle_ceiling_on_every_clip_of_a_challenge_or_of_the_pool(small):
    from scipy.stats import spearmanr

    t = small.table
    c = t.challenge.iat[0]
    mine = t[t.challenge == c]
    assert small.oracle_ceiling(c, split="all") == pytest.approx(spearmanr(mine.z, mine.label).statistic)
    assert small.oracle_ceiling("all", split="all") == pytest.approx(spearmanr(t.z, t.label).statistic)
    train, test = small.track("all")
    assert small.oracle_ceiling("all", split="train") == pytest.approx(
        spearmanr(t.iloc[train].z, t.iloc[train].label).statistic)
    with pytest.raises(ValueError, match="split must be"):
        small.oracle_ceiling("all", split="everything")
    with pytest.raises(ValueError, match="clip"):
        small.oracle_ceiling("no such challenge", split="all")
