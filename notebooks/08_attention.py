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
# # 8. Looking inside: frame and headline attention, and Grad-CAM scaled by attention
#
# Bielski and Trzcinski {cite:p}`bielski2018payattention` predict whether a Facebook video will be
# popular from 18 of its frames and from its headline, and, more to their point, show *why*: a
# soft attention over the frames (weights α) and over the words (weights β), and Grad-CAM
# heatmaps {cite:p}`selvaraju2017gradcam` of each frame scaled by that frame's attention. A
# heatmap is a picture, and a picture proves nothing by itself. This chapter rebuilds the models
# as §2 describes them, puts the paper's Table 1 next to ours, and then **measures** whether the
# explanations point at what truly drives the label, on videos where we planted the cause, with
# the sanity controls of Adebayo et al. {cite:p}`adebayo2018sanity`. Then it runs the headline
# models on 9,000 real TikTok captions and classifiers on real Facebook video features.
#
# Source of this chapter: {download}`08_attention.py <../notebooks/08_attention.py>` and
# {download}`08_attention.ipynb <../notebooks/08_attention.ipynb>`.

# %% tags=["parameters"]
preset = "auto"  # smoke (CI), small (a laptop CPU, minutes), full (one GPU); see chapter 0
device = "auto"  # "cpu", "cuda" or "auto"
seed = 0  # the data set's seed; split and model seeds are seed, seed + 1, ...

# %%
import copy
import html
import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from IPython.display import HTML, display
from scipy import stats
from tqdm.auto import tqdm

import vira
from vira.book import power
from vira.book.claims import claim, evidence, findings, from_values, paper_se
from vira.book.claims import interval as claims_interval
from vira.data import data_dir
from vira.data.real.facebook import load_facebook, popularity_table, split_indices
from vira.data.synthetic.popular_videos import (CUE_EFFECT, CUE_RUN, CUE_SIZE, NOISE, WORD_EFFECT, N_FRAMES, PopularVideos,
                                      frame_times)
from vira.data.real.tiktok import caption_table, load_snapshot
from vira.explain import (attention_scaled_cam, box_mask, centre_box, energy_in_box, frame_cams, pointing_game,
                          randomise_)
from vira.frame_features import FeatureCache, resnet50_trunk, to_input
from vira.metrics import format_mean_std
from vira.models import pay_attention as pa
from vira.text import Vocabulary, bow_logistic_baseline, load_glove, tokenize
from vira.training import pay_attention as pa_train
from vira.training.content_free import follower_only, group_split_indices, identity_only, plus_followers
from vira.video import read_folder

session = vira.start(preset, device, seed)
vira.use_style()
P = session.preset
N_VIDEOS = P.pick(smoke=40, small=400, full=2000)
SIZE = P.pick(smoke=64, small=224, full=224)  # the paper: ResNet50's 224 x 224
SEEDS = [seed + k for k in range(P.pick(smoke=1, small=5, full=5))]
TRIALS = P.pick(smoke=1, small=4, full=8)  # randomised search: trials per model and seed
EPOCHS = P.pick(smoke=2, small=30, full=30)
N_CAM = P.pick(smoke=2, small=24, full=40)  # cue videos explained with Grad-CAM, per seed
N_SANITY = P.pick(smoke=2, small=4, full=20)  # of those, the ones the sanity controls redo
TRUNK = os.environ.get("VIRA_RESNET50_WEIGHTS", "random")  # a local ImageNet state dict, if any
GLOVE = os.environ.get("VIRA_GLOVE")  # a local GloVe text file, if any (the paper's word vectors)
CACHE = Path(os.environ.get("VIRA_CACHE", Path.home() / ".cache" / "vira")) / "frame_features"
if P.name == "smoke":
    print(f"smoke preset: {N_VIDEOS} videos of {SIZE} x {SIZE} pixels instead of 224 x 224, {EPOCHS} epochs, "
          f"one seed: it proves the chapter runs, not its claims")

# %% [markdown]
# ## What the paper reports
#
# Table 1 of the paper, on 37,000 Facebook videos (test split of 10 %):

# %%
TABLE1 = pd.DataFrame(
    [("video frames", "ResNet50 mean", 68.17, 0.524), ("video frames", "+ attention", 68.87, 0.526),
     ("headline", "biLSTM", 69.47, 0.542), ("headline", "+ attention", 68.70, 0.525),
     ("multimodal", "ResNet + biLSTM", 71.94, 0.612), ("multimodal", "+ attention", 72.72, 0.607)],
    columns=["input", "model", "accuracy %", "Spearman"])
ROWS = [f"{i}: {m}" for i, m in zip(TABLE1.input, TABLE1.model)]
PAPER_ACC = pd.Series(TABLE1["accuracy %"].to_numpy() / 100, index=ROWS)
PAPER_N_TEST = 3_700  # §3: 37k Facebook videos with 80/10/10 splits, so about 3,700 test videos
vira.glue("paper_diff_se", 100 * paper_se("proportion", PAPER_ACC.iloc[1], PAPER_N_TEST, PAPER_ACC.iloc[0]))
vira.glue("paper_att_diffs", ", ".join(f"{100 * (PAPER_ACC.iloc[k + 1] - PAPER_ACC.iloc[k]):+.2f}" for k in (0, 2, 4)))


def accuracy(p_popular, y):
    """§3's accuracy (popular iff P(popular) > 0.5), as `pa_train.evaluate` computes it."""
    return float(np.mean((np.asarray(p_popular) > 0.5) == np.asarray(y)))


def mean_score(score, _unused):
    """The mean of a per-item score (a hit, an energy): for `evidence` against a null or a chance arm."""
    return float(np.mean(score))


TABLE1

# %% [markdown]
# Its claims: frames and headlines predict popularity about equally well; both together do
# better; attention helps the frame and multimodal models and slightly hurts the headline model;
# and the attention weights with the scaled heatmaps show which frames and regions matter.
# The paper's test split had about 3,700 videos, so a difference of two accuracies near 70 %
# carries a standard error of about {glue:text}`paper_diff_se:.1f` points at its own test size,
# against attention differences of {glue:text}`paper_att_diffs` points.
#
# This chapter decides every claim it tests with one rule (`vira.book.claims`): the 95 % interval
# of the claimed quantity over our seeds and test items, read against the claim's null. It does not
# test the first claim: on our planted videos the two modalities carry causes of different
# strengths by construction, and an interval can show a difference, never an equality.
#
# ## Videos whose cause we know
#
# `vira.data.synthetic.popular_videos` renders dancers (the renderer of chapter 7) with a headline each.
# Two things, and nothing else, drive the label:
#
# * **a cue** in the frames: in half of the videos a magenta prop shows in a box of
#   22 % of the frame's side, at a random place, in 3 consecutive of the 18 frames;
# * **hot words** in the headline: 0, 1 or 2 of four planted words among 6-14 filler words.
#
# Followers are log-normal and log(views / followers) = {glue:text}`cue_effect` · cue +
# {glue:text}`word_effect` · hot words + {glue:text}`noise_sd` · noise, with standard normal noise.
# The label is the paper's: views over followers, split at the median
# (`vira.labels.follower_normalized_binary`). So the best possible prediction from the frames,
# from the headline, or from both is known (the **oracle**).

# %%
data = PopularVideos(N_VIDEOS, seed=seed, size=SIZE)
vira.glue("cue_effect", CUE_EFFECT)
vira.glue("word_effect", WORD_EFFECT)
vira.glue("noise_sd", NOISE)
table = data.table
y_all = table.label.to_numpy().copy()
ratio = table.ratio.to_numpy()
print(f"{len(table)} videos; popular {y_all.mean():.2f}; with the cue {table.cue.mean():.2f}; "
      f"hot words 0/1/2: {np.bincount(table.n_hot, minlength=3).tolist()}; "
      f"shorter than 6 s: {(table.duration_s < 6).sum()}")
display(table[["duration_s", "cue", "cue_start", "headline", "n_hot", "followers", "views", "label"]].head(4))

# %% [markdown]
# **Frames.** §2 takes 18 frames evenly spread over the first 6 s. The paper does not say what
# happens to shorter videos; we spread the 18 over the whole video then (`frame_times`). A hand
# check: a 10 s video's first 6 s in 18 slices of 1/3 s, each frame at the middle of its slice.

# %%
# NBVAL_CHECK_OUTPUT
t = frame_times(10.0)
print("first three:", np.round(t[:3], 4).tolist(), "last:", round(float(t[-1]), 4), "| a 3 s video, last:",
      round(float(frame_times(3.0)[-1]), 4))
assert np.allclose(t[:3], [1 / 6, 0.5, 5 / 6]) and np.isclose(t[-1], 6 - 1 / 6)

# %% [markdown]
# ## Frame features
#
# Each frame becomes the 2048 numbers of ResNet50's penultimate layer {cite:p}`he2016resnet`.
# The paper's trunk was trained on ImageNet; no such weights can be downloaded here, so this run
# uses a trunk named below: a **frozen, randomly initialised** ResNet50 unless the environment
# variable `VIRA_RESNET50_WEIGHTS` names a local state dict (loaded with `weights_only=True`).
# A random trunk is a fair test of the *explanations*: the cue is a colour no other part of a
# frame has, which random filters pass on, and nothing else about the frames matters.
# `vira.frame_features.train_proxy_trunk` offers a third trunk, trained on a proxy task (tell the
# face and scene colours of rendered dancers); exercise 2 uses it. Features are cached on disk,
# keyed by the frames' bytes and the trunk's weights.

# %%
trunk = resnet50_trunk(TRUNK, seed=seed).to(session.device)
trunk_name = "random initialisation (frozen)" if TRUNK == "random" else f"local file {Path(TRUNK).name}"
cache = FeatureCache(CACHE, trunk, device=session.device)
feats = torch.stack([cache(data.frames(i)) for i in tqdm(range(len(data)), desc="frame features", mininterval=60,
                                                          disable=P.name == "smoke")])
first_pass = (cache.hits, cache.misses)
x = to_input(data.frames(0)).to(session.device)
with torch.inference_mode():
    trunk(x[:2])
    t0 = time.perf_counter()
    trunk(x)
    if session.device.type == "cuda":
        torch.cuda.synchronize()
    fps = len(x) / (time.perf_counter() - t0)
