"""Every stream of a clip at once, for the fused models of chapter 5.

Items are ``(inputs, label)`` where ``inputs`` has, for each stream ``m`` asked for, the sequence
``m`` and its mask ``m_mask`` (T_m,): ``skeleton`` (3, T, 16) normalised poses
(:func:`vira.skeleton.normalize_sequence`), ``holistic`` (T, 2048), ``facial`` (T_f, 2048) with
the detected faces as mask, ``scenic`` (T_s, 512). :func:`vira.training.regression.pad_collate` batches them
(each stream padded along its own time axis) and :class:`vira.models.fusion.FusionNet` reads them.

``steps`` keeps every step-th item of a stream (default 1: all of them); a smaller preset thins
the 25 fps streams (skeleton, holistic), not the sparse ones. Each clip is generated once and kept
in memory (all streams together: about 0.7 MB for an 8-s clip at full rate). Used by chapter 5.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from vira.skeleton import normalize_sequence

STREAMS = ("skeleton", "holistic", "facial", "scenic")


class MultiStreamClips(Dataset):
    """Items ``({m: sequence, f"{m}_mask": (T_m,)} for m in streams, label)``.

    ``labels`` (len(indices),) replaces the table's column ``label`` (e.g. shuffled labels).
    """

    def __init__(self, source, indices, streams=STREAMS, steps: dict | None = None,
                 label: str = "label", labels=None):
        unknown = [m for m in streams if m not in STREAMS]
        if unknown or not streams:
            raise ValueError(f"streams {list(streams)}: choose a non-empty subset of {STREAMS}")
        self.source, self.indices = source, np.asarray(indices, dtype=int)
        self.streams = tuple(streams)
        self.steps = {m: 1 for m in self.streams} | dict(steps or {})
        bad = {m: s for m, s in self.steps.items() if int(s) < 1}
        if bad:
            raise ValueError(f"steps must be positive numbers of items, got {bad}")
        if labels is None:
            labels = source.table[label].to_numpy(dtype=np.float32)[self.indices]
        self.labels = np.asarray(labels, dtype=np.float32)
        if self.labels.shape != self.indices.shape:
            raise ValueError(f"labels: {self.labels.shape[0]} values for {len(self.indices)} clips")
        self._cache: dict[int, dict[str, torch.Tensor]] = {}

    def __len__(self) -> int:
        return len(self.indices)

    def inputs(self, k: int) -> dict[str, torch.Tensor]:
        """Item k's sequences and masks (generated once, then kept)."""
        if k in self._cache:
            return self._cache[k]
        clip = self.source.clip(int(self.indices[k]), streams=self.streams)
        out = {}
        for m in self.streams:
            step = int(self.steps[m])
            if m == "skeleton":
                x = torch.from_numpy(normalize_sequence(clip.skeleton.cpu().numpy())[:, ::step].copy())
                mask = torch.ones(x.shape[1])
            else:
                x = getattr(clip, m)[::step].float().cpu().contiguous()
                mask = (clip.facial_mask[::step].float().cpu() if m == "facial"
                        else torch.ones(x.shape[0]))
            out[m], out[f"{m}_mask"] = x, mask
        self._cache[k] = out
        return out

    def __getitem__(self, k: int):
        return self.inputs(k), torch.tensor(self.labels[k])
