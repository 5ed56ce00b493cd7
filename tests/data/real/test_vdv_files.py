"""The on-disk VDV layout (vira.data.real.vdv_files): exact round trip of the synthetic set, and one
test per way a folder can break the layout, each checking that the error names file and field."""

import shutil

import numpy as np
import pandas as pd
import pytest
import torch

from vira.data.synthetic.synthetic_vdv import STREAMS, TRACKS, SyntheticVDV
from vira.data.real.vdv_files import (
    ARRAYS,
    REQUIRED_COLUMNS,
    VDVFileNotFoundError,
    VDVFiles,
    VDVFormatError,
    export,
)

#: Clips exported from SyntheticVDV("smoke", seed=0) (12 per challenge): C1, C1, C2, C3, C5, C8.
INDICES = [0, 1, 13, 24, 50, 95]
STEM = "C1_00000"  # row 0 of the exported table
NPZ = f"clips/{STEM}.npz"


@pytest.fixture(scope="module")
def source():
    return SyntheticVDV("smoke", seed=0)


@pytest.fixture(scope="module")
def exported(source, tmp_path_factory):
    return export(source, tmp_path_factory.mktemp("vdv") / "set", INDICES, progress=False)


@pytest.fixture
def folder(exported, tmp_path):
    """A private copy of the exported folder, to break."""
    return shutil.copytree(exported, tmp_path / "copy")


def rewrite(folder, stem=STEM, **changes):
    """Edit one clip file: name=array replaces (or adds) an array, name=None removes it."""
    path = folder / "clips" / f"{stem}.npz"
    with np.load(path) as z:
        arrays = dict(z)
    for name, value in changes.items():
        if value is None:
            arrays.pop(name)
        else:
            arrays[name] = value
    np.savez_compressed(path, **arrays)
    return arrays


def edit_table(folder, edit):
    path = folder / "clips.csv"
    table = pd.read_csv(path, dtype={"clip": str})
    table = edit(table)
    table.to_csv(path, index=False)


def clip_error(folder, streams=STREAMS, index=0):
    files = VDVFiles(folder)  # opening reads clips.csv only: clip files are checked lazily
    with pytest.raises(VDVFormatError) as err:
        files.clip(index, streams=streams)
    return str(err.value)


def arrays(folder, stem=STEM):
    with np.load(folder / "clips" / f"{stem}.npz") as z:
        return dict(z)


# -- the round trip ----------------------------------------------------------------------------
def test_round_trip_is_exact(source, exported):
    files = VDVFiles(exported)
    assert len(files) == len(INDICES)
    expected = source.table.iloc[INDICES].reset_index(drop=True)
    assert list(files.table.columns) == ["clip", *source.table.columns]
    assert files.table["clip"].tolist() == [f"{c}_{i:05d}" for c, i in
                                         zip(expected.challenge, INDICES)]
    pd.testing.assert_frame_equal(files.table.drop(columns="clip"), expected)
    for k, i in enumerate(INDICES):
        want, got = source.clip(i), files[k]
        assert (got.index, got.challenge, got.fps) == (k, want.challenge, want.fps)
        assert got.extra["clip"] == files.table["clip"][k]
        for name in ("skeleton", "holistic", "facial", "facial_mask", "scenic"):
            a, b = getattr(want, name), getattr(got, name)
            assert b.dtype == a.dtype and b.device.type == "cpu", name
            assert torch.equal(a, b), name
        for name in ("facial_frames", "scenic_frames"):
            np.testing.assert_array_equal(getattr(got, name), getattr(want, name))
    assert not [p for p in (exported / "clips").iterdir() if p.name.startswith(".")]
    assert files.validate_all(progress=False) == []


def test_tracks_match_the_source(source, exported):
    files = VDVFiles(exported)
    for name in TRACKS:
        for got, want in zip(files.track(name), source.track(name)):
            np.testing.assert_array_equal(got, np.flatnonzero(np.isin(INDICES, want)))
    assert len(np.concatenate(files.track("all"))) == len(INDICES)
    with pytest.raises(ValueError, match="C9"):
        files.track("C9")


