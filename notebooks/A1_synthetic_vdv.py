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
# # Appendix A1: the synthetic VDV benchmark
#
# The VDV data set {cite:p}`wang2021vdv` holds 4,292 TikTok dance clips from eight challenges. For
# each clip it provides skeletons and holistic, facial and scenic features, plus a virality label.
# It cannot be downloaded here. The skeleton, appearance and fusion chapters therefore train on a
# **synthetic twin**: clips with the same shapes, rates and difficulties, generated from hidden
# causes that we chose. Because we planted the truth, we know which joints matter in each
# challenge, how much each modality counts, and the best score any model could reach. This
# appendix shows how the twin is made and checks it against the paper's Table 1. It also compares
# its motion with real dance keypoints from AIST++ {cite:p}`li2021aistpp`, and says where the two
# differ.
#
# Source of this chapter: {download}`A1_synthetic_vdv.py <../notebooks/A1_synthetic_vdv.py>` and
# {download}`A1_synthetic_vdv.ipynb <../notebooks/A1_synthetic_vdv.ipynb>`.

# %% tags=["parameters"]
preset = "auto"  # the benchmark's preset: smoke (12 short clips per challenge), small, full (Table 1)
device = "auto"  # unused here: the streams are generated on the CPU
seed = 0  # the data set's seed (the challenges' design is fixed; the clips are a sample)

# %%
import json
import math
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import display
from scipy import stats
from tqdm.auto import tqdm

import vira
from vira.data import data_dir
from vira.data.synthetic import dance
from vira.data.real.aistpp import list_clips, load_keypoints, to_mpii
from vira.data.layout import CHALLENGES, FPS, TRACKS
from vira.data.synthetic.synthetic_vdv import SyntheticVDV
from vira.data.real.vdv_export import export
from vira.data.real.vdv_files import VDVFiles
from vira.book.bench import read_bench
from vira.book.claims import claim, evidence, findings, from_values, paper_se
from vira.book.provenance import REPO_ROOT
from vira.metrics import srcc
from vira.skeleton import BODY_PARTS, BONES, JOINTS
from vira.tails import hill_alpha

session = vira.start(preset, device, seed)
vira.use_style()
pd.set_option("display.max_colwidth", None)
ds = SyntheticVDV(clips=session.preset.pick(smoke=12, small=0.1, full=None),  # per challenge; None: Table 1
                  seconds=session.preset.pick(smoke=(2.0, 4.0), small=(4.0, 8.0), full=(5.0, 15.0)), seed=seed)
print(f"{len(ds):,} clips, preset {session.preset.name}: {ds.seconds[0]:g}-{ds.seconds[1]:g} s at {FPS:g} fps")
resamples = session.preset.pick(smoke=200, small=1000, full=2000)  # bootstrap resamples per claim

# %% [markdown]
# ## The planted truth
#
# Each challenge has its own tempo and a routine of eight moves that loops, built from a library
# of motion primitives (arm waves, punches, kicks, squats, hip shakes, jumps and so on). Each
# challenge emphasises a body part, as the paper describes in §5.3: C2 and C6 the lower body, C1,
# C3 and C4 the upper body, C5, C7 and C8 both. Three routines (C3, C5 and C8) end where they
# began. Whether a dancer gets back to the opening pose counts toward virality, a relation between
# the start and the end of a clip. The clip counts, hours and views come from Table 1. The tempo,
# the returning routines and the modality weights are our choices.

# %%
assert CHALLENGES.index[CHALLENGES.returns].tolist() == ["C3", "C5", "C8"]  # as the text says
CHALLENGES

# %% [markdown]
# A clip's virality starts from a latent score $z$. It combines three standardised parts: movement
# quality $m$, face appeal $f$ and scene quality $b$, with per-challenge modality weights
# $w = (w_m, w_f, w_b)$:
#
# $$
# z = \frac{w_m m + w_f f + w_b b}{\lVert w \rVert_2},
# \tag{A1.1}
# $$
#
# where the movement quality is a weighted sum of per-joint qualities,
#
# $$
# m = \sum_j \pi_{cj}\, q_j \;(+\,0.8 \cdot \text{returns}), \qquad
# q_j = \log a_j - 2\,\epsilon_{p(j)} - 1.5\,\lvert \delta \rvert - 0.5\,\sigma .
# $$
#
# The per-joint quality $q_j$ rewards a big movement and penalises three faults. $a_j$ is the
# amplitude of the bone ending at joint $j$ relative to the choreography: dancing bigger than
# choreographed counts for the clip, smaller against it. The faults are wrong moves in that body
# part (at rate $\epsilon$), dancing off the beat (lag $\delta$) and jitter $\sigma$. (A first
# version scored the amplitude as $-\lvert \log a_j \rvert$, best when exactly as choreographed;
# chapter {doc}`02_psgcn` found that no network learnt that V-shaped truth from a few hundred
# clips, so we changed it.) The challenge's **joint-importance map** $\pi_c$ weights the joints
# (below). The standardisation uses the population mean and spread of each part, so $z$ has unit
# variance in every challenge. From $z$ come the final likes, $\exp(1.2 z + \text{noise})$ times a
# per-challenge base rate. They accumulate front-loaded over the first days,
# $1 - e^{-d/2.5}$, as real TikTok likes do (chapter 1). Comments and reposts are noisy fractions
# of the likes, and the label is VDV's Eq. 1-2 computed per challenge. The noise in the counts is
# what a perfect model of $z$ cannot explain.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [4, 1]})
sns.heatmap(ds.joint_importance, cmap=vira.book.plots.HEATMAP, ax=axes[0],
            cbar_kws={"label": "importance"})
