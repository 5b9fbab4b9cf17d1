"""Set text drawn line by line onto a frame, recording where each line went (exporters set the
same lines again as text; the word-by-word captions find their words in them)."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from .layout import Box, grow
from .text import SetText
from .typeset import RGB, Run


@dataclass(frozen=True, slots=True)
class PlacedLine:
    """One line of text as drawn: where its baseline starts, in frame pixels, and its runs
    (each in one font and direction, ``Run.x`` from ``x``, in visual order)."""

    x: int
    baseline: int
    text: str
    runs: tuple[Run, ...] = ()
    rtl: bool = False
    width: int = 0


def draw_lines(
    canvas: Image.Image, text: SetText, box: Box, color: RGB, *, align: str
) -> tuple[Box, tuple[PlacedLine, ...]]:
    """Draw ``text`` from the top of ``box``; return the box its glyphs occupy and the lines.
    ``align``: ``start`` (left, or right in a right-to-left paragraph), ``left``, ``center``."""
    assert text.typeset is not None
    y = box[1]
    bounds: Box | None = None
    placed: list[PlacedLine] = []
    for n, paragraph in enumerate(text.paragraphs):
        rtl = text.paragraph_rtl(n)
        for line in paragraph:
            width = text.typeset.width(line)
            if align == "center":
                x = box[0] + int((box[2] - box[0] - width) // 2)
            elif align == "start" and rtl:
                x = box[2] - round(width)
            else:
                x = box[0]
            drawn, runs = text.typeset.draw(canvas, x, y + text.ascent, line, color, rtl=rtl)
            placed.append(PlacedLine(x, y + text.ascent, line, tuple(runs), rtl, round(width)))
            bounds = grow(bounds, drawn)
            y += text.line_height
        y += text.paragraph_gap
    return bounds or (box[0], box[1], box[0], box[1]), tuple(placed)


def draw_bullets(
    canvas: Image.Image, text: SetText, box: Box, color: RGB, accent: RGB
) -> tuple[Box, tuple[PlacedLine, ...], tuple[Box, ...]]:
    """Bullets with a hanging indent: the dot at the start of the first line (on the right,
    and the text aligned right, for a right-to-left paragraph)."""
    assert text.typeset is not None
    draw = ImageDraw.Draw(canvas)
    y = box[1]
    bounds: Box | None = None
    radius = max(2, text.size // 7)
    placed: list[PlacedLine] = []
    markers: list[Box] = []
    for n, paragraph in enumerate(text.paragraphs):
        rtl = text.paragraph_rtl(n)
        # The marker: a dot centred on the first line's x-height.
        cy = y + text.ascent - text.size * 0.36
        cx = box[2] - radius - 1 if rtl else box[0] + radius
        marker = (int(cx - radius), round(cy - radius), int(cx + radius), round(cy + radius))
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=accent)
        markers.append(marker)
        bounds = grow(bounds, (marker[0], marker[1], marker[2] + 1, marker[3] + 1))
        for line in paragraph:
            width = text.typeset.width(line)
            x = box[2] - text.indent - round(width) if rtl else box[0] + text.indent
            drawn, runs = text.typeset.draw(canvas, x, y + text.ascent, line, color, rtl=rtl)
            placed.append(PlacedLine(x, y + text.ascent, line, tuple(runs), rtl, round(width)))
            bounds = grow(bounds, drawn)
            y += text.line_height
        y += text.paragraph_gap
    return bounds or (box[0], box[1], box[0], box[1]), tuple(placed), tuple(markers)
