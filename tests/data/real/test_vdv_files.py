"""Reading the VDV layout on disk (vira.data.real.vdv_files): a clip source whose tracks match
the exported source, streams loaded lazily, missing files named, every problem listed."""

import numpy as np
import pytest

from vira.data.layout import TRACKS, ClipSource
from vira.data.real.vdv_checks import VDVFileNotFoundError, VDVFormatError
from vira.data.real.vdv_files import VDVFiles

NPZ = "clips/C1_00000.npz"  # row 0 of the exported table


def test_tracks_match_the_source(vdv_source, vdv_exported, vdv_indices):
    files = VDVFiles(vdv_exported)
    for name in TRACKS:
        for got, want in zip(files.track(name), vdv_source.track(name)):
            np.testing.assert_array_equal(got, np.flatnonzero(np.isin(vdv_indices, want)))
    assert len(np.concatenate(files.track("all"))) == len(vdv_indices)
    with pytest.raises(ValueError, match="C9"):
        files.track("C9")


def test_a_clip_source_whose_streams_are_loaded_lazily(vdv_exported):
    files = VDVFiles(vdv_exported)
    assert isinstance(files, ClipSource) and repr(files).endswith("6 clips)")
    c = files.clip(2, streams=("skeleton",))
    assert c.skeleton.shape == (files.table.frames[2], 16, 3)
    assert c.holistic is None and c.facial is None and c.scenic_frames is None
    with pytest.raises(IndexError):
        files.clip(len(files))
    with pytest.raises(TypeError, match="must be an int"):
        files.clip(1.0)
    with pytest.raises(ValueError, match="unknown stream"):
        files.clip(0, streams=("audio",))


def test_missing_table(vdv_folder):
    (vdv_folder / "clips.csv").unlink()
    with pytest.raises(VDVFileNotFoundError, match="clips.csv"):
        VDVFiles(vdv_folder)


def test_missing_clip_file(vdv_folder):
    (vdv_folder / NPZ).unlink()
    files = VDVFiles(vdv_folder)
    with pytest.raises(VDVFileNotFoundError, match=rf"{NPZ}: missing"):
        files.clip(0)
    files.clip(1)  # the other clips still load


def test_validate_all_lists_every_problem(vdv_folder):
    path = vdv_folder / NPZ
    with np.load(path) as z:
        a = dict(z)
    a["holistic"], a["facial_mask"] = a["holistic"][:, :1024], a["facial_mask"][:-1]
    np.savez_compressed(path, **a)
    (vdv_folder / "clips/C5_00050.npz").unlink()
    files = VDVFiles(vdv_folder)
    problems = files.validate_all(progress=False)
    assert len(problems) == 3
    assert sum(p.startswith(f"{NPZ}: holistic has shape") for p in problems) == 1
    assert sum(p.startswith(f"{NPZ}: facial_mask has length") for p in problems) == 1
    assert sum(p.startswith("clips/C5_00050.npz: missing") for p in problems) == 1
    with pytest.raises(VDVFormatError, match="3 problem"):
        files.validate_all(progress=False, strict=True)