def test_streams_are_loaded_lazily_and_reexport_keeps_stems(exported, tmp_path):
    files = VDVFiles(exported)
    c = files.clip(2, streams=("skeleton",))
    assert c.skeleton.shape == (files.table.frames[2], 16, 3)
    assert c.holistic is None and c.facial is None and c.scenic_frames is None
    again = VDVFiles(export(files, tmp_path / "again", progress=False))
    pd.testing.assert_frame_equal(again.table, files.table)
    assert torch.equal(again[3].holistic, files[3].holistic)
    with pytest.raises(IndexError):
        files.clip(len(files))


# -- clips.csv ---------------------------------------------------------------------------------
def test_missing_table(folder):
    (folder / "clips.csv").unlink()
    with pytest.raises(VDVFileNotFoundError, match="clips.csv"):
        VDVFiles(folder)


@pytest.mark.parametrize("column", REQUIRED_COLUMNS)
def test_missing_column(folder, column):
    edit_table(folder, lambda t: t.drop(columns=column))
    with pytest.raises(ValueError, match=rf"clips\.csv: missing column.*'{column}'"):
        VDVFiles(folder)


def test_unknown_challenge(folder):
    def edit(t):
        t.loc[2, "challenge"] = "C9"
        return t
    edit_table(folder, edit)
    with pytest.raises(VDVFormatError) as err:
        VDVFiles(folder)
    msg = str(err.value)
    assert "clips.csv row 2" in msg and "C2_00013" in msg and "challenge 'C9'" in msg


def test_bad_split(folder):
    def edit(t):
        t.loc[4, "split"] = "validation"
        return t
    edit_table(folder, edit)
    with pytest.raises(VDVFormatError, match=r"clips\.csv row 4 .*split 'validation'"):
        VDVFiles(folder)


def test_bad_numbers_and_stems_are_all_listed(folder):
    def edit(t):
        t["likes"] = t["likes"].astype(object)
        t.loc[1, "likes"] = "541.2K"
        t.loc[3, "frames"] = 0
        t.loc[5, "clip"] = t.loc[0, "clip"]
        return t
    edit_table(folder, edit)
    with pytest.raises(VDVFormatError) as err:
        VDVFiles(folder)
    msg = str(err.value)
    assert "clips.csv: 3 problems" in msg
    assert "row 1" in msg and "likes = '541.2K'" in msg
    assert "row 3" in msg and "frames = 0" in msg
    assert "row 5" in msg and "appears more than once" in msg


# -- clip files ----------------------------------------------------------------------------------
def test_missing_clip_file(folder):
    (folder / NPZ).unlink()
    files = VDVFiles(folder)
    with pytest.raises(VDVFileNotFoundError, match=rf"{NPZ}: missing"):
        files.clip(0)
    files.clip(1)  # the other clips still load


@pytest.mark.parametrize("name", list(ARRAYS))
def test_missing_array(folder, name):
    rewrite(folder, **{name: None})
    assert f"{NPZ}: missing array '{name}'" in clip_error(folder)
    stream = ARRAYS[name][0]
    others = tuple(s for s in STREAMS if s != stream)
    assert VDVFiles(folder).clip(0, streams=others) is not None  # only asked streams are read


def test_wrong_shape(folder):
    a = arrays(folder)
    rewrite(folder, holistic=a["holistic"][:, :1024])
    t = len(a["skeleton"])
    assert clip_error(folder) == f"{NPZ}: holistic has shape ({t}, 1024), expected (T, 2048)"


def test_wrong_ndim(folder):
    a = arrays(folder)
    rewrite(folder, skeleton=a["skeleton"].reshape(len(a["skeleton"]), -1))
    assert f"{NPZ}: skeleton has shape ({len(a['skeleton'])}, 48), expected (T, 16, 3)" in \
        clip_error(folder)


def test_holistic_length_differs_from_skeleton(folder):
    a = arrays(folder)
    rewrite(folder, holistic=a["holistic"][:-1])
    t = len(a["skeleton"])
    assert clip_error(folder) == \
        f"{NPZ}: holistic has T = {t - 1} rows, but skeleton has T = {t} frames"


