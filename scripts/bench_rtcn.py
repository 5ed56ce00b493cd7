"""Benchmark: cost of RTCN, its TCN and "w/o self-attention" variants and the LSTM baseline at the
full-preset input size.

    .venv/bin/python scripts/bench_rtcn.py                 # CPU
    .venv/bin/python scripts/bench_rtcn.py --device cuda   # one GPU

Times a training step (forward + backward + Adam) and an inference forward pass on random
holistic-like input of T = 375 frames (15 s at 25 fps) x D = 2048, batch 8 (the paper's); reports
milliseconds per step (every timed step, and their min / median / max), clips per second at the median, peak
memory of the training step (torch.cuda.max_memory_allocated on a GPU; on the CPU the growth of
the peak resident memory of a fresh process, one per model, over its size before the model was
built) and the parameter counts, one row per model and step. Writes
book/results/bench_rtcn[_cuda].json (``vira.book.bench.write_bench``). Chapter 4 shows it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
from pathlib import Path

import torch

from vira.book.bench import measure, summary, write_bench
from vira.models.rtcn import RTCN, LSTMRegressor

ROOT = Path(__file__).resolve().parent.parent
MODELS = {"LSTM": LSTMRegressor, "RTCN w/o self-attention": lambda: RTCN(attention=False),
          "RTCN": RTCN, "TCN": lambda: RTCN(relational=False)}


def measure_model(name: str, device: str, frames: int, batch: int, repeats: int) -> list[dict]:
    """Time and measure one model (run in its own process): its training-step row and its
    inference row."""
    device = torch.device(device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
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
        sync()

    @torch.no_grad()
    def infer():
        model.eval()
        model(x, mask)
        sync()

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    train = summary(measure(train_step, repeats), items_per_call=batch)
    peak = (torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024)
    inference = summary(measure(infer, repeats), items_per_call=batch)
    parameters = sum(p.numel() for p in model.parameters())
    return [{"case": name, "step": "train", "parameters": parameters, **train, "peak_memory_mb": peak},
            {"case": name, "step": "inference", "parameters": parameters, **inference, "peak_memory_mb": None}]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--frames", type=int, default=375)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=None, help="default: 10 on CPU, 20 on GPU")
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "results" / "bench_rtcn.json")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    repeats = args.repeats or (20 if device.type == "cuda" else 10)
    results = []
    context = multiprocessing.get_context("spawn")  # a fresh process per model: clean peaks
    for name in MODELS:
        with context.Pool(1) as pool:
            train, infer = pool.apply(measure_model, (name, args.device, args.frames, args.batch, repeats))
        results += [train, infer]
        print(f"{name:<24} train {train['items_per_s']:8.2f} clips/s "
              f"(median {train['median_ms']:.0f} ms, min {train['min_ms']:.0f}, max {train['max_ms']:.0f}), "
              f"inference {infer['items_per_s']:8.2f} clips/s, "
              f"peak {train['peak_memory_mb']:.0f} MiB, {train['parameters']:,} parameters", flush=True)
    return write_bench(
        args.out, device, name="rtcn",
        what="training step (forward + backward + Adam) and inference on random input",
        work={"frames": args.frames, "features": 2048, "batch": args.batch}, results=results,
        command="python scripts/bench_rtcn.py --device " + args.device,
        memory_note=("training step only (inference: not measured); " + (
            "torch.cuda.max_memory_allocated" if device.type == "cuda" else
            "on the CPU the growth of the peak resident memory (ru_maxrss) of a fresh process, one per "
            "model, over its size before the model was built")))


if __name__ == "__main__":
    main()
