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
# # 2. Skeletons and PSGCN
#
# A dance is a moving body, and a pose estimator turns the body into a skeleton: 16 joints per
# frame. The VDV paper {cite:p}`wang2021vdv` (§4.1) scores virality from such skeleton sequences
# with a graph network, the **pyramidal skeleton graph convolutional network** (PSGCN). PSGCN is
# ST-GCN {cite:p}`yan2018stgcn` with one addition: twice along the network it merges pairs of
# neighbouring joints, so the graph shrinks from 16 to 8 to 4 vertices. The paper reports that
# this pyramid beats ST-GCN in every track of its Table 3, and that removing it costs accuracy
# (Table 5).
#
# This chapter builds the graph and the networks from the paper's equations, checks each equation
# on an example small enough to do by hand, and trains PSGCN, ST-GCN, PSGCN without the pyramid
# and the Pose+DCT baseline {cite:p}`pirsiavash2014quality` on the synthetic VDV benchmark
# (appendix {doc}`A1_synthetic_vdv`), whose planted truth tells us the best score any model could
# reach.
#
# Source of this chapter: {download}`02_psgcn.py <../notebooks/02_psgcn.py>` and
# {download}`02_psgcn.ipynb <../notebooks/02_psgcn.ipynb>`.

# %% tags=["parameters"]
preset = "auto"  # smoke (CI), small (a laptop CPU), full (one GPU); see chapter 0
device = "auto"  # "cpu", "cuda" or "auto"
seed = 0  # the data set's seed; model seeds are seed, seed + 1, ...

# %%
import json
import math
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import torch
from IPython.display import display
from scipy import stats

import vira
from vira import graph
from vira.data import data_dir
from vira.data.clips import SkeletonClips
from vira.data.layout import TRACKS
from vira.data.synthetic.synthetic_vdv import SyntheticVDV
from vira.metrics import bootstrap_ci, format_mean_std, mean_std, srcc, track_srcc
from vira.models import SKELETON_MODELS, skeleton_model
from vira.models.stgcn import LAYOUT
from vira.book import power
from vira.book.claims import claim, evidence, findings, from_values, paper_se
from vira.book.provenance import REPO_ROOT
from vira.skeleton import CENTER, JOINTS, V, normalize_sequence
from vira.pose_dct import PoseDCT, features_of
from vira.training.regression import TrainConfig
from vira.training.seeds import fit_seeds

session = vira.start(preset, device, seed)
vira.use_style()
seconds = session.preset.pick(smoke=(2.0, 4.0), small=(4.0, 8.0), full=(5.0, 15.0))
ds = SyntheticVDV(clips=session.preset.pick(smoke=12, small=0.1, full=None),  # per challenge; None: Table 1
                  seconds=seconds, seed=seed)
# The held-out test pool: a second, independent draw of the same benchmark (another seed), every
# clip of which is a test clip. At `small` it has the size of the paper's own test split (20 % of
# Table 1); see "Sizing the test set" below.
POOL_SEED = seed + 1000
pool = SyntheticVDV(clips=session.preset.pick(smoke=4, small=0.2, full=1.0), seconds=seconds, seed=POOL_SEED)
print(f"{len(ds):,} synthetic clips to train on, {len(pool):,} held-out test clips "
      f"({session.preset.name} preset), {V} joints per frame")

# %% [markdown]
# ## What the paper claims
#
# Table 3 of the paper gives, for the skeleton stream, the Spearman rank correlation (SRC)
# between predicted and true virality on each of the eight single-challenge tracks and on the
# all-challenge track. Table 5 adds PSGCN without its pyramid. We copy the rows here; DMGNN is
# listed for completeness and not rebuilt (the issue that defined this chapter left it out: it is
# a motion-prediction encoder with a fixed three-level graph, and the paper's point about it,
# overfitting on small tracks, needs the real data).

# %%
PAPER = pd.DataFrame(
    [[-0.03, 0.02, 0.06, -0.02, 0.28, -0.07, 0.35, 0.22, 0.04],
     [0.23, 0.14, 0.21, 0.39, 0.31, 0.27, 0.49, 0.38, 0.24],
     [0.25, 0.17, 0.23, 0.38, 0.31, 0.29, 0.45, 0.36, 0.25],
     [0.25, 0.15, 0.22, 0.42, 0.33, 0.30, 0.51, 0.41, 0.26],
     [0.22, 0.13, 0.21, 0.40, 0.31, 0.26, 0.48, 0.39, 0.23]],
    index=["Pose+DCT", "ST-GCN", "DMGNN", "PSGCN", "PSGCN w/o pyramid"], columns=list(TRACKS))
PAPER.columns.name = "paper (SRC)"
# The paper's all-challenge test split: 20 % of VDV's 4,292 clips (Table 1; §5.1: "The dataset
# partitions of all tracks are fixed with 80% training data and 20% testing data"). It sets the
# standard error of the paper's own differences (paper_se) in the claims below.
N_PAPER_TEST = round(0.2 * 4292)  # 858
PAPER

# %% [markdown]
# ## The skeleton as a graph
#
# The 16 MPII joints are the vertices and the 15 bones the edges. We build the graph with
# torch-geometric {cite:p}`fey2019pyg` (`edge_index`, both directions of every bone) and derive
# the adjacency matrices from it. ST-GCN's *spatial* partition splits each joint's neighbourhood
# into $K = 3$ subsets by distance to the body's centre, the thorax: the joint itself (root),
# neighbours closer to the thorax (centripetal) and neighbours farther from it (centrifugal).
# So the adjacency is a stack $A$ of shape $(K, V, V)$, where $A_k[i, j] = 1$ when joint $i$
# gathers from joint $j$ in subset $k$. One graph convolution (the paper's Eq. 3, written for all
# vertices at once as its Eq. 4) is then
#
# $$
# f_{out} = \sum_{k=1}^{K} \Lambda_k^{-1/2} A_k \Lambda_k^{-1/2}\, f_{in} W_k,
# \qquad \Lambda_k^{ii} = \textstyle\sum_j A_k^{ij},
# \tag{4}
# $$
#
# a $1 \times 1$ convolution $W_k$ per subset, then one einsum over the vertices.

# %%
edges = graph.edge_index()
A = graph.spatial_partitions()
A_bar = graph.normalize(A)
print(f"edge_index {tuple(edges.shape)}: {edges.shape[1]} directed edges = 2 x 15 bones")
print("A:", tuple(A.shape), "edges per subset:", {s: int(A[k].sum()) for k, s in enumerate(graph.SUBSETS)})
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
for k, ax in enumerate(axes):
    sns.heatmap(A_bar[k].numpy(), ax=ax, cmap=vira.book.plots.HEATMAP, square=True, cbar=k == 2,
                xticklabels=JOINTS, yticklabels=JOINTS if k == 0 else False, vmin=0, vmax=1)
    ax.set(title=f"$\\bar A_{k}$: {graph.SUBSETS[k]}", xlabel="gathers from joint j")
