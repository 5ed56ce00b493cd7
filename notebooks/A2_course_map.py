# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Appendix A2: a course map for teachers
#
# This page plans a course from the book: what each chapter needs first, how long it runs on a
# two-core laptop, which of its exercises fit a two-hour lab, and an order for six weeks. The run
# times are read from the executed pages (each chapter's last cell prints its wall time) and from
# the smoke benchmark (`scripts/bench_smoke_book.py`); the exercises from the chapters' sources.
# Nothing here is typed but the prerequisites and the order, and both are checked below.
#
# Students get the chapters without the solutions: `make student` writes them into `student/`
# (see the README).
#
# Source of this page: {download}`A2_course_map.py <../notebooks/A2_course_map.py>` and
# {download}`A2_course_map.ipynb <../notebooks/A2_course_map.ipynb>`.

# %% tags=["parameters"]
preset = "auto"  # this page reads the other pages; the preset only labels its provenance
device = "auto"
seed = 0

# %%
from pathlib import Path

import pandas as pd
from IPython.display import display

import vira
from vira.book.bench import load_benches
from vira.book.course import chapter_times, exercises

session = vira.start(preset, device, seed)
ROOT = Path(vira.__file__).resolve().parent.parent
BOOK, SOURCE = ROOT / "book", ROOT / "notebooks"

# %% [markdown]
# ## What each chapter needs first
#
# The chapters a student should have read, and the ideas to know beforehand (ours to choose; the
# table below checks that every chapter named exists and comes earlier in the book's order).

# %%
# NBVAL_CHECK_OUTPUT
NEEDS = {  # chapter: (chapters to read first, ideas to know)
    "00_how_this_book_works": ((), "Python, NumPy, PyTorch tensors; standard error of a mean"),
    "01_labels": (("00",), "Spearman correlation, the bootstrap, heavy-tailed counts"),
    "A1_synthetic_vdv": (("00", "01"), "a generative model with a planted truth; skeletons as joint sequences"),
    "02_psgcn": (("01", "A1"), "graph convolution on skeletons (ST-GCN), ranking losses"),
    "03_action_feedback": (("02",), "input gradients (saliency) of a trained network"),
    "04_rtcn": (("02",), "temporal convolutions, multi-head self-attention"),
    "05_fusion": (("02", "04"), "softmax attention, multi-task losses, GradNorm"),
    "06_engagement": (("01",), "watch time and completion, regression with ranking metrics"),
    "07_collapse": (("01",), "3D and (2+1)D convolutions, batch normalisation, ImageNet-style pretraining"),
    "08_attention": (("01",), "recurrent networks (LSTM), attention over words and frames, Grad-CAM"),
    "09_reproduction_report": (("01", "02", "04", "05", "06", "07", "08"),
                               "confidence intervals, paired comparisons, statistical power"),
    "10_performance": (("00",), "timing code fairly: warm-up, repeats, medians"),
}
chapters = sorted(p.stem for p in SOURCE.glob("[0-9A-Z][0-9]_*.py") if p.stem != "A2_course_map")
assert sorted(NEEDS) == chapters, set(NEEDS) ^ set(chapters)  # every chapter, and only those
key = {c.split("_")[0]: c for c in chapters}
assert all(k in key for needs, _ in NEEDS.values() for k in needs)
print(f"{len(NEEDS)} chapters; the longest list of chapters to read first: "
      f"{max(len(needs) for needs, _ in NEEDS.values())} ({max(NEEDS, key=lambda c: len(NEEDS[c][0]))})")

# %% [markdown]
# ## Run times and exercises
#
# Each page's wall time as it was executed (preset and device beside it), the `smoke` time of every
# chapter on the CPU (what CI runs), and the chapter's exercises with a worked solution. A page
# that ran at `full` on the CPU bounds its `small` time from above.

