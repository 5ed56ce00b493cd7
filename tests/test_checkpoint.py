"""vira.checkpoint: a weights file is checked before a network takes it, and every error names it."""

import pytest
import torch
from torch import nn

from vira.checkpoint import load_weights, read_file, read_state_dict


def _net(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def test_a_good_file_loads_and_skipped_prefixes_are_left_out(tmp_path):
    src, dst = _net(0), _net(1)
    path = tmp_path / "w.pt"
    torch.save(src.state_dict(), path)
    load_weights(dst, path)
    assert all(torch.equal(a, b) for a, b in zip(src.parameters(), dst.parameters()))
    state = {k: v for k, v in src.state_dict().items() if not k.startswith("2.")}
    torch.save(state, path)
    other = _net(2)
    before = other[2].weight.clone()
    load_weights(other, path, skip=("2.",))
    assert torch.equal(other[0].weight, src[0].weight) and torch.equal(other[2].weight, before)


@pytest.mark.parametrize("content, message", [
    ([torch.zeros(2)], r"w.pt: holds a list, not a state dict"),
    ({"0.weight": [1.0]}, r"w.pt: '0.weight' is a list, not a tensor"),
    ({1: torch.zeros(1)}, r"w.pt: key 1 is a int, not a parameter name"),
    ({"state_dict": {"0.weight": torch.zeros(1)}},
     r"w.pt: 'state_dict' is a dict, not a tensor: not a state dict \(is the state dict under 'state_dict'\?"),
])
def test_what_is_not_a_state_dict_is_named(tmp_path, content, message):
    torch.save(content, tmp_path / "w.pt")
    with pytest.raises(ValueError, match=message):
        read_state_dict(tmp_path / "w.pt")


def test_wrong_names_shapes_and_values_are_listed_with_the_file(tmp_path):
    state = _net().state_dict()
    state["0.weight"] = torch.zeros(5, 3)
    state["2.bias"] = torch.tensor([float("nan"), 0.0])
    state["extra"] = torch.zeros(1)
    del state["0.bias"]
    torch.save(state, tmp_path / "w.pt")
    with pytest.raises(ValueError) as err:
        load_weights(_net(), tmp_path / "w.pt", what="a toy")
    msg = str(err.value)
    assert "w.pt: not a toy state dict (missing ['0.bias'], unexpected ['extra'])" in msg
    assert "w.pt: 1 tensor(s) of the wrong shape: '0.weight' has shape (5, 3), the network's is (4, 3)" in msg
    assert "w.pt: 1 tensor(s) with NaN or inf values: ['2.bias']" in msg


def test_unreadable_or_missing_files_are_named(tmp_path):
    (tmp_path / "cut.pt").write_bytes(b"PK\x03\x04 not a checkpoint")
    with pytest.raises(ValueError, match=r"cut.pt: cannot load weights"):
        read_file(tmp_path / "cut.pt")
    with pytest.raises(FileNotFoundError, match=r"none.pt: no such weights file"):
        read_file(tmp_path / "none.pt")


@pytest.mark.parametrize("dtype", [torch.long, torch.bool, torch.complex64])
def test_a_tensor_of_another_kind_of_dtype_is_named(tmp_path, dtype):
    state = {k: v.to(dtype) if k == "0.weight" else v for k, v in _net().state_dict().items()}
    torch.save(state, tmp_path / "w.pt")
    with pytest.raises(ValueError, match=rf"w.pt: 1 tensor\(s\) of the wrong kind of dtype: "
                                         rf"'0.weight' is {dtype}, the network's torch.float32"):
        load_weights(_net(), tmp_path / "w.pt")
    half = {k: v.half() for k, v in _net(3).state_dict().items()}  # a float16 file is cast
    torch.save(half, tmp_path / "h.pt")
    load_weights(net := _net(), tmp_path / "h.pt")
    assert torch.equal(net[0].weight, half["0.weight"].float())


def test_a_folder_or_a_looping_link_is_named(refuses_folder_and_loop):
    refuses_folder_and_loop(read_file, ".pt", "weights file")


@pytest.mark.parametrize("kind", ["sparse_coo", "quantized"])
def test_a_sparse_or_quantized_tensor_is_named(tmp_path, kind):
    import warnings

    with warnings.catch_warnings():  # torch warns that both are deprecated or slow to check
        warnings.simplefilter("ignore")
        weight = (torch.eye(3).to_sparse() if kind == "sparse_coo"
                  else torch.quantize_per_tensor(torch.eye(3), 0.1, 0, torch.qint8))
        torch.save({"0.weight": weight}, tmp_path / "w.pt")
        with pytest.raises(ValueError, match=rf"w.pt: '0.weight' is a {kind} tensor; a state dict holds plain"):
            read_state_dict(tmp_path / "w.pt")
