"""Shared test setup: no test may reach the network (loopback stays allowed for Jupyter kernels)."""

import os

import pytest

from vira.book.offline import forbid_network

# Kernels started by papermill/nbval inherit this and install the same guard when they import vira.
os.environ["VIRA_FORBID_NETWORK"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
forbid_network()


@pytest.fixture(scope="module")
def one_thread():
    """Tiny models train faster on one thread than on two contended ones (use per module)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _headlines(n=4, length=7, vocab=20, seed=0):
    """A padded batch of token ids (n, length) with lengths [length, 3, 1, 5][:n] (0 pads)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    lengths = torch.tensor([length, 3, 1, 5][:n])
    tokens = torch.randint(1, vocab, (n, length), generator=g)
    tokens[torch.arange(length) >= lengths[:, None]] = 0
    return tokens, lengths


@pytest.fixture
def headlines():
    """The headline-batch maker shared by the Pay Attention tests of models/ and training/."""
    return _headlines


CHAPTER_PARAMETERS = 'preset = "auto"\ndevice = "auto"\nseed = 0'


def _write_chapter(folder, name, *cells):
    """Write ``folder/name.ipynb`` as the runner expects a chapter: a title, the cell tagged
    ``parameters`` (:data:`CHAPTER_PARAMETERS`), then one code cell per string of ``cells``. Once
    papermill injects its parameters the cells are numbered: title 0, parameters 1, injected 2,
    ``cells[0]`` 3, and so on. Returns the path."""
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(CHAPTER_PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), params]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in cells]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def write_chapter():
    """The chapter-notebook writer shared by the runner, freshness and parallel tests (tests/book)."""
    return _write_chapter


@pytest.fixture
def refuses_folder_and_loop(tmp_path):
    """``check(read, suffix, label)``: ``read`` of a folder ``dir<suffix>`` and of a link to itself
    ``loop<suffix>`` raises ``ValueError`` naming the path, ``label`` and what it is (the wording of
    :func:`vira.files.require_file`). Shared by the weights, keypoint and GloVe readers' tests."""
    import re

    def check(read, suffix, label):
        folder, loop = tmp_path / f"dir{suffix}", tmp_path / f"loop{suffix}"
        folder.mkdir()
        loop.symlink_to(loop)
        for path, what in ((folder, "is a folder, not a file"), (loop, "is a symbolic link that loops")):
            with pytest.raises(ValueError, match=re.escape(f"{path.name}: {label} {what}")):
                read(path)
    return check