t0 = time.perf_counter()
again = [cache(data.frames(i)) for i in range(5)]
hit_ms = 1000 * (time.perf_counter() - t0) / 5
assert all(torch.equal(a, feats[i]) for i, a in enumerate(again)) and cache.hits >= 5
vira.glue("trunk_name", trunk_name)
vira.glue("fps", fps)
vira.glue("hit_ms", hit_ms)
print(f"trunk: {trunk_name}; features {tuple(feats.shape)}; this pass: {first_pass[0]} cache hits, "
      f"{first_pass[1]} computed; ResNet50 at {SIZE} x {SIZE}: {fps:.1f} frames/s on {session.device}; "
      f"a cached video (render + lookup): {hit_ms:.0f} ms")

# %% [markdown]
# ResNet50 computes {glue:text}`fps:.1f` frames per second here ({glue:text}`trunk_name`);
# a video already in the cache costs {glue:text}`hit_ms:.0f` ms (rendering its frames to find
# its key, and reading the file).
#
# A randomly initialised trunk gives features of arbitrary scales: their standard deviations over
# frames range from {glue:text}`sd_min:.2g` to {glue:text}`sd_max:.3g` here. Every frame model
# therefore standardises each of the 2048 features with its mean and standard deviation over the
# training videos' frames (the `Standardised` wrapper below); the paper says nothing of such a
# step, and a trunk trained on ImageNet may not need it.

# %%
class Standardised(torch.nn.Module):
    """A frame model that reads (features - mean) / sd, per feature (forward, attend and embed)."""

    def __init__(self, model, mean, sd):
        super().__init__()
        self.model = model
        self.register_buffer("mean", mean)
        self.register_buffer("sd", sd)

    def forward(self, x):
        return self.model((x - self.mean) / self.sd)

    def attend(self, x):
        return self.model.attend((x - self.mean) / self.sd)

    def embed(self, x):
        return self.model.embed((x - self.mean) / self.sd)


feat_sd = feats.reshape(-1, feats.shape[-1]).std(0)
vira.glue("sd_min", float(feat_sd.min()))
vira.glue("sd_max", float(feat_sd.max()))

# %% [markdown]
# ## The models
#
# `vira.models.pay_attention` follows §2. A frame model embeds each frame feature $x_i$ with a
# linear map and a ReLU, $q_i = \mathrm{ReLU}(W_q x_i + b_q)$; the attention is a two-layer network,
#
# $$ u_i = \tanh(W_u q_i + b_u), \quad a_i = W_a u_i + b_a, \quad \alpha_i = \frac{e^{a_i}}{\sum_k e^{a_k}}, \quad v = \sum_i \alpha_i q_i ,$$
#
# and a two-layer network classifies $v$ as popular or not, with cross-entropy. The headline model
# reads word vectors with a bidirectional LSTM {cite:p}`hochreiter1997lstm` and applies the same
# attention to its hidden states $h_t$ (weights $\beta_t$, text embedding $d = \sum_t \beta_t h_t$). The baselines are the
# mean of the frame features, and the concatenated last states of the LSTM. The multimodal model
# concatenates the embeddings of a trained frame model and a trained headline model and trains a
# two-layer network on them. The paper used frozen GloVe vectors {cite:p}`pennington2014glove`;
# none can be downloaded here, so our word vectors are trained with the model, unless the
# environment variable `VIRA_GLOVE` names a local GloVe file (`vira.text.load_glove`; the run
# below prints the share of the vocabulary it covers when it does). Sizes, dropout and batch normalisation are chosen by a randomised
# search on the validation split, as in §3; the rest of our choices are listed in the module.
#
# A hand check of the attention: with W_u = I, b_u = 0, W_a = (1, 0) and b_a = 0, the score of an
# item is the tanh of its first coordinate, so two items (0, 5) and (1, -5) get weights
# softmax(tanh 0, tanh 1) = softmax(0, 0.7616) = (0.3183, 0.6817), and v is their weighted average:

# %%
# NBVAL_CHECK_OUTPUT
att = pa.SoftAttention(2, 2)
with torch.no_grad():
    att.hidden.weight.copy_(torch.eye(2))  # W_u
    att.hidden.bias.zero_()  # b_u
    att.score.weight.copy_(torch.tensor([[1.0, 0.0]]))  # W_a
    att.score.bias.zero_()  # b_a
    q = torch.tensor([[[0.0, 5.0], [1.0, -5.0]]])
    v, alpha = att(q)
want = np.exp([np.tanh(0.0), np.tanh(1.0)])
want = want / want.sum()
print("alpha:", np.round(alpha.numpy()[0], 4).tolist(), "by hand:", np.round(want, 4).tolist())
assert np.allclose(alpha.numpy()[0], want, atol=1e-6) and np.allclose(want, [0.3183, 0.6817], atol=1e-4)
assert np.allclose(v.numpy()[0], want @ q.numpy()[0], atol=1e-6)

# %% [markdown]
# ## Table 1 on the planted videos
#
# For every seed: a stratified 80/10/10 split, a randomised search of
# {glue:text}`trials` trials per model on the validation split, and the paper's protocol on the
# test split: accuracy, and Spearman's ρ between P(popular) and the normalised view count.

# %%
vira.glue("trials", TRIALS)
tokens_all = [tokenize(h) for h in table.headline]
MAX_LEN = 24
SPACES = {
    "frames mean": dict(hidden=[64, 128, 256], dropout=[0.2, 0.5], batch_norm=[False, True]),
    "frames attention": dict(embed=[128, 256], att_hidden=[64, 128], hidden=[64, 128], dropout=[0.2, 0.5],
                             batch_norm=[False, True]),
    "headline": dict(emb_dim=[32, 64], lstm_hidden=[32, 64], hidden=[32, 64], dropout=[0.2, 0.5]),
    "multimodal": dict(hidden=[32, 64, 128], dropout=[0.2, 0.5], batch_norm=[False, True]),
}
config = lambda s: pa_train.ClassifierConfig(epochs=EPOCHS, patience=5, batch_size=32, seed=s)  # noqa: E731
fits, scores, test_p = {}, [], {}  # test_p[(seed, row)]: P(popular) on that seed's test split
for s in tqdm(SEEDS, desc="seeds", mininterval=60, disable=P.name == "smoke"):
    tr, va, te = split_indices(y_all, seed=s)
    vocab = Vocabulary.build([tokens_all[i] for i in tr], min_count=1)
    tok, lens = vocab.encode(tokens_all, MAX_LEN)
    y = torch.as_tensor(y_all)
    part = lambda *ts, idx: tuple(t[idx] for t in ts)  # noqa: E731
    models = {}
    flat = feats[tr].reshape(-1, feats.shape[-1])
    mu, sd = flat.mean(0), flat.std(0) + 1e-6
    models["video frames: ResNet50 mean"] = pa_train.random_search(
        lambda **k: Standardised(pa.FrameMeanNet(**k), mu, sd), SPACES["frames mean"], part(feats, y, idx=tr), part(feats, y, idx=va),
        TRIALS, s, config(s), device=session.device)[0]
    models["video frames: + attention"] = pa_train.random_search(
        lambda **k: Standardised(pa.FrameAttentionNet(**k), mu, sd), SPACES["frames attention"], part(feats, y, idx=tr),
        part(feats, y, idx=va), TRIALS, s, config(s), device=session.device)[0]
    space = dict(SPACES["headline"])
    glove = {}
    if GLOVE:  # the paper's frozen GloVe vectors, from a local file
        vectors, found = load_glove(GLOVE, vocab, seed=s)
        glove = {"embeddings": vectors, "freeze": True}
        space["emb_dim"] = [vectors.shape[1]]
        print(f"seed {s}: GloVe vectors for {found:.0%} of the vocabulary")
    for name, cls in (("headline: biLSTM", pa.HeadlineLastNet), ("headline: + attention", pa.HeadlineAttentionNet)):
        models[name] = pa_train.random_search(
            lambda cls=cls, **k: cls(len(vocab), **glove, **k), space, part(tok, lens, y, idx=tr),
            part(tok, lens, y, idx=va), TRIALS, s, config(s), device=session.device)[0]
    for name, fm, hm in (("multimodal: ResNet + biLSTM", "video frames: ResNet50 mean", "headline: biLSTM"),
                         ("multimodal: + attention", "video frames: + attention", "headline: + attention")):
        emb = torch.cat([pa_train.video_embedding(models[fm], feats, device=session.device),
                         pa_train.text_embedding(models[hm], tok, lens, device=session.device)], 1)
        vd = emb.shape[1] - pa_train.text_embedding(models[hm], tok[:1], lens[:1]).shape[1]
        models[name] = pa_train.random_search(
            lambda vd=vd, td=emb.shape[1] - vd, **k: pa.MultimodalNet(vd, td, **k), SPACES["multimodal"],
            part(emb, y, idx=tr), part(emb, y, idx=va), TRIALS, s, config(s), device=session.device)[0]
        models[name + " (inputs)"] = emb
    for name in ROWS:
        inputs = {"video": (feats,), "headl": (tok, lens), "multi": (models.get(name + " (inputs)"),)}[name[:5]]
        p = pa_train.predict_proba(models[name], tuple(t[te] for t in inputs), device=session.device)
        scores.append({"row": name, "seed": s, **pa_train.evaluate(p, y_all[te], ratio[te])})
        test_p[(s, name)] = p
    fits[s] = {"models": models, "split": (tr, va, te), "vocab": vocab, "tok": tok, "lens": lens}
scores = pd.DataFrame(scores)

# %%
oracle = data.oracle()
ORACLE_OF = {"video": "frames", "headl": "headline", "multi": "both"}


def oracle_scores(s):
    te = fits[s]["split"][2]
    return {k: pa_train.evaluate(oracle[k].to_numpy()[te], y_all[te], ratio[te]) for k in ("frames", "headline", "both")}


orc = {s: oracle_scores(s) for s in SEEDS}
rows = []
for i, name in enumerate(ROWS):
    acc = scores[scores.row == name].accuracy.to_numpy()
    rho = scores[scores.row == name].spearman.to_numpy()
    o = ORACLE_OF[name[:5]]
    o_acc = np.mean([orc[s][o]["accuracy"] for s in SEEDS])
    o_rho = np.mean([orc[s][o]["spearman"] for s in SEEDS])
    rows.append({"row": name, "paper acc %": TABLE1["accuracy %"][i], "ours acc %": format_mean_std(100 * acc, 1),
                 "oracle acc %": round(100 * o_acc, 1), "paper ρ": TABLE1.Spearman[i],
                 "ours ρ": format_mean_std(np.nan_to_num(rho), 3), "oracle ρ": round(o_rho, 3)})
    vira.results.record(session, "Pay Attention", "Table 1", name, "accuracy", list(acc),
                        paper_value=TABLE1["accuracy %"][i] / 100, oracle=o_acc,
                        section="table-1-on-the-planted-videos", note="synthetic videos with a planted cue and words")
    vira.results.record(session, "Pay Attention", "Table 1", name, "Spearman", list(np.nan_to_num(rho)),
                        paper_value=TABLE1.Spearman[i], oracle=o_rho, section="table-1-on-the-planted-videos")