axes[0].set(title="Joint-importance maps (rows sum to 1)", xlabel="")
sns.heatmap(ds.modality_weights, annot=True, fmt=".2f", cmap="Blues", ax=axes[1], cbar=False)
axes[1].set(title="Modality weights", ylabel="")
plt.show()

# %% [markdown]
# ## A tiny example to check by hand
#
# Take the first clip. The table stores its three standardised parts, and the challenge's weights
# are above. Eq. (A1.1) then gives $z$. The cell recomputes $z$ from the printed numbers and
# checks it against the stored value. The rest pose of the skeleton can be checked on paper too:
# with no motion, the head top sits $0.25 + 0.35 = 0.60$ torso units straight above the thorax.

# %%
# NBVAL_CHECK_OUTPUT
first = ds.table.iloc[0]
w = ds.modality_weights.loc[first.challenge]
by_hand = (w.move * first.move + w.face * first.face + w.scene * first.scene) / np.sqrt((w**2).sum())
print(f"clip 0 ({first.challenge}): m = {first.move:.4f}, f = {first.face:.4f}, b = {first.scene:.4f}")
print(f"weights {w.move:.2f}, {w.face:.2f}, {w.scene:.2f} -> z = {by_hand:.4f} (stored {first.z:.4f})")
assert abs(by_hand - first.z) < 1e-12
rest = dance.forward_kinematics(np.zeros((1, dance.CHANNELS)))[0]
assert np.allclose(rest[JOINTS.index("head_top")], [0.0, 0.60])

# %% [markdown]
# ## What the clips look like
#
# Here is one clip of each challenge as a strip of stick figures, one every half second. These are
# the pose estimator's outputs: pixel coordinates with noise. Frames where it missed the dancer
# are left empty.

# %%
def draw_pose(ax, pose, x_shift, color):
    """Stick figure of one (16, 3) pose (pixels, y down); missing joints (confidence 0) skipped."""
    for parent, child in BONES:
        if pose[parent, 2] > 0 and pose[child, 2] > 0:
            ax.plot([pose[parent, 0] + x_shift, pose[child, 0] + x_shift],
                    [pose[parent, 1], pose[child, 1]], color=color, lw=1.5)


fig, axes = plt.subplots(len(CHALLENGES), 1, figsize=(11, 12), sharex=True)
for ax, (c, color) in zip(axes, zip(CHALLENGES.index, sns.color_palette(n_colors=8))):
    index = int(np.flatnonzero(ds.table.challenge == c)[0])
    skeleton = ds.clip(index, streams=("skeleton",)).skeleton.numpy()
    for k, t in enumerate(range(0, min(len(skeleton), int(8 * FPS)), int(FPS / 2))):
        pose = skeleton[t].copy()
        pose[:, 0] -= np.median(pose[pose[:, 2] > 0, 0]) if (pose[:, 2] > 0).any() else 0
        draw_pose(ax, pose, 250 * k, color)
    ax.set(ylim=(1000, 200), yticks=[], ylabel=c)
    ax.set_aspect("equal")
axes[-1].set(xticks=[250 * k for k in range(0, 16, 2)],
             xticklabels=[f"{k / 2:g} s" for k in range(0, 16, 2)])
fig.suptitle("One clip per challenge, a frame every 0.5 s")
plt.show()

# %% [markdown]
# And one clip's three appearance streams. Each is a fixed random non-linear map of what its
# extractor can see. The holistic map sees the whole frame (body, face, scene, nuisances), the
# facial map sees only the face, and the scenic map only the background. The blank rows of the
# facial stream are frames where no face was detected.

# %%
clip = ds.clip(int(np.argmax(ds.table.frames)))
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
for ax, (name, feats) in zip(axes, [("holistic (25 fps)", clip.holistic),
                                    ("facial (about 3 fps)", clip.facial),
                                    ("scenic (about 4 fps)", clip.scenic)]):
    shown = feats[:, :256].numpy()
    if name.startswith("facial"):
        shown = np.where(clip.facial_mask.numpy()[:, None], shown, np.nan)
    sns.heatmap(shown, ax=ax, cmap="mako", cbar=False, xticklabels=False, yticklabels=False)
    ax.set(title=name, xlabel="first 256 dimensions", ylabel="time")
plt.show()

# %% [markdown]
# ## Against the paper's Table 1
#
# The next cell generates every clip once and counts what the paper's Table 1 counts: frames,
# frames with a skeleton, detected faces and scenic images. The first column shows the same ratios
# computed from the paper's table. In the `full` preset the clip counts and lengths follow Table 1.
# The smaller presets keep the method and shrink the data: fewer and shorter clips.

# %%
counts = []
for i in tqdm(range(len(ds)), desc="generating every clip", mininterval=5):
    c = ds.clip(i)
    counts.append((c.challenge, len(c.skeleton), int((c.skeleton[..., 2] > 0).any(-1).sum()),
                   int(c.facial_mask.sum()), len(c.scenic)))
