"""vira.book.course: the chapters' wall times and exercises, read from files written here."""

import json

import pytest

from vira.book.course import chapter_times, exercises


def _notebook(path, *texts):
    cells = [{"cell_type": "code", "source": "", "metadata": {}, "execution_count": 1,
              "outputs": [{"output_type": "stream", "name": "stdout", "text": t}]} for t in texts]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_chapter_times_reads_the_finishing_line(tmp_path):
    _notebook(tmp_path / "02_psgcn.ipynb", "hello\n", "chapter finished: preset small, device cpu, wall time 3392.4 s\n")
    _notebook(tmp_path / "A1_synthetic_vdv.ipynb", "chapter finished: preset full, device cuda, wall time 12.5 s\n")
    _notebook(tmp_path / "05_fusion.ipynb", "no finishing line: interrupted\n")
    (tmp_path / "notes.ipynb").write_text("not a chapter, never read")
    times = chapter_times(tmp_path)
    assert list(times.index) == ["02_psgcn", "A1_synthetic_vdv"]
    assert times.loc["02_psgcn"].tolist() == ["small", "cpu", 3392.4]
    assert times.loc["A1_synthetic_vdv", "wall time (s)"] == 12.5


def test_chapter_times_names_a_broken_notebook(tmp_path):
    (tmp_path / "03_action_feedback.ipynb").write_text("{ truncated")
    with pytest.raises(ValueError, match="03_action_feedback.ipynb"):
        chapter_times(tmp_path)


CHAPTER = '''# %% [markdown]
# ## Exercises
#
# ```{exercise} Two layers, one map
# :label: ex-05-one-map
# Show it.
# ```
#
# ```{solution-start} ex-05-one-map
# :class: dropdown
# ```

# %%
x = 1
# ```{exercise} not markdown: a comment in a code cell
# :label: ex-never

# %% [markdown]
# ```{solution-end}
# ```
#
# ````{exercise} Open
# :label: ex-05-open
# No solution yet.
# ````
'''


def test_exercises_with_their_solutions(tmp_path):
    (tmp_path / "05_fusion.py").write_text(CHAPTER)
    (tmp_path / "00_how.py").write_text("# %% [markdown]\n# # No exercises\n")
    found = exercises(tmp_path)
    assert found.to_dict("records") == [
        {"chapter": "05_fusion", "label": "ex-05-one-map", "title": "Two layers, one map", "solved": True},
        {"chapter": "05_fusion", "label": "ex-05-open", "title": "Open", "solved": False}]


def test_an_exercise_without_a_label_is_refused_by_file(tmp_path):
    (tmp_path / "01_labels.py").write_text("# %% [markdown]\n# ```{exercise} Lost\n# text\n# ```\n")
    with pytest.raises(ValueError, match=r"01_labels.py.*'Lost'.*:label:"):
        exercises(tmp_path)


def _timed(path, preset, start, end):
    path.write_text(json.dumps({"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {"papermill": {
        "parameters": {"preset": preset}, "start_time": f"2026-12-05T{start}+00:00", "end_time": f"2026-12-05T{end}+00:00"}}}))


def test_wall_clock_is_the_union_of_the_execution_intervals(tmp_path):
    from vira.book.course import wall_clock

    _timed(tmp_path / "04_rtcn.ipynb", "small", "01:00:00", "02:00:00")   # 3600 s
    _timed(tmp_path / "05_fusion.ipynb", "small", "01:30:00", "02:30:00")  # overlaps the first by 30 min
    _timed(tmp_path / "06_engagement.ipynb", "small", "03:00:00", "03:10:00")  # alone, 600 s
    _timed(tmp_path / "01_labels.ipynb", "full", "00:00:00", "00:01:00")
    (tmp_path / "07_collapse.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))  # no times
    assert wall_clock(tmp_path, "small") == (pytest.approx(5400 + 600), pytest.approx(7800))
    assert wall_clock(tmp_path) == (pytest.approx(6060), pytest.approx(7860))
    _timed(tmp_path / "08_attention.ipynb", "small", "01:10:00", "01:20:00")  # inside the first
    assert wall_clock(tmp_path, "small")[0] == pytest.approx(6000)
    (tmp_path / "09_x.ipynb").write_text("{ truncated")
    with pytest.raises(ValueError, match="09_x.ipynb"):
        wall_clock(tmp_path)


def test_company_is_the_part_of_each_run_shared_with_another_page(tmp_path):
    from vira.book.course import company

    _timed(tmp_path / "04_rtcn.ipynb", "small", "01:00:00", "02:00:00")      # 3600 s
    _timed(tmp_path / "05_fusion.ipynb", "small", "01:30:00", "02:30:00")    # the last 30 min of 04 beside it
    _timed(tmp_path / "03_action.ipynb", "small", "01:40:00", "01:50:00")    # inside both
    _timed(tmp_path / "06_engagement.ipynb", "small", "03:00:00", "03:10:00")  # alone
    _timed(tmp_path / "01_labels.ipynb", "full", "02:20:00", "02:40:00")     # full, the last 10 min of 05
    c = company(tmp_path, "small")
    assert list(c.index) == ["03_action", "04_rtcn", "05_fusion", "06_engagement"]  # small pages only
    # 04: 05 from 01:30 to 02:00 (1800 s), 03 inside that: the union is 1800 s of 3600
    assert c.loc["04_rtcn", "beside others (s)"] == pytest.approx(1800)
    assert c.loc["04_rtcn", "share beside others"] == pytest.approx(0.5)
    assert c.loc["04_rtcn", "beside"] == "03_action, 05_fusion"
    # 05: 04 from 01:30 to 02:00 and 01 (a full page still shares the cores) from 02:20 to 02:30
    assert c.loc["05_fusion", "beside others (s)"] == pytest.approx(1800 + 600)
    assert c.loc["05_fusion", "beside"] == "01_labels, 03_action, 04_rtcn"
    assert c.loc["03_action", "share beside others"] == pytest.approx(1.0)
    assert c.loc["06_engagement", "beside others (s)"] == 0 and c.loc["06_engagement", "beside"] == ""
    assert len(company(tmp_path)) == 5


def test_schedule_is_the_runners_longest_first_rule_by_hand():
    from vira.book.course import schedule

    # longest first on 2 places: a=5 and b=4 start; c=3 takes b's place at 4 (ends 7), d=3 takes
    # a's at 5 (ends 8); the readers (1 + 0.5) run after: 9.5
    times = {"c": 3.0, "a": 5.0, "d": 3.0, "b": 4.0}
    assert schedule(times, 2, after={"r": 1.0, "s": 0.5}) == pytest.approx(9.5)
    assert schedule(times, 1) == pytest.approx(15.0)  # one place: the sum
    assert schedule(times, 4) == pytest.approx(5.0)  # a place each: the longest
    assert schedule({}, 2) == 0.0
    with pytest.raises(ValueError, match="width"):
        schedule(times, 0)
    with pytest.raises(ValueError, match="non-negative"):
        schedule({"a": float("nan")}, 2)
