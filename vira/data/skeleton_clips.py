"""Skeleton clips as a PyTorch data set: ``({"x": (3, T, 16), "mask": (T,)}, label)`` items.

Wraps any VDV-style source (:class:`vira.data.synthetic_vdv.SyntheticVDV` or
:class:`vira.data.vdv_files.VDVFiles`) for :func:`vira.train.fit` and :func:`vira.train.predict`.
Poses are normalised by :func:`vira.skeleton.normalize_sequence`. In training, ``crop`` frames
are cut at a random offset (a smaller preset trains on shorter windows: less compute, same
model); evaluation uses whole clips. Used by chapters 2-3.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from ..skeleton import normalize_sequence


class SkeletonClips(Dataset):
    """Items ``({"x": (3, T, 16) float32, "mask": (T,) float32 ones}, label float32)``."""

    def __init__(self, source, indices, crop: int | None = None, train: bool = False,
                 label: str = "label"):
        self.source, self.indices = source, np.asarray(indices, dtype=int)
        self.crop, self.train = crop, train
        self.labels = source.table[label].to_numpy(dtype=np.float32)[self.indices]

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, k: int):
        pose = self.source.clip(int(self.indices[k]), streams=("skeleton",)).skeleton
        x = torch.from_numpy(normalize_sequence(pose.cpu().numpy()))
        t = x.shape[1]
        if self.crop is not None and t > self.crop:
            start = int(torch.randint(0, t - self.crop + 1, (1,))) if self.train else 0
            x = x[:, start:start + self.crop] if self.train else x
        return {"x": x, "mask": torch.ones(x.shape[1])}, torch.tensor(self.labels[k])
