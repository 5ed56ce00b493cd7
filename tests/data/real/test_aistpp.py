"""The AIST++ keypoint loader: a restricted unpickler, field checks, and the real files."""

import os
import pickle

import numpy as np
import pytest

from vira.data import data_dir
from vira.data.real.aistpp import RANGES, AistppClip, list_clips, load_keypoints, to_mpii


def _fields(cameras=2, frames=5, joints=17):
    rng = np.random.default_rng(1)
    size = (cameras, frames, joints)  # x, y in pixels of a 1920x1080 image; a confidence
    kp = np.stack([rng.uniform(0, 1920, size), rng.uniform(0, 1080, size), rng.uniform(0, 1, size)],
                  axis=-1).astype(np.float32)
    return {"keypoints2d": kp,
            "det_scores": rng.uniform(0, 1, size=(cameras, frames)).astype(np.float32),
            "timestamps": (np.arange(frames) * 1e6 / 60).round().astype(np.int64)}


def _write(path, obj, protocol=pickle.DEFAULT_PROTOCOL):
    path.write_bytes(pickle.dumps(obj, protocol=protocol))
    return path


@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_plain_pickle_of_arrays_loads(tmp_path, protocol):
    fields = _fields()
    fields["extra"] = np.float32(1.5)  # a NumPy scalar (another allowed global), ignored
    clip = load_keypoints(_write(tmp_path / "clip.pkl", fields, protocol))
    assert isinstance(clip, AistppClip) and clip.name == "clip"
    np.testing.assert_array_equal(clip.keypoints, fields["keypoints2d"])
    np.testing.assert_array_equal(clip.det_scores, fields["det_scores"])
    np.testing.assert_array_equal(clip.timestamps_us, fields["timestamps"])
    assert clip.fps == pytest.approx(60, rel=1e-5)
    assert (clip.n_cameras, clip.n_frames) == (2, 5)
    assert not clip.missing.any()
    assert to_mpii(clip, camera=1).shape == (5, 16, 3)
    with pytest.raises(ValueError, match="camera 2"):
        to_mpii(clip, camera=2)


def test_wholly_nan_pose_is_kept(tmp_path):
    fields = _fields()
    fields["keypoints2d"][0, 3] = np.nan
    fields["det_scores"][0, 3] = 0
    clip = load_keypoints(_write(tmp_path / "gap.pkl", fields))
    assert clip.missing.tolist() == [[False, False, False, True, False], [False] * 5]
    assert np.isnan(to_mpii(clip)[3]).all()


class _Evil:
    """Unpickling this calls os.getcwd (harmless, but not an array global)."""

    def __reduce__(self):
        return (os.getcwd, ())


class _Printer:
    def __reduce__(self):
        return (print, ("x",))


@pytest.mark.parametrize("payload, name", [(_Evil(), "getcwd"), (_Printer(), "builtins.print")])
def test_malicious_pickle_is_refused(tmp_path, payload, name, capsys):
    fields = _fields()
    fields["keypoints2d"] = payload
    path = _write(tmp_path / "evil.pkl", fields)
    with pytest.raises(pickle.UnpicklingError, match=rf"evil\.pkl: refused global .*{name}"):
        load_keypoints(path)
    assert capsys.readouterr().out == ""  # nothing was called


def test_corrupt_pickle_names_the_file(tmp_path):
    path = tmp_path / "cut.pkl"
    path.write_bytes(pickle.dumps(_fields())[:100])
    with pytest.raises(pickle.UnpicklingError, match=r"cut\.pkl"):
        load_keypoints(path)


def _broken(kind):
    fields = _fields()
    if kind == "list":
        return [fields["keypoints2d"]]
    if kind == "no det":
        del fields["det_scores"]
    elif kind == "16 joints":
        fields["keypoints2d"] = fields["keypoints2d"][:, :, :16]
    elif kind == "det frames":
        fields["det_scores"] = fields["det_scores"][:, :4]
    elif kind == "ts frames":
        fields["timestamps"] = fields["timestamps"][:4]
    elif kind == "ts order":
        fields["timestamps"] = fields["timestamps"][::-1].copy()
    elif kind == "ts float":
        fields["timestamps"] = fields["timestamps"].astype(np.float64)
    elif kind == "inf":
        fields["keypoints2d"][1, 2, 3, 0] = np.inf
    elif kind == "partial nan":
        fields["keypoints2d"][1, 2, 3] = np.nan
    elif kind == "kp list":
        fields["keypoints2d"] = fields["keypoints2d"].tolist()
    return fields


