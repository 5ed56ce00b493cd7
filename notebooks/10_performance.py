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
# # 10. Performance: how fast the book and its models run
#
# What each chapter and each model costs, on the machines the book was built on, so that a reader
# can plan a re-run. Nothing here is typed: the numbers come from the benchmark files that the
# scripts in `scripts/` write (`book/results/bench_<name>.json`, each naming its machine and the
# command that reproduces it) and from the executed chapters themselves.
#
# Source of this chapter: {download}`10_performance.py <../notebooks/10_performance.py>` and
# {download}`10_performance.ipynb <../notebooks/10_performance.ipynb>`.

# %% tags=["parameters"]
preset = "auto"  # this page reads files; the preset only labels its provenance
device = "auto"
seed = 0

# %%
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import vira
from vira.book.bench import load_benches
from vira.book.course import chapter_times, company, schedule, wall_clock
from vira.book.report import claims_of, load_results

session = vira.start(preset, device, seed)
vira.use_style()
BOOK = Path(vira.__file__).resolve().parent.parent / "book"
benches = load_benches(BOOK / "results")
print(f"{len(benches)} timings from {benches.file.nunique()} benchmark files")

# %% [markdown]
# ## The chapters
#
# Each executed chapter in the book (but this page, whose own time is on its last line), with the
# preset and device it ran with and its wall time, as its last cell printed it; and, where
# `scripts/bench_smoke_book.py` has been run, every chapter's wall time with the `smoke` preset on
# the CPU (what CI runs).

# %%
# this page's own row would be its previous run's time; this run's is on its last line
book_times = chapter_times(BOOK).drop(index="10_performance", errors="ignore")
smoke = benches[benches.bench == "smoke_book"]
if not smoke.empty:
    book_times = book_times.join(smoke.set_index("case").median_ms.rename("smoke on the CPU (s)") / 1000)
    vira.glue("smoke_total_min", float(smoke.median_ms.sum() / 60000))
else:
    vira.glue("smoke_total_min", float("nan"))
book_times.round(1).astype(object).fillna("—")  # a dash: no smoke time for that page (e.g. a new one)

# %% [markdown]
# ### The small book on two CPU cores
#
# `small` is the preset a reader re-runs on a laptop, and its target is the whole book within three
# hours on two CPU cores. The table below counts each chapter's page once: at its measured `small`
# wall time where the page ran at `small` on the CPU; at its `full` wall time where the page ran at
# `full` on the CPU (an upper bound: `small` shrinks data and epochs); and as unknown where the
# page ran only at `smoke`, whose time is a lower bound.

# %%
SMALL_TARGET_H = 3.0


def small_book_row(row):
    """How one chapter's page counts toward the small book's wall time on the CPU."""
    if row.device != "cpu":
        return "not on the CPU: unknown", float("nan")
    if row.preset == "small":
        return "measured at small", row["wall time (s)"]
    if row.preset == "full":
        return "its full run (upper bound)", row["wall time (s)"]
    return f"only at {row.preset}: unknown", float("nan")


small_book = pd.DataFrame([dict(zip(["counted as", "seconds"], small_book_row(r)), chapter=c)
                           for c, r in book_times.iterrows()]).set_index("chapter")
known_h = small_book.seconds.sum() / 3600
unknown = small_book.index[small_book.seconds.isna()].tolist()
vira.glue("small_book_h", float(known_h))
vira.glue("small_book_unknown", ", ".join(unknown) or "none")
display(small_book.assign(minutes=small_book.seconds / 60).round(1).astype(object).fillna("—"))

# %% [markdown]
# The chapters counted add up to {glue:text}`small_book_h:.2f` hours of chapter time; not counted,
# because their pages ran only at a smaller preset or off the CPU: {glue:text}`small_book_unknown`.
#
# Chapter time is not what a reader waits for. `make book JOBS=2` executes two chapters at a time
# (each in its own process; the chapters that read the others' results wait for them), and each
# chapter then takes longer than alone, since the two share the cores: the sum above overstates a
# chapter run alone and the run's length on the clock is below the sum. Papermill records when each
# page started and ended, so the clock time is measured from the pages themselves: the time during
# which at least one `small` page was executing, plus the pages counted at another preset.

