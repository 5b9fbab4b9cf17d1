"""Narration finishing, the same for every voice, so every backend sounds alike in the video.

ffmpeg decodes whatever a backend wrote (WAV, MP3, FLAC, Opus...) to 24 kHz mono; then, in
numpy: the level is set to :data:`TARGET_LUFS` integrated loudness (BS.1770, see
:mod:`render.loudness`) and a look-ahead limiter keeps the true peak under
:data:`CEILING_DBTP`, so nothing clips and every slide is as loud as the next whichever voice
spoke it; silence is trimmed at both ends so slide timing is tight; the result is written as
16-bit PCM WAV.

A slide spoken a sentence at a time (:func:`finish_sentences`) is finished as one take: each
sentence trimmed, the sentences joined with :data:`SENTENCE_GAP` of silence between them, and
the whole levelled once, so the slide is as loud as a single take would be and every
sentence's onset is known to the sample.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..audio import SAMPLE_RATE, write_wav
from ..ffmpeg import run_ffmpeg
from ..loudness import integrated_loudness, peak_envelope, true_peak

FINISH_VERSION = 3  # part of every narration's cache key: bump when the sound changes
TARGET_LUFS = -16.0  # speech, as podcast and streaming platforms deliver it
CEILING_DBTP = -1.5  # under the -1 dBTP that lossy encoders need as headroom, with margin
MAX_GAIN_DB = 40.0  # never lift a near-silent take into loud noise
TRIM_THRESHOLD_DB = -50.0  # after levelling: quieter than this at the ends is silence
TRIM_KEEP_SECONDS = 0.04  # of silence kept at each end, so no attack or tail is clipped
LIMITER_SECONDS = 0.03  # the limiter's look-ahead and release: smooth at syllable scale
# Between sentences spoken apart, besides the TRIM_KEEP_SECONDS kept on either side: about the
# pause espeak-ng makes at a full stop (0.29 s), so a slide keeps its pace.
SENTENCE_GAP = 0.22

Samples = NDArray[np.float64]


async def finish_narration(raw: Path, out: Path) -> None:
    """Write ``raw`` (any format ffmpeg reads) to ``out`` as levelled, trimmed 24 kHz mono WAV."""
    finished = await asyncio.to_thread(finish_samples, await decode_take(raw), SAMPLE_RATE)
    await asyncio.to_thread(write_wav, out, to_int16(finished))


async def finish_sentences(raws: list[Path | None], out: Path) -> list[tuple[float, float]]:
    """Write the sentences ``raws`` (one take each; ``None``: nothing to say) to ``out`` as one
    finished slide, and return each sentence's (onset, end) in it, in seconds. A sentence
    with nothing to say, or nothing audible, gets an empty span where it would be."""
    decoded = iter(await decode_takes([raw for raw in raws if raw is not None]))
    takes = [None if raw is None else next(decoded) for raw in raws]
    finished, spans = await asyncio.to_thread(join_sentences, takes, SAMPLE_RATE)
    await asyncio.to_thread(write_wav, out, to_int16(finished))
    return [(start / SAMPLE_RATE, end / SAMPLE_RATE) for start, end in spans]


def join_sentences(
    takes: list[NDArray[np.floating] | None], rate: int
) -> tuple[Samples, list[tuple[int, int]]]:
    """The sentences' takes finished as one (see the module's docstring) and each one's
    (first, last + 1) audible sample in it. The trim threshold is set by the loudness of all
    takes together, as :func:`finish_samples` sets it for one."""
    heard = [np.asarray(t, dtype=np.float64) for t in takes if t is not None]
    loudness = integrated_loudness(np.concatenate(heard), rate) if heard else -math.inf
    gain = min(TARGET_LUFS - loudness, MAX_GAIN_DB) if math.isfinite(loudness) else 0.0
    threshold = 10 ** ((TRIM_THRESHOLD_DB - gain) / 20)
    gap = np.zeros(round(SENTENCE_GAP * rate))
    pieces: list[Samples] = []
    spans: list[tuple[int, int]] = []
    at = 0
    for take in takes:
        x = np.zeros(0) if take is None else np.asarray(take, dtype=np.float64)
        trimmed = trim_silence(x, rate, TRIM_THRESHOLD_DB - gain)
        loud = np.flatnonzero(np.abs(trimmed) > threshold)
        if loud.size == 0:
            spans.append((at, at))
            continue
        if pieces:
            pieces.append(gap)
            at += gap.size
        spans.append((at + int(loud[0]), at + int(loud[-1]) + 1))
        pieces.append(trimmed)
        at += trimmed.size
    joined = np.concatenate(pieces) if pieces else np.zeros(0)
    # An empty span before the first sound sits where that sound starts.
    first = next((s for s, e in spans if e > s), 0)
    spans = [(s, e) if e > s else (max(s, first), max(s, first)) for s, e in spans]
    return normalise_loudness(joined, rate), spans


async def decode_takes(raws: list[Path]) -> list[NDArray[np.float64]]:
    """Several takes decoded by one ffmpeg process (one start per slide, not per sentence),
    each to a float file beside its take."""
    if len(raws) == 1:
        return [await decode_take(raws[0])]
    inputs: list[str] = []
    outputs: list[str] = []
    pcm = [raw.with_name(raw.name + ".f32") for raw in raws]
    for n, (raw, out) in enumerate(zip(raws, pcm, strict=True)):
        inputs += ["-i", str(raw)]
        outputs += ["-map", f"{n}:a:0", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "f32le"]
        outputs.append(str(out))
    await run_ffmpeg(["-v", "error", *inputs, *outputs], what="decoding narration audio")
    return [np.fromfile(out, dtype="<f4").astype(np.float64) for out in pcm]


async def decode_take(raw: Path) -> NDArray[np.float64]:
    """A voice's take (any format ffmpeg reads) as 24 kHz mono samples."""
    pcm = await run_ffmpeg(
        [
            "-v",
            "error",
            "-i",
            str(raw),
            "-map",
            "0:a:0",
            "-ac",
            "1",
            "-ar",
            str(SAMPLE_RATE),
            "-f",
            "f32le",
            "-",
        ],
        what="decoding narration audio",
    )
    return np.frombuffer(pcm, dtype="<f4").astype(np.float64)


