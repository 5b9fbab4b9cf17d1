"""Narration audio as plain PCM WAV (24 kHz, mono, 16-bit) and the video's audio timeline."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

SAMPLE_RATE = 24_000


def read_wav(path: Path) -> NDArray[np.int16]:
    """Samples of a mono 16-bit WAV at :data:`SAMPLE_RATE` (what narration is stored as)."""
    with wave.open(str(path), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2 or wav.getframerate() != SAMPLE_RATE:
            raise ValueError(f"{path.name}: expected 24 kHz mono 16-bit audio")
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").copy()


def write_wav(path: Path, samples: NDArray[np.int16]) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


def silence(seconds: float) -> NDArray[np.int16]:
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.int16)


def build_timeline(path: Path, parts: list[tuple[Path | None, int]]) -> None:
    """Write one WAV holding each narration padded with silence to its slide's length.

    ``parts`` lists (narration WAV or None, slide length in samples). A narration longer than
    its slot is cut (it never is: slots are made from the narration's length).
    """
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        for source, length in parts:
            samples = read_wav(source) if source is not None else np.zeros(0, dtype=np.int16)
            samples = samples[:length]
            out.writeframes(samples.astype("<i2").tobytes())
            if length > len(samples):
                out.writeframes(np.zeros(length - len(samples), dtype="<i2").tobytes())
