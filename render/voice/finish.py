"""Narration finishing, the same for every voice: silence trimmed at both ends, resampled to
24 kHz mono 16-bit PCM, so slide timing is tight and every backend joins the same timeline."""

from __future__ import annotations

from pathlib import Path

from ..audio import SAMPLE_RATE
from ..ffmpeg import run_ffmpeg

_TRIM = "silenceremove=start_periods=1:start_threshold=-50dB:start_silence=0.04:detection=peak"


async def finish_narration(raw: Path, out: Path) -> None:
    """Write ``raw`` (any format ffmpeg reads) to ``out`` as trimmed 24 kHz mono WAV."""
    chain = f"{_TRIM},areverse,{_TRIM},areverse"
    await run_ffmpeg(
        [
            "-v",
            "error",
            "-i",
            str(raw),
            "-af",
            chain,
            "-ar",
            str(SAMPLE_RATE),
            "-ac",
            "1",
            "-c:a",
            "pcm_s16le",
            "-f",
            "wav",
            str(out),
        ],
        what="preparing narration audio",
    )
