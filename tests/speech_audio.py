"""Measures that tell speech from silence, a tone or noise, for tests of real voices.

Speech comes in syllables: its level rises and falls several times a second (a tone's stays
flat), it stops between phrases (noise does not), and it alternates voiced sounds (few zero
crossings) with fricatives such as "s" (many), so its zero-crossing rate varies from frame to
frame where a tone's or steady noise's does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME_SECONDS = 0.02


@dataclass(frozen=True)
class SpeechProfile:
    seconds: float
    voiced: float  # share of 20 ms frames within 35 dB of the loudest
    level_spread_db: float  # standard deviation of the frame level over voiced frames
    zcr_variation: float  # coefficient of variation of the zero-crossing rate, voiced frames
    bursts_per_second: float  # rises of the smoothed level through its median (syllable-ish)
    centroid_hz: float  # mean spectral centroid of voiced frames

    def looks_like_speech(self) -> bool:
        return (
            0.35 <= self.voiced <= 0.97
            and self.level_spread_db >= 4.0
            and self.zcr_variation >= 0.25
            and 1.0 <= self.bursts_per_second <= 9.0
            and 250 <= self.centroid_hz <= 4000
        )


def speech_profile(samples: np.ndarray, rate: int) -> SpeechProfile:
    x = np.asarray(samples, dtype=np.float64)
    if x.dtype.kind == "i" or np.abs(x).max() > 1.5:
        x = x / 32768.0
    size = round(FRAME_SECONDS * rate)
    n = len(x) // size
    frames = x[: n * size].reshape(n, size)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    voiced = level >= level.max() - 35
    crossings = np.mean(np.abs(np.diff(np.signbit(frames), axis=1)), axis=1)
    vz = crossings[voiced]
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(size), axis=1))
    freqs = np.fft.rfftfreq(size, 1 / rate)
    centroid = (spectrum * freqs).sum(axis=1) / (spectrum.sum(axis=1) + 1e-12)
    smooth = np.convolve(level, np.ones(5) / 5, mode="same")
    above = smooth > np.median(smooth)
    rises = int(np.count_nonzero(above[1:] & ~above[:-1]))
    return SpeechProfile(
        seconds=len(x) / rate,
        voiced=float(voiced.mean()),
        level_spread_db=float(level[voiced].std()),
        zcr_variation=float(vz.std() / (vz.mean() + 1e-12)),
        bursts_per_second=rises / (len(x) / rate),
        centroid_hz=float(centroid[voiced].mean()),
    )
