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
# # 4. Appearance and RTCN
#
# Besides the skeleton, the VDV paper {cite:p}`wang2021vdv` scores a dance from what the frames
# look like: a pretrained CNN turns every frame into a 2048-d *holistic* feature (§4.3), and a
# sequence model turns the sequence into a virality score. The paper's sequence model is the
# **relational temporal convolutional network** (RTCN): a temporal convolutional network (TCN)
# {cite:p}`bai2018tcn` whose blocks are interleaved with *relational pooling*, max pooling over
# time followed by multi-head self-attention {cite:p}`vaswani2017attention`. The argument is that
# a convolution sees a window, so a TCN relates nearby frames well and distant ones poorly, while
# self-attention connects every moment with every other; the paper's example is a dance whose
# ending answers its opening.
#
# This chapter builds RTCN and its baselines (TCN, RTCN without self-attention, a two-layer LSTM
# {cite:p}`hochreiter1997lstm`) from §4.3 and §5.1, works out what a TCN can see, trains all four
# on the synthetic benchmark's holistic features (appendix {doc}`A1_synthetic_vdv`), and then tests
# the argument itself on a variant of the benchmark where the *only* signal is whether a dance
# ends in the pose it opened with.
#
# Source of this chapter: {download}`04_rtcn.py <../notebooks/04_rtcn.py>` and
# {download}`04_rtcn.ipynb <../notebooks/04_rtcn.ipynb>`.

# %% tags=["parameters"]
preset = "auto"  # smoke (CI), small (a laptop CPU), full (one GPU); see chapter 0
device = "auto"  # "cpu", "cuda" or "auto"
seed = 0  # the data set's seed; model seeds are seed, seed + 1, ...

# %%
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import torch
from scipy import stats
from IPython.display import display
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from tqdm.auto import tqdm

import vira
from vira.data.clips import FeatureClips
from vira.data.synthetic.long_range import BLEND, HOLD, LongRangeVDV
from vira.data.layout import FPS, TRACKS
from vira.data.synthetic.synthetic_vdv import SyntheticVDV
from vira.explain import attention_bins
from vira.metrics import format_mean_std, mean_std, srcc, track_srcc
from vira.models.rtcn import (POOL_AFTER, RTCN, LSTMRegressor, RelationalPooling,
                              effective_receptive_field)
from vira.book import power
from vira.book.claims import claim, evidence, findings, from_values, paper_se
from vira.book.provenance import REPO_ROOT
from vira.training.regression import TrainConfig, fit, predict
from vira.training.seeding import seed_everything
from vira.training.seeds import fit_seeds

session = vira.start(preset, device, seed)
vira.use_style()
seconds = session.preset.pick(smoke=(2.0, 4.0), small=(4.0, 8.0), full=(5.0, 15.0))
ds = SyntheticVDV(clips=session.preset.pick(smoke=12, small=0.1, full=None),  # per challenge; None: Table 1
                  seconds=seconds, seed=seed)
# The held-out test pool, as in chapter 2: a second, independent draw of the benchmark (another
# seed), every clip of which is a test clip, as large as the paper's test split (20 % of Table 1).
POOL_SEED = seed + 1000
pool = SyntheticVDV(clips=session.preset.pick(smoke=4, small=0.2, full=0.2), seconds=seconds, seed=POOL_SEED)
print(f"{len(ds):,} synthetic clips to train on, {len(pool):,} held-out test clips "
      f"({session.preset.name} preset), holistic features of 2048 per frame")

# %% [markdown]
# ## What the paper claims
#
# Table 3 of the paper scores sequence models trained on the same holistic features by Spearman
# rank correlation (SRC) on the eight single-challenge tracks and the all-challenge track; Table 5
# removes the self-attention from RTCN. The paper's TCN row and its "w/o self-attention" row
# differ, so we read them as two networks: the TCN of {cite:t}`bai2018tcn` with RTCN's layers and
# widths but no pooling blocks, and RTCN whose pooling blocks keep their max pooling and lose the
# attention.

# %%
PAPER = pd.DataFrame(
    [[0.12, 0.07, 0.16, 0.24, 0.10, 0.23, 0.37, 0.39, 0.17],
     [0.25, 0.13, 0.22, 0.35, 0.18, 0.30, 0.41, 0.42, 0.25],
     [0.24, 0.15, 0.20, 0.36, 0.17, 0.30, 0.38, 0.41, 0.25],
     [0.29, 0.17, 0.24, 0.39, 0.20, 0.33, 0.42, 0.44, 0.27]],
    index=["LSTM", "TCN", "RTCN w/o self-attention", "RTCN"], columns=list(TRACKS))
PAPER.columns.name = "paper (SRC, holistic)"
# The paper's all-challenge test split: 20 % of VDV's 4,292 clips (§3 and Table 1; §5.1: "The dataset
# partitions of all tracks are fixed with 80% training data and 20% testing data"). It sets the
# standard error of the paper's own differences (paper_se) in the claims below.
N_PAPER_TEST = round(0.2 * 4292)  # 858
PAPER

# %% [markdown]
# ## The temporal convolution block and what it can see
#
# A temporal block (Fig. 6a) applies twice: a dilated convolution over time, batch norm, ReLU and
# dropout 0.5, and adds its input back (through a $1 \times 1$ convolution where the width
# changes). Block $n$ dilates by $2^{n-1}$ for $n = 1, \dots, 6$. Two choices are ours. §4.3 draws
# kernel 3 in its illustration and §5.1, the implementation details, sets the temporal kernel to
# 7; we follow §5.1, the setting the paper trained with. §4.3 says the dilation is $2^n$ with
# $n$ "the number of the block"; we count from zero, so the first block is undilated, as in
# {cite:t}`bai2018tcn`. Before the first block a $1 \times 1$ convolution reduces the 2048-d
# input (§5.1 gives no width: we take 256, the width of the first block).
#
# **Receptive field.** A convolution with kernel $k$ and dilation $d$ widens the window a position
# sees by $(k - 1)\,d$ frames; each block has two of them. Without pooling, the last block's
# window is therefore $1 + 2 (k-1) \sum_{n=0}^{5} 2^n = 1 + 12 \cdot 63 = 757$ frames. In RTCN
# every max pooling doubles the stride of what follows, so its convolutions alone would see
# farther still, and its self-attention sees everything.

# %%
tcn_shape, rtcn_shape = RTCN(relational=False), RTCN()
rows, field, stride = [], 1, 1
for n, block in enumerate(tcn_shape.blocks):
    field += 2 * (block.kernel - 1) * block.dilation
    rows.append({"block": n + 1, "channels": block.conv1.out_channels, "dilation": block.dilation,
                 "TCN field (frames)": field, "TCN field (s at 25 fps)": field / FPS})
fields = pd.DataFrame(rows).set_index("block")
display(fields)
vira.glue("tcn_field", tcn_shape.receptive_field())
vira.glue("tcn_field_s", tcn_shape.receptive_field() / FPS)
vira.glue("rtcn_conv_field", rtcn_shape.receptive_field())
# Arithmetic on the fixed architecture (no seed, no test set, nothing uncertain): checked by assert
# at every preset against the hand computation above and recorded as a value, not as a claim.
assert fields["TCN field (frames)"].iloc[-1] == tcn_shape.receptive_field() == 757
assert tcn_shape.receptive_field() > 2 * 15 * FPS, "a TCN's last block sees more than twice the longest clip"
_ = vira.results.record(session, "VDV", "RTCN architecture check", "a TCN's last block sees more than twice the "
                        "longest VDV clip", "receptive field (frames at 25 fps)", tcn_shape.receptive_field(),
                        section="the-temporal-convolution-block-and-what-it-can-see",
                        note="asserted == 757 > 2 x 15 s x 25 fps (every preset); kernel 7, dilations 1 to 32")

# %% [markdown]
# So a TCN's last block sees {glue:text}`tcn_field` frames, {glue:text}`tcn_field_s:.1f` s at
# 25 fps: more than twice the longest VDV clip (15 s, Table 1 of the paper). Every position of the
# last block therefore sees the *whole* clip, and the TCN is not local in the sense of what it
# *can* see. It can only be local in what it *does* see: a deep network's output tends to depend
# mostly on the centre of its window, the *effective* receptive field {cite:p}`luo2016erf`. We
# measure it as the gradient of one output position (the centre of a 15-s clip, projected on the
# score) with respect to every input frame, for an untrained TCN and an untrained RTCN. The figure
# shows one initialisation of each; the claims below use {glue:text}`erf_seeds` initialisations,
# since an untrained network's profile depends on its random weights.

# %%
probe = LongRangeVDV(4, (14.6, 15.0), seed=seed).clip(0).holistic[None]


def central_share(erf, half_width):
    """Share of the effective receptive field within +-half_width frames of the centre."""
    c = len(erf) // 2
    return float(erf[c - half_width:c + half_width + 1].sum())


erf = {}
for name, kwargs in {"TCN": dict(relational=False), "RTCN": {}}.items():
    torch.manual_seed(seed)
    erf[name] = effective_receptive_field(RTCN(**kwargs), probe).numpy()
fig, ax = plt.subplots(figsize=(9, 3.4))
t_axis = np.arange(probe.shape[1]) / FPS
for name, profile in erf.items():
    ax.plot(t_axis, profile, label=f"{name} (untrained)")
ax.set(xlabel="input frame (s)", ylabel="share of |gradient|",
       title="Effective receptive field of the centre position")
ax.legend()
plt.show()
ERF_SEEDS = 5  # initialisations seed, seed + 1, ...; the first is the one drawn above
shares = {name: [central_share(p, int(FPS))] for name, p in erf.items()}
with torch.random.fork_rng(devices=[]):  # the further initialisations leave the global generator as it was
    for s in range(1, ERF_SEEDS):
        for name, kwargs in {"TCN": dict(relational=False), "RTCN": {}}.items():
            torch.manual_seed(seed + s)
            shares[name].append(central_share(effective_receptive_field(RTCN(**kwargs), probe).numpy(), int(FPS)))
