"""Writing a clip source in the VDV layout (vira.data.real.vdv_export): the exact round trip of the
synthetic set, stems, atomic files and refused requests."""

import numpy as np
import pandas as pd
import pytest
import torch

from vira.data.real.vdv_checks import VDVFormatError
from vira.data.real.vdv_export import export
from vira.data.real.vdv_files import VDVFiles


def test_round_trip_is_exact(vdv_source, vdv_exported, vdv_indices):
    files = VDVFiles(vdv_exported)
    assert len(files) == len(vdv_indices)
    expected = vdv_source.table.iloc[vdv_indices].reset_index(drop=True)
    assert list(files.table.columns) == ["clip", *vdv_source.table.columns]
    assert files.table["clip"].tolist() == [f"{c}_{i:05d}" for c, i in
                                         zip(expected.challenge, vdv_indices)]
    pd.testing.assert_frame_equal(files.table.drop(columns="clip"), expected)
    for k, i in enumerate(vdv_indices):
        want, got = vdv_source.clip(i), files[k]
        assert (got.index, got.challenge, got.fps) == (k, want.challenge, want.fps)
        assert got.extra["clip"] == files.table["clip"][k]
        for name in ("skeleton", "holistic", "facial", "facial_mask", "scenic"):
            a, b = getattr(want, name), getattr(got, name)
            assert b.dtype == a.dtype and b.device.type == "cpu", name
            assert torch.equal(a, b), name
        for name in ("facial_frames", "scenic_frames"):
            np.testing.assert_array_equal(getattr(got, name), getattr(want, name))
    assert not [p for p in (vdv_exported / "clips").iterdir() if p.name.startswith(".")]
    assert files.validate_all(progress=False) == []


def test_reexport_keeps_stems(vdv_exported, tmp_path):
    files = VDVFiles(vdv_exported)
    again = VDVFiles(export(files, tmp_path / "again", progress=False))
    pd.testing.assert_frame_equal(again.table, files.table)
    assert torch.equal(again[3].holistic, files[3].holistic)


def test_bad_requests_are_refused_before_writing(vdv_source, tmp_path):
    with pytest.raises(IndexError, match="out of range"):
        export(vdv_source, tmp_path / "a", [0, len(vdv_source)], progress=False)
    with pytest.raises(ValueError, match="must not repeat"):
        export(vdv_source, tmp_path / "b", [3, 3], progress=False)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


class _Retabled:
    """``source`` with another ``table``: a clip source whose table breaks the layout."""

    def __init__(self, source, table):
        self.source, self.table = source, table

    def __len__(self):
        return len(self.source)

    def clip(self, index, device=None, streams=()):
        return self.source.clip(index)


def test_a_table_that_breaks_the_layout_is_refused(vdv_source, tmp_path):
    bad_split = _Retabled(vdv_source, vdv_source.table.assign(split="validation"))
    with pytest.raises(VDVFormatError, match="split 'validation'"):
        export(bad_split, tmp_path / "c", [0, 1], progress=False)
    no_days = _Retabled(vdv_source, vdv_source.table.drop(columns="days"))
    with pytest.raises(ValueError, match="lacks column"):
        export(no_days, tmp_path / "d", [0], progress=False)
    assert not (tmp_path / "c").exists() and not (tmp_path / "d").exists()
