"""Narration audio as plain PCM WAV (24 kHz, mono, 16-bit) and the video's audio timeline."""

from __future__ import annotations

import io
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


def wav_bytes(samples: NDArray[np.int16]) -> bytes:
    """A WAV file's bytes. Built in memory: a ``wave`` writer on a real file that fails half
    way (its folder removed by a cancelled render) raises again when it is garbage-collected."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return buffer.getvalue()


def write_wav(path: Path, samples: NDArray[np.int16]) -> None:
    path.write_bytes(wav_bytes(samples))


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
    track = np.zeros(sum(length for _source, length in parts), dtype=np.int16)
    at = 0
    for source, length in parts:
        if source is not None:
            samples = read_wav(source)[:length]
            track[at : at + len(samples)] = samples
        at += length
    write_wav(path, track)
