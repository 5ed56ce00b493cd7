"""The VDV clip layout (vira.data.layout): one interface for every clip source, tracks, streams."""

import numpy as np
import pandas as pd
import pytest

from vira.data.layout import (CHALLENGES, STREAMS, TRACKS, Clip, ClipSource, check_streams,
                              track_indices)
from vira.data.real.vdv_export import export
from vira.data.real.vdv_files import VDVFiles
from vira.data.synthetic.long_range import LongRangeVDV
from vira.data.synthetic.synthetic_vdv import SyntheticVDV


def test_every_clip_source_is_a_clip_source(tmp_path):
    synthetic = SyntheticVDV(clips=2, seconds=(2.0, 3.0), seed=0)
    files = VDVFiles(export(synthetic, tmp_path / "set", [0, 3], progress=False))
    for source in (synthetic, LongRangeVDV(4, (4.0, 5.0)), files):
        assert isinstance(source, ClipSource), type(source).__name__
        train, test = source.track("all")
        assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(source)))
        assert isinstance(source.clip(0, streams=("holistic",)), Clip)
        assert {"label", "split"} <= set(source.table.columns)
    assert not isinstance(synthetic.table, ClipSource)
    assert not isinstance(object(), ClipSource)


def test_track_indices_by_hand():
    table = pd.DataFrame({"challenge": ["C1", "C2", "C1", "C1"],
                          "split": ["train", "train", "test", "train"]})
    train, test = track_indices(table, "C1")
    np.testing.assert_array_equal(train, [0, 3])
    np.testing.assert_array_equal(test, [2])
    train, test = track_indices(table, "all")
    np.testing.assert_array_equal(train, [0, 1, 3])
    assert track_indices(table, "C8")[0].size == 0
    with pytest.raises(ValueError, match="unknown track 'C9'"):
        track_indices(table, "C9")


def test_streams_tracks_and_challenges():
    assert check_streams("facial") == ("facial",)
    assert check_streams(["scenic", "skeleton"]) == ("scenic", "skeleton")
    with pytest.raises(ValueError, match=r"unknown stream\(s\) \['audio'\]"):
        check_streams(("holistic", "audio"))
    with pytest.raises(ValueError, match="non-empty"):
        check_streams(())
    assert STREAMS == ("skeleton", "holistic", "facial", "scenic")
    assert TRACKS[-1] == "all" and list(TRACKS[:-1]) == list(CHALLENGES.index)
    assert CHALLENGES.clips.sum() == 4292  # the paper's VDV data set