ours = pd.DataFrame(rows).set_index("row")
n_test = len(fits[SEEDS[0]]["split"][2])
acc_se = 100 * np.sqrt(0.25 / n_test)
vira.glue("n_test", n_test)
vira.glue("acc_se", acc_se)
ours

# %%
mean_acc = scores.groupby("row").accuracy.mean()
best_frames = max(mean_acc["video frames: ResNet50 mean"], mean_acc["video frames: + attention"])
best_head = max(mean_acc["headline: biLSTM"], mean_acc["headline: + attention"])
best_multi = max(mean_acc["multimodal: ResNet + biLSTM"], mean_acc["multimodal: + attention"])
o_both = np.mean([orc[s]["both"]["accuracy"] for s in SEEDS])
vira.glue("best_frames", 100 * best_frames)
vira.glue("best_head", 100 * best_head)
vira.glue("best_multi", 100 * best_multi)
vira.glue("oracle_both", 100 * o_both)
# Each seed draws its own split, so row s of these (seeds, test videos) arrays holds seed s's test
# videos; both arms of a comparison share them, and the bootstrap resamples them within each seed.
Y_TEST = np.stack([y_all[fits[s]["split"][2]] for s in SEEDS])
arm = lambda row: np.stack([test_p[(s, row)] for s in SEEDS])  # noqa: E731
oracle_both = np.stack([oracle["both"].to_numpy()[fits[s]["split"][2]] for s in SEEDS])
SEC = "table-1-on-the-planted-videos"


def accuracy_claim(name, statement, a, b=None, null=0.0, what="", **kw):
    """A claim on the accuracy of ``a`` (against ``null``) or on the accuracy difference ``a`` - ``b``
    on the same test videos; ``a``, ``b``: a row of Table 1, or (seeds, N) P(popular)."""
    a, b = (arm(x) if isinstance(x, str) else x for x in (a, b))
    ev = evidence(accuracy, a, Y_TEST, b, seed=session.seed, span=1.0 if b is None else 2.0)
    metric = ("accuracy" if b is None else "accuracy difference") + f"{what}, planted videos' test splits"
    return claim(session, name, statement=statement, metric=metric, ev=ev, null=null, section=SEC, **kw)


def paper_diff(a, b):
    return dict(paper_estimate=PAPER_ACC[a] - PAPER_ACC[b],
                paper_se=paper_se("proportion", PAPER_ACC[a], PAPER_N_TEST, PAPER_ACC[b]))


# The small preset (3 seeds x 40 test videos) detected accuracy differences of about 0.2 (5 seeds
# narrow that a little), and the paper's attention differences are under 0.01: its last run left all
# three inside the interval.
# The attention arms may still come out ahead here (each modality has one planted cause that
# attention can pick out), so "reproduced" (frames, multimodal) and "contradicted" (headline) are
# accepted too.
for row, base, word, direction, expect in (
        ("video frames: + attention", "video frames: ResNet50 mean", "frame", 1, ("inconclusive", "reproduced")),
        ("headline: + attention", "headline: biLSTM", "headline", -1, ("inconclusive", "contradicted")),
        ("multimodal: + attention", "multimodal: ResNet + biLSTM", "multimodal", 1, ("inconclusive", "reproduced"))):
    accuracy_claim(f"claim_att_{word}", f"attention {'helps' if direction > 0 else 'hurts'} the {word} model", row,
                   base, paper="Pay Attention", direction=direction, central=True, expect=expect,
                   **paper_diff(row, base))
# the strongest single-modality row (highest mean test accuracy): the hardest competitor to beat
single = max(ROWS[:4], key=lambda r: mean_acc[r])
paper_single = max(ROWS[:4], key=lambda r: PAPER_ACC[r])
# last small run: +0.025 over the strongest single row, with a detectable effect near 0.2
accuracy_claim("claim_multimodal", "both modalities together beat either alone", "multimodal: + attention", single,
               what=f" (multimodal: + attention vs the strongest single row, {single})", paper="Pay Attention", central=True,
               expect=("inconclusive", "reproduced"), **paper_diff("multimodal: + attention", paper_single))
# The chapter's own claims. Last small run: frames + attention 0.642 (low end of its interval
# near 0.52), headline + attention 0.642 with a wide seed spread: either may stay undecided.
for row, word, statement in (("video frames: + attention", "frames", "the frames alone beat chance"),
                             ("headline: + attention", "headline", "the headline alone beats chance")):
    accuracy_claim(f"claim_chance_{word}", statement, row, null=0.5, what=f" of {row}", paper="ours",
                   expect=("reproduced", "inconclusive"))
# below the oracle: the model's and the oracle's accuracies on the same test videos, paired
# (last small run: 0.667 against 0.808, an interval that may just reach 0)
_ = accuracy_claim("claim_oracle", "the multimodal model stays below the oracle from both modalities",
                   "multimodal: + attention", oracle_both, what=" (multimodal: + attention minus the oracle)", paper="ours",
                   direction=-1, expect=("reproduced", "inconclusive"))

# %% [markdown]
# The best frame model reaches {glue:text}`best_frames:.1f` % accuracy, the best headline model
# {glue:text}`best_head:.1f` %, the best multimodal model {glue:text}`best_multi:.1f` %, against the
# oracle's {glue:text}`oracle_both:.1f` % from both modalities; with {glue:text}`n_test` test
# videos per seed, one accuracy carries a standard error of about {glue:text}`acc_se:.1f` points.
# Here, unlike in the paper, the two modalities carry different, independent causes, so the
# oracle from both does better than either alone by construction; whether the trained models do,
# and whether attention helps them:
#
# - {glue:text}`claim_att_frame`
# - {glue:text}`claim_att_headline`
# - {glue:text}`claim_att_multimodal`
# - {glue:text}`claim_multimodal`
# - {glue:text}`claim_chance_frames`
# - {glue:text}`claim_chance_headline`
# - {glue:text}`claim_oracle`
#
# The gap between a model and its oracle is what the trunk, the data size and the training cost;
# the paper had no oracle to measure it against.
#
# ## Do the explanations point at the cause?
#
# ### Frame attention
#
# In a test video with the cue, the frame that should get the most attention is one of the 3 cue
# frames; by chance the largest α lands there 3 times in 18. We also report the mean Spearman ρ
# between α and the cue frames (1 on a cue frame, 0 elsewhere).

# %%
s0 = SEEDS[0]
frame_att = fits[s0]["models"]["video frames: + attention"]
tr, va, te = fits[s0]["split"]
held = np.concatenate([va, te])
cue_held = held[table.cue.to_numpy()[held] == 1]


def held_out(s, keep):
    """Seed ``s``'s validation and test videos (never trained on) for which ``keep`` is true."""
    _, va_s, te_s = fits[s]["split"]
    h = np.concatenate([va_s, te_s])
    return h[keep[h]]


alpha_hits, alpha_rho = [], []
for s in SEEDS:
    model = fits[s]["models"]["video frames: + attention"].eval()
    vids = held_out(s, table.cue.to_numpy() == 1)
    with torch.no_grad():
        _, a = model.attend(feats[vids].to(session.device))
    a = a.cpu().numpy()
    masks = np.stack([data.cue_mask(int(i)) for i in vids])
    alpha_hits.append(masks[np.arange(len(vids)), a.argmax(1)].astype(float))
    alpha_rho.append(float(np.nanmean([stats.spearmanr(x, m)[0] for x, m in zip(a, masks)])))
    print(f"seed {s}: {len(vids)} held-out videos with the cue; largest α on a cue frame in "
          f"{alpha_hits[-1].mean():.2f}; mean ρ(α, cue frames) {alpha_rho[-1]:.2f}")
chance_hit = CUE_RUN / N_FRAMES
alpha_hit = float(np.mean([h.mean() for h in alpha_hits]))
vira.glue("alpha_hit", alpha_hit)
vira.glue("alpha_rho", float(np.mean(alpha_rho)))
vira.glue("chance_hit", chance_hit)
vira.glue("n_cue_held", ", ".join(str(len(h)) for h in alpha_hits))
vira.results.record(session, "Pay Attention", "planted truth", "frame attention", "top-α frame shows the cue",
                    [float(h.mean()) for h in alpha_hits], oracle=1.0, section="frame-attention",
                    note=f"chance {chance_hit:.3f}; held-out videos with the cue, one value per seed")
n_alpha = min(map(len, alpha_hits))  # the claim takes the first n of each seed's videos: one count for all
hits = np.stack([h[:n_alpha] for h in alpha_hits])
# The last small run found 0.98 on its first seed's model; the other seeds' models were not
# inspected, and a few seeds with one weak model leave a wide interval: "inconclusive" is accepted.
_ = claim(session, "claim_alpha", paper="Pay Attention", statement="the frame attention finds the cue frames",
          metric="share of held-out videos with the cue whose largest α falls on a cue frame",
          ev=evidence(mean_score, hits, np.zeros_like(hits), seed=session.seed, span=1.0),
          null=chance_hit, central=True, expect=("reproduced", "inconclusive"), section="frame-attention")

# %% [markdown]
# The largest α falls on a cue frame in {glue:text}`alpha_hit:.2f` of the held-out videos with
# the cue ({glue:text}`n_cue_held` videos for the seeds in turn; chance {glue:text}`chance_hit:.2f`),
# and the mean rank correlation between α and the cue frames is {glue:text}`alpha_rho:.2f`.
# {glue:text}`claim_alpha`
#
# ### Grad-CAM, plain and scaled by attention
#
# Grad-CAM takes the gradient of the popular class score with respect to ResNet50's last block
# through the whole model (trunk, frame embedding, attention, classifier;
# `vira.explain.frame_cams`, with the grad-cam package), averages it over the positions to weigh
# the block's channels, and keeps the positive part of the weighted sum. We score each heatmap
# against the cue's box, in the cue frames:
#
# * **pointing game**: does the heatmap's largest value lie in the box? A map that always points
#   at the frame's centre hits only when the box covers the centre; a random point hits with the
#   box's area, 0.22² ≈ 0.05;
# * **energy in the box**: the heatmap's share of mass in the box (a flat map: the box's area; a
#   heatmap that is zero everywhere, which Grad-CAM gives when no position raises the score,
#   scores 0 on both).
#
# Within one frame, scaling by α_i / max α changes neither score. What it changes is the
# sequence: over all 18 frames of a video, how much of the heatmaps' mass falls in the cue's box
# in the cue frames, and whether the video's single hottest pixel does.

