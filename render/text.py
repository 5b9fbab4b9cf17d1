"""Setting text in a box: wrapping at line-break points and shrinking until it fits.

:func:`fit_paragraphs` never returns text taller or wider than its box: it shrinks the font
step by step down to a legible minimum, and only then shortens the last lines with an
ellipsis (and says so: ``truncated``). Text is NFC-normalised, every character is set in the
first font that has it and lines break where Unicode allows (:mod:`render.typeset`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from PIL import ImageFont

from .fonts import FontFace, FontSet, font_set
from .typeset import Typeset, break_points, graphemes, paragraph_rtl

ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class SetText:
    """Paragraphs wrapped at one font size; ``width``/``height`` are what they occupy.

    ``font`` is the font most of the text is in (exporters name it); ``typeset`` measures and
    draws each line with every font it needs; ``rtl`` holds each paragraph's direction.
    """

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
    typeset: Typeset | None = field(default=None, compare=False, repr=False)
    rtl: tuple[bool, ...] = ()
    face: FontFace | None = field(default=None, compare=False, repr=False)

    descent: int = 0

    @property
    def glyph_height(self) -> int:
        return self.ascent + self.descent

    @property
    def line_count(self) -> int:
        return sum(len(p) for p in self.paragraphs)

    def paragraph_rtl(self, index: int) -> bool:
        return self.rtl[index] if index < len(self.rtl) else False


def text_width(font: ImageFont.FreeTypeFont | Typeset, text: str) -> int:
    return round(font.width(text) if isinstance(font, Typeset) else font.getlength(text))


def wrap(text: str, font: ImageFont.FreeTypeFont | Typeset, max_width: int) -> list[str]:
    """Greedy line breaking at Unicode line-break points (spaces, between CJK characters,
    between Thai words); a piece longer than a line is broken between characters."""
    language = font.language if isinstance(font, Typeset) else "en"
    lines: list[str] = []
    current = ""
    for piece in break_points(text, language):
        candidate = current + piece
        if text_width(font, candidate.rstrip()) <= max_width:
            current = candidate
            continue
        if current.strip():
            lines.append(current.rstrip())
            current = ""
        if text_width(font, piece.rstrip()) <= max_width:
            current = piece
            continue
        for ch in graphemes(piece):  # a single overlong word: break it between characters
            if current and text_width(font, (current + ch).rstrip()) > max_width:
                lines.append(current.rstrip())
                current = ""
            current += ch
    if current.strip():
        lines.append(current.rstrip())
    return lines


def fit_paragraphs(
    paragraphs: list[str],
    face: FontFace | FontSet,
    box_width: int,
    box_height: int,
    *,
    max_size: int,
    min_size: int,
    line_spacing: float = 1.18,
    paragraph_gap: float = 0.55,
    indent: float = 0.0,
    max_lines: int | None = None,
    bold: bool = False,
    rtl: bool = False,
) -> SetText:
    """Wrap ``paragraphs`` into a ``box_width`` x ``box_height`` box at the largest size
    between ``max_size`` and ``min_size`` (pixels) that fits. ``indent`` (in ems) is a hanging
    indent for bullet markers; ``paragraph_gap`` (in ems) separates paragraphs. ``rtl``: the
    deck's language is written right to left (paragraphs holding its letters are set so)."""
    fonts = face if isinstance(face, FontSet) else _single(face)
    paragraphs = [unicodedata.normalize("NFC", p) for p in paragraphs]
    size = max(max_size, min_size)
    while True:
        candidate = _set(
            paragraphs, fonts, size, box_width, line_spacing, paragraph_gap, indent, bold, rtl
        )
        fits = candidate.height <= box_height and (
            max_lines is None or candidate.line_count <= max_lines
        )
        if fits or size <= min_size:
            break
        size = max(min_size, int(size * 0.92))
    if fits:
        return candidate
    return _truncate(candidate, box_height, max_lines)


def _single(face: FontFace) -> FontSet:
    """A font set whose primary font is ``face`` (other characters still find their fonts)."""
    from .fonts import FontRef

    base = font_set()
    ref = FontRef(str(face.path), face.index)
    return FontSet((ref, *base.regular), (ref, *base.bold), base.language)


def _set(
    paragraphs: list[str],
    fonts: FontSet,
    size: int,
    box_width: int,
    line_spacing: float,
    paragraph_gap: float,
    indent: float,
    bold: bool,
    rtl: bool,
) -> SetText:
    typeset = Typeset(fonts, size, bold=bold)
    main, _missing = fonts.pick(" ".join(paragraphs), bold=bold)
    font = main.get(size)
    ascent, descent = _metrics(typeset, paragraphs, main, size)
    line_height = round((ascent + descent) * line_spacing)
    indent_px = round(indent * size)
    gap = round(paragraph_gap * size) if len(paragraphs) > 1 else 0
    kept = [p for p in paragraphs if p.strip()]
    # A little slack: a glyph's ink can reach past its advance (a bold W, an italic f).
    slack = max(1, size // 12)
    wrapped = tuple(tuple(wrap(p, typeset, max(1, box_width - indent_px - slack))) for p in kept)
    directions = tuple(paragraph_rtl(p, rtl) for p, w in zip(kept, wrapped, strict=True) if w)
    wrapped = tuple(p for p in wrapped if p)
    widths = [text_width(typeset, line) + indent_px for p in wrapped for line in p]
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
        typeset=typeset,
        rtl=directions,
        face=main,
        descent=descent,
    )


def _metrics(typeset: Typeset, paragraphs: list[str], main: FontFace, size: int) -> tuple[int, int]:
    """The tallest ascent and deepest descent of the fonts the text is set in, so that
    lines in several fonts keep one pitch and stay inside their box."""
    faces = {main} | {face for p in paragraphs for _t, face in typeset.font_runs(p)}
    ascent = descent = 0
    for face in faces:
        if face.bitmap:
            a, d = round(size * 0.95), round(size * 0.25)
        else:
            a, d = face.get(size).getmetrics()
        ascent, descent = max(ascent, a), max(descent, d)
    return ascent, descent


def _height(lines: int, paragraphs: int, line_height: int, glyph_height: int, gap: int) -> int:
    if lines == 0:
        return 0
    # The last line only needs its glyphs, not the spacing below them.
    return (lines - 1) * line_height + glyph_height + max(0, paragraphs - 1) * gap


def _truncate(text: SetText, box_height: int, max_lines: int | None) -> SetText:
    measure: ImageFont.FreeTypeFont | Typeset = text.typeset or text.font
    glyph_height = text.line_height if text.line_count == 0 else text.glyph_height
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
        limit = max(1, max(text_width(measure, line) for p in kept for line in p))
        while last and text_width(measure, last + ELLIPSIS) > limit:
            # Whole words go first; a line that is one word loses characters.
            cut = last.rstrip().rsplit(" ", 1)[0] if " " in last.strip() else last[:-1]
            last = cut.rstrip()
        kept[-1][-1] = last + ELLIPSIS
    paragraphs = tuple(tuple(p) for p in kept)
    widths = [text_width(measure, line) + text.indent for p in paragraphs for line in p]
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
        typeset=text.typeset,
        rtl=text.rtl[: len(paragraphs)],
        face=text.face,
        descent=text.descent,
    )
