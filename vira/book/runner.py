"""The book runner: execute chapters with papermill, ``notebooks/NN_slug.ipynb`` -> ``book/``.

``make book`` calls it; a researcher can too::

    python -m vira                      # every chapter, preset auto (full on a GPU, else small)
    python -m vira 02 05 --preset small # chapters whose names start with 02 or 05
    python -m vira 00 -p seed 3 --force # pass a parameter, re-execute even if unchanged

What it guarantees:

* all chapters run from one Python process (importing papermill costs seconds per process);
* with the preset left at ``auto``, a page that is current at the preset it was committed with
  is kept (chapters 00, 01 and A1 are cheap enough to be committed at ``full`` from a CPU), so a
  fresh clone's ``make book`` executes nothing; a stale page runs at the ``auto`` preset;
* a chapter is skipped when its inputs are unchanged: the hash of the chapter (``.py`` and
  ``.ipynb``), of the ``vira`` source files it imports (directly or through other ``vira``
  modules, see :mod:`vira.book.freshness`), of the pins (``requirements.txt``) and of the parameters
  equals the one stored in the executed notebook (``metadata.vira.input_hash``), and so do the
  data, weight and results files its source names (:mod:`vira.book.data_inputs`, stored as
  ``metadata.vira.data_inputs``; a page executed before they were recorded is judged by the hash
  alone). A change to a module that a chapter never imports leaves that chapter's page current;
* each output is written atomically: papermill writes to a hidden temporary file beside the target,
  which replaces the target only after the chapter succeeded, so a crash or Ctrl-C never leaves a
  half-written chapter in ``book/`` (a failed execution is kept in ``_build/failed/`` to inspect);
* the records a chapter made with ``vira.results.record`` are written beside it, to
  ``<out>/results/<chapter>.json``, with the command that reproduces them. The results file is
  written (to a temporary file, then renamed) *before* the notebook replaces the old one, and a
  skipped chapter's results file is checked against its notebook: an interruption between the two
  renames leaves either an old notebook (the chapter runs again) or a results file that the next
  run rewrites from the notebook. Leftover temporary files are removed at the start of a run;
* Ctrl-C stops it within seconds: the chapter being executed is discarded, no later chapter runs,
  and it exits with 130. A kernel that dies (most often: out of memory) is reported with the
  chapter, the cell it was executing and the likely cause, and the notebook as far as it got is
  kept in ``_build/failed/``;
* it prints progress, a timing table at the end, and exits non-zero naming the chapter and the
  cell that failed;
* the page keeps no progress bar: tqdm's stderr output is removed from the executed notebook
  (:mod:`vira.book.progress_output`; any other stderr text stays);
* nothing reaches the network: it sets ``VIRA_FORBID_NETWORK=1`` for the kernels it starts (each
  installs :mod:`vira.book.offline`'s guard when it imports ``vira``) and installs the guard in
  its own process.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from vira.book import data_inputs
from vira.book.offline import forbid_network
from vira.book.progress_output import strip_progress
from vira.book.provenance import REPO_ROOT
from vira.book.publish import (clean_leftovers, partial_path, publish, results_consistent, stored_hash,
                               tidy, write_results)
from vira.book.freshness import (current_parameters, input_hash, stored_data_inputs,  # noqa: F401
                                 stored_parameters, vira_modules)

SOURCE_DIR = REPO_ROOT / "notebooks"
BOOK_DIR = REPO_ROOT / "book"
FAILED_DIR = REPO_ROOT / "_build" / "failed"


class ChapterFailed(RuntimeError):
    """A chapter raised; the message names the chapter and the cell."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGINT) during a chapter; the message names the chapter that was discarded."""


@dataclass
class Outcome:
    chapter: str
    status: str  # "executed" | "skipped" | "failed"
    seconds: float


def discover(source_dir: Path = SOURCE_DIR, selection: list[str] | None = None) -> list[Path]:
    """The chapters (``NN_slug.ipynb``, appendices ``A1_slug.ipynb``) in ``source_dir``, in reading
    order; ``selection`` keeps those whose names start with one of its prefixes."""
    chapters = sorted(source_dir.glob("[0-9A-Z][0-9]_*.ipynb"))  # 00_... chapters, A1_... appendices
    if not selection:
        return chapters
    chosen = [p for p in chapters if any(p.stem.startswith(s) for s in selection)]
    unmatched = [s for s in selection if not any(p.stem.startswith(s) for p in chapters)]
    if unmatched:
        raise SystemExit(f"vira.book.runner: no chapter in {source_dir} matches {', '.join(unmatched)}")
    return chosen


