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
# # 6. Engagement: NAWP and ECR
#
# The SnapUGC paper {cite:p}`li2024snapugc` asks not "will this video go viral" but "will the
# people it is shown to keep watching". Its data are 90,000 Snapchat Spotlight videos of 10 to
# 60 s, each shown to more than 2,000 viewers, and its labels are two numbers computed from the
# viewers' watch times:
#
# - the **normalised average watch percentage** (NAWP): the average watch time, divided by the
#   watch time that the most watched videos *of the same duration* reach, capped at 1;
# - the **engagement continuation rate** (ECR): the share of viewers who stay longer than 5 s.
#
# Viewer logs cannot be had, so this chapter simulates viewer sessions from a model with a planted
# truth (a video's opening, the interest of the rest, its creator's fame) and derives every
# metric from the simulated watch times exactly as the paper does. We then check the paper's
# observations about the metrics (§3.3, Fig. 2), rebuild its predictor (§4.3, Eq. 4-5) and its
# ablations (Tables 4 and 5), and run the whole pipeline on nine real SnapUGC clips.
#
# Source of this chapter: {download}`06_engagement.py <../notebooks/06_engagement.py>` and
# {download}`06_engagement.ipynb <../notebooks/06_engagement.ipynb>`.

# %% tags=["parameters"]
preset = "auto"  # smoke (CI), small (a laptop CPU), full (one GPU); see chapter 0
device = "auto"  # "cpu", "cuda" or "auto"
seed = 0  # the data set's seed; model seeds are seed, seed + 1, ...

# %%
import shutil
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from IPython.display import Markdown, display
from sklearn.mixture import GaussianMixture
from tqdm.auto import tqdm

import vira
from vira.book import power
from vira.book.claims import claim, evidence, evidence_over, findings, paper_se
from vira.data import data_dir
from vira.data.synthetic.viewer_sessions import SessionModel, ViewerSessions
from vira.engagement import PAPER_INTERCEPT, PAPER_SLOPE, awp, awt, ecr, f_max, fit_fmax, nawp
from vira.metrics import format_mean_std, plcc, rmse, rmse_top, srcc
from vira.models.engagement_net import EngagementNet, first_seconds_clips
from vira.training.engagement import fit_engagement, predict_engagement
from vira.training.seeding import seed_everything
from vira.video import VideoError, read_video, write_video
from vira.video_features import CLIP_FRAMES, FEATURES, FPS, clip_features, resample_fps

session = vira.start(preset, device, seed)
vira.use_style()
sim = ViewerSessions(n_videos=session.preset.pick(smoke=400, small=3000, full=90_000),  # the paper: 90,000
                     sessions=session.preset.pick(smoke=300, small=2000, full=2000), seed=seed,
                     progress=session.preset.name != "smoke")
t = sim.table
print(f"{len(t):,} simulated videos, {t.sessions.iat[0]:,} sessions each "
      f"({t.sessions.sum():,} sessions in all)")

# %% [markdown]
# ## What the paper claims
#
# About the metrics (§3.3, Fig. 2): the average watch percentage falls as videos get longer, so
# AWT and AWP cannot compare videos of different durations; the AWT of the most watched videos
# grows along a straight line with the duration, $f_{max}(d) = 0.556\,d + 5.64$ (Eq. 1); NAWP and
# ECR depend little on the duration, are *bimodal* (viewers either swipe away at once or stay),
# and correlate at 0.926. About prediction: the paper's network reaches the numbers of Table 3
# (its last row, "Ours"), learning NAWP beats learning AWT or AWP (Table 4), and training NAWP
# and ECR jointly beats training them apart (Table 5):

# %%
PAPER_T3 = pd.DataFrame(
    [[0.606, 0.614, 0.193, 0.592, 0.608, 0.191, 0.187, 0.166],
     [0.625, 0.632, 0.188, 0.605, 0.620, 0.189, 0.191, 0.171],
     [0.696, 0.701, 0.172, 0.675, 0.688, 0.174, 0.181, 0.152]],
    index=["MD-VQA", "Ours-VQA", "Ours"],
    columns=pd.MultiIndex.from_product([["NAWP", "ECR"], ["SRCC", "PLCC", "RMSE"]]).append(
        pd.MultiIndex.from_tuples([("NAWP", "RMSE top 10%"), ("ECR", "RMSE top 10%")])))
PAPER_T4 = pd.Series({("AWP", False): 0.665, ("AWP", True): 0.681, ("AWT", False): 0.668,
                      ("AWT", True): 0.683, ("NAWP", False): 0.696, ("NAWP", True): 0.689},
                     name="paper: average SRCC within duration groups")
PAPER_T5 = pd.DataFrame({"NAWP": [0.662, 0.675], "ECR": [0.681, 0.696]},
                        index=["separate training", "joint training"])
PAPER_ECR_NAWP = 0.926
N_PAPER_TEST = 9_000  # §5.1: SnapUGC's 90,000 videos split 90 % / 10 % into train and test
N_PAPER_VIDEOS = 90_000  # §3.2-3.3: Fig. 2 (and its ECR-NAWP correlation) describes the whole data set
display(PAPER_T3.rename_axis("paper, Table 3"))

# %% [markdown]
# Two notes on reading the paper's tables. The extracted text of Table 3 merges the rows of VSFA
# and PVQ (one SRCC value is missing) and of FastVQA and DOVER; we quote only the three rows that
# read cleanly. And Table 5's joint-training row (NAWP 0.675, ECR 0.696) has the two columns of
# Table 3's "Ours" row (NAWP 0.696, ECR 0.675) swapped; the paper's text says the joint model is
# its main model, so one of the two tables has its columns exchanged. We quote both as printed.
#
# ## The metrics, by hand
#
# A viewer's session lasts $w$ seconds (longer than the video if they watch it again). For a
# video of duration $d$ with sessions $w_1, \dots, w_n$:
#
# $$
# \mathrm{AWT} = \frac1n \sum_j w_j,\quad \mathrm{AWP} = \frac{\mathrm{AWT}}{d},\quad
# \mathrm{ECR} = \frac1n \#\{j : w_j > 5\,\mathrm{s}\},
# $$
#
# and NAWP normalises the AWT between the two lines of Eq. 1,
#
# $$
# \mathrm{NAWP} = \min\!\Big(\frac{\mathrm{AWT} - f_{min}(d)}{f_{max}(d) - f_{min}(d)},\ 1\Big),
# \tag{2}
# $$
#
# with $f_{min} = 0$. A 10 s video watched in five sessions of 0, 2, 8, 10 and 25 s (the
# last viewer watched it two and a half times) has AWT = 45 / 5 = 9 s, AWP = 0.9, ECR = 3 / 5
# (the 5-s threshold is strict) and, with the paper's line, $f_{max}(10) = 11.2$ s and
# NAWP = 9 / 11.2 = 0.804.

# %%
# NBVAL_CHECK_OUTPUT
w = np.array([0.0, 2.0, 8.0, 10.0, 25.0])
example = {"AWT": awt(w), "AWP": awp(awt(w), 10.0), "ECR": ecr(w), "NAWP": nawp(awt(w), 10.0)}
print({k: round(v, 4) for k, v in example.items()})
assert example["AWT"] == 9.0 and example["AWP"] == 0.9 and example["ECR"] == 0.6
assert abs(example["NAWP"] - 9 / 11.2) < 1e-12

# %% [markdown]
# ## The viewer-session model
#
# Each simulated video has a duration drawn uniformly from 10-60 s and three latents, each
# standard normal: **hook** (how strongly the opening holds a viewer), **interest** (how
# interesting the rest is; correlated 0.5 with the hook, since a creator who makes a good opening
# tends to make a good body) and **fame** (the creator's). A session is a swipe-or-stay process
# (module `vira.data.synthetic.viewer_sessions`): the viewer stays past the opening with a probability
# that rises with the hook, else swipes away after about 1.5 s; a viewer who stays leaves at a
# constant rate that falls with the interest, and on reaching the end watches again with a
# probability that rises with the interest. Views come mostly from fame (the recommender and the
# creator's following), likes are rare and follow the interest. The parameters were set once,
# from what seems plausible for a swipe feed, and not changed after seeing any result:

# %%
display(pd.Series(sim.params, name="value").to_frame().rename_axis("session model parameter"))
vira.glue("n_sessions", int(t.sessions.iat[0]))

# %% [markdown]
# Because the process is simple, a video's *expected* AWT and ECR have closed forms
# (`vira.data.synthetic.viewer_sessions.SessionModel.expected`): the noise-free truth behind each
# simulated metric. The simulation and the closed form must agree up to the sampling noise of
# {glue:text}`n_sessions` sessions; they do (the tolerance is five standard errors of a
# proportion at its widest, $5\sqrt{0.25/n}$):

# %%
ecr_gap = float(np.abs(t.ecr - t.ecr_expected).max())
awt_gap = float(np.median(np.abs(t.awt - t.awt_expected) / t.awt_expected))
tolerance = 5 * np.sqrt(0.25 / t.sessions.iat[0])
print(f"largest |ECR - E[ECR]| = {ecr_gap:.4f} (tolerance {tolerance:.4f}); "
      f"median relative |AWT - E[AWT]| = {awt_gap:.2%}")
assert ecr_gap < tolerance and awt_gap < 0.05
fig, axes = plt.subplots(1, 3, figsize=(12, 3.2), sharey=True)
picks = {"weak opening": int(t.hook.idxmin()), "typical": int((t.hook.abs() + t.interest.abs()).idxmin()),
         "strong opening and body": int((t.hook + t.interest).idxmax())}
for ax, (name, i) in zip(axes, picks.items()):
    wt = sim.watch_times(i)
    ax.hist(wt, bins=np.linspace(0, max(wt.max(), 1), 40), density=True)
    ax.axvline(t.duration.iat[i], color="k", ls="--", lw=1)
    ax.set(title=f"{name} (d = {t.duration.iat[i]:.0f} s)", xlabel="watch time (s)")
