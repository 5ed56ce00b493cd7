"""Timing helpers for the benchmark scripts in ``scripts/`` (the performance page, chapter 9).

Each script times one piece of work with :func:`measure` and writes ``book/results/bench_<name>.json``
with :func:`write_bench`: what was timed, the work size, the device, min / median / max over the
repeats and the peak memory.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path

import torch

from vira.book.provenance import git_revision

__all__ = ["measure", "summary", "device_label", "write_bench"]


def measure(fn, repeats: int, warmup: int = 1) -> list[float]:
    """Milliseconds of ``repeats`` calls of ``fn()`` after ``warmup`` untimed calls; on a GPU the
    caller's ``fn`` must synchronise."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return times


def summary(times_ms: list[float], items_per_call: float = 1.0) -> dict:
    """min / median / max milliseconds of a list of timings, and items per second at the median."""
    med = statistics.median(times_ms)
    return {"repeats": len(times_ms), "min_ms": min(times_ms), "median_ms": med, "max_ms": max(times_ms),
            "items_per_s": 1000 * items_per_call / med}


def device_label(device: torch.device, threads: int | None = None) -> str:
    """'cuda (NVIDIA H200)' or 'cpu (2 threads, x86_64)'."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    threads = threads or torch.get_num_threads()
    return f"cpu ({threads} thread{'s' if threads > 1 else ''}, {platform.processor() or platform.machine()})"


def write_bench(path: Path, name: str, what: str, work: dict, device: str, results: list[dict],
                command: str, memory_note: str) -> dict:
    """Write a benchmark record (the schema of chapter 9's performance page) and return it."""
    rev, dirty = git_revision()
    record = {"name": name, "what": what, "work": work, "device": device, "memory_note": memory_note,
              "results": results, "torch": torch.__version__, "python": platform.python_version(),
              "git_revision": rev + (" (dirty)" if dirty else ""), "command": command}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {path}")
    return record
