"""The runner (python -m vira): failures named, atomic outputs, skipping unchanged chapters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vira.book import runner as runner

@pytest.fixture
def chapters(tmp_path, write_chapter):
    src = tmp_path / "notebooks"
    src.mkdir()
    write_chapter(src, "01_fine", "x = seed + 1", "print('x =', x)")
    write_chapter(src, "02_boom", "y = 2", "raise ValueError('planted failure')", "print('never')")
    return src


@pytest.mark.slow
def test_a_raising_chapter_fails_the_runner_naming_chapter_and_cell(chapters, tmp_path):
    out = tmp_path / "book"
    result = subprocess.run(
        [sys.executable, "-m", "vira", "--source", str(chapters), "--out", str(out),
         "--preset", "smoke", "--no-progress"],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    # markdown 0, parameters 1, injected parameters 2, "y = 2" 3, the raise 4
    assert "chapter 02_boom failed in cell 4" in result.stderr, result.stderr
    assert "raise ValueError('planted failure')" in result.stderr
    assert "ValueError: planted failure" in result.stderr
    assert (out / "01_fine.ipynb").exists()  # the chapter before it was written
    assert not (out / "02_boom.ipynb").exists()  # never a half-written chapter
    assert not list(out.glob(".*partial*"))
    assert "failed" in result.stdout  # the timing table says so too


@pytest.mark.slow
def test_unchanged_chapters_are_skipped_and_changes_re_execute(chapters, tmp_path):
    out = tmp_path / "book"
    first = runner.run_chapters(["01"], preset="smoke", source_dir=chapters, out_dir=out, progress=False)
    assert [o.status for o in first] == ["executed"]
    nb = json.loads((out / "01_fine.ipynb").read_text())
    assert nb["metadata"]["vira"]["parameters"] == {"preset": "smoke"}
    assert "x = 1" in json.dumps(nb)
    again = runner.run_chapters(["01"], preset="smoke", source_dir=chapters, out_dir=out, progress=False)
    assert [o.status for o in again] == ["skipped"]
    other = runner.run_chapters(["01"], preset="smoke", parameters={"seed": 4}, source_dir=chapters,
                       out_dir=out, progress=False)
    assert [o.status for o in other] == ["executed"]
    assert "x = 5" in (out / "01_fine.ipynb").read_text()
    forced = runner.run_chapters(["01"], preset="smoke", parameters={"seed": 4}, force=True,
                        source_dir=chapters, out_dir=out, progress=False)
    assert [o.status for o in forced] == ["executed"]


@pytest.mark.slow
def test_auto_keeps_a_page_current_at_its_committed_preset_and_re_executes_a_stale_one(chapters, tmp_path,
                                                                                     monkeypatch, write_chapter):
    """A fresh clone's `make book` (preset auto, small on a CPU) executes nothing: chapters 00, 01
    and A1 are committed at full, and stay as they are while current."""
    monkeypatch.setattr("vira.book.presets.cuda_available", lambda: False)  # auto is small here
    out = tmp_path / "book"
    assert [o.status for o in runner.run_chapters(["01"], preset="full", source_dir=chapters, out_dir=out,
                                                  progress=False)] == ["executed"]
    kept = runner.run_chapters(["01"], preset="auto", source_dir=chapters, out_dir=out, progress=False)
    assert [o.status for o in kept] == ["skipped"]
    assert runner.stored_parameters(out / "01_fine.ipynb") == {"preset": "full"}
    # asked for explicitly, small is small: the full page does not stand for it
    asked = runner.run_chapters(["01"], preset="small", source_dir=chapters, out_dir=out, progress=False)
    assert [o.status for o in asked] == ["executed"]
    assert runner.stored_parameters(out / "01_fine.ipynb") == {"preset": "small"}
    # another parameter than the committed page's: executed, not kept
    runner.run_chapters(["01"], preset="full", source_dir=chapters, out_dir=out, progress=False)
    other = runner.run_chapters(["01"], preset="auto", parameters={"seed": 2}, source_dir=chapters,
                                out_dir=out, progress=False)
    assert [o.status for o in other] == ["executed"]
    # a stale full page is executed at the auto preset (small on this CPU)
    runner.run_chapters(["01"], preset="full", source_dir=chapters, out_dir=out, progress=False)
    write_chapter(chapters, "01_fine", "x = seed + 2", "print('x =', x)")
    stale = runner.run_chapters(["01"], preset="auto", source_dir=chapters, out_dir=out, progress=False)
    assert [o.status for o in stale] == ["executed"]
    assert runner.stored_parameters(out / "01_fine.ipynb") == {"preset": "small"}
    assert "x = 2" in (out / "01_fine.ipynb").read_text()


def test_interrupt_leaves_the_previous_output_untouched(chapters, tmp_path, monkeypatch):
    import papermill

    out = tmp_path / "book"
    out.mkdir()
    (out / "01_fine.ipynb").write_text("previous execution")

    def interrupted(src, dst, **kwargs):
        Path(dst).write_text("half written")
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run_chapters(["01"], preset="smoke", force=True, source_dir=chapters, out_dir=out, progress=False)
    assert (out / "01_fine.ipynb").read_text() == "previous execution"
    assert [p.name for p in out.iterdir()] == ["01_fine.ipynb"]  # no temporary file or folder left


@pytest.fixture
def recording_chapter(tmp_path, write_chapter):
    """notebooks/07_rec.ipynb: a chapter that records one result (values 0.5 and 0.7) and finishes."""
    return write_chapter(tmp_path / "notebooks", "07_rec",
                         "import vira\nsession = vira.start(preset, device, seed, show=True)",
                         "vira.results.record(session, 'P', 'Table 1', 'model', 'SRC', [0.5, 0.7], paper_value=0.6)",
                         "session.finish()")


@pytest.mark.slow
def test_notebook_and_results_file_are_replaced_together_and_repaired(tmp_path, monkeypatch, recording_chapter):
    src, out = recording_chapter.parent, tmp_path / "book"
    runner.run_chapters(["07"], preset="smoke", source_dir=src, out_dir=out, progress=False)
    results = out / "results" / "07_rec.json"
    first = json.loads(results.read_text())
    # interrupted between the two renames: the results file is new, the notebook old
    (out / "07_rec.ipynb").write_text((out / "07_rec.ipynb").read_text().replace(first["input_hash"], "0" * 64))
    again = runner.run_chapters(["07"], preset="smoke", source_dir=src, out_dir=out, progress=False)
    assert [o.status for o in again] == ["executed"]  # an old notebook runs again
    # the other way round: a notebook whose results file is missing or stale is repaired, not re-run
    results.unlink()
    (out / ".partial").mkdir()
    (out / ".partial" / "07_rec.ipynb").write_text("half written")  # and a leftover temporary file
    skipped = runner.run_chapters(["07"], preset="smoke", source_dir=src, out_dir=out, progress=False)
    assert [o.status for o in skipped] == ["skipped"]
    assert json.loads(results.read_text()) == first
    assert not (out / ".partial").exists()
    stale = dict(first, input_hash="1" * 64)
    results.write_text(json.dumps(stale))
    runner.run_chapters(["07"], preset="smoke", source_dir=src, out_dir=out, progress=False)
    assert json.loads(results.read_text()) == first
    # a crash while the results file is written leaves the old pair in place
    import vira.book.results as results_module

    before = (out / "07_rec.ipynb").read_text()

    def broken(executed, target, command):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text("{half")
        raise OSError("disk full")

    monkeypatch.setattr(results_module, "write_file", broken)
    with pytest.raises(OSError, match="disk full"):
        runner.run_chapters(["07"], preset="smoke", force=True, source_dir=src, out_dir=out, progress=False)
    assert (out / "07_rec.ipynb").read_text() == before and json.loads(results.read_text()) == first
    assert sorted(p.name for p in out.rglob("*")) == ["07_rec.ipynb", "07_rec.json", "results"]


def _run_in_background(src: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "vira", "--source", str(src), "--out", str(out),
                             "--preset", "smoke", "--no-progress", "--force"], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


@pytest.mark.slow
@pytest.mark.parametrize("whom", ["runner", "group"])
def test_ctrl_c_stops_the_runner_at_once_and_runs_nothing_after(tmp_path, whom, write_chapter):
    import os
    import signal
    import time

    src, out = tmp_path / "notebooks", tmp_path / "book"
    src.mkdir()
    write_chapter(src, "01_slow", "import time\nfor _ in range(120):\n    time.sleep(0.5)")
    write_chapter(src, "02_next", "print('ran')")
    proc = _run_in_background(src, out)
    deadline = time.time() + 120
    while not (out / ".partial" / "01_slow.ipynb").exists():  # the chapter has started
        assert time.time() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    time.sleep(2)
    sent = time.time()
    (os.killpg if whom == "group" else os.kill)(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C hits the group
    stdout, stderr = proc.communicate(timeout=30)
    assert time.time() - sent < 15
    assert proc.returncode == 130, stderr
    assert "interrupted (Ctrl-C): chapter 01_slow was discarded; no later chapter was run" in stderr
    # no traceback of the runner (the kernel, shut down mid-cell, may log its own error)
    assert "runner.py" not in stderr and "papermill" not in stderr and "nbclient" not in stderr, stderr
    assert not out.exists() or sorted(p.name for p in out.rglob("*")) == []


@pytest.mark.slow
def test_a_dead_kernel_names_chapter_cell_and_cause_and_keeps_the_notebook(tmp_path, monkeypatch, write_chapter):
    src, out = tmp_path / "notebooks", tmp_path / "book"
    src.mkdir()
    write_chapter(src, "05_oom", "x = 1", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "print('never')")
    monkeypatch.setattr(runner, "FAILED_DIR", tmp_path / "failed")
    with pytest.raises(runner.ChapterFailed) as err:
        runner.run_chapters(["05"], preset="smoke", source_dir=src, out_dir=out, progress=False)
    message = str(err.value)
    assert "chapter 05_oom: its kernel died in cell 4" in message, message
    assert "the cell that begins 'import os, signal'" in message
    assert "memory" in message and str(tmp_path / "failed" / "05_oom.ipynb") in message
    kept = json.loads((tmp_path / "failed" / "05_oom.ipynb").read_text())
    assert any("x = 1" in "".join(c["source"]) for c in kept["cells"])
    assert not (out / "05_oom.ipynb").exists() and not (out / ".partial").exists()


def test_unknown_parameters_and_chapters_are_refused(chapters, tmp_path):
    with pytest.raises(runner.ChapterFailed, match="declares no colour"):
        runner.run_chapters(["01"], preset="smoke", parameters={"colour": "red"}, source_dir=chapters,
                   out_dir=tmp_path / "o", progress=False)
    with pytest.raises(SystemExit, match="no chapter .* matches 07"):
        runner.discover(chapters, ["07"])


@pytest.mark.parametrize("text, value", [("3", 3), ("0.5", 0.5), ("True", True), ("cpu", "cpu"),
                                         ("[1, 2]", [1, 2])])
def test_parameter_values_are_parsed_like_papermill(text, value):
    assert runner.parse_value(text) == value


@pytest.mark.slow
def test_a_chapters_records_become_its_results_file(tmp_path, recording_chapter):
    src = recording_chapter.parent
    out = tmp_path / "book"
    runner.run_chapters(["07"], preset="smoke", parameters={"seed": 2}, source_dir=src, out_dir=out, progress=False)
    from vira.book.results import validate_file

    content = validate_file(out / "results" / "07_rec.json")
    assert content["command"] == "python -m vira 07 --preset smoke -p seed 2"
    assert content["seed"] == 2 and content["preset"] == "smoke"
    nb = json.loads((out / "07_rec.ipynb").read_text())
    assert content["input_hash"] == nb["metadata"]["vira"]["input_hash"]
    assert [(r["row"], r["mean"], r["n"]) for r in content["records"]] == [("model", 0.6, 2)]


@pytest.mark.slow
def test_every_chapter_runs_with_the_network_guard_on(tmp_path, monkeypatch, write_chapter):
    """`make book` (not only the tests) runs each chapter offline: a chapter that resolves a
    remote name fails, naming the guard, even when the caller never set VIRA_FORBID_NETWORK."""
    monkeypatch.delenv("VIRA_FORBID_NETWORK")
    src = tmp_path / "notebooks"
    src.mkdir()
    write_chapter(src, "03_net", "import os, socket\nimport vira\nprint(os.environ['VIRA_FORBID_NETWORK'])",
                 "socket.getaddrinfo('example.org', 80)")
    with pytest.raises(runner.ChapterFailed, match="NetworkAccessBlocked"):
        runner.run_chapters(["03"], preset="smoke", source_dir=src, out_dir=tmp_path / "book", progress=False)


@pytest.mark.slow
def test_a_change_in_the_data_a_chapter_reads_re_executes_it(tmp_path, monkeypatch, write_chapter):
    data = tmp_path / "data"
    (data / "d").mkdir(parents=True)
    (data / "d" / "f.csv").write_text("1\n")
    monkeypatch.setenv("VIRA_DATA", str(data))
    src, out = tmp_path / "notebooks", tmp_path / "book"
    src.mkdir()
    write_chapter(src, "04_reads", "# reads data_dir(\"d\")\nx = 1")
    status = lambda: runner.run_chapters(["04"], preset="smoke", source_dir=src, out_dir=out,  # noqa: E731
                                         progress=False)[0].status
    assert status() == "executed"
    assert runner.stored_data_inputs(out / "04_reads.ipynb") == {"VIRA_DATA/d": runner.data_inputs.inputs(
        src / "04_reads.ipynb")["VIRA_DATA/d"]}
    assert status() == "skipped"
    (data / "d" / "f.csv").write_text("2\n")
    assert status() == "executed"
    # a page executed before the inputs were recorded is judged by its input hash alone
    nb = json.loads((out / "04_reads.ipynb").read_text())
    del nb["metadata"]["vira"]["data_inputs"]
    (out / "04_reads.ipynb").write_text(json.dumps(nb))
    (data / "d" / "f.csv").write_text("3\n")
    assert status() == "skipped"


def test_the_timing_table_sums_the_chapters_and_gives_the_wall_time():
    table = runner.timing_table([runner.Outcome("02_psgcn", "executed", 60.0),
                                 runner.Outcome("04_rtcn", "executed", 90.0)], wall=95.0)
    lines = table.splitlines()
    assert lines[-2].split() == ["total", "150.0"] and lines[-1].split() == ["wall", "time", "95.0"]
    assert "wall time" not in runner.timing_table([runner.Outcome("02_psgcn", "skipped", 0.0)])
