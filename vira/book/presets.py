"""Presets (``smoke``, ``small``, ``full``) and the ``device="auto"`` rule.

A preset shrinks the *data and the training budget* of a chapter, never its method: the same
architectures, losses and metrics run in every preset. Each chapter picks its own sizes with
:meth:`Preset.pick`, so the three sizes of every knob sit side by side in the chapter::

    epochs = session.preset.pick(smoke=1, small=10, full=80)

Used by every chapter (through :func:`vira.start`) and by the runner :mod:`vira.book.runner`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Preset:
    """A named scale at which a chapter runs."""

    name: str
    purpose: str
    target: str

    def pick(self, *, smoke: T, small: T, full: T) -> T:
        """Return the value given for this preset (all three must be given, so none is forgotten)."""
        return {"smoke": smoke, "small": small, "full": full}[self.name]


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("smoke", "CI and nbval: proves that the chapter runs end to end and checks itself",
               "about a minute per chapter on 2 CPU cores"),
        Preset("small", "meaningful results on a laptop",
               "minutes per chapter on a CPU"),
        Preset("full", "paper scale (the papers' dataset sizes, splits and epochs)",
               "one GPU"),
    )
}


def cuda_available() -> bool:
    """True when PyTorch sees a CUDA device (imports torch lazily)."""
    import torch

    return torch.cuda.is_available()


def default_preset_name() -> str:
    """The preset ``"auto"`` stands for: ``full`` where CUDA is available, else ``small``."""
    return "full" if cuda_available() else "small"


def get_preset(name: str) -> Preset:
    """Look a preset up by name; ``"auto"`` resolves with :func:`default_preset_name`."""
    if name == "auto":
        name = default_preset_name()
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown preset {name!r} (parameter 'preset'): choose one of "
            f"{', '.join(PRESETS)} or 'auto'"
        ) from None


def resolve_device(device: str = "auto"):
    """Turn the ``device`` parameter into a :class:`torch.device`.

    ``"auto"`` is CUDA when PyTorch sees a GPU, else the CPU. An explicit ``"cuda"`` on a machine
    without one is an error rather than a silent fall-back, so a GPU run never quietly runs on a CPU.
    """
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError as err:
        raise ValueError(f"parameter 'device': {device!r} is not a device ({err})") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"parameter 'device' is {device!r}, but PyTorch sees no CUDA device here")
    return dev