gen = pd.DataFrame(counts, columns=["challenge", "frames", "skeletons", "faces", "scenes"])
totals = gen.groupby("challenge").sum()
paper = pd.DataFrame({  # Table 1 of the paper, in thousands (frames, skeletons, faces, scenes)
    "frames": [542, 349, 275, 175, 89, 86, 48, 42], "skeletons": [487, 314, 248, 157, 80, 77, 43, 38],
    "faces": [52, 42, 33, 21, 11, 10, 6, 5], "scenes": [87, 56, 44, 28, 14, 14, 8, 7]},
    index=CHALLENGES.index)
seconds_ours = gen.frames.sum() / FPS
seconds_paper = CHALLENGES.hours.sum() * 3600
ratios = pd.DataFrame({
    "paper": [paper.skeletons.sum() / paper.frames.sum(), paper.faces.sum() * 1e3 / seconds_paper,
              paper.scenes.sum() * 1e3 / seconds_paper, seconds_paper / CHALLENGES.clips.sum()],
    "ours": [gen.skeletons.sum() / gen.frames.sum(), gen.faces.sum() / seconds_ours,
             gen.scenes.sum() / seconds_ours, seconds_ours / len(gen)]},
    index=["skeletons per frame", "detected faces per second", "scenic images per second",
           "mean clip length (s)"])
display(ratios.round(3))
display(pd.concat({"clips": ds.sizes, "hours": totals.frames / FPS / 3600}, axis=1).round(2).T)

# %%
vira.glue("skeleton_rate", ratios.loc["skeletons per frame", "ours"])
vira.glue("skeleton_rate_paper", ratios.loc["skeletons per frame", "paper"])
vira.glue("face_rate", ratios.loc["detected faces per second", "ours"])
vira.glue("face_rate_paper", ratios.loc["detected faces per second", "paper"])
vira.glue("scene_rate", ratios.loc["scenic images per second", "ours"])
vira.glue("scene_rate_paper", ratios.loc["scenic images per second", "paper"])
if session.preset.name == "full":  # the full preset's design: 5-15 s, mostly close to 15 s
    assert ds.table.frames.between(5 * FPS, 15 * FPS).all() and ds.table.frames.median() > 12 * FPS
for name, row in ratios.iterrows():  # Table 1's counts as ratios, next to ours, for chapter 9
    vira.results.record(session, "VDV", "Table 1", name, "ratio computed from Table 1's counts", float(row.ours),
                        paper_value=float(row.paper), section="against-the-paper-s-table-1",
                        note=f"{len(gen)} generated clips, {session.preset.name} preset")


def over_rows(stat, n):
    """Evidence for ``stat(idx)``, a statistic of the rows ``idx`` of a table of ``n`` clips (the
    benchmark has no training seeds here): its value on all rows, and its test-set error from a
    bootstrap over the rows."""
    rows = np.arange(n)
    return evidence(lambda idx, _: stat(idx.astype(int)), rows, rows, n_resamples=resamples, seed=seed)


frames, skeletons, faces, scenes = (gen[c].to_numpy(float) for c in ("frames", "skeletons", "faces", "scenes"))
for name, tolerance, ours_of in [
        ("skeletons per frame", 0.03, lambda idx: skeletons[idx].sum() / frames[idx].sum()),
        ("detected faces per second", 0.6, lambda idx: faces[idx].sum() / (frames[idx].sum() / FPS)),
        ("scenic images per second", 0.3, lambda idx: scenes[idx].sum() / (frames[idx].sum() / FPS))]:
    paper_rate = ratios.loc[name, "paper"]
    claim(session, name=f"claim_{name.split()[0]}_rate", paper="ours", section="against-the-paper-s-table-1",
          statement=f"the generator reproduces Table 1's {name} (within {tolerance:g})",
          metric=f"|ours - Table 1's| of the {name}",
          ev=over_rows(lambda idx, ours_of=ours_of, paper_rate=paper_rate: abs(ours_of(idx) - paper_rate),
                       len(gen)),
          null=tolerance, direction=-1, expect="reproduced")

# %% [markdown]
# A pose is found in {glue:text}`skeleton_rate:.2f` of the frames (paper:
# {glue:text}`skeleton_rate_paper:.2f`). Faces are detected {glue:text}`face_rate:.1f` times a
# second (paper: {glue:text}`face_rate_paper:.1f`), and scenic images come
# {glue:text}`scene_rate:.1f` times a second (paper: {glue:text}`scene_rate_paper:.1f`). Each rate
# is a claim about the generator: its distance from the paper's rate must stay within a tolerance,
# decided by a bootstrap over the generated clips.
#
# - {glue:text}`claim_skeletons_rate`
# - {glue:text}`claim_detected_rate`
# - {glue:text}`claim_scenic_rate`
#
# ## Labels and the oracle ceiling
#
# The labels are min-max normalised within each challenge (Eq. 2), so each challenge's labels span
# [0, 1]. The **oracle ceiling** of a track is the Spearman correlation between $z$ and the label on
# the track's test split. No model can be expected to beat it: it is what a model that knew $z$
# exactly would score. The noise in the counts was tuned to put the all-challenge ceiling of the
# `full` preset between 0.6 and 0.8, not at 1 (two claims below check it). In the smaller presets
# the test splits are small, so their ceilings are noisy.