axes[0].set(ylabel="density")
plt.tight_layout()
plt.show()
weak, strong = picks["weak opening"], picks["strong opening and body"]


def share(flags, _):
    """The share of sessions flagged; evidence() resamples the video's sessions (its target is unused)."""
    return float(np.mean(flags))


for name, statement, metric, flags, null, direction in [
        ("weak_opening", "A weak opening loses almost everyone within seconds",
         "ECR of the 'weak opening' video, against 0.2", sim.watch_times(weak) > 5.0, 0.2, -1),
        ("strong_keeps", "A strong opening and body keep most viewers",
         "ECR of the 'strong opening and body' video, against 0.5", sim.watch_times(strong) > 5.0, 0.5, +1),
        ("strong_replays", "Some viewers of a strong video watch past its end",
         "share of the 'strong opening and body' video's sessions longer than the video",
         sim.watch_times(strong) > t.duration.iat[strong], 0.0, +1)]:
    claim(session, name, paper="ours", statement=statement, metric=metric,
          ev=evidence(share, flags.astype(float), np.zeros(len(flags)), seed=seed), null=null,
          direction=direction, expect="reproduced", section="the-viewer-session-model")

# %% [markdown]
# Three videos' watch times; the dashed line is the video's duration. Over the sessions of the
# two extreme videos: {glue:text}`weak_opening` {glue:text}`strong_keeps`
# {glue:text}`strong_replays`
#
# ## Why views, likes and watch time mislead
#
# The paper's argument (§3.3) is that views follow the recommender and the creator's fame, like
# rates are tiny and noisy, and average watch time depends on the duration. In the simulation we
# can measure each metric's Spearman correlation with every latent and with the duration:

# %%
t["like_rate"] = t.likes / t.views
metrics = ["views", "like_rate", "awt", "awp", "nawp", "ecr"]
mislead = pd.DataFrame({m: {col: srcc(t[m], t[col]) for col in ("hook", "interest", "fame", "duration")}
                        for m in metrics}).T.rename_axis("Spearman with")
display(mislead.round(2))
vira.glue("views_fame", float(mislead.loc["views", "fame"]))
vira.glue("views_interest", float(mislead.loc["views", "interest"]))
vira.glue("like_rate_median", float(t.like_rate.median() * 100))
vira.glue("zero_likes", float((t.likes == 0).mean() * 100))
vira.glue("awt_duration", float(mislead.loc["awt", "duration"]))
vira.glue("like_interest", float(mislead.loc["like_rate", "interest"]))
vira.glue("nawp_interest", float(mislead.loc["nawp", "interest"]))
_ = claim(session, "views_follow_fame", paper="ours",
          statement="Views follow the creator's fame more than the video's interest (planted in our recommender)",
          metric="Spearman of views with fame minus with interest",
          ev=evidence(srcc, t.fame.to_numpy(), t.views.to_numpy(), t.interest.to_numpy(), seed=seed),
          expect="reproduced", section="why-views-likes-and-watch-time-mislead")

# %% [markdown]
# Views have $\rho$ = {glue:text}`views_fame:.2f` with fame and {glue:text}`views_interest:.2f`
# with interest. {glue:text}`views_follow_fame` Our recommender was built that way, so this checks
# the simulation and is no evidence for the paper's first complaint. AWT's $\rho$ with the duration is
# {glue:text}`awt_duration:.2f`, although the duration says nothing about how good a video is (tested
# below). Like rates are small (median {glue:text}`like_rate_median:.2f` likes per 100 views;
# {glue:text}`zero_likes:.1f` % of the videos have none); their $\rho$ with the interest is
# {glue:text}`like_interest:.2f`, NAWP's {glue:text}`nawp_interest:.2f`. Our likes are a small
# rate that rises with interest, drawn over thousands of views, so their sampling noise is modest.
# The paper's complaint about like rates is about real viewers' liking, which this simulation does
# not model; we do not claim to reproduce it.
#
# ## Fig. 2, rebuilt
#
# **The line $f_{max}$.** The paper fits a straight line through the top 3 % of average watch
# times across durations; it does not say how. We group the videos by duration into 1-s bins,
# take in each bin the AWT above which its top 3 % lie, and fit a line through those points
# weighted by the bins' sizes (`vira.engagement.fit_fmax`), so that about 3 % of the videos
# of every duration get NAWP = 1, as the paper says they should. The simulator *implies* a line
# too: the 97th percentile of the expected AWT over the latents at each duration, which we
# compute from the closed form with 200,000 draws of the latents per duration. Does the paper's
# procedure, run on the finite simulated data, recover it?

# %%
slope, intercept = sim.fmax
rng = np.random.default_rng([seed, 60])
grid = np.arange(10, 61, 2.0)
z = rng.standard_normal((200_000, 2))
hook_draw = z[:, 0]
interest_draw = 0.5 * z[:, 0] + np.sqrt(0.75) * z[:, 1]
implied_points = np.array([np.quantile(sim.model.expected(hook_draw, interest_draw, d)[0], 0.97)
                           for d in grid])
implied = np.polyfit(grid, implied_points, 1)
linear_r2 = 1 - np.sum((np.polyval(implied, grid) - implied_points) ** 2) / np.sum(
    (implied_points - implied_points.mean()) ** 2)
fmax_table = pd.DataFrame({"slope": [PAPER_SLOPE, slope, implied[0]],
                           "intercept": [PAPER_INTERCEPT, intercept, implied[1]]},
                          index=["paper (SnapUGC, Eq. 1)", "fitted to the simulated AWT",
                                 "implied by the simulator"])
display(fmax_table.round(3))
share_capped = float((t.nawp >= 1).mean())
share_capped_paper_line = float((nawp(t.awt, t.duration) >= 1).mean())
vira.glue("fmax_slope", slope)
vira.glue("fmax_intercept", intercept)
vira.glue("implied_slope", float(implied[0]))
vira.glue("implied_intercept", float(implied[1]))
vira.glue("implied_r2", float(linear_r2))
vira.glue("share_capped", share_capped * 100)
vira.glue("share_capped_paper_line", share_capped_paper_line * 100)


def slope_error(awt_, duration_):
    """Relative error of the slope that the paper's procedure fits to these videos, against the
    simulator's implied slope (whose Monte Carlo error, from 200,000 draws, we neglect)."""
    fitted = fit_fmax(awt_, duration_, bin_seconds=sim.fmax_bin_seconds)[0]
    return abs(fitted - implied[0]) / implied[0]


vira.glue("slope_error", slope_error(t.awt, t.duration) * 100)
_ = claim(session, "fmax_recovered", paper="ours",
          statement="The paper's top-3 % procedure recovers the simulator's line f_max",
          metric="relative error of the fitted slope, against 10 %",
          ev=evidence(slope_error, t.awt.to_numpy(), t.duration.to_numpy(), seed=seed), null=0.1, direction=-1,
          # small: about 60 videos per duration bin make the top-3 % quantiles, and so the slope, too noisy
          # to decide a 10 % criterion (interval about ±0.26 around 0.10); `full` has 30 times the videos
          expect="inconclusive", section="fig-2-rebuilt")

# %% [markdown]
# The fitted line is $f_{max}(d)$ = {glue:text}`fmax_slope:.3f` $d$ + {glue:text}`fmax_intercept:.2f`
# against the simulator's own {glue:text}`implied_slope:.3f` $d$ +
# {glue:text}`implied_intercept:.2f`: a slope {glue:text}`slope_error:.1f` % off. Our criterion for
# recovering the line is a slope within 10 %; resampling the videos gives the interval:
# {glue:text}`fmax_recovered` The simulator's
# 97th percentiles lie on a straight line with $R^2$ = {glue:text}`implied_r2:.4f`, so a line is a
# fair summary here as in the paper's data. Our line is not the paper's: our viewers are not
# Snapchat's. With the paper's constants {glue:text}`share_capped_paper_line:.1f` % of our videos
# would be capped at NAWP = 1 instead of {glue:text}`share_capped:.1f` %, which is why NAWP must
# be refitted on every platform's data. Every NAWP below uses the fitted line.
#
# Now the nine panels of the paper's Fig. 2 on the simulated videos:

# %%
fig, axes = plt.subplots(3, 3, figsize=(13, 11))
(a, b, c), (d_, e, f), (g, h, i_) = axes
kw = dict(gridsize=40, cmap="viridis", mincnt=1)
a.hexbin(t.duration, t.awt, yscale="log", **kw)
a.set(title="(a) AWT", xlabel="duration (s)", ylabel="AWT (s)")
b.hexbin(t.duration, t.awp, **kw)
b.set(title="(b) AWP", xlabel="duration (s)", ylabel="AWP")
dd = np.linspace(10, 60, 50)
c.scatter(t.duration, t.awt, s=2, alpha=0.25, color="0.5")
c.plot(dd, f_max(dd, slope, intercept), label="fitted top-3 % line")
c.plot(dd, np.polyval(implied, dd), ls="--", label="implied by the simulator")
c.plot(dd, f_max(dd), ls=":", label="paper (Eq. 1)")
c.set(title="(c) the line $f_{max}$", xlabel="duration (s)", ylabel="AWT (s)",
      ylim=(0, np.quantile(t.awt, 0.995)))
c.legend(fontsize=8)
d_.hexbin(t.duration, t.nawp, **kw)
d_.set(title="(d) NAWP", xlabel="duration (s)", ylabel="NAWP")
e.hexbin(t.duration, t.ecr, **kw)
e.set(title="(e) ECR", xlabel="duration (s)", ylabel="ECR")
f.hist(t.nawp, bins=50)
f.set(title="(f) NAWP distribution", xlabel="NAWP")
g.hist(t.ecr, bins=50)
g.set(title="(g) ECR distribution", xlabel="ECR")
r_pearson = float(np.corrcoef(t.ecr, t.nawp)[0, 1])
h.scatter(t.nawp, t.ecr, s=2, alpha=0.3)
h.set(title=f"(h) ECR against NAWP (r = {r_pearson:.3f})", xlabel="NAWP", ylabel="ECR")
i_.hist(t.like_rate * 100, bins=50)
i_.set(title="(i) like rate", xlabel="likes per 100 views")
plt.tight_layout()
plt.show()

