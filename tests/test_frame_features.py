"""vira.frame_features: ImageNet input scaling, the feature cache, loading a local trunk."""

import warnings

import numpy as np
import pytest
import torch

from vira.frame_features import FeatureCache, resnet50_trunk, to_input, weights_digest


def test_to_input_by_hand():
    f = np.zeros((1, 2, 2, 3), np.uint8)
    f[0, 0, 0] = (255, 0, 0)
    x = to_input(f)
    assert x.shape == (1, 3, 2, 2)
    assert float(x[0, 0, 0, 0]) == pytest.approx((1 - 0.485) / 0.229)
    assert float(x[0, 1, 0, 0]) == pytest.approx(-0.456 / 0.224)
    with pytest.raises(ValueError, match="uint8"):
        to_input(f.astype(np.float32))


def test_cache_hits_on_the_same_frames_and_weights(tmp_path):
    trunk = resnet50_trunk("random", seed=0)
    cache = FeatureCache(tmp_path, trunk)
    frames = torch.randint(0, 256, (2, 32, 32, 3), dtype=torch.uint8)
    a = cache(frames)
    b = cache(frames)
    assert a.shape == (2, 2048) and torch.equal(a, b) and (cache.hits, cache.misses) == (1, 1)
    other = FeatureCache(tmp_path, resnet50_trunk("random", seed=1))
    other(frames)
    assert other.misses == 1 and len(list(tmp_path.glob("*.pt"))) == 2


def test_a_local_trunk_loads_weights_only_and_bad_files_are_named(tmp_path):
    src = resnet50_trunk("random", seed=5)
    path = tmp_path / "r50.pt"
    torch.save(src.state_dict(), path)
    assert weights_digest(resnet50_trunk(path)) == weights_digest(src)
    assert weights_digest(resnet50_trunk("random", seed=6)) != weights_digest(src)
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="bad.pt"):
        resnet50_trunk(bad)
    with pytest.raises(FileNotFoundError, match="missing.pt"):
        resnet50_trunk(tmp_path / "missing.pt")


def test_proxy_trunk_trains_from_its_seed():
    from vira.frame_features import train_proxy_trunk

    frames = torch.randint(0, 256, (2, 32, 32, 3), dtype=torch.uint8)
    targets = torch.randn(2, 2)
    a = train_proxy_trunk(frames, targets, epochs=1, batch_size=2, seed=3)
    b = train_proxy_trunk(frames, targets, epochs=1, batch_size=2, seed=3)
    start = resnet50_trunk("random", seed=3)
    assert weights_digest(a) == weights_digest(b) != weights_digest(start)
    assert not a.training


@pytest.mark.parametrize("content, message", [
    ([1, 2, 3], r"list.pt: holds a list, not a state dict"),
    ({"conv1.weight": torch.zeros(64, 3, 3, 3)},
     r"list.pt: 1 tensor\(s\) of the wrong shape: 'conv1.weight' has shape \(64, 3, 3, 3\), "
     r"the network's is \(64, 3, 7, 7\)"),
])
def test_a_weights_file_that_is_not_a_resnet50_is_named(tmp_path, content, message):
    if isinstance(content, dict):  # every other tensor right: only the shape is wrong
        content = {**resnet50_trunk("random").state_dict(), **content}
    torch.save(content, tmp_path / "list.pt")
    with pytest.raises(ValueError, match=message):
        resnet50_trunk(tmp_path / "list.pt")


def test_nan_weights_are_named(tmp_path):
    state = resnet50_trunk("random").state_dict()
    state["layer1.0.conv1.weight"][0, 0, 0, 0] = float("nan")
    torch.save(state, tmp_path / "nan.pt")
    with pytest.raises(ValueError, match=r"nan.pt: 1 tensor\(s\) with NaN or inf values: \['layer1.0.conv1.weight'\]"):
        resnet50_trunk(tmp_path / "nan.pt")


@pytest.mark.parametrize("damage", ["truncated", "garbage", "list", "wrong rows", "nan", "wrong width",
                                    "float16", "int"])
def test_a_broken_cache_entry_is_recomputed_with_a_warning(tmp_path, damage):
    cache = FeatureCache(tmp_path, resnet50_trunk("random", seed=0))
    frames = torch.randint(0, 256, (2, 32, 32, 3), dtype=torch.uint8)
    good = cache(frames)
    path = cache.path(frames)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "garbage":
        path.write_bytes(b"not a tensor file")
    elif damage == "list":
        torch.save([good], path)
    elif damage == "wrong rows":
        torch.save(good[:1], path)
    elif damage == "wrong width":  # another trunk's features under this key
        torch.save(good[:, :512].clone(), path)
    elif damage in ("float16", "int"):
        torch.save(good.to(torch.float16 if damage == "float16" else torch.long), path)
    else:
        torch.save(torch.full_like(good, float("nan")), path)
    with pytest.warns(UserWarning, match=rf"{path.name}: a broken feature cache entry .*; computing it again"):
        again = cache(frames)
    assert torch.equal(again, good) and (cache.hits, cache.misses) == (0, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert torch.equal(cache(frames), good) and cache.hits == 1  # rewritten whole


def test_a_folder_in_place_of_a_cache_entry_is_named(tmp_path):
    cache = FeatureCache(tmp_path, resnet50_trunk("random", seed=0))
    frames = torch.randint(0, 256, (1, 32, 32, 3), dtype=torch.uint8)
    cache.path(frames).mkdir()
    with pytest.raises(ValueError, match=rf"{cache.path(frames).name}: a folder where a feature cache entry belongs"):
        cache(frames)


@pytest.mark.parametrize("damage", ["meta", "sparse", "fifo", "device"])
def test_a_cache_entry_that_is_not_a_cpu_tensor_in_a_file_is_recomputed(tmp_path, damage):
    import os

    cache = FeatureCache(tmp_path, torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.AdaptiveAvgPool2d(1),
                                                       torch.nn.Flatten()), width=4)
    frames = torch.randint(0, 256, (2, 8, 8, 3), dtype=torch.uint8)
    good = cache(frames)
    path = cache.path(frames)
    if damage == "meta":
        torch.save(torch.empty(2, 4, device="meta"), path)
    elif damage == "sparse":
        torch.save(good.to_sparse(), path)
    else:
        path.unlink()
        os.mkfifo(path) if damage == "fifo" else path.symlink_to("/dev/zero")
    with pytest.warns(UserWarning, match=rf"{path.name}: a broken feature cache entry .*; computing it again"):
        again = cache(frames)
    assert torch.equal(again, good) and (cache.hits, cache.misses) == (0, 2)
    assert path.is_file() and not path.is_symlink()  # replaced by a regular file
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert torch.equal(cache(frames), good) and cache.hits == 1
