"""Clips of any clip source as PyTorch data sets: one adapter, three views.

:class:`ClipDataset` wraps any :class:`vira.data.layout.ClipSource`
(:class:`~vira.data.synthetic.synthetic_vdv.SyntheticVDV`,
:class:`~vira.data.synthetic.long_range.LongRangeVDV`, :class:`~vira.data.real.vdv_files.VDVFiles`)
and some of its clip indices for :func:`vira.training.regression.fit` and
:func:`vira.training.regression.predict`. It checks its arguments once, takes the labels from the
source's table (or from ``labels``, e.g. shuffled labels for a control run) and turns each stream
of a clip into a model's sequence (:func:`stream_sequence`):

* ``skeleton``: (3, T, 16) poses normalised by :func:`vira.skeleton.normalize_sequence`, mask
  (T,) ones;
* ``holistic`` (T, 2048), ``scenic`` (T_s, 512): mask ones; ``facial`` (T_f, 2048): mask the
  detected faces.

``step`` keeps every step-th item of a stream (``step=2`` on the 25 fps skeleton: 12.5 fps), in
training and evaluation alike; a smaller run thins the 25 fps streams (less compute, same
model). In training, ``crop`` items (counted after the step) are cut at a random offset drawn
with ``torch.randint`` (seeded by the caller); evaluation uses whole clips. With ``cache`` each
clip's (stepped) sequences are generated once and kept in memory (about 8 KB per holistic frame):
generating a clip costs far more than a training step on it.

Three views differ only in the items they return:

* :class:`SkeletonClips`: ``({"x": (3, T, 16), "mask": (T,)}, label)``; chapters 2-3;
* :class:`FeatureClips`: ``({"x": (T, D), "mask": (T,)}, label)`` of one appearance stream;
  chapter 4;
* :class:`MultiStreamClips`: ``({m: sequence, f"{m}_mask": (T_m,)} for m in streams, label)``
  for the fused models of chapter 5; :func:`vira.training.regression.pad_collate` batches them
  (each stream padded along its own time axis) and :class:`vira.models.fusion.FusionNet` reads
  them.

Labels are float32 scalars, sequences and masks float32 CPU tensors.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from vira.data.layout import STREAMS, Clip, ClipSource, check_streams
from vira.skeleton import normalize_sequence

#: The appearance streams: (T, D) feature sequences (:class:`FeatureClips`).
FEATURE_STREAMS = ("holistic", "facial", "scenic")


def stream_sequence(clip: Clip, stream: str, step: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Stream ``stream`` of ``clip`` as a model input, every ``step``-th item: ``(x, mask)``.

    ``skeleton``: x (3, T, 16) from :func:`vira.skeleton.normalize_sequence`, mask (T,) ones;
    the feature streams: x (T, D) float32, mask (T,) ones, or for ``facial`` the detected faces
    (``clip.facial_mask``) as 0.0 / 1.0. Both on the CPU.
    """
    if stream == "skeleton":
        x = torch.from_numpy(normalize_sequence(clip.skeleton.cpu().numpy())[:, ::step].copy())
        return x, torch.ones(x.shape[1])
    x = getattr(clip, stream)[::step].float().cpu().contiguous()
    if stream == "facial":
        return x, clip.facial_mask[::step].float().cpu()
    return x, torch.ones(x.shape[0])