axes[0].set_ylabel("joint i")
plt.show()

# %% [markdown]
# A check by hand. The right knee (joint 1) has two neighbours: the right hip (2), one bone
# closer to the thorax, and the right ankle (0), farther away. So $A_1[1, 2] = 1$ (centripetal)
# and $A_2[1, 0] = 1$ (centrifugal). In the centripetal subset the knee gathers from one joint
# ($\Lambda_1^{11} = 1$), and the hip gathers from the pelvis only ($\Lambda_1^{22} = 1$), so
# $\bar A_1[1, 2] = 1/\sqrt{1 \cdot 1} = 1$. In the centrifugal subset the pelvis gathers from
# both hips, so its entries are $1/\sqrt{2 \cdot 1} \approx 0.707$. The cell below checks these
# numbers and recomputes Eq. 4 for the whole stack with plain NumPy.

# %%
# NBVAL_CHECK_OUTPUT
j = {name: i for i, name in enumerate(JOINTS)}
assert A[1, j["r_knee"], j["r_hip"]] == 1 and A[2, j["r_knee"], j["r_ankle"]] == 1
assert A[0].diagonal().sum() == V and JOINTS[CENTER] == "thorax"
assert abs(A_bar[1, j["r_knee"], j["r_hip"]] - 1) < 1e-6
assert abs(A_bar[2, j["pelvis"], j["r_hip"]] - 2 ** -0.5) < 1e-6
deg = A.numpy().sum(-1)
inv = np.where(deg > 0, 1 / np.sqrt(np.where(deg > 0, deg, 1)), 0)
assert np.allclose(A_bar.numpy(), inv[:, :, None] * A.numpy() * inv[:, None, :], atol=1e-6)
print("pelvis gathers from the hips with weight", round(float(A_bar[2, j["pelvis"], j["r_hip"]]), 4))

# %% [markdown]
# ## Down-sampling the graph (Eq. 5-6)
#
# PSGCN's down-sampling module merges joints $2i$ and $2i + 1$ into one coarse vertex $i$ with a
# learnable $2 \times 1$ kernel of stride two over the joint axis, and replaces the adjacency by a
# coarse one (Eq. 5): $f_{out} = \sum_k \mathrm{sample}(\bar A_k)\,(f_{in} * w^d_k)$. This works
# because the MPII index order puts anatomical neighbours side by side, so every merged pair is a
# body segment:

# %%
pd.DataFrame([(i, a, b) for i, ((_, _), (a, b)) in enumerate(graph.pairs())],
             columns=["coarse vertex", "joint 2i", "joint 2i+1"]).set_index("coarse vertex").T

# %% [markdown]
# Eq. 6 defines the coarse adjacency entry by entry from a $2 \times 2$ block of the fine one:
#
# \begin{equation*}
# \mathrm{sample}(\bar A)_{ij} = \tfrac14
# \begin{bmatrix} i+2 & -i \end{bmatrix}
# \begin{bmatrix} \bar A_{2i,\,2j} & \bar A_{2i,\,2(j+1)} \\ \bar A_{2(i+1),\,2j} & \bar A_{2(i+1),\,2(j+1)} \end{bmatrix}
# \begin{bmatrix} j+2 \\ -j \end{bmatrix}.
# \tag{6}
# \end{equation*}
#
# We implement it exactly as printed. Two things follow from the formula. First, at the last
# row $i = V/2 - 1$ it reads row $V$, one past the end; we treat the matrix as zero outside its
# range (a joint that does not exist has no edges), and test that rule. Second, it only ever
# reads even rows and columns, so joints 1, 3, 5, ... never enter the coarse graph.
#
# A hand example on a $4 \times 4$ matrix with entries $A[r, c] = 4r + c + 1$. Entry $(0, 0)$ is
# $\frac14 \cdot 2 \cdot 2 \cdot A[0,0] = 1$. Entry $(0, 1)$ is
# $\frac14 \cdot 2 \cdot (3 A[0, 2] - 1 \cdot A[0, 4]) = \frac12 (3 \cdot 3 - 0) = 4.5$, using the
# zero beyond the edge. By the same arithmetic entry $(1, 0)$ is 13.5 and entry $(1, 1)$ is
# $\frac14 \cdot 3 \cdot 3 \cdot 11 = 24.75$. The plain average of each $2 \times 2$ block, the
# variant we also train, gives 3.5, 5.5, 11.5 and 13.5.

# %%
# NBVAL_CHECK_OUTPUT
tiny = torch.arange(1.0, 17.0).reshape(4, 4)
print("sample(A) =\n", graph.sample(tiny).numpy())
print("sample_mean(A) =\n", graph.sample_mean(tiny).numpy())
assert torch.allclose(graph.sample(tiny), torch.tensor([[1.0, 4.5], [13.5, 24.75]]))
assert torch.allclose(graph.sample_mean(tiny), torch.tensor([[3.5, 5.5], [11.5, 13.5]]))

# %% [markdown]
# Now the real skeleton. The figure shows $\sum_k \mathrm{sample}(\bar A_k)$ (8 × 8) next to the
# plain block average.

# %%
coarse = graph.sample(A_bar).sum(0)
coarse_mean = graph.sample_mean(A_bar).sum(0)
names = [f"{a}+{b}" for (_, _), (a, b) in graph.pairs()]
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
for ax, M, title in ((axes[0], coarse, "Eq. 6 as printed"), (axes[1], coarse_mean, "plain 2x2 average")):
    sns.heatmap(M.numpy(), ax=ax, cmap="RdBu_r", center=0, annot=True, fmt=".2f", square=True,
                xticklabels=names, yticklabels=names, cbar=False)
    ax.set(title=f"sum over k of sample($\\bar A_k$): {title}")
plt.show()
diag = coarse.diagonal()
vira.glue("sample_diag_first", diag[0].item())
vira.glue("sample_diag_last", diag[-1].item())
vira.glue("sample_negative", int((coarse < -1e-6).sum()))
# Deterministic properties of the printed formula on the fixed MPII graph (no seed, no test set,
# nothing uncertain): checked by assert at every preset and recorded as values, not as claims.
assert diag[-1] > 10 * diag[0], "Eq. 6 as printed: the weights grow with the vertex index"
assert (coarse < -1e-6).sum() > 0, "Eq. 6 as printed: some coarse edges are negative"
vira.results.record(session, "VDV", "Eq. 6 check", "Eq. 6 as printed weighs the coarse vertices unevenly",
                    "self-connection of the last coarse vertex / of the first", float(diag[-1] / diag[0]),
                    section="down-sampling-the-graph-eq-5-6", note="asserted > 10 (every preset)")
