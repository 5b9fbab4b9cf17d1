"""Probing a rendered file: streams, codecs, duration, fast start, decoded frames and audio.

Used by the tests (beside the code they check, not in the render package: no render needs
it). ffmpeg is the only tool needed: its stream report is parsed, and the MP4 box order is
read directly.
"""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from render.ffmpeg import ffmpeg_exe


@dataclass
class StreamInfo:
    kind: str  # "video" | "audio"
    codec: str
    detail: str  # the rest of ffmpeg's line: profile, pixel format, size, rate


@dataclass
class ProbeResult:
    duration: float
    streams: list[StreamInfo] = field(default_factory=list)
    faststart: bool = False
    top_level_boxes: list[str] = field(default_factory=list)

    def stream(self, kind: str) -> StreamInfo | None:
        return next((s for s in self.streams if s.kind == kind), None)

    @property
    def video_size(self) -> tuple[int, int] | None:
        video = self.stream("video")
        match = re.search(r"\b(\d{2,5})x(\d{2,5})\b", video.detail) if video else None
        return (int(match.group(1)), int(match.group(2))) if match else None

    @property
    def pixel_format(self) -> str | None:
        video = self.stream("video")
        match = re.search(r"\b(yuv\w+|rgb\w+|nv12)\b", video.detail) if video else None
        return match.group(1) if match else None

    @property
    def fps(self) -> float | None:
        video = self.stream("video")
        match = re.search(r"([\d.]+) fps", video.detail) if video else None
        return float(match.group(1)) if match else None


def probe(path: Path) -> ProbeResult:
    report = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True, check=False
    ).stderr
    match = re.search(r"Duration: (\d+):(\d+):([\d.]+)", report)
    duration = (
        int(match.group(1)) * 3600 + int(match.group(2)) * 60 + float(match.group(3))
        if match
        else 0.0
    )
    streams = []
    for line in report.splitlines():
        found = re.search(r"Stream #\S+: (Video|Audio): (\w+)(.*)", line)
        if found:
            streams.append(
                StreamInfo(found.group(1).lower(), found.group(2), found.group(3).strip())
            )
    boxes = mp4_boxes(path)
    faststart = "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat")
    return ProbeResult(duration, streams, faststart, boxes)


def mp4_boxes(path: Path) -> list[str]:
    """Names of the top-level boxes of an MP4 file, in file order."""
    names: list[str] = []
    with path.open("rb") as f:
        while True:
            header = f.read(8)
            if len(header) < 8:
                break
            size, name = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0]
                f.seek(size - 16, 1)
            elif size == 0:
                names.append(name.decode("latin-1"))
                break
            else:
                f.seek(size - 8, 1)
            names.append(name.decode("latin-1"))
    return names


def frame_at(path: Path, seconds: float) -> NDArray[np.uint8]:
    """The decoded video frame shown at ``seconds`` as an RGB array."""
    size = probe(path).video_size
    if size is None:
        raise ValueError(f"{path} has no video stream")
    raw = _decode(
        path, "-ss", f"{seconds:.3f}", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24"
    )
    return np.frombuffer(raw, dtype=np.uint8).reshape(size[1], size[0], 3)


def decode_audio(path: Path, sample_rate: int = 24_000) -> NDArray[np.float32]:
    """The whole audio track, mono, as floats in -1..1."""
    raw = _decode(path, "-map", "0:a:0", "-ac", "1", "-ar", str(sample_rate), "-f", "s16le")
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def sound_onsets(
    samples: NDArray[np.floating],
    rate: int = 24_000,
    *,
    threshold_db: float = -45.0,
    gap: float = 0.25,
) -> list[float]:
    """Seconds at which sound starts after at least ``gap`` seconds below ``threshold_db``
    dBFS (the file's start counts as quiet): where each spoken sentence, and each slide,
    begins. A pause inside a sentence (espeak-ng holds about 0.15 s at a comma) is shorter."""
    loud = np.flatnonzero(np.abs(samples) > 10 ** (threshold_db / 20))
    if loud.size == 0:
        return []
    starts = [loud[0], *loud[1:][np.diff(loud) > gap * rate]]
    return [int(n) / rate for n in starts]


def _decode(path: Path, *args: str) -> bytes:
    """What ffmpeg writes to stdout decoding ``path`` with the output options ``args``."""
    command = [ffmpeg_exe(), "-v", "error", "-i", str(path), *args, "-"]
    return subprocess.run(command, capture_output=True, check=True).stdout


def frame_times(path: Path) -> list[float]:
    """When each video frame is shown (seconds), as stored: a video whose frame rate varies
    (still slides at 2 fps, cross-fades at 24) keeps its own timing."""
    result = subprocess.run(
        [ffmpeg_exe(), "-i", str(path), "-map", "0:v", "-vf", "showinfo", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(t) for t in re.findall(r"pts_time:\s*([-\d.]+)", result.stderr)]


def decodes_cleanly(path: Path) -> tuple[bool, str]:
    """Decode every frame and sample as stored (frame timing passed through in the file's own
    time base, as a player shows a variable frame rate); return (ok, ffmpeg's complaints)."""
    result = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(path),
            "-fps_mode",
            "passthrough",
            "-enc_time_base",
            "demux",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0 and not result.stderr.strip(), result.stderr.strip()
