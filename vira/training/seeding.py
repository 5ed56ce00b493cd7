"""Global seeding that makes CPU runs repeatable.

Used by every chapter through :func:`vira.start`, by chapters 3, 6 and 7 before each model, and
by :func:`vira.training.seeds.fit_seeds` before each run (chapters 2, 4, 5); data generators take
their own explicit ``torch.Generator`` / ``numpy.random.Generator`` built from the seed instead of
global state.
"""

from __future__ import annotations

import os
import random


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (CPU and every GPU) and ask for deterministic kernels.

    On the CPU this makes a run repeatable bit for bit (same machine, same thread count). On a GPU
    it selects deterministic cuDNN/cuBLAS paths where they exist; operations with no deterministic
    CUDA kernel (some scatter-adds) warn instead of failing, so GPU numbers may still vary slightly.
    """
    import numpy as np
    import torch

    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"parameter 'seed' must be a non-negative integer, got {seed!r}")
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # seeds every CUDA device too
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True, warn_only=True)