# %% [markdown]
# **Duration independence, measured.** Spearman's $\rho$ of each metric with the duration, over all
# simulated videos:

# %%
rho_d = pd.Series({m: srcc(t[m], t.duration) for m in ("awt", "awp", "nawp", "ecr")},
                  name="Spearman with duration")
display(rho_d.round(3).to_frame())


def abs_srcc(x, d):
    """How strongly a metric depends on the duration, whatever the sign: |Spearman|."""
    return abs(srcc(x, d))


col = {m: t[m].to_numpy() for m in ("awt", "awp", "nawp", "ecr", "duration")}
for name, statement, metric, ev, null, direction, expect in [
        ("awt_rises", "AWT rises with the duration (Fig. 2a)", "Spearman of AWT with the duration",
         evidence(srcc, col["awt"], col["duration"], seed=seed), 0.0, +1, "reproduced"),
        ("awp_falls", "AWP falls as the duration grows (Fig. 2b)", "Spearman of AWP with the duration",
         evidence(srcc, col["awp"], col["duration"], seed=seed), 0.0, -1, "reproduced"),
        ("nawp_vs_awt_duration", "NAWP depends less on the duration than AWT (§3.3)",
         "|Spearman with the duration| of NAWP minus that of AWT",
         # small: +0.06 [-0.01, +0.12], on the contradicting side but not decided
         evidence(abs_srcc, col["nawp"], col["duration"], col["awt"], seed=seed), 0.0, -1, "inconclusive"),
        ("nawp_vs_awp_duration", "NAWP depends less on the duration than AWP (§3.3)",
         "|Spearman with the duration| of NAWP minus that of AWP",
         evidence(abs_srcc, col["nawp"], col["duration"], col["awp"], seed=seed), 0.0, -1, "reproduced"),
        ("ecr_duration", "ECR is stable across durations (Fig. 2e)",
         "|Spearman of ECR with the duration|, against 0.1",
         evidence(abs_srcc, col["ecr"], col["duration"], seed=seed), 0.1, -1, "reproduced")]:
    claim(session, name, paper="SnapUGC", statement=statement, metric=metric, ev=ev, null=null,
          direction=direction, expect=expect, section="fig-2-rebuilt")

# %% [markdown]
# Each interval below resamples the simulated videos (one data set, so no seed spread):
#
# - {glue:text}`awt_rises`
# - {glue:text}`awp_falls`
# - {glue:text}`nawp_vs_awt_duration`
# - {glue:text}`nawp_vs_awp_duration`
# - {glue:text}`ecr_duration`
#
# ECR is computed from the first 5 s alone, which do not know how long the video is. NAWP cannot
# be fully independent of the duration in our model: a viewer who stays leaves at a constant
# rate, so the share of a long video that a stayer sees is smaller whatever its quality, and one
# straight line corrects for that only on average; whether that leaves NAWP more or less tied to
# the duration than AWT is what the intervals above decide.
#
# **Bimodality, tested.** The paper sees two peaks in the NAWP and ECR histograms. We decide it by
# two tests fixed in advance: the number of modes of a Gaussian kernel density estimate (Scott's
# bandwidth) on a fine grid, counting a local maximum only if it is at least 5 % as high as the
# highest; and, as the issue suggests, the difference in BIC between a one- and a two-component
# Gaussian mixture (positive favours two). The second alone proves little, since two
# Gaussians also fit a skewed single peak better than one. NAWP is capped at 1, and the capped
# videos alone make a spike at 1; so we also test NAWP without them.
#
# A count of modes has no interval, so the claims below use the same test in a continuous form.
# A Gaussian kernel density estimate only loses modes as its bandwidth grows (Silverman, 1981,
# "Using kernel density estimates to investigate multimodality"), so its *critical bandwidth*, the
# smallest at which it has a single mode, exceeds Scott's bandwidth when the estimate at Scott's
# bandwidth has two modes or more. The claimed quantity is their ratio (above 1: bimodal by the
# KDE test), and resampling the videos gives its interval. To make the hundreds of density
# estimates this takes cheap, the density is computed on the 512-point grid by binning the values
# to the grid (moving each by at most half a grid step) and convolving with the kernel; at the
# smoke and small presets the mode counts are those of `scipy.stats.gaussian_kde` on the grid.

# %%
GRID = 512


def kde_density(x, scale=1.0):
    """A Gaussian KDE of x at `scale` times Scott's bandwidth, on GRID points from min(x) to max(x)
    (unnormalised): x binned to the nearest grid point, convolved with the kernel."""
    x = np.asarray(x, dtype=float)
    step = (x.max() - x.min()) / (GRID - 1)
    counts = np.bincount(np.rint((x - x.min()) / step).astype(int), minlength=GRID)
    h = scale * x.std(ddof=1) * len(x) ** (-1 / 5)  # Scott's rule in one dimension, as gaussian_kde
    half = int(np.ceil(4 * h / step))
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) * step / h) ** 2)
    return np.convolve(counts, kernel)[half: half + GRID]


def kde_modes(x, scale=1.0, floor=0.05):
    """Local maxima of kde_density(x, scale), the two ends included, that are at least `floor`
    of the highest."""
    dens = kde_density(x, scale)
    top = floor * dens.max()
    inner = (dens[1:-1] > dens[:-2]) & (dens[1:-1] >= dens[2:]) & (dens[1:-1] >= top)
    return int(inner.sum()) + int(dens[-1] > dens[-2] and dens[-1] >= top) \
        + int(dens[0] > dens[1] and dens[0] >= top)


def critical_scale(x, _=None, low=1 / 16, high=16.0, steps=16):
    """The critical bandwidth in units of Scott's: the smallest scale at which kde_modes(x, scale)
    is 1, found by bisection on a log scale between `low` and `high` (returned when outside)."""
    if kde_modes(x, high) > 1:
        return high
    if kde_modes(x, low) < 2:
        return low
    for _ in range(steps):
        mid = np.sqrt(low * high)
        low, high = (mid, high) if kde_modes(x, mid) > 1 else (low, mid)
    return float(np.sqrt(low * high))


def delta_bic(x):
    x = np.asarray(x)[:, None]
    one, two = (GaussianMixture(k, random_state=0).fit(x) for k in (1, 2))
    return float(one.bic(x) - two.bic(x))


samples = {"NAWP": t.nawp.to_numpy(), "NAWP below the cap": t.nawp[t.nawp < 1].to_numpy(),
           "ECR": t.ecr.to_numpy()}
modality = pd.DataFrame({name: {"KDE modes": kde_modes(x), "critical / Scott's bandwidth": critical_scale(x),
                                "BIC(1) - BIC(2)": delta_bic(x)}
                         for name, x in samples.items()}).T
display(modality.round(2))
for key, name, statement, expect in [
        # small: NAWP's ratio is 2.4 (its second mode is the spike of capped videos); without them
        # 0.58 and ECR's 0.78, each with an interval that reaches past 1 (the critical bandwidth
        # is a noisy statistic: about ±0.6 and ±0.35 at 3,000 videos)
        ("nawp", "NAWP", "NAWP is bimodal (Fig. 2f)", "reproduced"),
        ("nawp_below", "NAWP below the cap", "NAWP is bimodal without the capped videos (Fig. 2f, our stricter reading)",
         "inconclusive"),
        ("ecr", "ECR", "ECR is bimodal (Fig. 2g)", "inconclusive")]:
    vira.glue(f"modes_{key}", int(modality.loc[name, "KDE modes"]))
    x = samples[name]
    claim(session, f"bimodal_{key}", paper="SnapUGC", statement=statement,
          metric="critical bandwidth of a Gaussian KDE over Scott's bandwidth, against 1",
          ev=evidence(critical_scale, x, np.zeros(len(x)), seed=seed), null=1.0, direction=+1, expect=expect,
          section="fig-2-rebuilt")

# %% [markdown]
# At Scott's bandwidth the KDE of NAWP has {glue:text}`modes_nawp` modes, that of NAWP below the
# cap {glue:text}`modes_nawp_below` and that of ECR {glue:text}`modes_ecr`. With their intervals:
#
# - {glue:text}`bimodal_nawp`
# - {glue:text}`bimodal_nawp_below`
# - {glue:text}`bimodal_ecr`
#
# The model was not built to be bimodal: it has one swipe-or-stay choice per viewer, and a
# video's ECR is a mixture of the swipers' and the stayers' chances, weighted by a stay
# probability that is spread out across videos. Where NAWP's second mode is the spike of capped
# videos at 1, it comes from the cap, not from the viewers.
#
# **ECR against NAWP.**

# %%
r_spearman = srcc(t.ecr, t.nawp)
vira.glue("r_ecr_nawp", r_pearson)
vira.glue("rho_ecr_nawp", r_spearman)
vira.glue("paper_ecr_nawp", PAPER_ECR_NAWP)
print(f"ECR-NAWP: Pearson {r_pearson:.3f}, Spearman {r_spearman:.3f} (paper: {PAPER_ECR_NAWP})")


def gap_to_paper(ecr_, nawp_):
    """How far our Pearson correlation of ECR and NAWP lies from the paper's 0.926, whatever the side."""
    return abs(plcc(ecr_, nawp_) - PAPER_ECR_NAWP)