print({name: np.round(v, 3).tolist() for name, v in shares.items()},
      "of the gradient within +-1 s of the centre, per initialisation")
vira.glue("erf_seeds", ERF_SEEDS)
vira.glue("erf_tcn_1s", float(np.mean(shares["TCN"])))
vira.glue("erf_rtcn_1s", float(np.mean(shares["RTCN"])))
vira.glue("erf_uniform_1s", (2 * int(FPS) + 1) / probe.shape[1])  # the share of a flat profile
# Evidence from values: the probe is one fixed clip (no test set is sampled), and what varies is
# the network's initialisation, so the spread over initialisations is the whole uncertainty.
for name in erf:
    claim(session, f"claim_erf_{name.lower()}", paper="ours",
          statement=f"an untrained {name} takes most of its gradient from within 1 s of the centre",
          metric=f"share of the effective receptive field within +-1 s of the centre of a 15-s clip, "
                 f"untrained {name}",
          ev=from_values(shares[name], n_test=1), null=0.5, direction=+1, expect="reproduced",
          section="the-temporal-convolution-block-and-what-it-can-see")
# a property of the architecture (attention connects every position), not a finding
assert (erf["RTCN"] > 0).all(), "every frame reaches an RTCN position"

# %% [markdown]
# An untrained TCN takes on average {glue:text}`erf_tcn_1s:.0%` of its gradient from the two
# seconds around the centre of a 15-s clip, and an untrained RTCN {glue:text}`erf_rtcn_1s:.0%`;
# a flat profile would give {glue:text}`erf_uniform_1s:.0%`.
#
# - {glue:text}`claim_erf_tcn`
# - {glue:text}`claim_erf_rtcn`
#
# At initialisation RTCN's attention is close to uniform (we measure this below) and its residual
# path carries the convolutions' local view. So where RTCN, too, draws most of its gradient from
# the centre, its reach across the clip is not given by the architecture alone: whatever RTCN
# gains from attention, it must learn.
#
# ## Relational pooling (Eq. 10-11)
#
# A relational pooling block halves the length by max pooling, then lets every position gather
# from every other. With $I \in \mathbb{R}^{T' \times C}$ the pooled sequence and $H = 4$ heads of
# $C' = C / H$ channels, head $h$ applies scaled dot-product attention to its own projections of
# $I$,
#
# $$
# \mathrm{head}_h = \mathrm{softmax}\!\left(\frac{(I W_h^Q)(I W_h^K)^\top}{\sqrt{C'}}\right) I W_h^V,
# \tag{10}
# $$
#
# and the block joins the heads:
#
# $$
# O = \mathrm{LayerNorm}\big(\mathrm{Concat}(\mathrm{head}_1, \dots, \mathrm{head}_H)\, W^O + I\big).
# \tag{11}
# $$
#
# We compute the heads with PyTorch's fused `scaled_dot_product_attention`, and recompute the
# softmax weights only for figures. There are no position encodings (the paper gives none): a head
# compares *contents*, and positions enter only through what the convolutions before it encode.
#
# **Padding and missing frames.** Clips differ in length, so a batch is zero-padded, and a mask
# marks real frames. The mask reaches every part: each convolution round re-zeroes masked frames,
# so a real frame sees padding exactly as it sees the convolution's own zero padding; max pooling
# treats masked frames as $-\infty$; masked positions are left out of the attention's keys, so no
# real position gathers from them; the final average runs over real positions only. A clip's score
# is therefore the same alone or padded in a batch (checked below on a trained model, and in the
# unit tests).
#
# **A hand example.** Four heads of one channel each ($C = 4$), every projection the identity, and
# four input frames that max pooling turns into two positions, $I_1 = (1, 0, 0, 0)$ and
# $I_2 = (0, 1, 0, 0)$. Head 1 has queries, keys and values $(1, 0)$: position 1 scores
# $(1 \cdot 1, 1 \cdot 0) / \sqrt{1}$, so its weights are $(e, 1) / (e + 1) = (0.731, 0.269)$ and
# its output is $0.731$; position 2 scores $(0, 0)$, weights $(0.5, 0.5)$, output $0.5$. Head 2
# mirrors it, heads 3 and 4 see only zeros. So position 1 gets $(0.731, 0.5, 0, 0)$, plus the
# residual $(1, 0, 0, 0)$, $= (1.731, 0.5, 0, 0)$, whose mean is $0.558$ and standard deviation
# $0.7075$: layer normalisation gives $(1.658, -0.082, -0.788, -0.788)$.

# %%
# NBVAL_CHECK_OUTPUT
hand = RelationalPooling(4, heads=4).eval()
with torch.no_grad():
    hand.qkv.weight.copy_(torch.cat([torch.eye(4)] * 3))  # W^Q = W^K = W^V = identity
    hand.out.weight.copy_(torch.eye(4))  # W^O = identity
frames = torch.tensor([[1.0, 0.5, 0.0, 0.0], [0.0, 0.0, 1.0, 0.2],
                       [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])  # (C, T) = (4, 4)
with torch.no_grad():
    out, _ = hand(frames[None], torch.ones(1, 4))
weights = hand.attention_weights(frames[None], torch.ones(1, 4))
print("head 1 weights of position 1:", weights[0, 0, 0].numpy().round(3))
print("output of position 1:", out[0, :, 0].numpy().round(3))
assert torch.allclose(weights[0, 0, 0], torch.tensor([0.7311, 0.2689]), atol=1e-4)
assert torch.allclose(out[0, :, 0], torch.tensor([1.658, -0.082, -0.788, -0.788]), atol=1e-3)

# %% [markdown]
# ## The networks
#
# RTCN has six temporal blocks of widths 256, 256, 512, 512, 1024, 1024 and relational pooling
# after blocks 2, 4 and 6 (§4.3), then an average over time and a linear layer. The table gives
# the shape (C, T) after every block for a 15-s clip at 25 fps, and the parameter counts.

# %%
def block_shapes(model, frames=375):
    shapes = []
    hooks = [b.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape[1:])))
             for b in model.blocks]
    keep = []
    with torch.no_grad():
        model.eval().features(torch.zeros(1, frames, 2048), keep=keep)
    for h in hooks:
        h.remove()
    return shapes


NETWORKS = {"RTCN": lambda: RTCN(), "RTCN w/o self-attention": lambda: RTCN(attention=False),
            "TCN": lambda: RTCN(relational=False), "LSTM": lambda: LSTMRegressor()}
shapes = pd.DataFrame({name: block_shapes(NETWORKS[name]()) for name in NETWORKS if name != "LSTM"},
                      index=pd.RangeIndex(1, 7, name="block"))
display(shapes)
params = pd.Series({name: sum(p.numel() for p in build().parameters())
                    for name, build in NETWORKS.items()}, name="parameters")
display(params.to_frame().T)
assert shapes["RTCN"].tolist() == [(256, 375), (256, 375), (512, 188), (512, 188), (1024, 94),
                                   (1024, 94)]
assert shapes["TCN"].iloc[-1] == (1024, 375) and POOL_AFTER == (1, 3, 5)
attention_params = params["RTCN"] - params["RTCN w/o self-attention"]
assert attention_params == sum(4 * c * c + 2 * c for c in (256, 512, 1024))
vira.glue("attention_params_m", attention_params / 1e6)
vira.glue("rtcn_params_m", params["RTCN"] / 1e6)

# %% [markdown]
# The three attention layers add {glue:text}`attention_params_m:.1f` M of RTCN's
# {glue:text}`rtcn_params_m:.1f` M parameters ($W^Q, W^K, W^V, W^O$ are $C \times C$ each).
#
# ## Training on the holistic features
#
# **Data.** The synthetic VDV benchmark's holistic stream: a fixed random map of what a whole
# frame shows (the body's pose, the face's attractiveness and expression, the scene's quality and
# type, lighting, camera shake, a per-clip style), 2048-d and non-negative, 25 per second.
# So the holistic stream carries all three planted parts of the virality score $z$ (movement,
# face, scene), each in its own way.
#
# **Recipe.** §5.1: Adam with batch size 8, the learning rate halved every 10 epochs, MSE plus
# the margin ranking loss (Eq. 13-14). As in chapter 2 we depart from it where a CPU preset
# forces us, and say so:
#
# - *Learning rate 3e-4, not 1e-4.* In a few CPU epochs the networks barely move at 1e-4; at
#   1e-3 (chapter 2's choice) these much larger networks start with loss spikes.
# - *The ranking term is the mean over pairs* (margin 0), as in chapter 2.
# - *One model per run on the all-challenge split*, scored on every track's held-out clips.
# - *A held-out test pool* (as in chapter 2): we train on the benchmark's 80 % training split and
#   test on a second, independent draw of the benchmark, as large as the paper's test split.
# - *Frame rate.* The `small` preset keeps every fifth holistic frame (5 fps), `full` all 25;
#   training and evaluation use whole clips.

# %%
step = session.preset.pick(smoke=10, small=5, full=1)
# small: 5 seeds, from the power plan of the last run (3 seeds, 860 held-out clips): in the two open
# claims, RTCN minus the TCN and minus its ablation, the spread over seeds (per-seed differences
# +0.04, +0.23, +0.15 and +0.08, +0.14, +0.01) outweighed the test clips' error (0.026) about
# twofold, and with 3 seeds the seed part has 2 degrees of freedom (t = 4.3). Two more seeds of
# every network shrink both; more test clips would not. `full` trains 30 epochs instead of 5, and
# its seeds stay 3 until a GPU run shows how far its seeds spread.
n_seeds = session.preset.pick(smoke=1, small=5, full=3)
config = TrainConfig(epochs=session.preset.pick(smoke=1, small=5, full=30), lr=3e-4,
                     reduction="mean", progress=False)
