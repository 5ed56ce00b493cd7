"""Fixtures of the VDV-on-disk tests (vdv_files, vdv_checks, vdv_export): a synthetic source,
a folder exported from it and a private copy of that folder to break; and the empty-file check
that the TikTok and Facebook loaders' tests share."""

import shutil

import pytest

from vira.data.real.vdv_export import export
from vira.data.synthetic.synthetic_vdv import SyntheticVDV


@pytest.fixture(scope="session")
def vdv_source():
    return SyntheticVDV(clips=12, seconds=(2.0, 4.0), seed=0)  # the smoke preset's sizes


@pytest.fixture(scope="session")
def vdv_indices():
    """The exported clips of ``vdv_source`` (12 per challenge): C1, C1, C2, C3, C5, C8."""
    return [0, 1, 13, 24, 50, 95]


@pytest.fixture(scope="session")
def vdv_exported(vdv_source, vdv_indices, tmp_path_factory):
    return export(vdv_source, tmp_path_factory.mktemp("vdv") / "set", vdv_indices, progress=False)


@pytest.fixture
def vdv_folder(vdv_exported, tmp_path):
    """A private copy of the exported folder, to break."""
    return shutil.copytree(vdv_exported, tmp_path / "copy")


@pytest.fixture
def refuses_empty_files(tmp_path):
    """``check(load, header_only)``: the loader ``load`` refuses an empty file and the header-only
    file ``header_only``, naming each (issue 28; the rule itself lives in parsed_table.read_cells)."""
    def check(load, header_only):
        empty = tmp_path / "empty.csv"
        empty.write_text("", encoding="utf-8")
        with pytest.raises(ValueError, match=r"empty.csv: empty file"):
            load(empty)
        with pytest.raises(ValueError, match=rf"{header_only.name}: no data rows \(only a header\)"):
            load(header_only)
    return check

