"""Loading a local weights file into a network, with every error naming the file.

``torch.load(path, weights_only=True)`` unpickles tensors and plain containers only, never code;
what comes back is then checked before a network takes it: a mapping of parameter names to tensors
(:func:`read_state_dict`), with the network's names and shapes and finite values
(:func:`load_weights`). A file that holds a list, a tensor of the wrong shape, NaN weights or
anything else unexpected raises ``ValueError`` naming the file (and the parameter); a missing file
raises ``FileNotFoundError``. Used by chapter 8 (through
:func:`vira.frame_features.resnet50_trunk`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import torch
from torch import nn

from vira.files import require_file

__all__ = ["read_file", "read_state_dict", "load_weights"]

#: At most this many parameters are named in one message.
MAX_NAMED = 3


def read_file(path: str | Path) -> object:
    """``torch.load(path, map_location="cpu", weights_only=True)``; every failure names the file
    (a missing file: ``FileNotFoundError``; a folder or a looping link: ``ValueError``)."""
    path = require_file(path, "weights file")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 -- unpickling refused, a truncated or damaged file
        raise ValueError(f"{path}: cannot load weights ({type(err).__name__}: {err})") from None


def read_state_dict(path: str | Path, obj: object = None) -> dict[str, torch.Tensor]:
    """The state dict in ``path`` (or in ``obj``, already read from it): a mapping of parameter
    names (str) to tensors, else ``ValueError`` naming the file and what it holds instead (a
    checkpoint that keeps its state dict under a key, a sparse or quantized tensor)."""
    obj = read_file(path) if obj is None else obj
    if not isinstance(obj, Mapping):
        raise ValueError(f"{path}: holds a {type(obj).__name__}, not a state dict (a mapping of "
                         "parameter names to tensors)")
    for key, value in obj.items():
        if not isinstance(key, str):
            raise ValueError(f"{path}: key {key!r} is a {type(key).__name__}, not a parameter "
                             "name: not a state dict")
        if not isinstance(value, torch.Tensor):
            hint = (f" (is the state dict under {key!r}? save that mapping alone)"
                    if isinstance(value, Mapping) else "")
            raise ValueError(f"{path}: {key!r} is a {type(value).__name__}, not a tensor: "
                             f"not a state dict{hint}")
        if value.layout != torch.strided or value.is_quantized:
            kind = "quantized" if value.is_quantized else str(value.layout).removeprefix("torch.")
            raise ValueError(f"{path}: {key!r} is a {kind} tensor; a state dict holds plain "
                             "(strided, not quantized) tensors")
    return dict(obj)


def _kind(t: torch.Tensor) -> str:
    """``"float"``, ``"complex"``, ``"bool"`` or ``"integer"``: a float16 or float64 tensor may
    stand for a float32 parameter (it is cast), an integer, bool or complex one may not."""
    if t.is_floating_point():
        return "float"
    return "complex" if t.is_complex() else "bool" if t.dtype == torch.bool else "integer"


def _mismatches(path, state: dict, net: nn.Module, skip: tuple[str, ...], what: str) -> list[str]:
    """Every way ``state`` does not fit ``net`` (parameters under ``skip`` prefixes ignored)."""
    own = {k: v for k, v in net.state_dict().items() if not k.startswith(skip)}
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    problems = []
    if missing or unexpected:
        problems.append(f"{path}: not {what} state dict (missing {missing[:MAX_NAMED]}, "
                        f"unexpected {unexpected[:MAX_NAMED]})")
    shapes = [f"{k!r} has shape {tuple(v.shape)}, the network's is {tuple(own[k].shape)}"
              for k, v in state.items() if k in own and v.shape != own[k].shape]
    if shapes:
        problems.append(f"{path}: {len(shapes)} tensor(s) of the wrong shape: "
                        + "; ".join(shapes[:MAX_NAMED]))
    kinds = [f"{k!r} is {v.dtype}, the network's {own[k].dtype}" for k, v in state.items()
             if k in own and _kind(v) != _kind(own[k])]
    if kinds:
        problems.append(f"{path}: {len(kinds)} tensor(s) of the wrong kind of dtype: "
                        + "; ".join(kinds[:MAX_NAMED]))
    bad = [k for k, v in state.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        problems.append(f"{path}: {len(bad)} tensor(s) with NaN or inf values: {bad[:MAX_NAMED]}")
    return problems


def load_weights(net: nn.Module, path: str | Path, *, skip: tuple[str, ...] = (),
                 what: str = "this network's", state: Mapping | None = None) -> None:
    """Load the state dict in ``path`` (or ``state``, read from it) into ``net``, after checking
    it: the same parameter names as ``net`` (those starting with a prefix in ``skip`` are left
    out on both sides), the same shapes, the same kind of dtype (:func:`_kind`), finite values. ``ValueError`` naming the file lists what
    does not fit; ``what`` words the kind of state dict expected (``"a ResNet50"``)."""
    state = read_state_dict(path, state)
    state = {k: v for k, v in state.items() if not k.startswith(skip)}
    problems = _mismatches(path, state, net, skip, what)
    if problems:
        raise ValueError("\n".join(problems))
    net.load_state_dict(state, strict=False)
