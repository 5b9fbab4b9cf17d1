"""What a render is asked to do and what it hands back (the deck says *what*; these say *how*)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .frame import Resolution


class Transition(StrEnum):
    NONE = "none"
    CROSSFADE = "crossfade"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render (not what: that is the deck)."""

    resolution: Resolution | str | int = Resolution.P1080
    captions: bool = False  # burn captions into the picture (SRT/VTT sidecars are always written)
    subtitles: bool = True
    transition: Transition | str = Transition.NONE
    crossfade_seconds: float = 0.5
    fps: int = 2  # slides are stills: a low frame rate costs nothing in quality
    crossfade_fps: int = 24
    pause_seconds: float = 0.7  # silence after each slide's narration
    crf: int = 23
    audio_bitrate: str = (
        "64k"  # mono speech at 24 kHz; AAC-LC is transparent here, and 4x faster than 96k
    )
    max_video_bitrate: str | None = None
    voice: str | None = None  # overrides the deck's voice
    default_voice: str = "auto"  # Kokoro when it can speak the deck, else espeak-ng
    storyboard: bool = True
    extra_font: str | None = None
    motion: str | None = None  # none | gentle | kenburns; None: the deck's (see deck.Motion)
    motion_fps: int = 24  # the frame rate of a slide whose picture moves


@dataclass(frozen=True, slots=True)
class SlideTiming:
    start: float
    duration: float
    narration: float


@dataclass
class RenderResult:
    video: Path
    duration: float
    size_bytes: int
    slides: int
    slides_from_cache: int
    timings: list[SlideTiming]
    frames: list[Path]
    pictures: list[Path | None]
    narration: list[Path]  # each slide's finished narration WAV (24 kHz mono)
    voice: str
    storyboard: Path | None = None
    srt: Path | None = None
    vtt: Path | None = None
    warnings: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
