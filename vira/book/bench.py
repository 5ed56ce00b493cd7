"""Benchmark files: the one writer and the one reader of ``book/results/bench_<name>.json``.

Each script in ``scripts/bench_*.py`` times one piece of work with :func:`measure` and
:func:`summary` and writes its file with :func:`write_bench`, which validates it against
:data:`SCHEMA` first; every page that shows a benchmark reads it with :func:`read_bench` (one
file, validated) or :func:`load_benches` (every file as one table). Chapters 2, 4 and A1 read their
own benchmark's rows; chapter 10 (the performance page) shows them all.

One file::

    {"name": "video", "what": "render a clip; one training step", "work": {"frames": 32},
     "device": "cpu (2 threads, x86_64)", "memory_note": "not measured on the CPU",
     "results": [{"case": "render", "frames": 32, "size": 112, "repeats": 10, "min_ms": 27.3,
                  "median_ms": 30.4, "max_ms": 40.0, "items_per_s": 32.9}],
     "torch": "2.4.0", "python": "3.11.7", "git_revision": "d5a3cad021c1",
     "command": "python scripts/bench_video.py --device cpu"}

One key per quantity, in every file (a row of ``results`` is one timed function):

* ``min_ms``, ``median_ms``, ``max_ms`` -- milliseconds per call of the timed function (one call
  handles one batch), min / median / max over ``repeats`` calls after a warm-up;
* ``times_ms`` -- every timed call's milliseconds, in order (files written before it was kept
  lack it); a page that compares two rows takes its uncertainty from these;
* ``items_per_s`` -- items (clips, frames, chapters) per second at the median:
  ``1000 * items per call / median_ms``. Files migrated from the old rate format kept the median of
  the per-call rates instead; for an odd number of repeats the two are the same number, and such a
  file with an even number (``skeleton_models``) has no ``median_ms`` (see its ``note``);
* ``peak_memory_mb`` -- peak memory of the timed work in MiB, as the file's ``memory_note`` says;
  null where not measured;
* the work of one row: ``batch``, ``frames``, ``size``, ``threads``, ``parameters``, ``step``
  (``train`` / ``inference``), ``streams``; and ``status`` for the smoke book's chapters.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path

__all__ = ["SCHEMA", "measure", "summary", "device_label", "write_bench", "read_bench", "load_benches"]

_POSITIVE = {"type": "number", "exclusiveMinimum": 0}
#: The plausible range of a row's quantities: a call of at most a day, at most 1e9 items per
#: second, at most 1e7 MiB (10 TiB) of memory.
_MS = {"type": "number", "exclusiveMinimum": 0, "maximum": 86_400_000}
_RATE = {"type": "number", "exclusiveMinimum": 0, "maximum": 1e9}
_INT = {"type": "integer", "minimum": 1}
#: The fields of one row that describe its work (chapter 10 shows them as the row's work size).
WORK_FIELDS = ("batch", "frames", "size", "threads", "parameters", "step")
ROW_SCHEMA = {
    "type": "object",
    "required": ["case", "repeats", "items_per_s"],
    "additionalProperties": False,
    "properties": {
        "case": {"type": "string", "pattern": "\\S"},
        "repeats": _INT,
        "min_ms": _MS, "median_ms": _MS, "max_ms": _MS,
        "items_per_s": _RATE,
        "times_ms": {"type": "array", "items": _MS, "minItems": 1},
        "peak_memory_mb": {"type": ["number", "null"], "minimum": 0, "maximum": 1e7},
        "batch": _INT, "frames": _INT, "size": _INT, "threads": {"type": ["integer", "null"], "minimum": 1},
        "parameters": _INT, "step": {"enum": ["train", "inference"]},
        "streams": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "status": {"enum": ["executed", "skipped", "failed"]},
    },
}
_SCALAR = {"type": ["string", "number", "boolean"]}
#: The JSON schema of ``book/results/bench_<name>.json`` (``bench_<name>_cuda.json`` on a GPU).
SCHEMA = {
    "type": "object",
    "required": ["name", "what", "work", "device", "memory_note", "results", "torch", "python",
                 "git_revision", "command"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9_]+$"},
        "what": {"type": "string", "minLength": 1},
        "work": {"type": "object", "additionalProperties": {
            "anyOf": [_SCALAR, {"type": "array", "items": _SCALAR}]}},
        "device": {"type": "string", "pattern": "^(cpu|cuda|mps)"},
        "memory_note": {"type": "string", "minLength": 1},
        "results": {"type": "array", "items": ROW_SCHEMA, "minItems": 1},
        "torch": {"type": "string"}, "python": {"type": "string"},
        "git_revision": {"type": "string", "minLength": 1}, "command": {"type": "string", "minLength": 1},
        "note": {"type": "string"},  # how a file was made, where not by its command (a migration)
    },
}


def measure(fn, repeats: int, warmup: int = 1) -> list[float]:
    """Milliseconds of ``repeats`` calls of ``fn()`` after ``warmup`` untimed calls; on a GPU the
    caller's ``fn`` must synchronise. Used by ``scripts/bench_*.py``."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return times