train_idx, _ = ds.track("all")  # the training split of the benchmark
test_idx = np.arange(len(pool))  # every clip of the held-out pool
train = FeatureClips(ds, train_idx, step=step, train=True)
test = FeatureClips(pool, test_idx, step=step)
for data in (train, test):  # generate every clip's features once, up front
    for k in tqdm(range(len(data)), desc="features", mininterval=2, disable=session.preset.name == "smoke"):
        data.features(k)
recipe = pd.Series({"clips (train / held-out test)": f"{len(train_idx)} / {len(test_idx)}",
                    "frame step": step, "frames per clip (mean)": ds.table.frames.mean() / step,
                    "seeds": n_seeds,
                    **{k: v for k, v in vars(config).items() if k not in ("extra", "progress", "seed")}})
recipe.to_frame("value")

# %%
preds, trained = fit_seeds(NETWORKS, train, test, config, session.device, [seed + s for s in range(n_seeds)],
                           desc="networks")

# %% [markdown]
# ## Results
#
# SRC on each track's held-out clips, mean ± standard deviation over seeds; the oracle row is the
# SRC of the planted score $z$ itself on the same clips. Then, on all held-out clips, how much of
# each planted part every model recovers.

# %%
label = pool.table.label.to_numpy()  # the held-out pool's truth (every row is a test clip)
challenge = pool.table.challenge.to_numpy()[test_idx]


scores = {(m, s): track_srcc(preds[m, s], label[test_idx], challenge, TRACKS)
          for m in NETWORKS for s in range(n_seeds)}
ours = pd.DataFrame({t: {m: format_mean_std([scores[m, s][k] for s in range(n_seeds)], 2).split(" (")[0]
                         for m in NETWORKS} for k, t in enumerate(TRACKS)})
ours.loc["oracle ceiling"] = [f"{pool.oracle_ceiling(t, split='all'):.2f}" for t in TRACKS]
ours.loc["test clips"] = [str(int((challenge == t).sum())) if t != "all" else str(len(test_idx))
                          for t in TRACKS]
ours.columns.name = f"ours, {session.preset.name} preset (SRC, holistic)"
display(PAPER)
display(ours)


