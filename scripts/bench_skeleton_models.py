"""Benchmark: training throughput of PSGCN and ST-GCN at the full-preset input size.

    .venv/bin/python scripts/bench_skeleton_models.py                 # CPU
    .venv/bin/python scripts/bench_skeleton_models.py --device cuda   # one GPU

Times forward + backward + Adam step on random inputs of T = 375 frames (15 s at 25 fps), V = 16
joints, batch 8 (the paper's) and 64; reports milliseconds per step (min / median / max over
repeats), clips per second at the median and peak memory (torch.cuda.max_memory_allocated on a
GPU; the process's peak RSS growth on the CPU), and prints the PSGCN / ST-GCN speed ratio.
Writes book/results/bench_skeleton_models[_cuda].json (``vira.book.bench.write_bench``); chapter 2
shows it and computes the ratio from its rows.
"""

from __future__ import annotations

import argparse
import resource
from pathlib import Path

import torch

from vira import graph
from vira.book.bench import measure, summary, write_bench
from vira.models.psgcn import PSGCN
from vira.models.stgcn import STGCN

ROOT = Path(__file__).resolve().parent.parent


def step_times(model, batch: int, frames: int, device, repeats: int) -> list[float]:
    """Milliseconds of ``repeats`` training steps (after one warm-up step) on random input."""
    x = torch.randn(batch, 3, frames, 16, device=device)
    y = torch.rand(batch, device=device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    model.train()

    def step():
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if device.type == "cuda":
            torch.cuda.synchronize()

    return measure(step, repeats)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--frames", type=int, default=375)
    parser.add_argument("--repeats", type=int, default=None, help="default: 3 on CPU, 20 on GPU")
    parser.add_argument("--batches", type=int, nargs="+", default=[8, 64])
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "results" / "bench_skeleton_models.json")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    repeats = args.repeats or (20 if device.type == "cuda" else 3)
    torch.manual_seed(0)
    a_psgcn = graph.normalize(graph.spatial_partitions())
    a_stgcn = graph.normalize_stgcn(graph.spatial_partitions())
    results = []
    for batch in args.batches:
        for name, build in (("PSGCN", lambda: PSGCN(a_psgcn)), ("ST-GCN", lambda: STGCN(a_stgcn))):
            model = build().to(device)
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats()
            rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            times = step_times(model, batch, args.frames, device, repeats)
            peak = (torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else
                    (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024)
            r = {"case": name, "batch": batch, **summary(times, items_per_call=batch), "peak_memory_mb": peak,
                 "parameters": sum(p.numel() for p in model.parameters())}
            results.append(r)
            print(f"{name:<7} batch {batch:>3}: {r['items_per_s']:8.1f} clips/s "
                  f"(median {r['median_ms']:.1f} ms, min {r['min_ms']:.1f}, max {r['max_ms']:.1f}), "
                  f"peak {peak:.0f} MiB, {r['parameters']:,} parameters", flush=True)
    for batch in args.batches:
        by = {r["case"]: r["items_per_s"] for r in results if r["batch"] == batch}
        print(f"batch {batch}: PSGCN runs {by['PSGCN'] / by['ST-GCN']:.2f}x as many clips/s as ST-GCN")
    return write_bench(
        args.out, device, name="skeleton_models", what="training step (forward + backward + Adam) on random input",
        work={"frames": args.frames, "joints": 16, "channels": 3, "batches": args.batches}, results=results,
        command="python scripts/bench_skeleton_models.py --device " + args.device,
        memory_note=("torch.cuda.max_memory_allocated" if device.type == "cuda" else
                     "growth of the process's peak resident memory (ru_maxrss) over the training steps"))


if __name__ == "__main__":
    main()
