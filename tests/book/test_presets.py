"""Presets, the device rule, seeding and provenance."""

import numpy as np
import pytest
import torch

import vira
from vira.book.presets import PRESETS, get_preset, resolve_device
from vira.book.provenance import git_revision
from vira.training.seeding import seed_everything


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


def test_seed_everything_repeats_torch_numpy_python():
    import random

    def draw():
        return torch.rand(5).tolist(), np.random.rand(3).tolist(), random.random()

    seed_everything(7)
    first = draw()
    seed_everything(7)
    assert draw() == first
    seed_everything(8)
    assert draw() != first
    with pytest.raises(ValueError, match="seed"):
        seed_everything(-1)


def test_start_prints_provenance(capsys):
    session = vira.start("smoke", "cpu", 3)
    out = capsys.readouterr().out
    for key in ("preset", "device", "seed", "git revision", "python", "torch", "started (UTC)"):
        assert key in out
    assert session.provenance["preset"] == "smoke" and session.provenance["seed"] == 3
    assert session.device == torch.device("cpu")
    session.finish()
    assert "wall time" in capsys.readouterr().out


def test_git_revision_outside_a_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv("VIRA_GIT_REVISION", raising=False)
    assert git_revision(tmp_path) == ("unknown", None)
    monkeypatch.setenv("VIRA_GIT_REVISION", "abc123")
    assert git_revision(tmp_path) == ("abc123", None)


def test_git_revision_reports_dirty(tmp_path):
    import subprocess

    def git(*a):
        subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "a.txt").write_text("1")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "c.ipynb").write_text("{}")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    rev, dirty = git_revision(tmp_path)
    assert len(rev) == 12 and dirty is False
    (tmp_path / "book" / "c.ipynb").write_text("{ }")  # executing the book is not "dirty"
    assert git_revision(tmp_path)[1] is False
    (tmp_path / "a.txt").write_text("2")
    assert git_revision(tmp_path)[1] is True
