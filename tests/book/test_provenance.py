"""vira.book.provenance: ``vira.start`` resolves preset and device once, seeds, and prints what ran."""

import pytest
import torch

import vira
from vira._version import __version__
from vira.book import provenance
from vira.book.presets import get_preset
from vira.book.provenance import collect, git_revision


def test_start_prints_provenance(capsys):
    session = vira.start("smoke", "cpu", 3)
    out = capsys.readouterr().out
    for key in ("preset", "device", "seed", "git revision", "python", "torch", "started (UTC)"):
        assert key in out
    assert session.provenance["preset"] == "smoke" and session.provenance["seed"] == 3
    assert session.device == torch.device("cpu")
    session.finish()
    assert "wall time" in capsys.readouterr().out


def test_start_resolves_preset_and_device_once_and_collect_takes_them_resolved(monkeypatch):
    calls = []
    real = provenance.get_preset

    def counted(name):
        calls.append(name)
        return real(name)

    monkeypatch.setattr(provenance, "get_preset", counted)
    session = vira.start("smoke", "cpu", 0, show=False)
    assert calls == ["smoke"] and session.preset.name == "smoke"
    monkeypatch.setattr(provenance, "get_preset", lambda name: pytest.fail("collect resolved a preset"))
    monkeypatch.setattr(provenance, "resolve_device", lambda name: pytest.fail("collect resolved a device"))
    record = collect(get_preset("small"), torch.device("cpu"), 5)
    assert (record["preset"], record["device"], record["seed"]) == ("small", "cpu", 5)


def test_provenance_names_the_package_version_from_vira_version():
    assert collect(get_preset("smoke"), torch.device("cpu"), 0)["vira"] == __version__ == vira.__version__


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