_ = vira.results.record(session, "VDV", "Eq. 6 check", "Eq. 6 as printed gives negative coarse edges",
                        "negative entries of sum_k sample(A_k) (8 x 8)", int((coarse < -1e-6).sum()),
                        section="down-sampling-the-graph-eq-5-6", note="asserted > 0 (every preset)")

# %% [markdown]
# The printed weights $[i + 2, -i]/4$ always sum to $1/2$, but they grow with $i$. At $i = 0$
# they are $(1/2, 0)$: the first coarse vertex copies half of one fine entry. At $i = 7$ they
# are $(9/4, -7/4)$: the formula no longer averages two entries, it extrapolates from them. So
# the coarse graph weighs its vertices very unevenly: the self-connection of the first pair
# (ankle + knee) is {glue:text}`sample_diag_first:.2f` and that of the last pair (elbow + wrist)
# {glue:text}`sample_diag_last:.2f`, and {glue:text}`sample_negative` entries are negative. In
# a network this matters less than it seems. The learnable $A_l$ and the batch normalisation
# after each block can absorb a fixed rescaling, so a trained PSGCN may do as well with either
# version. The training below tests exactly that by training both.
#
# ## The networks
#
# All three graph networks have nine blocks, as in Fig. 5 of the paper. A block is a graph
# convolution (Eq. 4, or Eq. 5 where the graph shrinks), batch norm and ReLU, a
# temporal convolution with kernel 7 (§5.1), batch norm, dropout 0.5, and a residual connection.
# PSGCN learns an additive adjacency $\bar A = \bar A_o + A_l$ in every block (§4.1), and ST-GCN
# learns a multiplicative edge-importance mask. The paper's Fig. 5 gives the block layout as
# (temporal stride, spatial stride) × count but the text does not print the numbers. **Our
# reading**: ST-GCN's widths 64, 64, 64, 128, 128, 128, 256, 256, 256, temporal stride 2 at blocks
# 4 and 7, and spatial stride 2 at the same two blocks, so that the graph goes 16 → 8 → 4
# vertices. Global average pooling over frames and vertices and a linear layer give the score.

# %%
def block_shapes(model, frames=64):
    """(channels, frames, vertices) after every block, for one clip of ``frames`` frames."""
    shapes, hooks = [], [b.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape[1:])))
                         for b in model.blocks]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, frames, V))
    for h in hooks:
        h.remove()
    return shapes


layout = pd.DataFrame({"block": range(1, 10), "channels": [c for c, _ in LAYOUT],
                       "temporal stride": [s for _, s in LAYOUT]}).set_index("block")
params = {}
for name in SKELETON_MODELS:
    model = skeleton_model(name)
    layout[f"{name}: (C, T, V)"] = block_shapes(model)
    params[name] = sum(p.numel() for p in model.parameters())
display(layout)
display(pd.Series(params, name="parameters").to_frame().T)
psgcn_shapes = layout["PSGCN: (C, T, V)"].tolist()
assert [s[2] for s in psgcn_shapes] == [16] * 3 + [8] * 3 + [4] * 3
assert [s[2] for s in layout["ST-GCN: (C, T, V)"]] == [16] * 9
assert psgcn_shapes[-1] == (256, 16, 4)

# %% [markdown]
# ## Training
#
# **Data.** The synthetic VDV benchmark of appendix {doc}`A1_synthetic_vdv`: eight challenges
# with fixed 80/20 splits. Its movement truth is planted: a dancer's movement quality is a
# weighted sum over joints of amplitude, correct moves, timing and steadiness, with weights that
# differ per challenge. The label mixes it with face and scene appeal and with noise in the
# counts.
#
# **Recipe.** The paper's §5.1: Adam with batch size 8, the learning rate halved every 10 epochs,
# and MSE plus the margin ranking loss (Eq. 13-14). Where we depart from it, we say so:
#
# - *Learning rate 1e-3, not 1e-4.* With the few epochs a CPU preset affords, the networks barely
#   move from their initial state at 1e-4.
# - *The ranking term is the mean over pairs, not the printed sum, with margin* $\delta = 0$. The
#   sum over the 28 pairs of a batch of 8 is one to two orders of magnitude larger than the MSE
#   and drowns it. The paper balances the terms with GradNorm only in its fused model, and gives
#   no weights for a single stream.
# - *One model per preset run trained on the all-challenge split* and scored on every track's
#   held-out clips. The paper trains one model per track. The single-challenge test sets are the
#   parts of the all-challenge one, and the labels are scaled per challenge, so a within-track
#   ranking is well defined either way. Exercise 3 trains per track.
# - *A held-out test pool, not the benchmark's 20 % test split.* We train on the benchmark's 80 %
#   training split and test on a second, independent draw of the same benchmark (its own clips,
#   labels and per-challenge scaling), as large as the paper's test split at `small`. The paper
#   tests on its fixed split; a larger test set only narrows our intervals ("Sizing the test set").
# - *Training windows.* Training cuts a random window of `crop` frames from each clip; evaluation
#   sees whole clips. The `small` preset also keeps every second frame (12.5 fps) to halve the
#   cost; `full` keeps all 25.
#
# **Controls.** A PSGCN trained on shuffled training labels shows what chance looks like.
# The oracle ceiling (the SRC of the planted score $z$ itself) shows the best possible score.
# We also score every model against the planted movement quality, which carries no count noise.

# %%
step = session.preset.pick(smoke=2, small=2, full=1)
crop = session.preset.pick(smoke=24, small=48, full=150)
n_seeds = session.preset.pick(smoke=1, small=2, full=3)
config = TrainConfig(epochs=session.preset.pick(smoke=1, small=10, full=30), lr=1e-3,
                     reduction="mean", progress=False)
train_idx, _ = ds.track("all")  # the training split of the benchmark
test_idx = np.arange(len(pool))  # every clip of the held-out pool
test = SkeletonClips(pool, test_idx, step=step, cache=True)
recipe = pd.Series({"clips (train / held-out test)": f"{len(train_idx)} / {len(test_idx)}",
                    "frame step": step, "training window (frames)": crop, "seeds": n_seeds,
                    **{k: v for k, v in vars(config).items() if k not in ("extra", "progress", "seed")}})
recipe.to_frame("value")

# %%
RUNS = [*SKELETON_MODELS, "PSGCN, shuffled labels"]
shuffler = np.random.default_rng([seed, 2])
shuffled = [shuffler.permutation(ds.table.label.to_numpy(np.float32)[train_idx]) for _ in range(n_seeds)]