def finish_samples(samples: NDArray[np.floating], rate: int) -> Samples:
    """Trimmed, then levelled to the target loudness under the peak ceiling. The trim
    threshold is :data:`TRIM_THRESHOLD_DB` at the level the take is about to get, so a quiet
    take is not cut away (and the loudness is measured on exactly what will be heard)."""
    x = np.asarray(samples, dtype=np.float64)
    loudness = integrated_loudness(x, rate)
    gain = min(TARGET_LUFS - loudness, MAX_GAIN_DB) if math.isfinite(loudness) else 0.0
    return normalise_loudness(trim_silence(x, rate, TRIM_THRESHOLD_DB - gain), rate)


def normalise_loudness(
    samples: NDArray[np.floating],
    rate: int,
    *,
    target: float = TARGET_LUFS,
    ceiling: float = CEILING_DBTP,
) -> Samples:
    """``samples`` at ``target`` LUFS with the true peak at most ``ceiling`` dBTP. Silence (no
    block above the -70 LUFS gate) comes back unchanged."""
    x = np.asarray(samples, dtype=np.float64)
    loudness = integrated_loudness(x, rate)
    if not math.isfinite(loudness):
        return x
    budget = MAX_GAIN_DB
    for _ in range(4):  # limiting lowers the loudness a little: level again, limit again
        gain = min(target - loudness, budget)
        budget -= gain
        x = x * 10 ** (gain / 20)
        limited = limit_peaks(x, rate, ceiling)
        if limited is x:  # nothing to limit: the level moved by exactly the gain
            break
        x = limited
        loudness = integrated_loudness(x, rate)
        if abs(loudness - target) < 0.1 or budget <= 0:
            break
    peak = true_peak(x, rate)
    if peak > ceiling:  # the limiter's estimate was a hair short: a last plain gain
        x = x * 10 ** ((ceiling - peak) / 20)
    return x


def limit_peaks(samples: Samples, rate: int, ceiling: float) -> Samples:
    """A look-ahead limiter: the gain at each sample is at most what keeps every (true) peak
    near it under ``ceiling``, and changes smoothly over :data:`LIMITER_SECONDS`. Returns
    ``samples`` itself when no peak reaches the ceiling."""
    limit = 10 ** (ceiling / 20)
    envelope = peak_envelope(samples, rate)
    needed = np.minimum(1.0, limit / np.maximum(envelope, 1e-12))
    if needed.min() >= 1.0:
        return samples
    width = max(1, round(LIMITER_SECONDS * rate)) | 1
    # The minimum over a window, then its average over the same window: the average at n
    # only takes values that are <= needed[n], so no peak gets through, and it is smooth.
    gain = _moving_average(_sliding_min(needed, width), width)
    return samples * np.minimum(gain, 1.0)


def _sliding_min(x: Samples, width: int) -> Samples:
    """Centred running minimum over ``width`` (odd) samples, edges padded with 1 (van Herk /
    Gil-Werman: two passes of block-wise accumulated minima, O(n))."""
    half = width // 2
    size = x.size + 2 * half
    blocks = -(-size // width)
    padded = np.ones(blocks * width + width)
    padded[half : half + x.size] = x
    shaped = padded[: blocks * width].reshape(blocks, width)
    prefix = np.minimum.accumulate(shaped, axis=1).ravel()
    suffix = np.minimum.accumulate(shaped[:, ::-1], axis=1)[:, ::-1].ravel()
    starts = np.arange(x.size)
    return np.minimum(suffix[starts], prefix[starts + width - 1])


def _moving_average(x: Samples, width: int) -> Samples:
    """Centred running mean over ``width`` (odd) samples, edges extended."""
    padded = np.pad(x, width // 2, mode="edge")
    sums = np.concatenate(([0.0], np.cumsum(padded)))
    return (sums[width:] - sums[:-width]) / width


def trim_silence(samples: Samples, rate: int, threshold_db: float = TRIM_THRESHOLD_DB) -> Samples:
    """Without the silence (below ``threshold_db`` dBFS) at both ends; a little is kept so no
    attack or tail is cut."""
    loud = np.flatnonzero(np.abs(samples) > 10 ** (threshold_db / 20))
    if loud.size == 0:
        return samples[:0]
    keep = round(TRIM_KEEP_SECONDS * rate)
    return samples[max(0, loud[0] - keep) : loud[-1] + keep + 1]


def to_int16(samples: Samples) -> NDArray[np.int16]:
    return np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)
