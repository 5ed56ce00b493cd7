"""Benchmark: the video path of chapter 7: rendering a clip and training R(2+1)D-18 on clips.

    .venv/bin/python scripts/bench_video.py                 # CPU: render on 1 thread, train on all
    .venv/bin/python scripts/bench_video.py --device cuda   # both on the GPU

* **render**: one 32-frame 112 x 112 clip of a rendered dancer (``RenderedVideos.frames``); the
  target (issue 11) is at most 50 ms on one CPU core.
* **train**: one Adam step of the paper's network (``ViralVisionNet``, R(2+1)D-18 and its head) on a
  batch of 32 x 112 x 112 clips, forward and backward; reported as training clips per second.
* sweeps: rendering and training at other clip lengths and sizes (8-32 frames of 64 and 112
  pixels), and **extract**: the backbone's
  pooled feature without gradients (what a feature cache costs to fill) at 8-32 frames of 64 and
  112 pixels.

Writes book/results/bench_video.json (``bench_video_cuda.json`` on a GPU).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from threadpoolctl import threadpool_limits

from vira.book.bench import measure, summary, write_bench
from vira.data.synthetic.rendered_videos import RenderedVideos
from vira.models.viral_vision import ViralVisionNet

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=20, help="render repeats")
    parser.add_argument("--steps", type=int, default=3, help="timed training steps")
    parser.add_argument("--batch", type=int, default=None, help="training batch (default 2 on a CPU, 16 on a GPU)")
    parser.add_argument("--out", type=Path, default=ROOT / "book" / "results" / "bench_video.json")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    data = RenderedVideos(8, dial=0.0, seed=0, size=112)

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    sweep = []  # how the renderer's cost grows with the clip's length and size
    with threadpool_limits(1):
        render = summary(measure(lambda: (data.frames(1, 0, 32, device=device), sync()), args.repeats))
        for frames, size in ((8, 112), (16, 112), (64, 112), (32, 56), (32, 224)):
            clip = RenderedVideos(8, dial=0.0, seed=0, size=size)
            r = summary(measure(lambda: (clip.frames(1, 0, frames, device=device), sync()), args.repeats // 2 or 1))
            sweep.append({**r, "case": "render (sweep)", "threads": None if cuda else 1, "frames": frames, "size": size})
    torch.set_num_threads(threads)
    render.update(case="render", threads=1 if not cuda else None, frames=32, size=112)

    batch = args.batch or (16 if cuda else 2)
    torch.manual_seed(0)
    net = ViralVisionNet("regression").to(device)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    x, y = torch.randn(batch, 3, 32, 112, 112, device=device), torch.rand(batch, device=device)

    def step():
        opt.zero_grad()  # reads x and y from the enclosing scope (the sweep below rebinds x)
        net.loss(net.logits(x), y).backward()
        opt.step()
        sync()

    if cuda:
        torch.cuda.reset_peak_memory_stats()
    train = summary(measure(step, args.steps), items_per_call=batch)
    peak = torch.cuda.max_memory_allocated() / 2**20 if cuda else None
    train.update(case="train", threads=None if cuda else threads, batch=batch, frames=32, size=112,
                 peak_memory_mb=peak)
    for frames, size in ((8, 112), (16, 112), (8, 64), (16, 64), (32, 64)):  # cost by length and size
        x = torch.randn(batch, 3, frames, size, size, device=device)
        r = summary(measure(step, args.steps), items_per_call=batch)
        sweep.append({**r, "case": "train (sweep)", "threads": None if cuda else threads, "batch": batch,
                      "frames": frames, "size": size})
    # Forward only, no gradient: the backbone's pooled feature, what a cache of backbone features
    # (chapter 7's head, label, loss and balance causes) costs to fill, at the sizes it may use
    net.eval()
    for frames, size in ((8, 112), (16, 112), (32, 112), (8, 64), (16, 64), (32, 64)):
        x = torch.randn(batch, 3, frames, size, size, device=device)

        def extract():
            with torch.no_grad():
                net.features(x)
            sync()

        r = summary(measure(extract, args.steps), items_per_call=batch)
        sweep.append({**r, "case": "extract (sweep)", "threads": None if cuda else threads, "batch": batch,
                      "frames": frames, "size": size})
    for r in (render, train):
        print(f"{r['case']:<7} median {r['median_ms']:9.1f} ms (min {r['min_ms']:.1f}, max {r['max_ms']:.1f})"
              f" = {r['items_per_s']:7.2f} {'clips' if r['case'] == 'render' else 'training clips'}/s")
    return write_bench(
        args.out, device, threads=threads, name="video",
        what="render a 32-frame 112x112 clip; one training step of R(2+1)D-18 + head",
        work={"frames": 32, "size": 112, "train_batch": batch}, results=[render, train, *sweep],
        command="python scripts/bench_video.py --device " + args.device,
        memory_note="torch.cuda.max_memory_allocated" if cuda else "not measured on the CPU")


if __name__ == "__main__":
    main()
