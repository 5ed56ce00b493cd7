"""Benchmark: ResNet50 frame features for chapter 8 (frames per second), and the cache.

    .venv/bin/python scripts/bench_frame_features.py                 # CPU (all its threads)
    .venv/bin/python scripts/bench_frame_features.py --device cuda

Times the frozen ResNet50 trunk (``vira.frame_features.resnet50_trunk``) in inference on
batches of 1, 4 and 18 frames of 224 x 224 (18 = one video of the paper), and on one video's 18
frames at 112 and 224 pixels; then one cached lookup of a video (render its 18 frames, hash them,
read the file). Writes book/results/bench_frame_features.json (``_cuda`` on a GPU).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch

from vira.book.bench import measure, summary, write_bench
from vira.data.synthetic.popular_videos import PopularVideos
from vira.frame_features import FeatureCache, resnet50_trunk

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "results" / "bench_frame_features.json")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    trunk = resnet50_trunk("random").to(device)
    results = []
    for batch, size in ((1, 224), (4, 224), (18, 224), (18, 112)):
        x = torch.randn(batch, 3, size, size, device=device)

        def one():
            with torch.inference_mode():
                trunk(x)
            sync()

        r = summary(measure(one, args.repeats), items_per_call=batch)
        results.append({"case": "ResNet50 features", "batch": batch, "size": size, **r})
        print(f"batch {batch:>2} at {size}: median {r['median_ms']:.0f} ms = {r['items_per_s']:.1f} frames/s")
    data = PopularVideos(8, seed=0, size=224)
    with tempfile.TemporaryDirectory() as tmp:
        cache = FeatureCache(tmp, trunk, device=device)
        cache(data.frames(0))  # computed once
        r = summary(measure(lambda: cache(data.frames(0)), args.repeats * 3, warmup=0), items_per_call=18)
    results.append({"case": "cached video (render + hash + read)", "batch": 18, "size": 224, **r})
    print(f"cached video: median {r['median_ms']:.0f} ms")
    return write_bench(
        args.out, device, name="frame_features", what="ResNet50 trunk inference on frames; a cached video's lookup",
        work={"model": "resnet50 (fc removed), eval, inference_mode"}, results=results,
        command="python scripts/bench_frame_features.py --device " + args.device, memory_note="not measured")


if __name__ == "__main__":
    main()