# %%
fig, ax = plt.subplots(figsize=(8, 3.4))
sns.violinplot(data=ds.table, x="challenge", y="label", ax=ax, cut=0, inner="quartile")
ax.set(title="VDV labels per challenge (Eq. 1-2 on the generated counts)")
plt.show()

ceiling = pd.DataFrame({
    "test clips": [len(ds.track(t)[1]) for t in TRACKS],
    "oracle ceiling (Spearman z vs label, test)": [ds.oracle_ceiling(t) for t in TRACKS],
    "same on train": [ds.oracle_ceiling(t, split="train") for t in TRACKS]}, index=TRACKS)
ceiling.round(3)

# %%
likes_alpha = hill_alpha(ds.table.likes, top=0.05)
vira.glue("likes_alpha", likes_alpha)
oracle_all = ds.oracle_ceiling("all")
oracle_all_train = ds.oracle_ceiling("all", split="train")
vira.glue("oracle_all", oracle_all)
vira.glue("oracle_all_train", oracle_all_train)
assert 0.5 < oracle_all_train < 0.85
for t, row in ceiling.iterrows():  # the oracle ceiling every later chapter is reported next to
    value = row["oracle ceiling (Spearman z vs label, test)"]
    clips = int(row["test clips"])
    if np.isfinite(value):  # a test split of one clip (smoke) has no ceiling
        vira.results.record(session, "VDV", "oracle ceiling (ours)", "all challenges" if t == "all" else t,
                            "Spearman(z, label), test split", float(value),
                            section="labels-and-the-oracle-ceiling", note=f"{clips} test clips")
    else:
        print(f"not recorded for chapter 9: the oracle ceiling of {t} is {value} ({clips} test clips)")
test_all = ds.track("all")[1]
z_test, label_test = ds.table.z.to_numpy()[test_all], ds.table.label.to_numpy()[test_all]
# small: about 90 test clips put the ceiling at 0.79 +- 0.09, which cannot decide either side of the
# band; the full preset's 858 test clips can
ceiling_ev = evidence(srcc, z_test, label_test, n_resamples=resamples, seed=seed)
band = session.preset.pick(smoke="reproduced", small=("reproduced", "inconclusive"), full="reproduced")
claim(session, name="claim_ceiling_high", paper="ours", section="labels-and-the-oracle-ceiling",
      statement="the counts' noise keeps the all-challenge oracle ceiling below 0.8, not at 1",
      metric="oracle ceiling, Spearman(z, label), all challenges, test split",
      ev=ceiling_ev, null=0.8, direction=-1, expect=band)
claim(session, name="claim_ceiling_low", paper="ours", section="labels-and-the-oracle-ceiling",
      statement="the all-challenge oracle ceiling stays above 0.6: the label is still learnable from z",
      metric="oracle ceiling, Spearman(z, label), all challenges, test split",
      ev=ceiling_ev, null=0.6, direction=1, expect=band)


def hill_or_nan(likes):
    """Hill's alpha (top 5 %), nan where a resample repeats the largest values so often that it is
    infinite (the bootstrap then leaves that resample out)."""
    with np.errstate(divide="ignore"):
        alpha = hill_alpha(likes, top=0.05)
    return alpha if np.isfinite(alpha) else float("nan")


likes = ds.table.likes.to_numpy(float)
_ = claim(session, name="claim_likes_tail", paper="ours", section="labels-and-the-oracle-ceiling",
          statement="the generated likes are heavy-tailed like real TikTok counts (Hill alpha below 2)",
          metric="Hill alpha of the likes (top 5%), all clips",
          ev=evidence(lambda values, _: hill_or_nan(values), likes, likes, n_resamples=resamples, seed=seed),
          null=2.0, direction=-1, expect=band)

# %% [markdown]
# The generated likes have a Hill index (top 5%) of {glue:text}`likes_alpha:.2f`; every real
# TikTok count in {doc}`01_labels` has one below 2: {glue:text}`claim_likes_tail` On the
# all-challenge track the oracle reaches {glue:text}`oracle_all:.3f` on the test split
# ({glue:text}`oracle_all_train:.3f` on the training split):
#
# - {glue:text}`claim_ceiling_high`
# - {glue:text}`claim_ceiling_low`
#
# Every model in the later chapters is reported next to this ceiling.
#
# ## Synthetic motion against real dance
#
# How does our motion compare with real dancers? We use the ten AIST++ break-dance sequences
# (2-D keypoints of one dancer, camera 0, 60 fps), mapped from COCO-17 to MPII-16. For both data
# sets we measure joint speed and pose variance in torso lengths (thorax to pelvis), so that camera
# distance and body size cancel out. Break dance is not a TikTok challenge: floor work and spins
# are far from standing routines. The comparison shows what the synthetic data leaves out.

