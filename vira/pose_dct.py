"""Pose+DCT: the frequency-domain skeleton baseline of Table 3 (Pirsiavash et al. 2014).

Pirsiavash, Vondrick and Torralba ("Assessing the quality of actions", ECCV 2014; [46] in the
VDV paper) describe a clip by the discrete cosine transform of every joint's trajectory: the
low-frequency coefficients (their magnitudes) of the x and y coordinates of all joints form one
feature vector, and a support vector regressor (SVR) maps it to the score. The VDV paper (Wang
et al. 2021, §5.2, Table 3) uses it as the "Pose+DCT" row that PSGCN is compared with. Chapter 2
(``02_psgcn``) uses it for that row.

It is a non-neural baseline: hand-made features and a scikit-learn regressor with its own
``fit``, no ``nn.Module``. So it lives here, one module for the idea, and not in
:mod:`vira.models` (networks only) nor in :mod:`vira.training` (loops for those networks).

Choices (the VDV paper says nothing about them beyond "DCT ... and SVR"):

* **Input.** The model input of :func:`vira.skeleton.normalize_sequence`: an array (3, T, V) with
  channels (x, y, confidence), coordinates centred on the thorax and in torso units, and joints
  that were not detected set to (0, 0, 0). So the features are invariant to camera position and
  distance, as PSGCN's input is.
* **k = 20** low frequencies per coordinate (:data:`PAPER_K`; neither paper text we have gives a
  number), so a clip gives V * 2 * k = 16 * 2 * 20 = 640 features, ordered (joint, coordinate,
  frequency). A clip shorter than k frames has only T coefficients; the rest are zero.
* **Missing joints.** A joint's trajectory is filled by linear interpolation between the frames
  where it was detected (confidence > 0 and finite coordinates), held constant before its first
  and after its last detection (``numpy.interp``); a joint never detected in the clip is a zero
  trajectory, so all its features are 0. Zeros from missed detections would otherwise look like
  jumps to the thorax and put spurious energy into every frequency.
* **Variable length.** The trajectory is transformed as it is (``scipy.fft.dct``, type II,
  ``norm="ortho"``) and the coefficients are divided by sqrt(T). Coefficient m then measures the
  component that makes m half-cycles over the whole clip, with a size that does not depend on T:
  ``a * cos(pi m (t + 1/2) / T)`` gives a / sqrt(2) at m >= 1 for every T, and coefficient 0 is
  the mean position. This approximates the DCT of the trajectory resampled to a common length,
  without the resampling. Frequencies are thus relative to the clip's duration (a clip twice as
  long at the same tempo puts its beat at twice the m), the price of one fixed-length vector.
* **Regressor.** ``StandardScaler`` then ``SVR`` (rbf kernel, C = 1, epsilon = 0.1,
  gamma = "scale": scikit-learn's defaults) in a ``Pipeline``. Because epsilon is in the units of
  the target and VDV labels are squeezed into [0, 1], the target is standardised too
  (``TransformedTargetRegressor``; ``standardize_target=False`` turns that off), so epsilon means
  a tenth of the labels' spread. SVR is deterministic: no seed is needed. The VDV paper does not
  name the kernel; ``kernel="linear"`` is one argument away. With 640 standardised features and
  a few hundred clips, features that carry only noise weigh as much as informative ones in the
  rbf distance, so the baseline is weak when many joints jitter independently.
* **Round-off.** Coefficient magnitudes below 1e-10 times the clip's largest coordinate
  (:data:`ROUNDOFF`) are set to 0: a joint that holds still (or is filled in as constant) would
  otherwise give features made of floating-point noise, which standardisation inflates to unit
  variance.

Shapes: ``dct_features`` (3, T, V) -> (V * 2 * k,); ``features_of`` -> (n, V * 2 * k);
``PoseDCT.fit(xs, y)`` takes a list of (3, T, V) arrays and n scores, ``predict(xs)`` gives (n,).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.fft import dct

from vira.skeleton import V, normalize_sequence

#: Low-frequency DCT coefficients kept per joint and coordinate (our choice; see the module doc).
PAPER_K: int = 20
#: Relative size below which a coefficient is floating-point round-off and set to 0.
ROUNDOFF: float = 1e-10
#: Coordinates transformed: x and y (the confidence channel only marks detections).
COORDS: int = 2


def _fill_missing(traj: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Linear interpolation of traj (T,) over the frames where ``seen``; zeros if never seen."""
    if seen.all():
        return traj
    if not seen.any():
        return np.zeros_like(traj)
    t = np.arange(len(traj))
    return np.interp(t, t[seen], traj[seen])