def training_clips(name, s):
    """The training clips of one run: the true labels, or the shuffled ones of seed index s."""
    labels = shuffled[s] if name.endswith("shuffled labels") else None
    return SkeletonClips(ds, train_idx, crop=crop, train=True, step=step, labels=labels)


builders = {name: lambda name=name: skeleton_model(name.replace(", shuffled labels", "")) for name in RUNS}
preds, trained = fit_seeds(builders, training_clips, test, config, session.device,
                           [seed + s for s in range(n_seeds)], desc="skeleton models")

# %% [markdown]
# Pose+DCT {cite:p}`pirsiavash2014quality` needs no gradient training: the first 20 DCT
# coefficients of every joint's x and y trajectories (the whole clip, at 25 fps)
# go into a support vector regressor from scikit-learn. It is deterministic, so it has one run.

# %%
feats_train = features_of(ds, train_idx, progress=False)
feats_test = features_of(pool, test_idx, progress=False)
dct = PoseDCT().fit_features(feats_train, ds.table.label.to_numpy()[train_idx])
for s in range(n_seeds):
    preds["Pose+DCT", s] = dct.predict_features(feats_test)

# %% [markdown]
# ## Results
#
# Every model is scored on the held-out test clips of each track: SRC with the label, mean ±
# standard deviation over the seeds. The oracle row is the SRC of the planted score $z$ with the
# label on the same clips: no model can expect to beat it.

# %%
label = pool.table.label.to_numpy()  # the held-out pool's truth (every row is a test clip)
move = pool.table.move.to_numpy()
challenge = pool.table.challenge.to_numpy()[test_idx]


def oracle_ceiling(track):
    """SRC of the planted score z with the label on the held-out clips of ``track``."""
    rows = pool.table if track == "all" else pool.table[pool.table.challenge == track]
    return srcc(rows.z.to_numpy(), rows.label.to_numpy())


MODELS = ["Pose+DCT", *RUNS]
scores = {(m, s): track_srcc(preds[m, s], label[test_idx], challenge, TRACKS)
          for m in MODELS for s in range(n_seeds)}
ours = pd.DataFrame({t: {m: format_mean_std([scores[m, s][k] for s in range(n_seeds)], 2).split(" (")[0]
                         for m in MODELS} for k, t in enumerate(TRACKS)})
ours.loc["oracle ceiling"] = [f"{oracle_ceiling(t):.2f}" for t in TRACKS]
ours.loc["test clips"] = [str(int((challenge == t).sum())) if t != "all" else str(len(test_idx))
                          for t in TRACKS]
ours.columns.name = f"ours, {session.preset.name} preset (SRC)"
display(PAPER)
display(ours)


def record(table, row, metric, values, **kwargs):
    """vira.results.record for one of this chapter's VDV numbers (the reproduction report, chapter 9).
    A value that is not finite (say, the SRC of a track whose few test clips tie) is not recorded:
    the reason is printed instead."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    if not np.isfinite(values).all():
        print(f"not recorded for chapter 9: {table}, {row!r}, {metric}: {values}")
        return
    vira.results.record(session, "VDV", table, row, metric, values, **kwargs)


for m in MODELS:  # every number of the two tables, one value per seed
    for k, t in enumerate(TRACKS):
        record("Table 3" if m in ("Pose+DCT", "ST-GCN", "PSGCN") else
               "controls (ours)" if m == "PSGCN, shuffled labels" else "Table 5",
               m, f"SRC, {'all challenges' if t == 'all' else t}", [scores[m, s][k] for s in range(n_seeds)],
               paper_value=PAPER.loc[m, t] if m in PAPER.index else None, oracle=oracle_ceiling(t),
               section="results")

# %%
def all_track(m, target):
    """Mean and std over seeds of model m's SRC with ``target`` on all held-out clips."""
    mean, std, _ = mean_std([srcc(preds[m, s], target[test_idx]) for s in range(n_seeds)])
    return mean, std


summary = pd.DataFrame({m: {"SRC with the label": all_track(m, label)[0],
                            "std over seeds": all_track(m, label)[1],
                            "SRC with planted movement quality": all_track(m, move)[0]}
                        for m in MODELS}).T
ci = {m: bootstrap_ci(srcc, np.mean([preds[m, s] for s in range(n_seeds)], 0), label[test_idx],
                      n_resamples=500, seed=seed)[1:] for m in MODELS}
summary["95% interval (seed-mean prediction)"] = [f"[{lo:.2f}, {hi:.2f}]" for lo, hi in ci.values()]
movement_ceiling = srcc(move[test_idx], label[test_idx])
print(f"all-challenge held-out clips: oracle {oracle_ceiling('all'):.3f}; "
      f"planted movement quality alone {movement_ceiling:.3f}")
summary.round(3)

# %%
CONTROL = "PSGCN, shuffled labels"
learned = [m for m in MODELS if m != CONTROL]
control = summary.loc[CONTROL, "SRC with the label"]
best = summary.loc[learned, "SRC with the label"].idxmax()
for key, value in {"control_src": control, "best_src": summary.loc[best, "SRC with the label"],
                   "oracle_all": oracle_ceiling("all"), "movement_ceiling": movement_ceiling,
                   "psgcn_src": summary.loc["PSGCN", "SRC with the label"],
                   "stgcn_src": summary.loc["ST-GCN", "SRC with the label"],
                   "nopyr_src": summary.loc["PSGCN w/o pyramid", "SRC with the label"],
                   "meansample_src": summary.loc["PSGCN, mean sample", "SRC with the label"],
                   "dct_src": summary.loc["Pose+DCT", "SRC with the label"],
                   "psgcn_move": summary.loc["PSGCN", "SRC with planted movement quality"]}.items():
    vira.glue(key, float(value))
vira.glue("best_model", best)
vira.glue("n_test", len(test_idx))
vira.glue("n_test_min", int(pd.Series(challenge).value_counts().min()))
for m in MODELS:
    record("planted truth", m, "SRC with planted movement quality, all challenges",
           [srcc(preds[m, s], move[test_idx]) for s in range(n_seeds)], section="results")
_ = record("planted truth", "planted movement quality alone", "SRC with the label, all challenges",
           movement_ceiling, oracle=oracle_ceiling("all"), section="results",
           note="the ceiling of any skeleton-only model")

