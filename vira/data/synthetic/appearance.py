"""Synthetic appearance features: what a CNN feature extractor would see, as fixed random maps.

The VDV paper feeds RTCN with features of pretrained networks: a 2048-d holistic feature per frame
(25 fps), a 2048-d facial feature for every detected face (about 3 per second) and a 512-d scenic
feature (about 4 per second) (§4.3, §5.1, Table 1). The synthetic benchmark
(:mod:`vira.data.synthetic.synthetic_vdv`, appendix A1) imitates them: each stream is a fixed random
non-linear map ``relu(x W + b)`` (non-negative, like the output of a ReLU network) of what that
extractor can see, ``x``:

* holistic: the whole body pose, the face (attractiveness, expression, occlusion), the scene
  (quality, type) and nuisances (lighting, camera shake, per-clip style);
* facial: the face only (attractiveness, expression, head angle, identity nuisances, lighting);
* scenic: the background only (quality, type, lighting, per-clip nuisances).

The maps depend only on :data:`MAP_SEED` (they play the role of one fixed pretrained extractor),
not on the data set's seed. The matrix product can run on any torch device.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from vira.data.layout import FACIAL_OUT, HOLISTIC_OUT, SCENIC_OUT

#: Seed of the fixed random maps (the "pretrained extractor"): the same for every data set.
MAP_SEED = 20211103
#: Input sizes of the three maps (they follow from :mod:`vira.data.synthetic.synthetic_vdv`); the
#: output sizes are the layout's feature widths (:mod:`vira.data.layout`).
HOLISTIC_IN, FACIAL_IN, SCENIC_IN = 48, 16, 14


@dataclass(frozen=True)
class FeatureMap:
    """``relu(x W + b)`` with W (d_in, d_out) ~ N(0, 1/d_in) and b ~ N(-0.25, 0.25)."""

    weight: np.ndarray
    bias: np.ndarray

    def __call__(self, x, device=None):
        """x (T, d_in) NumPy -> (T, d_out) float32 torch tensor on ``device``."""
        import torch

        w = _torch_weights(self, str(device or "cpu"))
        xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).to(w[0].device)
        return torch.relu(torch.addmm(w[1], xt, w[0]))


_DEVICE_CACHE: dict = {}


def _torch_weights(fmap: FeatureMap, device: str):
    import torch

    key = (id(fmap), device)
    if key not in _DEVICE_CACHE:
        _DEVICE_CACHE[key] = (torch.from_numpy(fmap.weight).to(device),
                              torch.from_numpy(fmap.bias).to(device))
    return _DEVICE_CACHE[key]


@lru_cache(maxsize=None)
def feature_map(name: str) -> FeatureMap:
    """The fixed map of stream ``name`` ("holistic", "facial" or "scenic")."""
    sizes = {"holistic": (HOLISTIC_IN, HOLISTIC_OUT), "facial": (FACIAL_IN, FACIAL_OUT),
             "scenic": (SCENIC_IN, SCENIC_OUT)}
    if name not in sizes:
        raise ValueError(f"unknown stream {name!r}: choose one of {', '.join(sizes)}")
    d_in, d_out = sizes[name]
    rng = np.random.default_rng([MAP_SEED, list(sizes).index(name)])
    weight = rng.normal(0, 1 / np.sqrt(d_in), (d_in, d_out)).astype(np.float32)
    bias = rng.normal(-0.25, 0.25, d_out).astype(np.float32)
    return FeatureMap(weight, bias)
