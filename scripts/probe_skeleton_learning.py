"""Probe (not a chapter): can PSGCN / ST-GCN learn the planted virality of the synthetic VDV set?

Trains on the all-challenge track of a preset with whole clips, evaluates test Spearman every few
epochs, with a shuffled-label control; prints the oracle ceiling. Used to check the benchmark's
difficulty before chapter 2 is written.
"""

import argparse
import time

import numpy as np
import torch
from torch.utils.data import TensorDataset

from vira import graph
from vira.data.synthetic_vdv import SyntheticVDV
from vira.metrics import srcc
from vira.models.psgcn import PSGCN
from vira.models.stgcn import STGCN
from vira.skeleton import normalize_sequence
from vira.losses import combined_loss

p = argparse.ArgumentParser()
p.add_argument("--preset", default="full")
p.add_argument("--epochs", type=int, default=12)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--lr", type=float, default=1e-4)
p.add_argument("--models", nargs="+", default=["PSGCN", "ST-GCN", "PSGCN-shuffled"])
args = p.parse_args()
dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
ds = SyntheticVDV(args.preset, 0)
t0 = time.time()
T = int(ds.table.frames.max())
X = np.zeros((len(ds), 3, T, 16), np.float32)
M = np.zeros((len(ds), T), np.float32)
for i in range(len(ds)):
    x = normalize_sequence(ds.clip(i, streams=("skeleton",)).skeleton.numpy())
    X[i, :, : x.shape[1]] = x
    M[i, : x.shape[1]] = 1
print(f"inputs {X.shape} in {time.time() - t0:.0f} s; oracle ceiling all = {ds.oracle_ceiling('all'):.3f}")
X, M = torch.from_numpy(X).to(dev), torch.from_numpy(M).to(dev)
y = torch.tensor(ds.table.label.values, dtype=torch.float32, device=dev)
train, test = ds.track("all")
for name in args.models:
    torch.manual_seed(0)
    A = graph.normalize_stgcn(graph.spatial_partitions()) if name == "ST-GCN" else graph.normalize(graph.spatial_partitions())
    model = (STGCN(A) if name == "ST-GCN" else PSGCN(A)).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.StepLR(opt, 10, 0.5)
    targets = y.clone()
    if name.endswith("shuffled"):
        g = torch.Generator().manual_seed(1)
        targets[train] = y[train][torch.randperm(len(train), generator=g).to(dev)]
    t0 = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.from_numpy(np.random.default_rng(epoch).permutation(train)).to(dev)
        for b in range(0, len(order) - args.batch + 1, args.batch):
            idx = order[b:b + args.batch]
            pred = model(X[idx], M[idx])
            loss, _ = combined_loss(pred, targets[idx])
            opt.zero_grad(); loss.backward(); opt.step()
        sched.step()
        if epoch % 3 == 0 or epoch == args.epochs:
            model.eval()
            with torch.no_grad():
                preds = torch.cat([model(X[test[k:k + 64]], M[test[k:k + 64]]) for k in range(0, len(test), 64)])
                tr = torch.cat([model(X[train[k:k + 64]], M[train[k:k + 64]]) for k in range(0, len(train), 64)])
            print(f"{name:<15} epoch {epoch:>3}: test SRC {srcc(preds.cpu().numpy(), y[test].cpu().numpy()):+.3f} "
                  f"train SRC {srcc(tr.cpu().numpy(), targets[train].cpu().numpy()):+.3f} "
                  f"({time.time() - t0:.0f} s)", flush=True)
