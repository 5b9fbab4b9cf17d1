"""One line of text as it is measured and drawn: font runs, direction, emoji, line breaks.

A line is cut into runs, each one font (every character from the first font that has it,
:class:`~render.fonts.FontSet`) and one direction. Directions follow a reduced form of the
Unicode bidirectional algorithm (UAX #9: strong letters, numbers, neutrals between them, the
paragraph's base direction), enough for Arabic, Hebrew, Persian and Urdu text with Latin words
and numbers in it; each run is shaped by raqm (HarfBuzz), which also mirrors brackets inside
right-to-left runs. Runs are then placed in visual order. Emoji are drawn from Noto Color
Emoji's colour bitmaps, scaled to the text size.

Lines break where Unicode line breaking (UAX #14) allows, through ICU (icu4py, which ships
ICU's dictionaries: Thai, Lao, Khmer and Burmese have no spaces between words, and only a
dictionary knows where one ends); without ICU, at spaces and between CJK characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, features

from .fonts import FontFace, FontSet
from .scripts import COMMON, INHERITED, script_of

RAQM = features.check("raqm")
Box = tuple[int, int, int, int]
RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a line in one font and one direction, placed ``x`` pixels from its start."""

    text: str
    face: FontFace
    rtl: bool
    x: float = 0.0
    width: float = 0.0


class Typeset:
    """A font chain at one size: measures and draws lines (see the module's docstring)."""

    def __init__(self, fonts: FontSet, size: int, *, bold: bool = False) -> None:
        self.fonts = fonts
        self.size = max(1, int(size))
        self.bold = bold
        self.language = fonts.language
        self.missing: set[str] = set()
        self._widths: dict[str, float] = {}

    def font(self, face: FontFace) -> ImageFont.FreeTypeFont:
        return face.get(self.size)

    # -- runs ---------------------------------------------------------------------------------

    def font_runs(self, text: str) -> list[tuple[str, FontFace]]:
        """``text`` cut where the font changes, in logical order. Spaces, digits and
        punctuation stay in the run they are in when its font has them; combining marks and
        joiners always do."""
        texts: list[str] = []
        faces: list[FontFace] = []
        for ch in text:
            script = script_of(ch)
            if faces and (script == INHERITED or (script == COMMON and _continues(faces[-1], ch))):
                texts[-1] += ch
                continue
            face = self.fonts.face_for(ch, bold=self.bold)
            if face is None:
                if not ch.isspace():
                    self.missing.add(ch)
                face = faces[-1] if faces else self.fonts.primary(bold=self.bold)
            if faces and face == faces[-1]:
                texts[-1] += ch
            else:
                texts.append(ch)
                faces.append(face)
        return list(zip(texts, faces, strict=True))

    def runs(self, line: str, *, rtl: bool) -> list[Run]:
        """``line``'s runs in visual order (left to right) with their offsets and widths;
        ``rtl`` is the paragraph's base direction."""
        levels = bidi_levels(line, rtl)
        pieces: list[tuple[str, FontFace, int]] = []
        at = 0
        for text, face in self.font_runs(line):
            start = at
            at += len(text)
            for chunk, level in _split_levels(text, levels[start:at]):
                pieces.append((chunk, face, level))
        order = _visual_order([level for _t, _f, level in pieces])
        placed: list[Run] = []
        x = 0.0
        for i in order:
            text, face, level = pieces[i]
            width = self._run_width(text, face, level % 2 == 1)
            placed.append(Run(text, face, level % 2 == 1, x, width))
            x += width
        return placed

    def width(self, line: str) -> float:
        """How wide ``line`` is drawn (its direction does not change its width)."""
        if line not in self._widths:
            self._widths[line] = sum(
                self._run_width(text, face, False) for text, face in self.font_runs(line)
            )
        return self._widths[line]

    def _run_width(self, text: str, face: FontFace, rtl: bool) -> float:
        font = self.font(face)
        kwargs = {"direction": "rtl" if rtl else "ltr"} if RAQM else {}
        return font.getlength(text, **kwargs) * face.scale(self.size)

    # -- drawing ------------------------------------------------------------------------------

    def draw(
        self,
        canvas: Image.Image,
        x: float,
        baseline: float,
        line: str,
        fill: RGB,
        *,
        rtl: bool = False,
    ) -> tuple[Box | None, list[Run]]:
        """Draw ``line`` with its left edge at ``x`` on ``baseline``; return the box its
        pixels cover (``None`` when it drew none) and its runs as placed."""
        draw = ImageDraw.Draw(canvas)
        box: Box | None = None
        runs = self.runs(line, rtl=rtl)
        for run in runs:
            at = (x + run.x, baseline)
            if run.face.bitmap:
                drawn = self._draw_bitmap(canvas, at, run)
            else:
                font = self.font(run.face)
                kwargs: dict[str, object] = {}
                if RAQM:
                    kwargs = {"direction": "rtl" if run.rtl else "ltr"}
                    if self.language:
                        kwargs["language"] = self.language
                    text = run.text
                else:
                    text = run.text[::-1] if run.rtl else run.text  # unshaped, but in order
                if not text.strip():
                    continue
                draw.text(at, text, font=font, fill=fill, anchor="ls", **kwargs)  # type: ignore[arg-type]
                drawn = draw.textbbox(at, text, font=font, anchor="ls", **kwargs)  # type: ignore[arg-type]
            x0, y0, x1, y1 = (int(v) for v in drawn)
            box = _union(box, (x0, y0, x1, y1))
        return box, runs

    def _draw_bitmap(
        self, canvas: Image.Image, at: tuple[float, float], run: Run
    ) -> tuple[float, float, float, float]:
        """A colour-bitmap run (emoji) drawn at its font's one size, scaled to ``self.size``."""
        scale = run.face.scale(self.size)
        tile, ascent = bitmap_tile(run, self.font(run.face))
        size = (max(1, round(tile.width * scale)), max(1, round(tile.height * scale)))
        tile = tile.resize(size, Image.Resampling.LANCZOS)
        left, top = round(at[0]), round(at[1] - ascent * scale)
        canvas.paste(tile, (left, top), tile)
        bbox = tile.getbbox()
        if bbox is None:
            return (left, top, left, top)
        return (left + bbox[0], top + bbox[1], left + bbox[2], top + bbox[3])