# %%
def cam_scores(model, videos):
    """Scores of Grad-CAM through ``trunk`` + ``model`` on ``videos`` with the cue: one row per
    cue frame (pointing game, energy in the box, the centre baselines) with the video's
    sequence-wide scores, and the first video's heatmaps and attention for the figure."""
    rows, example = [], None
    model.eval()
    for i in videos:
        i = int(i)
        frames = to_input(data.frames(i)).to(session.device)
        cams = frame_cams(trunk, model, frames)
        with torch.no_grad():  # alpha from the trunk as it is now (the sanity controls change it)
            a = model.attend(trunk(frames)[None])[1][0].cpu().numpy()
        box, mask = table.box.iat[i], data.cue_mask(i)
        seq = {}
        for kind, m in (("scaled", attention_scaled_cam(cams, a)), ("plain", attention_scaled_cam(cams, np.ones(N_FRAMES)))):
            in_box = sum(energy_in_box(m[k], box) * m[k].sum() for k in np.flatnonzero(mask) if m[k].sum() > 0)
            seq[f"sequence energy ({kind})"] = in_box / m.sum() if m.sum() > 0 else 0.0
            k = np.unravel_index(int(np.argmax(m)), m.shape)[0]
            seq[f"sequence pointing ({kind})"] = float(mask[k] and pointing_game(m[k], box))
        for k in np.flatnonzero(mask):
            rows.append({"video": i, "frame": int(k), "pointing": float(pointing_game(cams[k], box)),
                         "energy": np.nan_to_num(energy_in_box(cams[k], box)),  # an all-zero map: 0
                         "zero map": float(cams[k].max() == 0), "centre pointing": float(pointing_game(CENTRE_POINT, box)),
                         "centre energy": energy_in_box(CENTRE_BOX, box),
                         "area": (box[2] - box[0]) * (box[3] - box[1]), **seq})
        if example is None:
            example = (i, cams, a)
    return pd.DataFrame(rows), example