# %% [markdown]
# ### The claims
#
# Each claim below is decided by one rule (`vira.book.claims`): the 95 % interval of the
# claimed quantity, a mean over the seeds of an all-challenge SRC (or of the difference of two
# models' SRCs, paired by seed and computed on the same {glue:text}`n_test` test clips). The
# interval adds the spread over seeds to the bootstrap error of the finite test set. A claim is
# *reproduced* when the interval lies on the claimed side of its threshold, *contradicted* when
# it lies on the other side, *absent* when it holds the threshold but rules out the paper's own
# difference, and *inconclusive* otherwise. Next to a paper's difference we give its standard
# error at the paper's own test size ({glue:text}`n_paper_test` clips, 20 % of VDV), treating
# its two rows as independent: an upper bound.
#
# First the three claims of the paper's Tables 3 and 5 for the all-challenge track.

# %%
vira.glue("n_paper_test", N_PAPER_TEST)
y = label[test_idx]
P = {m: np.stack([preds[m, s] for s in range(n_seeds)]) for m in MODELS}  # (seeds, test clips) per model
pa = PAPER["all"]
# At `smoke` one epoch on about 80 clips teaches the networks nothing, and 16 test clips decide a
# difference of two untrained networks by chance: their claims carry no expectation there.
TRAINED = session.preset.name != "smoke"
# The expectations are those of the `small` preset: 2 seeds on the 860 held-out clips. Earlier
# runs tested on the benchmark's own 88 test clips, where a paired SRC difference had a test-set
# standard error near 0.1: PSGCN's lead over ST-GCN (+0.13 and +0.16 in two runs) could not clear
# zero there; on ten times the clips the error shrinks about threefold (see "Sizing the test set"),
# so the lead is decided if it holds, and stays open if it was mostly noise. PSGCN minus Pose+DCT
# (-0.22 and -0.15) rules out the paper's +0.22 and perhaps zero too. The paper's pyramid gain
# (0.03) is near what 860 clips can detect, and our last runs gave +0.00 and +0.01: it stays open
# or is ruled out ("absent"); a pyramid that hurts by a detectable margin would fail the chapter.
for name, other, table, central, expected in (
        ("claim_psgcn_stgcn", "ST-GCN", "Table 3", True, ("reproduced", "inconclusive")),
        ("claim_psgcn_dct", "Pose+DCT", "Table 3", False, ("contradicted", "absent")),
        ("claim_pyramid", "PSGCN w/o pyramid", "Table 5", False, ("inconclusive", "absent"))):
    claim(session, name, paper="VDV", central=central,
          statement=("PSGCN's pyramid helps: PSGCN ranks clips better than PSGCN without it" if other.endswith("pyramid")
                     else f"PSGCN ranks clips better than {other}") + f" ({table})",
          metric=f"SRC of PSGCN minus {other}, all challenges",
          ev=evidence(srcc, P["PSGCN"], y, P[other], seed=session.seed), null=0.0, direction=+1,
          paper_estimate=round(pa["PSGCN"] - pa[other], 2),
          paper_se=paper_se("spearman", pa["PSGCN"], N_PAPER_TEST, pa[other]),
          expect=expected if TRAINED else None, section="results")
vira.glue("pyramid_paper_se", paper_se("spearman", pa["PSGCN"], N_PAPER_TEST, pa["PSGCN w/o pyramid"]))

# %% [markdown]
# Then the chapter's own claims about its benchmark and its controls. Every trained model is
# compared with the shuffled-label control on the same clips and seeds, and the best one with the
# oracle ceiling. Eq. 6 as printed is compared with the plain block average within a margin of 0.1
# SRC: the question is whether the printed formula costs a trained network accuracy, not whether
# the two are identical.

# %%
EQ6_MARGIN = 0.1
# small preset: the networks beat the control by +0.10 to +0.27 in the last small run, one to two
# test-set standard errors, and Pose+DCT (deterministic, SRC 0.38 on every machine) by +0.44; but an
# earlier small run on another machine drew a control of +0.15 and -0.06 on its two seeds, which
# leaves even Pose+DCT's margin inside the interval. So each model may or may not be separated from
# the control. The Eq. 6 difference (last runs: -0.04 and +0.07, seeds spread by up to 0.14) lies
# about one standard error from the -0.1 margin: it may or may not be decided. Pose+DCT's own SRC
# (0.38, deterministic) lies several standard errors above the paper's 0.04 and below the oracle
# (0.79), and was the best model in both runs: those two claims are expected at every preset.
claim(session, "claim_eq6", paper="ours",
      statement=f"Eq. 6 as printed costs PSGCN less than {EQ6_MARGIN} SRC against the plain block average",
      metric="SRC of PSGCN minus PSGCN with the plain block average, all challenges",
      ev=evidence(srcc, P["PSGCN"], y, P["PSGCN, mean sample"], seed=session.seed), null=-EQ6_MARGIN,
      direction=+1, expect=("reproduced", "inconclusive") if TRAINED else None, section="results")
claim(session, "claim_dct_paper", paper="ours",
      statement=f"Pose+DCT ranks the synthetic clips better than the paper's SRC of {pa['Pose+DCT']:.2f}",
      metric="SRC of Pose+DCT, all challenges", ev=evidence(srcc, P["Pose+DCT"], y, seed=session.seed),
      null=pa["Pose+DCT"], direction=+1, expect="reproduced", section="results")
control_claims = {
    m: claim(session, "claim_control_" + re.sub(r"[^a-z0-9]+", "_", m.lower()).strip("_"),
             paper="ours", statement=f"{m} beats the shuffled-label control",
             metric="SRC minus the shuffled-label PSGCN's, all challenges",
             ev=evidence(srcc, P[m], y, P[CONTROL], seed=session.seed), null=0.0, direction=+1,
             expect=("reproduced", "inconclusive") if TRAINED else None, section="results")
    for m in learned}
claim(session, "claim_oracle", paper="ours",
      statement="the best trained skeleton model stays below the oracle ceiling",
      metric="SRC of the best trained model (by mean SRC), all challenges",
      ev=evidence(srcc, P[best], y, seed=session.seed), null=oracle_ceiling("all"), direction=-1,
      expect="reproduced", section="results")
beyond = [m for m, r in control_claims.items() if r["verdict"] == "reproduced"]
vira.glue("beyond_control", ", ".join(beyond) or "none")
vira.glue("within_control", ", ".join(m for m in learned if m not in beyond) or "none")
control_table = pd.DataFrame({m: {"SRC minus the control's": f"{r['estimate']:+.3f}",
                                  "95 % interval": f"[{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]",
                                  "verdict": r["verdict"]} for m, r in control_claims.items()}).T
control_table.columns.name = "all challenges, paired by seed and test clip"
control_table