def dct_features(x, mask=None, k: int = PAPER_K) -> np.ndarray:
    """The Pose+DCT feature vector of one clip: (3, T, V) -> (V * 2 * k,) float64.

    ``x`` is a model input from :func:`vira.skeleton.normalize_sequence` (channels x, y,
    confidence; a NumPy array or a CPU tensor). A joint counts as detected in a frame where its
    confidence is > 0 and its coordinates are finite; other frames are filled by linear
    interpolation (a joint never detected gives zeros). ``mask`` (T,), optional, marks the valid
    frames of a padded clip (as the ``"mask"`` of :class:`vira.data.clips.SkeletonClips`);
    frames where it is False are dropped before the transform. For each joint v and coordinate c
    the output holds ``|DCT(x[c, :, v])[m]| / sqrt(T)`` for m = 0..k-1 at index
    ``(v * 2 + c) * k + m``; coefficients beyond a short clip's T are 0.
    """
    if k < 1:
        raise ValueError(f"k must be positive, got {k}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3 or x.shape[0] != 3:
        raise ValueError(f"x: expected shape (3, T, V), got {x.shape}")
    if mask is not None:
        mask = np.asarray(mask).astype(bool)
        if mask.shape != (x.shape[1],):
            raise ValueError(f"mask: expected shape ({x.shape[1]},), got {mask.shape}")
        x = x[:, mask]
    _, t, v = x.shape
    out = np.zeros((v, COORDS, k))
    if t == 0:
        return out.reshape(-1)
    seen = np.isfinite(x).all(axis=0) & (np.nan_to_num(x[2]) > 0)  # (T, V)
    traj = np.empty((v, COORDS, t))
    for j in range(v):
        for c in range(COORDS):
            traj[j, c] = _fill_missing(x[c, :, j], seen[:, j])
    coef = np.abs(dct(traj, type=2, norm="ortho", axis=-1)[..., :k]) / np.sqrt(t)
    # Round-off of a constant (or interpolated-constant) trajectory is not motion: snap it to 0,
    # or a feature that is round-off in every clip would be blown up to unit variance by the
    # StandardScaler of PoseDCT.
    coef[coef <= ROUNDOFF * max(1.0, float(np.abs(traj).max()))] = 0.0
    out[..., :coef.shape[-1]] = coef
    return out.reshape(-1)


def features_of(source, indices, k: int = PAPER_K, progress: bool = True) -> np.ndarray:
    """Feature matrix (len(indices), V * 2 * k) of clips of a VDV-style source.

    ``source`` is :class:`vira.data.synthetic.synthetic_vdv.SyntheticVDV` or anything with
    ``clip(i, streams=("skeleton",)).skeleton`` a (T, 16, 3) pose sequence (pixels and
    confidence); each is normalised by :func:`vira.skeleton.normalize_sequence` and passed to
    :func:`dct_features`. A tqdm progress bar is shown unless ``progress`` is False.
    """
    from tqdm.auto import tqdm

    indices = np.asarray(indices, dtype=int).reshape(-1)
    rows = []
    for i in tqdm(indices, desc="Pose+DCT features", unit="clip", disable=not progress,
                  mininterval=2):
        pose = source.clip(int(i), streams=("skeleton",)).skeleton
        pose = pose.cpu().numpy() if hasattr(pose, "cpu") else np.asarray(pose)
        rows.append(dct_features(normalize_sequence(pose), k=k))
    if not rows:
        return np.zeros((0, V * COORDS * k))
    return np.stack(rows)


class PoseDCT:
    """Pose+DCT regressor: :func:`dct_features` -> StandardScaler -> SVR (Pirsiavash et al. 2014).

    ``fit(xs, y)`` / ``predict(xs)`` take a list of (3, T, V) model inputs (lengths may differ);
    ``fit_features(F, y)`` / ``predict_features(F)`` take a precomputed (n, V * 2 * k) matrix
    (e.g. from :func:`features_of`, so that features are computed once per clip). Hyperparameters
    are scikit-learn's SVR defaults; with ``standardize_target`` the target is standardised
    before the SVR and predictions are mapped back (see the module doc).
    """

    def __init__(self, k: int = PAPER_K, C: float = 1.0, epsilon: float = 0.1,
                 kernel: str = "rbf", gamma="scale", standardize_target: bool = True):
        self.k, self.C, self.epsilon = int(k), float(C), float(epsilon)
        self.kernel, self.gamma = kernel, gamma
        self.standardize_target = standardize_target
        self.model_ = None

    def _make(self):
        from sklearn.compose import TransformedTargetRegressor
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler
        from sklearn.svm import SVR

        pipe = Pipeline([("scale", StandardScaler()),
                         ("svr", SVR(kernel=self.kernel, C=self.C, epsilon=self.epsilon,
                                     gamma=self.gamma))])
        if not self.standardize_target:
            return pipe
        return TransformedTargetRegressor(regressor=pipe, transformer=StandardScaler())

    def features(self, xs: Sequence) -> np.ndarray:
        """(n, V * 2 * k) features of a list of (3, T, V) inputs."""
        return np.stack([dct_features(x, k=self.k) for x in xs])

    def _check(self, f) -> np.ndarray:
        f = np.asarray(f, dtype=np.float64)
        if f.ndim != 2 or f.shape[1] % (COORDS * self.k):
            raise ValueError(f"features: expected (n, V * {COORDS} * {self.k}), got {f.shape}")
        return f

    def fit_features(self, f, y) -> PoseDCT:
        """Fit on a feature matrix (n, V * 2 * k) and n scores."""
        f, y = self._check(f), np.asarray(y, dtype=np.float64).reshape(-1)
        if len(f) != len(y):
            raise ValueError(f"{len(f)} feature rows but {len(y)} scores")
        self.model_ = self._make().fit(f, y)
        return self

    def predict_features(self, f) -> np.ndarray:
        """Predicted scores (n,) for a feature matrix (n, V * 2 * k)."""
        if self.model_ is None:
            raise RuntimeError("PoseDCT is not fitted: call fit first")
        return np.asarray(self.model_.predict(self._check(f)), dtype=np.float64)

    def fit(self, xs: Sequence, y) -> PoseDCT:
        """Fit on a list of (3, T, V) inputs and their n scores."""
        return self.fit_features(self.features(xs), y)

    def predict(self, xs: Sequence) -> np.ndarray:
        """Predicted scores (n,) for a list of (3, T, V) inputs."""
        return self.predict_features(self.features(xs))