def summary(times_ms: list[float], items_per_call: float = 1.0) -> dict:
    """The quantities of one row from a list of timings: ``repeats``, ``min_ms``, ``median_ms``,
    ``max_ms``, ``items_per_s`` at the median and the timings themselves (``times_ms``). Used by
    ``scripts/bench_*.py``."""
    med = statistics.median(times_ms)
    return {"repeats": len(times_ms), "min_ms": min(times_ms), "median_ms": med, "max_ms": max(times_ms),
            "items_per_s": 1000 * items_per_call / med, "times_ms": [float(t) for t in times_ms]}


def device_label(device, threads: int | None = None) -> str:
    """'cuda (NVIDIA H200)' or 'cpu (2 threads, x86_64)' for a :class:`torch.device` (the
    ``device`` of a bench file, written by :func:`write_bench`)."""
    import torch

    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    threads = threads or torch.get_num_threads()
    return f"{device.type} ({threads} thread{'s' if threads > 1 else ''}, {platform.processor() or platform.machine()})"


def _missing_fields(content, where) -> None:
    """Raise ValueError naming ``where`` and every required field the file or a row lacks."""
    parts = [("", content, SCHEMA)]
    if isinstance(content, dict) and isinstance(content.get("results"), list):
        parts += [(f" (at results/{i})", row, ROW_SCHEMA) for i, row in enumerate(content["results"])]
    for at, part, schema in parts:
        if isinstance(part, dict) and (missing := [k for k in schema["required"] if k not in part]):
            raise ValueError(f"{where}: not a valid bench file: missing field(s) "
                             f"{', '.join(missing)}{at}")


def _validate(content: dict, where) -> None:
    import jsonschema

    _missing_fields(content, where)
    try:
        jsonschema.validate(content, SCHEMA)
    except jsonschema.ValidationError as err:
        at = "/".join(str(p) for p in err.absolute_path)
        raise ValueError(f"{where}: not a valid bench file: {err.message}" + (f" (at {at})" if at else "")) from None
    seen: dict[tuple, int] = {}
    for i, row in enumerate(content["results"]):
        if "times_ms" in row and len(row["times_ms"]) != row["repeats"]:
            raise ValueError(f"{where}: not a valid bench file: {len(row['times_ms'])} times_ms for "
                             f"{row['repeats']} repeats (at results/{i})")
        order = [row[k] for k in ("min_ms", "median_ms", "max_ms") if k in row]
        if order != sorted(order):
            raise ValueError(f"{where}: not a valid bench file: min_ms <= median_ms <= max_ms does "
                             f"not hold (at results/{i})")
        key = (row["case"], *(str(row.get(k)) for k in (*WORK_FIELDS, "streams")))
        if key in seen:
            raise ValueError(f"{where}: not a valid bench file: case {row['case']!r} with the same "
                             f"work appears twice (at results/{seen[key]} and results/{i})")
        seen[key] = i