# The paper's 0.926 describes its 90,000 videos; its own standard error is negligible against our
# tolerance of 0.05, so the claim is the distance from its value.
vira.glue("paper_ecr_nawp_se", paper_se("pearson", PAPER_ECR_NAWP, N_PAPER_VIDEOS))
_ = claim(session, "ecr_nawp_corr", paper="SnapUGC",
          statement=f"ECR and NAWP correlate at the paper's {PAPER_ECR_NAWP} (Fig. 2h)",
          metric=f"|Pearson r of ECR and NAWP - {PAPER_ECR_NAWP}|, against 0.05",
          ev=evidence(gap_to_paper, t.ecr.to_numpy(), t.nawp.to_numpy(), seed=seed), null=0.05, direction=-1,
          # small: 0.057 [0.050, 0.065], its lower end 1e-5 above the tolerance: either verdict is possible
          expect=("contradicted", "inconclusive"), section="fig-2-rebuilt")

# %% [markdown]
# The correlation is {glue:text}`r_ecr_nawp:.3f` (Pearson; Spearman {glue:text}`rho_ecr_nawp:.3f`)
# against the paper's {glue:text}`paper_ecr_nawp:.3f`, whose standard error at its 90,000 videos is
# about {glue:text}`paper_ecr_nawp_se:.4f`. The paper does not say which correlation it reports;
# the claim uses Pearson's, as this chapter has from its first version, with a tolerance of 0.05.
# {glue:text}`ecr_nawp_corr` In the model the correlation comes from two sources:
# a viewer who swipes away in the opening contributes almost nothing to AWT, so the stay share
# drives both metrics; and hook and interest are correlated.
#
# ## The predictor (§4.3, Eq. 4-5)
#
# The paper's network reads per-clip features of pretrained networks (semantic, distortion,
# action, aesthetic, captioning and text features), which we cannot compute. Our videos have
# eight **per-clip features** instead, the same eight that `vira.video_features` measures
# on real frames (brightness, contrast, colourfulness {cite:p}`hasler2003colourfulness`,
# saturation, sharpness, motion, motion change and hard cuts). The simulator makes them from the latents with noise: the clips of the
# first 3 s carry the hook in motion, colourfulness and cuts; every clip carries the interest in
# sharpness, contrast, saturation and motion change; each video has its own style and each clip
# its own noise. A clip is $L = 16$ frames at 30 fps, so a 60 s video has 112 clips and the
# first 5 s hold $\lfloor 5 r / L \rfloor$ clips.
#
# The network (module `vira.models.engagement_net`): an 8-layer MLP fuses each clip's
# features; an 8-layer self-attention encoder relates the clips; two 2-layer heads score every
# clip, and the predictions are the clips' mean scores, over the whole video for NAWP and over
# the first 5 s for ECR,
#
# $$
# \widehat{\mathrm{NAWP}} = \frac{L}{M}\sum_{i=1}^{M/L} F^1_{out}(H_i), \qquad
# \widehat{\mathrm{ECR}} = \frac{L}{5r}\sum_{i=1}^{5r/L} F^2_{out}(H_i),
# \tag{4}
# $$
#
# trained jointly on the loss
#
# $$
# \mathcal{L} = \lVert \mathrm{NAWP} - \widehat{\mathrm{NAWP}} \rVert_2
#   + \lVert \mathrm{ECR} - \widehat{\mathrm{ECR}} \rVert_2
# \tag{5}
# $$
#
# (the norms are over the batch, not squared, as printed). The paper does not give the
# width, the number of attention heads or how the clips' order reaches the attention; we chose
# width 64 (a laptop must train eleven of these networks), 4 heads, feed-forward width 128,
# pre-norm encoder layers and sinusoidal positions of the clips. Training as
# §5.1: Adam, batch size 8, the learning rate annealed from `lr` to 1e-7 on a cosine; the paper's
# 70,000 iterations are the `full` preset's epochs.

# %%
first = first_seconds_clips(5.0, FPS, CLIP_FRAMES)
n_seeds = session.preset.pick(smoke=1, small=2, full=3)
epochs = session.preset.pick(smoke=1, small=8, full=7)
lr = session.preset.pick(smoke=1e-4, small=3e-4, full=1e-4)
train_idx = np.flatnonzero(t.split.to_numpy() == "train")
test_idx = np.flatnonzero(t.split.to_numpy() == "test")
train, test = sim.inputs(train_idx), sim.inputs(test_idx)
TARGETS = {"nawp": t.nawp.to_numpy(), "ecr": t.ecr.to_numpy(), "awp": t.awp.to_numpy(),
           "awt": t.awt.to_numpy() / 60.0}  # AWT in minutes: all targets of order 1
tensors = {k: torch.tensor(v, dtype=torch.float32) for k, v in TARGETS.items()}
train_targets = {k: v[train_idx] for k, v in tensors.items()}
CONFIGS = {  # name: (heads, duration as input)
    "joint (NAWP + ECR)": (("nawp", "ecr"), False),
    "NAWP alone": (("nawp",), False),
    "ECR alone": (("ecr",), False),
    "AWP + ECR": (("awp", "ecr"), False),
    "AWP + ECR, duration as input": (("awp", "ecr"), True),
    "AWT + ECR": (("awt", "ecr"), False),
    "AWT + ECR, duration as input": (("awt", "ecr"), True),
    "NAWP + ECR, duration as input": (("nawp", "ecr"), True),
}
MAIN = ["joint (NAWP + ECR)", "NAWP alone", "ECR alone"]
net = EngagementNet(len(FEATURES), first_clips=first)
recipe = pd.Series({"videos (train / test)": f"{len(train_idx):,} / {len(test_idx):,}",
                    "clips in the first 5 s": first, "parameters": f"{sum(p.numel() for p in net.parameters()):,}",
                    "epochs": epochs, "iterations per epoch": int(np.ceil(len(train_idx) / 8)),
                    "learning rate (start)": lr, "seeds (Table 5 rows)": n_seeds})
recipe.to_frame("value")

# %%
predictions, seconds = {}, {}
jobs = [(name, s) for s in range(n_seeds) for name in CONFIGS if s == 0 or name in MAIN]
for name, s in tqdm(jobs, desc="models"):
    heads, with_duration = CONFIGS[name]
    seed_everything(seed + s)
    model = EngagementNet(len(FEATURES), heads=heads, first_clips=first, duration_input=with_duration)
    started = time.perf_counter()
    fit_engagement(model, train, train_targets, epochs=epochs, lr=lr, seed=seed + s,
                   device=session.device, progress=False)
    seconds[name, s] = (time.perf_counter() - started) / epochs
    predictions[name, s] = predict_engagement(model, test, device=session.device)
    if name == "joint (NAWP + ECR)" and s == 0:
        joint_model = model.cpu().eval()
cost = pd.DataFrame({"seconds per epoch": {name: seconds[name, 0] for name in CONFIGS}})
cost.round(1)

# %% [markdown]
# ## Table 3: the joint model's scores
#
# Every metric of the paper's Table 3 for the jointly trained model on the test videos, mean ±
# standard deviation over seeds, next to the paper's "Ours" row. The **oracle** predicts each
# video's expected NAWP and ECR from its true latents (the closed form): what a perfect model
# could reach, short only of the sampling noise of {glue:text}`n_sessions` sessions. The features
# are noisier than the latents, so the real ceiling of a model that sees them is lower still (the
# section on the difficulty dial below computes it).

# %%
def scores(pred, target):
    return {"SRCC": srcc(pred, target), "PLCC": plcc(pred, target), "RMSE": rmse(pred, target),
            "RMSE top 10%": rmse_top(pred, target, 10)}


y = {k: v[test_idx] for k, v in TARGETS.items()}
seeds_of = {name: [s for (n, s) in predictions if n == name] for name in CONFIGS}
per_seed = {(metric, s): scores(predictions["joint (NAWP + ECR)", s][metric], y[metric])
            for metric in ("nawp", "ecr") for s in seeds_of["joint (NAWP + ECR)"]}
oracle = {"nawp": scores(t.nawp_expected.to_numpy()[test_idx], y["nawp"]),
          "ecr": scores(t.ecr_expected.to_numpy()[test_idx], y["ecr"])}
rows = {}
for metric in ("nawp", "ecr"):
    for score in ("SRCC", "PLCC", "RMSE", "RMSE top 10%"):
        vals = [per_seed[metric, s][score] for s in seeds_of["joint (NAWP + ECR)"]]
        rows[(metric.upper(), score)] = {
            "paper (Ours)": PAPER_T3.loc["Ours", (metric.upper(), score)],
            "ours": format_mean_std(vals, 3).split(" (")[0], "oracle": round(oracle[metric][score], 3)}
        vira.results.record(session, "SnapUGC", "Table 3", "Ours (joint NAWP + ECR)",
                            f"{metric.upper()} {score}", vals,
                            paper_value=PAPER_T3.loc["Ours", (metric.upper(), score)],
                            oracle=oracle[metric][score], section="table-3-the-joint-model-s-scores")
table3 = pd.DataFrame(rows).T
display(table3)
joint_srcc = {m: float(np.mean([per_seed[m, s]["SRCC"] for s in seeds_of["joint (NAWP + ECR)"]]))
              for m in ("nawp", "ecr")}
vira.glue("srcc_nawp", joint_srcc["nawp"])
vira.glue("srcc_ecr", joint_srcc["ecr"])
vira.glue("oracle_nawp", oracle["nawp"]["SRCC"])
vira.glue("oracle_ecr", oracle["ecr"]["SRCC"])
JOINT = "joint (NAWP + ECR)"


def stacked(name, metric):
    """One configuration's predictions of one head, shape (seeds, test videos)."""
    return np.stack([predictions[name, s][metric] for s in seeds_of[name]])


def indexed(quantity, n_seeds):
    """evidence_over() on the test videos: quantity(s, items) is seed s's value on the videos at
    positions items of the test set (two targets, or the duration groups); every seed and every arm
    sees the same resamples, so the comparison stays paired."""
    return evidence_over(quantity, n_seeds, len(test_idx), seed=seed)


