"""The checks of the VDV layout on disk (vira.data.real.vdv_checks): one test per way a folder can
break the layout, each checking that the error names the file and the field."""

import numpy as np
import pandas as pd
import pytest
import torch

from vira.data.layout import STREAMS
from vira.data.real.vdv_checks import (ARRAY_LIMITS, ARRAYS, CHANNEL_RANGES, COLUMN_RULES, MAX_LISTED, REQUIRED_COLUMNS,
                                       VDVFormatError, check_arrays, read_table, summarise, table_problems)
from vira.data.real.vdv_files import VDVFiles

STEM = "C1_00000"  # row 0 of the exported table
NPZ = f"clips/{STEM}.npz"


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


def table_error(folder, edit):
    """Edit clips.csv with ``edit(table) -> table`` and return the message of opening the folder."""
    edit_table(folder, edit)
    with pytest.raises(VDVFormatError) as err:
        VDVFiles(folder)
    return str(err.value)


def clip_error(folder, streams=STREAMS, index=0):
    files = VDVFiles(folder)  # opening reads clips.csv only: clip files are checked lazily
    with pytest.raises(VDVFormatError) as err:
        files.clip(index, streams=streams)
    return str(err.value)


def arrays(folder, stem=STEM):
    with np.load(folder / "clips" / f"{stem}.npz") as z:
        return dict(z)


def test_summarise_one_problem_or_a_list():
    assert summarise(["a: b"]) == "a: b"
    assert summarise(["x", "y"]) == "2 problems:\n  x\n  y"
    many = summarise([str(k) for k in range(MAX_LISTED + 3)], "head:")
    assert many.splitlines()[0] == "head:" and many.endswith("... and 3 more")


def test_check_arrays_by_hand():
    t = 5
    good = {"skeleton": np.zeros((t, 16, 3)), "holistic": np.ones((t, 2048), np.float16)}
    out, problems = check_arrays(good, t, "x.npz", streams=("skeleton", "holistic"))
    assert problems == [] and out["holistic"].dtype == np.float32
    out, problems = check_arrays({"skeleton": np.zeros((t + 1, 16, 3))}, t, "x.npz",
                                 streams=("skeleton",))
    assert problems == ["x.npz: skeleton has T = 6 frames, but clips.csv says frames = 5"]
    _, problems = check_arrays({}, t, "x.npz", streams=("scenic",))
    assert problems == ["x.npz: missing array 'scenic' (shape (T_s, 512))",
                        "x.npz: missing array 'scenic_frames' (shape (T_s,))"]


# -- clips.csv ---------------------------------------------------------------------------------
def test_read_table_of_a_good_folder(vdv_exported):
    table = read_table(vdv_exported)
    assert len(table) == 6 and table["frames"].dtype == np.int64
    assert set(REQUIRED_COLUMNS) <= set(table) and list(table.index) == list(range(6))


@pytest.mark.parametrize("column", REQUIRED_COLUMNS)
def test_missing_column(vdv_folder, column):
    edit_table(vdv_folder, lambda t: t.drop(columns=column))
    with pytest.raises(ValueError, match=rf"clips\.csv: missing column.*'{column}'"):
        VDVFiles(vdv_folder)


def test_unknown_challenge(vdv_folder):
    def edit(t):
        t.loc[2, "challenge"] = "C9"
        return t
    msg = table_error(vdv_folder, edit)
    assert "clips.csv row 2" in msg and "C2_00013" in msg and "challenge 'C9'" in msg


def test_bad_split(vdv_folder):
    def edit(t):
        t.loc[4, "split"] = "validation"
        return t
    edit_table(vdv_folder, edit)
    with pytest.raises(VDVFormatError, match=r"clips\.csv row 4 .*split 'validation'"):
        VDVFiles(vdv_folder)


def test_bad_numbers_and_stems_are_all_listed(vdv_folder):
    def edit(t):
        t["likes"] = t["likes"].astype(object)
        t.loc[1, "likes"] = "541.2K"
        t.loc[3, "frames"] = 0
        t.loc[5, "clip"] = t.loc[0, "clip"]
        return t
    msg = table_error(vdv_folder, edit)
    assert "clips.csv: 3 problems" in msg
    assert "row 1" in msg and "likes = '541.2K'" in msg
    assert "row 3" in msg and "frames = 0" in msg
    assert "row 5" in msg and "appears more than once" in msg


