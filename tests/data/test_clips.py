"""The Dataset adapters over any clip source (vira.data.clips): skeleton, one feature stream, all
streams; identical items whichever view reads a stream."""

import numpy as np
import pytest
import torch

from vira.data.clips import (ClipDataset, FeatureClips, MultiStreamClips, SkeletonClips,
                             stream_sequence)
from vira.data.synthetic.long_range import LongRangeVDV
from vira.data.synthetic.synthetic_vdv import SyntheticVDV
from vira.skeleton import normalize_sequence
from vira.training.regression import pad_collate


@pytest.fixture(scope="module")
def smoke():
    return SyntheticVDV(clips=12, seconds=(2.0, 4.0), seed=0)  # the smoke preset's sizes


# -- skeleton ------------------------------------------------------------------------------------
def test_skeleton_clips_crop_in_training_and_whole_clips_in_evaluation(smoke):
    train = SkeletonClips(smoke, [0, 1], crop=20, train=True)
    (inputs, label) = train[0]
    assert inputs["x"].shape == (3, 20, 16) and label == pytest.approx(smoke.table.label[0])
    assert label.dtype == torch.float32 and torch.equal(inputs["mask"], torch.ones(20))
    whole = SkeletonClips(smoke, [0], crop=20)[0][0]["x"]
    assert whole.shape[1] == smoke.table.frames[0]
    pose = smoke.clip(0, streams=("skeleton",)).skeleton.numpy()
    assert torch.equal(whole, torch.from_numpy(normalize_sequence(pose)))


def test_skeleton_clips_step_keeps_every_other_frame_and_labels_replace_the_table(smoke):
    full = SkeletonClips(smoke, [3])[0][0]["x"]
    half = SkeletonClips(smoke, [3], step=2)[0][0]["x"]
    assert half.shape[1] == (full.shape[1] + 1) // 2
    assert torch.equal(half, full[:, ::2])
    cropped = SkeletonClips(smoke, [3], crop=10, train=True, step=2)[0][0]["x"]
    assert cropped.shape[1] == 10  # the crop counts frames after the step
    own = SkeletonClips(smoke, [3, 4], labels=[0.25, 0.75])
    assert own[1][1].item() == pytest.approx(0.75)
    with pytest.raises(ValueError, match="labels: 1 values for 2 clips"):
        SkeletonClips(smoke, [3, 4], labels=[0.5])
    with pytest.raises(ValueError, match="step must be a positive"):
        SkeletonClips(smoke, [3], step=0)


def test_training_crop_draws_from_torch_and_evaluation_draws_nothing(smoke):
    data = SkeletonClips(smoke, [0], crop=10, train=True)
    torch.manual_seed(5)
    first = data[0][0]["x"]
    torch.manual_seed(5)
    assert torch.equal(data[0][0]["x"], first)  # the crop is reproducible from torch's seed
    whole = SkeletonClips(smoke, [0])[0][0]["x"]
    torch.manual_seed(5)
    start = int(torch.randint(0, whole.shape[1] - 10 + 1, (1,)))
    assert torch.equal(first, whole[:, start:start + 10])
    torch.manual_seed(5)
    SkeletonClips(smoke, [0], crop=10)[0]  # evaluation: whole clip, no draw
    assert int(torch.randint(0, whole.shape[1] - 10 + 1, (1,))) == start


# -- one feature stream --------------------------------------------------------------------------
def test_holistic_items_step_and_cache(smoke):
    data = FeatureClips(smoke, [0, 5], step=5)
    (inputs, y), clip = data[1], smoke.clip(5, streams=("holistic",))
    assert inputs["x"].shape == (len(range(0, clip.holistic.shape[0], 5)), 2048)
    torch.testing.assert_close(inputs["x"], clip.holistic[::5])
    assert inputs["mask"].sum() == inputs["x"].shape[0]
    assert float(y) == pytest.approx(smoke.table.label.iat[5])
    assert data.features(1)[0] is data.features(1)[0]  # generated once
    assert FeatureClips(smoke, [0], cache=False).features(0)[0] is not \
        FeatureClips(smoke, [0], cache=False).features(0)[0]


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
    with pytest.raises(ValueError, match=r"unknown stream\(s\) \['audio'\]"):
        FeatureClips(smoke, [0], stream="audio")
    with pytest.raises(ValueError, match="choose a non-empty subset of holistic, facial, scenic"):
        FeatureClips(smoke, [0], stream="skeleton")  # a pose sequence is SkeletonClips' item
    with pytest.raises(ValueError, match="step"):
        FeatureClips(smoke, [0], step=0)
    with pytest.raises(ValueError, match="labels: 1 values for 2 clips"):
        FeatureClips(smoke, [0, 1], labels=[0.5])
    with pytest.raises(ValueError, match="crop"):
        FeatureClips(smoke, [0], crop=0)
    with pytest.raises(TypeError, match="not a clip source"):
        FeatureClips(smoke.table, [0])


