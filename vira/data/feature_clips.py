"""Appearance feature sequences as a PyTorch data set: ``({"x": (T, D), "mask": (T,)}, label)``.

Wraps any source with a ``table`` (a ``label`` column) and ``clip(i, streams=...)``
(:class:`vira.data.synthetic.synthetic_vdv.SyntheticVDV`, :class:`vira.data.synthetic.long_range.LongRangeVDV`) for
:func:`vira.training.regression.fit` and :func:`vira.training.regression.predict`. ``stream`` is "holistic" (every frame),
"facial" (mask: the detected faces) or "scenic". ``step`` keeps every step-th item of the stream
(``step=5`` on the 25 fps holistic stream: 5 fps), in training and evaluation alike. In training,
``crop`` items are cut at a random offset; evaluation uses whole clips.

Generating a clip costs far more than a training step on it, so each clip's (stepped) features are
generated once and kept in memory (``cache=True``): about 8 KB per holistic frame.
Used by chapter 4 (and chapter 5).
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

STREAMS = ("holistic", "facial", "scenic")


class FeatureClips(Dataset):
    """Items ``({"x": (T, D) float32, "mask": (T,) float32}, label float32)``.

    ``labels`` (len(indices),) replaces the table's column ``label`` (e.g. shuffled labels).
    """

    def __init__(self, source, indices, stream: str = "holistic", step: int = 1,
                 crop: int | None = None, train: bool = False, label: str = "label",
                 labels=None, cache: bool = True):
        if stream not in STREAMS:
            raise ValueError(f"unknown stream {stream!r}: choose one of {', '.join(STREAMS)}")
        if step < 1:
            raise ValueError(f"step must be a positive number of items, got {step}")
        self.source, self.indices = source, np.asarray(indices, dtype=int)
        self.stream, self.step, self.crop, self.train = stream, int(step), crop, train
        if labels is None:
            labels = source.table[label].to_numpy(dtype=np.float32)[self.indices]
        self.labels = np.asarray(labels, dtype=np.float32)
        if self.labels.shape != self.indices.shape:
            raise ValueError(f"labels: {self.labels.shape[0]} values for {len(self.indices)} clips")
        self._cache: dict[int, tuple[torch.Tensor, torch.Tensor]] | None = {} if cache else None

    def __len__(self) -> int:
        return len(self.indices)

    def features(self, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Item k's whole (stepped) sequence (T, D) and mask (T,)."""
        if self._cache is not None and k in self._cache:
            return self._cache[k]
        clip = self.source.clip(int(self.indices[k]), streams=(self.stream,))
        x = getattr(clip, self.stream)[::self.step].float().cpu().contiguous()
        if self.stream == "facial":
            mask = clip.facial_mask[::self.step].float().cpu()
        else:
            mask = torch.ones(x.shape[0])
        if self._cache is not None:
            self._cache[k] = (x, mask)
        return x, mask

    def __getitem__(self, k: int):
        x, mask = self.features(k)
        t = x.shape[0]
        if self.train and self.crop is not None and t > self.crop:
            start = int(torch.randint(0, t - self.crop + 1, (1,)))
            x, mask = x[start:start + self.crop], mask[start:start + self.crop]
        return {"x": x, "mask": mask}, torch.tensor(self.labels[k])
