"""Encoding: per-slide video segments from still frames, the audio track, and the final join.

Slides are stills, so each slide is encoded on its own (once, then cached) as a short H.264
segment; the video is then joined with ffmpeg's concat demuxer *without re-encoding*, and
the narration track is muxed in. Frames are converted to yuv420p once per still and repeated
after conversion, which is what makes still video cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .audio import SAMPLE_RATE
from .ffmpeg import run_ffmpeg


@dataclass(frozen=True, slots=True)
class EncodeSettings:
    """Everything that decides the bytes of an encoded segment (part of its cache key)."""

    fps: int
    crf: int = 23
    preset: str = "veryfast"
    audio_bitrate: str = "96k"
    max_bitrate: str | None = None  # caps the video bitrate when a size limit must be met

    def video_args(self) -> list[str]:
        args = [
            "-c:v",
            "libx264",
            "-preset",
            self.preset,
            "-tune",
            "stillimage",
            "-crf",
            str(self.crf),
            "-pix_fmt",
            "yuv420p",
            "-profile:v",
            "high",
            "-bf",
            "0",
            "-g",
            str(self.fps * 10),
            "-r",
            str(self.fps),
            "-video_track_timescale",
            str(self.fps * 1000),
        ]
        if self.max_bitrate:
            args += ["-maxrate", self.max_bitrate, "-bufsize", self.max_bitrate]
        return args


@dataclass(frozen=True, slots=True)
class Still:
    """One picture shown for ``frames`` frames."""

    path: Path
    frames: int


async def encode_segment(
    stills: list[Still], out: Path, settings: EncodeSettings, *, fade_to: Still | None = None
) -> None:
    """Encode ``stills`` one after another into a video-only segment at ``out``. With
    ``fade_to``, the segment's last ``fade_to.frames`` frames cross-fade into that picture."""
    inputs: list[str] = []
    chains: list[str] = []
    labels: list[str] = []
    for i, still in enumerate(stills):
        inputs += ["-framerate", str(settings.fps), "-i", str(still.path)]
        chains.append(f"[{i}:v]{_hold(still.frames, settings.fps)}[s{i}]")
        labels.append(f"[s{i}]")
    graph = ";".join(chains)
    joined = labels[0]
    if len(stills) > 1:
        graph += (
            ";"
            + "".join(labels)
            + f"concat=n={len(stills)}:v=1:a=0,settb=1/{settings.fps},setpts=N[cat]"
        )
        joined = "[cat]"
    if fade_to is not None:
        n = len(stills)
        total = sum(s.frames for s in stills)
        inputs += ["-framerate", str(settings.fps), "-i", str(fade_to.path)]
        graph += (
            f";[{n}:v]{_hold(fade_to.frames, settings.fps)}[next]"
            f";{joined}[next]xfade=transition=fade:duration={fade_to.frames / settings.fps}"
            f":offset={(total - fade_to.frames) / settings.fps}[faded]"
        )
        joined = "[faded]"
        frames = total
    else:
        frames = sum(s.frames for s in stills)
    await run_ffmpeg(
        [
            "-v",
            "error",
            *inputs,
            "-filter_complex",
            graph,
            "-map",
            joined,
            "-frames:v",
            str(frames),
            *settings.video_args(),
            "-an",
            "-f",
            "mp4",
            str(out),
        ],
        what="encoding a slide",
    )


async def encode_audio(wav: Path, out: Path, settings: EncodeSettings) -> None:
    await run_ffmpeg(
        [
            "-v",
            "error",
            "-i",
            str(wav),
            "-c:a",
            "aac",
            "-aac_coder",
            "fast",
            "-b:a",
            settings.audio_bitrate,
            "-ar",
            str(SAMPLE_RATE),
            "-ac",
            "1",
            "-f",
            "mp4",
            str(out),
        ],
        what="encoding the narration",
    )


async def join(segments: list[Path], audio: Path, out: Path, *, title: str, workdir: Path) -> None:
    """Join ``segments`` (stream copy) with ``audio`` into a fast-start MP4 at ``out``."""
    listing = workdir / "segments.txt"
    listing.write_text("".join(f"file '{_quote(p)}'\n" for p in segments), encoding="utf-8")
    await run_ffmpeg(
        [
            "-v",
            "error",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-i",
            str(audio),
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-metadata",
            f"title={title}",
            "-f",
            "mp4",
            str(out),
        ],
        what="joining the slides",
    )


def _hold(frames: int, fps: int) -> str:
    """Filter chain showing one decoded picture for ``frames`` frames: converted to yuv420p
    once, then repeated (converting each repeat would cost a colour conversion per frame)."""
    return f"format=yuv420p,loop=loop={frames - 1}:size=1:start=0,settb=1/{fps},setpts=N"


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")