def record(table, row, metric, values, **kwargs):
    """vira.results.record for one of this chapter's VDV numbers (the reproduction report, chapter 9).
    A value that is not finite is not recorded: the reason is printed instead."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    if not np.isfinite(values).all():
        print(f"not recorded for chapter 9: {table}, {row!r}, {metric}: {values}")
        return
    vira.results.record(session, "VDV", table, row, metric, values, **kwargs)


for m in NETWORKS:  # every number of the two tables (holistic features), one value per seed
    for k, t in enumerate(TRACKS):
        record("Table 5" if m == "RTCN w/o self-attention" else "Table 3", m,
               f"SRC, {'all challenges' if t == 'all' else t}", [scores[m, s][k] for s in range(n_seeds)],
               paper_value=PAPER.loc[m, t], oracle=pool.oracle_ceiling(t, split="all"), section="results",
               note="holistic stream")

# %%
parts = {"label": label, "z": pool.table.z.to_numpy(), "movement": pool.table.move.to_numpy(),
         "face": pool.table.face.to_numpy(), "scene": pool.table.scene.to_numpy()}
summary = pd.DataFrame({m: {f"SRC with {p}": mean_std([srcc(preds[m, s], v[test_idx])
                                                        for s in range(n_seeds)])[0]
                            for p, v in parts.items()} for m in NETWORKS}).T
summary["std over seeds (label)"] = [mean_std([srcc(preds[m, s], label[test_idx])
                                               for s in range(n_seeds)])[1] for m in NETWORKS]
for m in NETWORKS:
    for p, v in parts.items():
        if p != "label":  # the label is Table 3's all-challenge column, recorded above
            record("planted truth", m, f"SRC with planted {p}, all challenges",
                   [srcc(preds[m, s], v[test_idx]) for s in range(n_seeds)], section="results",
                   note="holistic stream")
summary.round(3)

# %%
src = summary["SRC with label"]
for key, m in {"rtcn": "RTCN", "nosa": "RTCN w/o self-attention", "tcn": "TCN", "lstm": "LSTM"}.items():
    vira.glue(f"{key}_src", float(src[m]))
    vira.glue(f"{key}_face", float(summary.loc[m, "SRC with face"]))
    vira.glue(f"{key}_move", float(summary.loc[m, "SRC with movement"]))
    vira.glue(f"{key}_std", float(summary.loc[m, "std over seeds (label)"]))
vira.glue("oracle_all", pool.oracle_ceiling("all", split="all"))
# The TCN's spread over seeds next to RTCN's, written as a sentence by the comparison itself: where
# it is several times RTCN's, the TCN's score depends on its seed far more than RTCN's does, and part
# of RTCN's margin over it may be that instability rather than relational pooling. (Only training
# losses are recorded, no curve of test SRC over epochs, so the sentence says "may", not "is".)
seed_std = summary["std over seeds (label)"]
tcn_seeds = [scores["TCN", s][TRACKS.index("all")] for s in range(n_seeds)]  # all-challenge SRC per seed
tcn_ratio = float(seed_std["TCN"] / seed_std["RTCN"]) if n_seeds > 1 and seed_std["RTCN"] > 0 else float("nan")
if tcn_ratio >= 2:
    tcn_spread = (f"The same holds for the first claim: the TCN's SRC spreads over seeds by {seed_std['TCN']:.2f}, "
                  f"{tcn_ratio:.1f} times RTCN's, and its weakest seed reaches {min(tcn_seeds):.2f} against "
                  f"{max(tcn_seeds):.2f} for its best. The TCN's {config.epochs}-epoch result depends on its seed "
                  f"far more than RTCN's, so part of RTCN's margin over the TCN may be that instability rather "
                  f"than relational pooling alone.")
elif tcn_ratio < 2:
    tcn_spread = (f"The first claim is not of that kind: the TCN's SRC spreads over seeds by {seed_std['TCN']:.2f}, "
                  f"{tcn_ratio:.1f} times RTCN's, so RTCN's margin over it does not rest on a few unstable runs.")
else:  # one seed: no spread to compare
    tcn_spread = "With one seed there is no spread over seeds to compare."
vira.glue("tcn_spread", tcn_spread)  # small, run before same_conv: 0.100 against RTCN's 0.018
best = src.idxmax()
vira.glue("best_holistic", best)
vira.glue("n_test", len(test_idx))
vira.glue("n_paper_test", N_PAPER_TEST)

# %% [markdown]
# ### The claims
#
# Each claim below is decided by one rule (`vira.book.claims`): the 95 % interval of the
# claimed quantity, a mean over the seeds of an all-challenge SRC (or of the difference of two
# networks' SRCs, paired by seed and computed on the same {glue:text}`n_test` test clips). The
# interval adds the spread over seeds to the bootstrap error of the finite test set. A claim is
# *reproduced* when the interval lies on the claimed side of its threshold, *contradicted* when
# it lies on the other side, *absent* when it holds the threshold but rules out the paper's own
# difference, and *inconclusive* otherwise. Next to a paper's difference we give its standard
# error at the paper's own test size ({glue:text}`n_paper_test` clips, 20 % of VDV), treating
# its two rows as independent: an upper bound.
#
# First the three claims of the paper's Tables 3 and 5 for the all-challenge track.

# %%
y = label[test_idx]
P = {m: np.stack([preds[m, s] for s in range(n_seeds)]) for m in NETWORKS}  # (seeds, test clips) per network
pa = PAPER["all"]
# The expectations are those of the `small` preset: 5 seeds on the 860 held-out clips. On the
# benchmark's own 88 test clips, two small runs gave per-seed differences that disagreed by up to
# 0.4 (RTCN minus TCN, and minus its ablation): there the seeds, not the test clips, set the width,
# and ten times the clips do not change that; the run before this one had RTCN and the LSTM within
# 0.001 of each other on both seeds, where more clips can rule out the paper's +0.10 ("absent").
# So each claim may be reproduced, stay open, or see the paper's difference ruled out; a reversal
# (the other network significantly better) would fail the chapter.
# At `smoke` one epoch teaches the networks little and 32 test clips decide a difference of two
# barely trained networks by chance: these claims carry no expectation there.
TRAINED = session.preset.name != "smoke"
for name, other, statement, table in (
        ("claim_rtcn_tcn", "TCN", "RTCN ranks clips better than the TCN", "Table 3"),
        ("claim_rtcn_lstm", "LSTM", "RTCN ranks clips better than the LSTM", "Table 3"),
        ("claim_attention", "RTCN w/o self-attention",
         "relational pooling's self-attention helps: RTCN ranks clips better than RTCN without it", "Table 5")):
    claim(session, name, paper="VDV", central=True, statement=f"{statement} ({table})",
          metric=f"SRC of RTCN minus {other}, all challenges, holistic features",
          ev=evidence(srcc, P["RTCN"], y, P[other], seed=session.seed), null=0.0, direction=+1,
          paper_estimate=round(pa["RTCN"] - pa[other], 2),
          paper_se=paper_se("spearman", pa["RTCN"], N_PAPER_TEST, pa[other]),
          expect=("reproduced", "inconclusive", "absent") if TRAINED else None, section="results")
vira.glue("paper_se_attention", paper_se("spearman", pa["RTCN"], N_PAPER_TEST, pa["RTCN w/o self-attention"]))

# %% [markdown]
# Then the chapter's own claims about its benchmark: that the three sequence networks of Table 3
# learn (their SRC is above chance, 0), that the best network stays below the oracle ceiling, and
# which planted part each network reads: its SRC with the planted face appeal minus its SRC with
# the planted movement quality, on the same test clips.

# %%
# small preset: on the benchmark's own 88 test clips an SRC had a test-set standard error near 0.1,
# and the last runs' RTCN (+0.34 and +0.15), TCN (+0.18 and +0.27) and LSTM (+0.29 and +0.26) lay
# two to three of them above chance; the 860 held-out clips cut that error about threefold, but
# RTCN's seeds still disagree: each may or may not be decided.
for m in ("RTCN", "TCN", "LSTM"):
    claim(session, f"claim_learn_{m.lower()}", paper="ours",
          statement=f"{m} learns from the holistic features: its SRC is above chance",
          metric="SRC, all challenges, holistic features", ev=evidence(srcc, P[m], y, seed=session.seed),
          null=0.0, direction=+1, expect=("reproduced", "inconclusive"), section="results")
# the last small run's best network (the LSTM, 0.27) lies some five standard errors below the oracle
claim(session, "claim_oracle", paper="ours", statement="the best sequence network stays below the oracle ceiling",
      metric="SRC of the best network by mean SRC, all challenges, holistic features",
      ev=evidence(srcc, P[best], y, seed=session.seed), null=pool.oracle_ceiling("all", split="all"), direction=-1,
      expect="reproduced", section="results")
face_test, move_test = parts["face"][test_idx], parts["movement"][test_idx]


def face_minus_movement(pred, items):
    """SRC of ``pred`` with the planted face minus its SRC with the planted movement, on the test
    clips ``items`` (positions in the test split, passed as the target so that the bootstrap of
    vira.book.claims.evidence resamples the clips of both SRCs together)."""
    k = items.astype(int)
    return srcc(pred, face_test[k]) - srcc(pred, move_test[k])


# small preset: an earlier run's differences were +0.62 and +0.50 (RTCN), +0.52 and +0.49 (TCN),
# +0.60 and +0.44 (LSTM), several test-set standard errors above zero; the ablation's -0.05 and
# +0.25 may or may not be decided. The seed spread dominates these intervals: the last run, with
# 5 seeds, decided RTCN's, the ablation's and the LSTM's and left the TCN's open (+0.28
# [-0.08, +0.65]; one TCN seed's SRC was -0.03), so the TCN, the ablation and the LSTM may end
# either way.
EXPECT_FACE = {"RTCN": "reproduced", "RTCN w/o self-attention": ("reproduced", "inconclusive"),
               "TCN": ("reproduced", "inconclusive"), "LSTM": ("reproduced", "inconclusive")}
items = np.arange(len(test_idx))
for m, expected in EXPECT_FACE.items():
    claim(session, "claim_face_" + {"RTCN w/o self-attention": "nosa"}.get(m, m.lower()), paper="ours",
          statement=f"{m} reads the planted face better than the planted movement",
          metric="SRC with the planted face minus SRC with the planted movement, all challenges, "
                 "holistic features",
          ev=evidence(face_minus_movement, P[m], items, seed=session.seed), null=0.0, direction=+1,
          expect=expected, section="results")

# %% [markdown]
# On the all-challenge track RTCN scores SRC {glue:text}`rtcn_src:.2f`, RTCN without
# self-attention {glue:text}`nosa_src:.2f`, the TCN {glue:text}`tcn_src:.2f` and the LSTM
# {glue:text}`lstm_src:.2f` (paper: 0.27, 0.25, 0.25 and 0.17); the oracle would reach
# {glue:text}`oracle_all:.2f`. The best is {glue:text}`best_holistic`. The paper's claims:
#
# - {glue:text}`claim_rtcn_tcn`
# - {glue:text}`claim_rtcn_lstm`
# - {glue:text}`claim_attention`
#
# The paper's ablation difference (0.02) is itself small next to the standard error its test split
# gives a difference of two SRCs ({glue:text}`paper_se_attention:.3f`, treating the two rows as
# independent; paired, it is smaller). Each sentence above gives the smallest effect our
# run detects on its {glue:text}`n_test` test clips; where that is larger than the paper's
# difference, an inconclusive verdict says the run is too small to tell.
#
# The ablation deserves a second look. RTCN without self-attention is RTCN with its three
# attention layers removed and its max pooling kept, so it differs from RTCN only in what the
# attention adds, a residual connection through a layer norm after each pooling. Its SRC spreads
# over seeds by {glue:text}`nosa_std:.2f` (standard deviation), RTCN's by
# {glue:text}`rtcn_std:.2f`. Where one network's spread is much the larger, the difference
# between the two says more about whether a short training run settled than about attention, and
# the interval above is wide for that reason. An ablation measures a training run as much as an
# idea (exercise 6). {glue:text}`tcn_spread`
#
# The chapter's own claims:
#
# - {glue:text}`claim_learn_rtcn`
# - {glue:text}`claim_learn_tcn`
# - {glue:text}`claim_learn_lstm`
# - {glue:text}`claim_oracle`
#
# The breakdown by planted part says what the holistic models learn: RTCN's SRC with the planted
# face appeal is {glue:text}`rtcn_face:.2f` and with the planted movement quality
# {glue:text}`rtcn_move:.2f`.
#
# - {glue:text}`claim_face_rtcn`
# - {glue:text}`claim_face_nosa`
# - {glue:text}`claim_face_tcn`
# - {glue:text}`claim_face_lstm`
#
# The features explain why a network would read the face more easily. In the holistic features
# the face is a constant offset in every frame, which an average over time reads off directly; the
# movement quality is a matter of how large and how steady the motion is, spread thinly over 32 of
# the 48 inputs of the feature map. A model that wants the movement must look at the skeleton
# (chapter 2) or be fused with it (chapter 5).
#
# As in chapter 2, the single-challenge columns rest on a few test clips each (last row of the
# table), so the all-challenge column is the one to compare.

# %%
fig, ax = plt.subplots(figsize=(9, 3.2))
plot = pd.DataFrame([(m, s, row[-1]) for (m, s), row in scores.items()], columns=["model", "seed", "SRC"])
sns.stripplot(plot, x="SRC", y="model", order=list(NETWORKS), size=8, ax=ax,
              color=sns.color_palette(vira.book.plots.PALETTE)[0])
ax.axvline(pool.oracle_ceiling("all", split="all"), color="k", ls="--", label="oracle ceiling")
ax.axvline(0, color="grey", lw=0.8)
ax.set(title="All-challenge track, holistic features: SRC on the held-out clips (one dot per seed)",
       ylabel="")
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# ### What would decide the open claims
#
# As in chapter 2, the power plan (`vira.book.power`) splits each claim's variance into its seed
# and test-clip parts and names the cheapest size, in seeds x test clips, that would detect our
# effect or the paper's. Where the seed share is large, more held-out clips no longer help: only
# more seeds, or training that settles the same way every time, would.

# %%
power.plan_table(session.results)

# %% [markdown]
# ## A controlled long-range test
#
# The paper's argument for RTCN is about distant relations, and the benchmark above hardly has
# any. So we built a variant in which a relation between the first and the last second is *all*
# there is (`vira.data.synthetic.long_range`). A dancer holds an opening pose for {glue:text}`hold_s:.0f` s
# (one of four poses, six limb angles each), blends into a fixed routine for most of the clip,
# and ends holding a pose for the last {glue:text}`hold_s:.0f` s. In half of the clips, chosen at
# random, the closing pose is the opening pose; in the other half it is one of the other three.
# The label is 1 for a match and 0 otherwise. Neither end alone says anything about the label
# (every pose opens and closes equally often in both classes), and faces, scenes, the dancer's
# quality and the clip's length carry no signal. The best possible score is known, a perfect ROC
# AUC of 1, and chance is 0.5.
#
# The networks are trained as above, on the holistic stream of this variant, and tested on a
# held-out draw of it (another seed, as for the benchmark). As a reference we also fit a logistic
# regression told *where* to look: its input is the absolute difference between the mean feature
# of the first and of the last second. It shows the relation is there to be found, and simple once
# found.
#
# This test is a *positive control* for the paper's mechanism: before "RTCN relates distant
# moments no better than a TCN" can count against the paper, RTCN must be seen to learn the
# planted relation at all. So we train each network one epoch at a time and score the held-out
# clips after every epoch: a learning curve. (`fit` makes its own Adam optimiser, so each epoch
# starts Adam's moment estimates afresh and the learning rate is not halved: a small departure
# from one long run, the price of watching it.)

# %%
vira.glue("hold_s", HOLD)
LR_CLIPS = dict(smoke=40, small=400, full=4000)  # clips drawn; 80 % of them train
LR_SECONDS = dict(smoke=(4.0, 6.0), small=(4.0, 10.0), full=(5.0, 15.0))
LR_EPOCHS = dict(smoke=2, small=12, full=30)
LR_SEEDS = dict(smoke=1, small=1, full=3)
lr_clips, lr_seconds = session.preset.pick(**LR_CLIPS), session.preset.pick(**LR_SECONDS)
lr_epochs, lr_seeds = session.preset.pick(**LR_EPOCHS), session.preset.pick(**LR_SEEDS)
longr = LongRangeVDV(lr_clips, lr_seconds, seed=seed)
lr_train_idx, _ = longr.track("all")  # the variant's training split
lr_pool = LongRangeVDV(session.preset.pick(smoke=20, small=400, full=800), lr_seconds, seed=seed + 1000)
lr_test_idx = np.arange(len(lr_pool))  # every clip of the held-out draw
lr_train = FeatureClips(longr, lr_train_idx, step=step, train=True)
lr_test = FeatureClips(lr_pool, lr_test_idx, step=step)
y_lr = longr.table.label.to_numpy()  # the training clips' labels (indexed by lr_train_idx)
y_lr_test = lr_pool.table.label.to_numpy()
secs = lr_pool.table.seconds.to_numpy()
print(f"{len(lr_train_idx)} training and {len(lr_test_idx)} held-out test clips of "
      f"{lr_seconds[0]:.0f}-{lr_seconds[1]:.0f} s; {y_lr.mean():.0%} match")


def end_means(data, k, seconds=HOLD):
    """The mean feature of the first and of the last second of item k: two (D,) tensors."""
    x = data.features(k)[0]
    n = max(1, int(round(seconds * FPS / step)))
    return x[:n].mean(0), x[-n:].mean(0)


def ends(data, k):
    """|mean feature of the first second - mean feature of the last second| of item k (D,)."""
    first, last = end_means(data, k)
    return (first - last).abs().numpy()


told = LogisticRegression(max_iter=2000).fit(
    np.array([ends(lr_train, k) for k in range(len(lr_train))]), y_lr[lr_train_idx])
lr_preds = {"told where to look": told.predict_proba(
    np.array([ends(lr_test, k) for k in range(len(lr_test))]))[:, 1]}
LR_NETWORKS = ["RTCN", "TCN", "LSTM"]
lr_models, curves = {}, []
bar = tqdm(total=len(LR_NETWORKS) * lr_seeds * lr_epochs, desc="long-range networks (epochs)",
           mininterval=5, disable=session.preset.name == "smoke")
for s in range(lr_seeds):
    for name in LR_NETWORKS:
        seed_everything(seed + s)
        model = NETWORKS[name]()
        for epoch in range(1, lr_epochs + 1):
            history = fit(model, lr_train, TrainConfig(**{**vars(config), "epochs": 1,
                                                          "seed": (seed + s) * 1000 + epoch}), session.device)
            p = predict(model, lr_test, session.device)
            curves.append({"model": name, "seed": s, "epoch": epoch, "AUC": roc_auc_score(y_lr_test, p),
                           "training loss": history[-1]["total"]})
            bar.update()
        lr_preds[name, s] = p  # the last epoch's predictions decide the claims below
        if s == 0:
            lr_models[name] = model.cpu()
bar.close()
curves = pd.DataFrame(curves)

# %%
median_s = float(np.median(secs))
rows = []
for key, p in lr_preds.items():
    name = key if isinstance(key, str) else key[0]
    test_y = y_lr_test
    rows.append({"model": name, "seed": None if isinstance(key, str) else key[1],
                 "AUC": roc_auc_score(test_y, p),
                 f"AUC, clips < {median_s:.1f} s": roc_auc_score(test_y[secs < median_s], p[secs < median_s]),
                 f"AUC, clips >= {median_s:.1f} s": roc_auc_score(test_y[secs >= median_s], p[secs >= median_s])})
long_range = pd.DataFrame(rows).groupby("model", sort=False).mean(numeric_only=True).drop(columns="seed")
long_range.round(3)

# %%
auc = long_range["AUC"]
for key, m in {"told": "told where to look", "rtcn": "RTCN", "tcn": "TCN", "lstm": "LSTM"}.items():
    vira.glue(f"lr_{key}", float(auc[m]))
vira.glue("lr_n_test", len(lr_test_idx))


def roc_auc(pred, target):
    """ROC AUC of ``pred`` for the 0/1 ``target``; nan on a bootstrap resample that holds one class
    only (vira.book.claims.evidence leaves such resamples out)."""
    return float(roc_auc_score(target, pred)) if 0 < target.sum() < len(target) else float("nan")


told_pred = lr_preds["told where to look"]
LP = {m: np.stack([lr_preds[m, s] for s in range(lr_seeds)]) for m in LR_NETWORKS}  # (seeds, test clips)
for key in ["told where to look", *LR_NETWORKS]:
    per_seed = ([roc_auc(told_pred, y_lr_test)] if key == "told where to look" else
                [roc_auc(LP[key][s], y_lr_test) for s in range(lr_seeds)])
    record("long-range test (ours)", key, "ROC AUC, match vs no match", per_seed, oracle=1.0,
           section="a-controlled-long-range-test",
           note=f"{len(lr_test_idx)} test clips of {lr_seconds[0]:g}-{lr_seconds[1]:g} s; chance 0.5")
# A check of the test's design, not a finding: the relation is there, and simple once found. (Not a
# claim: a perfect AUC is perfect on every bootstrap resample, which leaves no interval to decide.)
assert auc["told where to look"] > 0.95, "the long-range relation is there to be found"
LR_MARGIN = 0.2  # AUC below the told-where-to-look model that counts as not finding the relation
# small preset (one seed, now 400 held-out clips): the last small runs (6 epochs) left every network
# 0.42 to 0.52 below the told model (AUC 0.48 to 0.57 against 1.00), several standard errors beyond
# the margin, and trial runs of RTCN alone (9 epochs) and the LSTM alone (35 epochs, its training
# loss near zero) stayed below 0.65. Trial runs outside the chapter (December 2026, 2-core CPU) found
# no CPU budget that learns it either: the LSTM on 2,560 training clips of 4-10 s stayed at AUC
# 0.49-0.52 for 3 epochs (70 s each), and on 800 of the shortest clips (lr 1e-3) at 0.46-0.49 for
# 8 epochs; RTCN on 800 of the shortest clips at 0.47-0.52 for 6 epochs (55 s each). Handed the
# two ends, a 64-unit perceptron reached 0.97 from those 800 clips.
# The full preset (30 epochs, 3,200 training clips) is the run that may find the relation, so there
# the claim is reported but not asserted.
found = {}
for m in LR_NETWORKS:
    found[m] = claim(
        session, f"claim_lr_{m.lower()}", paper="ours",
        statement=f"{m} does not find the long-range relation at this budget: its AUC stays more than "
                  f"{LR_MARGIN} below the model told where to look",
        metric="ROC AUC minus the told-where-to-look model's, long-range test",
        ev=evidence(roc_auc, LP[m], y_lr_test, told_pred, seed=session.seed), null=-LR_MARGIN, direction=-1,
        expect=session.preset.pick(smoke="reproduced", small="reproduced", full=None),
        section="a-controlled-long-range-test")
# The positive control: RTCN, the network with the mechanism, has learnt the planted relation when
# its AUC came within the margin of the told model's (the claim above contradicted).
control_learnt = found["RTCN"]["verdict"] == "contradicted"
vira.glue("lr_control", "RTCN learnt the planted relation, so the comparison below is a test of the "
          "mechanism" if control_learnt else
          "RTCN did not learn the planted relation at this budget: the positive control failed, so the "
          "comparison below is shown but decides nothing (it is recorded as a value, not as a claim)")
# The paper's argument for RTCN (§4.3), tested where it is all there is, and only where the control
# passed: a network that has not learnt the relation says nothing about its mechanism. Where it
# passed, "reproduced" or an open interval are expected.
for other in ("TCN", "LSTM"):
    statement = (f"self-attention relates distant moments that {'an' if other == 'LSTM' else 'a'} {other} "
                 f"cannot: RTCN tells a dance that ends as it opened better than the {other}")
    metric = f"ROC AUC of RTCN minus the {other}'s, long-range test"
    if control_learnt:
        claim(session, f"claim_lr_rtcn_{other.lower()}", paper="VDV", statement=statement, metric=metric,
              ev=evidence(roc_auc, LP["RTCN"], y_lr_test, LP[other], seed=session.seed), null=0.0,
              direction=+1, expect=("reproduced", "inconclusive"), section="a-controlled-long-range-test")
        continue
    diff = [roc_auc(LP["RTCN"][s], y_lr_test) - roc_auc(LP[other][s], y_lr_test) for s in range(lr_seeds)]
    record("long-range test (ours)", f"RTCN minus {other}", "ROC AUC difference (not a verdict)", diff,
           section="a-controlled-long-range-test",
           note="positive control failed: RTCN did not learn the planted relation at this budget")
    vira.glue(f"claim_lr_rtcn_{other.lower()}",
              f"{statement}: RTCN minus the {other}, {np.mean(diff):+.3f} AUC. Not a verdict: the positive "
              f"control failed.")


# %% [markdown]
# ### The learning curves
#
# The test AUC of each network after every epoch of its training, beside the model told where to
# look and chance. A network that is about to learn the relation shows it here as a rising curve;
# a flat one at chance has not begun. For each network we fit a straight line to its curve (mean
# over seeds) and, where the slope is positive beyond doubt (its 95 % interval above zero), say how
# many epochs that slope would need to come within the margin of the told model, were it to hold.

# %%
def trend(m):
    """The trend of network m's learning curve: slope per epoch and its 95 % interval, and the
    epochs at that slope to reach the told model's AUC minus the margin (None without a clear rise)."""
    c = curves[curves.model == m].groupby("epoch").AUC.mean()
    if len(c) < 4:
        return {"slope": float("nan"), "low": float("nan"), "high": float("nan"), "epochs": None}
    line = stats.linregress(c.index.to_numpy(float), c.to_numpy())
    half = stats.t.ppf(0.975, len(c) - 2) * line.stderr
    target = auc["told where to look"] - LR_MARGIN
    epochs = (target - line.intercept) / line.slope if line.slope - half > 0 else None
    return {"slope": line.slope, "low": line.slope - half, "high": line.slope + half, "epochs": epochs}


