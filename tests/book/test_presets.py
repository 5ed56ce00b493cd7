"""vira.book.presets: the three presets and the device rule."""

import pytest
import torch

from vira.book.presets import PRESETS, get_preset, resolve_device


def test_three_presets_and_pick():
    assert list(PRESETS) == ["smoke", "small", "full"]
    assert get_preset("smoke").pick(smoke=1, small=2, full=3) == 1
    assert get_preset("full").pick(smoke=1, small=2, full=3) == 3
    with pytest.raises(TypeError):
        get_preset("small").pick(smoke=1, full=3)  # every size must be given


def test_auto_preset_and_device_follow_cuda():
    expected = "full" if torch.cuda.is_available() else "small"
    assert get_preset("auto").name == expected
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_bad_preset_and_device_are_named():
    with pytest.raises(ValueError, match="'preset'.*'tiny'|'tiny'.*preset"):
        get_preset("tiny")
    with pytest.raises(ValueError, match="device"):
        resolve_device("gpu0")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA"):
            resolve_device("cuda")