# %%
clock_s, summed_s = wall_clock(BOOK, "small")
others_s = small_book.seconds[small_book["counted as"] != "measured at small"].sum()
clock_h = (clock_s + others_s) / 3600
vira.glue("small_clock_h", float(clock_h))
vira.glue("small_clock_saved_h", float((summed_s - clock_s) / 3600))
vira.glue("small_book_verdict", f"within the {SMALL_TARGET_H:g}-hour target" if clock_h <= SMALL_TARGET_H
          else f"over the {SMALL_TARGET_H:g}-hour target")
vira.glue("small_book_margin_min", float(abs(SMALL_TARGET_H - clock_h) * 60))
print(f"small pages: {clock_s / 3600:.2f} h on the clock, {summed_s / 3600:.2f} h of chapter time; "
      f"other pages counted: {others_s / 3600:.2f} h")
assert clock_s <= summed_s + 1e-6, "the clock cannot exceed the sum of the chapters' times"

# %% [markdown]
# On the clock, the book's pages took {glue:text}`small_clock_h:.2f` hours,
# {glue:text}`small_book_verdict` by {glue:text}`small_book_margin_min:.0f` minutes; running
# chapters side by side saved {glue:text}`small_clock_saved_h:.2f` hours of the chapter time above.
#
# These pages did not all come from one `make book JOBS=2`: they were executed in several runs,
# some alone, some two or three at a time. The table says, for each `small` page, how much of its
# run had another page executing beside it (`vira.book.course.company`), and which.

# %%
beside = company(BOOK, "small").drop(index=["09_reproduction_report", "10_performance", "A2_course_map"],
                                     errors="ignore")  # the readers run after the others, alone
display(beside.assign(minutes=beside.seconds / 60)[["minutes", "share beside others", "beside"]].round(2))
mostly_alone = beside[beside["share beside others"] <= 0.5]["share beside others"]
vira.glue("beside_sentence",
          f"These pages had another page beside them for {beside['beside others (s)'].sum() / beside.seconds.sum():.0%} "
          f"of their run time; " + (f"{', '.join(f'{c} ({v:.0%})' for c, v in mostly_alone.items())} had company for half "
                                   f"{'its' if len(mostly_alone) == 1 else 'their'} run or less, so "
                                   f"{'its time is' if len(mostly_alone) == 1 else 'their times are'} nearer that of "
                                   f"a chapter with both cores to itself, shorter than in a run two at a time."
                                   if len(mostly_alone) else "every page had company for more than half of its run."))
# the runner's own rule for `--jobs 2` applied to the recorded times: a planning estimate
from vira.book import data_inputs, runner

# the chapters the runner executes after the others, by its own test (they read other chapters' results)
READERS = [c.stem for c in runner.discover() if data_inputs.reads_other_chapters(c)]
timed = small_book.seconds.dropna()
plan_h = schedule(timed.drop(index=READERS, errors="ignore").to_dict(), 2,
                  after=timed.reindex(READERS).dropna().to_dict()) / 3600
vira.glue("schedule_sentence",
          f"Were these recorded times those of one make book JOBS=2 run, the runner's rule (the longest chapter "
          f"first, two at a time, the readers after) would end after {plan_h:.2f} hours, "
          f"{'within' if plan_h <= SMALL_TARGET_H else 'over'} the {SMALL_TARGET_H:g}-hour target by "
          f"{abs(SMALL_TARGET_H - plan_h) * 60:.0f} minutes. That is an estimate, not a measurement: each time is "
          f"that of its page's own run, with the company the table above shows.")

# %% [markdown]
# {glue:text}`beside_sentence` The clock time above is therefore a measurement of these runs, not
# a prediction for one run of the whole book: the only measurement of that is such a run.
# {glue:text}`schedule_sentence`
#
# ### What the minutes buy
#
# The book spends its CPU to decide the papers' central claims (chapter 9). Per chapter: its
# `small` minutes, its central claims, how many of them a verdict decided (reproduced,
# contradicted or absent), and the minutes per decided central claim.

# %%
central = claims_of(load_results(BOOK / "results"), central=True)
spend = pd.DataFrame({
    "minutes": small_book.seconds / 60,
    "central claims": central.groupby("chapter").size(),
    "decided": central[central.verdict != "inconclusive"].groupby("chapter").size(),
}).fillna({"central claims": 0, "decided": 0}).dropna(subset=["minutes"])
spend = spend[spend["central claims"] > 0]
spend["minutes per decided claim"] = (spend.minutes / spend.decided).where(spend.decided > 0)
display(spend.round(1).astype(object).fillna("—"))
undecided = spend[spend.decided == 0]
uncounted = sorted(set(central.chapter) - set(spend.index))  # pages not timed at small on the CPU
vira.glue("spend_sentence",
          f"{int(spend.decided.sum())} of the {int(spend['central claims'].sum())} central claims counted here are "
          f"decided"
          + (f"; {', '.join(f'{c} ({m:.0f} min)' for c, m in undecided.minutes.items())} "
             f"{'decides' if len(undecided) == 1 else 'decide'} none of {'its' if len(undecided) == 1 else 'their'} "
             f"central claims at small" if len(undecided) else "")
          + (f" (not counted, for want of a small time on the CPU: {', '.join(uncounted)})" if uncounted else "")
          + ".")
