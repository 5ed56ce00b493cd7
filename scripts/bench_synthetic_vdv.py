"""Benchmark: how fast the synthetic VDV benchmark generates a full-length (15 s) clip.

    .venv/bin/python scripts/bench_synthetic_vdv.py                 # one CPU core
    .venv/bin/python scripts/bench_synthetic_vdv.py --device cuda   # streams mapped on the GPU

Times skeleton-only and all four streams (skeleton, holistic, facial, scenic) of one 375-frame
clip, repeated, and reports min / median / max milliseconds, clips per second and peak memory
(NumPy allocations via tracemalloc on the CPU; torch.cuda.max_memory_allocated on a GPU). Writes
book/results/bench_synthetic_vdv.json, which appendix A1 shows. The target (issue: generation
must never limit training) is all four streams in at most 20 ms on one core.
"""

from __future__ import annotations

import argparse
import tracemalloc
from pathlib import Path

import torch
from threadpoolctl import threadpool_limits

from vira.book.bench import measure, summary, write_bench  # measure: one warm-up call, then the repeats
from vira.data.layout import STREAMS
from vira.data.synthetic.synthetic_vdv import SyntheticVDV

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "results" / "bench_synthetic_vdv.json")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    torch.set_num_threads(1)
    ds = SyntheticVDV(clips=None, seconds=(5.0, 15.0), seed=0)  # the full preset's sizes: Table 1, 5-15 s
    index = int(ds.table.index[ds.table.frames == 375][0])
    cases = {"skeleton only": ("skeleton",), "all four streams": STREAMS}
    results = []
    with threadpool_limits(1):
        for case, streams in cases.items():
            def one():
                clip = ds.clip(index, device=device, streams=streams)
                if device.type == "cuda":
                    torch.cuda.synchronize()
                return clip

            times = measure(one, args.repeats)
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats()
                one()
                peak = torch.cuda.max_memory_allocated() / 2**20
            else:
                tracemalloc.start()
                one()
                peak = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
            results.append({"case": case, "streams": list(streams), **summary(times), "peak_memory_mb": peak})
    for r in results:
        print(f"{r['case']:<18} median {r['median_ms']:6.2f} ms (min {r['min_ms']:.2f}, max "
              f"{r['max_ms']:.2f}) = {r['items_per_s']:6.1f} clips/s, peak {r['peak_memory_mb']:.1f} MiB")
    return write_bench(
        args.out, device, threads=1, name="synthetic_vdv", what="generate one clip of the synthetic VDV benchmark",
        work={"frames": 375, "seconds": 15, "fps": 25, "holistic": [375, 2048]}, results=results,
        command="python scripts/bench_synthetic_vdv.py --device " + args.device,
        memory_note=("torch.cuda.max_memory_allocated" if device.type == "cuda" else
                     "tracemalloc peak of NumPy/Python allocations (torch CPU tensors excluded)"))


if __name__ == "__main__":
    main()
