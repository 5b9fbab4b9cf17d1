"""Motion: deckcast's moving-picture render against one bare ffmpeg command doing the same.

The deck: 10 full-picture slides, 1080p 16:9, about 6 s of narration each (espeak-ng, or
silence of the same shape without it), ``motion: gentle`` (every slide's picture zooms in).

Compared, in the same run (medians of ``--runs``):
  cold render     deckcast from the outline with an empty cache (pictures, frames, voice, video)
  motion assembly deckcast encoding + joining with pictures, frames, layers and voice cached
  bare ffmpeg     one ffmpeg command: the same picture and text layers, the same perspective
                  paths, overlay, concat, x264 veryfast at 24 fps, AAC, fast start
  one-slide edit  a bullet edit on slide 4 re-rendered from a warm cache

Goals: assembly <= 1.3x bare ffmpeg; one-slide edit <= 15% of the cold render. Also printed:
seconds of render per minute of video.

Run: python -m benchmarks.motion [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.render import NARRATION

SLIDES = 10


def make_deck(token: str = "") -> Any:
    from deck import build_deck

    return build_deck(
        {
            "title": "Motion benchmark",
            "motion": "gentle",
            "slides": [
                {
                    "title": f"Step {n}: what happens here",
                    "layout": "full_image",
                    "bullets": [f"One caption line for step {n}{token if n == 4 else ''}"],
                    "narration": NARRATION.format(n=n),
                    "image_prompt": f"an illustration of step {n}, landscape",
                }
                for n in range(1, SLIDES + 1)
            ],
        }
    )


def renderer(cache_dir: Path) -> Any:
    from render import AssetCache, EspeakBackend, ProceduralBackend, Renderer, SilentBackend

    return Renderer(
        ProceduralBackend(),
        {"espeak": EspeakBackend(), "silent": SilentBackend()},
        AssetCache(cache_dir),
    )


def options() -> Any:
    from render import EspeakBackend, RenderOptions

    return RenderOptions(voice=None if EspeakBackend().available() else "silent")


def timed_render(work: Path, deck: Any, name: str) -> tuple[float, Any]:
    with renderer(work / "cache") as r:
        started = time.perf_counter()
        result = asyncio.run(r.render(deck, work / f"{name}.mp4", options()))
        return time.perf_counter() - started, result


def bare_ffmpeg(work: Path, result: Any) -> float:
    """One ffmpeg command making the same video from the same cached layers and narration."""
    from render import AssetCache, ProceduralBackend
    from render.audio import SAMPLE_RATE, build_timeline
    from render.ffmpeg import ffmpeg_exe
    from render.frames import layer_key
    from render.motion import perspective
    from render.plan import RenderPlan

    deck = make_deck()
    plan = RenderPlan.of(deck, options(), ProceduralBackend())
    cache = AssetCache(work / "cache")
    fps = 24
    inputs: list[str] = []
    chains: list[str] = []
    labels = []
    for i, timing in enumerate(result.timings):
        frames = round(timing.duration * fps)
        key = plan.frame_key(i)
        picture = cache.path("layer", layer_key(key, "picture"), "png")
        text = cache.path("layer", layer_key(key, "text"), "png")
        inputs += ["-framerate", str(fps), "-i", str(picture), "-framerate", str(fps)]
        inputs += ["-i", str(text)]
        hold = f"loop=loop={frames - 1}:size=1:start=0,settb=1/{fps},setpts=N"
        move = plan.moves[i]
        assert move is not None
        chains.append(f"[{2 * i}:v]format=yuv420p,{hold},{perspective(move, frames)}[p{i}]")
        chains.append(f"[{2 * i + 1}:v]format=yuva420p,{hold}[t{i}]")
        chains.append(f"[p{i}][t{i}]overlay=format=yuv420[s{i}]")
        labels.append(f"[s{i}]")
    chains.append("".join(labels) + f"concat=n={len(labels)}:v=1:a=0[v]")
    started = time.perf_counter()
    timeline = work / "bare.wav"
    build_timeline(
        timeline,
        [
            (wav, round(t.duration * SAMPLE_RATE))
            for wav, t in zip(result.narration, result.timings, strict=True)
        ],
    )
    out = work / "bare.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", *inputs, "-i", str(timeline),
         "-filter_complex", ";".join(chains), "-map", "[v]", "-map", f"{2 * len(labels)}:a",
         "-c:v", "libx264", "-preset", "veryfast", "-tune", "film", "-crf", "23",
         "-pix_fmt", "yuv420p", "-bf", "0", "-r", str(fps),
         "-c:a", "aac", "-aac_coder", "fast", "-b:a", "64k", "-movflags", "+faststart",
         str(out)],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def one_run(work: Path) -> dict[str, float]:
    seconds: dict[str, float] = {}
    seconds["cold render"], result = timed_render(work, make_deck(), "cold")
    for kind in ("segment", "track"):
        shutil.rmtree(work / "cache" / kind, ignore_errors=True)
    seconds["motion assembly"], again = timed_render(work, make_deck(), "assembly")
    seconds["bare ffmpeg"] = bare_ffmpeg(work, again)
    seconds["one-slide edit"], edited = timed_render(
        work, make_deck(f" (edited {time.time_ns()})"), "edit"
    )
    assert edited.slides_from_cache == SLIDES - 1, edited.slides_from_cache
    seconds["video"] = result.duration
    return seconds


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.motion", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    rows: list[dict[str, float]] = []
    for run in range(runs):
        with tempfile.TemporaryDirectory(prefix="deckcast-motion-") as tmp:
            rows.append(one_run(Path(tmp)))
        line = ", ".join(f"{k} {v:.2f} s" for k, v in rows[-1].items())
        print(f"  run {run + 1}/{runs}: {line}", flush=True)
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    minutes = med["video"] / 60
    print(f"\n{SLIDES} full-picture slides, 1080p 16:9, gentle motion, {med['video']:.1f} s of")
    print(f"video, medians of {runs} run(s)\n")
    print("| step | seconds | seconds per minute of video |\n|---|---:|---:|")
    for label in ("cold render", "motion assembly", "bare ffmpeg", "one-slide edit"):
        print(f"| {label} | {med[label]:.2f} | {med[label] / minutes:.1f} |")
    print("\n| target | ratio | goal |\n|---|---:|---|")
    ratio = med["motion assembly"] / med["bare ffmpeg"]
    print(f"| motion assembly / bare ffmpeg | {ratio:.2f}x | <= 1.3x |")
    share = 100 * med["one-slide edit"] / med["cold render"]
    print(f"| one-slide edit / cold render | {share:.1f}% | <= 15% |")


if __name__ == "__main__":
    main(sys.argv[1:])
