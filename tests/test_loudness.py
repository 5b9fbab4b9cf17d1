"""The BS.1770 meter against ffmpeg's own (an independent implementation) and against the
standard's reference tone, and the finishing step that every narration passes through."""

from __future__ import annotations

import asyncio
import math
import re
import subprocess
import wave

import numpy as np
import pytest

from render.audio import SAMPLE_RATE, read_wav, wav_duration
from render.ffmpeg import ffmpeg_exe
from render.loudness import integrated_loudness, true_peak
from render.voice.finish import (
    CEILING_DBTP,
    TARGET_LUFS,
    TRIM_KEEP_SECONDS,
    _moving_average,
    _sliding_min,
    finish_narration,
    finish_samples,
    limit_peaks,
)

RNG = np.random.default_rng(7)


def ffmpeg_ebur128(samples: np.ndarray, rate: int) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) as ffmpeg's ebur128 filter measures them."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    report = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostats",
            *("-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "-"),
            *("-af", "ebur128=peak=true", "-f", "null", "-"),
        ],
        input=pcm,
        capture_output=True,
        check=True,
    ).stderr.decode()
    summary = report[report.rindex("Summary:") :]
    loudness = float(re.search(r"I:\s+(-?[\d.]+)", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+)", summary).group(1))
    return loudness, peak


def speechlike(seconds: float, rate: int, peak: float, crest: float = 1.5) -> np.ndarray:
    """Voiced bursts (a fundamental and harmonics under a syllable envelope); ``crest`` > 1
    makes the bursts peakier."""
    t = np.arange(round(seconds * rate)) / rate
    voiced = sum(np.sin(2 * np.pi * 150 * k * t + k) / k for k in range(1, 6))
    signal = np.abs(np.sin(np.pi * 3.5 * t)) ** crest * voiced
    return peak * signal / np.max(np.abs(signal))


def tone(hz: float, seconds: float, rate: int, amplitude: float) -> np.ndarray:
    return amplitude * np.sin(2 * np.pi * hz * np.arange(round(seconds * rate)) / rate)


def quantised(x: np.ndarray) -> np.ndarray:
    return np.round(np.clip(x, -1, 1) * 32767) / 32767


@pytest.mark.parametrize("rate", [24_000, 48_000, 44_100, 16_000])
@pytest.mark.parametrize(
    "signal",
    ["tone 100 Hz", "tone 997 Hz", "tone 5 kHz", "noise", "speech", "speech with pauses"],
)
def test_integrated_loudness_matches_ffmpeg_ebur128(rate, signal):
    make = {
        "tone 100 Hz": lambda: tone(100, 5, rate, 0.3),
        "tone 997 Hz": lambda: tone(997, 5, rate, 0.1),
        "tone 5 kHz": lambda: tone(5000, 5, rate, 0.3),
        "noise": lambda: 0.05 * RNG.standard_normal(5 * rate),
        "speech": lambda: speechlike(6, rate, 0.5, crest=3),
        "speech with pauses": lambda: np.concatenate(
            [speechlike(2, rate, 0.4), np.zeros(2 * rate), speechlike(2, rate, 0.05)]
        ),
    }
    x = quantised(make[signal]())
    theirs, _ = ffmpeg_ebur128(x, rate)
    assert integrated_loudness(x, rate) == pytest.approx(theirs, abs=0.15)


def test_reference_tone_and_gates():
    # BS.1770: a 997 Hz sine at -20 dBFS peak reads -23.0 LUFS (0 dBFS sine: -3.01 LUFS).
    x = tone(997, 10, 48_000, 0.1)
    assert integrated_loudness(x, 48_000) == pytest.approx(-23.01, abs=0.02)
    # Silence around the sound is gated away: half the time silent would read 3 dB lower
    # ungated; only the blocks that straddle an edge count, a little.
    padded = np.concatenate([np.zeros(48_000 * 5), x, np.zeros(48_000 * 5)])
    assert integrated_loudness(padded, 48_000) == pytest.approx(-23.01, abs=0.2)
    assert integrated_loudness(np.zeros(48_000), 48_000) == -math.inf
    # A clip shorter than one gating block is still measured.
    assert integrated_loudness(tone(997, 0.2, 48_000, 0.1), 48_000) == pytest.approx(-23, abs=0.5)


@pytest.mark.parametrize("rate", [24_000, 48_000])
def test_true_peak_finds_peaks_between_samples(rate):
    # A sine at a quarter of the rate, sampled 45 degrees off its crests: every sample is at
    # 0.707 of the true peak, which the oversampled reading recovers.
    n = np.arange(rate)
    x = 0.5 * np.sin(2 * np.pi * 0.25 * n + np.pi / 4)
    assert 20 * np.log10(np.max(np.abs(x))) == pytest.approx(-9.03, abs=0.05)
    assert true_peak(x, rate) == pytest.approx(-6.02, abs=0.3)
    speech = quantised(speechlike(4, rate, 0.7, crest=3))
    _, theirs = ffmpeg_ebur128(speech, rate)
    assert true_peak(speech, rate) == pytest.approx(theirs, abs=0.5)


def test_limiter_gain_never_lets_a_peak_through():
    needed = RNG.random(5000) ** 4
    for width in (1, 3, 31, 721):
        ref = np.array(
            [needed[max(0, i - width // 2) : i + width // 2 + 1].min() for i in range(0, 5000, 97)]
        )
        assert np.array_equal(_sliding_min(needed, width)[::97], ref)
        assert np.all(_moving_average(_sliding_min(needed, width), width) <= needed + 1e-12)
    peaky = speechlike(3, SAMPLE_RATE, 0.99, crest=6)
    limited = limit_peaks(peaky, SAMPLE_RATE, -6.0)
    assert true_peak(limited, SAMPLE_RATE) <= -6.0 + 0.05
    quiet = peaky * 0.1  # already under the ceiling: untouched
    assert np.array_equal(limit_peaks(quiet, SAMPLE_RATE, -6.0), quiet)


@pytest.mark.parametrize(
    ("peak", "crest"),
    [(0.005, 1.5), (0.05, 1.5), (0.5, 1.5), (1.0, 1.5), (0.9, 8.0), (3.0, 2.0)],
    ids=["whisper", "quiet", "normal", "full scale", "very peaky", "clipped input"],
)
def test_finishing_levels_every_take_to_the_target_without_clipping(peak, crest):
    take = np.concatenate(
        [np.zeros(SAMPLE_RATE // 2), speechlike(5, SAMPLE_RATE, peak, crest), np.zeros(SAMPLE_RATE)]
    )
    done = finish_samples(take, SAMPLE_RATE)
    assert integrated_loudness(done, SAMPLE_RATE) == pytest.approx(TARGET_LUFS, abs=0.2)
    assert true_peak(done, SAMPLE_RATE) <= CEILING_DBTP + 0.01
    # Trimmed: the half second before and the second after are gone, bar a few milliseconds.
    assert len(done) / SAMPLE_RATE == pytest.approx(5.0, abs=2 * TRIM_KEEP_SECONDS + 0.01)


def test_finish_narration_writes_levelled_trimmed_24khz_wav_from_any_rate(tmp_path):
    raw = tmp_path / "raw.wav"
    take = np.concatenate([np.zeros(8000), speechlike(3, 16_000, 0.03), np.zeros(16_000)])
    with wave.open(str(raw), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16_000)
        wav.writeframes((take * 32767).astype("<i2").tobytes())
    out = tmp_path / "done.wav"
    asyncio.run(finish_narration(raw, out))
    samples = read_wav(out) / 32768  # raises unless 24 kHz mono 16-bit
    assert wav_duration(out) == pytest.approx(3.0, abs=0.1)
    assert integrated_loudness(samples, SAMPLE_RATE) == pytest.approx(TARGET_LUFS, abs=0.3)
    assert true_peak(samples, SAMPLE_RATE) < -1.0


def test_silence_stays_silence(tmp_path):
    assert finish_samples(np.zeros(SAMPLE_RATE), SAMPLE_RATE).size == 0
