"""Real dance skeletons: the AIST++ 2-D keypoint files (``$VIRA_DATA/aistpp_keypoints2d/*.pkl``).

AIST++ annotates the AIST Dance Video Database: professional dancers filmed by 9 synchronised
cameras at 60 fps. The copies here are the 2-D keypoints of one break dancer in 10 routines
(``gBR_sBM_cAll_d04_mBR0_ch01`` .. ``ch10``), each a pickled dict with

* ``keypoints2d`` -- float32 (9 cameras, 720 frames, 17 COCO joints, 3): x and y in pixels of the
  1920x1080 camera image (y down) and the detector's confidence;
* ``det_scores`` -- float32 (9, 720): the person detector's score per camera and frame;
* ``timestamps`` -- int64 (720,): microseconds from the first frame (60 fps, 12 s).

What the files contain (checked on all 10): the coordinates are whole pixels; confidences run from
about 5e-6 to 1.03 (slightly above 1, so they are scores, not probabilities). Frames where the
person detector found no one have ``det_scores`` 0 and the whole pose NaN (2 frames of camera 0 in
``ch08``, 17 in ``ch10``); the loader keeps those NaNs (see :attr:`AistppClip.missing`) and refuses
any other non-finite value.

The files are pickles, and unpickling an untrusted file can run arbitrary code. This loader
therefore never uses plain ``pickle`` loading: :class:`_NumpyUnpickler` resolves only the few
NumPy globals that rebuild arrays and dtypes (:data:`ALLOWED_GLOBALS`) and refuses every other
global with :class:`pickle.UnpicklingError` naming the file and the global. It also refuses a dict
that sets a key twice and any data after the pickle's end (a second pickle, or junk), which plain
loading would ignore silently.

Used by the appendix chapter A1 (comparing the motion statistics of the synthetic skeletons with
real dance) and by chapter 2 (skeletons and PSGCN), through :func:`to_mpii`.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vira.files import require_file
from vira.skeleton import COCO17, coco_to_mpii

#: The keys every file must have (other keys are ignored).
KEYS = ("keypoints2d", "det_scores", "timestamps")
#: The plausible range of each value, (low, high) inclusive; a finite value outside refuses the
#: file. x and y are pixels of the 1920x1080 image (a joint may fall off it, by at most one image
#: size); confidences are scores (up to about 1.03 in the real files), detector scores lie in
#: [0, 1]; fps is computed from the timestamps (60 in AIST++).
RANGES = {"x": (-1920, 3840), "y": (-1080, 2160), "confidence": (0, 1.5), "det_scores": (0, 1),
          "fps": (1, 1000)}
#: How far a step between timestamps may differ from the median step, as a share of it (plus 1 us
#: for rounding): the real files step 16666 or 16667 us, at 60 fps rounded to whole microseconds.
TIMESTEP_TOLERANCE = 0.01


def _numpy_globals() -> dict[tuple[str, str], Any]:
    """The globals NumPy's pickles name, mapped to the objects they must resolve to.

    Arrays pickled with protocol 2-4 name ``multiarray._reconstruct``, ``ndarray`` and ``dtype``;
    protocol 5 names ``numeric._frombuffer`` instead of the first two; a NumPy scalar names
    ``multiarray.scalar``. NumPy 2 renamed ``numpy.core`` to ``numpy._core``; files name
    either, so both spellings map to the same function (resolved here, not by importing the
    deprecated ``numpy.core`` alias).
    """
    try:  # NumPy >= 2
        from numpy._core import multiarray, numeric
    except ImportError:  # pragma: no cover - NumPy 1.x
        from numpy.core import multiarray, numeric  # type: ignore[no-redef]
    allowed: dict[tuple[str, str], Any] = {("numpy", "ndarray"): np.ndarray,
                                           ("numpy", "dtype"): np.dtype}
    for package in ("numpy.core", "numpy._core"):
        allowed[(f"{package}.multiarray", "_reconstruct")] = multiarray._reconstruct
        allowed[(f"{package}.multiarray", "scalar")] = multiarray.scalar
        allowed[(f"{package}.numeric", "_frombuffer")] = numeric._frombuffer
    return allowed


#: (module, name) -> object: the only globals a file may name.
ALLOWED_GLOBALS: dict[tuple[str, str], Any] = _numpy_globals()


class _Refused(pickle.UnpicklingError):
    """A global outside :data:`ALLOWED_GLOBALS`, a key set twice in one dict, or data after the
    end of the pickle (passed on unchanged by :func:`_safe_load`)."""


class _NumpyUnpickler(pickle._Unpickler):  # the pure-Python unpickler, so that dict keys can be checked
    """An unpickler that can build NumPy arrays, dicts, lists, numbers and strings, nothing else,
    and refuses a dict that sets one key twice (plain pickle keeps the last value silently)."""

    class _Opcodes(dict):
        def __missing__(self, code: int):  # worded as the C unpickler words it
            raise pickle.UnpicklingError(f"invalid load key, {bytes([code])!r}.")

    dispatch = _Opcodes(pickle._Unpickler.dispatch)

    def __init__(self, file: io.BufferedIOBase, filename: str) -> None:
        super().__init__(file)
        self.filename = filename

    def find_class(self, module: str, name: str) -> Any:
        try:
            return ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise _Refused(f"{self.filename}: refused global {module}.{name} "
                           "(only NumPy array globals are allowed)") from None

    def _set(self, target: Any, items: list) -> None:
        for key, value in zip(items[::2], items[1::2]):
            if isinstance(target, dict) and key in target:
                raise _Refused(f"{self.filename}: key {key!r} is set twice in one dict "
                               "(the last value would silently win)")
            target[key] = value

    def _load_setitem(self) -> None:
        value, key = self.stack.pop(), self.stack.pop()
        self._set(self.stack[-1], [key, value])

    def _load_setitems(self) -> None:
        items = self.pop_mark()
        self._set(self.stack[-1], items)

    def _load_dict(self) -> None:
        target: dict = {}
        self._set(target, self.pop_mark())
        self.append(target)

    dispatch[pickle.SETITEM[0]] = _load_setitem
    dispatch[pickle.SETITEMS[0]] = _load_setitems
    dispatch[pickle.DICT[0]] = _load_dict


def _safe_load(path: Path) -> Any:
    """Unpickle ``path`` with :class:`_NumpyUnpickler`; every failure names the file (a folder or
    a looping link: :func:`vira.files.require_file`), and so does data after the pickle's end
    (junk, or a second pickle that plain loading would ignore)."""
    require_file(path, "keypoint file")
    with open(path, "rb") as fh:
        try:
            obj = _NumpyUnpickler(fh, path.name).load()
        except _Refused:
            raise
        except Exception as exc:  # truncated or corrupt stream, bad arguments to a NumPy global
            raise pickle.UnpicklingError(f"{path.name}: not a readable pickle: {exc!r}") from exc
        if fh.read(1) != b"":
            raise _Refused(f"{path.name}: data after the end of the pickle at byte {fh.tell() - 1} "
                           "(junk or a second pickle appended)")
    return obj


@dataclass(frozen=True)
class AistppClip:
    """One AIST++ keypoint file.

    ``keypoints`` (cameras, T, 17, 3) float32, COCO joints, (x, y, confidence), NaN where the
    detector found no one; ``det_scores`` (cameras, T) float32; ``timestamps_us`` (T,) int64;
    ``fps`` from the timestamps: (T - 1) / (last - first) in seconds.
    """

    name: str
    keypoints: np.ndarray
    det_scores: np.ndarray
    timestamps_us: np.ndarray
    fps: float

    @property
    def n_cameras(self) -> int:
        return self.keypoints.shape[0]

    @property
    def n_frames(self) -> int:
        return self.keypoints.shape[1]

    @property
    def missing(self) -> np.ndarray:
        """(cameras, T) bool: frames whose whole pose is NaN (no person detected)."""
        return np.isnan(self.keypoints).all(axis=(2, 3))


def _array(obj: dict, key: str, fname: str, kind: str, what: str) -> np.ndarray:
    """``obj[key]`` as an array of NumPy dtype kind(s) ``kind``, else a ValueError."""
    value = obj[key]
    if not isinstance(value, np.ndarray):
        raise ValueError(f"{fname}: {key} is a {type(value).__name__}, expected a NumPy array")
    if value.dtype.kind not in kind:
        raise ValueError(f"{fname}: {key} has dtype {value.dtype}, expected {what}")
    return value


def _position(index) -> str:
    """``camera 1, frame 2, joint 3`` for an index into keypoints2d (or det_scores)."""
    return ", ".join(f"{axis} {int(k)}" for axis, k in zip(("camera", "frame", "joint"), index))


def _refuse(bad: np.ndarray, fname: str, what: str) -> None:
    """Raise ValueError ``<file>: <what>; <n> such value(s)`` if ``bad`` has a True; ``{at}`` in
    ``what`` becomes the position of the first."""
    if bad.any():
        first = np.argwhere(bad)[0]
        raise ValueError(f"{fname}: {what.format(at=_position(first))}; "
                         f"{int(bad.sum())} such value(s)")


def _check_ranges(kp: np.ndarray, det: np.ndarray, fps: float, fname: str) -> None:
    """Refuse the first value outside :data:`RANGES` (NaN poses pass), naming its position."""
    for channel, name in enumerate(("x", "y", "confidence")):
        low, high = RANGES[name]
        values = kp[..., channel]
        with np.errstate(invalid="ignore"):
            bad = (values < low) | (values > high)
        if bad.any():
            first = tuple(np.argwhere(bad)[0])
            _refuse(bad, fname, f"keypoints2d {name} = {values[first]:g} at {{at}} is outside "
                                f"{low:g}..{high:g}")
    low, high = RANGES["det_scores"]
    bad = (det < low) | (det > high)
    if bad.any():
        first = tuple(np.argwhere(bad)[0])
        _refuse(bad, fname, f"det_scores = {det[first]:g} at {{at}} is outside {low:g}..{high:g}")
    low, high = RANGES["fps"]
    if not low <= fps <= high:
        raise ValueError(f"{fname}: fps {fps:g} (from the timestamps) is outside {low:g}..{high:g}: "
                         "timestamps must be microseconds")


def load_keypoints(path: str | Path) -> AistppClip:
    """Load and check one AIST++ keypoint file.

    Raises :class:`pickle.UnpicklingError` for a file that names a global other than NumPy's
    (see :data:`ALLOWED_GLOBALS`), sets a dict key twice, has data after the pickle's end or is
    not a readable pickle, and ValueError, naming the file
    and the field, for anything else unexpected: not a dict, a missing key, a field that is not
    an array of the right kind, inconsistent shapes, timestamps that do not increase, do not fit
    int64, or step unevenly (beyond :data:`TIMESTEP_TOLERANCE`, naming the first frame), a
    non-finite value other than a wholly NaN pose (a frame with no detection, which is kept; its
    ``det_scores`` must be 0), or a
    value outside :data:`RANGES`; a bad value's message names its camera, frame and joint.
    """
    path = Path(path)
    fname = path.name
    obj = _safe_load(path)
    if not isinstance(obj, dict):
        raise ValueError(f"{fname}: top-level object is a {type(obj).__name__}, "
                         f"expected a dict with keys {', '.join(KEYS)}")
    missing_keys = [k for k in KEYS if k not in obj]
    if missing_keys:
        raise ValueError(f"{fname}: missing key(s) {', '.join(missing_keys)}")

    kp = _array(obj, "keypoints2d", fname, "f", "a float array")
    if kp.ndim != 4 or kp.shape[2:] != (len(COCO17), 3) or 0 in kp.shape[:2]:
        raise ValueError(f"{fname}: keypoints2d has shape {kp.shape}, "
                         "expected (cameras, frames, 17, 3)")
    cameras, frames = kp.shape[:2]
    det = _array(obj, "det_scores", fname, "f", "a float array")
    if det.shape != (cameras, frames):
        raise ValueError(f"{fname}: det_scores has shape {det.shape}, "
                         f"expected (cameras, frames) = {(cameras, frames)}")
    ts = _array(obj, "timestamps", fname, "iu", "an integer array (microseconds)")
    if ts.shape != (frames,):
        raise ValueError(f"{fname}: timestamps has shape {ts.shape}, expected (frames,) = "
                         f"({frames},)")

    # A frame without a detection is NaN across the whole pose; anything else non-finite
    # (inf, or NaN in part of a pose) means a broken file.
    finite = np.isfinite(kp)
    _refuse(~(finite | np.isnan(kp).all(axis=(2, 3), keepdims=True)), fname,
            "keypoints2d has non-finite values other than wholly NaN poses (first at {at})")
    _refuse(~np.isfinite(det), fname, "det_scores has non-finite values (first at {at})")
    _refuse(np.isnan(kp).all(axis=(2, 3)) & (det != 0), fname,
            "keypoints2d has a wholly NaN pose (no person) where det_scores is not 0 (at {at})")
    if ts.dtype.kind == "u" and (too_big := ts > np.iinfo(np.int64).max).any():
        first = int(np.argmax(too_big))
        raise ValueError(f"{fname}: timestamps has {ts[first]} at frame {first}, beyond int64 "
                         "microseconds")
    ts = ts.astype(np.int64)
    if frames < 2 or not (np.diff(ts) > 0).all():
        raise ValueError(f"{fname}: timestamps must be at least 2 strictly increasing values")
    steps = np.diff(ts)
    typical = float(np.median(steps))
    uneven = np.abs(steps - typical) > TIMESTEP_TOLERANCE * typical + 1
    if uneven.any():
        k = int(np.argmax(uneven))
        raise ValueError(f"{fname}: timestamps step unevenly: {int(steps[k])} us from frame {k} to "
                         f"frame {k + 1}, the typical step is {typical:g} us (dropped or repeated "
                         f"frames?); {int(uneven.sum())} such step(s)")

    fps = (frames - 1) / ((ts[-1] - ts[0]) * 1e-6)
    _check_ranges(kp, det, fps, fname)
    return AistppClip(name=path.stem, keypoints=kp.astype(np.float32, copy=False),
                      det_scores=det.astype(np.float32, copy=False), timestamps_us=ts,
                      fps=float(fps))


def to_mpii(clip: AistppClip, camera: int = 0) -> np.ndarray:
    """One camera's poses as MPII joints: (T, 16, 3) float32, via :func:`coco_to_mpii`."""
    if not 0 <= camera < clip.n_cameras:
        raise ValueError(f"{clip.name}: camera {camera} out of range 0..{clip.n_cameras - 1}")
    return coco_to_mpii(clip.keypoints[camera])


def list_clips(folder: str | Path) -> list[Path]:
    """The ``*.pkl`` files in ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"not a folder: {folder}")
    return sorted(folder.glob("*.pkl"))
