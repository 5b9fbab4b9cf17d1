"""Frame geometry: the pixel size of a video frame for an aspect ratio and a resolution."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deck import Aspect


class Resolution(StrEnum):
    P720 = "720p"
    P1080 = "1080p"

    @property
    def short_side(self) -> int:
        return {"720p": 720, "1080p": 1080}[self.value]


@dataclass(frozen=True, slots=True)
class FrameSpec:
    """Width and height of every frame of one video (both even, as yuv420p needs)."""

    width: int
    height: int

    @classmethod
    def of(cls, aspect: Aspect | str, resolution: Resolution | str | int) -> FrameSpec:
        aspect = Aspect(aspect)
        short = resolution if isinstance(resolution, int) else Resolution(resolution).short_side
        w, h = aspect.ratio
        if w >= h:
            width, height = round(short * w / h), short
        else:
            width, height = short, round(short * h / w)
        return cls(width - width % 2, height - height % 2)

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)

    @property
    def is_portrait(self) -> bool:
        return self.height > self.width
