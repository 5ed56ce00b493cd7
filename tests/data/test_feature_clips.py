"""Feature sequences as a data set (vira.data.feature_clips) and the long-range variant
(vira.data.synthetic.long_range) of the synthetic benchmark."""

import numpy as np
import pytest
import torch

from vira.data.feature_clips import FeatureClips
from vira.data.synthetic.long_range import HOLD, LongRangeVDV
from vira.data.synthetic.synthetic_vdv import FPS, SyntheticVDV
from vira.training.regression import pad_collate


@pytest.fixture(scope="module")
def smoke():
    return SyntheticVDV("smoke", 0)


def test_holistic_items_step_and_cache(smoke):
    data = FeatureClips(smoke, [0, 5], step=5)
    (inputs, y), clip = data[1], smoke.clip(5, streams=("holistic",))
    assert inputs["x"].shape == (len(range(0, clip.holistic.shape[0], 5)), 2048)
    torch.testing.assert_close(inputs["x"], clip.holistic[::5])
    assert inputs["mask"].sum() == inputs["x"].shape[0]
    assert float(y) == pytest.approx(smoke.table.label.iat[5])
    assert data.features(1)[0] is data.features(1)[0]  # generated once


def test_facial_mask_and_training_crop(smoke):
    faces = FeatureClips(smoke, [3], stream="facial")
    clip = smoke.clip(3, streams=("facial",))
    assert torch.equal(faces[0][0]["mask"], clip.facial_mask.float())
    crop = FeatureClips(smoke, [3], crop=10, train=True)
    inputs, _ = crop[0]
    assert inputs["x"].shape == (10, 2048)
    whole = crop.features(0)[0]
    start = [s for s in range(whole.shape[0] - 9) if torch.equal(whole[s:s + 10], inputs["x"])]
    assert start, "a training crop is a window of the clip"
    batch, target = pad_collate([FeatureClips(smoke, [0, 3], step=4)[k] for k in range(2)])
    assert batch["x"].shape[0] == 2 and batch["mask"].shape == batch["x"].shape[:2]


def test_bad_arguments_are_named(smoke):
    with pytest.raises(ValueError, match="stream 'audio'"):
        FeatureClips(smoke, [0], stream="audio")
    with pytest.raises(ValueError, match="step"):
        FeatureClips(smoke, [0], step=0)
    with pytest.raises(ValueError, match="labels: 1 values for 2 clips"):
        FeatureClips(smoke, [0, 1], labels=[0.5])


def test_long_range_table_split_and_determinism():
    ds = LongRangeVDV(60, (4.0, 6.0), seed=3)
    t = ds.table
    assert len(t) == 60 and set(t.label) == {0.0, 1.0} and (t.label == t.match).all()
    assert t.seconds.between(4.0, 6.0).all()
    train, test = ds.split()
    assert len(test) == 12 and len(np.intersect1d(train, test)) == 0
    again = LongRangeVDV(60, (4.0, 6.0), seed=3)
    assert t.equals(again.table)
    torch.testing.assert_close(ds.clip(7).holistic, again.clip(7).holistic)
    assert ds.clip(7).holistic.shape == (t.frames.iat[7], 2048)
    with pytest.raises(ValueError, match="longer than the two holds"):
        LongRangeVDV(10, (2.0, 6.0))
    with pytest.raises(ValueError, match="only the holistic stream"):
        ds.clip(0, streams=("skeleton",))


def test_long_range_ending_matches_opening_exactly_when_labelled_so():
    ds = LongRangeVDV(40, (4.0, 5.0), seed=0)
    hold = int(HOLD * FPS)
    gaps = {True: [], False: []}
    for i in range(40):
        body, _, _ = ds.body(i)
        # limb positions during the middle of each hold, relative to the thorax
        first, last = body[hold // 2] - body[hold // 2, 7], body[-hold // 2] - body[-hold // 2, 7]
        gaps[bool(ds.table.match.iat[i])].append(float(np.abs(first - last).max()))
    # torso units (thorax to pelvis = 1): jitter moves a wrist by a few tenths at most, a
    # different held pose by more than a torso length
    assert max(gaps[True]) < 0.5, "a matching clip ends in its opening pose (up to jitter)"
    assert min(gaps[False]) > 1.0 > 2 * max(gaps[True])


def test_multi_stream_items_batch_into_a_fusion_net(smoke):
    from vira.data.multi_stream import MultiStreamClips
    from vira.models import skeleton_model
    from vira.models.fusion import FusionNet
    from vira.models.rtcn import RTCN

    data = MultiStreamClips(smoke, [0, 1, 2], steps={"skeleton": 2, "holistic": 5})
    inputs, y = data[1]
    clip = smoke.clip(1)
    assert inputs["skeleton"].shape == (3, len(range(0, clip.skeleton.shape[0], 2)), 16)
    torch.testing.assert_close(inputs["holistic"], clip.holistic[::5])
    assert torch.equal(inputs["facial_mask"], clip.facial_mask.float())
    assert inputs["scenic"].shape == clip.scenic.shape and float(y) == pytest.approx(smoke.table.label.iat[1])
    batch, target = pad_collate([data[k] for k in range(3)])
    torch.manual_seed(0)
    net = FusionNet({"skeleton": skeleton_model("PSGCN"), "holistic": RTCN(),
                     "facial": RTCN(), "scenic": RTCN(in_features=512)}).eval()
    with torch.no_grad():
        out = net(**batch)
    assert out["score"].shape == (3,) and out["attention"].shape == (3, 4)
    with pytest.raises(ValueError, match="non-empty subset"):
        MultiStreamClips(smoke, [0], streams=("audio",))
    with pytest.raises(ValueError, match="positive"):
        MultiStreamClips(smoke, [0], steps={"holistic": 0})