oracle_pred = {"nawp": t.nawp_expected.to_numpy()[test_idx], "ecr": t.ecr_expected.to_numpy()[test_idx]}
for m in ("nawp", "ecr"):
    paper_srcc = PAPER_T3.loc["Ours", (m.upper(), "SRCC")]
    claim(session, f"predicts_{m}", paper="SnapUGC", central=True,
          statement=f"The jointly trained network predicts {m.upper()} from the video content (Table 3)",
          metric=f"{m.upper()} SRCC on the test videos", ev=evidence(srcc, stacked(JOINT, m), y[m], seed=seed),
          paper_estimate=paper_srcc, paper_se=paper_se("spearman", paper_srcc, N_PAPER_TEST),
          expect="reproduced", section="table-3-the-joint-model-s-scores")
    claim(session, f"below_oracle_{m}", paper="ours",
          statement=f"The network ranks the test videos by {m.upper()} below the oracle",
          metric=f"{m.upper()} SRCC of the network minus the oracle's",
          ev=evidence(srcc, stacked(JOINT, m), y[m], oracle_pred[m], seed=seed), direction=-1,
          expect="reproduced", section="table-3-the-joint-model-s-scores")
joint_nawp, joint_ecr = stacked(JOINT, "nawp"), stacked(JOINT, "ecr")
paper_t3 = {m: PAPER_T3.loc["Ours", (m, "SRCC")] for m in ("NAWP", "ECR")}


def nawp_above_ecr(name, statement, nawp, ecr, expect, section):
    """Table 3's ordering as a claim: the NAWP SRCC minus the ECR SRCC of predictions ``nawp`` and
    ``ecr`` (seeds, test videos), paired by seed and video; the paper's difference of its 'Ours' row."""
    return claim(session, name, paper="SnapUGC", statement=statement,
                 metric="NAWP SRCC minus ECR SRCC of the jointly trained network",
                 ev=indexed(lambda s, i: srcc(nawp[s, i], y["nawp"][i]) - srcc(ecr[s, i], y["ecr"][i]), len(nawp)),
                 paper_estimate=paper_t3["NAWP"] - paper_t3["ECR"],
                 paper_se=paper_se("spearman", paper_t3["NAWP"], N_PAPER_TEST, paper_t3["ECR"]),
                 expect=expect, section=section)


# small: -0.035 and -0.029 over the two seeds, a test-set error of about 0.009: about [-0.05, -0.014]
_ = nawp_above_ecr("nawp_above_ecr", "The network ranks the test videos better by NAWP than by ECR (Table 3, 'Ours')",
                   joint_nawp, joint_ecr, "contradicted", "table-3-the-joint-model-s-scores")

# %% [markdown]
# The joint model ranks the test videos by NAWP with SRCC {glue:text}`srcc_nawp:.3f` and by ECR
# with {glue:text}`srcc_ecr:.3f`, against oracles of {glue:text}`oracle_nawp:.3f` and
# {glue:text}`oracle_ecr:.3f`. The comparison with the paper's row is one of *shape*, not of
# level: the paper's difficulty comes from real videos and pretrained features, ours from the
# noise we put into the features. Each interval below resamples the test videos and adds the
# spread over the seeds:
#
# - {glue:text}`predicts_nawp`
# - {glue:text}`predicts_ecr`
# - {glue:text}`below_oracle_nawp`
# - {glue:text}`below_oracle_ecr`
#
# What can carry over from the paper is the ordering of the columns: in its Table 3 NAWP is ranked
# better than ECR. Both SRCCs come from the same model on the same test videos, so the difference
# is paired: {glue:text}`nawp_above_ecr`
#
# ## Table 5: joint against separate training

# %%
def srcc_per_seed(name, metric):
    return [srcc(predictions[name, s][metric], y[metric]) for s in seeds_of[name]]


table5 = pd.DataFrame({
    "NAWP (ours)": {"separate training": format_mean_std(srcc_per_seed("NAWP alone", "nawp"), 3),
                    "joint training": format_mean_std(srcc_per_seed("joint (NAWP + ECR)", "nawp"), 3)},
    "ECR (ours)": {"separate training": format_mean_std(srcc_per_seed("ECR alone", "ecr"), 3),
                   "joint training": format_mean_std(srcc_per_seed("joint (NAWP + ECR)", "ecr"), 3)}})
display(pd.concat([PAPER_T5.add_suffix(" (paper)"), table5], axis=1))
# Joint against separate: the same seeds and the same test videos, so the difference is paired
# (seed s's joint model against seed s's separate one, each test resample applied to both).
for m, alone in (("nawp", "NAWP alone"), ("ecr", "ECR alone")):
    M = m.upper()
    claim(session, f"joint_gain_{m}", paper="SnapUGC",
          statement=f"Joint training of NAWP and ECR ranks {M} better than training it alone (Table 5)",
          metric=f"{M} SRCC of the joint model minus the separate one",
          ev=evidence(srcc, stacked(JOINT, m), y[m], stacked(alone, m), seed=seed),
          paper_estimate=PAPER_T5.loc["joint training", M] - PAPER_T5.loc["separate training", M],
          paper_se=paper_se("spearman", PAPER_T5.loc["joint training", M], N_PAPER_TEST,
                            PAPER_T5.loc["separate training", M]),
          # small: NAWP +0.039 to +0.047, about [+0.02, +0.06] in every run so far. ECR +0.003 in
          # every run, but the seeds' spread differs from one CPU to another (the same code and
          # seeds give other numbers on another machine): [+0.000, +0.006] on one, [-0.011, +0.017]
          # on another, where the run detects 0.019 or more and so cannot decide the paper's +0.015.
          # Absent, reproduced or inconclusive may all come; only a decided loss would be news.
          expect={"nawp": "reproduced", "ecr": ("absent", "reproduced", "inconclusive")}[m],
          section="table-5-joint-against-separate-training")
for m, alone in (("nawp", "NAWP alone"), ("ecr", "ECR alone")):
    vira.results.record(session, "SnapUGC", "Table 5", "separate training", f"{m.upper()} SRCC",
                        srcc_per_seed(alone, m), paper_value=PAPER_T5.loc["separate training", m.upper()],
                        section="table-5-joint-against-separate-training")
    vira.results.record(session, "SnapUGC", "Table 5", "joint training", f"{m.upper()} SRCC",
                        srcc_per_seed("joint (NAWP + ECR)", m),
                        paper_value=PAPER_T5.loc["joint training", m.upper()],
                        section="table-5-joint-against-separate-training")

# %% [markdown]
# Each seed's joint model is compared with the same seed's separate model on the same test
# videos. Pairing removes what the two arms share: whatever moves both SRCCs together, from seed
# to seed or from one resample of the test videos to the next, cancels in their difference, so the
# interval of the difference can be narrower than either arm's spread over seeds:
#
# - {glue:text}`joint_gain_nawp`
# - {glue:text}`joint_gain_ecr`
#
# The paper's Table 5 differences come with their standard errors at its 9,000 test videos
# (treating its two rows as independent, an upper bound).
#
# ## Table 4: NAWP against AWT and AWP
#
# The paper trains the same network to predict AWT or AWP instead of NAWP, with and without the
# duration as an input, and scores each by the average of the SRCCs within groups of similar
# duration (AWT and AWP cannot be compared across durations). We train each jointly with ECR
# (the paper's NAWP row, 0.696, is its joint model, so we read the table that way), use
# duration groups 5 s wide, and compute each group's SRCC of the prediction against the true
# AWP, as §5.3 says.

# %%
groups = np.floor((t.duration.to_numpy()[test_idx] - 10) / 5).astype(int)


def within_group_srcc(pred, items=None):
    """The mean over 5-s duration groups (of 3 test videos or more) of the SRCC of `pred` against
    the true AWP; `items` (positions in the test set, repeats allowed) restricts it to a resample."""
    items = np.arange(len(groups)) if items is None else items
    g, p, target = groups[items], np.asarray(pred)[items], y["awp"][items]
    vals = [srcc(p[g == k], target[g == k]) for k in np.unique(g) if (g == k).sum() >= 3]
    vals = [v for v in vals if np.isfinite(v)]
    return float(np.mean(vals)) if vals else float("nan")


t4_rows = {("AWP", False): "AWP + ECR", ("AWP", True): "AWP + ECR, duration as input",
           ("AWT", False): "AWT + ECR", ("AWT", True): "AWT + ECR, duration as input",
           ("NAWP", False): "joint (NAWP + ECR)", ("NAWP", True): "NAWP + ECR, duration as input"}
table4 = pd.DataFrame({key: {"paper": PAPER_T4[key],
                             "ours": within_group_srcc(predictions[name, 0][key[0].lower()])}
                       for key, name in t4_rows.items()}).T
table4.index = [f"{m}{', duration as input' if d else ''}" for m, d in table4.index]
display(table4.round(3))
for (m, d), name in t4_rows.items():
    vira.results.record(session, "SnapUGC", "Table 4", f"{m}{', duration as input' if d else ''}",
                        "average SRCC within duration groups",
                        within_group_srcc(predictions[name, 0][m.lower()]), paper_value=PAPER_T4[m, d],
                        section="table-4-nawp-against-awt-and-awp")
