"""Narration speed: finishing (levelling) cost and speech-server concurrency.

1. Finishing one 10 s take (decode, BS.1770 loudness, look-ahead limiter, trim, write) against
   the baseline of the previous finishing step: a single ffmpeg pass that only trimmed and
   resampled. The ratio is what even loudness costs per slide.
2. The narration stage of a 12-slide render through an OpenAI-compatible speech server that
   takes ``--latency`` seconds per request (the local fake from the tests, on 127.0.0.1),
   with the default concurrency (4) against one request at a time.

Each figure is the median of ``--runs`` runs (default 3).

Run: python -m benchmarks.narration [--runs 3] [--latency 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
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


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.narration")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deckcast-bench-") as tmp:
        work = Path(tmp)
        trim, level = bench_finishing(args.runs, work)
        serial, parallel = bench_concurrency(args.runs, args.latency, work)
    print(f"{'what':<48} {'baseline':>9} {'deckcast':>9} {'ratio':>6}")
    print(
        f"{'finish a 10 s take (trim only -> levelled)':<48} "
        f"{trim:>8.3f}s {level:>8.3f}s {level / trim:>5.2f}x"
    )
    print(
        f"{f'12 slides, {args.latency:g} s/request (1 -> 4 at once)':<48} "
        f"{serial:>8.2f}s {parallel:>8.2f}s {serial / parallel:>5.2f}x faster"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
