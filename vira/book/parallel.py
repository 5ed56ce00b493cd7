"""Chapters side by side: ``python -m vira --jobs 2`` (``make book JOBS=2``).

The small book is hours of a 2-core CPU, chapter after chapter. Its chapters train small networks
whose PyTorch work does not keep two cores busy, so two chapters at once finish sooner than one
after the other (measured: 1.2-1.6 times the wall time of each, beside another, against twice).
This module runs a list of commands, at most ``jobs`` at a time, each in its own process group
with its output in its own log file, and says how each ended.

The runner (:mod:`vira.book.runner`) gives it one command per chapter -- ``python -m vira NN``,
the same runner for one chapter, so each keeps the runner's guarantees (the notebook and results
file replaced together, a failed notebook kept) and each chapter's PyTorch keeps the thread count
it has when run alone, so its numbers are those of a run on its own. Only chapters that read no
other chapter's output go side by side; the runner executes the readers (09, 10, A2) after them.

* Order: the longest first (by the wall time of the page being replaced; a chapter never run
  before counts as the longest), which keeps both cores busy to the end.
* A failure: no further command is started, those running finish, and every outcome is returned.
* Ctrl-C: each running command's process group gets SIGINT (the chapter is discarded, as when it
  runs alone), is killed if it has not stopped within :data:`GRACE` seconds, and the
  KeyboardInterrupt goes on to the caller. Nothing after it is started.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

GRACE = 30.0  #: seconds a command may take to stop after SIGINT before it is killed


@dataclass
class Job:
    name: str  #: a chapter's name, ``02_psgcn``
    command: list[str]
    log: Path  #: its stdout and stderr


@dataclass
class Ended:
    name: str
    returncode: int | None  #: None: never started (an earlier command failed)
    seconds: float
    log: Path


def page_seconds(page: Path) -> float:
    """The wall time that papermill recorded for an executed page (``metadata.papermill.duration``),
    or infinity for a page that does not exist or records none (so it is started first)."""
    try:
        seconds = json.loads(page.read_text(encoding="utf-8"))["metadata"]["papermill"]["duration"]
        return float(seconds) if seconds is not None else float("inf")
    except (OSError, ValueError, KeyError, TypeError):
        return float("inf")


def tail(log: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file ("" when there is none)."""
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_side_by_side(jobs: list[Job], width: int, *, poll: float = 0.5, say=print) -> list[Ended]:
    """Run ``jobs`` in the order given, at most ``width`` at once; return how each ended, in the
    order given. Stops starting new ones at the first non-zero exit; on KeyboardInterrupt stops
    the running ones (see the module docstring) and re-raises."""
    if width < 1:
        raise ValueError(f"jobs must be at least 1, not {width}")
    pending, running, ended = list(jobs), {}, {}
    failed = False
    try:
        while pending or running:
            while pending and len(running) < width and not failed:
                job = pending.pop(0)
                job.log.parent.mkdir(parents=True, exist_ok=True)
                with open(job.log, "w", encoding="utf-8") as out:
                    proc = subprocess.Popen(job.command, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
                running[job.name] = (job, proc, time.perf_counter())
                say(f"{job.name}: started (log {job.log})", flush=True)
            if failed and not running:
                break
            time.sleep(poll)
            for name, (job, proc, t0) in list(running.items()):
                if proc.poll() is None:
                    continue
                del running[name]
                ended[name] = Ended(name, proc.returncode, time.perf_counter() - t0, job.log)
                failed = failed or proc.returncode != 0
                say(f"{name}: {'done' if proc.returncode == 0 else f'FAILED (exit {proc.returncode})'} "
                    f"in {ended[name].seconds:.0f} s", flush=True)
    except KeyboardInterrupt:
        stop([proc for _, proc, _ in running.values()])
        raise KeyboardInterrupt(", ".join(running)) from None
    return [ended.get(j.name, Ended(j.name, None, 0.0, j.log)) for j in jobs]


def stop(procs: list[subprocess.Popen], grace: float = GRACE) -> None:
    """SIGINT to each process's group (the command and the kernel it started), then SIGKILL to
    those still running after ``grace`` seconds."""
    for proc in procs:
        _signal_group(proc, signal.SIGINT)
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