trends = pd.DataFrame({m: trend(m) for m in LR_NETWORKS}).T
trends.index.name = "network"
fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(12, 3.8))
palette = sns.color_palette(vira.book.plots.PALETTE, len(LR_NETWORKS))
sns.lineplot(curves, x="epoch", y="training loss", hue="model", marker="o", ax=ax_loss, errorbar=None,
             palette=palette, legend=False)
ax_loss.set(yscale="log", title="Training loss (Eq. 14) of each epoch")
sns.lineplot(curves, x="epoch", y="AUC", hue="model", marker="o", ax=ax, errorbar=None, palette=palette)
ax.axhline(auc["told where to look"], color="k", ls="--", label="told where to look")
ax.axhline(auc["told where to look"] - LR_MARGIN, color="grey", ls=":", label="learnt: within the margin")
ax.axhline(0.5, color="grey", lw=0.8, label="chance")
ax.set(title=f"Long-range test: held-out AUC after each epoch ({len(lr_train_idx)} training clips)",
       ylim=(0.3, 1.05))
ax.legend(loc="center right", fontsize=8)
plt.show()
best = curves.groupby("model").AUC.max()
vira.glue("lr_best_auc", float(best.max()))
vira.glue("lr_best_model", best.idxmax())
vira.glue("lr_epochs", lr_epochs)
vira.glue("lr_full_train", f"{round(0.8 * LR_CLIPS['full']):,}")
vira.glue("lr_full_seconds", "{:g}-{:g}".format(*LR_SECONDS["full"]))
vira.glue("lr_full_epochs", LR_EPOCHS["full"])
vira.glue("lr_full_seeds", LR_SEEDS["full"])
loss_drop = curves.groupby("model")["training loss"].agg(["first", "last"])
vira.glue("lr_loss_drop", "; ".join(f"{m} from {r['first']:.3f} to {r['last']:.3f}" for m, r in loss_drop.iterrows()))


