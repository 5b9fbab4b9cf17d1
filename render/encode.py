"""Encoding: per-slide video segments from still frames, the audio track, and the final join.

Slides are stills, so each slide is encoded on its own (once, then cached) as a short H.264
segment at a low frame rate, and a cross-fade as a segment of its own at a full one, holding
only the window around the slide change; the video is then joined with ffmpeg's concat
demuxer *without re-encoding*, and the narration track is muxed in. Frames are converted to
yuv420p once per still and repeated after conversion, which is what makes still video cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .audio import SAMPLE_RATE
from .ffmpeg import run_ffmpeg
from .motion import MotionClip

# A cross-fade frame is on screen for 1/24 s: x264 analyses it briefly (a third less CPU than
# the slides' settings). Nothing here changes the stream headers (CABAC, 8x8 transform,
# reference count stay), so fades and slides join by stream copy.
FADE_X264 = "subme=1:me=dia:partitions=none:trellis=0:aq-mode=0"


@dataclass(frozen=True, slots=True)
class EncodeSettings:
    """Everything that decides the bytes of an encoded segment (part of its cache key)."""

    fps: int
    crf: int = 23
    preset: str = "veryfast"
    audio_bitrate: str = "64k"
    max_bitrate: str | None = None  # caps the video bitrate when a size limit must be met
    # One x264 thread and a short look-ahead per segment: a process encodes several segments
    # side by side (enough parallelism), and memory stays small: 3 segments at 1080p in one
    # ffmpeg take about 250 MB instead of 510 MB, and finish sooner. Stills gain nothing from
    # a long look-ahead. (A field, so changing it changes the cache key.)
    x264_params: str = "rc-lookahead=2"
    threads: int = 1
    tune: str = "stillimage"  # "film" where the picture moves (see render.motion)
    # One track timescale for every segment, whatever its frame rate (a still slide's 2 fps,
    # a moving one's 24): the concat demuxer copies timestamps, so they must share one clock.
    timescale: int = 24_000

    def video_args(self) -> list[str]:
        args = [
            "-c:v",
            "libx264",
            "-preset",
            self.preset,
            "-tune",
            self.tune,
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
            str(self.timescale),
            "-threads",
            str(self.threads),
            "-x264-params",
            self.x264_params,
        ]
        if self.max_bitrate:
            args += ["-maxrate", self.max_bitrate, "-bufsize", self.max_bitrate]
        return args


@dataclass(frozen=True, slots=True)
class Still:
    """One picture shown for ``frames`` frames."""

    path: Path
    frames: int


@dataclass(frozen=True, slots=True)
class SegmentJob:
    """One slide's segment: ``stills`` one after another, optionally cross-fading (over its
    last ``fade_to.frames`` frames) into the next slide's first picture; or, with ``motion``,
    its picture moving under its text instead of stills."""

    stills: list[Still]
    out: Path
    fade_to: Still | None = None
    motion: MotionClip | None = None


async def encode_segments(jobs: list[SegmentJob], settings: EncodeSettings) -> None:
    """Encode several video-only segments in one ffmpeg process (one filter graph and one
    output per segment): one process start, and its encoders run side by side."""
    inputs: list[str] = []
    graphs: list[str] = []
    outputs: list[str] = []
    index = 0
    for n, job in enumerate(jobs):
        chains: list[str] = []
        labels: list[str] = []
        for still in job.stills:
            inputs += ["-framerate", str(settings.fps), "-i", str(still.path)]
            chains.append(f"[{index}:v]{_hold(still.frames, settings.fps)}[j{n}s{len(labels)}]")
            labels.append(f"[j{n}s{len(labels)}]")
            index += 1
        if job.motion is not None:
            inputs += job.motion.inputs(settings.fps)
            chains.append(job.motion.graph(index, settings.fps, f"j{n}s0"))
            labels.append(f"[j{n}s0]")
            index += 2
        frames = sum(s.frames for s in job.stills) + (job.motion.frames if job.motion else 0)
        joined = labels[0]
        if len(labels) > 1:
            chains.append(
                "".join(labels)
                + f"concat=n={len(labels)}:v=1:a=0,settb=1/{settings.fps},setpts=N[j{n}cat]"
            )
            joined = f"[j{n}cat]"
        if job.fade_to is not None:
            inputs += ["-framerate", str(settings.fps), "-i", str(job.fade_to.path)]
            chains.append(f"[{index}:v]{_hold(job.fade_to.frames, settings.fps)}[j{n}next]")
            index += 1
            duration = job.fade_to.frames / settings.fps
            offset = (frames - job.fade_to.frames) / settings.fps
            chains.append(
                f"{joined}[j{n}next]xfade=transition=fade:duration={duration}:offset={offset}[j{n}fade]"
            )
            joined = f"[j{n}fade]"
        graphs.append(";".join(chains))
        outputs += [
            "-map",
            joined,
            "-frames:v",
            str(frames),
            *settings.video_args(),
            "-an",
            "-f",
            "mp4",
            str(job.out),
        ]
    moving = any(job.motion is not None for job in jobs)  # perspective runs sliced: on threads
    threads = ["-filter_complex_threads", str(settings.threads)] if moving else []
    await run_ffmpeg(
        ["-v", "error", *inputs, *threads, "-filter_complex", ";".join(graphs), *outputs],
        what="encoding slides",
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