def test_skeleton_length_differs_from_table(folder):
    def edit(t):
        t.loc[0, "frames"] += 1
        return t
    edit_table(folder, edit)
    msg = clip_error(folder)
    assert f"{NPZ}: skeleton has T =" in msg and "clips.csv says frames" in msg


def test_facial_mask_length(folder):
    a = arrays(folder)
    rewrite(folder, facial_mask=a["facial_mask"][:-1])
    msg = clip_error(folder)
    assert f"{NPZ}: facial_mask has length {len(a['facial']) - 1}, but facial has" in msg


@pytest.mark.parametrize("name", ["facial_frames", "scenic_frames"])
def test_frame_indices_out_of_range(folder, name):
    a = arrays(folder)
    idx = a[name].copy()
    idx[-1] = len(a["skeleton"])  # one past the last frame
    rewrite(folder, **{name: idx})
    assert f"{NPZ}: {name} has frame indices outside 0..{len(a['skeleton']) - 1}" in \
        clip_error(folder)


def test_frame_indices_not_increasing(folder):
    a = arrays(folder)
    rewrite(folder, scenic_frames=a["scenic_frames"][::-1].copy())
    assert f"{NPZ}: scenic_frames is not strictly increasing" in clip_error(folder)


@pytest.mark.parametrize("name,value", [("skeleton", np.nan), ("holistic", np.inf),
                                        ("facial", -np.inf), ("scenic", np.nan)])
def test_nan_or_inf(folder, name, value):
    a = arrays(folder)
    bad = a[name].copy()
    bad[1, 0] = value
    if name == "facial":
        rewrite(folder, facial=bad, facial_mask=np.ones(len(bad), bool))
    else:
        rewrite(folder, **{name: bad})
    assert f"{NPZ}: {name} has " in clip_error(folder) and "NaN or inf" in clip_error(folder)


@pytest.mark.parametrize("name,dtype", [("skeleton", np.int32), ("facial_mask", np.int8),
                                        ("scenic_frames", np.float64)])
def test_wrong_dtype_kind(folder, name, dtype):
    a = arrays(folder)
    rewrite(folder, **{name: a[name].astype(dtype)})
    assert f"{NPZ}: {name} has dtype {np.dtype(dtype)}, expected" in clip_error(folder)


def test_other_float_widths_are_read_as_float32(folder):
    a = arrays(folder)
    rewrite(folder, holistic=a["holistic"].astype(np.float64))
    assert VDVFiles(folder).clip(0).holistic.dtype == torch.float32


def test_facial_rows_must_be_zero_without_a_face(folder):
    a = arrays(folder)
    mask = a["facial_mask"].copy()
    mask[:] = False
    rewrite(folder, facial_mask=mask, facial=np.ones_like(a["facial"]))
    assert f"{NPZ}: facial has non-zero rows where facial_mask is False" in clip_error(folder)


def test_object_arrays_are_refused(folder):
    a = arrays(folder)
    path = folder / NPZ
    np.savez_compressed(path, **{**a, "holistic": np.array([None, 1], dtype=object)})
    msg = clip_error(folder)
    assert f"{NPZ}: holistic cannot be read" in msg and "missing array" not in msg


def test_corrupt_file(folder):
    (folder / NPZ).write_bytes(b"not a zip file")
    assert clip_error(folder).startswith(f"{NPZ}: cannot be read as a NumPy .npz file")


def test_validate_all_lists_every_problem(folder):
    a = arrays(folder)
    rewrite(folder, holistic=a["holistic"][:, :1024], facial_mask=a["facial_mask"][:-1])
    (folder / "clips/C5_00050.npz").unlink()
    files = VDVFiles(folder)
    problems = files.validate_all(progress=False)
    assert len(problems) == 3
    assert sum(p.startswith(f"{NPZ}: holistic has shape") for p in problems) == 1
    assert sum(p.startswith(f"{NPZ}: facial_mask has length") for p in problems) == 1
    assert sum(p.startswith("clips/C5_00050.npz: missing") for p in problems) == 1
    with pytest.raises(VDVFormatError, match="3 problem"):
        files.validate_all(progress=False, strict=True)