# the same counts as chapter 9's report, read from the table it wrote (records.csv): a report older
# than the chapters' results fails here
report = pd.read_csv(BOOK / "results" / "records.csv")
report = report[(report.kind == "claim") & report.central.astype(bool) & report.chapter.isin(spend.index)]
assert (len(report), int((report.verdict != "inconclusive").sum())) == (
    int(spend["central claims"].sum()), int(spend.decided.sum())), "chapter 9's records.csv is older than the results"

# %% [markdown]
# {glue:text}`spend_sentence` A chapter's minutes also decide its own claims (the book's
# frame: above chance, below the oracle, a shuffled control) and draw its figures; chapter 9 says
# what would decide each open central claim, and whether the paper's own number could.

# %% [markdown]
# ## Models and generators
#
# Every benchmark's median over its repeats, with the machine it ran on:

# %%
with pd.option_context("display.max_colwidth", 60, "display.max_rows", 100):
    shown = benches[["bench", "case", "device", "work", "median_ms", "items_per_s", "peak_memory_mb"]]
    # headers that wrap; a dash where a bench measured no memory
    display(shown.rename(columns={"median_ms": "median (ms)", "items_per_s": "items per s",
                                  "peak_memory_mb": "peak memory (MB)"}).round(2).astype(object).fillna("—"))

# %%
# NBVAL_CHECK_OUTPUT
# a hand check of how load_benches turns a rate into a time: a step of `batch` clips at r clips/s
# lasts 1000 * batch / r ms
row = benches[(benches.bench == "skeleton_models") & (benches.case == "PSGCN")].iloc[0]
batch = int(re.search(r"batch (\d+)", row.work).group(1))
print(f"PSGCN, batch {batch}: {row.items_per_s:.2f} clips/s is one step of {row.median_ms:.0f} ms")
assert abs(row.median_ms - 1000 * batch / row.items_per_s) < 1e-6

# %%
sk = benches[benches.bench == "skeleton_models"].copy()
sk["batch"] = sk.work.str.extract(r"batch (\d+)", expand=False)
ratios = []
for (dev, batch), g in sk.groupby(["device", "batch"]):
    per = g.set_index("case").items_per_s
    if {"PSGCN", "ST-GCN"} <= set(per.index):
        ratios.append({"device": dev, "batch": int(batch), "PSGCN clips/s": per["PSGCN"],
                       "ST-GCN clips/s": per["ST-GCN"], "ratio": per["PSGCN"] / per["ST-GCN"]})
ratios = pd.DataFrame(ratios)
assert not ratios.empty, "the skeleton benchmark has no PSGCN / ST-GCN pair"
display(ratios.round(2))
video = benches[benches.bench == "video"].set_index("case")
vira.glue("r21d_cpu", float(video.items_per_s.get("train", float("nan"))))
vira.glue("render_ms", float(video.median_ms.get("render", float("nan"))))

# %% [markdown]
# PSGCN's pyramid shrinks the graph as the network deepens, so it trains faster than ST-GCN where
# the ratio is above one. R(2+1)D-18 trains {glue:text}`r21d_cpu:.2f` clips of the paper's size
# per second on the CPU (why chapter 7's small preset trains end to end on shorter clips of smaller
# frames and gives most of its causes a frozen backbone, and why its full preset needs a GPU), and
# the renderer makes such a clip in
# {glue:text}`render_ms:.0f` ms on one core.
#
# ## How the costs grow

# %%
def sweep(bench, case, key):
    """(work value, median ms) of one benchmark's sweep over one work field (e.g. frames)."""
    sub = benches[(benches.bench == bench) & benches.case.str.startswith(case)].copy()
    sub["x"] = sub.work.str.extract(rf"{key} (\d+)", expand=False).astype(float)
    return sub.dropna(subset=["x"]).sort_values("x")