def bitmap_tile(run: Run, font: ImageFont.FreeTypeFont) -> tuple[Image.Image, int]:
    """A colour-bitmap run (emoji) drawn at its font's one size, and the tile's ascent: what
    the frame scales into place, and what the PDF places as a picture."""
    ascent, descent = font.getmetrics()
    width = max(1, round(font.getlength(run.text)))
    tile = Image.new("RGBA", (width, ascent + descent), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((0, ascent), run.text, font=font, anchor="ls", embedded_color=True)
    return tile, ascent


def _continues(face: FontFace, ch: str) -> bool:
    """Whether a common character (space, digit, punctuation, emoji) stays in the run of
    ``face``. Never a space, digit or ASCII sign after an emoji: Noto Color Emoji has them (for
    keycaps) at the width of an emoji, so "☀️ gives" would open a gap an emoji wide."""
    if face.bitmap and (ch.isspace() or ch.isascii()):
        return False
    return face.has(ch)


# -- direction -----------------------------------------------------------------------------------


def is_rtl_text(text: str) -> bool:
    """Whether ``text`` starts (in its first strong letter) right to left."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def paragraph_rtl(text: str, language_rtl: bool) -> bool:
    """A paragraph's base direction: right to left in a right-to-left deck when it holds any
    right-to-left letter, else by its first strong letter."""
    if language_rtl and any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return True
    return is_rtl_text(text)


def bidi_levels(text: str, rtl: bool) -> list[int]:
    """Each character's embedding level (even: left to right), reduced UAX #9: strong types,
    numbers (W2, W4, W5, W7), neutrals (N1, N2) and the base level; no explicit embeddings."""
    base = 1 if rtl else 0
    kinds = [unicodedata.bidirectional(ch) for ch in text]
    # W1: a mark takes the type of what it marks; W3: AL is R.
    resolved: list[str] = []
    for kind in kinds:
        if kind == "NSM":
            kind = resolved[-1] if resolved else ("R" if rtl else "L")
        resolved.append("R" if kind == "AL" else kind)
    # W2/W7: a European number after a strong L is L; after R (or at the start of RTL) a number.
    last_strong = "R" if rtl else "L"
    for i, kind in enumerate(resolved):
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN":
            resolved[i] = "L" if last_strong == "L" else "NUM"
        elif kind == "AN":
            resolved[i] = "NUM"
    # W4/W5: one separator between two numbers, and currency/percent signs next to one.
    for i in range(1, len(resolved) - 1):
        if resolved[i] in ("CS", "ES") and resolved[i - 1] == resolved[i + 1] == "NUM":
            resolved[i] = "NUM"
    for i, kind in enumerate(resolved):
        if kind == "ET" and (
            (i > 0 and resolved[i - 1] == "NUM")
            or (i + 1 < len(resolved) and resolved[i + 1] == "NUM")
        ):
            resolved[i] = "NUM"
    # N1/N2: neutrals between two of one direction (numbers count as R) take it; else base.
    direction = ["L" if k == "L" else "R" if k in ("R", "NUM") else "" for k in resolved]
    i = 0
    while i < len(direction):
        if direction[i]:
            i += 1
            continue
        j = i
        while j < len(direction) and not direction[j]:
            j += 1
        before = direction[i - 1] if i > 0 else ("R" if rtl else "L")
        after = direction[j] if j < len(direction) else ("R" if rtl else "L")
        fill = before if before == after else ("R" if rtl else "L")
        for k in range(i, j):
            direction[k] = fill
        i = j
    levels = []
    for kind, way in zip(resolved, direction, strict=True):
        if kind == "NUM":
            levels.append(2)  # a number inside right-to-left text: left to right, one up
        elif way == "R":
            levels.append(base if base % 2 else base + 1)
        else:
            levels.append(base if base % 2 == 0 else base + 1)
    return levels


def _split_levels(text: str, levels: list[int]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for ch, level in zip(text, levels, strict=True):
        if out and out[-1][1] == level:
            out[-1] = (out[-1][0] + ch, level)
        else:
            out.append((ch, level))
    return out


def _visual_order(levels: list[int]) -> list[int]:
    """UAX #9 L2 over runs: from the highest level down to the lowest odd one, reverse every
    sequence of runs at that level or above."""
    order = list(range(len(levels)))
    if not levels:
        return order
    lowest_odd = min((lv for lv in levels if lv % 2), default=None)
    if lowest_odd is None:
        return order
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


def _union(a: Box | None, b: Box) -> Box:
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


# -- line breaking ------------------------------------------------------------------------------

_BREAK_ANY = (
    r"\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
)
_TOKENS = re.compile(rf"[{_BREAK_ANY}]|[^\s{_BREAK_ANY}]+\s*|\s+")


def break_points(text: str, language: str = "en") -> list[str]:
    """``text`` cut where a line may break (each piece keeps its trailing spaces)."""
    return list(_break_points(unicodedata.normalize("NFC", text), language))


@functools.lru_cache(maxsize=4096)
def _break_points(text: str, language: str) -> tuple[str, ...]:
    breaker = _line_breaker()
    if breaker is not None:
        try:
            return tuple(breaker(text, language or "en"))
        except Exception:  # an unknown locale: ICU's root rules
            return tuple(breaker(text, "en"))
    return tuple(_TOKENS.findall(text))


@functools.cache
def _line_breaker() -> type | None:
    try:
        from icu4py.breakers import LineBreaker
    except ImportError:
        return None
    return LineBreaker


def graphemes(text: str) -> list[str]:
    """``text`` cut between user-perceived characters (a base and its marks stay together)."""
    out: list[str] = []
    for ch in text:
        if out and (
            unicodedata.combining(ch)
            or script_of(ch) == INHERITED
            or out[-1].endswith("\u200d")
            or unicodedata.category(ch) in ("Mn", "Mc", "Me")
        ):
            out[-1] += ch
        else:
            out.append(ch)
    return out
