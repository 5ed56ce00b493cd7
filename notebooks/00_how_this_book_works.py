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
# # 0. How this book works
#
# Every chapter of this book is a notebook that runs from start to finish, checks its own claims,
# and records how it was run. This short chapter shows the machinery once, on a problem whose
# answer everyone knows: estimating $\pi$ by throwing random points at a square. No paper here yet,
# just the pieces every later chapter uses.
#
# Source of this chapter: {download}`00_how_this_book_works.py <../notebooks/00_how_this_book_works.py>`
# (jupytext, the file to read and edit) and
# {download}`00_how_this_book_works.ipynb <../notebooks/00_how_this_book_works.ipynb>`
# (the same cells as a notebook, what papermill executes).

# %% [markdown]
# ## Parameters
#
# The next cell is tagged `parameters`. Papermill replaces its values when it executes the chapter,
# for example `papermill notebooks/00_how_this_book_works.ipynb out.ipynb -p preset small -p seed 3`.
# Every chapter has at least these three.

# %% tags=["parameters"]
preset = "auto"  # "smoke" | "small" | "full"; "auto": full where CUDA is available, else small
device = "auto"  # "auto": CUDA where available, else the CPU; or "cpu", "cuda"
seed = 0  # seeds Python, NumPy and PyTorch

# %% [markdown]
# ## Provenance
#
# The first code cell of every chapter calls `vira.start`. It resolves the preset and the device,
# seeds every random number generator, and prints what produced the numbers below.

# %%
import math
import time

import matplotlib.pyplot as plt
import pandas as pd
import torch

import vira
from vira.book.presets import PRESETS

session = vira.start(preset, device, seed)
vira.use_style()

# %% [markdown]
# ## Presets
#
# A preset changes how much data and how much training a chapter uses. It never changes the method:
# the same models, losses and metrics run at every scale. Each chapter chooses its sizes with
# `session.preset.pick(smoke=..., small=..., full=...)`, so the three sizes sit side by side in the code.

# %%
pd.DataFrame(
    [(p.name, p.purpose, p.target) for p in PRESETS.values()],
    columns=["preset", "what it is for", "runs in"],
).set_index("preset")

# %% [markdown]
# ## The idea
#
# Draw $n$ points $(x_i, y_i)$ uniformly in the unit square. A point falls inside the quarter disc
# when $x_i^2 + y_i^2 \le 1$, which happens with probability $p = \pi / 4$. So
#
# $$
# \hat\pi = \frac{4}{n} \sum_{i=1}^{n} \mathbb{1}\left[x_i^2 + y_i^2 \le 1\right],
# \qquad
# \operatorname{se}(\hat\pi) = 4 \sqrt{\frac{p (1 - p)}{n}} .
# \tag{0.1}
# $$
#
# The standard error in Eq. (0.1) tells us how far from $\pi$ the estimate may honestly land.
# We will assert that it lands within four standard errors.

# %% [markdown]
# ## A tiny example to check by hand
#
# Four points: $(0.1, 0.2)$ gives $0.05$, inside. $(0.9, 0.9)$ gives $1.62$, outside. $(0.5, 0.5)$
# gives $0.50$, inside. $(0.7, 0.8)$ gives $1.13$, outside. Two of the four points are inside, so
# $\hat\pi = 4 \cdot 2/4 = 2$.

# %%
def estimate_pi(points: torch.Tensor) -> float:
    """Eq. (0.1): 4 times the fraction of points (n, 2) inside the quarter disc."""
    inside = (points**2).sum(dim=1) <= 1.0
    return 4.0 * inside.double().mean().item()


tiny = torch.tensor([[0.1, 0.2], [0.9, 0.9], [0.5, 0.5], [0.7, 0.8]])
assert estimate_pi(tiny) == 2.0
estimate_pi(tiny)

# %% [markdown]
# ## The full run
#
# The number of points depends on the preset. The points are drawn on the chapter's device.

# %%
# NBVAL_CHECK_OUTPUT
n = session.preset.pick(smoke=20_000, small=2_000_000, full=200_000_000)
points = torch.rand(n, 2, device=session.device)
pi_hat = estimate_pi(points)
p = math.pi / 4
se = 4 * math.sqrt(p * (1 - p) / n)
z = (pi_hat - math.pi) / se
print(f"n = {n:,}: pi_hat = {pi_hat:.6f}, standard error {se:.6f}, {z:+.2f} standard errors from pi")

# %% [markdown]
# The chapter checks the claim it is about to make in its text: the estimate lies within four
# standard errors of $\pi$. If it did not, the chapter would fail here and never be published.

# %%
assert abs(z) < 4, f"pi_hat = {pi_hat} is {z:.1f} standard errors from pi"

# %% [markdown]
# Seeding makes the run repeatable: seeding again and drawing again gives exactly the same points.
# On a CPU, the same seed and preset always give the same numbers. That is how the tests re-check
# this chapter's printed output.

# %%
torch.manual_seed(seed)
again = torch.rand(n, 2, device=session.device)
torch.manual_seed(seed)
assert torch.equal(again, torch.rand(n, 2, device=session.device))

# %% [markdown]
# ## Figure
#
# Every figure in the book uses one shared style (`vira.use_style()`). Here is the running estimate
# as points accumulate, with the band of two standard errors narrowing as $1/\sqrt{n}$.

# %%
inside = ((points**2).sum(dim=1) <= 1.0).double().cpu()
counts = torch.logspace(1, math.log10(n), 200, dtype=torch.float64).round().long()
counts = torch.unique(counts.clamp(1, n))  # float rounding must never pass the last point
running = 4 * inside.cumsum(0)[counts - 1] / counts
band = 2 * 4 * torch.sqrt(p * (1 - p) / counts)