CENTRE_POINT = np.zeros((SIZE, SIZE))
CENTRE_POINT[SIZE // 2, SIZE // 2] = 1.0  # a heatmap that always points at the frame's centre
CENTRE_BOX = box_mask((SIZE, SIZE), centre_box(CUE_SIZE)).astype(float)


cam_videos = cue_held[:N_CAM]
cam, example = cam_scores(frame_att, tqdm(cam_videos, desc="Grad-CAM", mininterval=60, disable=P.name == "smoke"))
per_frame = cam[["pointing", "energy", "zero map", "centre pointing", "centre energy", "area"]].astype(float).mean()
per_video = cam.drop_duplicates("video")[[c for c in cam.columns if c.startswith("sequence")]].astype(float).mean()
cam_table = pd.DataFrame({
    "Grad-CAM": [per_frame.pointing, per_frame.energy],
    "centre of the frame": [per_frame["centre pointing"], per_frame["centre energy"]],
    "chance (box area)": [per_frame.area, per_frame.area]}, index=["pointing game", "energy in box"])
cam_table.columns.name = f"cue frames of {len(cam_videos)} videos"
seq_table = pd.DataFrame({"scaled by α (the paper)": [per_video["sequence energy (scaled)"], per_video["sequence pointing (scaled)"]],
                          "plain": [per_video["sequence energy (plain)"], per_video["sequence pointing (plain)"]],
                          "chance": [per_frame.area * CUE_RUN / N_FRAMES, per_frame.area * CUE_RUN / N_FRAMES]},
                         index=["energy in the cue's box, all frames", "hottest pixel in the cue's box"])
display(cam_table.round(3), seq_table.round(3))
print(f"share of the cue frames' heatmaps that are zero everywhere: {per_frame['zero map']:.2f}")
for k, v in (("cam_point", per_frame.pointing), ("cam_energy", per_frame.energy), ("box_area", per_frame.area),
             ("centre_point", per_frame["centre pointing"]), ("seq_scaled", per_video["sequence energy (scaled)"]),
             ("seq_plain", per_video["sequence energy (plain)"])):
    vira.glue(k, float(v))
for metric, val in (("pointing game", per_frame.pointing), ("energy in box", per_frame.energy)):
    vira.results.record(session, "Pay Attention", "planted truth", "Grad-CAM (cue frames)", metric, float(val),
                        oracle=1.0, section="grad-cam-plain-and-scaled-by-attention",
                        note=f"chance {per_frame.area:.3f} (box area)")
vira.results.record(session, "Pay Attention", "planted truth", "attention-scaled Grad-CAM", "sequence energy in cue box",
                    float(per_video["sequence energy (scaled)"]), section="grad-cam-plain-and-scaled-by-attention",
                    note=f"plain Grad-CAM {per_video['sequence energy (plain)']:.3f}")


def video_scores(cam):
    """One row per video of ``cam_scores``' rows: its cue frames' mean energy in the box, the box
    area, the sequence-wide shares (scaled, plain) and a flat map's share (chance)."""
    v = cam.groupby("video", sort=False).agg(
        energy=("energy", "mean"), area=("area", "first"), scaled=("sequence energy (scaled)", "first"),
        plain=("sequence energy (plain)", "first"))
    v["chance"] = v.area * CUE_RUN / N_FRAMES  # a flat map's share in the box of the cue frames
    return v


# The claims below repeat Grad-CAM with every seed's frame model, each on its own held-out videos
# with the cue (the first seed's are the ones above), so that their intervals cover the seeds.
by_video, cam_sets = {s0: video_scores(cam)}, {s0: set(cam_videos.tolist())}
for s in SEEDS[1:]:
    vids = held_out(s, table.cue.to_numpy() == 1)[:N_CAM]
    cam_sets[s] = set(vids.tolist())
    model_s = fits[s]["models"]["video frames: + attention"]
    by_video[s] = video_scores(cam_scores(model_s, tqdm(vids, desc=f"Grad-CAM, seed {s}", mininterval=60))[0])
n_cam = {s: len(v) for s, v in by_video.items()}
print("videos explained with Grad-CAM, per seed:", n_cam)
# The seeds' held-out videos are drawn from splits of the same 400 videos, so two seeds can explain
# the same video (each with its own model). The share of one seed's videos that another seed also
# explains, averaged over the pairs of seeds:
pairs = [(a, b) for a in SEEDS for b in SEEDS if a < b]
cam_overlap = float(np.mean([len(cam_sets[a] & cam_sets[b]) / len(cam_sets[a]) for a, b in pairs])) if pairs else 0.0
vira.glue("cam_overlap", cam_overlap)
vira.glue("cam_overlap_sentence",
          f"The seeds' videos are not wholly fresh: their held-out splits come from the same "
          f"{len(table):,} videos, and on average {cam_overlap:.0%} of one seed's Grad-CAM videos are also "
          f"another seed's. Where two seeds explain the same video their means move together, so the spread "
          f"of the seeds' means, which the intervals read as the test videos' error, somewhat understates it."
          if pairs else "With one seed, the intervals come from a bootstrap over that seed's videos.")
vira.glue("n_cam", len(cam_videos))
vira.glue("n_cam_seeds", len(SEEDS))
SEC_CAM = "grad-cam-plain-and-scaled-by-attention"


def cam_claim(name, a, b, span, **kw):
    """A claim on the mean over the Grad-CAM videos of ``a`` - ``b`` (two per-video scores).

    With several seeds, each seed's model is explained on its own held-out videos, so the spread of
    the seeds' means already holds the test videos' error (:func:`vira.book.claims.from_values`;
    the seeds' videos overlap by ``cam_overlap`` on average, so it holds somewhat less of it than
    fresh videos would); with one seed (smoke), the error is a bootstrap over that seed's videos."""
    if len(SEEDS) > 1:
        ev = from_values([float((v[a] - v[b]).mean()) for v in by_video.values()], n_test=min(n_cam.values()))
    else:
        v = by_video[s0]
        ev = evidence(mean_score, v[a].to_numpy(), np.zeros(len(v)), v[b].to_numpy(), seed=session.seed, span=span)
    return claim(session, name, paper="Pay Attention", ev=ev, section=SEC_CAM, **kw)


# Last small run (one seed, 12 videos): Grad-CAM's mass in the cue frames' box 0.035 against the
# box's area 0.048, so "contradicted" is accepted; the attention-scaled sequence 0.035 against a
# flat map's 0.008 and against plain Grad-CAM's 0.016 (both decided with 12 videos of one seed).
# Over 3 seeds (2026-12-05) both central claims were positive in every seed and inconclusive,
# +0.027 [-0.009, +0.063] and +0.014 [-0.014, +0.042]; the power plan's lever is seeds (t with 2
# degrees of freedom is 4.30, with 4 it is 2.78), so small and full now run 5.
cam_claim("claim_cam_frames", a="energy", b="area", span=1.0, expect=("inconclusive", "contradicted"),
          statement="Grad-CAM puts its mass on the cue, in the cue frames",
          metric="mean share of a cue frame's heatmap in the cue's box, minus the box's area")
cam_claim("claim_cam_sequence", a="scaled", b="chance", span=1.0, central=True, expect=("reproduced", "inconclusive"),
          statement="attention-scaled Grad-CAM puts the video's heatmap mass on the cue",
          metric="share of the 18 scaled heatmaps' mass in the cue's box of the cue frames, minus a flat map's")
_ = cam_claim("claim_cam_scaling", a="scaled", b="plain", span=2.0, central=True, expect=("reproduced", "inconclusive"),
              statement="scaling Grad-CAM by attention raises the heatmap mass on the cue",
              metric="share of the 18 heatmaps' mass in the cue's box of the cue frames, scaled minus plain")

# %% [markdown]
# In the cue frames, Grad-CAM's mass in the box is {glue:text}`cam_energy:.3f` against the box's
# area {glue:text}`box_area:.3f`, and its hottest pixel is in the box in {glue:text}`cam_point:.2f`
# of them (the frame's centre: {glue:text}`centre_point:.2f`). Over the whole sequence, the share
# of the heatmaps' mass on the cue is {glue:text}`seq_plain:.3f` for plain Grad-CAM and
# {glue:text}`seq_scaled:.3f` once scaled by attention. These numbers are the first seed's frame
# model on {glue:text}`n_cam` held-out videos with the cue. The claims repeat Grad-CAM for each of
# the {glue:text}`n_cam_seeds` seeds' frame models, each on its own held-out videos with the cue,
# so that their intervals cover the seeds (the seeds' own test videos put the test error into
# their spread). {glue:text}`cam_overlap_sentence`
#
# - {glue:text}`claim_cam_frames`
# - {glue:text}`claim_cam_sequence`
# - {glue:text}`claim_cam_scaling`
#
# The sequence-wide share mixes two things: *which frames* (α) and *where in them* (Grad-CAM).
# Scaling by α can raise it through the frames alone, when α favours the cue frames, even if
# Grad-CAM's heatmap inside a cue frame is no better than a flat one; the first claim isolates
# the second part.

# %% [markdown]
# ### Sanity controls
#
# A heatmap that does not change when the model's weights are destroyed explains nothing about
# the model. Following Adebayo et al., we redo the cue-frame scores after **cascading
# randomisation** (re-initialise the classifier, then also the attention, the frame embedding,
# and ResNet50's last and second-to-last blocks) and after **label randomisation** (the frame
# model trained again, the same way, on shuffled labels).

# %%
sanity_videos = cam_videos[:N_SANITY]
stages = [("trained", None), ("classifier", "classifier"), ("+ attention", "attention"),
          ("+ frame embedding", "frame"), ("+ ResNet50 layer4", "layer4"), ("+ ResNet50 layer3", "layer3")]
sanity, trunk_backup = [], copy.deepcopy(trunk.state_dict())
sanity_energy = {}  # control -> per-video mean energy in the cue's box, over the sanity videos
model = copy.deepcopy(frame_att)
for k, (stage, part_name) in enumerate(stages):
    if part_name is not None:  # cumulative: each stage re-initialises one more part
        randomise_(getattr(trunk if part_name.startswith("layer") else model.model, part_name), seed=seed + 1000 + k)
    sc, _ = cam_scores(model, sanity_videos)
    sanity.append({"control": f"cascading: {stage}", "pointing": sc.pointing.mean(), "energy": sc.energy.mean(),
                   "all-zero maps": sc["zero map"].mean()})
    sanity_energy[sanity[-1]["control"]] = sc.groupby("video", sort=False).energy.mean().to_numpy()
trunk.load_state_dict(trunk_backup)  # the trained trunk back (it is frozen: a reload restores it exactly)
rng = np.random.default_rng([seed, 8, 8])
shuffled = torch.as_tensor(rng.permutation(y_all))
shuffled_model = randomise_(copy.deepcopy(frame_att), seed=seed + 2000)  # same architecture, new start
pa_train.fit_classifier(shuffled_model, (feats[tr], shuffled[tr]), (feats[va], shuffled[va]), config(s0), device=session.device)
sc, _ = cam_scores(shuffled_model, sanity_videos)
sanity.append({"control": "label randomisation", "pointing": sc.pointing.mean(), "energy": sc.energy.mean(),
               "all-zero maps": sc["zero map"].mean()})
sanity_energy["label randomisation"] = sc.groupby("video", sort=False).energy.mean().to_numpy()
sanity = pd.DataFrame(sanity).set_index("control")
sanity["chance (box area)"] = per_frame.area
display(sanity.round(3))
vira.glue("sanity_trained", float(sanity.energy.iloc[0]))
vira.glue("sanity_random", float(sanity.energy.iloc[-2]))
vira.glue("sanity_labels", float(sanity.energy.iloc[-1]))
for control, row in sanity.iterrows():
    vira.results.record(session, "Pay Attention", "sanity controls", control, "energy in box", float(row.energy),
                        section="sanity-controls", note=f"box area {per_frame.area:.3f}")
# Paired per video: a control's energy minus the trained model's, on the same sanity videos. The
# last small run (4 videos): trained 0.041, fully randomised 0.073, shuffled labels 0.115. Its
# trained Grad-CAM did not localise the cue in the first place (above), so there was no
# localisation to destroy. A small run then decided the label control "reproduced" on its four
# videos: with so few videos every verdict is plausible, so these two are reported, not asserted.
for name, control, statement in (
        ("claim_sanity_weights", "cascading: + ResNet50 layer3", "randomising the model's weights lowers Grad-CAM's mass on the cue"),
        ("claim_sanity_labels", "label randomisation", "training on shuffled labels lowers Grad-CAM's mass on the cue")):
    ev = evidence(mean_score, sanity_energy[control], np.zeros(len(sanity_videos)),
                           sanity_energy["cascading: trained"], seed=session.seed, span=2.0)
    claim(session, name, paper="ours", statement=statement, metric=f"energy in the cue's box, {control} minus trained",
          ev=ev, direction=-1, expect=None, section="sanity-controls")

# %% [markdown]
# The heatmaps' mass in the cue's box goes from {glue:text}`sanity_trained:.3f` for the trained
# model to {glue:text}`sanity_random:.3f` once the classifier, attention, embedding and two
# ResNet50 blocks are re-initialised, and to {glue:text}`sanity_labels:.3f` for the model trained
# on shuffled labels.
#
# - {glue:text}`claim_sanity_weights`
# - {glue:text}`claim_sanity_labels`
#
# A control can only destroy a localisation that is there: read these with the in-frame claim
# above.
#
# ### Headline attention
#
# In a test headline with hot words, the largest β should fall on one of them; by chance it does
# with probability (number of hot words) / (number of words).

# %%
beta_hits, beta_chances = [], []
for s in SEEDS:
    model = fits[s]["models"]["headline: + attention"].eval()
    vids = held_out(s, table.n_hot.to_numpy() > 0)
    tok_s, lens_s = fits[s]["tok"], fits[s]["lens"]
    with torch.no_grad():
        _, b_s = model.attend(tok_s[vids].to(session.device), lens_s[vids])
    b_s = b_s.cpu().numpy()
    if s == s0:  # the first seed's model and weights, for the shaded headlines below
        hot_held, beta, lens0 = vids, b_s, lens_s
    n_words = [int(lens_s[i]) for i in vids]
    pos = [table.hot_positions.iat[int(i)] for i in vids]
    beta_hits.append(np.array([float(int(np.argmax(b[:n])) in q) for b, n, q in zip(b_s, n_words, pos)]))
    beta_chances.append(np.array([len(q) / n for n, q in zip(n_words, pos)]))  # a uniformly random word
    print(f"seed {s}: {len(vids)} held-out headlines with hot words; largest β on a hot word in "
          f"{beta_hits[-1].mean():.2f} (chance {beta_chances[-1].mean():.2f})")
beta_hit = float(np.mean([h.mean() for h in beta_hits]))
beta_chance = float(np.mean([c.mean() for c in beta_chances]))
vira.glue("beta_hit", beta_hit)
vira.glue("beta_chance", beta_chance)
vira.glue("n_hot_held", ", ".join(str(len(h)) for h in beta_hits))
vira.results.record(session, "Pay Attention", "planted truth", "headline attention", "top-β word is a hot word",
                    [float(h.mean()) for h in beta_hits], oracle=1.0, section="headline-attention",
                    note=f"chance {beta_chance:.3f}; one value per seed")
n_beta = min(map(len, beta_hits))  # the first n of each seed's headlines: one count for all seeds
# Paired per headline with its own chance level (hot words / words). Last small run: 0.81 against
# 0.12 on the first seed's model; the other seeds' were not inspected ("inconclusive" accepted).
_ = claim(session, "claim_beta", paper="Pay Attention", statement="the headline attention finds the hot words",
          metric="share of held-out headlines with hot words whose largest β falls on one, minus chance",
          ev=evidence(mean_score, np.stack([h[:n_beta] for h in beta_hits]), np.zeros((len(SEEDS), n_beta)),
                               np.stack([c[:n_beta] for c in beta_chances]), seed=session.seed, span=2.0),
          central=True, expect=("reproduced", "inconclusive"), section="headline-attention")

# %% [markdown]
# The largest β falls on a hot word in {glue:text}`beta_hit:.2f` of the held-out headlines that
# have one ({glue:text}`n_hot_held` headlines for the seeds in turn; chance
# {glue:text}`beta_chance:.2f`). {glue:text}`claim_beta`
#
# ## Figures
#
# A strip like the paper's Fig. 1: five consecutive frames of a held-out video with the cue, the
# attention weight above each, and the attention-scaled Grad-CAM over it (the cue's box drawn in
# white).

# %%
i, ex_cams, ex_alpha = example
frames = data.frames(i).numpy()
scaled = attention_scaled_cam(ex_cams, ex_alpha)
start = int(np.clip(table.cue_start.iat[i] - 1, 0, N_FRAMES - 5))
fig, axes = plt.subplots(1, 5, figsize=(10, 2.6))
x0, y0, x1, y1 = (v * SIZE for v in table.box.iat[i])
for ax, k in zip(axes, range(start, start + 5)):
    ax.imshow(frames[k])
    ax.imshow(scaled[k], cmap="jet", alpha=0.45, vmin=0, vmax=1)
    if data.cue_mask(i)[k]:
        ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="white", lw=1.2))
    ax.set(xticks=[], yticks=[], title=f"α = {ex_alpha[k]:.3f}")
plt.suptitle(f"video {i}: attention-scaled Grad-CAM (cue frames boxed)", fontsize=9)
plt.tight_layout()
plt.show()

# %% [markdown]
# Headlines shaded by β (darker: more weight), for held-out headlines with hot words:


# %%
def shade(tokens, weights):
    w = np.asarray(weights) / max(np.max(weights), 1e-12)
    return " ".join(f'<span style="background: rgba(214, 39, 40, {a:.2f}); padding: 1px 2px">{html.escape(t)}</span>'
                    for t, a in zip(tokens, w))


display(HTML("<br>".join(shade(tokens_all[int(i)][: int(lens0[i])], b[: int(lens0[i])])
                         for i, b in list(zip(hot_held, beta))[:6])))

# %% [markdown]
# ## Real captions: 9,000 TikTok videos
#
# The headline branch on real text: the captions and hashtags of the TikTok crawl in
# `$VIRA_DATA/tiktok_vn_2025`, with exactly the paper's label (views over the author's
# followers, median split). The text is Vietnamese; `vira.text.tokenize` splits it into syllables
# (Vietnamese writes words as space-separated syllables, and no word segmenter is available
# offline), keeps hashtags as their own tokens, and gives every emoji a token. Videos without any
# text, or without a follower count above 0, are left out and counted.
#
# A caption model's accuracy means little until it is set next to models that see **no content**.
# The label divides views by followers, and chapter {doc}`01_labels` (section *What does each label
# track?*) found that this ratio mostly tracks the size of the audience. So every split also
# trains, on the same videos (`vira.training.content_free`):
#
# - *followers only*: a logistic regression on $\log_{10}$ of the creator's follower count;
# - *author only*: the author's share of popular training videos, shrunk towards the overall share
#   (an author the training part never saw gets the overall share);
# - *+ followers*: each caption model given the follower count as well, by a logistic regression on
#   the caption model's logit and $\log_{10}$ followers fitted on the validation part (late fusion:
#   the caption model itself is trained as before). This is our choice; a model that reads the
#   follower count as an input would be another.
#
# And every model is trained on two kinds of split: **by video** (stratified 80/10/10, as the
# paper's), where one author's videos can fall on both sides, and **by author** (80/10/10 of the
# authors, `group_split_indices`), where no author of a test video was seen in training.

