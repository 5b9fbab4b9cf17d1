"""What a render is asked to do and what it hands back (the deck says *what*; these say *how*)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .frame import Resolution


class Transition(StrEnum):
    NONE = "none"
    CROSSFADE = "crossfade"


class CaptionMode(StrEnum):
    """Burned-in captions: none, a cue at a time (``lines``), or the cue with the word being
    spoken highlighted (``words``, the short-form 9:16 style). ``True``/``False`` (the old
    on/off option, still what chat and ``--captions/--no-captions`` give) mean lines/none."""

    NONE = "none"
    LINES = "lines"
    WORDS = "words"

    @classmethod
    def of(cls, value: CaptionMode | bool | str | None) -> CaptionMode:
        """``value`` as a mode; a string that names none raises ``ValueError``."""
        if value is None or isinstance(value, bool):
            return cls.LINES if value else cls.NONE
        return cls(str(value).strip().lower())


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render (not what: that is the deck)."""

    resolution: Resolution | str | int = Resolution.P1080
    # Burn captions into the picture: a CaptionMode, or True (lines) / False (none). The SRT and
    # VTT sidecars are written either way and are the same in every mode.
    captions: CaptionMode | bool | str = False
    subtitles: bool = True
    transition: Transition | str = Transition.NONE
    crossfade_seconds: float = 0.5
    fps: int = 2  # slides are stills: a low frame rate costs nothing in quality
    crossfade_fps: int = 24  # only the cross-fade windows (a whole multiple of ``fps``)
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
    music: Path | None = None  # background music under the narration (see render.music)
    music_level_db: float = 0.0  # relative to the usual bed level: negative is quieter
    words_fps: int = 12  # words mode: a word lasts about 0.3 s, several frames at 12 fps

    @property
    def caption_mode(self) -> CaptionMode:
        return CaptionMode.of(self.captions)

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
