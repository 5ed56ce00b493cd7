"""Benchmark: training throughput of PSGCN and ST-GCN at the full-preset input size.

    .venv/bin/python scripts/bench_skeleton_models.py                 # CPU
    .venv/bin/python scripts/bench_skeleton_models.py --device cuda   # one GPU

Times forward + backward + Adam step on random inputs of T = 375 frames (15 s at 25 fps), V = 16
joints, batch 8 (the paper's) and 64; reports clips per second (min / median / max over repeats)
and peak memory (torch.cuda.max_memory_allocated on a GPU; the process's peak RSS growth on the
CPU), and the PSGCN / ST-GCN cost ratio measured in the same run. Writes
book/results/bench_skeleton_models[_cuda].json. Chapter 2 shows it.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import torch

from vira import graph
from vira.models.psgcn import PSGCN
from vira.models.stgcn import STGCN
from vira.book.provenance import write_bench_record

ROOT = Path(__file__).resolve().parent.parent


def step_times(model, batch: int, frames: int, device, repeats: int) -> list[float]:
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

    step()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return times


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
            rates = [batch / t for t in times]
            results.append({"model": name, "batch": batch, "repeats": repeats,
                            "clips_per_s_min": min(rates), "clips_per_s_median": statistics.median(rates),
                            "clips_per_s_max": max(rates), "peak_memory_mb": peak,
                            "parameters": sum(p.numel() for p in model.parameters())})
            r = results[-1]
            print(f"{name:<7} batch {batch:>3}: {r['clips_per_s_median']:8.1f} clips/s "
                  f"(min {r['clips_per_s_min']:.1f}, max {r['clips_per_s_max']:.1f}), "
                  f"peak {peak:.0f} MiB, {r['parameters']:,} parameters", flush=True)
    ratios = {}
    for batch in args.batches:
        by = {r["model"]: r["clips_per_s_median"] for r in results if r["batch"] == batch}
        ratios[f"batch {batch}"] = by["PSGCN"] / by["ST-GCN"]
        print(f"batch {batch}: PSGCN runs {ratios[f'batch {batch}']:.2f}x as many clips/s as ST-GCN")
    return write_bench_record(args.out, device, {
        "name": "skeleton_models", "what": "training step (forward + backward + Adam) on random input",
        "work": {"frames": args.frames, "joints": 16, "channels": 3, "batches": args.batches},
        "results": results, "psgcn_over_stgcn_speed": ratios,
    }, "python scripts/bench_skeleton_models.py --device " + args.device)


if __name__ == "__main__":
    main()