fig, ax = plt.subplots()
ax.fill_between(counts, math.pi - band, math.pi + band, alpha=0.25, label=r"$\pi \pm 2\,$se")
ax.plot(counts, running, label=r"running $\hat\pi$")
ax.axhline(math.pi, color="black", lw=0.8)
ax.set(xscale="log", xlabel="points drawn", ylabel=r"estimate of $\pi$",
       title=f"Monte Carlo estimate of pi (preset {session.preset.name})")
ax.legend()
plt.show()

# %% [markdown]
# ## What we found
#
# The next cell glues the computed numbers into the text below. Nothing in it is typed by hand.

# %%
vira.glue("n_points", n)
vira.glue("pi_hat", pi_hat)
vira.glue("pi_se", se)
vira.glue("pi_z", z)
# the chapter's numbers for the reproduction report (chapter 9); no paper here: the reference is pi
vira.results.record(session, "this book", "claim", "the estimate lies within four standard errors of pi",
                    "pi_hat", pi_hat, paper_value=math.pi, section="the-full-run",
                    note=f"asserted |z| < 4; reference value: pi itself (no paper); n = {n:,} points")
vira.results.record(session, "this book", "claim", "the estimate lies within four standard errors of pi",
                    "z = (pi_hat - pi) / se", z, section="the-full-run",
                    note=f"asserted |z| < 4: holds (|z| = {abs(z):.2f}); se = {se:.6f}")
same_seed = vira.results.record(session, "this book", "claim", "the same seed gives the same points",
                                "identical (1 = yes)", 1.0, section="the-full-run",
                                note="asserted: reseeding and drawing again gives bit-identical points")

# %% [markdown]
# With {glue:text}`n_points:,` points the estimate is $\hat\pi =$ {glue:text}`pi_hat:.5f`. Its
# standard error is {glue:text}`pi_se:.5f`, so $(\hat\pi - \pi) / \operatorname{se} =$
# {glue:text}`pi_z:+.2f`: the estimate is inside the four standard errors that the chapter
# asserts. Every later chapter works the same way, except that the truth it checks against is
# planted in its data, not known from mathematics.
#
# ## Exercises
#
# Each exercise has a worked solution that ran with this page, hidden until you open it.
#
# ```{exercise} Other seeds
# :label: ex-00-seeds
# Draw $\hat\pi$ again with 50 different seeds, 100,000 points each. How far do the estimates
# spread, compared with the standard error in Eq. (0.1)?
# ```
#
# ```{solution-start} ex-00-seeds
# :class: dropdown
# ```

# %%
n_ex, seeds_ex = 100_000, range(50)
estimates = []
for s in seeds_ex:
    torch.manual_seed(s)
    estimates.append(estimate_pi(torch.rand(n_ex, 2)))
spread = float(torch.tensor(estimates).std())
se_ex = 4 * math.sqrt(p * (1 - p) / n_ex)
vira.glue("ex_spread", spread)
vira.glue("ex_se", se_ex)
vira.glue("ex_spread_ratio", spread / se_ex)
# the sample sd of 50 estimates is within about 10 % of the true one; 30 % is three times that
assert 0.7 < spread / se_ex < 1.3, spread / se_ex

# %% [markdown]
# Over 50 seeds the estimates have a standard deviation of {glue:text}`ex_spread:.5f`; the formula
# gives {glue:text}`ex_se:.5f`, a ratio of {glue:text}`ex_spread_ratio:.2f`. The standard error
# describes exactly this: how much $\hat\pi$ moves when only the random draw changes. (The
# standard deviation of 50 draws is itself uncertain by about 10 %.)
#
# ```{solution-end}
# ```
#
# ```{exercise} Six correct decimals
# :label: ex-00-decimals
# How many points would make four standard errors smaller than $5 \cdot 10^{-7}$, so that
# $\hat\pi$ rounds to six correct decimals with the confidence this chapter asserts? How long
# would drawing them take on this machine?
# ```
#
# ```{solution-start} ex-00-decimals
# :class: dropdown
# ```
#
# Solve $4 \cdot 4\sqrt{p(1-p)/n} \le 5 \cdot 10^{-7}$ for $n$: $n \ge 16^2\, p(1-p) / (5 \cdot
# 10^{-7})^2$. Then time a draw of ten million points here and scale.

# %%
tolerance = 5e-7
n_needed = math.ceil(16**2 * p * (1 - p) / tolerance**2)
assert 4 * 4 * math.sqrt(p * (1 - p) / n_needed) <= tolerance
assert 4 * 4 * math.sqrt(p * (1 - p) / (0.99 * n_needed)) > tolerance  # and not many more than needed
t0 = time.perf_counter()
estimate_pi(torch.rand(10_000_000, 2))
rate = 10_000_000 / (time.perf_counter() - t0)  # points per second on this machine's CPU
vira.glue("ex_n_needed", f"{n_needed:.2e}")
vira.glue("ex_rate", f"{rate:.2e}")
vira.glue("ex_days", n_needed / rate / 86400)

# %% [markdown]
# About {glue:text}`ex_n_needed` points. This machine's CPU draws and tests about
# {glue:text}`ex_rate` points per second, so the run would take about {glue:text}`ex_days:.0f` days
# (in batches: that many points do not fit in memory at once). Each extra correct decimal costs a
# hundred times more points: Monte Carlo buys precision slowly.
#
# ```{solution-end}
# ```
#
# ## Project
#
# Break the chapter on purpose: change the assertion to `abs(z) < 0.01` and run
# `python -m vira 00 --force`. Read how the runner names the failing cell, and where it keeps the
# failed notebook.

# %%
session.finish()