# %%
def motion_stats(poses, fps):
    """Median speed (torso lengths / s) and positional variance (torso lengths^2) per joint.

    poses (T, 16, 3); frames where the thorax or pelvis is missing are dropped; joints with
    confidence 0 (or NaN) are not used.
    """
    poses = np.asarray(poses, dtype=float)
    ok = np.isfinite(poses[..., 2]) & (poses[..., 2] > 0)
    torso = np.linalg.norm(poses[:, 7, :2] - poses[:, 6, :2], axis=-1)
    keep = ok[:, 6] & ok[:, 7] & (torso > 0)
    scale = np.median(torso[keep])
    xy = (poses[..., :2] - poses[:, 7:8, :2]) / scale  # relative to the thorax
    step = np.linalg.norm(np.diff(xy, axis=0), axis=-1) * fps
    both = ok[1:] & ok[:-1] & keep[1:, None] & keep[:-1, None]
    speed = np.array([np.median(step[both[:, j], j]) if both[:, j].any() else np.nan for j in range(16)])
    var = np.array([xy[ok[:, j] & keep, j].var(axis=0).sum() for j in range(16)])
    return speed, var


synthetic = [motion_stats(ds.clip(i, streams=("skeleton",)).skeleton.numpy(), FPS)
             for i in range(0, len(ds), max(1, len(ds) // 200))]
syn_speed = np.nanmedian([s for s, _ in synthetic], axis=0)
syn_var = np.median([v for _, v in synthetic], axis=0)

folder = data_dir("aistpp_keypoints2d")
REAL = folder is not None
if REAL:
    real = [motion_stats(to_mpii(load_keypoints(p), camera=0), load_keypoints(p).fps)
            for p in list_clips(folder)]
    real_speed = np.nanmedian([s for s, _ in real], axis=0)
    real_var = np.median([v for _, v in real], axis=0)
else:
    print("VIRA_DATA is not set (or has no aistpp_keypoints2d/): the real-dance comparison is skipped.")
    real_speed = real_var = np.full(16, np.nan)

motion = pd.DataFrame({"synthetic speed": syn_speed, "AIST++ speed": real_speed,
                       "synthetic variance": syn_var, "AIST++ variance": real_var}, index=JOINTS)
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
motion[["synthetic speed", "AIST++ speed"]].plot.bar(ax=axes[0], title="median joint speed (torso / s)")
motion[["synthetic variance", "AIST++ variance"]].plot.bar(ax=axes[1], logy=True,
                                                          title="pose variance (torso^2)")
plt.show()
parts = pd.DataFrame({part: motion.iloc[list(idx)].median() for part, idx in BODY_PARTS.items()}).T
parts.round(3)

# %%
# the pose estimator's jitter alone: a dancer standing still in the rest pose for 10 s
still = np.repeat(dance.forward_kinematics(np.zeros((1, dance.CHANNELS))), int(10 * FPS), axis=0)
jitter_only = SyntheticVDV.pose_estimate(still, ds.latents(0), np.random.default_rng(seed))
noise_speed = np.nanmedian(motion_stats(jitter_only, FPS)[0])
limbs = list(BODY_PARTS["upper"]) + list(BODY_PARTS["lower"])
vira.glue("noise_speed", noise_speed)
vira.glue("syn_head_speed", parts.loc["head", "synthetic speed"])
syn_speeds, syn_vars = (np.array(column) for column in zip(*synthetic))  # (clips, 16) each
head = list(BODY_PARTS["head"])
claim(session, name="claim_head_jitter", paper="ours", section="synthetic-motion-against-real-dance",
      statement="our head speed is mostly the pose estimator's jitter (less than twice a still dancer's)",
      metric="synthetic head speed / jitter-only speed",
      ev=over_rows(lambda idx: np.median(np.nanmedian(syn_speeds[idx], axis=0)[head]) / noise_speed,
                   len(synthetic)),
      null=2.0, direction=-1, expect="reproduced")
if REAL:
    real_speeds, real_vars = (np.array(column) for column in zip(*real))
    others = [j for j in range(16) if JOINTS[j] != "thorax"]  # the thorax is the origin: 0 / 0
    trunk = [JOINTS.index(n) for n in ("pelvis", "r_hip", "l_hip", "head_top")]

    def limb_ratio_of(r, s):
        return np.median(np.nanmedian(real_speeds[r], axis=0)[limbs]
                         / np.nanmedian(syn_speeds[s], axis=0)[limbs])

    def var_ratio_of(r, s, joints):
        return np.median(np.median(real_vars[r], axis=0)[joints] / np.median(syn_vars[s], axis=0)[joints])

    def two_samples(stat):
        """Evidence for ``stat(real rows, synthetic rows)``, which compares two independent samples.
        ``evidence`` resamples one set of paired test items, so here each sample is resampled on its
        own (scipy.stats.bootstrap, paired=False) and ``from_values`` takes the standard error."""
        r, s = np.arange(len(real)), np.arange(len(synthetic))
        boot = stats.bootstrap((r, s), lambda a, b: stat(a, b), paired=False, vectorized=False,
                               n_resamples=resamples, method="percentile", rng=np.random.default_rng(seed))
        se = float(np.nanstd(boot.bootstrap_distribution, ddof=1))
        return from_values([stat(r, s)], n_test=len(real) + len(synthetic), se_test=se)

    limb_ratio = limb_ratio_of(slice(None), slice(None))
    var_ratio = var_ratio_of(slice(None), slice(None), others)
    trunk_ratio = var_ratio_of(slice(None), slice(None), trunk)
    vira.glue("trunk_ratio", trunk_ratio)
    vira.glue("limb_ratio", limb_ratio)
    vira.glue("var_ratio", var_ratio)
    vira.glue("real_head_speed", parts.loc["head", "AIST++ speed"])
    versus = f"{len(real)} AIST++ break-dance sequences against {len(synthetic)} synthetic clips"
    claim(session, name="claim_limb_speed", paper="ours", section="synthetic-motion-against-real-dance",
          statement="arms and legs move at similar speeds in both (within a factor of 2)",
          metric=f"|log2| of the median joint speed ratio, AIST++ over synthetic, limbs; {versus}",
          ev=two_samples(lambda r, s: abs(np.log2(limb_ratio_of(r, s)))), null=1.0, direction=-1,
          expect="reproduced")
    # ratios of variances are compared on a log scale, where their bootstrap is less skewed. The ten
    # AIST++ sequences' spreads differ tenfold from one another: on the full preset the interval of
    # the all-joint ratio, [-0.5, +2.7] in log2, holds 0 although its estimate is 2x
    claim(session, name="claim_spread", paper="ours", section="synthetic-motion-against-real-dance",
          statement="real poses spread wider than ours",
          metric=f"log2 of the median pose variance ratio, AIST++ over synthetic, joints but the thorax; {versus}",
          ev=two_samples(lambda r, s: np.log2(var_ratio_of(r, s, others))), null=0.0, direction=1,
          expect=("reproduced", "inconclusive"))
    claim(session, name="claim_trunk", paper="ours", section="synthetic-motion-against-real-dance",
          statement="the trunk is the largest gap (its variance ratio exceeds that of all joints)",
          metric=f"log2 of the variance ratio of pelvis, hips and head top over that of all joints but the "
                 f"thorax; {versus}",
          ev=two_samples(lambda r, s: np.log2(var_ratio_of(r, s, trunk) / var_ratio_of(r, s, others))),
          null=0.0, direction=1, expect="reproduced")
    claim(session, name="claim_aist_smooth", paper="ours", section="synthetic-motion-against-real-dance",
          statement="AIST++ keypoints are smoother than our estimator's (head slower than our jitter alone)",
          metric=f"AIST++ head speed / our jitter-only speed; {len(real)} AIST++ sequences",
          ev=over_rows(lambda idx: np.median(np.nanmedian(real_speeds[idx], axis=0)[head]) / noise_speed,
                       len(real)),
          null=1.0, direction=-1, expect="reproduced")
else:
    print("the comparison with real dance is skipped (no AIST++ keypoints)")
    for name in ("limb_ratio", "var_ratio", "trunk_ratio", "real_head_speed"):
        vira.glue(name, float("nan"))
    for name in ("claim_limb_speed", "claim_spread", "claim_trunk", "claim_aist_smooth"):
        vira.glue(name, "not decided: this run has no AIST++ keypoints")

# %% [markdown]
# The median joint speed ratio of the limbs, real over synthetic, is {glue:text}`limb_ratio:.2f`:
# {glue:text}`claim_limb_speed` Part of our speed, though, is the pose estimator's jitter. A
# dancer standing perfectly still would show {glue:text}`noise_speed:.2f` torso lengths a second
# in our data, and our head, which hardly moves, shows {glue:text}`syn_head_speed:.2f`
# ({glue:text}`real_head_speed:.2f` for the AIST++ head):
#
# - {glue:text}`claim_head_jitter`
# - {glue:text}`claim_aist_smooth`
#
# The AIST++ keypoints were fitted with several cameras, which would make them smoother than a
# single-view estimator's. The real poses have a median variance ratio of
# {glue:text}`var_ratio:.1f` over ours, and pelvis, hips and head top one of
# {glue:text}`trunk_ratio:.0f` around the thorax:
#
# - {glue:text}`claim_spread`
# - {glue:text}`claim_trunk`
#
# Break dance turns the whole body: the dancer drops to the floor, spins and stands on the hands.
# Our routines keep the trunk almost rigid and upright and move the limbs around a rest pose, as
# most TikTok challenges do. There are three other differences to keep in mind. Our motion is
# built from smooth primitives, so there are no hard stops or freezes. Our camera never moves. And
# our pose noise is independent from frame to frame, whereas real estimators drift and swap left
# and right.
#
# ## Speed
#
# The benchmark script `scripts/bench_synthetic_vdv.py` times a full-length clip (15 s, 375 frames)
# on one CPU core, and with `--device cuda` on a GPU (the random draws stay on the CPU, the
# feature maps run on the GPU). Here are its last recorded results.

# %%
results_dir = REPO_ROOT / "book" / "results"
benches = [read_bench(f) for f in sorted(results_dir.glob("bench_synthetic_vdv*.json"))]
table = pd.DataFrame([{"device": b["device"], **r} for b in benches for r in b["results"]])
display(table.set_index(["device", "case"])[
    ["median_ms", "min_ms", "max_ms", "items_per_s", "peak_memory_mb"]].round(2))
for b in benches:
    print(f"{b['device']}: torch {b['torch']}, revision {b['git_revision']}: {b['command']}")
bench = next(b for b in benches if b["device"].startswith("cpu"))
all_streams = next(r for r in bench["results"] if r["case"] == "all four streams")
vira.glue("bench_ms", all_streams["median_ms"])
vira.glue("bench_rate", all_streams["items_per_s"])
full_frames = SyntheticVDV(clips=None, seconds=(5.0, 15.0), seed=seed).table.frames.sum()  # the full sizes
vira.glue("holistic_gb", full_frames * 2048 * 4 / 1e9)  # float32

# The bench file keeps the median, the extremes and the number of repeats, not every timing, so
# the claim reads one value (from_values) with the standard error of a median, sqrt(pi / 2) sd /
# sqrt(n), where sd is half the range (an overestimate: 50 normal timings span about 4.5 sd).
times_se = math.sqrt(math.pi / 2) * (all_streams["max_ms"] - all_streams["min_ms"]) / 2 / math.sqrt(
    all_streams["repeats"])
_ = claim(session, name="claim_speed", paper="ours", section="speed",
          statement="generating a 15-s clip never limits training (below the 20 ms target)",
          metric=f"median ms for all four streams of a 15-s clip, one CPU core ({bench['command']})",
          ev=from_values([all_streams["median_ms"]], n_test=all_streams["repeats"], se_test=times_se),
          null=20.0, direction=-1, expect="reproduced")

# %% [markdown]
# Generating all four streams of a 15-second clip takes {glue:text}`bench_ms:.1f` ms
# ({glue:text}`bench_rate:.0f` clips per second on one core): {glue:text}`claim_speed` The
# full-preset holistic stream alone would take {glue:text}`holistic_gb:.1f` GB if stored as
# float32, so nothing is precomputed: every clip is regenerated from (seed, index) when it is
# needed.
#
# ## The same data on disk
#
# A user who has real features can bring them in the layout of `vira.data.real.vdv_files`: a
# `clips.csv` table and one `.npz` file per clip. Every chapter can then read them instead of the
# generator. Here we write a few clips in that layout and read them back.

# %%
with tempfile.TemporaryDirectory() as tmp:
    chosen = [0, 1, len(ds) - 1]
    export(ds, tmp, indices=chosen, progress=False)
    files = VDVFiles(tmp)
    print(sorted(p.name for p in (Path(tmp) / "clips").iterdir()))
    for k, i in enumerate(chosen):
        a, b = ds.clip(i), files.clip(k)
        assert all((getattr(a, s) == getattr(b, s)).all() for s in ("skeleton", "holistic", "facial", "scenic"))
    # The columns every clips.csv has (vira.data.real.vdv_files), rounded; the table also keeps the
    # generator's other columns (s_raw and the synthetic truth z, move, face, scene, returns_ok),
    # not shown here so that the head fits the page.
    csv_columns = ["clip", "challenge", "split", "frames", "days", "likes", "comments", "reposts", "label"]
    display(files.table[csv_columns].head(3).round(3))

# %% [markdown]
# ## What we found
#
# The planted truth is known exactly: the joint-importance maps, the modality weights, $z$ and its
# parts. In the `full` preset the clips last 5-15 s, mostly close to 15 s, as in Table 1. Every
# claim this appendix makes about its generator, with the interval that decides it:

# %%
display(findings(session))

# %% [markdown]
# On the all-challenge track a perfect model of $z$ reaches {glue:text}`oracle_all:.2f`: what
# separates it from 1 is the noise in the counts, which no video content explains. The synthetic
# motion is built to be upright, smooth and filmed by a fixed camera; the comparison with AIST++
# above says how far that is from real dance. Models that do well here have learnt the planted
# relations; it does not follow that they would do well on real TikTok clips.
#
# ## Exercises
#
# Each exercise has a worked solution that ran with this page, hidden until you open it.
#
# ```{exercise} How noisy should the counts be?
# :label: ex-A1-noise
# Set `ENGAGEMENT_NOISE` in `vira/data/synthetic/synthetic_vdv.py` to 0.5 and to 1.5 (Table 1's
# size). How does the oracle ceiling change? The paper's models must stay below the ceiling of
# their own data: which of the three noise levels keeps every track's ceiling above the best SRC
# that the paper reports on that track?
# ```
#
# ```{solution-start} ex-A1-noise
# :class: dropdown
# ```
#
# `unittest.mock.patch.object` sets the module's constant for the duration of a `with` block and
# puts it back afterwards, so the rest of the book keeps the tuned value.

# %%
from unittest import mock

from vira.data.synthetic import synthetic_vdv

# the largest SRC in each column of the paper's Tables 3 and 5 (their rows are quoted in chapter 5)
PAPER_BEST = pd.Series({"C1": 0.38, "C2": 0.25, "C3": 0.30, "C4": 0.47, "C5": 0.33, "C6": 0.50,
                        "C7": 0.54, "C8": 0.53, "all": 0.34})
noise_rows = {}
for noise in (0.5, synthetic_vdv.ENGAGEMENT_NOISE, 1.5):
    with mock.patch.object(synthetic_vdv, "ENGAGEMENT_NOISE", noise):
        noisy = SyntheticVDV(clips=None, seed=seed)
    ceilings = pd.Series({t: noisy.oracle_ceiling(t) for t in TRACKS})
    noise_rows[noise] = {"oracle, all challenges": ceilings["all"],
                         "lowest challenge ceiling": ceilings.drop("all").min(),
                         "smallest margin over the paper's best": (ceilings - PAPER_BEST[list(TRACKS)]).min()}
noise_table = pd.DataFrame(noise_rows).T.rename_axis("ENGAGEMENT_NOISE")
consistent = [f"{n:g}" for n, row in noise_table.iterrows() if row["smallest margin over the paper's best"] > 0]
vira.glue("ex_oracle_low_noise", float(noise_table.iloc[0, 0]))
vira.glue("ex_oracle_high_noise", float(noise_table.iloc[-1, 0]))
vira.glue("ex_consistent", ", ".join(consistent) or "none")
vira.glue("ex_margin_tuned", float(noise_table.loc[synthetic_vdv.ENGAGEMENT_NOISE, "smallest margin over the paper's best"]))
# the fewest test clips of one challenge, and the standard error of a Spearman rho of 0.5 there
# (Bonett and Wright's approximation, vira.book.claims.paper_se, as in the next exercise)
fewest_test = min(len(noisy.track(c)[1]) for c in CHALLENGES.index)
vira.glue("ex_fewest_test", fewest_test)
vira.glue("ex_fewest_test_se", paper_se("spearman", 0.5, fewest_test))
assert noise_table["oracle, all challenges"].is_monotonic_decreasing  # more noise, a lower ceiling
assert synthetic_vdv.ENGAGEMENT_NOISE == 1.0  # the patch is gone
noise_table.round(3)

# %% [markdown]
# The all-challenge ceiling falls from {glue:text}`ex_oracle_low_noise:.2f` at noise 0.5 to
# {glue:text}`ex_oracle_high_noise:.2f` at 1.5. Noise levels that keep every track's ceiling
# above the paper's best SRC on it: {glue:text}`ex_consistent`. The paper's numbers bound its
# data's ceiling only from below, so they cannot pick one value; the tuned value 1 keeps every
# ceiling at least {glue:text}`ex_margin_tuned:.2f` above the paper's best without making the task
# trivial (the smallest challenge has {glue:text}`ex_fewest_test` test clips, where a Spearman rho
# of 0.5 has a standard error of {glue:text}`ex_fewest_test_se:.2f`, so a margin is uncertain by about that much).
#
# ```{solution-end}
# ```
#
# ```{exercise} How much does the test split decide?
# :label: ex-A1-split
# The oracle ceiling in the table above differs between the train and the test split of the same
# clips. Draw 200 other 80/20 splits of this page's data (within each challenge, as the benchmark
# does) and compute the test ceiling of the all-challenge track each time. How far does it move,
# and does that agree with the usual standard error of a Spearman correlation?
# ```
#
# ```{solution-start} ex-A1-split
# :class: dropdown
# ```

# %%
split_rng = np.random.default_rng(seed)
groups = [np.flatnonzero(ds.table.challenge == c) for c in CHALLENGES.index]
z_all, label_all = ds.table.z.to_numpy(), ds.table.label.to_numpy()
resampled = []
for _ in range(200):
    test_rows = np.concatenate([split_rng.permutation(g)[int(round(0.8 * len(g))):] for g in groups])
    resampled.append(stats.spearmanr(z_all[test_rows], label_all[test_rows]).statistic)
resampled = np.array(resampled)
n_split = len(test_rows)
rho_bar = resampled.mean()
# Bonett and Wright's approximation on Fisher's z scale, back to rho by the delta method
se_formula = paper_se("spearman", float(rho_bar), n_split)
vira.glue("ex_split_sd", float(resampled.std(ddof=1)))
vira.glue("ex_split_se", float(se_formula))
vira.glue("ex_split_n", n_split)
gap_in_sd = abs(oracle_all - oracle_all_train) / resampled.std(ddof=1)
vira.glue("ex_split_gap", float(abs(oracle_all - oracle_all_train)))
vira.glue("ex_split_gap_sd", float(gap_in_sd))
vira.glue("ex_split_reading", "within two of them: nothing more than the luck of the split" if gap_in_sd < 2
          else "more than two of them: more than the luck of the split alone would usually give")
# 200 draws pin the sd to about 5 %; splits share clips (without replacement), which makes it smaller
assert 0.5 < resampled.std(ddof=1) / se_formula < 1.5, (resampled.std(ddof=1), se_formula)

# %% [markdown]
# Over 200 splits the test ceiling has a standard deviation of {glue:text}`ex_split_sd:.3f` on
# {glue:text}`ex_split_n` test clips; the textbook standard error gives {glue:text}`ex_split_se:.3f`
# (a little larger, because the test clips are drawn without replacement from a fixed set). The
# gap between this page's train and test ceilings, {glue:text}`ex_split_gap:.3f`, is
# {glue:text}`ex_split_gap_sd:.1f` such standard deviations, {glue:text}`ex_split_reading`. Every
# chapter's intervals count this source of noise (the finite test set) beside the seeds.
#
# ```{solution-end}
# ```
#
# ## Projects
#
# 1. Make a dancer whose amplitude is as choreographed but who is 0.2 s late. How much does $z$ drop, and
#    for which challenges the most?
# 2. Replace the returning ending of C3 by a non-returning one. Which model in chapter 4 should
#    lose accuracy, and why?

# %%
session.finish()
