"""Code listings: highlighted with Pygments, set in the bundled DejaVu Sans Mono, legible.

The colours are a Pygments style's (``default`` on light cards, ``github-dark`` on dark ones),
each moved just far enough towards black or white to reach WCAG AA contrast (4.5:1) on the
card. The listing is set at the largest size at which every line fits unbroken; when even the
smallest legible size is too wide, long lines wrap (their continuation indented under them);
when the rows still do not fit, the slide is refused with a message saying what fits.
"""

from __future__ import annotations

import functools
import math

from PIL import Image
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import _TokenType
from pygments.util import ClassNotFound

from deck import Code, Palette

from ..contrast import AA_NORMAL_TEXT, ensure_contrast, hex_to_rgb, luminance
from ..errors import ElementError
from ..fonts import FONT_DIR, FontRef, FontSet
from ..layout import Box, grow
from ..typeset import Typeset
from .base import RGB, CodeRun, ElementDrawing, Label

MONO_REGULAR = FONT_DIR / "DejaVuSansMono.ttf"
MONO_BOLD = FONT_DIR / "DejaVuSansMono-Bold.ttf"
MONO_FAMILY = "DejaVu Sans Mono"
MAX_CODE = 0.045  # the largest code text, as a fraction of the frame's short side
MIN_CODE = 0.024  # the smallest: denser than body text, still legible on a laptop or a phone
MAX_WRAPPED = 0.03  # wrapped code stays near the smallest size: as few broken lines as can be
LINE_SPACING = 1.3
TARGET = AA_NORMAL_TEXT + 0.1  # a margin over 4.5:1 for antialiasing


def mono_fonts(fonts: FontSet) -> FontSet:
    """``fonts`` with DejaVu Sans Mono first (other scripts still find their own fonts)."""
    regular, bold = FontRef(str(MONO_REGULAR)), FontRef(str(MONO_BOLD))
    return FontSet((regular, *fonts.regular), (bold, *fonts.bold), fonts.language)


@functools.cache
def _lexer(language: str) -> Lexer:
    if not language:
        return TextLexer()
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return TextLexer()


def highlight(code: Code, palette: Palette, backdrop: RGB) -> list[list[CodeRun]]:
    """``code``'s lines as runs of one colour each, every colour AA on ``backdrop``."""
    dark = float(luminance(backdrop)) < 0.35
    style = get_style_by_name("github-dark" if dark else "default")
    text = hex_to_rgb(palette.text)
    lines: list[list[CodeRun]] = [[]]
    colours: dict[_TokenType, tuple[RGB, bool]] = {}
    for token, value in _lexer(code.language).get_tokens(code.text):
        if token not in colours:
            spec = style.style_for_token(token)
            colour = hex_to_rgb(spec["color"]) if spec.get("color") else text
            colours[token] = (ensure_contrast(colour, backdrop, TARGET), bool(spec.get("bold")))
        colour, bold = colours[token]
        for n, piece in enumerate(value.split("\n")):
            if n:
                lines.append([])
            if not piece:
                continue
            row = lines[-1]
            if row and row[-1].color == colour and row[-1].bold == bold:
                row[-1] = CodeRun(row[-1].text + piece, colour, bold)
            else:
                row.append(CodeRun(piece, colour, bold))
    wanted = len(code.lines)
    lines = lines[:wanted] + [[] for _ in range(wanted - len(lines))]
    return lines


def _wrap(line: list[CodeRun], columns: int) -> list[list[CodeRun]]:
    """One line of runs cut into rows of at most ``columns`` characters, at a space where one
    is near the end; continuation rows are indented two spaces past the line's own
    indentation (when that leaves room)."""
    text = "".join(run.text for run in line)
    if len(text) <= columns:
        return [line]
    indent = len(text) - len(text.lstrip(" ")) + 2
    if columns - indent < 12:
        indent = 0
    cuts: list[tuple[int, int]] = []
    start, room = 0, columns
    while len(text) - start > room:
        end = start + room
        space = text.rfind(" ", start + room // 2, end)
        if space > start:
            end = space + 1
        cuts.append((start, end))
        start, room = end, columns - indent
    cuts.append((start, len(text)))
    rows: list[list[CodeRun]] = []
    for n, (a, b) in enumerate(cuts):
        row = [CodeRun(" " * indent, line[0].color)] if n and indent else []
        at = 0
        for run in line:
            lo, hi = max(a, at), min(b, at + len(run.text))
            if lo < hi:
                row.append(CodeRun(run.text[lo - at : hi - at], run.color, run.bold))
            at += len(run.text)
        rows.append(row)
    return rows


def draw_code(
    canvas: Image.Image,
    code: Code,
    box: Box,
    palette: Palette,
    fonts: FontSet,
    short_side: int,
    backdrop: RGB,
    *,
    floor: float | None = None,
) -> ElementDrawing:
    """Draw ``code`` in ``box`` of ``canvas``; raise :class:`ElementError` when it cannot be
    set legibly there."""
    mono = mono_fonts(fonts)
    lines = highlight(code, palette, backdrop)
    width, height = box[2] - box[0], box[3] - box[1]
    longest = max(len(line) for line in code.lines)
    size = round(MAX_CODE * short_side)
    minimum = math.ceil(min(MIN_CODE, floor or MIN_CODE) * short_side)
    rows: list[list[CodeRun]] | None = None
    sizes = [size]
    while sizes[-1] > minimum:
        sizes.append(max(minimum, int(sizes[-1] * 0.92)))
    for wrapping in (False, True):  # the largest size with every line whole, else wrapped
        for size in sizes:
            if wrapping and size > max(minimum, MAX_WRAPPED * short_side):
                continue
            advance = mono.primary().get(size).getlength("M")
            columns = max(1, int(width // advance))
            pitch = round(size * LINE_SPACING)
            if not wrapping and longest > columns:
                continue
            candidate = [row for line in lines for row in _wrap(line, columns)]
            if len(candidate) * pitch <= height:
                rows = candidate
                break
        if rows is not None:
            break
    if rows is None:
        fit = max(1, height // pitch)
        raise ElementError(
            f"the code ({len(code.lines)} lines, the longest {longest} characters) does not fit "
            f"on the slide at a legible size: about {fit} lines of {columns} characters do; "
            "shorten it, or give it a slide without bullets"
        )
    typeset = Typeset(mono, size)
    ascent = mono.primary().get(size).getmetrics()[0]
    labels: list[Label] = []
    bounds: Box | None = None
    y = box[1]
    for row in rows:
        x = float(box[0])
        for run in row:
            drawn, _ = typeset.draw(canvas, round(x), y + ascent, run.text, run.color)
            if drawn is not None:
                labels.append(Label(run.text, drawn, run.color, size))
                bounds = grow(bounds, drawn)
            x += typeset.width(run.text)
        y += pitch
    area = (box[0], box[1], box[2], min(box[3], box[1] + len(rows) * pitch))
    return ElementDrawing(
        "code",
        box,
        bounds or area,
        backdrop,
        labels=labels,
        lines=lines,
        size=size,
        font=MONO_FAMILY,
        picture_box=area,
        missing=set(typeset.missing),
    )
