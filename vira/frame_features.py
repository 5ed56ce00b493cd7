"""ResNet50 frame features, cached on disk (Pay Attention §2; chapter 8).

The paper describes each of a video's 18 frames by the 2048 numbers of ResNet50's penultimate
layer (after global average pooling), from a network trained on ImageNet. No ImageNet weights can
be downloaded here, so the trunk comes from one of three sources (:func:`resnet50_trunk`), and
every result says which:

* ``"random"``: torchvision's initialisation from a seed, frozen (a random network still maps
  colours and shapes to distinct features);
* ``"proxy"``: trained here on a synthetic proxy task (:func:`train_proxy_trunk`: tell the face
  and scene colour of rendered dancers, which says nothing about popularity);
* a path: a local ``state_dict`` file (e.g. ImageNet weights a reader has), loaded with
  ``weights_only=True``.

Frames are uint8 (F, H, W, 3); :func:`to_input` scales them to [0, 1] and normalises with the
ImageNet mean and standard deviation (F, 3, H, W). :class:`FeatureCache` keeps features on disk,
keyed by the SHA-256 of the frames' bytes and of the trunk's weights, so a re-run (or another
chapter) with the same frames and weights reads them instead of computing them again.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import torch
import torchvision
from torch import nn

from vira.checkpoint import load_weights
from vira.files import file_problem

__all__ = ["resnet50_trunk", "to_input", "weights_digest", "FeatureCache", "train_proxy_trunk",
           "IMAGENET_MEAN", "IMAGENET_STD"]

IMAGENET_MEAN = (0.485, 0.456, 0.406)  # torchvision's ImageNet normalisation
IMAGENET_STD = (0.229, 0.224, 0.225)


def resnet50_trunk(source="random", seed: int = 0) -> nn.Module:
    """torchvision's ResNet50 with ``fc`` replaced by the identity: (F, 3, H, W) -> (F, 2048), in
    eval mode. ``source``: ``"random"`` (initialised from ``seed``) or a path to a state dict of
    torchvision's ``resnet50`` (its ``fc`` weights, if present, are ignored), loaded with
    ``weights_only=True`` and checked by :func:`vira.checkpoint.load_weights`: a file that is not
    one (a list, a tensor of the wrong shape, NaN weights) raises ``ValueError`` naming it."""
    gen = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        net = torchvision.models.resnet50(weights=None)
    finally:
        torch.random.set_rng_state(gen)
    if source != "random":
        load_weights(net, source, skip=("fc.",), what="a ResNet50")
    net.fc = nn.Identity()
    return net.eval()


def to_input(frames) -> torch.Tensor:
    """uint8 frames (F, H, W, 3) -> float (F, 3, H, W), ImageNet-normalised."""
    x = torch.as_tensor(frames)
    if x.dtype != torch.uint8 or x.ndim != 4 or x.shape[-1] != 3:
        raise ValueError(f"frames must be uint8 (F, H, W, 3), got {x.dtype} {tuple(x.shape)}")
    x = x.permute(0, 3, 1, 2).float() / 255
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def weights_digest(net: nn.Module) -> str:
    """SHA-256 of a network's parameters and buffers (names, shapes and values)."""
    h = hashlib.sha256()
    for name, t in sorted(net.state_dict().items()):
        h.update(name.encode())
        h.update(str(tuple(t.shape)).encode())
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


