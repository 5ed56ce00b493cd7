"""The long-range variant of the synthetic benchmark (vira.data.synthetic.long_range)."""

import numpy as np
import pytest
import torch

from vira.data.layout import FPS
from vira.data.synthetic.long_range import HOLD, LongRangeVDV


def test_long_range_table_track_and_determinism():
    ds = LongRangeVDV(60, (4.0, 6.0), seed=3)
    t = ds.table
    assert len(t) == 60 and set(t.label) == {0.0, 1.0} and (t.label == t.match).all()
    assert t.seconds.between(4.0, 6.0).all()
    train, test = ds.track("all")
    assert len(test) == 12 and len(np.intersect1d(train, test)) == 0
    assert (t.split.iloc[test] == "test").all() and len(train) + len(test) == 60
    again = LongRangeVDV(60, (4.0, 6.0), seed=3)
    assert t.equals(again.table)
    torch.testing.assert_close(ds.clip(7).holistic, again.clip(7).holistic)
    assert ds.clip(7).holistic.shape == (t.frames.iat[7], 2048)
    with pytest.raises(ValueError, match="longer than the two holds"):
        LongRangeVDV(10, (2.0, 6.0))
    with pytest.raises(ValueError, match="only the holistic stream"):
        ds.clip(0, streams=("skeleton",))
    with pytest.raises(ValueError, match="one track, 'all'"):
        ds.track("C1")


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
