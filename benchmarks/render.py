"""Render speed: deckcast's assembly and whole render against baselines built in the same run.

The deck: 10 slides, 1080p 16:9, about 6 s of espeak narration each. Each figure is the median
of ``--runs`` runs (default 3); every timed step runs in a fresh child process so peak memory
(max RSS of the process and of its ffmpeg children) is measured per step.

Compared:
  moviepy         ImageClip per slide + narration, concatenate_videoclips, write_videofile(fps=24)
  moviepy xfade   the same with 0.5 s CrossFadeIn on overlapping clips (method="compose")
  bare ffmpeg     one ffmpeg command joining the same composed PNGs and WAVs, same settings
  assembly        deckcast encoding + joining (pictures, frames and narration already cached)
  assembly xfade  the same with a 0.5 s crossfade (only the fade windows at 24 fps)
  full render     deckcast from the outline with an empty cache (pictures, frames, voice, video)
  one-slide edit  a bullet edit re-rendered from a warm cache

Run: python -m benchmarks.render [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NARRATION = (
    "Slide {n} explains one step of the process in plain words, with a short example and a "
    "clear takeaway for the viewer to remember."
)


def make_deck(slides: int) -> Any:
    from deck import build_deck

    return build_deck(
        {
            "title": "Benchmark deck",
            "motion": "none",  # stills, as the baselines are (benchmarks.motion measures motion)
            "slides": [
                {
                    "title": f"Step {n}: what happens here",
                    "bullets": [
                        f"First point of step {n}",
                        "A second, longer point with detail",
                        "A third point",
                    ],
                    "narration": NARRATION.format(n=n),
                    "image_prompt": f"an illustration of step {n}, landscape",
                }
                for n in range(1, slides + 1)
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


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (ffmpeg, espeak-ng) so far: on a
    shared machine this moves far less with other load than wall time does."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# -- steps, each run in a child process ------------------------------------------------------


def step_full(work: Path, slides: int, transition: str) -> dict[str, Any]:
    from render import RenderOptions

    deck = make_deck(slides)
    with renderer(work / "cache") as r:
        started = time.perf_counter()
        result = asyncio.run(
            r.render(deck, work / "full.mp4", RenderOptions(transition=transition))
        )
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "size": result.size_bytes, "duration": result.duration}


def step_assembly(work: Path, slides: int, transition: str) -> dict[str, Any]:
    from render import RenderOptions

    deck = make_deck(slides)
    for kind in ("segment", "fade", "track"):
        shutil.rmtree(work / "cache" / kind, ignore_errors=True)
    with renderer(work / "cache") as r:
        started, cpu = time.perf_counter(), cpu_seconds()
        result = asyncio.run(
            r.render(
                deck, work / f"assembly-{transition}.mp4", RenderOptions(transition=transition)
            )
        )
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        misses = dict(r.cache.misses)
    assert misses.get("image", 0) == 0 and misses.get("narration", 0) == 0, misses
    return {"seconds": seconds, "cpu": cpu, "size": result.size_bytes, "duration": result.duration}


def step_edit(work: Path, slides: int, transition: str) -> dict[str, Any]:
    from deck import EditSlide, apply
    from render import RenderOptions

    deck = apply(
        make_deck(slides),
        [EditSlide(slide=4, bullets=["An edited bullet", f"token {time.time_ns()}"])],
    )
    with renderer(work / "cache") as r:
        started = time.perf_counter()
        result = asyncio.run(
            r.render(deck, work / "edit.mp4", RenderOptions(transition=transition))
        )
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "size": result.size_bytes, "from_cache": result.slides_from_cache}


def _inputs(work: Path, slides: int) -> tuple[list[Path], list[Path], list[float]]:
    """The composed frames, narration WAVs and slide durations of the cached deck."""
    from render import RenderOptions

    deck = make_deck(slides)
    with renderer(work / "cache") as r:
        result = asyncio.run(r.render(deck, work / "inputs.mp4", RenderOptions()))
    return result.frames, result.narration, [t.duration for t in result.timings]


def step_bare_ffmpeg(work: Path, slides: int, transition: str) -> dict[str, Any]:
    from render.audio import build_timeline
    from render.ffmpeg import ffmpeg_exe

    frames, wavs, durations = _inputs(work, slides)
    listing = work / "bare.txt"
    lines = []
    for frame, seconds in zip(frames, durations, strict=True):
        lines += [f"file '{frame}'", f"duration {seconds}"]
    lines.append(f"file '{frames[-1]}'")
    listing.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    timeline = work / "bare.wav"
    build_timeline(timeline, [(w, round(d * 24000)) for w, d in zip(wavs, durations, strict=True)])
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-i",
            str(timeline),
            "-vf",
            "format=yuv420p,fps=2",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-tune",
            "stillimage",
            "-crf",
            "23",
            "-bf",
            "0",
            "-c:a",
            "aac",
            "-aac_coder",
            "fast",
            "-b:a",
            "96k",
            "-shortest",
            "-movflags",
            "+faststart",
            str(work / "bare.mp4"),
        ],
        check=True,
    )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "size": (work / "bare.mp4").stat().st_size}


def step_moviepy(work: Path, slides: int, transition: str) -> dict[str, Any]:
    from moviepy import AudioFileClip, ImageClip, concatenate_videoclips, vfx

    frames, wavs, durations = _inputs(work, slides)
    started = time.perf_counter()
    clips = []
    for frame, wav, seconds in zip(frames, wavs, durations, strict=True):
        clip = ImageClip(str(frame)).with_duration(seconds).with_audio(AudioFileClip(str(wav)))
        clips.append(clip)
    if transition == "crossfade":
        faded = [clips[0]] + [c.with_effects([vfx.CrossFadeIn(0.5)]) for c in clips[1:]]
        video = concatenate_videoclips(faded, method="compose", padding=-0.5)
    else:
        video = concatenate_videoclips(clips)
    out = work / f"moviepy-{transition}.mp4"
    video.write_videofile(str(out), fps=24, logger=None)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "size": out.stat().st_size}


STEPS = {
    "full": step_full,
    "assembly": step_assembly,
    "edit": step_edit,
    "bare": step_bare_ffmpeg,
    "moviepy": step_moviepy,
}


def child(name: str, work: Path, slides: int, transition: str) -> None:
    result = STEPS[name](work, slides, transition)
    result["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("RESULT " + json.dumps(result), flush=True)


def run_step(name: str, work: Path, slides: int, transition: str = "none") -> dict[str, Any]:
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.render",
            "--child",
            name,
            "--work",
            str(work),
            "--slides",
            str(slides),
            "--transition",
            transition,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode != 0:
        raise RuntimeError(f"step {name} failed:\n{output.stderr[-2000:]}")
    line = next(x for x in output.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.render", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slides", type=int, default=10)
    parser.add_argument(
        "--quick", action="store_true", help="one run, skip the slow moviepy crossfade"
    )
    parser.add_argument("--child")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--transition", default="none")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.work, args.slides, args.transition)
        return
    runs = 1 if args.quick else args.runs
    plan = [
        ("full render", "full", "none"),
        ("assembly", "assembly", "none"),
        ("one-slide edit", "edit", "none"),
        ("bare ffmpeg", "bare", "none"),
        ("moviepy", "moviepy", "none"),
        ("assembly xfade", "assembly", "crossfade"),
    ]
    if not args.quick:
        plan.append(("moviepy xfade", "moviepy", "crossfade"))
    samples: dict[str, list[dict[str, Any]]] = {label: [] for label, _s, _t in plan}
    for run in range(runs):
        with tempfile.TemporaryDirectory(prefix="deckcast-bench-") as tmp:
            work = Path(tmp)
            for label, step, transition in plan:
                samples[label].append(run_step(step, work, args.slides, transition))
                print(
                    f"  run {run + 1}/{runs} {label:<15} {samples[label][-1]['seconds']:.2f} s",
                    flush=True,
                )

    med = {label: statistics.median(s["seconds"] for s in rows) for label, rows in samples.items()}
    rss = {
        label: max(max(s["rss_self_mb"], s["rss_children_mb"]) for s in rows)
        for label, rows in samples.items()
    }
    size = {label: statistics.median(s["size"] for s in rows) for label, rows in samples.items()}
    print(f"\n{args.slides} slides, 1080p 16:9, medians of {runs} run(s)\n")
    print("| step | seconds | peak RSS (MB) | file (MB) |\n|---|---:|---:|---:|")
    for label in med:
        print(f"| {label} | {med[label]:.2f} | {rss[label]:.0f} | {size[label] / 1e6:.2f} |")
    print("\n| target | ratio | goal |\n|---|---:|---|")
    print(f"| moviepy / assembly | {med['moviepy'] / med['assembly']:.1f}x | >= 10x |")
    if "moviepy xfade" in med:
        ratio = med["moviepy xfade"] / med["assembly xfade"]
        print(f"| moviepy xfade / assembly xfade | {ratio:.1f}x | >= 5x |")
    print(f"| assembly / bare ffmpeg | {med['assembly'] / med['bare ffmpeg']:.2f}x | <= 1.5x |")
    xfade = med["assembly xfade"] / med["assembly"]
    print(f"| assembly xfade / assembly | {xfade:.2f}x | <= 2x |")
    cpu = {
        label: statistics.median(s["cpu"] for s in samples[label])
        for label in ("assembly", "assembly xfade")
    }
    print(
        f"| assembly xfade / assembly, CPU seconds | {cpu['assembly xfade'] / cpu['assembly']:.2f}x | <= 2x |"
    )
    print(f"| full render / assembly | {med['full render'] / med['assembly']:.2f}x | <= 3x |")
    share = 100 * med["one-slide edit"] / med["full render"]
    print(f"| one-slide edit / full render | {share:.1f}% | <= 15% |")
    print(f"| assembly peak RSS | {rss['assembly']:.0f} MB | <= 400 MB |")
    minute_mb = size["full render"] / 1e6 / (samples["full render"][0]["duration"] / 60)
    print(f"| full render size per minute | {minute_mb:.2f} MB/min | 60 s under 10 MiB |")


if __name__ == "__main__":
    main(sys.argv[1:])