def trend_text(m, r):
    """One network's trend in words (a row of ``trends``)."""
    if not np.isfinite(r.slope):
        return f"{m}: too few epochs for a trend"
    return (f"{m}: {r.slope:+.4f} AUC per epoch [{r.low:+.4f}, {r.high:+.4f}], "
            + (f"about {r.epochs:.0f} epochs to come within the margin if that held" if pd.notna(r.epochs)
               else "no rise the curve can vouch for"))


vira.glue("lr_trends", "; ".join(trend_text(m, r) for m, r in trends.iterrows()))
trends.round(4).astype(object).fillna("—")  # "—": too few epochs, or no clear rise

# %% [markdown]
# The logistic regression that is told where to look reaches an AUC of {glue:text}`lr_told:.2f`
# on the {glue:text}`lr_n_test` test clips. The three networks, which must find the two ends
# themselves, reach {glue:text}`lr_rtcn:.2f` (RTCN), {glue:text}`lr_tcn:.2f` (TCN) and
# {glue:text}`lr_lstm:.2f` (LSTM).
#
# - {glue:text}`claim_lr_rtcn`
# - {glue:text}`claim_lr_tcn`
# - {glue:text}`claim_lr_lstm`
#
# The positive control: {glue:text}`lr_control`.
#
# - {glue:text}`claim_lr_rtcn_tcn`
# - {glue:text}`claim_lr_rtcn_lstm`
#
# Over its {glue:text}`lr_epochs` epochs the best held-out AUC any network reached was
# {glue:text}`lr_best_auc:.2f` ({glue:text}`lr_best_model`). The curves' trends:
# {glue:text}`lr_trends`. Meanwhile the training loss fell ({glue:text}`lr_loss_drop`, first and
# last epoch). A loss that falls while the held-out AUC stays near chance is memorisation: the
# network learns its few hundred training clips, not the relation, and more epochs on the same
# clips only deepen it.
#
# ### Why the control fails: the distance, or the pair?
#
# A failed control is only useful if we know what failed. Two things could stop a network here:
# the *distance* between the two ends (the paper's concern, and RTCN's reason to exist), or the
# *pair*: the label is a pure interaction, each end alone is uninformative, so the gradient of
# the loss with respect to any single feature of either end averages to zero and a network must
# discover the pair of features before any of them pays off (the difficulty of learning a
# parity). Two cheap checks tell them apart.
#
# 1. *Handed the ends.* A small multilayer perceptron (one hidden layer of 64 units, on
#    standardised inputs; our choice) gets the mean feature of the first and of the last second
#    *side by side*, not their difference, so it must discover the comparison itself. It is
#    cheap, so we train it on growing subsets of a larger draw of the variant (up to
#    {glue:text}`pair_max` training clips; the networks had {glue:text}`lr_n_train`): its curve
#    says how many clips the pair needs once the ends are found.
# 2. *Little distance.* The LSTM, the cheapest of the three networks, is trained with the same
#    number of clips, epochs and settings as in the learning curves (in one run) on clips of the
#    shortest length the variant allows, where the two held poses are only {glue:text}`short_gap` s apart (start
#    to start) instead of {glue:text}`long_gap` s.

# %%
def end_pair(data, k):
    """The mean feature of the first and of the last second of item k, side by side (2 D,)."""
    return torch.cat(end_means(data, k)).numpy()


def pair_model():
    """The handed-the-ends model: standardised inputs, one hidden layer of 64 ReLU units."""
    return make_pipeline(StandardScaler(), MLPClassifier((64,), max_iter=2000, random_state=seed))


pair_src = LongRangeVDV(session.preset.pick(smoke=100, small=3200, full=4000), lr_seconds, seed=seed + 4000)
pair_train = FeatureClips(pair_src, pair_src.track("all")[0], step=step)
X_pair = np.array([end_pair(pair_train, k) for k in tqdm(range(len(pair_train)), desc="ends", mininterval=2,
                                                         disable=session.preset.name == "smoke")])
X_pair_test = np.array([end_pair(lr_test, k) for k in range(len(lr_test))])
y_pair = pair_src.table.label.to_numpy()[pair_src.track("all")[0]]
sizes = sorted({n for n in (20, 40, 80, 160, 320, 640, 1280) if n < len(y_pair)} | {len(y_pair)})
pair_curve = pd.DataFrame([{"training clips": n, "AUC": roc_auc_score(
    y_lr_test, pair_model().fit(X_pair[:n], y_pair[:n]).predict_proba(X_pair_test)[:, 1])}
    for n in sizes]).set_index("training clips")
pair_pred = pair_model().fit(X_pair, y_pair).predict_proba(X_pair_test)[:, 1]  # all training clips
pair = claim(
    session, "claim_lr_pair", paper="ours",
    statement=f"handed the two ends side by side, a small perceptron learns the relation from {len(y_pair):,} "
              f"training clips: its AUC comes within {LR_MARGIN} of the model told where to look",
    metric="ROC AUC minus the told-where-to-look model's, long-range test",
    ev=evidence(roc_auc, pair_pred[None], y_lr_test, told_pred, seed=session.seed), null=-LR_MARGIN,
    direction=+1, expect=session.preset.pick(smoke=None, small="reproduced", full="reproduced"),
    section="a-controlled-long-range-test")
learnt_at = pair_curve.index[pair_curve.AUC >= auc["told where to look"] - LR_MARGIN]
vira.glue("pair_max", f"{len(y_pair):,}")
vira.glue("lr_n_train", f"{len(lr_train_idx):,}")
too_few = not len(learnt_at) or learnt_at[0] > len(lr_train_idx)  # the networks had fewer than the pair needs

# Little distance: the shortest clips the variant allows (two holds and two blends, then a moment
# of dance), as many as above, trained and tested like the long ones.
short_seconds = (2 * (HOLD + BLEND) + 0.2, 2 * (HOLD + BLEND) + 0.6)
short_train_src = LongRangeVDV(lr_clips, short_seconds, seed=seed + 2000)
short_test_src = LongRangeVDV(len(lr_pool), short_seconds, seed=seed + 3000)
short_train = FeatureClips(short_train_src, short_train_src.track("all")[0], step=step, train=True)
short_test = FeatureClips(short_test_src, np.arange(len(short_test_src)), step=step)
y_short_train = short_train_src.table.label.to_numpy()[short_train_src.track("all")[0]]
y_short = short_test_src.table.label.to_numpy()
short_told = LogisticRegression(max_iter=2000).fit(
    np.array([ends(short_train, k) for k in range(len(short_train))]), y_short_train)
short_told_pred = short_told.predict_proba(np.array([ends(short_test, k) for k in range(len(short_test))]))[:, 1]
seed_everything(seed)
short_lstm = NETWORKS["LSTM"]()
fit(short_lstm, short_train, TrainConfig(**{**vars(config), "epochs": lr_epochs, "seed": seed}), session.device)
short_pred = predict(short_lstm, short_test, session.device)
short = claim(
    session, "claim_lr_short_lstm", paper="ours",
    statement=f"the LSTM does not find the relation even when the two ends are {short_seconds[0] - HOLD:.1f}-"
              f"{short_seconds[1] - HOLD:.1f} s apart: its AUC on such clips stays more than {LR_MARGIN} "
              "below the model told where to look",
    metric="ROC AUC minus the told-where-to-look model's, shortest clips",
    ev=evidence(roc_auc, short_pred[None], y_short, short_told_pred, seed=session.seed), null=-LR_MARGIN,
    direction=-1, expect=session.preset.pick(smoke="reproduced", small="reproduced", full=None),
    section="a-controlled-long-range-test")
vira.glue("short_gap", f"{short_seconds[0] - HOLD:.1f}-{short_seconds[1] - HOLD:.1f}")
vira.glue("long_gap", f"{lr_seconds[0] - HOLD:.0f}-{lr_seconds[1] - HOLD:.0f}")
vira.glue("short_told", roc_auc(short_told_pred, y_short))
vira.glue("short_lstm", roc_auc(short_pred, y_short))
# What the two checks say together (the sentence is chosen by the verdicts it rests on).
pair_found, short_failed = pair["verdict"] == "reproduced", short["verdict"] == "reproduced"
pair_clips = f"{learnt_at[0]:,}" if len(learnt_at) else f"more than {sizes[-1]:,}"
if not pair_found:
    diagnosis = ("still open: the handed-the-ends check is not decided at this budget, so we cannot tell "
                 "whether the pair itself is out of reach")
elif short_failed:
    diagnosis = ("the pair, not the distance: the LSTM fails even when the ends are close"
                 + (f", and even handed the ends a learner did not come within the margin before {pair_clips} "
                    f"training clips, where the networks had {len(lr_train_idx):,}" if too_few else
                    ", although handed the ends a learner needed no more training clips than the networks had")
                 + ". So the failed control says nothing for or against RTCN's mechanism: at this budget no "
                 "network gets as far as the question of distance")
elif short["verdict"] == "contradicted":
    diagnosis = "the distance: the LSTM learns the relation when the ends are close but not when they are far"
else:
    diagnosis = "still open: the short-clip check is not decided, so whether the distance matters is unknown"