panels = [("video", "render", "frames", "renderer: clip length (112 px, 1 core)", "size 112"),
          ("video", "render", "size", "renderer: frame size (32 frames, 1 core)", "frames 32"),
          ("video", "train", "frames", "R(2+1)D-18 training step: clip length (112 px)", "size 112"),
          ("frame_features", "ResNet50", "batch", "ResNet50 features: batch (224 px)", "size 224")]
fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3))
for ax, (bench, case, key, title, keep) in zip(axes, panels):
    s = sweep(bench, case, key)
    if keep:
        s = s[s.work.str.contains(keep)]
    for dev, g in s.groupby("device"):
        ax.plot(g.x, g.median_ms, "o-", label=dev)
    ax.set(title=title, xlabel=key, ylabel="median ms")
    ax.title.set_fontsize(8)
    if s.empty:
        ax.text(0.5, 0.5, "not measured", ha="center", transform=ax.transAxes)
    else:
        ax.legend(fontsize=6)
plt.tight_layout()
plt.show()

# %%
def per_unit(bench, case, key, noun, keep=None):
    """Median ms divided by the sweep's work value (e.g. ms per frame): its range over the sweep."""
    s = sweep(bench, case, key)
    if keep:
        s = s[s.work.str.contains(keep)]
    if s.empty:
        return f"{case}: not measured"
    per = s.median_ms / s.x
    return f"{case}: {per.min():.2f} to {per.max():.2f} ms per {noun} over {key} {int(s.x.min())}-{int(s.x.max())}"


lines = [per_unit("video", "render", "frames", "frame", "size 112"),
         per_unit("video", "train", "frames", "frame of a training clip", "size 112"),
         per_unit("frame_features", "ResNet50", "batch", "frame", "size 224")]
display(Markdown("Cost per unit of work over each sweep (a narrow range means the cost grows in "
                 "proportion to the work):\n\n" + "\n".join(f"- {x}" for x in lines)))

# %% [markdown]
# To measure these on another machine:
#
# ```
# .venv/bin/python scripts/bench_video.py            # renderer and R(2+1)D (add --device cuda)
# .venv/bin/python scripts/bench_frame_features.py   # ResNet50 frames/s and the feature cache
# .venv/bin/python scripts/bench_skeleton_models.py  # PSGCN and ST-GCN training
# .venv/bin/python scripts/bench_rtcn.py             # RTCN, TCN, LSTM
# .venv/bin/python scripts/bench_synthetic_vdv.py    # the skeleton generator
# .venv/bin/python scripts/bench_smoke_book.py       # every chapter with the smoke preset
# ```

# %% [markdown]
# ## Exercise
#
# ```{exercise} What the paper's clips would cost
# :label: ex-10-clip-cost
# Chapter 7 trains R(2+1)D-18 end to end on clips of 8 frames of 64 x 64 pixels on the CPU. From
# the video benchmark, how many times longer would a training step take on the paper's clips of
# 32 frames of 112 x 112? Is that about the ratio of the pixels in the two clips?
# ```
#
# ```{solution-start} ex-10-clip-cost
# :class: dropdown
# ```

# %%
from vira.book.bench import read_bench

video_rows = read_bench(BOOK / "results" / "bench_video.json")["results"]


def train_rate(frames, size):
    """Training clips per second at one clip shape (the main row or the sweep's)."""
    found = [r["items_per_s"] for r in video_rows if r["case"].startswith("train")
             and r.get("frames") == frames and r.get("size") == size]
    assert found, f"bench_video.json has no training row at {frames} x {size}"
    return found[0]


slower = train_rate(8, 64) / train_rate(32, 112)
pixels = (32 * 112**2) / (8 * 64**2)
vira.glue("ex_slower", float(slower))
vira.glue("ex_pixels", float(pixels))
vira.glue("ex_proportional", "about in proportion to the pixels (within 25 %)" if abs(np.log(slower / pixels)) < np.log(1.25)
          else ("more than" if slower > pixels else "less than") + " in proportion to the pixels")
assert slower > 1

# %% [markdown]
# A training step on the paper's clips is {glue:text}`ex_slower:.1f` times slower; the clips hold
# {glue:text}`ex_pixels:.2f` times the pixels, so the cost grows {glue:text}`ex_proportional`: the
# convolutions' work is per pixel, and at these sizes little else counts. That factor is what
# chapter 7's smaller clips buy on a CPU, and why its `full` preset, with the paper's clips, is for
# a GPU.
#
# ```{solution-end}
# ```

# %%
session.finish()