# %%
tiktok = data_dir("tiktok_vn_2025")
# Splits of the captions: at least two, so that a spread over splits exists even at smoke.
CAP_SEEDS = [seed + k for k in range(P.pick(smoke=2, small=3, full=3))]
real_rows = []
CAP_CLAIMS = ("claim_cap_chance", "claim_cap_att", "claim_cap_followers", "claim_cap_add", "claim_cap_author")
if tiktok is None:
    print("VIRA_DATA is not set: the real-caption section is skipped")
    vira.glue("cap_n", 0)
    vira.glue("cap_authors", 0)
    for k in ("cap_best", "cap_bow"):
        vira.glue(k, float("nan"))
    for k in CAP_CLAIMS + ("label_text",):
        vira.glue(k, "(not run: VIRA_DATA is not set)")
else:
    caps, excluded = caption_table(load_snapshot(tiktok / "raw_data.csv"))
    print(f"{len(caps):,} captions kept; left out: " + ", ".join(f"{r} {n}" for r, n in excluded.reason.value_counts().items()))
    if P.name == "smoke":
        caps = caps.sample(800, random_state=seed).reset_index(drop=True)
        caps["label"] = (caps.ratio > caps.ratio.median()).astype(int)
    cy = caps.label.to_numpy()
    cr = caps.ratio.to_numpy()
    cf = caps.followers.to_numpy(float)
    CAP_SPLITS = {"by video": lambda s: split_indices(cy, seed=s),
                  "by author": lambda s: group_split_indices(caps.user_name, seed=s)}
    CAPTION_MODELS = ("headline: biLSTM", "headline: + attention", "bag of words + logistic regression")
    cap_fits, cap_p, cap_y = {}, {}, {}  # cap_p[(split, seed, row)]: P(popular) on that split's test captions
    bar = tqdm(total=len(CAP_SPLITS) * len(CAP_SEEDS), desc="captions (splits)", mininterval=60, disable=P.name == "smoke")
    for kind, draw in CAP_SPLITS.items():
        for s in CAP_SEEDS:
            tr_c, va_c, te_c = draw(s)
            vocab_c = Vocabulary.build([caps.tokens.iat[i] for i in tr_c], min_count=2)
            ctok, clens = vocab_c.encode(list(caps.tokens), 40)
            ylab = torch.tensor(cy)  # a copy: cy is a read-only view of the table
            cfg = pa_train.ClassifierConfig(epochs=P.pick(smoke=1, small=12, full=30), patience=3, batch_size=64, seed=s)
            val_p = {}
            for name, cls in (("headline: biLSTM", pa.HeadlineLastNet), ("headline: + attention", pa.HeadlineAttentionNet)):
                m = pa_train.random_search(lambda cls=cls, **k: cls(len(vocab_c), **k),
                                     dict(emb_dim=[64, 128], lstm_hidden=[64, 128], hidden=[64, 128], dropout=[0.3, 0.5]),
                                     (ctok[tr_c], clens[tr_c], ylab[tr_c]), (ctok[va_c], clens[va_c], ylab[va_c]),
                                     P.pick(smoke=1, small=2, full=6), s, cfg, device=session.device)[0]
                cap_p[(kind, s, name)] = pa_train.predict_proba(m, (ctok[te_c], clens[te_c]), device=session.device)
                val_p[name] = pa_train.predict_proba(m, (ctok[va_c], clens[va_c]), device=session.device)
                cap_fits[(kind, s, name)] = m
            bow = "bag of words + logistic regression"
            texts = lambda idx: [caps.text.iat[i] for i in idx]  # noqa: E731
            cap_p[(kind, s, bow)], fitted = bow_logistic_baseline(texts(tr_c), cy[tr_c], texts(te_c), seed=s)
            val_p[bow] = fitted.predict_proba(texts(va_c))[:, 1]
            # the content-free rows, and each caption model given the follower count as well
            cap_p[(kind, s, "followers only")] = follower_only(cf[tr_c], cy[tr_c], cf[te_c])
            cap_p[(kind, s, "author only")] = identity_only(caps.user_name.to_numpy()[tr_c], cy[tr_c],
                                                            caps.user_name.to_numpy()[te_c], seed=s)
            for name in CAPTION_MODELS:
                cap_p[(kind, s, f"{name} + followers")] = plus_followers(val_p[name], cf[va_c], cy[va_c],
                                                                         cap_p[(kind, s, name)], cf[te_c])
            for (k_, s_, row), p in cap_p.items():
                if (k_, s_) == (kind, s):
                    real_rows.append({"split": kind, "row": row, "seed": s, "n_test": len(te_c),
                                      "seen authors": float(np.isin(caps.user_name.to_numpy()[te_c],
                                                                    caps.user_name.to_numpy()[tr_c]).mean()),
                                      **pa_train.evaluate(p, cy[te_c], cr[te_c])})
            cap_y[(kind, s)] = cy[te_c]
            if (kind, s) == ("by video", CAP_SEEDS[0]):
                cap_split, cap_vocab, cap_tok, cap_lens = (tr_c, va_c, te_c), vocab_c, ctok, clens
            bar.update()
    bar.close()
    real = pd.DataFrame(real_rows)
    by_video = real[(real.split == "by video") & real.row.isin(CAPTION_MODELS)]
    cap_table = by_video.groupby("row", sort=False).agg(
        accuracy=("accuracy", lambda v: format_mean_std(100 * np.asarray(v), 1)),
        spearman=("spearman", lambda v: format_mean_std(v, 3)))
    cap_table["paper acc %"] = [69.47, 68.70, np.nan]
    cap_table["paper ρ"] = [0.542, 0.525, np.nan]
    # the paper's numbers as it prints them (2 and 3 decimals), "—" for the row it has no number for
    display(cap_table.assign(**{c: [f"{v:.{d}f}" if pd.notna(v) else "—" for v in cap_table[c]]
                                for c, d in (("paper acc %", 2), ("paper ρ", 3))}))
    for name, g in by_video.groupby("row", sort=False):
        pv = {"headline: biLSTM": (0.6947, 0.542), "headline: + attention": (0.6870, 0.525)}.get(name, (None, None))
        vira.results.record(session, "Pay Attention", "Table 1 (real TikTok captions)", name, "accuracy", list(g.accuracy),
                            paper_value=pv[0], section="real-captions-9-000-tiktok-videos")
        vira.results.record(session, "Pay Attention", "Table 1 (real TikTok captions)", name, "Spearman", list(g.spearman),
                            paper_value=pv[1], section="real-captions-9-000-tiktok-videos")
    acc_by = by_video.groupby("row").accuracy.mean()
    vira.glue("cap_n", len(caps))
    vira.glue("cap_authors", int(caps.user_name.nunique()))
    vira.glue("cap_best", 100 * max(acc_by["headline: biLSTM"], acc_by["headline: + attention"]))
    vira.glue("cap_bow", 100 * acc_by["bag of words + logistic regression"])

    def cap_arm(row, kind="by video"):
        return np.stack([cap_p[(kind, s, row)] for s in CAP_SEEDS])

    cap_Y = np.stack([cap_y[("by video", s)] for s in CAP_SEEDS])  # each seed's own test captions (same count)
    SEC_CAP = "real-captions-9-000-tiktok-videos"
    # Last small run: 0.636 on about 940 test captions per seed, far from 0.5.
    claim(session, "claim_cap_chance", paper="ours", statement="the captions predict the label above chance",
          metric="accuracy of headline: + attention, real TikTok captions' test splits",
          ev=evidence(accuracy, cap_arm("headline: + attention"), cap_Y, seed=session.seed, span=1.0),
          null=0.5, expect="reproduced", section=SEC_CAP)
    # Last small run: differences -0.011, +0.023, -0.014, an interval of about ± 0.04 around 0 that
    # holds the paper's -0.008.
    claim(session, "claim_cap_att", paper="Pay Attention", statement="attention hurts the headline model, on real captions",
          metric="accuracy difference, real TikTok captions' test splits",
          ev=evidence(accuracy, cap_arm("headline: + attention"), cap_Y, cap_arm("headline: biLSTM"),
                               seed=session.seed, span=2.0),
          direction=-1, expect="inconclusive", section=SEC_CAP,
          **paper_diff("headline: + attention", "headline: biLSTM"))

# %% [markdown]
# The best headline model reaches {glue:text}`cap_best:.1f` % on the {glue:text}`cap_n`
# captions ({glue:text}`cap_authors` authors), the bag-of-words baseline {glue:text}`cap_bow:.1f` %.
#
# - {glue:text}`claim_cap_chance`
# - {glue:text}`claim_cap_att`
#
# The tokens with the largest mean β in the popular test captions (tokens seen at least 5 times
# there):

# %%
if tiktok is not None:
    m = cap_fits[("by video", CAP_SEEDS[0], "headline: + attention")].eval()
    te_c = cap_split[2]
    pop = te_c[cy[te_c] == 1]
    with torch.no_grad():
        _, b = m.attend(cap_tok[pop].to(session.device), cap_lens[pop])
    b = b.cpu().numpy()
    weights = {}
    for row, i in zip(b, pop):
        toks = caps.tokens.iat[int(i)][: int(cap_lens[i])]
        for t_, w in zip(toks, row[: len(toks)]):
            weights.setdefault(t_, []).append(w)
    top = pd.DataFrame([(t_, np.mean(w), len(w)) for t_, w in weights.items() if len(w) >= 5],
                       columns=["token", "mean β", "count"]).sort_values("mean β", ascending=False).head(15)
    display(top.set_index("token").round(3))  # a token a row: hashtags are too long for column headers
    display(HTML("<br>".join(shade(caps.tokens.iat[int(i)][: int(cap_lens[i])], row[: int(cap_lens[i])])
                             for row, i in list(zip(b, pop))[:5])))

