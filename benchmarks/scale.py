"""Scale-out on Ray, measured on a local Ray cluster in one run:

  throughput  8 decks rendered at once with 2 render workers vs 1 (decks per minute; goal >= 1.7x)
  batching    4 decks submitted together: picture-backend calls (goal <= ceil(frames/batch) + 4)
  overhead    one deck on Ray vs the local executor, same machine (goal <= 1.3x wall time)

Every render starts from an empty cache (a fresh cache folder per measurement), 720p, espeak.
A render worker is pinned to DECKCAST_RAY_WORKER_CPUS (1) cores, as Ray accounts it; the local
executor it is compared with runs under the same CPU budget (and, for reference, on every core).

Run: python -m benchmarks.scale [--runs 3] [--decks 8]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent


def make_deck(name: str, slides: int = 6) -> Any:
    from deck import build_deck

    return build_deck(
        {
            "title": name,
            "slides": [
                {
                    "title": f"{name}: step {i}",
                    "bullets": ["one point", "another point"],
                    "narration": f"Step {i} of {name}, explained in two short sentences. Then we move on.",
                    "image_prompt": f"{name} illustration {i}",
                }
                for i in range(1, slides + 1)
            ],
        }
    )


def settings_for(cache: Path) -> Any:
    os.environ["DECKCAST_CACHE_DIR"] = str(cache)
    os.environ["DECKCAST_RENDER_WORKERS"] = "1"
    from bot.settings import Settings

    return Settings()


def options() -> Any:
    from render import RenderOptions

    return RenderOptions(resolution="720p")


async def render_all(executor: Any, decks: list[Any], out: Path) -> float:
    started = time.perf_counter()
    await asyncio.gather(
        *(executor.render(d, out / f"{i}.mp4", options()) for i, d in enumerate(decks))
    )
    return time.perf_counter() - started


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scale", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--decks", type=int, default=8)
    args = parser.parse_args(argv)

    import ray

    from bot.execution import LocalExecutor
    from bot.execution.ray_executor import RayExecutor
    from render import AssetCache, EspeakBackend, ProceduralBackend, Renderer, SilentBackend

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        _node_ip_address="127.0.0.1",
        runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
    )
    one: list[float] = []
    two: list[float] = []
    ray_single: list[float] = []
    local_single: list[float] = []
    local_free: list[float] = []
    calls: list[int] = []
    try:
        for run in range(args.runs):
            for workers, sink in ((1, one), (2, two)):
                with tempfile.TemporaryDirectory() as tmp:
                    executor = RayExecutor(settings_for(Path(tmp) / "cache"), workers=workers)
                    asyncio.run(
                        executor.render(make_deck("warm-up", 1), Path(tmp) / "w.mp4", options())
                    )
                    decks = [make_deck(f"run{run}-deck{i}") for i in range(args.decks)]
                    sink.append(asyncio.run(render_all(executor, decks, Path(tmp))))
                    if workers == 2:
                        batch = [make_deck(f"run{run}-batch{i}") for i in range(4)]
                        before = sum(s["calls"] for s in asyncio.run(executor.picture_stats()))
                        asyncio.run(render_all(executor, batch, Path(tmp)))
                        calls.append(
                            sum(s["calls"] for s in asyncio.run(executor.picture_stats())) - before
                        )
                        deck = make_deck(f"run{run}-single")
                        ray_single.append(asyncio.run(render_all(executor, [deck], Path(tmp))))
                    asyncio.run(executor.close())
            for pinned, sink in ((True, local_single), (False, local_free)):
                with tempfile.TemporaryDirectory() as tmp:
                    everything = os.sched_getaffinity(0)
                    if (
                        pinned
                    ):  # the same CPU budget as one render worker (DECKCAST_RAY_WORKER_CPUS=1)
                        os.sched_setaffinity(0, {min(everything)})
                    try:
                        renderer = Renderer(
                            ProceduralBackend(),
                            {"espeak": EspeakBackend(), "silent": SilentBackend()},
                            AssetCache(Path(tmp) / "cache"),
                            workers=1,
                        )
                        with renderer:
                            deck = make_deck(f"run{run}-single")
                            sink.append(
                                asyncio.run(render_all(LocalExecutor(renderer), [deck], Path(tmp)))
                            )
                    finally:
                        os.sched_setaffinity(0, everything)
            print(
                f"  run {run + 1}/{args.runs}: {args.decks} decks 1 worker {one[-1]:.1f} s, 2 workers {two[-1]:.1f} s;"
                f" 4-deck picture calls {calls[-1]}; one deck ray {ray_single[-1]:.2f} s, local {local_single[-1]:.2f} s "
                f"(1 CPU) / {local_free[-1]:.2f} s (all CPUs)",
                flush=True,
            )
    finally:
        ray.shutdown()
    t1, t2 = statistics.median(one), statistics.median(two)
    frames = 4 * 6
    print("\n| measure | value | goal |\n|---|---:|---|")
    print(f"| decks/min, 1 render worker | {60 * args.decks / t1:.1f} | |")
    print(f"| decks/min, 2 render workers | {60 * args.decks / t2:.1f} | |")
    print(f"| throughput 2 vs 1 workers | {t1 / t2:.2f}x | >= 1.7x |")
    print(
        f"| picture calls for 4 decks ({frames} frames, batch 8) | {max(calls)} (max) | <= {math.ceil(frames / 8) + 4} |"
    )
    same = statistics.median(ray_single) / statistics.median(local_single)
    free = statistics.median(ray_single) / statistics.median(local_free)
    print(f"| one deck, Ray vs local with the same CPU budget (1 CPU) | {same:.2f}x | <= 1.3x |")
    print(f"| one deck, Ray (1 CPU worker) vs local on every core | {free:.2f}x | (reference) |")


if __name__ == "__main__":
    main(sys.argv[1:])
