"""Skeleton clips as a PyTorch data set: ``({"x": (3, T, 16), "mask": (T,)}, label)`` items.

Wraps any VDV-style source (:class:`vira.data.synthetic.synthetic_vdv.SyntheticVDV` or
:class:`vira.data.real.vdv_files.VDVFiles`) for :func:`vira.training.regression.fit` and :func:`vira.training.regression.predict`.
Poses are normalised by :func:`vira.skeleton.normalize_sequence`. In training, ``crop`` frames
are cut at a random offset (a smaller preset trains on shorter windows: less compute, same
model); evaluation uses whole clips. ``step`` keeps every step-th frame (``step=2``: 12.5 fps
from 25 fps), in training and evaluation alike; ``crop`` counts frames after that. Used by
chapters 2-3.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from vira.skeleton import normalize_sequence


class SkeletonClips(Dataset):
    """Items ``({"x": (3, T, 16) float32, "mask": (T,) float32 ones}, label float32)``.

    ``labels`` (len(indices),) replaces the table's column ``label`` (e.g. shuffled labels for a
    control run).
    """

    def __init__(self, source, indices, crop: int | None = None, train: bool = False,
                 label: str = "label", step: int = 1, labels=None):
        if step < 1:
            raise ValueError(f"step must be a positive number of frames, got {step}")
        self.source, self.indices = source, np.asarray(indices, dtype=int)
        self.crop, self.train, self.step = crop, train, int(step)
        if labels is None:
            labels = source.table[label].to_numpy(dtype=np.float32)[self.indices]
        self.labels = np.asarray(labels, dtype=np.float32)
        if self.labels.shape != self.indices.shape:
            raise ValueError(f"labels: {self.labels.shape[0]} values for {len(self.indices)} clips")

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, k: int):
        pose = self.source.clip(int(self.indices[k]), streams=("skeleton",)).skeleton
        x = torch.from_numpy(normalize_sequence(pose.cpu().numpy())[:, ::self.step].copy())
        t = x.shape[1]
        if self.crop is not None and t > self.crop:
            start = int(torch.randint(0, t - self.crop + 1, (1,))) if self.train else 0
            x = x[:, start:start + self.crop] if self.train else x
        return {"x": x, "mask": torch.ones(x.shape[1])}, torch.tensor(self.labels[k])