# %% [markdown]
# ### What does the label measure?
#
# The same models next to the ones that see no content, on both kinds of split: the mean accuracy
# and Spearman's ρ over the {glue:text}`n_cap_splits` splits of each kind, each with its 95 %
# interval over the splits (a t interval on the per-split values: each split draws its own test
# videos, so their spread holds the test set's noise as well), and the share of test videos whose
# author also has videos in the training part.

# %%
if tiktok is not None:
    def over_splits(values):
        """'mean [low, high]' of per-split values: the t interval of `from_values`. Spearman's rho
        is undefined for a constant prediction (the author alone, on authors it never saw)."""
        if not np.isfinite(values).all():
            return "undefined: constant predictions"
        est, lo, hi, _, _ = claims_interval(from_values(values, n_test=int(real.n_test.min())))
        return f"{est:.3f} [{lo:.3f}, {hi:.3f}]"

    ROW_ORDER = ["followers only", "author only", *CAPTION_MODELS, *(f"{m} + followers" for m in CAPTION_MODELS)]
    content_free = (real.groupby(["row", "split"]).agg(
        accuracy=("accuracy", over_splits), spearman=("spearman", over_splits),
        seen=("seen authors", "mean")).unstack("split").reindex(ROW_ORDER))
    content_free = content_free[[(m, k) for m in ("accuracy", "spearman", "seen") for k in CAP_SPLITS]]
    content_free.columns = [f"{'seen authors' if m == 'seen' else m} ({k})" for m, k in content_free.columns]
    display(content_free)
    for (row, kind), g in real.groupby(["row", "split"]):
        for metric in ("accuracy", "Spearman"):
            if np.isfinite(g[metric.lower()]).all():  # not Spearman of a constant prediction (the table says so)
                vira.results.record(session, "ours", "Real TikTok captions: content-free rows and the author split",
                                    f"{row}, {kind}", metric, list(g[metric.lower()]), section=SEC_CAP)
    acc = real.groupby(["split", "row"]).accuracy.mean()
    by_author = lambda row: real[(real.split == "by author") & (real.row == row)].set_index("seed").accuracy  # noqa: E731
    # Trial run (bag of words, 3 splits; December 2026): followers only 0.90 by video, the captions
    # 0.64; bag of words + followers within 0.003 of the followers alone; by author, the bag of words
    # 0.60-0.62 and the author alone 0.47-0.49.
    claims_cap = {
        "followers": claim(
            session, "claim_cap_followers", paper="ours", statement="the caption model beats the follower count alone",
            metric="accuracy of headline: + attention minus followers only, by-video test splits",
            ev=evidence(accuracy, cap_arm("headline: + attention"), cap_Y, cap_arm("followers only"),
                        seed=session.seed, span=2.0),
            expect="contradicted" if P.name != "smoke" else ("contradicted", "inconclusive"), section=SEC_CAP),
        "add": claim(
            session, "claim_cap_add", paper="ours", statement="the captions add to the follower count",
            metric="accuracy of headline: + attention + followers minus followers only, by-video test splits",
            ev=evidence(accuracy, cap_arm("headline: + attention + followers"), cap_Y, cap_arm("followers only"),
                        seed=session.seed, span=2.0),
            expect=("inconclusive", "contradicted"), section=SEC_CAP),
        "author": claim(
            session, "claim_cap_author", paper="ours",
            statement="the caption model beats chance on authors it never saw",
            metric="accuracy of headline: + attention, by-author test splits (each split its own test videos)",
            ev=from_values(by_author("headline: + attention").to_numpy(), n_test=int(real.n_test.min())),
            null=0.5, expect="reproduced" if P.name != "smoke" else ("reproduced", "inconclusive"), section=SEC_CAP),
    }
    verdicts = {k: c["verdict"] for k, c in claims_cap.items()}
    label_text = (
        f"On this crawl the label is mostly the audience: the follower count alone is right on "
        f"{100 * acc['by video', 'followers only']:.1f} % of the test videos, the best caption model on "
        f"{100 * acc['by video'][list(CAPTION_MODELS)].max():.1f} %. ")
    label_text += {
        "inconclusive": "Given the follower count too, the captions add nothing this run can detect; ",
        "contradicted": "Given the follower count too, the fused model does worse than the follower count alone; ",
        "reproduced": "Given the follower count too, the captions add a little that this run detects; ",
    }[verdicts["add"]]
    label_text += {
        "reproduced": (f"but they are not empty: on authors never seen in training the best caption model still "
                       f"reaches {100 * acc['by author'][list(CAPTION_MODELS)].max():.1f} % (the author alone "
                       f"{100 * acc['by author', 'author only']:.1f} %), so the words carry some signal of their own, "
                       f"or of the kind of creator who writes them."),
        "inconclusive": "and on authors never seen in training the caption model cannot be told from chance.",
        "contradicted": "and on authors never seen in training the caption model is below chance.",
    }[verdicts["author"]]
    vira.glue("label_text", label_text)
vira.glue("n_cap_splits", len(CAP_SEEDS))

# %% [markdown]
# - {glue:text}`claim_cap_followers`
# - {glue:text}`claim_cap_add`
# - {glue:text}`claim_cap_author`
#
# {glue:text}`label_text` A reader of the paper's Table 1 cannot run this check (its Facebook
# videos are not public), but its label is built the same way.

# %% [markdown]
# ## Real visual features: 1,820 Facebook videos of 2015
#
# The same research group published 28 hand-made visual features (colour histogram, faces, text,
# motion, frame size, duration, ...) of 1,820 videos from 7 Facebook pages, with their views 96
# hours after posting, in `$VIRA_DATA/facebook_2015`. There are no follower counts, so a video's
# views are divided by the median views of its page (the page's typical audience stands in for
# its followers); the label is the median split of that ratio. Two classifiers on the features,
# ten stratified 80/10/10 splits at the small preset (each takes a second), and permutation
# importances on the test split. The content-free row here is the page alone (`identity_only`,
# each page's share of popular training videos): the per-page normalisation should leave it
# nothing to predict, and the features are only worth what they add to it.

# %%
fb = data_dir("facebook_2015")
if fb is None:
    print("VIRA_DATA is not set: the Facebook section is skipped")
    for k in ("fb_best", "fb_se", "fb_n_test", "fb_n"):
        vira.glue(k, float("nan"))
    for k in ("claim_fb", "claim_fb_page", "fb_page_text"):
        vira.glue(k, "(not run: VIRA_DATA is not set)")
else:
    fbt = popularity_table(load_facebook(fb / "visual_features_96h.csv"))
    FB_SEEDS = tuple(seed + k for k in range(P.pick(smoke=3, small=10, full=10)))
    fbs = pa_train.classify_facebook(fbt, seeds=FB_SEEDS)
    fb_y, fb_pages = fbt.label.to_numpy(), fbt.page.astype(str).to_numpy()
    page_rows = []
    for s in FB_SEEDS:  # the same splits as classify_facebook's (split_indices, 80/10/10)
        tr_f, _, te_f = split_indices(fb_y, s)
        page_rows.append({"model": "page only", "seed": s, "n_train": len(tr_f), "n_test": len(te_f),
                          **pa_train.evaluate(identity_only(fb_pages[tr_f], fb_y[tr_f], fb_pages[te_f], seed=s),
                                              fb_y[te_f], fbt.ratio.to_numpy()[te_f])})
    fbs = pd.concat([fbs, pd.DataFrame(page_rows)], ignore_index=True)
    fb_table = fbs.groupby("model").agg(accuracy=("accuracy", lambda v: format_mean_std(100 * np.asarray(v), 1)),
                                        spearman=("spearman", lambda v: format_mean_std(v, 3)))
    fb_table.columns.name = "Facebook 2015, 28 features"
    display(fb_table)
    for name, g in fbs[fbs.model != "page only"].groupby("model"):
        vira.results.record(session, "Pay Attention", "Table 1 (real Facebook features)", name, "accuracy",
                            list(g.accuracy), paper_value=0.6817, section="real-visual-features-1-820-facebook-videos-of-2015",
                            note="paper value: its frame row (ResNet50 mean), on other videos")
        vira.results.record(session, "Pay Attention", "Table 1 (real Facebook features)", name, "Spearman",
                            list(g.spearman), paper_value=0.524, section="real-visual-features-1-820-facebook-videos-of-2015")
    page_only = fbs[fbs.model == "page only"]
    for metric in ("accuracy", "Spearman"):
        vira.results.record(session, "ours", "Real Facebook features: content-free row", "page only", metric,
                            list(page_only[metric.lower()]), section="real-visual-features-1-820-facebook-videos-of-2015")
    display(pa_train.permutation_importances(fbt, "boosting", seed).head(8).round(3))
    fb_mean = fbs[fbs.model != "page only"].groupby("model").accuracy.mean()
    fb_best, fb_model = fb_mean.max(), fb_mean.idxmax()
    fb_se = np.sqrt(0.25 / fbs.n_test.iloc[0])
    vira.glue("fb_best", 100 * fb_best)
    vira.glue("fb_se", 100 * fb_se)
    vira.glue("fb_n_test", int(fbs.n_test.iloc[0]))
    vira.glue("fb_n", len(fbt))
    # classify_facebook returns per-seed scores only, not its predictions; each seed redraws the
    # test split, so the spread over the seeds already holds the test-set noise (from_values).
    # The stronger model is the harder one to find below the paper. Last small run (3 splits):
    # boosting 0.566, 0.516, 0.555, an interval whose top is near 0.61; a trial run of 10 splits
    # (December 2026): boosting 0.550 +- 0.037, the page alone 0.463 +- 0.040, their per-split
    # difference 0.087 +- 0.038.
    claim(session, "claim_fb", paper="ours", statement="classifiers of the Facebook features stay below the paper's frame rows",
          metric=f"accuracy of {fb_model} (the stronger of the two), against the paper's ResNet50 mean row",
          ev=from_values(fbs[fbs.model == fb_model].accuracy.to_numpy(), int(fbs.n_test.iloc[0])),
          null=PAPER_ACC["video frames: ResNet50 mean"], direction=-1, expect="reproduced",
          section="real-visual-features-1-820-facebook-videos-of-2015")
    fb_diff = (fbs[fbs.model == fb_model].set_index("seed").accuracy
               - page_only.set_index("seed").accuracy).loc[list(FB_SEEDS)]
    fb_page_verdict = claim(
        session, "claim_fb_page", paper="ours", statement="the hand-made features beat the page alone",
        metric=f"accuracy of {fb_model} minus page only, the same Facebook test splits",
        ev=from_values(fb_diff.to_numpy(), int(fbs.n_test.iloc[0])), null=0.0, direction=+1,
        expect="reproduced" if P.name != "smoke" else ("reproduced", "inconclusive"),
        section="real-visual-features-1-820-facebook-videos-of-2015")["verdict"]
    vira.glue("fb_page_text", (
        f"On the Facebook features the page alone is right on {100 * page_only.accuracy.mean():.1f} % "
        f"(the per-page normalisation leaves every page about half popular"
        + ("; below a coin, because a page's test videos lean against whatever share its training "
           "videos had" if page_only.accuracy.mean() < 0.5 else "")
        + f"), and the {fb_model} classifier of the features " + {
            "reproduced": "beats it: what they predict is not who posted.",
            "inconclusive": "cannot be told from it in this run.",
            "contradicted": "does worse than it.",
        }[fb_page_verdict]))