# %% [markdown]
# ### Sizing the test set
#
# Which lever narrows an interval, more seeds or more test clips? The interval's squared standard
# error is the seed term plus the test-set term (`vira.book.claims`), and the table below
# (`vira.book.power`) shows the share of each for every claim of this run, the minimum detectable
# effect (MDE, 80 % power) that its size buys, and, for a claim still open, the cheapest size
# (seeds x test clips) that would detect our effect or the paper's. In the runs on the
# benchmark's 88 test clips, the seed term was about a twentieth of the variance of PSGCN minus
# ST-GCN: more test clips, not more seeds, were the lever. Evaluating a trained network costs a
# fraction of training it, and the generator draws a clip in milliseconds, so this chapter trains
# on the benchmark's training split and tests on a second, independent draw of the benchmark
# ({glue:text}`n_test` clips, drawn with the seed plus 1000), the size of the paper's own test
# split at `small`.

# %%
power.plan_table(session.results)

# %% [markdown]
# On the all-challenge track the best model is {glue:text}`best_model` with SRC
# {glue:text}`best_src:.2f`; the shuffled-label control scores {glue:text}`control_src:.2f` and the
# oracle {glue:text}`oracle_all:.2f`. The planted movement quality alone would reach
# {glue:text}`movement_ceiling:.2f`: that is the ceiling of any skeleton-only model, because
# faces and scenes carry the rest of $z$. PSGCN scores {glue:text}`psgcn_src:.2f`, ST-GCN
# {glue:text}`stgcn_src:.2f`, PSGCN without the pyramid {glue:text}`nopyr_src:.2f`, PSGCN with the
# plain block average in place of Eq. 6 {glue:text}`meansample_src:.2f`, and Pose+DCT
# {glue:text}`dct_src:.2f` (paper, all-challenge: 0.26, 0.24, 0.23, not reported, 0.04).
# Against the planted movement quality, which has no count noise, PSGCN reaches
# {glue:text}`psgcn_move:.2f`.
#
# The shuffled-label control tells which of these scores are learning and which are luck. The
# models whose interval lies above the control's are: {glue:text}`beyond_control`. The others
# ({glue:text}`within_control`) are not separated from the control at this budget.
#
# The paper's claims, one by one:
#
# - {glue:text}`claim_psgcn_stgcn`
# - {glue:text}`claim_psgcn_dct`
# - {glue:text}`claim_pyramid`
#
# Pose+DCT against the paper's value: {glue:text}`claim_dct_paper` Where Pose+DCT scores well
# above the paper's 0.04, the likely reason is the benchmark: the planted movement quality is
# mostly a matter of amplitude (appendix {doc}`A1_synthetic_vdv`), and the size of a joint's
# low-frequency DCT coefficients measures amplitude almost directly; real dance, which the paper
# calls improvisational, gives a fixed frequency transform much less to hold on to.
#
# PSGCN and ST-GCN differ in more than the pyramid (normalisation, edge weighting, the first
# block's residual), so the difference between them is not a test of the pyramid; the ablation
# (PSGCN without the pyramid) is. The paper's own gain of 0.03 for the pyramid is itself small next
# to the standard error of {glue:text}`pyramid_paper_se:.3f` that its test split gives a difference
# of two SRCs when the two are treated as independent (an upper bound; paired, it is smaller).
#
# The single-challenge columns rest on fewer clips each (the last row of the table); at `small`
# the smallest challenges, C7 and C8, have {glue:text}`n_test_min` held-out clips. Read them with
# that in mind; the all-challenge column is the one to compare.

# %%
fig, ax = plt.subplots(figsize=(9, 3.8))
plot = pd.DataFrame([(m, s, v) for (m, s), row in scores.items() for t, v in zip(TRACKS, row) if t == "all"],
                    columns=["model", "seed", "SRC"])
sns.stripplot(plot, x="SRC", y="model", order=MODELS, size=8, ax=ax, color=vira.book.plots.PALETTE[0])
ax.axvline(oracle_ceiling("all"), color="k", ls="--", label="oracle ceiling")
ax.axvline(movement_ceiling, color="grey", ls=":", label="movement-only ceiling")
ax.axvline(0, color="grey", lw=0.8)
ax.set(title="All-challenge track: SRC on the held-out clips (one dot per seed)", ylabel="")
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# ## Fig. 7: what the graphs learn
#
# The paper's Fig. 7 shows the adjacency of PSGCN and ST-GCN after training. For PSGCN, with
# $\bar A = \bar A_o + A_l$, new connections between distant joints appear in the upper blocks.
# We plot $\sum_k \bar A_k$ of blocks 2, 5 and 8 of the seed-0 models. PSGCN's graph has 16, 8
# and 4 vertices at those depths (a down-sampling block, 4 or 7, holds the adjacency of the graph
# it reads); ST-GCN's stays at 16, with its mask applied.

# %%
fig, axes = plt.subplots(2, 3, figsize=(13, 8))
for row, name in enumerate(["PSGCN", "ST-GCN"]):
    adj = [b.adjacency().detach().sum(0).numpy() for b in trained[name].blocks]
    for col, block in enumerate([2, 5, 8]):
        M = adj[block - 1]
        sns.heatmap(M, ax=axes[row, col], cmap="RdBu_r", center=0, square=True, cbar=True,
                    xticklabels=False, yticklabels=False)
        axes[row, col].set(title=f"{name}, block {block}: {M.shape[0]} vertices")
plt.show()
learned_edges = {name: float(sum(b.a_l.detach().abs().sum() for b in trained[name].blocks))
                 for name in ["PSGCN"]}
print(f"total |A_l| learnt by PSGCN: {learned_edges['PSGCN']:.3f}")
# a down-sampling block (4 and 7) holds the adjacency of the graph it reads, before `sample`
assert [b.adjacency().shape[-1] for b in trained["PSGCN"].blocks] == [16] * 4 + [8] * 3 + [4] * 2
# A_l starts at zero, and any optimiser step with a nonzero gradient moves it: a check that the
# learnable edges are wired into training (every preset), not a finding with an uncertainty. One
# value of the one kept model (the first seed's), so it is recorded as a value, not as a claim.
assert learned_edges["PSGCN"] > 0, "training must move A_l away from zero"
_ = record("Fig. 7 check", "training moves PSGCN's learnable edges A_l away from zero",
           "total |A_l| over the 9 blocks, seed 0", learned_edges["PSGCN"], section="fig-7-what-the-graphs-learn",
           note="asserted > 0 (every preset)")

# %% [markdown]
# ## Real poses: AIST++
#
# The networks take any MPII skeleton. Here the trained PSGCN scores real dance keypoints from
# AIST++ {cite:p}`li2021aistpp`, mapped from COCO to MPII and resampled from 60 to 25 fps. The
# scores mean nothing about virality (AIST++ has no views); the point is that real poses, with
# their real gaps and jitter, go through the model without NaN.

# %%
from vira.data.real.aistpp import list_clips, load_keypoints, to_mpii

