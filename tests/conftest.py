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
