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


class ProgressTally:
    """Counts a render's work units (4 per slide + the join) and reports each step."""

    def __init__(self, callback: ProgressCallback | None, slides: int) -> None:
        self.callback = callback
        self.slides = slides
        self.total = 4 * slides + 1
        self.done = 0
        self.slides_done = 0

    def step(
        self,
        stage: Stage,
        slide: int | None = None,
        *,
        slide_done: bool = False,
        message: str = "",
        artifact: Path | None = None,
        units: int = 1,
    ) -> None:
        self.done = min(self.total, self.done + units)
        if slide_done:
            self.slides_done += 1
        if self.callback is not None:
            self.callback(
                ProgressEvent(
                    stage,
                    self.done,
                    self.total,
                    self.slides_done,
                    self.slides,
                    slide,
                    message,
                    artifact,
                )
            )