def test_a_label_of_5_in_a_0_1_layout_names_the_row(vdv_folder):
    def edit(t):
        t.loc[3, "label"] = 5
        return t
    edit_table(vdv_folder, edit)
    with pytest.raises(VDVFormatError, match=r"^clips\.csv row 3 \(line 5, clip 'C3_00024'\): "
                                             r"label = 5\.0 is not a finite number in 0\.\.1$"):
        VDVFiles(vdv_folder)


def test_every_column_rule_refuses_a_value_beyond_it(vdv_folder):
    assert set(COLUMN_RULES) == {"frames", "days", "likes", "comments", "reposts", "label", "fps"}
    table = read_table(vdv_folder).astype({"frames": float})
    for column, (low, high, whole) in COLUMN_RULES.items():
        for value in (low - 1, high * 10) + ((low + 0.5,) if whole else ()):
            bad = table.copy()
            if column not in bad:
                bad[column] = 25.0
            bad.loc[2, column] = value
            msg = "\n".join(table_problems(bad))
            kind = "an integer" if whole else "a finite number"
            assert f"clips.csv row 2 (line 4, clip 'C2_00013'): {column} = " in msg, (column, value)
            assert f"is not {kind} in {low:g}..{high:g}" in msg, (column, value)
        assert table_problems(table if column in table else table.assign(**{column: 25.0})) == []


def test_an_empty_or_header_only_table_is_refused(vdv_folder):
    path = vdv_folder / "clips.csv"
    header = path.read_text().splitlines()[0]
    path.write_text(header + "\n")
    with pytest.raises(VDVFormatError, match=r"^clips\.csv: no rows \(only a header\)"):
        VDVFiles(vdv_folder)
    path.write_text("")
    with pytest.raises(VDVFormatError, match=r"^clips\.csv: cannot be read as CSV"):
        VDVFiles(vdv_folder)


def test_a_repeated_column_name_is_refused(vdv_folder):
    path = vdv_folder / "clips.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",label", *(line + ",0.5" for line in lines[1:])]) + "\n")
    with pytest.raises(VDVFormatError, match=r"^clips\.csv: column 'label' appears 2 times in the header"):
        VDVFiles(vdv_folder)


# -- clip files ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ARRAY_LIMITS))
def test_a_value_beyond_an_arrays_limit_names_the_array_and_position(vdv_folder, name):
    big = arrays(vdv_folder)[name].copy()
    where = (1, 2, 0)[:big.ndim]
    big[where] = 1e30
    rewrite(vdv_folder, **{name: big})
    assert f"{NPZ}: {name} has 1 value(s) beyond +-{ARRAY_LIMITS[name]:g} (first 1e+30 at {list(where)})" \
        in clip_error(vdv_folder)

@pytest.mark.parametrize("name", list(ARRAYS))
def test_missing_array(vdv_folder, name):
    rewrite(vdv_folder, **{name: None})
    assert f"{NPZ}: missing array '{name}'" in clip_error(vdv_folder)
    stream = ARRAYS[name][0]
    others = tuple(s for s in STREAMS if s != stream)
    assert VDVFiles(vdv_folder).clip(0, streams=others) is not None  # only asked streams are read


def test_wrong_shape(vdv_folder):
    a = arrays(vdv_folder)
    rewrite(vdv_folder, holistic=a["holistic"][:, :1024])
    t = len(a["skeleton"])
    assert clip_error(vdv_folder) == f"{NPZ}: holistic has shape ({t}, 1024), expected (T, 2048)"


def test_wrong_ndim(vdv_folder):
    a = arrays(vdv_folder)
    rewrite(vdv_folder, skeleton=a["skeleton"].reshape(len(a["skeleton"]), -1))
    assert f"{NPZ}: skeleton has shape ({len(a['skeleton'])}, 48), expected (T, 16, 3)" in \
        clip_error(vdv_folder)


