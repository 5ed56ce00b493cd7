"""Benchmark: the smoke book's wall time per chapter on this machine (the performance page).

    .venv/bin/python scripts/bench_smoke_book.py            # every chapter, smoke preset, CPU

Executes every chapter with the smoke preset (as CI does) into a scratch folder, with
``vira.book.runner.run_chapters`` (what ``python -m vira`` runs), and writes the milliseconds of
each to book/results/bench_smoke_book.json. Run it on an otherwise idle machine: the chapters' own
timings are what it measures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import torch

from vira.book.bench import summary, write_bench
from vira.book.runner import run_chapters

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "results" / "bench_smoke_book.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = run_chapters(preset="smoke", parameters={"device": "cpu"}, force=True, out_dir=Path(tmp),
                                progress=False)
    results = [{"case": o.chapter, "status": o.status, **summary([1000 * o.seconds])} for o in outcomes]
    return write_bench(
        args.out, torch.device("cpu"), name="smoke_book", what="execute each chapter with the smoke preset (papermill)",
        work={"chapters": len(outcomes), "VIRA_DATA": bool(os.environ.get("VIRA_DATA"))}, results=results,
        command="python scripts/bench_smoke_book.py", memory_note="not measured")


if __name__ == "__main__":
    main()
