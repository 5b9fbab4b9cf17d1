"""Setting text in a box: wrapping (words, or characters for CJK) and shrinking until it fits.

:func:`fit_paragraphs` never returns text taller or wider than its box: it shrinks the font
step by step down to a legible minimum, and only then shortens the last lines with an
ellipsis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import ImageFont

from .fonts import FontFace

# Characters that may break anywhere (CJK ideographs, kana, hangul, full-width forms).
_BREAK_ANY = (
    r"\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
)
_TOKENS = re.compile(rf"[{_BREAK_ANY}]|[^\s{_BREAK_ANY}]+|\s+")
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class SetText:
    """Paragraphs wrapped at one font size; ``width``/``height`` are what they occupy."""

    font: ImageFont.FreeTypeFont
    size: int
    paragraphs: tuple[tuple[str, ...], ...]
    line_height: int
    ascent: int
    paragraph_gap: int
    indent: int
    width: int
    height: int
    truncated: bool = False

    @property
    def line_count(self) -> int:
        return sum(len(p) for p in self.paragraphs)


def text_width(font: ImageFont.FreeTypeFont, text: str) -> int:
    return round(font.getlength(text))


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Greedy line breaking at spaces (and between CJK characters); a word longer than a line
    is broken between characters."""
    lines: list[str] = []
    current = ""
    for token in _TOKENS.findall(text):
        if token.isspace():
            if current:
                current += " "
            continue
        candidate = current + token
        if text_width(font, candidate.rstrip()) <= max_width:
            current = candidate
            continue
        if current.strip():
            lines.append(current.rstrip())
            current = ""
        if text_width(font, token) <= max_width:
            current = token
            continue
        for ch in token:  # a single overlong word: break it between characters
            if current and text_width(font, current + ch) > max_width:
                lines.append(current)
                current = ""
            current += ch
    if current.strip():
        lines.append(current.rstrip())
    return lines


def fit_paragraphs(
    paragraphs: list[str],
    face: FontFace,
    box_width: int,
    box_height: int,
    *,
    max_size: int,
    min_size: int,
    line_spacing: float = 1.18,
    paragraph_gap: float = 0.55,
    indent: float = 0.0,
    max_lines: int | None = None,
) -> SetText:
    """Wrap ``paragraphs`` into a ``box_width`` x ``box_height`` box at the largest size
    between ``max_size`` and ``min_size`` (pixels) that fits. ``indent`` (in ems) is a hanging
    indent for bullet markers; ``paragraph_gap`` (in ems) separates paragraphs."""
    size = max(max_size, min_size)
    while True:
        candidate = _set(paragraphs, face, size, box_width, line_spacing, paragraph_gap, indent)
        fits = candidate.height <= box_height and (
            max_lines is None or candidate.line_count <= max_lines
        )
        if fits or size <= min_size:
            break
        size = max(min_size, int(size * 0.92))
    if fits:
        return candidate
    return _truncate(candidate, box_height, max_lines)


def _set(
    paragraphs: list[str],
    face: FontFace,
    size: int,
    box_width: int,
    line_spacing: float,
    paragraph_gap: float,
    indent: float,
) -> SetText:
    font = face.get(size)
    ascent, descent = font.getmetrics()
    line_height = round((ascent + descent) * line_spacing)
    indent_px = round(indent * size)
    gap = round(paragraph_gap * size) if len(paragraphs) > 1 else 0
    wrapped = tuple(tuple(wrap(p, font, max(1, box_width - indent_px))) for p in paragraphs)
    wrapped = tuple(p for p in wrapped if p)
    widths = [text_width(font, line) + indent_px for p in wrapped for line in p]
    lines = sum(len(p) for p in wrapped)
    height = _height(lines, len(wrapped), line_height, ascent + descent, gap)
    return SetText(
        font=font,
        size=size,
        paragraphs=wrapped,
        line_height=line_height,
        ascent=ascent,
        paragraph_gap=gap,
        indent=indent_px,
        width=max(widths, default=0),
        height=height,
    )


def _height(lines: int, paragraphs: int, line_height: int, glyph_height: int, gap: int) -> int:
    if lines == 0:
        return 0
    # The last line only needs its glyphs, not the spacing below them.
    return (lines - 1) * line_height + glyph_height + max(0, paragraphs - 1) * gap


def _truncate(text: SetText, box_height: int, max_lines: int | None) -> SetText:
    glyph_height = (
        text.line_height
        if text.line_count == 0
        else text.font.getmetrics()[0] + text.font.getmetrics()[1]
    )
    kept: list[list[str]] = []
    lines = 0
    for paragraph in text.paragraphs:
        kept.append([])
        for line in paragraph:
            height = _height(
                lines + 1, len(kept), text.line_height, glyph_height, text.paragraph_gap
            )
            if height > box_height or (max_lines is not None and lines + 1 > max_lines):
                break
            kept[-1].append(line)
            lines += 1
        else:
            continue
        break
    kept = [p for p in kept if p]
    if kept:
        last = kept[-1][-1]
        limit = max(1, max(text_width(text.font, line) for p in kept for line in p))
        while last and text_width(text.font, last + ELLIPSIS) > limit:
            last = last[:-1].rstrip()
        kept[-1][-1] = last + ELLIPSIS
    paragraphs = tuple(tuple(p) for p in kept)
    widths = [text_width(text.font, line) + text.indent for p in paragraphs for line in p]
    return SetText(
        font=text.font,
        size=text.size,
        paragraphs=paragraphs,
        line_height=text.line_height,
        ascent=text.ascent,
        paragraph_gap=text.paragraph_gap,
        indent=text.indent,
        width=max(widths, default=0),
        height=_height(lines, len(paragraphs), text.line_height, glyph_height, text.paragraph_gap),
        truncated=True,
    )