class ClipDataset(Dataset):
    """Clips ``indices`` of ``source`` with their ``streams`` (see the module docstring).

    ``steps`` maps a stream to its step (default 1); ``crop`` and ``train`` set the training crop
    of single-stream items; ``label`` names the table's column of targets, ``labels``
    (len(indices),) replaces it; ``cache`` keeps each clip's sequences after their first read.
    Subclasses say what an item is (:meth:`__getitem__`); :meth:`inputs` gives item k's whole
    sequences and masks, ``{m: x, f"{m}_mask": mask}``.
    """

    def __init__(self, source: ClipSource, indices, streams=STREAMS, steps: dict | None = None,
                 crop: int | None = None, train: bool = False, label: str = "label",
                 labels=None, cache: bool = True):
        if not isinstance(source, ClipSource):
            raise TypeError(f"source: a {type(source).__name__} is not a clip source (it needs "
                            f"len(), table, clip(index, device, streams) and track(name))")
        self.streams = check_streams(streams)
        self.steps = {m: 1 for m in self.streams} | dict(steps or {})
        bad = {m: s for m, s in self.steps.items() if int(s) < 1}
        if bad:
            raise ValueError(f"step must be a positive number of items, got {bad}")
        if crop is not None and crop < 1:
            raise ValueError(f"crop must be a positive number of items, got {crop}")
        self.source, self.indices = source, np.asarray(indices, dtype=int)
        self.crop, self.train = crop, train
        if labels is None:
            labels = source.table[label].to_numpy(dtype=np.float32)[self.indices]
        self.labels = np.asarray(labels, dtype=np.float32)
        if self.labels.shape != self.indices.shape:
            raise ValueError(f"labels: {self.labels.shape[0]} values for {len(self.indices)} clips")
        self._cache: dict[int, dict[str, torch.Tensor]] | None = {} if cache else None

    def __len__(self) -> int:
        return len(self.indices)

    def inputs(self, k: int) -> dict[str, torch.Tensor]:
        """Item k's whole (stepped) sequences and masks: ``{m: x, f"{m}_mask": mask}``."""
        if self._cache is not None and k in self._cache:
            return self._cache[k]
        clip = self.source.clip(int(self.indices[k]), streams=self.streams)
        out = {}
        for m in self.streams:
            out[m], out[f"{m}_mask"] = stream_sequence(clip, m, int(self.steps[m]))
        if self._cache is not None:
            self._cache[k] = out
        return out

    def label(self, k: int) -> torch.Tensor:
        """Item k's target, a float32 scalar tensor."""
        return torch.tensor(self.labels[k])

    def cropped(self, x: torch.Tensor, mask: torch.Tensor, axis: int):
        """``(x, mask)`` cut to ``crop`` items along x's time ``axis`` at a random offset, in
        training and when the sequence is longer than that; else unchanged (no random draw)."""
        t = x.shape[axis]
        if self.train and self.crop is not None and t > self.crop:
            start = int(torch.randint(0, t - self.crop + 1, (1,)))
            x = x.narrow(axis, start, self.crop)
            mask = mask[start:start + self.crop]
        return x, mask

    def __getitem__(self, k: int):
        return self.inputs(k), self.label(k)


class SkeletonClips(ClipDataset):
    """Items ``({"x": (3, T, 16) float32, "mask": (T,) float32 ones}, label float32)``.

    ``step`` keeps every step-th frame, ``crop`` frames (after the step) are cut at a random
    offset in training. Clips are generated at every read unless ``cache``. Used by chapters 2-3.
    """

    def __init__(self, source: ClipSource, indices, crop: int | None = None, train: bool = False,
                 label: str = "label", step: int = 1, labels=None, cache: bool = False):
        super().__init__(source, indices, ("skeleton",), {"skeleton": step}, crop, train, label,
                         labels, cache)
        self.step = int(step)

    def __getitem__(self, k: int):
        s = self.inputs(k)
        x, mask = self.cropped(s["skeleton"], s["skeleton_mask"], axis=1)
        return {"x": x, "mask": mask}, self.label(k)


class FeatureClips(ClipDataset):
    """Items ``({"x": (T, D) float32, "mask": (T,) float32}, label float32)`` of one appearance
    ``stream``: "holistic" (every frame), "facial" (mask: the detected faces) or "scenic".

    ``step`` keeps every step-th item of the stream (``step=5`` on the 25 fps holistic stream:
    5 fps); ``crop`` items are cut at a random offset in training. Used by chapter 4.
    """

    def __init__(self, source: ClipSource, indices, stream: str = "holistic", step: int = 1,
                 crop: int | None = None, train: bool = False, label: str = "label",
                 labels=None, cache: bool = True):
        check_streams(stream, FEATURE_STREAMS)
        super().__init__(source, indices, (stream,), {stream: step}, crop, train, label, labels,
                         cache)
        self.stream, self.step = stream, int(step)

    def features(self, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Item k's whole (stepped) sequence (T, D) and mask (T,)."""
        s = self.inputs(k)
        return s[self.stream], s[f"{self.stream}_mask"]

    def __getitem__(self, k: int):
        x, mask = self.cropped(*self.features(k), axis=0)
        return {"x": x, "mask": mask}, self.label(k)


class MultiStreamClips(ClipDataset):
    """Items ``({m: sequence, f"{m}_mask": (T_m,)} for m in streams, label)``: every stream asked
    for at once, whole (no crop). ``steps`` keeps every step-th item of a stream (default 1); a
    smaller run thins the 25 fps streams (skeleton, holistic), not the sparse ones. Each clip
    is generated once and kept (all streams of an 8-s clip at full rate: about 0.7 MB).
    Used by chapter 5.
    """

    def __init__(self, source: ClipSource, indices, streams=STREAMS, steps: dict | None = None,
                 label: str = "label", labels=None, cache: bool = True):
        super().__init__(source, indices, streams, steps, None, False, label, labels, cache)
