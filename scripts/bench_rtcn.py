"""Benchmark: cost of RTCN, its TCN and "w/o self-attention" variants and the LSTM baseline at the
full-preset input size.

    .venv/bin/python scripts/bench_rtcn.py                 # CPU
    .venv/bin/python scripts/bench_rtcn.py --device cuda   # one GPU

Times a training step (forward + backward + Adam) and an inference forward pass on random
holistic-like input of T = 375 frames (15 s at 25 fps) x D = 2048, batch 8 (the paper's); reports
clips per second (median over repeats, with min and max) and peak memory of the training step
(torch.cuda.max_memory_allocated on a GPU; on the CPU the growth of the peak resident memory of
a fresh process, one per model, over its size before the model was built), and the parameter
counts. Writes book/results/bench_rtcn[_cuda].json. Chapter 4 shows it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import time
from pathlib import Path

import torch

from vira.models.rtcn import RTCN, LSTMRegressor
from vira.book.provenance import write_bench_record

ROOT = Path(__file__).resolve().parent.parent
MODELS = {"LSTM": LSTMRegressor, "RTCN w/o self-attention": lambda: RTCN(attention=False),
          "RTCN": RTCN, "TCN": lambda: RTCN(relational=False)}


def timed(fn, device, repeats: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return times


def measure(name: str, device: str, frames: int, batch: int, repeats: int) -> dict:
    """Time and measure one model (run in its own process)."""
    device = torch.device(device)
    torch.manual_seed(0)
    x = torch.rand(batch, frames, 2048, device=device)  # non-negative, like ReLU features
    mask = torch.ones(batch, frames, device=device)
    y = torch.rand(batch, device=device)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model = MODELS[name]().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, fused=True)

    def train_step():
        model.train()
        loss = torch.nn.functional.mse_loss(model(x, mask), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    @torch.no_grad()
    def infer():
        model.eval()
        model(x, mask)

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    train = timed(train_step, device, repeats)
    peak = (torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024)
    inference = timed(infer, device, repeats)
    rates = [batch / t for t in train]
    return {"model": name, "parameters": sum(p.numel() for p in model.parameters()),
            "train_clips_per_s_median": statistics.median(rates), "train_clips_per_s_min": min(rates),
            "train_clips_per_s_max": max(rates),
            "infer_clips_per_s_median": statistics.median(batch / t for t in inference),
            "train_peak_memory_mb": peak, "repeats": repeats}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--frames", type=int, default=375)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=None, help="default: 3 on CPU, 20 on GPU")
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "results" / "bench_rtcn.json")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    repeats = args.repeats or (20 if device.type == "cuda" else 3)
    results = []
    context = multiprocessing.get_context("spawn")  # a fresh process per model: clean peaks
    for name in MODELS:
        with context.Pool(1) as pool:
            r = pool.apply(measure, (name, args.device, args.frames, args.batch, repeats))
        results.append(r)
        print(f"{name:<24} train {r['train_clips_per_s_median']:8.2f} clips/s "
              f"(min {r['train_clips_per_s_min']:.2f}, max {r['train_clips_per_s_max']:.2f}), "
              f"inference {r['infer_clips_per_s_median']:8.2f} clips/s, "
              f"peak {r['train_peak_memory_mb']:.0f} MiB, {r['parameters']:,} parameters", flush=True)
    return write_bench_record(args.out, device, {
        "name": "rtcn", "what": "training step (forward + backward + Adam) and inference on random input",
        "work": {"frames": args.frames, "features": 2048, "batch": args.batch}, "results": results,
    }, "python scripts/bench_rtcn.py --device " + args.device)


if __name__ == "__main__":
    main()