def test_holistic_length_differs_from_skeleton(vdv_folder):
    a = arrays(vdv_folder)
    rewrite(vdv_folder, holistic=a["holistic"][:-1])
    t = len(a["skeleton"])
    assert clip_error(vdv_folder) == \
        f"{NPZ}: holistic has T = {t - 1} rows, but skeleton has T = {t} frames"


def test_skeleton_length_differs_from_table(vdv_folder):
    def edit(t):
        t.loc[0, "frames"] += 1
        return t
    edit_table(vdv_folder, edit)
    msg = clip_error(vdv_folder)
    assert f"{NPZ}: skeleton has T =" in msg and "clips.csv says frames" in msg


def test_facial_mask_length(vdv_folder):
    a = arrays(vdv_folder)
    rewrite(vdv_folder, facial_mask=a["facial_mask"][:-1])
    msg = clip_error(vdv_folder)
    assert f"{NPZ}: facial_mask has length {len(a['facial']) - 1}, but facial has" in msg


@pytest.mark.parametrize("name", ["facial_frames", "scenic_frames"])
def test_frame_indices_out_of_range(vdv_folder, name):
    a = arrays(vdv_folder)
    idx = a[name].copy()
    idx[-1] = len(a["skeleton"])  # one past the last frame
    rewrite(vdv_folder, **{name: idx})
    assert f"{NPZ}: {name} has frame indices outside 0..{len(a['skeleton']) - 1}" in \
        clip_error(vdv_folder)


def test_frame_indices_not_increasing(vdv_folder):
    a = arrays(vdv_folder)
    rewrite(vdv_folder, scenic_frames=a["scenic_frames"][::-1].copy())
    assert f"{NPZ}: scenic_frames is not strictly increasing" in clip_error(vdv_folder)


@pytest.mark.parametrize("name,value", [("skeleton", np.nan), ("holistic", np.inf),
                                        ("facial", -np.inf), ("scenic", np.nan)])
def test_nan_or_inf(vdv_folder, name, value):
    a = arrays(vdv_folder)
    bad = a[name].copy()
    bad[1, 0] = value
    if name == "facial":
        rewrite(vdv_folder, facial=bad, facial_mask=np.ones(len(bad), bool))
    else:
        rewrite(vdv_folder, **{name: bad})
    assert f"{NPZ}: {name} has " in clip_error(vdv_folder) and "NaN or inf" in clip_error(vdv_folder)


@pytest.mark.parametrize("name,dtype", [("skeleton", np.int32), ("facial_mask", np.int8),
                                        ("scenic_frames", np.float64)])
def test_wrong_dtype_kind(vdv_folder, name, dtype):
    a = arrays(vdv_folder)
    rewrite(vdv_folder, **{name: a[name].astype(dtype)})
    assert f"{NPZ}: {name} has dtype {np.dtype(dtype)}, expected" in clip_error(vdv_folder)


def test_other_float_widths_are_read_as_float32(vdv_folder):
    a = arrays(vdv_folder)
    rewrite(vdv_folder, holistic=a["holistic"].astype(np.float64))
    assert VDVFiles(vdv_folder).clip(0).holistic.dtype == torch.float32


def test_facial_rows_must_be_zero_without_a_face(vdv_folder):
    a = arrays(vdv_folder)
    mask = a["facial_mask"].copy()
    mask[:] = False
    rewrite(vdv_folder, facial_mask=mask, facial=np.ones_like(a["facial"]))
    assert f"{NPZ}: facial has non-zero rows where facial_mask is False" in clip_error(vdv_folder)


def test_object_arrays_are_refused(vdv_folder):
    a = arrays(vdv_folder)
    path = vdv_folder / NPZ
    np.savez_compressed(path, **{**a, "holistic": np.array([None, 1], dtype=object)})
    msg = clip_error(vdv_folder)
    assert f"{NPZ}: holistic cannot be read" in msg and "missing array" not in msg


def test_corrupt_file(vdv_folder):
    (vdv_folder / NPZ).write_bytes(b"not a zip file")
    assert clip_error(vdv_folder).startswith(f"{NPZ}: cannot be read as a NumPy .npz file")