best4 = table4["ours"].idxmax()
vira.glue("t4_best", best4)
vira.glue("t4_nawp", float(table4.loc["NAWP", "ours"]))
vira.glue("t4_awp", float(table4.loc["AWP", "ours"]))
vira.glue("t4_awt", float(table4.loc["AWT", "ours"]))
# Only seed 0 trains these rows: the intervals hold the test set's noise, not the training seed's.
# The paper's standard error treats its average within-group SRCC like one SRCC over its 9,000
# test videos (an approximation: the average of G groups' SRCCs over n/G videos each has about
# the variance of one SRCC over n).
nawp_model = predictions[JOINT, 0]["nawp"]
for other in ("AWT", "AWP"):
    other_model = predictions[f"{other} + ECR", 0][other.lower()]
    claim(session, f"t4_nawp_vs_{other.lower()}", paper="SnapUGC",
          statement=f"Learning NAWP ranks videos of similar duration better than learning {other} (Table 4)",
          metric=f"average SRCC within duration groups, the NAWP model minus the {other} model, one seed",
          ev=indexed(lambda s, i: within_group_srcc(nawp_model, i) - within_group_srcc(other_model, i), 1),
          paper_estimate=PAPER_T4["NAWP", False] - PAPER_T4[other, False],
          paper_se=paper_se("spearman", PAPER_T4["NAWP", False], N_PAPER_TEST, PAPER_T4[other, False]),
          # small: against AWT +0.003 (last run) to +0.009 (a re-run), against AWP +0.001 to +0.004, each
          # with a test-set error of about 0.007: intervals about ±0.014 wide that exclude the paper's
          # +0.028 and +0.031; against AWT a value above +0.013 would already decide it
          expect={"AWT": ("absent", "reproduced"), "AWP": "absent"}[other],
          section="table-4-nawp-against-awt-and-awp")

# %% [markdown]
# Without the duration as input, the within-group SRCC is {glue:text}`t4_nawp:.3f` for the model
# that learns NAWP, {glue:text}`t4_awp:.3f` for AWP and {glue:text}`t4_awt:.3f` for AWT; the best
# row here is "{glue:text}`t4_best`". The paper's claim, NAWP against each of the other two (both
# arms on the same test videos, each resample applied to both):
#
# - {glue:text}`t4_nawp_vs_awt`
# - {glue:text}`t4_nawp_vs_awp`
#
# These rows are single runs (seed 0): their intervals contain the noise of the test set but not
# that of training, so a decision here is less secure than one of Table 5, which has both.
#
# ## How hard is the task? A difficulty dial
#
# Table 3's oracle knows the latents; a model sees only the features, which carry the latents
# under noise. How well could *any* model rank the videos from the features alone? In this
# simulator the question has an exact answer. A video's features are linear in its hook and
# interest plus Gaussian style and noise, and the two latents are Gaussian, so their posterior
# given every clip feature of the video is Gaussian and has a closed form
# (`ViewerSessions.latent_posterior`; its unit test checks it against conditioning on all the
# clip values at once). The best prediction of a video's NAWP or ECR from its features is then the
# posterior mean of the expected metric, which we average over {glue:text}`oracle_draws` draws of
# the latents from the posterior (`ViewerSessions.feature_oracle`). Its SRCC on the test videos is the **feature
# ceiling**: no network fed these features can beat it except by the luck of a finite test set.
#
# The simulator has a knob for this, its **signal** $s$: every loading of a latent on a feature is
# multiplied by $s$ ($s = 1$ in everything above, $s = 0$ leaves style and noise only). Turning it
# changes what a model can see and nothing else: the sessions and the labels stay as they are. We
# read the ceiling along the dial and place the paper on it at $s^*$, the setting where the NAWP
# ceiling equals the paper's 0.696. That is the *hardest* task consistent with the paper's score:
# at $s^*$ the paper's network would be perfect, and any shortfall of it would put the paper's
# task at a larger signal. We retrain the joint network at $s^*$ and decide Table 3's claims there.

# %%
DIAL = [1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2]
oracle_draws = session.preset.pick(smoke=32, small=256, full=256)
vira.glue("oracle_draws", oracle_draws)
ceiling = {}
for s_ in tqdm(DIAL, desc="feature ceiling along the dial"):
    o = sim.with_signal(s_).feature_oracle(test_idx, draws=oracle_draws)
    ceiling[s_] = {m: srcc(o[m], y[m]) for m in ("nawp", "ecr")}
    if s_ == 1.0:
        ceiling_pred_one = o
ceiling_table = pd.DataFrame(ceiling).T.rename_axis("signal")
ceiling_table.columns = ["NAWP ceiling (SRCC)", "ECR ceiling (SRCC)"]
PAPER_NAWP_SRCC = PAPER_T3.loc["Ours", ("NAWP", "SRCC")]
PAPER_ECR_SRCC = PAPER_T3.loc["Ours", ("ECR", "SRCC")]


def crossing(signals, values, target):
    """`(signal, crossed)`: the signal at which `values` (listed from the largest signal down)
    first falls to `target`, by linear interpolation between the two settings around it, and
    True; or the nearest setting and False when none crosses (a tiny test set can make the
    ceiling wobble)."""
    for (s_hi, v_hi), (s_lo, v_lo) in zip(zip(signals, values), zip(signals[1:], values[1:])):
        if v_hi >= target > v_lo:
            return float(s_lo + (target - v_lo) / (v_hi - v_lo) * (s_hi - s_lo)), True
    return float(signals[int(np.argmin(np.abs(np.asarray(values) - target)))]), False


signal_star, crossed = crossing(DIAL, [ceiling[s_]["nawp"] for s_ in DIAL], PAPER_NAWP_SRCC)
star = sim.with_signal(signal_star)
ceiling_pred_star = star.feature_oracle(test_idx, draws=oracle_draws)
ceiling_star = {m: srcc(ceiling_pred_star[m], y[m]) for m in ("nawp", "ecr")}
ceiling_table.loc[round(signal_star, 3)] = [ceiling_star["nawp"], ceiling_star["ecr"]]
ceiling_table = ceiling_table.sort_index(ascending=False)
display(ceiling_table.round(3))
print(f"s* = {signal_star:.3f} ({'interpolated' if crossed else 'NO CROSSING: the nearest setting'}); "
      f"there the NAWP ceiling is {ceiling_star['nawp']:.3f} (paper 0.696), the ECR ceiling "
      f"{ceiling_star['ecr']:.3f} (paper 0.675)")
if session.preset.name != "smoke":
    assert crossed, "the paper's NAWP SRCC lies outside the dial's range: widen DIAL"
    # the ceiling falls with the signal, by more than the test set's noise between settings
    assert all(ceiling[a]["nawp"] > ceiling[b]["nawp"] for a, b in zip(DIAL, DIAL[1:]))
    assert abs(ceiling_star["nawp"] - PAPER_NAWP_SRCC) < 0.03
    # the prose below: at s = 1 both ceilings lie more than 0.1 above the paper's scores
    assert ceiling[1.0]["nawp"] > PAPER_NAWP_SRCC + 0.1 and ceiling[1.0]["ecr"] > PAPER_ECR_SRCC + 0.1
for name, value in (("signal_star", signal_star), ("ceiling_one_nawp", ceiling[1.0]["nawp"]),
                    ("ceiling_one_ecr", ceiling[1.0]["ecr"]), ("ceiling_star_nawp", ceiling_star["nawp"]),
                    ("ceiling_star_ecr", ceiling_star["ecr"])):
    vira.glue(name, float(value))
for m in ("nawp", "ecr"):
    vira.results.record(session, "ours", "feature ceiling", "signal 1", f"{m.upper()} SRCC",
                        ceiling[1.0][m], section="how-hard-is-the-task-a-difficulty-dial")
    vira.results.record(session, "ours", "feature ceiling", "signal s* (paper-like)", f"{m.upper()} SRCC",
                        ceiling_star[m], note=f"signal s* = {signal_star:.3f}", section="how-hard-is-the-task-a-difficulty-dial")

# %% [markdown]
# With the chapter's features ($s = 1$) the ceiling is {glue:text}`ceiling_one_nawp:.3f` for NAWP
# and {glue:text}`ceiling_one_ecr:.3f` for ECR, more than 0.1 above the paper's scores (the latent
# oracle of Table 3, which knows the hook and the interest themselves, reaches
# {glue:text}`oracle_nawp:.3f` and {glue:text}`oracle_ecr:.3f`): the task above was much easier
# than the paper's. The NAWP ceiling falls to the paper's 0.696 at $s^*$ =
# {glue:text}`signal_star:.2f`, where the ECR ceiling is {glue:text}`ceiling_star_ecr:.3f`. Now
# the joint network, trained as before (same recipe, seeds and videos) on the features at $s^*$:

# %%
train_star, test_star = star.inputs(train_idx), star.inputs(test_idx)
star_predictions = []
for s in tqdm(range(n_seeds), desc=f"joint model at s* = {signal_star:.2f}"):
    seed_everything(seed + s)
    model = EngagementNet(len(FEATURES), heads=("nawp", "ecr"), first_clips=first)
    fit_engagement(model, train_star, train_targets, epochs=epochs, lr=lr, seed=seed + s,
                   device=session.device, progress=False)
    star_predictions.append(predict_engagement(model, test_star, device=session.device))
stacked_star = {m: np.stack([p[m] for p in star_predictions]) for m in ("nawp", "ecr")}
star_nawp, star_ecr = stacked_star["nawp"], stacked_star["ecr"]
ceiling_pred = {1.0: ceiling_pred_one, "star": ceiling_pred_star}
for m in ("nawp", "ecr"):
    M = m.upper()
    paper_srcc = PAPER_T3.loc["Ours", (M, "SRCC")]
    vira.results.record(session, "SnapUGC", "Table 3 at the paper-like signal", "Ours (joint NAWP + ECR)",
                        f"{M} SRCC", [srcc(p[m], y[m]) for p in star_predictions], paper_value=paper_srcc,
                        oracle=ceiling_star[m], note=f"signal s* = {signal_star:.3f}", section="how-hard-is-the-task-a-difficulty-dial")
    claim(session, f"predicts_{m}_paper_like", paper="SnapUGC",
          statement=f"At the paper-like signal s*, the jointly trained network predicts {M} from the video content (Table 3)",
          metric=f"{M} SRCC on the test videos", ev=evidence(srcc, stacked_star[m], y[m], seed=seed),
          paper_estimate=paper_srcc, paper_se=paper_se("spearman", paper_srcc, N_PAPER_TEST),
          expect="reproduced", section="how-hard-is-the-task-a-difficulty-dial")
    for where, preds, label in ((1.0, stacked(JOINT, m), "the chapter's features (signal 1)"),
                                ("star", stacked_star[m], "the paper-like signal s*")):
        tag = "one" if where == 1.0 else "star"
        claim(session, f"below_ceiling_{m}_{tag}", paper="ours",
              statement=f"With {label}, the network ranks {M} below the feature ceiling",
              metric=f"{M} SRCC of the network minus the feature ceiling's",
              ev=evidence(srcc, preds, y[m], ceiling_pred[where][m], seed=seed), direction=-1,
              # small, in the run that built this section: -0.011 at signal 1 (a test-set error of
              # about 0.006), so either verdict may come; at s* the network's shortfall is larger
              expect=("reproduced", "inconclusive"), section="how-hard-is-the-task-a-difficulty-dial")
