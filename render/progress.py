"""Progress events a render sends to whoever watches it (terminal bar, chat message)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Stage(StrEnum):
    IMAGES = "pictures"
    VOICE = "narration"
    FRAMES = "frames"
    STORYBOARD = "storyboard"
    ENCODE = "encoding"
    JOIN = "joining"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """``done``/``total`` count work units over the whole render (4 per slide + the join);
    ``slides_done`` counts slides that are completely encoded."""

    stage: Stage
    done: int
    total: int
    slides_done: int
    slides: int
    slide: int | None = None  # the 1-based slide this event is about
    message: str = ""
    artifact: Path | None = None  # the storyboard image, on Stage.STORYBOARD

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


ProgressCallback = Callable[[ProgressEvent], None]