@pytest.mark.parametrize("value", [-1.0, 5.0])
def test_a_skeleton_confidence_outside_its_range_names_the_position(vdv_folder, value):
    (name, channel), (what, low, high) = next(iter(CHANNEL_RANGES.items()))
    bad = arrays(vdv_folder)[name].copy()
    bad[3, 4, channel] = value
    rewrite(vdv_folder, **{name: bad})
    assert clip_error(vdv_folder) == (f"{NPZ}: {name} has 1 {what} value(s) outside {low:g}..{high:g} "
                                      f"(first {value:g} at [3, 4, {channel}])")


def _first_row_longer(text):
    lines = text.splitlines()
    lines[1] = lines[1].replace(",", ",1,2k,", 1)  # an unquoted "1,2k" (and one more cell)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("edit, message", [
    pytest.param(_first_row_longer, r"^clips\.csv: cannot be read as CSV \(row 0 has \d+ cells, the header \d+\)$",
                 id="first row longer than the header (refused, not shifted)"),
    pytest.param(lambda text: text.replace("frames", " Frames ", 1),
                 r"^clips\.csv: missing column.*; 'frames' is spelt ' Frames ' \(names must match exactly\)",
                 id="a name spelt otherwise"),
    pytest.param(lambda text: text.replace(",", ";"),
                 r"^clips\.csv: missing column.*; the header is one column: cells separated by ';'", id="semicolons"),
    pytest.param(lambda text: text.replace("\n", ",note" + "x" * 200_000 + "\n", 1),
                 r"cannot be read as CSV .*field larger", id="a cell too long for the csv module"),
])
def test_a_clips_csv_that_is_no_table_of_the_layout_is_refused_by_name(vdv_folder, edit, message):
    path = vdv_folder / "clips.csv"
    path.write_text(edit(path.read_text()))
    with pytest.raises(VDVFormatError, match=message):
        VDVFiles(vdv_folder)


def test_a_bom_and_windows_line_ends_are_read(vdv_folder):
    path = vdv_folder / "clips.csv"
    before = VDVFiles(vdv_folder).table
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(VDVFiles(vdv_folder).table, before)


def test_a_folder_or_a_looping_link_in_place_of_a_file_is_named(vdv_folder):
    npz = vdv_folder / NPZ
    npz.unlink()
    npz.mkdir()
    assert clip_error(vdv_folder) == f"{NPZ}: is a folder, not a file"
    table = vdv_folder / "clips.csv"
    table.unlink()
    table.symlink_to(table)
    with pytest.raises(VDVFormatError, match=r"^clips\.csv: is a symbolic link that loops"):
        VDVFiles(vdv_folder)


def test_a_clip_named_na_is_a_name_and_a_true_false_label_is_no_number(vdv_folder):
    path = vdv_folder / "clips.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("clip")] = "NA"  # pandas would read NA, null or None as a missing cell
    lines[3] = ",".join(row)
    path.write_text("\n".join(lines) + "\n")
    assert read_table(vdv_folder)["clip"].iat[2] == "NA"
    t = pd.read_csv(path, keep_default_na=False)
    t["label"] = [True, False] * (len(t) // 2) + [True] * (len(t) % 2)
    t.to_csv(path, index=False)
    with pytest.raises(VDVFormatError, match=r"row 0 .*label = True is not a finite number in 0\.\.1"):
        read_table(vdv_folder)


def test_stems_that_differ_only_in_case_or_hold_a_control_character_are_problems(vdv_folder):
    def edit(t):
        t["clip"] = t["clip"].astype(object)
        t.loc[1, "clip"] = t.loc[0, "clip"].lower()
        t.loc[2, "clip"] = "C1_\x07bell"
        return t
    msg = table_error(vdv_folder, edit)
    assert f"clip '{STEM.lower()}' differs from clip '{STEM}' only in case" in msg
    assert r"clip 'C1_\x07bell' is not a plain file stem" in msg


def test_an_archive_holding_one_name_twice_is_named(vdv_folder):
    import zipfile
    import warnings

    path = vdv_folder / NPZ
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is told to write
        with zipfile.ZipFile(path, "w") as z:
            for n, data in members.items():
                z.writestr(n, data)
            z.writestr("skeleton.npy", members["skeleton.npy"])
    assert f"{NPZ}: the archive holds skeleton.npy more than once" in clip_error(vdv_folder)
