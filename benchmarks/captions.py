"""Caption timing: how far cue starts are from the sentence onsets heard in the final MP4.

Two decks are rendered with espeak-ng at 360p (the photosynthesis example, and a deck of very
uneven sentences: "Yes." beside a long one); the video's audio is decoded and every place sound
starts after a quarter second of quiet (a sentence, or a slide, beginning; tests/probe.py
``sound_onsets``) is an onset. For each onset, the error is the distance to the nearest cue
start in the SRT: deckcast's cues (each sentence's onset, known from speaking it alone)
against the baseline of the old timing, cues spread over each slide's narration by character
count, on the same render. Also: the narration work spoken a sentence at a time against one
espeak-ng take per slide, finished the same way (the cost of knowing the onsets); and the
word-by-word style's render of the example as a 9:16 1080p short against lines captions, with
pictures and narration already cached (what the captions themselves cost).

Run: python -m benchmarks.captions [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.probe, from a checkout

# Sentences of very different lengths: a spread by characters misplaces the short ones (also
# the deck of tests/test_caption_timing.py, which imports it and ``srt_starts`` from here).
UNEVEN = """---
aspect: 16:9
---

# Timing

## Light

- Leaves catch light

> Yes. Plants turn sunlight, water and carbon dioxide into sugar and oxygen, all day long.
Why? Because every leaf is a small and very busy factory.

## Water

- Roots drink

> Roots drink water from the soil, slowly, through tiny hairs. Then stems carry it up. Done.
"""


def srt_starts(srt: str) -> list[float]:
    """The start of every cue in ``srt``, in seconds."""
    stamps = re.findall(r"(\d\d):(\d\d):(\d\d),(\d{3}) -->", srt)
    return [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in stamps]


def errors_ms(starts: list[float], onsets: list[float]) -> list[float]:
    """For each onset, how far the nearest cue start is, in milliseconds."""
    return [1000 * min(abs(onset - start) for start in starts) for onset in onsets]


def measure(name: str, outline: str, work: Path) -> dict[str, object]:
    from deck import parse_outline
    from render import AssetCache, EspeakBackend, ProceduralBackend, Renderer, RenderOptions
    from render.captions import slide_cues
    from tests.probe import decode_audio, sound_onsets

    deck = parse_outline(outline)
    voices = {"espeak": EspeakBackend()}
    options = RenderOptions(resolution=360, voice="espeak:en", storyboard=False)
    with Renderer(ProceduralBackend(), voices, AssetCache(work / f"{name}-cache")) as renderer:
        result = asyncio.run(renderer.render(deck, work / f"{name}.mp4", options))
    assert result.srt is not None
    onsets = sound_onsets(decode_audio(result.video))
    new = errors_ms(srt_starts(result.srt.read_text(encoding="utf-8")), onsets)
    spread = slide_cues([s.narration for s in deck.slides], result.timings)
    old = errors_ms([c.start for cues in spread for c in cues], onsets)
    return {"deck": name, "onsets": len(onsets), "new": new, "old": old}


def narration_seconds(outline: str, work: Path, runs: int) -> tuple[float, float]:
    """The narration work alone, as the renderer does it (espeak-ng's concurrency, every
    slide at once): a sentence at a time, finished per slide (deckcast), and a take per
    slide (the old way)."""
    from deck import parse_outline
    from render import EspeakBackend
    from render.narration import speech_sentences
    from render.speech import prepare_for_speech
    from render.voice.finish import finish_narration, finish_sentences

    deck = parse_outline(outline)
    espeak = EspeakBackend()
    sentences = [speech_sentences(s.narration, "en") for s in deck.slides]
    whole = [prepare_for_speech(s.narration, "en") for s in deck.slides]

    async def spoken(run: str, apart: bool) -> None:
        limit = asyncio.Semaphore(espeak.concurrency)

        async def say(text: str, raw: Path) -> Path:
            async with limit:
                await espeak.synthesize(text, voice=None, language="en", out=raw)
            return raw

        async def slide(i: int) -> None:
            out = work / f"{run}-{i}.wav"
            if apart:
                raws = [work / f"{run}-{i}-{n}.raw" for n in range(len(sentences[i]))]
                await asyncio.gather(*map(say, sentences[i], raws))
                async with limit:
                    await finish_sentences(list(raws), out)
            else:
                raw = await say(whole[i], work / f"{run}-{i}.raw")
                async with limit:
                    await finish_narration(raw, out)

        await asyncio.gather(*map(slide, range(len(deck.slides))))

    per_sentence: list[float] = []
    per_slide: list[float] = []
    for run in range(runs):
        for apart, times in ((True, per_sentence), (False, per_slide)):
            started = time.perf_counter()
            asyncio.run(spoken(f"r{run}{apart}", apart))
            times.append(time.perf_counter() - started)
    return statistics.median(per_sentence), statistics.median(per_slide)


def style_seconds(outline: str, work: Path) -> dict[str, float]:
    """Seconds to render ``outline`` as a 9:16 1080p short in each caption style, pictures
    and narration from the cache (a render without captions fills it first)."""
    from deck import parse_outline
    from render import AssetCache, EspeakBackend, ProceduralBackend, Renderer, RenderOptions

    deck = parse_outline(outline.replace("aspect: 16:9", "aspect: 9:16"))
    seconds: dict[str, float] = {}
    cache = AssetCache(work / "styles")
    with Renderer(ProceduralBackend(), {"espeak": EspeakBackend()}, cache) as renderer:
        for style in ("none", "lines", "words"):
            options = RenderOptions(
                resolution=1080, voice="espeak:en", captions=style, storyboard=False
            )
            started = time.perf_counter()
            asyncio.run(renderer.render(deck, work / f"short-{style}.mp4", options))
            seconds[style] = time.perf_counter() - started
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from render import EspeakBackend

    if not EspeakBackend().available():
        print("espeak-ng is not installed: nothing to measure (make system)")
        return
    example = (Path(__file__).resolve().parent.parent / "examples" / "photosynthesis.md").read_text(
        encoding="utf-8"
    )
    with tempfile.TemporaryDirectory(prefix="deckcast-bench-") as tmp:
        work = Path(tmp)
        print("|cue start - sentence onset| in the final MP4, ms (max / median over onsets)")
        print("  (for each onset heard after 0.25 s of quiet, the nearest cue start in the SRT)")
        for name, outline in (("photosynthesis", example), ("uneven", UNEVEN)):
            got = measure(name, outline, work)
            new, old = got["new"], got["old"]
            assert isinstance(new, list) and isinstance(old, list)
            print(
                f"  {name:15s} {got['onsets']:3d} onsets   deckcast {max(new):6.1f} / "
                f"{statistics.median(new):5.1f}   char-count spread (old) {max(old):6.1f} / "
                f"{statistics.median(old):5.1f}"
            )
        sentence, slide = narration_seconds(example, work, args.runs)
        print(
            f"narration work, photosynthesis, cold (median of {args.runs}): a sentence at a "
            f"time {sentence:.2f} s, a take per slide {slide:.2f} s ({sentence / slide:.2f}x)"
        )
        styles = style_seconds(example, work)
        print(
            "9:16 1080p short, pictures and narration cached: no captions "
            f"{styles['none']:.2f} s, lines {styles['lines']:.2f} s, words (12 fps) "
            f"{styles['words']:.2f} s ({styles['words'] / styles['lines']:.1f}x lines)"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