# the ECR ceiling stays above the NAWP ceiling along the whole dial, so we do not expect the
# ordering to turn the paper's way in this simulator
order_paper_like = nawp_above_ecr(
    "nawp_above_ecr_paper_like",
    "At the paper-like signal s*, the network ranks the test videos better by NAWP than by ECR (Table 3)",
    star_nawp, star_ecr, ("contradicted", "absent", "inconclusive"), "how-hard-is-the-task-a-difficulty-dial")

# %% [markdown]
# How each of Table 3's verdicts moves from the chapter's features to the paper-like setting:

# %%
def claim_record(statement):
    """The claim recorded in this chapter with this statement."""
    found = [r for r in session.results if r.get("kind") == "claim" and r["statement"] == statement]
    if len(found) != 1:
        raise KeyError(f"{len(found)} claims recorded with the statement {statement!r}")
    return found[0]


def short(r):
    return f"{r['estimate']:+.3f} [{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]: {r['verdict']}"


pairs = {f"the network predicts {M} (SRCC)": (f"The jointly trained network predicts {M} from the video content (Table 3)",
                                             f"At the paper-like signal s*, the jointly trained network predicts {M} "
                                             f"from the video content (Table 3)") for M in ("NAWP", "ECR")}
pairs.update({f"below the feature ceiling, {M}": (f"With the chapter's features (signal 1), the network ranks {M} "
                                                  "below the feature ceiling",
                                                  f"With the paper-like signal s*, the network ranks {M} below the "
                                                  "feature ceiling") for M in ("NAWP", "ECR")})
pairs["NAWP ranked better than ECR"] = (
    "The network ranks the test videos better by NAWP than by ECR (Table 3, 'Ours')",
    "At the paper-like signal s*, the network ranks the test videos better by NAWP than by ECR (Table 3)")
moves = pd.DataFrame({label: {"signal 1": short(claim_record(a)),
                              f"signal s* = {signal_star:.2f}": short(claim_record(b)),
                              "moved": "yes" if claim_record(a)["verdict"] != claim_record(b)["verdict"] else "no"}
                      for label, (a, b) in pairs.items()}).T.rename_axis("claim (estimate [95 % interval]: verdict)")
display(moves)
star_srcc = {m: float(np.mean([srcc(p[m], y[m]) for p in star_predictions])) for m in ("nawp", "ecr")}
vira.glue("star_srcc_nawp", star_srcc["nawp"])
vira.glue("star_srcc_ecr", star_srcc["ecr"])
vira.glue("star_share_nawp", star_srcc["nawp"] / ceiling_star["nawp"] * 100)
vira.glue("one_share_nawp", joint_srcc["nawp"] / ceiling[1.0]["nawp"] * 100)
vira.glue("n_moved", int((moves["moved"] == "yes").sum()))
ecr_easier = all(ceiling[s_]["ecr"] > ceiling[s_]["nawp"] for s_ in DIAL)
for name, (m, latent) in {"ecr_hook": ("ecr", "hook"), "ecr_interest": ("ecr", "interest"),
                          "nawp_hook": ("nawp", "hook")}.items():  # nawp_interest: glued above
    vira.glue(name, float(mislead.loc[m, latent]))
if session.preset.name != "smoke":
    assert ecr_easier, "the prose below says the ECR ceiling lies above the NAWP ceiling at every setting"
    assert mislead.loc["ecr", "hook"] > mislead.loc["ecr", "interest"] + 0.1, "the prose: ECR follows the hook"
    assert mislead.loc["nawp", "interest"] >= mislead.loc["nawp", "hook"] - 0.02, "the prose: NAWP, the interest"

fig, ax = plt.subplots(figsize=(7, 4))
for m, colour in (("nawp", "C0"), ("ecr", "C1")):
    M = m.upper()
    ax.plot(DIAL, [ceiling[s_][m] for s_ in DIAL], "o-", color=colour, label=f"{M}: feature ceiling")
    ax.plot([1.0, signal_star], [joint_srcc[m], star_srcc[m]], "s", color=colour, mfc="none", ms=9,
            label=f"{M}: joint network (mean of seeds)")
    ax.axhline(PAPER_T3.loc["Ours", (M, "SRCC")], color=colour, ls=":", lw=1, label=f"{M}: paper (Table 3)")
ax.axvline(signal_star, color="k", ls="--", lw=1)
ax.annotate("$s^*$", (signal_star, ax.get_ylim()[0]), xytext=(4, 4), textcoords="offset points")
ax.set(xlabel="signal $s$ (1 = the chapter's features)", ylabel="SRCC on the test videos",
       title="How well the features can rank the videos, along the dial")
ax.legend(fontsize=7, loc="lower right")
plt.tight_layout()
plt.show()

# %% [markdown]
# At $s^*$ the network ranks NAWP with SRCC {glue:text}`star_srcc_nawp:.3f` and ECR with
# {glue:text}`star_srcc_ecr:.3f`: {glue:text}`star_share_nawp:.0f` % of the NAWP ceiling there,
# against {glue:text}`one_share_nawp:.0f` % at $s = 1$. The claims at the paper-like setting:
#
# - {glue:text}`predicts_nawp_paper_like`
# - {glue:text}`predicts_ecr_paper_like`
# - {glue:text}`below_ceiling_nawp_one`
# - {glue:text}`below_ceiling_nawp_star`
# - {glue:text}`below_ceiling_ecr_one`
# - {glue:text}`below_ceiling_ecr_star`
# - {glue:text}`nawp_above_ecr_paper_like`
#
# Of the five claims in the table, {glue:text}`n_moved` change their verdict between the two
# settings. We do not expect the paper's "NAWP ranks better than ECR" to come out its way anywhere
# on this dial: in our simulator the ECR ceiling lies above the NAWP ceiling at every setting
# (asserted). Our reading of why: ECR depends mostly on the hook, whether a viewer stays past the
# opening (Spearman {glue:text}`ecr_hook:.2f` with the hook against {glue:text}`ecr_interest:.2f`
# with the interest, over the simulated videos), and the opening clips carry the hook with the
# largest loading; NAWP depends at least as much on the interest ({glue:text}`nawp_interest:.2f`
# against {glue:text}`nawp_hook:.2f` with the hook), which the features carry more weakly. In the paper's data the ordering is the
# other way round, which suggests that its viewers' early swipes depend on things that its
# features see less well than they see what keeps a viewer to the end.
#
# ## Nine real SnapUGC clips, end to end
#
# The SnapUGC authors publish a handful of test videos with their titles, without labels. We run
# the whole pipeline on them: decode with PyAV, shrink the frames to 160 pixels on the longer
# side, resample to 30 fps (one clip is 20 fps; the predictor counts its first 5 s in clips of 16
# frames at 30 fps), measure the eight clip features, standardise each feature over all the
# clips of the nine videos (the simulator's features are in standard units; we have no other
# reference), and run the jointly trained model. **Nothing here is evidence of accuracy**: the
# model learnt the simulator's mapping from features to engagement, which real videos need not
# follow, and there are no labels to check against. The point is that the path from an mp4 file
# to two numbers works, and what it costs.

# %%
clips_dir = data_dir("snapugc_clips")
if clips_dir is not None:
    files = sorted(clips_dir.glob("*.mp4"))
    titles = pd.read_csv(clips_dir / "val_data_sample.csv").set_index("Id")
    source = "the real SnapUGC clips in $VIRA_DATA/snapugc_clips"  # no path of the machine on the page
