"""Chapters side by side (vira.book.parallel, python -m vira --jobs N)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vira.book import parallel, runner

PY = sys.executable


def stamp(folder: Path, name: str, seconds: float, code: int = 0) -> parallel.Job:
    """A job that writes its start and end times to folder/name.json, sleeping in between."""
    script = (f"import json, time; t0 = time.time(); time.sleep({seconds}); "
              f"json.dump([t0, time.time()], open({str(folder / (name + '.json'))!r}, 'w')); "
              f"print('bye from {name}'); raise SystemExit({code})")
    return parallel.Job(name, [PY, "-c", script], folder / "logs" / f"{name}.log")


def span(folder: Path, name: str) -> tuple[float, float]:
    return tuple(json.loads((folder / f"{name}.json").read_text()))


def test_two_at_a_time_overlap_and_one_at_a_time_do_not(tmp_path):
    said = []
    ended = parallel.run_side_by_side([stamp(tmp_path, "a", 1.5), stamp(tmp_path, "b", 1.5)], 2, poll=0.05,
                                      say=lambda *a, **k: said.append(a[0]))
    assert [(e.name, e.returncode) for e in ended] == [("a", 0), ("b", 0)]
    (a0, a1), (b0, b1) = span(tmp_path, "a"), span(tmp_path, "b")
    assert max(a0, b0) < min(a1, b1), "run side by side, the two overlap"
    assert "bye from a" in (tmp_path / "logs" / "a.log").read_text()
    assert any(s.startswith("a: started") for s in said) and any(s.startswith("b: done") for s in said)
    parallel.run_side_by_side([stamp(tmp_path, "c", 0.5), stamp(tmp_path, "d", 0.5)], 1, poll=0.05,
                              say=lambda *a, **k: None)
    assert span(tmp_path, "c")[1] <= span(tmp_path, "d")[0], "one at a time, d waits for c"


def test_a_failure_starts_nothing_more_and_lets_the_running_finish(tmp_path):
    jobs = [stamp(tmp_path, "fails", 0.2, code=3), stamp(tmp_path, "slow", 1.5), stamp(tmp_path, "later", 0.1)]
    ended = parallel.run_side_by_side(jobs, 2, poll=0.05, say=lambda *a, **k: None)
    assert [(e.name, e.returncode) for e in ended] == [("fails", 3), ("slow", 0), ("later", None)]
    assert not (tmp_path / "later.json").exists()
    assert "bye from fails" in parallel.tail(ended[0].log)
    with pytest.raises(ValueError, match="at least 1"):
        parallel.run_side_by_side(jobs, 0)


def test_ctrl_c_stops_every_running_command_within_seconds(tmp_path):
    driver = tmp_path / "driver.py"
    driver.write_text(
        "import sys, time\nfrom pathlib import Path\nfrom vira.book import parallel\n"
        f"jobs = [parallel.Job(n, [sys.executable, '-c', 'import time; time.sleep(120)'], Path({str(tmp_path)!r}) / (n + '.log'))"
        " for n in ('x', 'y', 'z')]\n"
        "try:\n    parallel.run_side_by_side(jobs, 2, poll=0.05)\n"
        "except KeyboardInterrupt as err:\n    print('stopped:', err, flush=True)\n    sys.exit(130)\n")
    proc = subprocess.Popen([PY, str(driver)], stdout=subprocess.PIPE, text=True, cwd=runner.REPO_ROOT,
                            env={**os.environ, "PYTHONPATH": str(runner.REPO_ROOT)})
    deadline = time.time() + 60
    while not ((tmp_path / "x.log").exists() and (tmp_path / "y.log").exists()):
        assert time.time() < deadline and proc.poll() is None
        time.sleep(0.1)
    time.sleep(0.5)
    sent = time.time()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert time.time() - sent < 10
    assert proc.returncode == 130 and "stopped: x, y" in out
    assert not (tmp_path / "z.log").exists(), "nothing after the interrupt is started"
    busy = subprocess.run(["pgrep", "-f", "time.sleep(120)"], capture_output=True, text=True).stdout.split()
    assert busy == [], "the running commands were stopped"


def test_page_seconds_reads_papermills_duration(tmp_path):
    assert parallel.page_seconds(tmp_path / "none.ipynb") == float("inf")
    page = tmp_path / "p.ipynb"
    page.write_text(json.dumps({"metadata": {"papermill": {"duration": 12.5}}}))
    assert parallel.page_seconds(page) == 12.5
    page.write_text("{broken")
    assert parallel.page_seconds(page) == float("inf")


def times(page: Path) -> list[float]:
    nb = json.loads(page.read_text())
    return [float(x) for c in nb["cells"] for o in c.get("outputs", []) for x in "".join(o.get("text", "")).split()]


@pytest.mark.slow
def test_the_runner_runs_chapters_side_by_side_and_the_readers_after_them(tmp_path, write_chapter):
    src, out = tmp_path / "notebooks", tmp_path / "book"
    src.mkdir()
    timed = "import time\nt0 = time.time()\ntime.sleep(4)\nprint(t0, time.time())"
    write_chapter(src, "01_a", timed)
    write_chapter(src, "02_b", timed)
    write_chapter(src, "09_report", "# reads the others: load_results(...)\n" + timed)
    outcomes = runner.run_chapters(preset="smoke", parameters={"seed": 3}, source_dir=src, out_dir=out,
                                   progress=False, jobs=2)
    assert sorted((o.chapter, o.status) for o in outcomes) == [("01_a", "executed"), ("02_b", "executed"),
                                                                ("09_report", "executed")]
    (a0, a1), (b0, b1), (r0, _) = (times(out / f"{n}.ipynb") for n in ("01_a", "02_b", "09_report"))
    assert max(a0, b0) < min(a1, b1), "01 and 02 ran side by side"
    assert r0 > max(a1, b1), "the reader ran after both"
    for name in ("01_a", "02_b"):
        nb = json.loads((out / f"{name}.ipynb").read_text())
        assert nb["metadata"]["vira"]["parameters"] == {"preset": "smoke", "seed": 3}
        assert (tmp_path / "_build" / "logs" / f"{name}.log").exists()
    again = runner.run_chapters(preset="smoke", parameters={"seed": 3}, source_dir=src, out_dir=out,
                                progress=False, jobs=2)
    assert {o.status for o in again} == {"skipped"}


@pytest.mark.slow
def test_a_failing_chapter_side_by_side_is_named_with_the_end_of_its_log(tmp_path, write_chapter):
    src, out = tmp_path / "notebooks", tmp_path / "book"
    src.mkdir()
    write_chapter(src, "01_ok", "print('fine')")
    write_chapter(src, "02_boom", "raise ValueError('planted failure')")
    with pytest.raises(runner.ChapterFailed) as err:
        runner.run_chapters(preset="smoke", source_dir=src, out_dir=out, progress=False, jobs=2)
    message = str(err.value)
    assert "chapter 02_boom failed (exit 1)" in message and "planted failure" in message, message
    assert (out / "01_ok.ipynb").exists() and not (out / "02_boom.ipynb").exists()
    assert not list(out.glob(".partial/*"))


@pytest.mark.slow
def test_ctrl_c_stops_a_parallel_runner_and_discards_every_running_chapter(tmp_path, write_chapter):
    src, out = tmp_path / "notebooks", tmp_path / "book"
    src.mkdir()
    slow = "import time\nfor _ in range(240):\n    time.sleep(0.5)"
    write_chapter(src, "01_slow", slow)
    write_chapter(src, "02_slow", slow)
    write_chapter(src, "03_after", "print('ran')")
    proc = subprocess.Popen([PY, "-m", "vira", "--source", str(src), "--out", str(out), "--preset", "smoke",
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, cwd=runner.REPO_ROOT)
    deadline = time.time() + 120
    while not all((out / ".partial" / f"{n}.ipynb").exists() for n in ("01_slow", "02_slow")):
        assert time.time() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    time.sleep(2)
    sent = time.time()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert time.time() - sent < 20
    assert proc.returncode == 130, stderr
    assert "interrupted (Ctrl-C): chapters 01_slow, 02_slow were discarded; no later chapter was run" in stderr
    assert "Traceback" not in stderr, stderr
    assert not out.exists() or sorted(p.name for p in out.rglob("*")) == []
