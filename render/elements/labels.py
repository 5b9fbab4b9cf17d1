"""Text inside elements: one line at a time in the deck's fonts, every line kept as a Label."""

from __future__ import annotations

from PIL import Image

from ..fonts import FontSet
from ..layout import Box
from ..text import wrap
from ..typeset import Typeset, graphemes
from .base import RGB, Label

ELLIPSIS = "…"


class Writer:
    """Measures and draws single lines at one size, keeping each drawn line as a Label."""

    def __init__(
        self, canvas: Image.Image, fonts: FontSet, size: int, *, bold: bool = False
    ) -> None:
        self.canvas = canvas
        self.size = size
        self.typeset = Typeset(fonts, size, bold=bold)
        self.backdrop: RGB | None = None  # set while drawing on a fill of its own
        ascent, descent = fonts.primary(bold=bold).get(size).getmetrics()
        self.ascent, self.descent = ascent, descent
        self.line_height = round((ascent + descent) * 1.05)
        self.labels: list[Label] = []
        self.shortened = False

    @property
    def missing(self) -> set[str]:
        return self.typeset.missing

    def width(self, text: str) -> int:
        return round(self.typeset.width(text))

    def fit(self, text: str, width: int, *, max_lines: int) -> list[str]:
        """``text`` wrapped to ``width``, at most ``max_lines`` lines (the last one ending in
        "…" when it had to be cut)."""
        lines = wrap(text, self.typeset, max(1, width)) or [""]
        if len(lines) <= max_lines:
            return lines
        self.shortened = True
        kept = lines[:max_lines]
        last = kept[-1]
        while last and self.width(last + ELLIPSIS) > width:
            last = "".join(graphemes(last)[:-1]).rstrip()
        kept[-1] = last + ELLIPSIS
        return kept

    def draw(self, x: float, top: float, text: str, color: RGB) -> Box | None:
        """Draw ``text`` with its left edge at ``x`` and its line box's top at ``top``."""
        if not text.strip():
            return None
        bounds, _runs = self.typeset.draw(
            self.canvas, round(x), round(top) + self.ascent, text, color
        )
        if bounds is not None:
            self.labels.append(Label(text, bounds, color, self.size, self.backdrop))
        return bounds

    def draw_centred(self, cx: float, top: float, text: str, color: RGB) -> Box | None:
        return self.draw(cx - self.width(text) / 2, top, text, color)

    def draw_right(self, right: float, top: float, text: str, color: RGB) -> Box | None:
        return self.draw(right - self.width(text), top, text, color)