else:  # no VIRA_DATA: three generated videos stand in, so that the path still runs
    scratch = Path(tempfile.mkdtemp(prefix="vira06_"))
    gen = np.random.default_rng(seed)
    files = []
    for k, seconds_long in enumerate((6.0, 9.0, 12.0)):
        n_frames = int(seconds_long * FPS)
        yy, xx = np.mgrid[0:96, 0:64]
        base = gen.integers(0, 255, 3)
        frames = np.stack([np.stack([(xx * 3 + 4 * j + base[0]) % 256, (yy * 2 + base[1]) % 256,
                                     np.full_like(xx, base[2] if j < n_frames // 2 else 255 - base[2])], -1)
                           for j in range(n_frames)]).astype(np.uint8)
        files.append(write_video(scratch / f"generated_{k}.mp4", frames, FPS))
    titles = pd.DataFrame(columns=["Title", "Description"])
    source = "three GENERATED videos (VIRA_DATA is not set)"
print(f"real-video path on {len(files)} files: {source}")
decoded, timing = {}, []
for path in files:
    t0 = time.perf_counter()
    frames, fps = read_video(path, max_side=160)
    t1 = time.perf_counter()
    frames30 = resample_fps(frames, fps)
    feats = clip_features(frames30)
    t2 = time.perf_counter()
    decoded[path.stem] = feats
    timing.append({"video": path.stem[:8], "fps": round(fps, 2), "seconds": len(frames) / fps,
                   "clips": len(feats), "clips in the first 5 s": min(first, len(feats)),
                   "decode (s)": t1 - t0, "features (s)": t2 - t1})
all_clips = np.concatenate(list(decoded.values()))
mu, sd = all_clips.mean(0), all_clips.std(0) + 1e-8
batch = {"clips": torch.zeros(len(decoded), max(len(v) for v in decoded.values()), len(FEATURES)),
         "mask": torch.zeros(len(decoded), max(len(v) for v in decoded.values()), dtype=torch.bool),
         "duration": torch.tensor([r["seconds"] for r in timing], dtype=torch.float32)}
for j, feats in enumerate(decoded.values()):
    batch["clips"][j, :len(feats)] = torch.from_numpy((feats - mu) / sd)
    batch["mask"][j, :len(feats)] = True
t0 = time.perf_counter()
real_pred = predict_engagement(joint_model, batch)
predict_seconds = time.perf_counter() - t0
real = pd.DataFrame(timing)
real["predicted NAWP"], real["predicted ECR"] = real_pred["nawp"], real_pred["ecr"]
real["title"] = [str(titles.Title.fillna("").get(p.stem, ""))[:40] for p in files]
display(real.round(3))
print(f"prediction of all {len(files)} videos at once: {predict_seconds * 1000:.0f} ms on the CPU")
assert np.isfinite(real[["predicted NAWP", "predicted ECR"]].to_numpy()).all()
assert (real["clips in the first 5 s"] <= first).all()

# %% [markdown]
# A damaged file must stop the pipeline with a message that names it. A copy of the first video
# cut at half its length:

# %%
damaged = Path(tempfile.mkdtemp(prefix="vira06_bad_")) / "damaged_copy.mp4"
data = files[0].read_bytes()
damaged.write_bytes(data[: len(data) // 2])
try:
    read_video(damaged)
    raise AssertionError("a truncated video was read without an error")
except VideoError as err:
    message = str(err)
print(message.replace(str(damaged.parent), "<tmp>"))
assert "damaged_copy.mp4" in message
shutil.rmtree(damaged.parent)  # leave no temporary folder behind
if clips_dir is None:
    shutil.rmtree(scratch)

# %% [markdown]
# ## What we found vs the paper
#
# Every claim of this chapter, the paper's and our own checks of the simulation, with the
# interval it is decided by (95 %, over the test videos or simulated videos and, where there are
# several, the training seeds) and the verdict that follows from it: *reproduced* when the interval
# lies on the claimed side, *contradicted* when it lies on the other, *absent* when it holds no
# effect but rules out the paper's, *inconclusive* otherwise.

# %%
display(findings(session))
verdicts = pd.Series([r["verdict"] for r in session.results
                      if r.get("kind") == "claim" and r["paper"] == "SnapUGC"]).value_counts()
vira.glue("n_claims", int(verdicts.sum()))
for word in ("reproduced", "contradicted", "absent", "inconclusive"):
    vira.glue(f"n_{word}", int(verdicts.get(word, 0)))

# %% [markdown]
# Of the paper's {glue:text}`n_claims` claims checked here, {glue:text}`n_reproduced` are
# reproduced by the simulation and the models trained on it, {glue:text}`n_contradicted`
# contradicted, {glue:text}`n_absent` absent and {glue:text}`n_inconclusive` inconclusive. Where a
# claim is about the metrics (Fig. 2 and §3.3), "reproduced" means that a swipe-or-stay model with
# no parameter tuned to the paper produces the same pattern, which makes the pattern a plausible
# consequence of how people use a swipe feed rather than a property of Snapchat's data alone.
# Where it is about models (Tables 3-5), the simulation decides only whether the *idea* works when
# the truth is known; the paper's size of effect belongs to its features and data.
#
# Differences from the paper, said above: the features (eight pixel statistics, simulated for the
# training videos, instead of pretrained networks' features), the width and position encoding of
# the network (not given), our reading of the $f_{max}$ fit, and fewer videos and iterations in
# the `small` preset. The chapter's own features make the task far easier than the paper's
# (a feature ceiling of {glue:text}`ceiling_one_nawp:.3f` against the paper's 0.696), so its
# level comparisons are made again at the paper-like signal $s^*$ = {glue:text}`signal_star:.2f`
# of the difficulty dial.
#
# ### What would decide the open claims
#
# The power plan (`vira.book.power`, as in chapters 2 and 4): for each claim, what this run spent,
# the smallest effect it could detect (80 % power), the share of its variance due to training
# seeds, and, for a claim still open, the cheapest size (seeds x test videos) that would decide
# our effect or the paper's. Claims about the simulated metrics have no seeds: they resample the
# simulated videos.

# %%
power.plan_table(session.results)

# %% [markdown]
# ## Exercises
#
# Each exercise has a worked solution that ran with this page, hidden until you open it.
#
# ```{exercise} Where to draw the top line
# :label: ex-06-top-share
# Fit $f_{max}$ through the top 1 % and the top 10 % of average watch times instead of the top
# 3 % (same duration bins). How do the line and the share of videos capped at NAWP = 1 move, and
# does NAWP then depend more or less on the duration?
# ```
#
# ```{solution-start} ex-06-top-share
# :class: dropdown
# ```

# %%
mid = float(np.average(t.duration))  # where a weighted least-squares line is pinned by the bins' points
top_rows = {}
for top in (0.01, 0.03, 0.10):
    a, b = fit_fmax(t.awt, t.duration, top=top, bin_seconds=sim.fmax_bin_seconds, min_videos=34)
    nawp_top = nawp(t.awt, t.duration, slope=a, intercept=b)
    top_rows[f"top {top:.0%}"] = {"slope": a, "intercept": b, f"f_max at {mid:.0f} s": a * mid + b,
                                 "share with NAWP = 1": float((nawp_top >= 1).mean()),
                                 "|SRCC(NAWP, duration)|": abs(srcc(nawp_top, t.duration.to_numpy()))}
top_table = pd.DataFrame(top_rows).T
at_mid = top_table[f"f_max at {mid:.0f} s"]
assert at_mid.is_monotonic_decreasing, at_mid  # a larger top share, a lower line
assert top_table["share with NAWP = 1"].is_monotonic_increasing
for k, name in enumerate(("one", "three", "ten")):
    vira.glue(f"ex_capped_{name}", float(top_table["share with NAWP = 1"].iloc[k] * 100))
    vira.glue(f"ex_dur_{name}", float(top_table["|SRCC(NAWP, duration)|"].iloc[k]))
leans = top_table["|SRCC(NAWP, duration)|"].max()
vira.glue("ex_top_reading", "at every share NAWP barely follows the duration (|SRCC| below 0.1): the share mostly "
          "decides how many videos the metric can no longer tell apart" if leans < 0.1 else
          "the share changes how much NAWP follows the duration, besides how many videos it caps")
top_table.round(3)

# %% [markdown]
# A larger top share lowers the line (the table gives it at the mean duration, where a weighted
# least-squares line is pinned by its points) and caps more videos at 1: {glue:text}`ex_capped_one:.1f` %,
# {glue:text}`ex_capped_three:.1f` % and {glue:text}`ex_capped_ten:.1f` % for the top 1, 3 and 10 %.
# NAWP's rank correlation with the duration is {glue:text}`ex_dur_one:.3f`, {glue:text}`ex_dur_three:.3f`
# and {glue:text}`ex_dur_ten:.3f` in absolute value: {glue:text}`ex_top_reading`.
#
# ```{solution-end}
# ```
#
# ```{exercise} Placing the paper by its ECR score
# :label: ex-06-ecr-dial
# The difficulty dial placed the paper where the NAWP ceiling equals the paper's NAWP SRCC.
# Place it instead where the ECR ceiling equals the paper's ECR SRCC (0.675). Which signal do you
# get, and is the task there harder or easier than at $s^*$?
# ```
#
# ```{solution-start} ex-06-ecr-dial
# :class: dropdown
# ```

# %%
signal_ecr, crossed_ecr = crossing(DIAL, [ceiling[s_]["ecr"] for s_ in DIAL], PAPER_ECR_SRCC)
vira.glue("ex_signal_ecr", signal_ecr)
ecr_always_above = all(ceiling[s_]["ecr"] > ceiling[s_]["nawp"] for s_ in DIAL)
vira.glue("ex_ecr_reading", ("a weaker signal, a harder task" if signal_ecr < signal_star
                            else "a signal at least as strong as s*, a task no harder")
          + ("; ECR's ceiling lies above NAWP's all along the dial, so it falls to the paper's score only "
             "further down" if ecr_always_above else ""))
if crossed and crossed_ecr and ecr_always_above:
    assert signal_ecr < signal_star  # a ceiling above the other crosses a lower target further down
print(f"s* by NAWP = {signal_star:.3f}, by ECR = {signal_ecr:.3f} ({'interpolated' if crossed_ecr else 'nearest setting'})")

# %% [markdown]
# By ECR the paper sits at $s$ = {glue:text}`ex_signal_ecr:.2f` against $s^*$ =
# {glue:text}`signal_star:.2f` by NAWP: {glue:text}`ex_ecr_reading`. Where the two placements
# differ, no single setting of this simulator matches both of the paper's scores, which is also
# why Table 3's ordering of NAWP over ECR is not expected to turn the paper's way here.
#
# ```{solution-end}
# ```
#
# ## Projects
#
# 1. Set `hook_interest_corr` to 0 in `vira.data.synthetic.viewer_sessions.SessionModel`. What
#    happens to the ECR-NAWP correlation, and to the gain from joint training?
# 2. Make viewers who stay leave at a rate that *grows* with time (a Weibull watch time). Is the
#    top-3 % line still straight?
# 3. Give the ECR head all clips instead of the first 5 s. Does its SRCC change? Why should it,
#    or not, in this simulator?
# 4. Retrain the joint network at the ECR-placed signal of the second exercise. Which verdicts of
#    the table of moves change?

# %%
session.finish()