def test_any_clip_source_long_range_included():
    longr = LongRangeVDV(10, (4.0, 5.0), seed=1)
    train, test = longr.track("all")
    data = FeatureClips(longr, test, step=5)
    x, mask = data.features(0)
    torch.testing.assert_close(x, longr.clip(int(test[0])).holistic[::5])
    assert mask.shape == (x.shape[0],)


# -- every stream at once ------------------------------------------------------------------------
def test_multi_stream_items_equal_the_single_stream_views(smoke):
    data = MultiStreamClips(smoke, [0, 1, 2], steps={"skeleton": 2, "holistic": 5})
    inputs, y = data[1]
    assert torch.equal(inputs["skeleton"], SkeletonClips(smoke, [1], step=2)[0][0]["x"])
    assert torch.equal(inputs["holistic"], FeatureClips(smoke, [1], step=5)[0][0]["x"])
    for m in ("facial", "scenic"):
        single, _ = FeatureClips(smoke, [1], stream=m)[0]
        assert torch.equal(inputs[m], single["x"]) and torch.equal(inputs[f"{m}_mask"], single["mask"])
    assert float(y) == pytest.approx(smoke.table.label.iat[1])
    assert data.inputs(1) is data.inputs(1)  # generated once


def test_multi_stream_items_batch_into_a_fusion_net(smoke):
    from vira.models import skeleton_model
    from vira.models.fusion import FusionNet
    from vira.models.rtcn import RTCN

    data = MultiStreamClips(smoke, [0, 1, 2], steps={"skeleton": 2, "holistic": 5})
    inputs, y = data[1]
    clip = smoke.clip(1)
    assert inputs["skeleton"].shape == (3, len(range(0, clip.skeleton.shape[0], 2)), 16)
    torch.testing.assert_close(inputs["holistic"], clip.holistic[::5])
    assert torch.equal(inputs["facial_mask"], clip.facial_mask.float())
    assert inputs["scenic"].shape == clip.scenic.shape
    batch, target = pad_collate([data[k] for k in range(3)])
    torch.manual_seed(0)
    net = FusionNet({"skeleton": skeleton_model("PSGCN"), "holistic": RTCN(),
                     "facial": RTCN(), "scenic": RTCN(in_features=512)}).eval()
    with torch.no_grad():
        out = net(**batch)
    assert out["score"].shape == (3,) and out["attention"].shape == (3, 4)
    with pytest.raises(ValueError, match="non-empty subset"):
        MultiStreamClips(smoke, [0], streams=("audio",))
    with pytest.raises(ValueError, match="non-empty subset"):
        MultiStreamClips(smoke, [0], streams=())
    with pytest.raises(ValueError, match="positive"):
        MultiStreamClips(smoke, [0], steps={"holistic": 0})


def test_stream_sequence_shapes_and_masks(smoke):
    clip = smoke.clip(2)
    x, mask = stream_sequence(clip, "skeleton", 3)
    assert x.shape == (3, len(range(0, clip.skeleton.shape[0], 3)), 16) and mask.shape == (x.shape[1],)
    x, mask = stream_sequence(clip, "facial")
    assert x.dtype == torch.float32 and torch.equal(mask, clip.facial_mask.float())
    x, mask = stream_sequence(clip, "scenic", 2)
    assert x.shape == (len(range(0, clip.scenic.shape[0], 2)), 512) and bool(mask.all())


def test_the_base_adapter_gives_every_stream_asked_for(smoke):
    data = ClipDataset(smoke, [4, 7], streams=("scenic", "skeleton"))
    inputs, y = data[1]
    assert set(inputs) == {"scenic", "scenic_mask", "skeleton", "skeleton_mask"}
    assert float(y) == pytest.approx(smoke.table.label.iat[7]) and len(data) == 2
    np.testing.assert_array_equal(data.indices, [4, 7])