vira.glue("lr_diagnosis", diagnosis)
vira.glue("pair_clips", pair_clips)
fig, ax = plt.subplots(figsize=(6, 3.4))
ax.plot(pair_curve.index, pair_curve.AUC, marker="o", label="handed the ends (perceptron)")
ax.axvline(len(lr_train_idx), color="k", lw=0.8, ls="--", label="the networks' training clips")
ax.axhline(auc["told where to look"] - LR_MARGIN, color="grey", ls=":", label="learnt: within the margin")
ax.axhline(0.5, color="grey", lw=0.8, label="chance")
ax.set(xscale="log", xlabel="training clips", ylabel="held-out AUC", ylim=(0.3, 1.05),
       title="How many clips the pair needs once the ends are found")
ax.legend(fontsize=8)
plt.show()
pair_curve.round(3).T

# %% [markdown]
# - {glue:text}`claim_lr_pair` It first comes within the margin at {glue:text}`pair_clips`
#   training clips.
# - {glue:text}`claim_lr_short_lstm` (the told model reaches {glue:text}`short_told:.2f` on those
#   clips, the LSTM {glue:text}`short_lstm:.2f`).
#
# Together: {glue:text}`lr_diagnosis`.
#
# This moves the question from "is the distance too long?" to "how many clips does a network of
# the paper's size need to find and pair the two ends at all?". Attention makes the pair
# *reachable* in one step, whatever the distance, but reachable is not learnt: with a few hundred
# clips and millions of weights on 2048 features, a network can settle on memorising or on
# predicting the mean. The TCN, for its part, is not handicapped by its window here: at these
# lengths every TCN position sees the whole clip (see the receptive field above). That budget is
# beyond a CPU's minutes. The full preset trains on {glue:text}`lr_full_train` clips of
# {glue:text}`lr_full_seconds` s at 25 fps for {glue:text}`lr_full_epochs` epochs with
# {glue:text}`lr_full_seeds` seeds on a GPU (`make book-gpu` runs this chapter first); its learning
# curves will show whether a network learns the relation there and, if so, whether RTCN's shortcut
# wins. Until then the paper's mechanism claim is untested here, not refuted.
#
# ## Fig. 8: what the heads attend to
#
# The paper's Fig. 8 shows, for two clips of challenge C7, the attention weights of the four heads
# from the centre position of the first relational pooling block, summed into 30 time bins. We
# draw the same for two test clips of the long-range variant, one that matches and one that does
# not, from the RTCN trained above, and mark the two held poses. (The first pooling block has
# {glue:text}`first_block_rate:.1f` positions per second in this preset; where a clip gives it
# fewer than 30 positions, each position is one bin.)

# %%
vira.glue("first_block_rate", FPS / step / 2)


def first_block_attention(model, data, k):
    """Attention weights (H, T') of the first relational pooling block, all queries, for item k."""
    x, mask = data.features(k)
    keep = []
    with torch.no_grad():
        model.features(x[None], mask[None], keep=keep)
    h, m = keep[0]
    return model.pools["1"].attention_weights(h, m)[0].numpy()  # (H, T', T')


rtcn_lr = lr_models["RTCN"]
test_match = lr_pool.table.match.to_numpy()
examples = [int(np.flatnonzero(test_match)[0]), int(np.flatnonzero(~test_match)[0])]
fig, axes = plt.subplots(2, 1, figsize=(10, 4.6), sharex=False)
for ax, k in zip(axes, examples):
    w = first_block_attention(rtcn_lr, lr_test, k)
    centre = w.shape[1] // 2
    binned = attention_bins(w[:, centre], 30)
    seconds_per_bin = secs[k] / binned.shape[1]
    sns.heatmap(binned, ax=ax, cmap=vira.book.plots.HEATMAP, cbar=True, yticklabels=[f"h{i + 1}" for i in range(4)],
                xticklabels=[f"{(b + 0.5) * seconds_per_bin:.1f}" for b in range(binned.shape[1])])
    hold_bins = HOLD / seconds_per_bin
    for edge in (hold_bins, binned.shape[1] - hold_bins):
        ax.axvline(edge, color="w", ls="--")
    ax.set(title=f"held-out clip {k}: {'ends as it opened' if test_match[k] else 'ends in another pose'}"
                 f" (centre position; white lines: end of the opening hold, start of the closing hold)",
           xlabel="time (s)")
plt.tight_layout()
plt.show()

# %% [markdown]
# Do the heads single out the held poses? For every test clip and head we take the queries of the
# closing hold and measure how much of their attention lands on the opening hold, divided by the
# opening hold's share of the positions (1 = no preference; 2 = twice as much as a uniform head),
# separately for clips that match and clips that do not.

# %%
def opening_preference(model, data, idx_in_data, table_seconds):
    out = []
    for k in idx_in_data:
        w = first_block_attention(model, data, k)  # (H, T', T')
        t = w.shape[-1]
        hold = max(1, int(round(HOLD / table_seconds[k] * t)))
        close_queries = w[:, -hold:, :]  # (H, hold, T')
        out.append(close_queries[..., :hold].sum(-1).mean(-1) / (hold / t))
    return np.array(out)  # (clips, H)


pref = opening_preference(rtcn_lr, lr_test, range(len(lr_test_idx)), secs)
heads = pd.DataFrame({"matching clips": pref[test_match].mean(0), "other clips": pref[~test_match].mean(0)},
                     index=[f"h{i + 1}" for i in range(4)])
heads.index.name = "closing hold -> opening hold (x uniform)"
display(heads.round(2))
torch.manual_seed(seed)
pref_untrained = opening_preference(RTCN().eval(), lr_test, range(len(lr_test_idx)), secs)
assert np.isfinite(pref).all() and (pref >= 0).all()


def looks_back(items, _):
    """Largest, over the four heads, mean over the clips ``items`` (positions in the test split) of
    the closing hold's attention on the opening hold, x a uniform head's."""
    return float(pref[items.astype(int)].mean(0).max())


def match_gap(items, _):
    """Largest, over the heads, |mean over matching clips - mean over the other clips| of that
    preference, on the clips ``items``; nan on a resample that lacks one kind of clip."""
    k = items.astype(int)
    match = test_match[k]
    if match.all() or not match.any():
        return float("nan")
    return float(np.abs(pref[k][match].mean(0) - pref[k][~match].mean(0)).max())


vira.glue("pref_max_trained", looks_back(np.arange(len(pref)), None))
vira.glue("pref_gap", match_gap(np.arange(len(pref)), None))
vira.glue("pref_untrained", float(pref_untrained.mean()))
# One trained RTCN (seed 0), so the evidence is the bootstrap over its test clips alone: the clip
# positions go in as both "predictions" and "targets" and the statistic reads the preferences.
clips = np.arange(len(pref))
GAP_MARGIN = 0.25  # x a uniform head: a difference smaller than this counts as looking back alike
# small preset (80 test clips): in the last run the strongest head looked back 1.6 times as much as
# a uniform head on one kind of clip, and no head differed between matching and other clips by more
# than 0.16. A re-run of this RTCN alone (small preset, one thread; its numbers differ from the
# page's) gave 1.28, interval [1.19, 1.37], over all clips: above a uniform head (1), decided; and a
# largest difference of 0.12, interval [-0.02, 0.26]: whether it stays below the margin may or may
# not be decided.
claim(session, "claim_head_looks_back", paper="VDV",
      statement="a trained head looks back from the closing hold to the opening hold more than a uniform head, "
                "as the paper reads its Fig. 8 (heads that attend to the beginning and the ending)",
      metric="largest mean attention of the closing hold on the opening hold over the heads, x a uniform head; "
             "trained RTCN, seed 0",
      ev=evidence(looks_back, clips, clips, seed=session.seed), null=1.0, direction=+1, expect="reproduced",
      section="fig-8-what-the-heads-attend-to")
_ = claim(session, "claim_head_alike", paper="ours",
          statement=f"the heads look back alike whether the clip matches or not (by less than {GAP_MARGIN} x uniform)",
          metric="largest difference over the heads between matching and other clips, x a uniform head; "
                 "trained RTCN, seed 0",
          ev=evidence(match_gap, clips, clips, seed=session.seed), null=GAP_MARGIN, direction=-1,
          expect=("reproduced", "inconclusive"), section="fig-8-what-the-heads-attend-to")

# %% [markdown]
# The strongest preference of a closing-hold query for the opening hold is
# {glue:text}`pref_max_trained:.2f` times a uniform head's (an untrained RTCN: on average
# {glue:text}`pref_untrained:.2f`), and no head differs between matching and other clips by more
# than {glue:text}`pref_gap:.2f`.
#
# - {glue:text}`claim_head_looks_back`
# - {glue:text}`claim_head_alike`
#
# The paper reads its own Fig. 8 as heads that specialise (the ending, the beginning, legs, arms).
# With a known truth we can ask more of a picture of attention. Where a head looks back from the
# end of the dance to its opening, alike for clips that match and clips that do not, while the
# network's AUC above stays near chance, then the head attends to exactly the right place and the
# model still does not use what it finds there. A picture of attention shows where a model looks,
# not what it concludes. Chapter 8 comes back to this.
#
# ## Masking, checked on a trained model
#
# A clip scored alone and scored inside a batch padded with another clip's frames gets the same
# score from every trained network.

# %%
x0, m0 = test.features(0)
filler = torch.rand(40, 2048)
for name, model in trained.items():
    alone = model(x0[None], m0[None])
    padded = model(torch.cat([x0, filler])[None], torch.cat([m0, torch.zeros(40)])[None])
    assert torch.allclose(alone, padded, atol=1e-5), name
print("padding changes no score:", ", ".join(trained))

# %% [markdown]
# ## Cost
#
# `scripts/bench_rtcn.py` measures a training step (forward, backward, Adam) and an inference pass
# at the full-preset input size, 375 frames of 2048 features, batch 8, for each network in a fresh
# process. Its results files are read here; the GPU file exists where a GPU run was made.

# %%
from vira.book.bench import read_bench