class FeatureCache:
    """Features (F, 2048) of frames (F, H, W, 3) through ``trunk``, cached in ``folder`` as
    ``<frames sha256>-<weights sha256>.pt``. ``hits`` and ``misses`` count lookups. An entry that
    cannot be read or is not a finite float32 tensor (F, ``width``) (a truncated or damaged file,
    another trunk's features) is computed again and rewritten, with a warning naming its file; it
    counts as a miss; so is a tensor that is sparse or on another device (``meta``), and anything
    but a regular file in place of an entry (a named pipe, a device, a broken link: see
    :func:`vira.files.file_problem`). A folder in place of an entry raises ``ValueError`` naming
    it."""

    def __init__(self, folder, trunk: nn.Module, device="cpu", batch_size: int = 18,
                 width: int = 2048):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.trunk = trunk.to(device).eval()
        self.device = torch.device(device)
        self.batch_size = batch_size
        self.digest = weights_digest(trunk)
        self.width = width  # numbers per frame: ResNet50's 2048
        self.hits = self.misses = 0

    def path(self, frames: torch.Tensor) -> Path:
        key = hashlib.sha256(np.ascontiguousarray(frames.cpu().numpy()).tobytes()).hexdigest()
        return self.folder / f"{key[:32]}-{self.digest[:32]}.pt"

    def __call__(self, frames) -> torch.Tensor:
        frames = torch.as_tensor(frames)
        path = self.path(frames)
        why = file_problem(path)
        if why == "a folder, not a file":
            raise ValueError(f"{path}: a folder where a feature cache entry belongs; remove it")
        if why not in (None, "no such file"):  # a pipe, a device, a broken or looping link, ...
            warnings.warn(f"{path}: a broken feature cache entry (it is {why}); computing it again",
                          stacklevel=2)
        elif why is None and (cached := self._read(path, len(frames), self.width)) is not None:
            self.hits += 1
            return cached
        self.misses += 1
        x = to_input(frames)
        with torch.inference_mode():
            out = torch.cat([self.trunk(x[i:i + self.batch_size].to(self.device)).cpu()
                             for i in range(0, len(x), self.batch_size)])
        tmp = path.with_suffix(".tmp")
        torch.save(out.clone(), tmp)
        tmp.replace(path)  # atomic: a killed run never leaves a half-written file under the key
        return out


    @staticmethod
    def _read(path: Path, n_frames: int, width: int) -> torch.Tensor | None:
        """The cached features (``n_frames``, ``width``) float32 at ``path``, or None with a
        warning naming the file."""
        try:
            out = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as err:  # noqa: BLE001 -- a truncated or damaged file fails in many ways
            why = f"cannot be read: {type(err).__name__}: {(str(err).strip().splitlines() or [''])[0]}"
        else:
            if not (isinstance(out, torch.Tensor) and out.dtype == torch.float32
                    and tuple(out.shape) == (n_frames, width)):
                shape = f"{out.dtype} {tuple(out.shape)}" if isinstance(out, torch.Tensor) else ""
                why = (f"holds a {type(out).__name__} {shape}, not a float32 tensor "
                       f"({n_frames}, {width})")
            elif out.layout != torch.strided or out.device.type != "cpu":
                why = (f"holds a tensor with layout {out.layout} on device {out.device}, not a "
                       "strided tensor on the CPU")
            elif not torch.isfinite(out).all():
                why = "has NaN or inf values"
            else:
                return out
        warnings.warn(f"{path}: a broken feature cache entry ({why}); computing it again",
                      stacklevel=3)
        return None


def train_proxy_trunk(frames: torch.Tensor, targets: torch.Tensor, epochs: int = 1, lr: float = 1e-3,
                      batch_size: int = 16, seed: int = 0, device="cpu", progress: bool = False) -> nn.Module:
    """A ResNet50 trunk trained on a proxy task: regress ``targets`` (N, k) (e.g. the face and
    scene latents of rendered dancers) from single frames (N, H, W, 3) uint8, with a linear layer
    on the 2048 features, MSE and Adam, from a random start (``seed``). Returns the trunk (eval)."""
    from tqdm.auto import tqdm

    trunk = resnet50_trunk("random", seed).to(device).train()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        probe = nn.Linear(2048, targets.shape[1]).to(device)
    opt = torch.optim.Adam([*trunk.parameters(), *probe.parameters()], lr=lr)
    gen = torch.Generator().manual_seed(seed)
    steps = [(e, b) for e in range(epochs) for b in range(0, len(frames), batch_size)]
    order = None
    for e, b in tqdm(steps, desc="proxy task", disable=not progress):
        if b == 0:
            order = torch.randperm(len(frames), generator=gen)
        i = order[b:b + batch_size]
        if len(i) < 2:
            continue
        x, y = to_input(frames[i]).to(device), targets[i].float().to(device)
        loss = nn.functional.mse_loss(probe(trunk(x)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return trunk.eval()