folder = data_dir("aistpp_keypoints2d")
REAL = folder is not None
if REAL:
    rows = []
    model = trained["PSGCN"].eval()
    for path in list_clips(folder)[:session.preset.pick(smoke=3, small=12, full=40)]:
        clip = load_keypoints(path)
        pose = to_mpii(clip, camera=0)
        keep = np.round(np.arange(0, len(pose), clip.fps / 25.0)).astype(int)
        keep = keep[keep < len(pose)][::step]
        x = torch.from_numpy(normalize_sequence(pose[keep]))
        with torch.no_grad():
            score = model(x[None]).item()
        rows.append((path.stem, len(keep), float(np.isfinite(pose[..., 0]).mean()), score))
    real = pd.DataFrame(rows, columns=["clip", "frames fed", "joints detected", "PSGCN score"])
    display(real)
    assert np.isfinite(real["PSGCN score"]).all()
else:
    print("VIRA_DATA is not set (or has no aistpp_keypoints2d/): the AIST++ run is skipped.")

# %% [markdown]
# ## Speed
#
# The pyramid should make PSGCN cheaper than ST-GCN: after block 4 it convolves 8 vertices, after
# block 7 only 4. `scripts/bench_skeleton_models.py` measures a training step (forward, backward
# and Adam) at the full-preset input size, $T = 375$ frames and $V = 16$ joints. Its results files
# are read here; the GPU file exists where a GPU run was made.

# %%
from vira.book.bench import read_bench

bench_rows, ratios, rows_of = [], {}, {}
for path in sorted((REPO_ROOT / "book" / "results").glob("bench_skeleton_models*.json")):
    bench = read_bench(path)
    for r in bench["results"]:
        bench_rows.append({"device": bench["device"], "model": r["case"], "batch": r["batch"],
                           "clips/s": r["items_per_s"], "peak MB": r["peak_memory_mb"],
                           "revision": bench["git_revision"]})
    for batch in dict.fromkeys(r["batch"] for r in bench["results"]):
        by = {r["case"]: r for r in bench["results"] if r["batch"] == batch}
        key = ("cuda" if "cuda" in path.name else "cpu", batch)
        rows_of[key] = by["PSGCN"], by["ST-GCN"]
        ratios[key] = by["PSGCN"]["items_per_s"] / by["ST-GCN"]["items_per_s"]
speed = pd.DataFrame(bench_rows)
display(speed.round(1))
for (dev, batch), ratio in ratios.items():
    vira.glue(f"speed_ratio_{dev}_{batch}", ratio)


def log_time_se(r):
    """Upper bound on the standard error of the log median step time of one bench row.

    The bench files keep the min, median and max step times, not the steps, so there are no
    per-step data for `evidence`. n steps with range R have a sample SD of at most
    R/2 * sqrt(n / (n - 1)); the median's standard error is taken as sqrt(pi / 2) times the mean's
    (normal steps); dividing by the median time gives the error of its log."""
    n = r["repeats"]
    sd = (r["max_ms"] - r["min_ms"]) / 2 * math.sqrt(n / (n - 1))
    return math.sqrt(math.pi / 2) * sd / math.sqrt(n) / (1000 * r["batch"] / r["items_per_s"])


# The files as committed: 2 timed steps per model on the CPU (no decision possible: t(0.975, 1) is
# 12.7), 20 on the H200, where batch 64 favours PSGCN and batch 8 favours ST-GCN beyond the spread.
EXPECT_SPEED = {("cpu", 8): ("reproduced", "inconclusive"), ("cuda", 64): "reproduced",
                ("cuda", 8): "contradicted"}
for (dev, batch), (a, b) in rows_of.items():
    n = min(a["repeats"], b["repeats"])
    if n < 2 or any(k not in r for r in (a, b) for k in ("min_ms", "max_ms")):
        print(f"{dev}, batch {batch}: the bench file keeps no spread of the step times: no claim")
        continue
    # One value per device and batch (from_values: no per-step data, see log_time_se). Its standard
    # error adds the two models' log-time errors, widened by t(0.975, n - 1) / z(0.975) so that the
    # normal interval of one value is as wide as the t interval of n steps, and is mapped to the
    # ratio by the delta method.
    se_log = math.hypot(log_time_se(a), log_time_se(b)) * stats.t.ppf(0.975, n - 1) / stats.norm.ppf(0.975)
    claim(session, f"claim_speed_{dev}_{batch}", paper="ours",
          statement="graph down-sampling makes training cheaper: PSGCN trains more clips per second than ST-GCN",
          metric=f"training clips/s, PSGCN over ST-GCN, {dev}, batch {batch} (bench_skeleton_models*.json)",
          ev=from_values([ratios[dev, batch]], n_test=n, se_test=ratios[dev, batch] * se_log), null=1.0,
          direction=+1, expect=EXPECT_SPEED.get((dev, batch)), section="speed")

# %% [markdown]
# PSGCN trains {glue:text}`speed_ratio_cpu_8:.2f` times as many clips per second as ST-GCN on
# the CPU at batch 8, {glue:text}`speed_ratio_cuda_64:.2f` times as many on an H200 GPU at
# batch 64 and {glue:text}`speed_ratio_cuda_8:.2f` times as many there at the paper's batch size
# 8. The claims:
#
# - {glue:text}`claim_speed_cpu_8`
# - {glue:text}`claim_speed_cuda_64`
# - {glue:text}`claim_speed_cuda_8`
#
# The pyramid saves work in proportion to the vertices it removes, but adds operations of its own
# (the down-sampling convolutions, `sample` on every step). Where a GPU is not saturated, as with
# small batches, the fixed cost of those extra operations can outweigh the smaller graph.
#
# ## What we found
#
# The claims of this chapter, each with the interval that decides it (generated from the
# numbers above):

# %%
display(findings(session))

