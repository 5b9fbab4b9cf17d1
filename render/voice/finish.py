"""Narration finishing, the same for every voice, so every backend sounds alike in the video.

ffmpeg decodes whatever a backend wrote (WAV, MP3, FLAC, Opus...) to 24 kHz mono; then, in
numpy: the level is set to :data:`TARGET_LUFS` integrated loudness (BS.1770, see
:mod:`render.loudness`) and a look-ahead limiter keeps the true peak under
:data:`CEILING_DBTP`, so nothing clips and every slide is as loud as the next whichever voice
spoke it; silence is trimmed at both ends so slide timing is tight; the result is written as
16-bit PCM WAV.
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

FINISH_VERSION = 2  # part of every narration's cache key: bump when the sound changes
TARGET_LUFS = -16.0  # speech, as podcast and streaming platforms deliver it
CEILING_DBTP = -1.5  # under the -1 dBTP that lossy encoders need as headroom, with margin
MAX_GAIN_DB = 40.0  # never lift a near-silent take into loud noise
TRIM_THRESHOLD_DB = -50.0  # after levelling: quieter than this at the ends is silence
TRIM_KEEP_SECONDS = 0.04  # of silence kept at each end, so no attack or tail is clipped
LIMITER_SECONDS = 0.03  # the limiter's look-ahead and release: smooth at syllable scale

Samples = NDArray[np.float64]


async def finish_narration(raw: Path, out: Path) -> None:
    """Write ``raw`` (any format ffmpeg reads) to ``out`` as levelled, trimmed 24 kHz mono WAV."""
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
    samples = np.frombuffer(pcm, dtype="<f4").astype(np.float64)
    finished = await asyncio.to_thread(finish_samples, samples, SAMPLE_RATE)
    await asyncio.to_thread(write_wav, out, to_int16(finished))


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
