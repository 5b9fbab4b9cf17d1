"""Music under the voice, measured from the final files: does the voice stay as loud, and how far
under it does the music sit while the narrator speaks?

The deck (``--slides`` slides, espeak-ng narration, 360p) is rendered twice into one cache:
without music, then with a generated song (a chord of sine tones with a slow swell, written as
MP3 by ffmpeg). Both MP4s' audio tracks are decoded; per slide, over the span its narration is
spoken:

* voice difference: the BS.1770 integrated loudness of the track with music minus that of the
  track without (target: within ±1 LU);
* ducking depth: the voice's loudness minus that of the music alone, the music being the
  difference of the two decoded tracks (target: at least 15 dB). The difference also holds the
  AAC coding noise of both encodes, so the depth is, if anything, understated.

The second render must re-encode no video segment (music changes only the audio track); its
time is shown beside that of a render wholly from the cache (what the music itself costs).

Run: python -m benchmarks.music [--slides 5] [--song-seconds 4] [--level 0]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from render.audio import SAMPLE_RATE
from render.ffmpeg import ffmpeg_exe
from render.loudness import integrated_loudness
from render.options import SlideTiming

VOICE_TOLERANCE_LU = 1.0
MIN_DEPTH_DB = 15.0


def write_song(path: Path, seconds: float, *, rate: int = 44_100, amplitude: float = 0.2) -> Path:
    """A stereo test song at ``path`` (any extension ffmpeg writes: .mp3, .wav, .ogg): an A minor
    chord of sine tones under a slow swell, so looping and fading are visible in its level."""
    t = np.arange(round(seconds * rate)) / rate
    chord = sum(np.sin(2 * np.pi * hz * t) for hz in (220.0, 261.63, 329.63))
    song = amplitude * chord * (0.8 + 0.2 * np.sin(2 * np.pi * 0.5 * t))
    pcm = (np.repeat(song[:, None], 2, axis=1) * 32767).astype("<i2").tobytes()
    subprocess.run(
        [
            *(ffmpeg_exe(), "-v", "error", "-y"),
            *("-f", "s16le", "-ar", str(rate), "-ac", "2", "-i", "-", str(path)),
        ],
        input=pcm,
        check=True,
    )
    return path


@dataclass(frozen=True, slots=True)
class SlideFigures:
    voice_lufs: float  # the narration alone, from the file without music
    mixed_lufs: float  # the same span of the file with music
    music_lufs: float  # the music alone over that span (the two files' difference)

    @property
    def voice_difference(self) -> float:
        return self.mixed_lufs - self.voice_lufs

    @property
    def depth(self) -> float:
        return self.voice_lufs - self.music_lufs


def measure(
    voice: NDArray[np.floating], mixed: NDArray[np.floating], timings: list[SlideTiming]
) -> list[SlideFigures]:
    """Per slide, over the span its narration is spoken, the figures above (decoded tracks at
    24 kHz)."""
    voice = np.asarray(voice, dtype=np.float64)
    mixed = np.asarray(mixed, dtype=np.float64)
    n = min(voice.size, mixed.size)
    music = mixed[:n] - voice[:n]
    figures = []
    for timing in timings:
        span = slice(
            round(timing.start * SAMPLE_RATE),
            round((timing.start + timing.narration) * SAMPLE_RATE),
        )
        figures.append(
            SlideFigures(
                integrated_loudness(voice[span], SAMPLE_RATE),
                integrated_loudness(mixed[span], SAMPLE_RATE),
                integrated_loudness(music[span], SAMPLE_RATE),
            )
        )
    return figures


def rms_db(samples: NDArray[np.floating]) -> float:
    """RMS level in dBFS (-inf for digital silence)."""
    power = float(np.mean(np.square(samples, dtype=np.float64))) if samples.size else 0.0
    return 10 * np.log10(power) if power > 0 else -np.inf


def main(argv: list[str]) -> None:
    from benchmarks.render import make_deck
    from render import (
        AssetCache,
        EspeakBackend,
        ProceduralBackend,
        Renderer,
        RenderOptions,
        SilentBackend,
    )
    from tests.probe import decode_audio

    parser = argparse.ArgumentParser(prog="python -m benchmarks.music")
    parser.add_argument("--slides", type=int, default=5)
    parser.add_argument("--song-seconds", type=float, default=4.0)
    parser.add_argument("--level", type=float, default=0.0, help="music level offset in dB")
    args = parser.parse_args(argv)
    voice = "espeak" if EspeakBackend().available() else "silent"
    if voice == "silent":
        print("espeak-ng is not installed: there is no narration to duck under; nothing measured")
        return

    deck = make_deck(args.slides)
    with tempfile.TemporaryDirectory(prefix="deckcast-bench-music-") as tmp:
        work = Path(tmp)
        song = write_song(work / "song.mp3", args.song_seconds)
        cache = AssetCache(work / "cache")
        voices = {"espeak": EspeakBackend(), "silent": SilentBackend()}
        with Renderer(ProceduralBackend(), voices, cache) as renderer:
            plain = RenderOptions(resolution=360, voice=voice, storyboard=False)
            alone = asyncio.run(renderer.render(deck, work / "voice.mp4", plain))
            cache.hits.clear()
            cache.misses.clear()
            started = time.perf_counter()
            with_music = RenderOptions(
                resolution=360,
                voice=voice,
                storyboard=False,
                music=song,
                music_level_db=args.level,
            )
            mixed = asyncio.run(renderer.render(deck, work / "music.mp4", with_music))
            seconds = time.perf_counter() - started
            encoded = cache.misses["segment"]
            started = time.perf_counter()  # the same render again, all from the cache
            asyncio.run(renderer.render(deck, work / "again.mp4", plain))
            cached = time.perf_counter() - started
        figures = measure(
            decode_audio(work / "voice.mp4"), decode_audio(work / "music.mp4"), alone.timings
        )
    print(
        f"{args.slides} slides ({alone.duration:.1f} s), voice {voice}, a {args.song_seconds:.0f} s "
        f"song looped under it, level {args.level:+.0f} dB; from the final files"
    )
    print(
        f"{'slide':<7}{'voice LUFS':>11}{'with music':>11}{'diff LU':>9}{'music LUFS':>11}"
        f"{'depth dB':>10}"
    )
    for i, f in enumerate(figures, 1):
        print(
            f"{i:<7}{f.voice_lufs:>11.2f}{f.mixed_lufs:>11.2f}{f.voice_difference:>+9.3f}"
            f"{f.music_lufs:>11.1f}{f.depth:>10.1f}"
        )
    worst_diff = max(abs(f.voice_difference) for f in figures)
    worst_depth = min(f.depth for f in figures)
    print(
        f"worst voice difference {worst_diff:.3f} LU (target <= {VOICE_TOLERANCE_LU}); "
        f"shallowest ducking {worst_depth:.1f} dB (target >= {MIN_DEPTH_DB}); "
        f"turning music on took {seconds:.2f} s ({cached:.2f} s for a render all from the "
        f"cache), {encoded} video segments re-encoded, {mixed.slides_from_cache}/{mixed.slides} "
        "from the cache"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