def write_bench(out: Path, device, *, name: str, what: str, work: dict, results: list[dict], command: str,
                memory_note: str, threads: int | None = None) -> dict:
    """Validate and write one benchmark file; return its content.

    ``device`` is the :class:`torch.device` the work ran on (named in the file by
    :func:`device_label`, with ``threads`` CPU threads when given); on a GPU the file name gets
    ``_cuda`` (``bench_x.json`` -> ``bench_x_cuda.json``), so CPU and GPU results sit side by side.
    The file gets the torch and Python versions, the git revision and ``command``. Raises
    ``ValueError`` (and writes nothing) when the content does not match :data:`SCHEMA`.
    Used by every ``scripts/bench_*.py``."""
    import torch

    from vira.book.provenance import git_revision

    rev, dirty = git_revision()
    content = {"name": name, "what": what, "work": work, "device": device_label(device, threads),
               "memory_note": memory_note, "results": results, "torch": torch.__version__,
               "python": platform.python_version(), "git_revision": rev + (" (dirty)" if dirty else ""),
               "command": command}
    out = Path(out)
    if device.type == "cuda":
        out = out.with_name(out.stem + "_cuda.json")
    _validate(content, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(content, indent=1) + "\n")
    print(f"wrote {out}")
    return content


def read_bench(path: Path) -> dict:
    """Load one benchmark file and validate it against :data:`SCHEMA`; raises ``ValueError``
    naming the file when it does not match (naming every missing field, and the row), holds NaN or
    Infinity, a key twice, a list instead of an object, a row whose times are not in order
    (``min_ms <= median_ms <= max_ms``) or that repeats another's case and work, or when its name
    is not ``bench_<name>.json``
    (``bench_<name>_cuda.json`` for a GPU run). Used by chapters 2, 4 and A1."""
    from vira.files import read_json_object

    path = Path(path)
    content = read_json_object(path, "bench file", finite=True)
    _validate(content, path)
    expected = f"bench_{content['name']}" + ("_cuda" if content["device"].startswith("cuda") else "")
    if path.stem != expected:
        raise ValueError(f"{path}: not a valid bench file: its name and device say {expected}.json")
    return content


def load_benches(folder) -> "pd.DataFrame":  # noqa: F821  (pandas is imported on use)
    """Every ``bench_*.json`` of ``folder`` (each read with :func:`read_bench`) as one long table,
    one row per timed case: ``bench``, ``what``, ``case``, ``device``, ``work`` (the file's and
    the row's work fields, as text), ``median_ms``, ``items_per_s``, ``peak_memory_mb``, ``file``
    and ``git_revision``. Where a file has no ``median_ms`` (it kept the median of per-call rates,
    see the module docstring) ``median_ms`` is the time of one batch at that rate,
    ``1000 * batch / items_per_s``. Used by chapter 10."""
    import pandas as pd

    rows = []
    for path in sorted(Path(folder).glob("bench_*.json")):
        d = read_bench(path)
        for r in d["results"]:
            batch = r.get("batch", d["work"].get("batch", 1))
            work = {**d["work"], **{k: v for k, v in r.items() if k in WORK_FIELDS}}
            rows.append({"bench": d["name"], "what": d["what"], "case": r["case"], "device": d["device"],
                         "work": ", ".join(f"{k} {v}" for k, v in work.items() if not isinstance(v, list)),
                         "median_ms": r.get("median_ms", 1000 * batch / r["items_per_s"]),
                         "items_per_s": r["items_per_s"], "peak_memory_mb": r.get("peak_memory_mb"),
                         "file": path.name, "git_revision": d["git_revision"]})
    return pd.DataFrame(rows)
