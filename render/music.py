"""Background music under the narration: looped or trimmed to the video, faded, levelled, ducked.

Music touches only the audio track, and only at the very end: the slides' segments are keyed
by what they show, so turning music on (or changing its level) re-encodes no video; the mixed
track is a cache entry of its own, keyed by the voice track, the music file's bytes and the
level.

The bed is made in numpy from the decoded music (24 kHz mono, like the narration):

* looped with a short crossfade at each seam when shorter than the video, cut when longer;
* levelled to :data:`BED_LUFS` integrated loudness (BS.1770, :mod:`render.loudness`) plus the
  asked-for offset, so a quiet song and a loud one sit at the same place under the voice;
* faded in at the start and out at the end;
* ducked by :data:`DUCK_DB` while the narrator speaks: a gain envelope from the narration
  track itself (10 ms frames above :data:`SPEECH_DB`), held through short gaps between words,
  reaching full depth as speech starts (a look-ahead of :data:`ATTACK_SECONDS`) and coming back
  over :data:`RELEASE_SECONDS`.

The voice is never touched: the mix is voice + bed, kept under -1 dBTP by the limiter the
narration went through (it acts only where the sum would pass that). With the
bed ducked to about 26 dB under the voice, the voice's loudness moves by hundredths of a LU.

The file is checked before any slide is rendered (:func:`check_music`): a missing, unreadable,
oversized, overlong or non-audio file stops the render with one :class:`MusicError` sentence.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .audio import SAMPLE_RATE, build_timeline, read_wav, write_wav
from .cache import asset_key
from .children import CHILD_OPTIONS, communicate
from .encode import encode_audio
from .errors import EncodeError, MusicError
from .ffmpeg import ffmpeg_exe, run_ffmpeg
from .loudness import integrated_loudness, peak_bound
from .narration import Spoken, track_key
from .stage import RenderStage
from .voice.finish import CEILING_DBTP as VOICE_CEILING_DBTP
from .voice.finish import TARGET_LUFS, limit_peaks, to_int16

MUSIC_VERSION = 1  # part of every mixed track's cache key: bump when the sound changes
MAX_BYTES = 50 * 1024 * 1024  # a song is a few MB; more is a film or a mistake
MAX_SECONDS = 30 * 60.0
MIN_SECONDS = 1.0  # shorter would loop into a buzz
CHECK_SECONDS = 2.0  # decoded up front to prove the file is audio
BED_LUFS = TARGET_LUFS - 12.0  # the bed between sentences: clearly there, well under the voice
DUCK_DB = 14.0  # how far the bed goes down while the narrator speaks
LEVEL_RANGE_DB = (-18.0, 6.0)  # the offsets "music quieter/louder" may reach
LEVEL_STEP_DB = 4.0  # one "quieter" or "louder"
FADE_IN_SECONDS = 1.5
FADE_OUT_SECONDS = 2.5
LOOP_CROSSFADE_SECONDS = 0.1  # at each seam of a looped song: no click
FRAME_SECONDS = 0.01  # the ducking envelope's resolution
SPEECH_DB = -45.0  # a 10 ms frame of narration louder than this (RMS dBFS) is speech
HOLD_SECONDS = 0.35  # gaps between words shorter than this keep the bed down
ATTACK_SECONDS = 0.08
RELEASE_SECONDS = 0.5
# The mix's peak ceiling: the -1 dBTP lossy encoders need. The narration is finished at
# -1.5 dBTP, so the ducked bed (about 26 dB under it) never brings a word's peak to the limiter.
MIX_CEILING_DBTP = -1.0

Samples = NDArray[np.float64]


def clamp_level(level_db: float) -> float:
    low, high = LEVEL_RANGE_DB
    return min(high, max(low, level_db))


async def check_music(path: Path) -> str:
    """The content hash of the music file at ``path``, after checking (cheaply, before any
    slide is rendered) that it exists, can be read, is not too big or too long, and decodes as
    audio. Raises :class:`MusicError` with one sentence otherwise."""
    name = path.name or str(path)
    digest = await asyncio.to_thread(_checked_hash, path)
    report = await _ffmpeg_report(path)
    seconds = _duration(report)
    if seconds is not None and seconds > MAX_SECONDS:
        raise MusicError(
            f"the music file {name} is {seconds / 60:.0f} minutes long; at most "
            f"{MAX_SECONDS / 60:.0f} minutes is accepted"
        )
    head = await decode_music(path, CHECK_SECONDS)
    if head.size == 0:
        raise MusicError(f"the music file {name} holds no sound; give an audio file (MP3, WAV...)")
    return digest


async def decode_music(path: Path, seconds: float) -> Samples:
    """The first ``seconds`` of the music, 24 kHz mono floats; :class:`MusicError` when ffmpeg
    finds no audio in it."""
    try:
        pcm = await run_ffmpeg(
            [
                *("-v", "error", "-i", str(path)),
                *("-map", "0:a:0", "-vn", "-t", f"{seconds:.3f}"),
                *("-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "f32le", "-"),
            ],
            what="decoding the music",
        )
    except EncodeError:
        raise MusicError(
            f"the music file {path.name} is not audio ffmpeg can read; give an MP3, WAV, "
            "OGG, FLAC or M4A file"
        ) from None
    return np.frombuffer(pcm, dtype="<f4").astype(np.float64)


def music_bed(music: Samples, voice: Samples, rate: int, level_db: float = 0.0) -> Samples:
    """The music as it plays under ``voice``: as long as it, levelled, faded, ducked."""
    name = "the music"
    if music.size < MIN_SECONDS * rate:
        raise MusicError(f"{name} is shorter than {MIN_SECONDS:.0f} second; give a longer file")
    loudness = integrated_loudness(music, rate)
    if not math.isfinite(loudness):
        raise MusicError(f"{name} is silent; give a file with sound in it")
    bed = fit_length(music, voice.size, rate)
    bed *= 10 ** ((BED_LUFS + clamp_level(level_db) - loudness) / 20)
    bed *= fades(voice.size, rate)
    bed *= duck_gain(voice, rate)
    return bed


def fit_length(music: Samples, n: int, rate: int) -> Samples:
    """``music`` cut to ``n`` samples, or looped to them with a short crossfade at each seam."""
    if music.size >= n:
        return music[:n].copy()
    overlap = min(round(LOOP_CROSSFADE_SECONDS * rate), music.size // 4)
    ramp = np.linspace(0.0, 1.0, overlap, endpoint=False) if overlap else np.zeros(0)
    shaped = music.copy()
    if overlap:  # each copy fades in over the last one's fade-out (their sum stays flat)
        shaped[:overlap] *= ramp
        shaped[-overlap:] *= 1.0 - ramp
    out = np.zeros(n + music.size)
    step = music.size - overlap
    for start in range(0, n, step):
        out[start : start + music.size] += shaped
    out[: min(overlap, n)] = music[: min(overlap, n)]  # the first copy starts at full level
    return out[:n]


def fades(n: int, rate: int) -> Samples:
    """A gain that rises over the first seconds and falls to silence over the last (each at
    most a third of the video)."""
    gain = np.ones(n)
    fade_in = min(round(FADE_IN_SECONDS * rate), n // 3)
    fade_out = min(round(FADE_OUT_SECONDS * rate), n // 3)
    if fade_in:
        gain[:fade_in] = np.linspace(0.0, 1.0, fade_in) ** 2
    if fade_out:
        gain[n - fade_out :] *= np.linspace(1.0, 0.0, fade_out) ** 2
    return gain


def speaking(voice: Samples, rate: int) -> NDArray[np.bool_]:
    """Per 10 ms frame: is the narrator speaking (or between two words)?"""
    hop = max(1, round(FRAME_SECONDS * rate))
    frames = -(-voice.size // hop)
    padded = np.zeros(frames * hop)
    padded[: voice.size] = voice
    rms = np.sqrt(np.mean(padded.reshape(frames, hop) ** 2, axis=1))
    loud = rms > 10 ** (SPEECH_DB / 20)
    # Held through short gaps, and on a little early so the bed is down when speech starts.
    hold, ahead = round(HOLD_SECONDS / FRAME_SECONDS), round(ATTACK_SECONDS / FRAME_SECONDS)
    found = np.flatnonzero(loud)
    on = np.zeros(frames + 1, dtype=np.int64)  # a difference array: +1 where a stretch begins
    np.add.at(on, np.maximum(0, found - ahead), 1)
    np.add.at(on, np.minimum(frames, found + hold + 1), -1)
    return np.cumsum(on)[:frames] > 0


def duck_gain(voice: Samples, rate: int) -> Samples:
    """Per sample, the bed's gain: 1 in silence, ``-DUCK_DB`` while speaking, moving linearly in
    dB (down over :data:`ATTACK_SECONDS`, up over :data:`RELEASE_SECONDS`)."""
    if voice.size == 0:
        return np.ones(0)
    target = np.where(speaking(voice, rate), -DUCK_DB, 0.0)
    down = DUCK_DB * FRAME_SECONDS / ATTACK_SECONDS
    up = DUCK_DB * FRAME_SECONDS / RELEASE_SECONDS
    level = np.empty(target.size)
    current = 0.0
    for i, goal in enumerate(target.tolist()):
        current = max(goal, current - down) if goal < current else min(goal, current + up)
        level[i] = current
    hop = FRAME_SECONDS * rate
    centres = (np.arange(level.size) + 0.5) * hop
    return 10 ** (np.interp(np.arange(voice.size), centres, level) / 20)


def mix(voice: Samples, bed: Samples, rate: int) -> Samples:
    """Voice plus bed, limited only when the sum could pass :data:`MIX_CEILING_DBTP`. The
    narration's true peak is at most :data:`~render.voice.finish.CEILING_DBTP` (it was finished
    so), and the peaks of a sum are at most the sum of the peaks: where the bed's (cheap) peak
    bound fits in the headroom, or the sum's own bound is under the ceiling, nothing can pass,
    and the costly true-peak limiter is not run at all (the usual case: the bed is ducked
    while the voice is loud)."""
    mixed = voice + bed
    if mixed.size == 0:
        return mixed
    bound = peak_bound(mixed, rate)
    voice_peak = 10 ** (VOICE_CEILING_DBTP / 20) + 1 / 32767  # and a step of 16-bit rounding
    # Finished narration (a voice that was not is held by the sum's own bound alone).
    if float(np.max(np.abs(voice))) <= voice_peak:
        bound = np.minimum(bound, voice_peak + peak_bound(bed, rate))
    if bound.max() < 10 ** (MIX_CEILING_DBTP / 20):
        return mixed
    return limit_peaks(mixed, rate, MIX_CEILING_DBTP)


class DeckMusic(RenderStage):
    """The render's music stage: the narration track with the music bed mixed in, cached."""

    async def mix(
        self, music: Path, music_id: str, narrations: list[Spoken], frames: list[int], workdir: Path
    ) -> Path:
        """The audio track with ``music`` (its content hash ``music_id``) under the narration:
        each slide's narration padded to its slide's ``frames``, as the voice track is."""
        settings = self.plan.settings
        samples = [count * SAMPLE_RATE // self.plan.fps for count in frames]
        level = clamp_level(self.plan.options.music_level_db)
        voice_key = track_key(narrations, samples, settings.audio_bitrate)
        key = _mix_key(voice_key, music_id, level, settings.audio_bitrate)
        cached = self.cache.lookup("track", key, "m4a")
        if cached is not None:
            return cached
        timeline = workdir / "narration-for-music.wav"
        parts = [(path, n) for (path, _d, _k), n in zip(narrations, samples, strict=True)]
        await self.r.run_cpu(build_timeline, timeline, parts)
        voice = read_wav(timeline).astype(np.float64) / 32767
        song = await decode_music(music, voice.size / SAMPLE_RATE + 1.0)
        mixed = await self.r.run_cpu(_mixed, song, voice, level)
        wav = workdir / "with-music.wav"
        await self.r.run_cpu(write_wav, wav, mixed)
        async with self.r.process_slots():
            with self.cache.writing("track", key, "m4a") as tmp:
                await encode_audio(wav, tmp, settings)
        return self.cache.path("track", key, "m4a")


def _mixed(song: Samples, voice: Samples, level: float) -> NDArray[np.int16]:
    return to_int16(mix(voice, music_bed(song, voice, SAMPLE_RATE, level), SAMPLE_RATE))


def _mix_key(voice_key: str, music_id: str, level: float, bitrate: str) -> str:
    return asset_key(
        step="music",
        voice=voice_key,
        music=music_id,
        level=level,
        bitrate=bitrate,
        version=MUSIC_VERSION,
    )


def _checked_hash(path: Path) -> str:
    """The SHA-256 of the file at ``path``, once it is known to be a readable file that is
    not too big."""
    name = path.name or str(path)
    if not path.exists():
        raise MusicError(f"the music file {name} does not exist")
    if not path.is_file():
        raise MusicError(f"the music file {name} is not a file; give an audio file (MP3, WAV...)")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise MusicError(
            f"the music file {name} is {size / 2**20:.0f} MB; at most "
            f"{MAX_BYTES // 2**20} MB is accepted"
        )
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise MusicError(f"the music file {name} cannot be read ({exc.strerror or exc})") from None
    return digest.hexdigest()


async def _ffmpeg_report(path: Path) -> str:
    """What ``ffmpeg -i`` says about ``path`` (its stream report, on stderr)."""
    process = await asyncio.create_subprocess_exec(
        ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-i", str(path)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        **CHILD_OPTIONS,  # type: ignore[arg-type]
    )
    _out, err = await communicate(process)
    return err.decode("utf-8", "replace")


def _duration(report: str) -> float | None:
    found = re.search(r"Duration: (\d+):(\d+):([\d.]+)", report)
    if found is None:
        return None
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