@pytest.mark.parametrize("kind, message", [
    ("list", "top-level object is a list, expected a dict"),
    ("no det", "missing key.*det_scores"),
    ("16 joints", r"keypoints2d has shape \(2, 5, 16, 3\), expected \(cameras, frames, 17, 3\)"),
    ("det frames", r"det_scores has shape \(2, 4\)"),
    ("ts frames", r"timestamps has shape \(4,\)"),
    ("ts order", "timestamps must be .*strictly increasing"),
    ("ts float", "timestamps has dtype float64"),
    ("inf", "keypoints2d has non-finite"),
    ("partial nan", "keypoints2d has non-finite"),
    ("kp list", "keypoints2d is a list, expected a NumPy array"),
])
def test_bad_fields_are_value_errors(tmp_path, kind, message):
    path = _write(tmp_path / "bad.pkl", _broken(kind))
    with pytest.raises(ValueError, match=rf"^bad\.pkl: {message}"):
        load_keypoints(path)


def test_non_finite_values_name_their_position(tmp_path):
    fields = _fields()
    fields["keypoints2d"][1, 2, 3, 0] = np.inf
    with pytest.raises(ValueError, match=r"^inf\.pkl: keypoints2d has non-finite values other than wholly "
                                         r"NaN poses \(first at camera 1, frame 2, joint 3\); 1 such value"):
        load_keypoints(_write(tmp_path / "inf.pkl", fields))
    fields = _fields()
    fields["det_scores"][0, 4] = np.nan
    with pytest.raises(ValueError, match=r"^nan\.pkl: det_scores has non-finite values "
                                         r"\(first at camera 0, frame 4\); 1 such value"):
        load_keypoints(_write(tmp_path / "nan.pkl", fields))


def test_coordinates_of_1e30_are_refused_by_position(tmp_path):
    fields = _fields()
    fields["keypoints2d"][1, 3, 5, 1] = 1e30
    with pytest.raises(ValueError, match=r"^far\.pkl: keypoints2d y = 1e\+30 at camera 1, frame 3, joint 5 is "
                                         r"outside -1080\.\.2160; 1 such value"):
        load_keypoints(_write(tmp_path / "far.pkl", fields))


@pytest.mark.parametrize("name", sorted(RANGES))
@pytest.mark.parametrize("side", ["below", "above"])
def test_every_range_rule_refuses_a_value_beyond_it(tmp_path, name, side):
    low, high = RANGES[name]
    value = (low - 1 if low <= 0 else low / 2) if side == "below" else high * 10
    fields = _fields()
    if name == "fps":
        fields["timestamps"] = (np.arange(5) * 1e6 / value).round().astype(np.int64)
        where = r"fps \S+ \(from the timestamps\)"
    elif name == "det_scores":
        fields["det_scores"][1, 2] = value
        where = rf"det_scores = {value:g} at camera 1, frame 2"
    else:
        channel = ["x", "y", "confidence"].index(name)
        fields["keypoints2d"][0, 4, 16, channel] = value
        where = rf"keypoints2d {name} = {value:g} at camera 0, frame 4, joint 16"
    with pytest.raises(ValueError, match=rf"^r\.pkl: {where} is outside {low:g}\.\.{high:g}"):
        load_keypoints(_write(tmp_path / "r.pkl", fields))


def test_list_clips(tmp_path):
    for name in ("b.pkl", "a.pkl", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in list_clips(tmp_path)] == ["a.pkl", "b.pkl"]
    with pytest.raises(FileNotFoundError):
        list_clips(tmp_path / "absent")