bench_rows, cpu_steps = [], {}
for path in sorted((REPO_ROOT / "book" / "results").glob("bench_rtcn*.json")):
    bench = read_bench(path)
    steps = {(r["case"], r["step"]): r for r in bench["results"]}
    if bench["device"].startswith("cpu"):
        cpu_steps = steps
    for model in dict.fromkeys(r["case"] for r in bench["results"]):
        train, infer = steps[model, "train"], steps[model, "inference"]
        bench_rows.append({"device": bench["device"], "model": model,
                           "parameters (M)": train["parameters"] / 1e6,
                           "train clips/s": train["items_per_s"],
                           "inference clips/s": infer["items_per_s"],
                           "train peak MB": train["peak_memory_mb"],
                           "revision": bench["git_revision"]})
cost = pd.DataFrame(bench_rows)
display(cost.round(2))


def speed_ratio(other):
    """Evidence for RTCN's training clips/s over ``other``'s on the CPU, from values: a benchmark has
    no test items and no seeds, only repeated timings (``times_ms`` of each row). The ratio is that
    of the geometric means of the two models' step times, so one slow step (a busy machine) moves it
    less than it would move the arithmetic mean; its standard error is that of the difference of mean
    log times (the two models were timed in separate processes), carried to the ratio by the delta
    method, with the degrees of freedom of the smaller sample."""
    logs = [np.log(cpu_steps[m, "train"]["times_ms"]) for m in ("RTCN", other)]
    ratio = float(np.exp(logs[1].mean() - logs[0].mean()))  # time of other / time of RTCN
    se = float(np.hypot(*(np.std(v, ddof=1) / np.sqrt(len(v)) for v in logs)))
    return from_values([ratio], n_test=min(len(v) for v in logs), se_test=ratio * se)


# Expected from the bench files so far (the table above gives each one's revision): RTCN faster
# than the TCN on every machine; against the LSTM the order depends on the machine, with the same
# torch and the same code: median steps (RTCN, TCN, LSTM) of 2,221, 5,269 and 1,025 ms at 7ec62a9
# on one 2-core machine, 1,908, 4,482 and 4,179 ms at 4a15f03 on another (an older torch had the
# LSTM at 3,711 ms). The LSTM's step is the one that moves; the verdict holds for the machine that
# ran the bench, which its file names. same_conv skips few taps at 375 frames.
cost_verdicts = {}
for other, expected in (("TCN", "reproduced"), ("LSTM", ("reproduced", "contradicted"))):
    vira.glue(f"cpu_rtcn_over_{other.lower()}", speed_ratio(other).values[0])
    cost_verdicts[other] = claim(
        session, f"claim_cost_{other.lower()}", paper="VDV",
        statement=f"RTCN is efficient: relational pooling makes it train faster than the {other}",
        metric=f"training clips/s, RTCN over {other}, CPU, batch 8, 375 frames, "
               f"geometric means of {len(cpu_steps[other, 'train']['times_ms'])} timed steps each",
        ev=speed_ratio(other), null=1.0, direction=+1, expect=expected, section="cost")["verdict"]
vira.glue("lstm_cost_text", {
    "reproduced": "The LSTM has the fewest parameters, but it runs its 375 steps one after another, and on "
                  "this CPU that costs more than RTCN's width. That order is the machine's: on another 2-core "
                  "machine, with the same torch and code, the LSTM trained fastest of the four (the bench "
                  "cell's comment gives both machines' step times).",
    "contradicted": "The LSTM has the fewest parameters and, on this CPU, trains fastest: its 375 steps run one "
                    "after another, but each step is a small product, while RTCN's blocks are 1024 channels "
                    "wide. The paper's word concerns a GPU, where width is cheap and a sequence of steps is "
                    "not; `scripts/bench_rtcn.py --device cuda` measures it there, and this claim is not "
                    "decided for a GPU until that file exists.",
}.get(cost_verdicts["LSTM"], "On this CPU the interval cannot order RTCN and the LSTM."))

# %% [markdown]
# On the CPU RTCN trains {glue:text}`cpu_rtcn_over_tcn:.1f` times as many clips per second as
# the TCN and {glue:text}`cpu_rtcn_over_lstm:.1f` times as many as the LSTM (the paper calls RTCN
# "effective and efficient", §1):
#
# - {glue:text}`claim_cost_tcn`
# - {glue:text}`claim_cost_lstm`
#
# RTCN has more parameters than the TCN, but each relational pooling block halves the length, so
# the wide 1024-channel blocks run on a quarter of the frames; the attention itself works on at
# most 188 positions at these lengths. {glue:text}`lstm_cost_text`
#
# ## What we found
#
# RTCN, its two ablations and the LSTM are built as §4.3 and §5.1 describe, with the choices the
# paper leaves open named above (kernel 7, dilation from $2^0$, a 256-wide reduction). Eq. 10-11
# is checked by hand and, in the unit tests, against a direct implementation; padding changes no
# score. A TCN with these dilations sees {glue:text}`tcn_field_s:.0f` s, more than any VDV clip,
# so its locality can only be that of the *effective* receptive field, which training may or may
# not widen.
#
# Every claim of the chapter, decided by its interval (the paper's claims first where the paper is
# VDV; "ours" are the chapter's own claims about its benchmark):

# %%
display(findings(session))

# %% [markdown]
# How to read them. Where the paper's Table 3 and 5 differences (0.02 to 0.10 SRC) are smaller
# than the effect this run detects on its {glue:text}`n_test` synthetic test clips (each sentence
# gives it), an inconclusive verdict says that the run is too small, not that the paper is wrong;
# the sentence gives the factor by which seeds and test items would have to grow. The long-range variant asks the paper's
# argument directly, on data where a relation between the first and the last second is all there
# is and a linear model told where to look solves it: whether attention, which makes the relation
# reachable in one step, also makes it learnt within the budget is what its claims decide. The
# cost claims read a committed benchmark, not a training run: their verdict is the same at every
# preset.
#
# ## Exercises
#
# Each exercise has a worked solution that ran with this page, hidden until you open it.
#
# ```{exercise} The kernel of the illustration
# :label: ex-04-kernel
# §4.3 draws the temporal kernel as 3 wide; §5.1 trains with 7. Work out by hand how far the last
# block of a six-block TCN sees with kernel 3, and check it with `RTCN(relational=False, kernel=3)`.
# Does it still see a whole 15-s clip from any position?
# ```
#
# ```{solution-start} ex-04-kernel
# :class: dropdown
# ```
#
# Each block widens the window by $2 (k - 1)\, 2^n$ for $n = 0, \dots, 5$:
# $1 + 2 \cdot 2 \cdot 63 = 253$ frames, 10.1 s at 25 fps. A position at one end of a 15-s clip
# (375 frames) sees at most the 126 frames on its side, 5 s; even the centre position sees only
# 253 of the 375 frames.

# %%
narrow = RTCN(relational=False, kernel=3)
assert narrow.receptive_field() == 1 + 2 * (3 - 1) * sum(2**n for n in range(6)) == 253
vira.glue("ex_field_k3", narrow.receptive_field())
vira.glue("ex_field_k3_s", narrow.receptive_field() / FPS)
vira.glue("ex_field_k7", tcn_shape.receptive_field())

# %% [markdown]
# With kernel 3 the last block sees {glue:text}`ex_field_k3` frames
# ({glue:text}`ex_field_k3_s:.1f` s) against {glue:text}`ex_field_k7` with kernel 7, so no position
# sees all of a 15-s clip: with the illustration's kernel the TCN would be local in what it *can*
# see, and the paper's argument for relational pooling would rest on firmer ground than with the
# kernel it trained.
#
# ```{solution-end}
# ```
#
# ```{exercise} What a head cannot see
# :label: ex-04-order
# Relational pooling has no position encoding. Take the hand example's block, give it a random
# sequence of 8 frames, and swap the frames pair by pair (frames 0-1 with 6-7, and so on: the
# pairs that max pooling merges). What happens to the block's 4 outputs?
# ```
#
# ```{solution-start} ex-04-order
# :class: dropdown
# ```

# %%
sequence = torch.randn(1, 4, 8, generator=torch.Generator().manual_seed(seed))
pair_order = [3, 2, 1, 0]  # pooled positions, reversed
swapped = sequence.reshape(1, 4, 4, 2)[:, :, pair_order].reshape(1, 4, 8)
with torch.no_grad():
    plain, _ = hand(sequence, torch.ones(1, 8))
    reordered, _ = hand(swapped, torch.ones(1, 8))
assert torch.allclose(reordered, plain[:, :, pair_order], atol=1e-6)  # the same outputs, reordered
vira.glue("ex_order_gap", float((reordered - plain[:, :, pair_order]).abs().max()))

# %% [markdown]
# The outputs are the same four vectors in the new order (largest difference
# {glue:text}`ex_order_gap:.1e`): the block is equivariant to reordering its pooled positions.
# Its heads compare contents only, so "pose A comes *before* pose B" is invisible to them; in RTCN
# order reaches the attention only through the temporal convolutions before it, which is why the
# long-range test below needs them to carry it.
#
# ```{solution-end}
# ```
#
# ## Projects
#
# 1. Give RTCN a sinusoidal position encoding before each attention layer. Does the long-range
#    test change? What could a head do with positions that it cannot do with contents?
# 2. Train the long-range test with the learning rate 1e-3 and three times as many epochs. Which
#    network is first to leave chance, and after how many steps?
# 3. Make the long-range relation first-order: let the label be 1 when the *closing* pose is
#    pose 0, whatever the opening. Which networks learn it now, and why is that no longer a test
#    of long-range relations?
# 4. Compute the effective receptive field of the trained TCN of the long-range test. Did training
#    widen it?
# 5. Replace the holistic map's input by the face only. Which network gains most, and why?
# 6. Study how RTCN without self-attention trains: plot its training loss next to RTCN's for every
#    seed, train it for 15 epochs, and put a layer norm after each of its max poolings. Does its
#    spread over seeds shrink, and does the self-attention claim change?

# %%
session.finish()
