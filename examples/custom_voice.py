"""A voice of your own: the renderer narrates every slide with audio your code makes.

Anything with a ``name``, a ``concurrency``, ``needs_finishing``, ``available()``,
``cache_id(voice, language)`` and an async ``synthesize(text, voice=, language=, out=)`` that
writes a WAV file is a voice (the ``render.VoiceBackend`` protocol): a call to your own speech
server, a local TTS model, recorded takes. This one hums: each word of the narration becomes a
short tone whose pitch comes from the word, so it needs no model and no network. With
``needs_finishing = True`` the renderer trims the take's silences, levels it to the loudness of
every other voice and resamples it, so a backend may write any sample rate at any level. It is
asked for one sentence at a time (the slide is then finished as one take), so the captions know
when each sentence starts. Run it from the repository root::

    python examples/custom_voice.py [OUT.mp4]

It renders ``examples/photosynthesis.md`` at 360p with the humming voice into ``OUT.mp4``
(``out/custom_voice.mp4`` by default, with its storyboard and subtitles beside it).
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deck import parse_outline
from render import AssetCache, ProceduralBackend, Renderer, RenderOptions, RenderResult

OUTLINE = Path(__file__).with_name("photosynthesis.md")
RATE = 16_000  # any rate will do: the renderer resamples
PITCHES = (196.0, 220.0, 247.0, 262.0, 294.0, 330.0, 349.0, 392.0)  # G3 to G4, in Hz
WORD_SECONDS = 0.3


def word_pitch(word: str) -> float:
    return PITCHES[hashlib.sha256(word.lower().encode("utf-8")).digest()[0] % len(PITCHES)]


class HummingVoice:
    """One tone a word, with a short gap between words."""

    name = "hum"
    concurrency = 4  # syntheses in flight at once
    needs_finishing = True  # let the renderer trim, level and resample what this writes

    def __init__(self) -> None:
        self.spoken: list[str] = []  # every text it was asked to say, to show it was used

    def available(self) -> bool:
        return True  # a voice that needs a binary or a key says here whether it has it

    def cache_id(self, voice: str | None, language: str) -> dict[str, object]:
        # Everything besides the text that decides the sound.
        return {"backend": self.name, "pitches": PITCHES, "word_seconds": WORD_SECONDS}

    async def synthesize(self, text: str, *, voice: str | None, language: str, out: Path) -> None:
        self.spoken.append(text)
        samples = await asyncio.to_thread(hum, text)
        with wave.open(str(out), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes((samples * 0.3 * 32767).astype("<i2").tobytes())


def hum(text: str) -> np.ndarray:
    t = np.arange(int(WORD_SECONDS * RATE)) / RATE
    envelope = np.sin(np.pi * t / WORD_SECONDS) ** 2  # no clicks between words
    gap = np.zeros(int(0.05 * RATE))
    words = text.split() or ["hm"]
    tones = [np.sin(2 * np.pi * word_pitch(word) * t) * envelope for word in words]
    return np.concatenate([part for tone in tones for part in (tone, gap)])


@dataclass
class Outcome:
    result: RenderResult
    voice: HummingVoice


async def render(out: Path, cache_dir: Path) -> Outcome:
    deck = parse_outline(OUTLINE.read_text(encoding="utf-8"))
    voice = HummingVoice()
    # The voices a renderer knows, by the name a deck or RenderOptions(voice=...) uses.
    voices = {"hum": voice}
    options = RenderOptions(resolution=360, voice="hum")
    with Renderer(ProceduralBackend(), voices, AssetCache(cache_dir)) as renderer:
        result = await renderer.render(deck, out, options)
    print(f"rendered {out}: {result.slides} slides, {result.duration:.1f} s, voice {result.voice}")
    words = sum(len(text.split()) for text in voice.spoken)
    lengths = ", ".join(f"{timing.narration:.1f}" for timing in result.timings)
    print(f"the humming voice said {len(voice.spoken)} sentences ({words} words); ", end="")
    print(f"each slide's narration lasts {lengths} s")
    return Outcome(result, voice)


def main(argv: list[str] | None = None) -> Outcome:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "out/custom_voice.mp4")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="deckcast-cache-") as cache_dir:
        return asyncio.run(render(out, Path(cache_dir)))


if __name__ == "__main__":
    main()
