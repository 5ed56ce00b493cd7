"""Run the book's chapters in order of value within a wall-time budget, keeping every finished one.

    .venv/bin/python scripts/book_in_budget.py --preset full --budget 540       # one GPU, 9 minutes
    .venv/bin/python scripts/book_in_budget.py --preset smoke --budget 120 --out /tmp/b   # the check

What a GPU session is lent is minutes, not hours, and it can end at any moment. So this script
executes the chapters one at a time, each as its own ``python -m vira NN`` process (the runner
writes a chapter's page and results atomically, so a page is either the finished one or untouched),
in :data:`ORDER`: the chapters whose central claims a GPU can decide first (chapter 4: RTCN against
its rivals, seed-dominated on the CPU; chapter 5's fusion ablations; chapter 7's collapse at the
paper's clip size, where the CPU's small preset uses short clips and a frozen backbone; then
chapters 2, 8, 6, 3). Each chapter gets what is left of the budget
less a reserve for the reports; one that runs out of time is interrupted (SIGINT, then SIGKILL ten
seconds later) and leaves no page behind, and the chapters after it are not started; one that
fails (the runner keeps it in ``_build/failed/``) costs only its own time, and the next one starts. Last, within
the reserve, chapters 9 (the reproduction report) and 10 (performance) re-read every results file.

Every page records its preset and device (``vira.start``) and every results file names the
device, so a page made on the GPU says so. The budget counts wall time from the script's start; it
prints a table of what ran, what was stopped and what was not started.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from vira.book.runner import Outcome, clean_leftovers, timing_table

ROOT = Path(__file__).resolve().parent.parent
#: Chapters in order of value on a GPU (see the module docstring).
ORDER = ("04", "05", "07", "02", "08", "06", "03")
#: Cheap chapters that read the results files, run last.
REPORTS = ("09", "10")


def run_one(chapter: str, preset: str, out: Path, seconds: float, extra: list[str]) -> str:
    """Execute one chapter with ``python -m vira`` in its own process group, for at most
    ``seconds``; return "executed", "failed" or "stopped at the budget"."""
    command = [sys.executable, "-m", "vira", chapter, "--preset", preset, "--force", "--out", str(out),
               "--no-progress", *extra]
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    try:
        return "executed" if proc.wait(timeout=max(seconds, 0.0)) == 0 else "failed"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGINT)  # the runner discards the half-written page
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        clean_leftovers(out)  # temporary files, left only by SIGKILL
        return "stopped at the budget"


def main(argv=None) -> list[Outcome]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="full", help="smoke | small | full (default: full)")
    parser.add_argument("--budget", type=float, default=540.0, help="seconds in all (default: 540)")
    parser.add_argument("--reserve", type=float, default=60.0,
                        help="seconds kept for the reports, chapters 9 and 10 (default: 60)")
    parser.add_argument("--out", type=Path, default=ROOT / "book", help="executed chapters folder")
    parser.add_argument("--order", nargs="+", default=list(ORDER), help="chapters, most valuable first")
    parser.add_argument("--reports", nargs="*", default=list(REPORTS), help="chapters run last (default: 09 10)")
    parser.add_argument("--source", type=Path, help="chapter folder (default: the runner's, notebooks/)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("KEY", "VALUE"))
    args = parser.parse_args(argv)
    if args.budget <= args.reserve:
        raise SystemExit(f"--budget {args.budget:g} s leaves nothing after the --reserve of {args.reserve:g} s")
    extra = [x for kv in args.parameter for x in ("-p", *kv)]
    if args.source is not None:
        extra += ["--source", str(args.source)]
    start, rows, stopped = time.monotonic(), [], False
    for chapter in args.order:
        left = args.budget - args.reserve - (time.monotonic() - start)
        if stopped or left <= 0:
            rows.append(Outcome(chapter, "not started", 0.0))
            continue
        t0 = time.monotonic()
        status = run_one(chapter, args.preset, args.out, left, extra)
        rows.append(Outcome(chapter, status, time.monotonic() - t0))
        stopped = status == "stopped at the budget"
    for chapter in args.reports:  # they re-read whatever results exist now
        left = args.budget - (time.monotonic() - start)
        t0 = time.monotonic()
        status = run_one(chapter, args.preset, args.out, left, extra) if left > 0 else "not started"
        rows.append(Outcome(chapter, status, time.monotonic() - t0))
    print(timing_table(rows))
    print(f"budget {args.budget:g} s, used {time.monotonic() - start:.1f} s")
    return rows


if __name__ == "__main__":
    main()