# %%
times = chapter_times(BOOK)
benches = load_benches(BOOK / "results")
smoke = benches[benches.bench == "smoke_book"].set_index("case").median_ms / 1000
ex = exercises(SOURCE)
rows = []
for c in NEEDS:
    page = times.loc[c] if c in times.index else None
    own = ex[ex.chapter == c]
    rows.append({"chapter": c, "read first": ", ".join(NEEDS[c][0]) or "—",
                 "page ran at": f"{page.preset} on {page.device}" if page is not None else "not executed",
                 "page wall time (min)": page["wall time (s)"] / 60 if page is not None else float("nan"),
                 "smoke on the CPU (min)": smoke.get(c, float("nan")) / 60,
                 "exercises (solved)": f"{len(own)} ({int(own.solved.sum())})"})
course = pd.DataFrame(rows).set_index("chapter")
with pd.option_context("display.max_colwidth", 40):
    display(course.round(1).astype(object).fillna("—"))
unsolved = ex[~ex.solved]
assert unsolved.empty, f"exercises without a worked solution: {unsolved.label.tolist()}"
vira.glue("n_exercises", len(ex))
vira.glue("n_chapters_with_exercises", ex.chapter.nunique())

# %% [markdown]
# The book has {glue:text}`n_exercises` exercises with worked solutions, in
# {glue:text}`n_chapters_with_exercises` chapters; a chapter whose last column shows none keeps
# its open questions as projects until its next execution brings its exercises.
#
# ## A two-hour lab
#
# A lab runs the chapter and then works its exercises. We give the run at most the first hour,
# at the largest preset that fits: `small` where the page's CPU time (at `small` or `full`) is
# under an hour, else `smoke`; the exercises then take the second hour. A solution only uses what
# the chapter computed, so it runs in seconds once the chapter has.

# %%
LAB_RUN_MIN = 60


def lab_preset(c):
    row = course.loc[c]
    if row["page ran at"].endswith("on cpu") and row["page wall time (min)"] <= LAB_RUN_MIN:
        return "small" if row["page ran at"].startswith(("small", "full")) else "smoke"
    return "smoke"


lab = pd.DataFrame({"run at": {c: lab_preset(c) for c in NEEDS},
                    "exercises for the second hour": {c: "; ".join(ex[ex.chapter == c].title) or "— (projects only)"
                                                      for c in NEEDS}})
with pd.option_context("display.max_colwidth", 80):
    display(lab)

# %% [markdown]
# ## Six weeks
#
# One order for a six-week course with one lecture and one lab a week. Each week's chapters come
# after the ones they need (checked below), and its lab runs them at the preset of the table above.

# %%
WEEKS = {
    1: ("00_how_this_book_works", "01_labels"),
    2: ("A1_synthetic_vdv", "02_psgcn"),
    3: ("03_action_feedback", "04_rtcn"),
    4: ("05_fusion", "06_engagement"),
    5: ("07_collapse", "08_attention"),
    6: ("09_reproduction_report", "10_performance"),
}
order = [c for week in WEEKS.values() for c in week]
assert sorted(order) == sorted(NEEDS), "every chapter once"
week_of = {c: w for w, week in WEEKS.items() for c in week}
late = [(c, n) for c in NEEDS for n in NEEDS[c][0] if week_of[key[n]] > week_of[c]]
assert not late, f"chapters planned before what they need: {late}"
plan = pd.DataFrame([{"week": w, "chapters": ", ".join(cs),
                      "lab runs (min)": sum(course.loc[c, "page wall time (min)"] if lab_preset(c) == "small"
                                            else course.loc[c, "smoke on the CPU (min)"] for c in cs)}
                     for w, cs in WEEKS.items()]).set_index("week")
vira.glue("longest_lab_min", float(plan["lab runs (min)"].max()))
plan.round(1)

# %% [markdown]
# The longest week's runs take {glue:text}`longest_lab_min:.0f` minutes of CPU in all, for its
# two chapters together; where that is more than a lab's hour, students start the `small` run
# before the lecture or run the chapter at `smoke` in the lab.

# %%
session.finish()