def parse_value(text: str):
    """A ``-p key value`` value: a Python literal if it is one (``3``, ``0.5``, ``True``), else text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def declared_parameters(chapter: Path) -> set[str]:
    import papermill

    return set(papermill.inspect_notebook(str(chapter)))


def _running_cell(path: Path) -> tuple[int | None, str]:
    """(index, first line) of the cell that was running when a partly written notebook was last
    saved: the last cell to which papermill gave a start time (when the kernel dies, papermill
    still marks that cell "completed"), or (None, "") when none started or the file is unreadable."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, ""
    started = [k for k, cell in enumerate(nb.get("cells", []))
               if cell.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return None, ""
    source = "".join(nb["cells"][started[-1]].get("source", ""))
    return started[-1], next((ln for ln in source.splitlines() if ln.strip()), "")


def _keep_failed(partial: Path, out: Path) -> str:
    """Move the failed notebook to ``_build/failed/``; returns how to show its path."""
    FAILED_DIR.mkdir(parents=True, exist_ok=True)
    kept = FAILED_DIR / out.name
    os.replace(partial, kept)
    tidy(out)
    return str(kept.relative_to(REPO_ROOT) if kept.is_relative_to(REPO_ROOT) else kept)


def execute(chapter: Path, out: Path, parameters: dict, digest: str, progress: bool = True,
            reads: dict | None = None) -> Path:
    """Execute one chapter into its hidden temporary file beside ``out`` and return that file
    (:func:`publish` moves it into place); raise :class:`ChapterFailed` naming the cell, or
    :class:`Interrupted` on Ctrl-C (the temporary file is then removed)."""
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    unknown = set(parameters) - declared_parameters(chapter)
    if unknown:
        raise ChapterFailed(f"chapter {chapter.stem}: its parameters cell declares no "
                            f"{', '.join(sorted(unknown))}")
    partial = partial_path(out)
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(chapter), str(partial), parameters=parameters, kernel_name="python3",
            cwd=str(REPO_ROOT), progress_bar=progress, log_output=False,
        )
    except PapermillExecutionError as err:
        if err.ename == "KeyboardInterrupt":  # the kernel got the Ctrl-C before the runner did
            partial.unlink(missing_ok=True)
            tidy(out)
            raise Interrupted(f"chapter {chapter.stem}") from None
        shown = _keep_failed(partial, out)
        # papermill injects a cell of parameters, so the executed index is one past the source's
        first_line = next((ln for ln in err.source.splitlines() if ln.strip()), "")
        raise ChapterFailed(
            f"chapter {chapter.stem} failed in cell {err.cell_index} of the executed notebook "
            f"(execution count {err.exec_count}), the cell that begins {first_line!r}:\n"
            f"    {err.ename}: {err.evalue}\n"
            f"the failed notebook is kept in {shown}"
        ) from None
    except DeadKernelError:
        index, first_line = _running_cell(partial)
        where = (f"in cell {index} of the executed notebook, the cell that begins {first_line!r}"
                 if index is not None else "before papermill recorded which cell was running")
        shown = _keep_failed(partial, out) if partial.exists() else "(nothing was written)"
        tidy(out)
        raise ChapterFailed(
            f"chapter {chapter.stem}: its kernel died {where}.\n"
            f"    The likely cause is memory: the process was killed when the machine ran out (check "
            f"`dmesg` or the free memory, and try a smaller preset); a crash in native code or a signal "
            f"from outside can do the same.\n"
            f"the notebook as far as it got is kept in {shown}"
        ) from None
    except KeyboardInterrupt:
        partial.unlink(missing_ok=True)
        tidy(out)
        raise Interrupted(f"chapter {chapter.stem}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        tidy(out)
        raise
    nb = nbformat.read(partial, as_version=4)
    strip_progress(nb)  # progress bars are for a reader running the chapter, not for its page
    nb.metadata["vira"] = {"input_hash": digest, "parameters": parameters,
                           "source": f"notebooks/{chapter.name}",
                           "data_inputs": reads if reads is not None else data_inputs.inputs(chapter)}
    nbformat.write(nb, partial)
    return partial


def _command(chapter: Path, params: dict) -> str:
    return " ".join(["python -m vira", chapter.stem[:2], "--preset", params["preset"]]
                    + [f"-p {k} {v}" for k, v in params.items() if k != "preset"])


def _kept(chapter: Path, out_dir: Path, params: dict, *, auto: bool, force: bool, head: str) -> bool:
    """True (and says so) when the page of ``chapter`` is current and is kept; repairs a results
    file that disagrees with its notebook."""
    out = Path(out_dir) / chapter.name
    results = Path(out_dir) / "results" / f"{chapter.stem}.json"
    current = None if force else current_parameters(chapter, out, params, keep_committed_preset=auto)
    if current is None:
        return False
    if not results_consistent(out, results):
        written = write_results(out, results, _command(chapter, current))
        print(f"{head}: results file {'rewritten' if written else 'removed'} to agree with "
              "its notebook (an earlier run was interrupted)", flush=True)
    at = "" if current == params else f" (current at its committed preset {current['preset']})"
    print(f"{head}: unchanged since its last execution{at}, skipped", flush=True)
    return True


def _side_by_side(chapters: list[Path], params: dict, *, jobs: int, auto: bool, force: bool,
                  source_dir: Path, out_dir: Path, heads: dict[str, str]) -> list[Outcome]:
    """Execute the chapters that are not current, ``jobs`` at a time, each in a child
    ``python -m vira`` (:mod:`vira.book.parallel`); raise like :func:`execute` does."""
    from vira.book import parallel

    outcomes, todo = [], []
    for chapter in chapters:
        if _kept(chapter, out_dir, params, auto=auto, force=force, head=heads[chapter.stem]):
            outcomes.append(Outcome(chapter.stem, "skipped", 0.0))
        else:
            todo.append(chapter)
    todo.sort(key=lambda c: -parallel.page_seconds(Path(out_dir) / c.name))
    logs = Path(out_dir).resolve().parent / "_build" / "logs"
    more = [x for k, v in params.items() if k != "preset" for x in ("-p", k, repr(v))]
    work = [parallel.Job(c.stem, [sys.executable, "-m", "vira", c.stem, "--preset", params["preset"], *more,
                                  "--source", str(source_dir), "--out", str(out_dir), "--no-progress",
                                  "--force", "--keep-leftovers"], logs / f"{c.stem}.log") for c in todo]
    if work:
        print(f"executing {', '.join(j.name for j in work)} with {params}, {jobs} at a time, the longest "
              "first; each one's output goes to its log", flush=True)
    try:
        ended = parallel.run_side_by_side(work, jobs)
    except KeyboardInterrupt as err:
        names = [n for n in str(err).split(", ") if n]
        raise Interrupted(f"chapter{'s' * (len(names) > 1)} {', '.join(names)}" if names else "") from None
    status = {0: "executed", None: "not run"}
    outcomes += [Outcome(e.name, status.get(e.returncode, "failed"), e.seconds) for e in ended]
    failed = [e for e in ended if e.returncode not in (0, None)]
    if failed:
        print(timing_table(outcomes), flush=True)
        raise ChapterFailed("\n".join(f"chapter {e.name} failed (exit {e.returncode}); the end of its log "
                                       f"{e.log}:\n{parallel.tail(e.log)}" for e in failed))
    return outcomes


def run_chapters(selection: list[str] | None = None, *, preset: str = "auto", parameters: dict | None = None,
                 force: bool = False, source_dir: Path = SOURCE_DIR, out_dir: Path = BOOK_DIR,
                 progress: bool = True, jobs: int = 1, clean: bool = True) -> list[Outcome]:
    """Execute the selected chapters (all by default); stops at the first failure (raises).

    ``jobs`` > 1 executes the chapters that read no other chapter's output that many at a time
    (:func:`_side_by_side`), then the others one by one. ``clean=False`` leaves other runs'
    temporary files alone (a child of a parallel run).

    What ``python -m vira`` (:func:`main`, ``make book``) and ``scripts/bench_smoke_book.py`` call."""
    from vira.book.presets import get_preset

    if jobs < 1:
        raise ValueError(f"--jobs must be at least 1, not {jobs}")
    started = time.perf_counter()
    params = {"preset": get_preset(preset).name, **(parameters or {})}
    chapters = discover(Path(source_dir), selection)
    # nothing may reach the network while the book runs: every kernel started below inherits this
    # variable and turns the guard on when it imports vira (vira/__init__.py); this process too
    os.environ["VIRA_FORBID_NETWORK"] = "1"
    forbid_network()
    for path in clean_leftovers(out_dir) if clean else []:
        print(f"removed {path}, left by an interrupted run", flush=True)
    heads = {c.stem: f"[{i}/{len(chapters)}] {c.stem}" for i, c in enumerate(chapters, 1)}
    auto = preset == "auto"
    outcomes: list[Outcome] = []
    if jobs > 1:
        side = [c for c in chapters if not data_inputs.reads_other_chapters(c)]
        outcomes += _side_by_side(side, params, jobs=jobs, auto=auto, force=force, source_dir=Path(source_dir),
                                  out_dir=Path(out_dir), heads=heads)
        chapters = [c for c in chapters if c not in side]
    for chapter in chapters:
        out = Path(out_dir) / chapter.name
        results = Path(out_dir) / "results" / f"{chapter.stem}.json"
        head = heads[chapter.stem]
        if _kept(chapter, out_dir, params, auto=auto, force=force, head=head):
            outcomes.append(Outcome(chapter.stem, "skipped", 0.0))
            continue
        digest, reads = input_hash(chapter, params), data_inputs.inputs(chapter)
        print(f"{head}: executing with {params} -> {out}", flush=True)
        t0 = time.perf_counter()
        try:
            partial = execute(chapter, out, params, digest, progress=progress, reads=reads)
            written = publish(partial, out, results, _command(chapter, params))
        except (ChapterFailed, Interrupted) as err:
            status = "interrupted" if isinstance(err, Interrupted) else "failed"
            outcomes.append(Outcome(chapter.stem, status, time.perf_counter() - t0))
            print(timing_table(outcomes, time.perf_counter() - started), flush=True)
            raise
        outcomes.append(Outcome(chapter.stem, "executed", time.perf_counter() - t0))
        if written is not None:
            print(f"{head}: results -> {written}", flush=True)
    print(timing_table(outcomes, time.perf_counter() - started), flush=True)
    return outcomes


def timing_table(outcomes: list[Outcome], wall: float | None = None) -> str:
    """Each chapter's status and seconds, their sum, and (``wall``) the run's own wall time, which
    is below the sum when chapters ran side by side."""
    width = max([len(o.chapter) for o in outcomes] + [len("wall time")])
    swidth = max([len(o.status) for o in outcomes] + [8])
    lines = [f"{'chapter':<{width}}  {'status':<{swidth}}  {'seconds':>8}"]
    lines += [f"{o.chapter:<{width}}  {o.status:<{swidth}}  {o.seconds:>8.1f}" for o in outcomes]
    lines.append(f"{'total':<{width}}  {'':<{swidth}}  {sum(o.seconds for o in outcomes):>8.1f}")
    if wall is not None:
        lines.append(f"{'wall time':<{width}}  {'':<{swidth}}  {wall:>8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vira", description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapter name prefixes (default: all)")
    parser.add_argument("--preset", default=os.environ.get("PRESET") or "auto",
                        help="smoke | small | full | auto (default: $PRESET or auto)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("KEY", "VALUE"), help="a chapter parameter (repeatable)")
    parser.add_argument("--force", action="store_true", help="execute even if unchanged")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="chapter folder")
    parser.add_argument("--out", type=Path, default=BOOK_DIR, help="executed chapters folder")
    parser.add_argument("--no-progress", action="store_true", help="no per-cell progress bar")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS") or 1),
                        help="chapters executed at once (default: $JOBS or 1; 2 on a 2-core CPU "
                             "finishes the small book sooner)")
    parser.add_argument("--keep-leftovers", action="store_true", help=argparse.SUPPRESS)  # a parallel run's child
    args = parser.parse_args(argv)
    params = {key: parse_value(value) for key, value in args.parameter}
    if "preset" in params:
        parser.error("give the preset with --preset, not -p preset")
    try:
        run_chapters(args.chapters, preset=args.preset, parameters=params, force=args.force,
                     source_dir=args.source, out_dir=args.out, progress=not args.no_progress,
                     jobs=args.jobs, clean=not args.keep_leftovers)
    except ChapterFailed as err:
        print(f"vira.book.runner: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as err:
        what = (f"{err} {'were' if str(err).startswith('chapters ') else 'was'} discarded" if str(err)
                else "nothing was being executed")
        print(f"vira.book.runner: interrupted (Ctrl-C): {what}; no later chapter was run",
              file=sys.stderr)
        return 130
    except ValueError as err:
        print(f"vira.book.runner: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