# %% [markdown]
# The better of the two reaches {glue:text}`fb_best:.1f` % accuracy; with
# {glue:text}`fb_n_test` test videos one accuracy carries a standard error of about
# {glue:text}`fb_se:.1f` points. {glue:text}`claim_fb` Where the classifiers stay below the paper,
# a few summary statistics of {glue:text}`fb_n` videos, without follower counts, are one reason
# to expect it next to ResNet50 features of tens of thousands of videos.
#
# {glue:text}`claim_fb_page` {glue:text}`fb_page_text`
#
# ## Grad-CAM on real clips
#
# The model trained on the rendered videos, applied to the real SnapUGC and Kinetics clips in
# `$VIRA_DATA` (18 frames from their first 6 s, the middle square resized to the model's size).
# These are **illustrations without ground truth**: no popularity label exists for these clips,
# and a model that learned to look for a magenta prop has no reason to look anywhere meaningful
# in them.

# %%
clips = []
for folder in ("snapugc_clips", "kinetics_demo_clips"):
    path = data_dir(folder)
    if path is None:
        print(f"{folder}: VIRA_DATA is not set; skipped")
        continue
    got, dropped = read_folder(path, max_side=256)
    for p_, fr, fps_ in got[:3]:
        idx = np.minimum((frame_times(len(fr) / fps_) * fps_).astype(int), len(fr) - 1)
        f = torch.as_tensor(np.asarray(fr)[idx])
        h, w = f.shape[1:3]
        side = min(h, w)
        f = f[:, (h - side) // 2:(h - side) // 2 + side, (w - side) // 2:(w - side) // 2 + side]
        f = torch.nn.functional.interpolate(f.permute(0, 3, 1, 2).float(), size=(SIZE, SIZE), mode="bilinear",
                                            align_corners=False).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
        clips.append((p_.name, f))
if clips:
    fig, axes = plt.subplots(1, len(clips), figsize=(2.1 * len(clips), 2.6))
    for ax, (name, f) in zip(np.atleast_1d(axes), clips):
        x = to_input(f).to(session.device)
        cams = frame_cams(trunk, frame_att, x)
        with torch.no_grad():
            _, a = frame_att.attend(trunk(x)[None])
        a = a[0].cpu().numpy()
        k = int(a.argmax())
        ax.imshow(f[k].numpy())
        ax.imshow(attention_scaled_cam(cams, a)[k], cmap="jet", alpha=0.45, vmin=0, vmax=1)
        ax.set(xticks=[], yticks=[], title=f"{name[:14]}\nframe {k}, α {a[k]:.2f}")
        ax.title.set_fontsize(7)
    plt.suptitle("illustration only, no ground truth: the highest-α frame of real clips", fontsize=9)
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## What we found vs the paper
#
# Every claim the chapter tested, in the order it was decided, each with the 95 % interval over
# our seeds and test items and the verdict read off it (`vira.book.claims`): **reproduced** when
# the interval lies on the claimed side of the null, **contradicted** when it lies on the other,
# **absent** when it holds the null but rules out an effect as large as the paper's, and
# **inconclusive** when it holds both (the sentence then says what this run could detect).

# %%
display(findings(session))

# %% [markdown]
# How to read them:
#
# - **Table 1.** The paper's attention differences ({glue:text}`paper_att_diffs` points) are
#   smaller than the standard error of one such difference at its own test size
#   ({glue:text}`paper_diff_se:.1f` points, an upper bound: its arms share their test videos), so
#   unless its paired errors were much smaller, its table alone could not tell them from zero. Our
#   planted videos have {glue:text}`n_test` test videos per seed, so an interval on an attention
#   difference here is wide too; where it holds both 0 and the paper's value, neither "helps" nor
#   "hurts" is shown, on either side. Each modality of our videos carries its own planted cause,
#   which an oracle reads exactly, so the gap to the oracle shows what the models leave on the
#   table.
# - **Explanations.** Frame attention, Grad-CAM and headline attention are scored against the
#   planted cause, with chance levels and sanity controls, instead of being shown as pictures;
#   the sequence-wide share of scaled Grad-CAM credits attention's choice of frames and Grad-CAM's
#   choice of region together, which the in-frame claim separates. On real clips the heatmaps are
#   illustrations only.
# - **Real data.** The headline models on Vietnamese TikTok captions are compared with the paper's
#   headline rows and with a bag of words, and the Facebook features' classifiers with the paper's
#   frame rows; those are other videos, other labels and other inputs than the paper's. Next to
#   models that see no content: {glue:text}`label_text` {glue:text}`fb_page_text`

# %% [markdown]
# ### What would decide the open ones
#
# The power plan (`vira.book.power`, as in chapters 2 and 4): for each claim, what this run spent,
# the smallest effect it could detect (80 % power), the share of its variance due to seeds, and,
# where the claim is still undecided, the cheapest size in seeds x test items that would decide our
# effect or the paper's.

# %%
power.plan_table(session.results)

# %% [markdown]
# ## Exercises
#
# Each exercise has a worked solution that ran with this page, hidden until you open it.
#
# ```{exercise} The two largest weights
# :label: ex-08-top-two
# The frame attention "finds the cue" when its largest α falls on one of the 3 cue frames of 18,
# which chance does 3 times in 18. What is the chance that at least one of the *two* largest α
# falls on a cue frame? Work it out by hand, then measure it for seed 0's model on its held-out
# videos with the cue.
# ```
#
# ```{solution-start} ex-08-top-two
# :class: dropdown
# ```
#
# Two frames drawn at random without replacement both miss the cue with probability
# $\binom{15}{2} / \binom{18}{2} = 105 / 153$, so at least one hits with $48/153 = 0.314$.

# %%
chance_top2 = 1 - stats.hypergeom(N_FRAMES, CUE_RUN, 2).pmf(0)
assert abs(chance_top2 - (1 - (N_FRAMES - CUE_RUN) * (N_FRAMES - CUE_RUN - 1) / (N_FRAMES * (N_FRAMES - 1)))) < 1e-12
model = fits[s0]["models"]["video frames: + attention"].eval()
vids = held_out(s0, table.cue.to_numpy() == 1)
with torch.no_grad():
    _, a = model.attend(feats[vids].to(session.device))
top2 = np.argsort(-a.cpu().numpy(), axis=1)[:, :2]
masks = np.stack([data.cue_mask(int(i)) for i in vids])
hit1 = masks[np.arange(len(vids)), top2[:, 0]].astype(bool)
hit2 = masks[np.arange(len(vids))[:, None], top2].any(1)
assert (hit2 >= hit1).all()  # whatever the first largest finds, the two largest find too
vira.glue("ex_chance_top2", float(chance_top2))
vira.glue("ex_hit_top1", float(hit1.mean()))
vira.glue("ex_hit_top2", float(hit2.mean()))
vira.glue("ex_n_top2", len(vids))

# %% [markdown]
# The chance is {glue:text}`ex_chance_top2:.3f`. Seed 0's attention puts its largest weight on a cue
# frame in {glue:text}`ex_hit_top1:.2f` of its {glue:text}`ex_n_top2` held-out cue videos and one of
# its two largest in {glue:text}`ex_hit_top2:.2f`. A looser criterion is easier to meet by chance
# too: compare each rate with its own chance level, never with the other's.
#
# ```{solution-end}
# ```
#
# ```{exercise} A rule without training
# :label: ex-08-rule
# On the real TikTok captions the label is views per follower above the median, and the follower
# count alone predicts it with about 90 % accuracy. Without training anything, call a video popular
# when its creator has fewer followers than the median creator of the training split. How
# accurate is that rule on the first by-video split's test captions, next to the trained
# follower-only row?
# ```
#
# ```{solution-start} ex-08-rule
# :class: dropdown
# ```

# %%
if tiktok is None:
    vira.glue("ex_rule_sentence", "This solution needs the real captions (VIRA_DATA is not set in this run).")
else:
    tr_c, _, te_c = cap_split
    rule = (cf[te_c] < np.median(cf[tr_c])).astype(float)
    rule_acc = accuracy(rule, cy[te_c])
    trained_acc = accuracy(cap_p[("by video", CAP_SEEDS[0], "followers only")], cy[te_c])
    if P.name != "smoke":  # the ratio falls with the follower count (chapter 1: rho about -0.8)
        assert rule_acc > 0.6, rule_acc
    how_far = ("as far as the trained row" if abs(rule_acc - trained_acc) < 0.01 else
               "most of the way" if rule_acc < trained_acc else "further than the trained row")
    vira.glue("ex_rule_sentence", f"The rule is right on {rule_acc:.1%} of the {len(te_c):,} test captions; the "
              f"follower-only row, a logistic regression on the log follower count, on {trained_acc:.1%}. "
              "Dividing views by followers makes a small account look popular, so one number about the creator, "
              f"compared with a median, already goes {how_far}.")

# %% [markdown]
# {glue:text}`ex_rule_sentence`
#
# ```{solution-end}
# ```
#
# ## Projects
#
# 1. Move the cue to the same place in every video. Does the centre-box baseline or Grad-CAM's
#    pointing game change, and why must a localisation benchmark randomise the box?
# 2. Train a proxy trunk with `vira.frame_features.train_proxy_trunk` on the face and scene
#    colours of 500 frames and redo Table 1's frame rows with it. Does a trained trunk localise
#    the cue better than a random one?
# 3. Give the caption models the follower count as an input instead of fusing it afterwards:
#    prepend a token for the decade of the follower count ("1k-10k", ...) to every caption and
#    retrain. Does the biLSTM with attention learn to use it, how much of its β goes to that
#    token, and does it reach the follower-only row?
# 4. Make the cue appear in 9 of the 18 frames. What happens to the frame attention's hit rate
#    and to its chance level?

# %%
session.finish()