def test_real_files():
    folder = data_dir("aistpp_keypoints2d")
    if folder is None:
        pytest.skip("VIRA_DATA/aistpp_keypoints2d not available")
    paths = list_clips(folder)
    assert len(paths) == 10
    for path in paths:
        clip = load_keypoints(path)
        assert clip.keypoints.shape == (9, 720, 17, 3) and clip.keypoints.dtype == np.float32
        assert clip.fps == pytest.approx(60, rel=1e-4)
        # Missing detections are whole NaN poses with a zero detector score.
        assert (clip.det_scores[clip.missing] == 0).all()
        conf = clip.keypoints[..., 2][~clip.missing]
        assert 0 <= conf.min() and conf.max() < 1.1
        mpii = to_mpii(clip)
        assert mpii.shape == (720, 16, 3)
        assert np.isfinite(mpii[~clip.missing[0]]).all()


def test_a_missing_pose_with_a_detection_is_refused(tmp_path):
    fields = _fields()
    fields["keypoints2d"][1, 2] = np.nan  # no pose, but the detector says 0.9
    fields["det_scores"][1, 2] = 0.9
    with pytest.raises(ValueError, match=r"gap.pkl: keypoints2d has a wholly NaN pose \(no person\) "
                                         r"where det_scores is not 0 \(at camera 1, frame 2\); 1 such"):
        load_keypoints(_write(tmp_path / "gap.pkl", fields))


def test_a_folder_or_a_looping_link_is_named(refuses_folder_and_loop):
    refuses_folder_and_loop(load_keypoints, ".pkl", "keypoint file")


@pytest.mark.parametrize("tail", [b"junk after the end", "second pickle"])
def test_data_after_the_pickle_is_refused(tmp_path, tail):
    data = pickle.dumps(_fields())
    tail = pickle.dumps(_fields(frames=3)) if tail == "second pickle" else tail
    path = tmp_path / "tail.pkl"
    path.write_bytes(data + tail)
    with pytest.raises(pickle.UnpicklingError,
                       match=rf"^tail\.pkl: data after the end of the pickle at byte {len(data)}"):
        load_keypoints(path)


@pytest.mark.parametrize("protocol", [0, 4])
def test_a_key_set_twice_is_refused(tmp_path, protocol):
    fields = _fields()
    fields["keypoints2X"] = np.zeros_like(fields["keypoints2d"])  # renamed below to a second keypoints2d
    raw = pickle.dumps(fields if protocol else {"keypoints2d": 1, "keypoints2X": 2}, protocol=protocol)
    path = tmp_path / "twice.pkl"
    path.write_bytes(raw.replace(b"keypoints2X", b"keypoints2d"))
    with pytest.raises(pickle.UnpicklingError,
                       match=r"^twice\.pkl: key 'keypoints2d' is set twice in one dict"):
        load_keypoints(path)


def test_a_garbled_pickle_names_the_load_key(tmp_path):
    path = tmp_path / "gz.pkl"
    path.write_bytes(b"\x1f\x8b\x08\x00")  # the start of a gzip file
    with pytest.raises(pickle.UnpicklingError, match=r"^gz\.pkl: not a readable pickle: .*invalid load key"):
        load_keypoints(path)


def test_timestamps_that_step_unevenly_are_refused_naming_the_frame(tmp_path):
    fields = _fields(frames=8)
    fields["timestamps"][5:] += 1_000_000  # one second of frames missing before frame 5
    with pytest.raises(ValueError, match=r"^gap\.pkl: timestamps step unevenly: 1016666 us from frame 4 to "
                                         r"frame 5, the typical step is 16667 us"):
        load_keypoints(_write(tmp_path / "gap.pkl", fields))


def test_uint64_timestamps_beyond_int64_are_refused(tmp_path):
    fields = _fields()
    fields["timestamps"] = fields["timestamps"].astype(np.uint64) + np.uint64(2 ** 63)
    with pytest.raises(ValueError, match=r"^big\.pkl: timestamps has 9223372036854775808 at frame 0, "
                                         r"beyond int64"):
        load_keypoints(_write(tmp_path / "big.pkl", fields))
    fields["timestamps"] = _fields()["timestamps"].astype(np.uint64)  # unsigned but small: read
    assert load_keypoints(_write(tmp_path / "ok.pkl", fields)).timestamps_us.dtype == np.int64