# %% [markdown]
# Around them:
#
# - Eq. 4 and Eq. 6 are implemented as printed and checked by hand. Eq. 6 reads only the even
#   joints and its weights grow with the vertex index, from $(1/2, 0)$ to $(9/4, -7/4)$ on the
#   16-joint skeleton, so the coarse graph is far from an average of the fine one. Whether that
#   costs a trained PSGCN accuracy is the Eq. 6 claim above; where it does not, the learnable
#   edges and batch normalisation are what can absorb the difference.
# - The skeleton sees only the movement part of the planted score: the planted movement quality
#   alone reaches an SRC of {glue:text}`movement_ceiling:.2f` with the label, against the oracle's
#   {glue:text}`oracle_all:.2f`, because the counts add noise that no content explains.
# - Where Pose+DCT does better than in the paper, the likely reason is our planted movement
#   quality, mostly amplitude, which DCT coefficients measure. PSGCN and ST-GCN differ in more
#   than the pyramid, so the pyramid's own test is the ablation, not the PSGCN–ST-GCN gap.
# - Writing this chapter changed the benchmark. In its first version a dancer's amplitude counted
#   as $-\lvert\log a_j\rvert$: best when exactly as choreographed. None of the networks learnt that
#   V-shaped truth from a few hundred clips, while a ridge regression on hand-made features did.
#   Appendix {doc}`A1_synthetic_vdv` now uses $\log a_j$: a bigger movement scores higher.
#
# ## Exercises
#
# Each exercise has a worked solution that ran with this page, hidden until you open it.
#
# ```{exercise} Eq. 6 on a graph of self-loops
# :label: ex-02-identity
# Apply Eq. 6 to the identity $I_{16}$: every joint connected only to itself. Work out the coarse
# matrix by hand. Is it still a graph of self-loops?
# ```
#
# ```{solution-start} ex-02-identity
# :class: dropdown
# ```
#
# Only the entries $A_{2i,2j}$, $A_{2i,2j+2}$, $A_{2i+2,2j}$ and $A_{2i+2,2j+2}$ are read, and the
# identity's nonzero ones among them are those with equal row and column. On the diagonal
# ($j = i$): $\frac14\big((i+2)^2 + i^2\big)$, except at the last vertex, where row 16 lies beyond
# the edge: $\frac14 (i+2)^2 = 81/4$. Just above it ($j = i + 1$) only $A_{2i+2, 2j} = 1$ is
# nonzero: $-\frac14\, i (i + 3)$; just below ($j = i - 1$) only $A_{2i, 2j+2}$:
# $-\frac14 (i + 2)(i - 1)$. Both vanish for the first two vertices ($i = 0$ above, $i = 1$
# below), so the coarse graph links all neighbouring coarse vertices but the first two, with
# negative weights, although the fine graph links nothing.

# %%
eye_coarse = graph.sample(torch.eye(V, dtype=torch.float64))
m = V // 2
by_hand = torch.zeros(m, m, dtype=torch.float64)
for i in range(m):
    by_hand[i, i] = ((i + 2) ** 2 + (i**2 if i < m - 1 else 0)) / 4
    if i + 1 < m:
        by_hand[i, i + 1] = -i * (i + 3) / 4
    if i >= 1:
        by_hand[i, i - 1] = -(i + 2) * (i - 1) / 4
assert torch.allclose(eye_coarse, by_hand)
off_diagonal = int((eye_coarse - torch.diag(eye_coarse.diagonal())).abs().gt(0).sum())
vira.glue("ex_eye_links", off_diagonal)
vira.glue("ex_eye_last", float(eye_coarse[-1, -1]))
# Rows name the coarse vertex i and its joint pair; columns are numbered j as in the table of pairs
# above (the pairs' names as column headers would make the table wider than the page).
pair_rows = pd.Index([f"{i}: {name}" for i, name in enumerate(names)], name="coarse vertex i")
pd.DataFrame(eye_coarse.numpy(), index=pair_rows, columns=pd.Index(range(m), name="j")).round(2)

# %% [markdown]
# The coarse matrix has {glue:text}`ex_eye_links` nonzero entries off its diagonal, and the last
# vertex's self-loop weighs {glue:text}`ex_eye_last:.2f` against 1 for the first: Eq. 6 as printed
# is not a down-sampling that keeps a graph's structure, which is why the chapter also trains the
# plain block average (`graph.sample_mean` of the identity is $\frac12 I_8$).
#
# ```{solution-end}
# ```
#
# ```{exercise} Another rule at the edge
# :label: ex-02-boundary
# At the last coarse vertex Eq. 6 reads row 16, which does not exist; the chapter pads with zeros.
# Write Eq. 6 with the matrix padded by repeating its last row and column instead, check that it
# agrees with `graph.sample` under zero padding, and count the entries of
# $\sum_k \mathrm{sample}(\bar A_k)$ that change for the MPII skeleton. Which joint enters the
# coarse graph that did not before?
# ```
#
# ```{solution-start} ex-02-boundary
# :class: dropdown
# ```

# %%
def sample_padded(A, mode):
    """Eq. 6 entry by entry, on A (K, V, V) padded by one row and column ("constant": zeros,
    "replicate": the last row and column repeated)."""
    P = torch.nn.functional.pad(A[:, None], (0, 1, 0, 1), mode=mode)[:, 0] if mode == "replicate" \
        else torch.nn.functional.pad(A, (0, 1, 0, 1))
    out = torch.zeros(A.shape[0], m, m, dtype=A.dtype)
    for i in range(m):
        for j in range(m):
            out[:, i, j] = ((i + 2) * (j + 2) * P[:, 2 * i, 2 * j] - (i + 2) * j * P[:, 2 * i, 2 * j + 2]
                            - i * (j + 2) * P[:, 2 * i + 2, 2 * j] + i * j * P[:, 2 * i + 2, 2 * j + 2]) / 4
    return out


zero_padded = sample_padded(A_bar.double(), "constant")
replicated = sample_padded(A_bar.double(), "replicate")
assert torch.allclose(zero_padded, graph.sample(A_bar.double()))  # the module, recomputed independently
changed = (replicated.sum(0) - zero_padded.sum(0)).abs() > 1e-9
assert not changed[:-1, :-1].any()  # only the last row and column read beyond the edge
vira.glue("ex_changed", int(changed.sum()))
vira.glue("ex_new_joint", JOINTS[V - 1])

# %% [markdown]
# Recomputed entry by entry, Eq. 6 with zero padding gives exactly `graph.sample`. Repeating the
# last row and column changes {glue:text}`ex_changed` entries of the summed coarse adjacency, all
# in its last row or column. Through them the joint {glue:text}`ex_new_joint` (index 15, odd)
# enters the coarse graph: with zeros beyond the edge no odd joint is ever read. Neither rule is
# in the paper; the zero padding keeps the rule "only even joints" without exception.
#
# ```{solution-end}
# ```
#
# ## Projects
#
# 1. Train PSGCN with the paper's learning rate 1e-4 and the summed ranking loss in the `small`
#    preset. What happens to the training loss and to the test SRC?
# 2. Train one model per track, as the paper does. Which tracks gain and which lose, and why
#    does C8 give no usable estimate in the `small` preset?
# 3. Feed velocities (frame differences) as three extra input channels. Does PSGCN learn the
#    planted amplitude faster?
# 4. Find out what separates ST-GCN from PSGCN without the pyramid, where the two differ: swap
#    one difference at a time (normalisation, edge weighting, the first block's residual).

# %%
session.finish()
