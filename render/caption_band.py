"""Captions burned into a frame: one cue in the caption band at the bottom, on a dark scrim,
plain or word by word (the word being spoken in amber, the rest white)."""

from __future__ import annotations

import math

from PIL import Image

from .captions import cue_words
from .compose import MIN_BODY, ComposedFrame, TextBlock
from .fonts import FontSet
from .frame import FrameSpec
from .layout import Box, box_size, caption_band
from .lines import PlacedLine, draw_lines
from .scrim import draw_scrim
from .text import SetText, fit_paragraphs
from .typeset import RGB
from .voice.languages import parse_language

CAPTION_TEXT: RGB = (255, 255, 255)
CAPTION_SCRIM: RGB = (0, 0, 0)
# The word being spoken in the word-by-word style: amber (13.9:1 on black; the scrim under a
# highlighted cue is made dark enough for it to reach AA, as white text does).
CAPTION_HIGHLIGHT: RGB = (255, 204, 0)


def add_caption(
    frame: Image.Image,
    text: str,
    spec: FrameSpec,
    fonts: FontSet,
    *,
    keep_underlay: bool = False,
    highlight: int | None = None,
) -> ComposedFrame:
    """Burn one caption cue into the caption band at the bottom of ``frame``; with
    ``highlight``, that word of it (:func:`~render.captions.cue_words`) in
    :data:`CAPTION_HIGHLIGHT` (see :func:`caption_words`)."""
    if highlight is None:
        return _captions(frame, text, spec, fonts, keep_underlay=keep_underlay, words=False)[0]
    drawn = _captions(frame, text, spec, fonts, keep_underlay=keep_underlay, words=True)
    return drawn[highlight] if 0 <= highlight < len(drawn) else drawn[0]


def caption_words(
    frame: Image.Image, text: str, spec: FrameSpec, fonts: FontSet
) -> list[ComposedFrame]:
    """The cue ``text`` burned into ``frame`` once per word of it (:func:`~render.captions.
    cue_words`), that word in :data:`CAPTION_HIGHLIGHT` and the rest as usual: laid out and
    drawn once in each colour, then each word's box of the highlighted drawing pasted over the
    plain one, so only the colour moves from word to word (and a cue costs two drawings)."""
    return _captions(frame, text, spec, fonts, keep_underlay=False, words=True)


def _captions(
    frame: Image.Image,
    text: str,
    spec: FrameSpec,
    fonts: FontSet,
    *,
    keep_underlay: bool,
    words: bool,
) -> list[ComposedFrame]:
    """The plain caption, or (``words``) one frame per cue word with that word highlighted
    (at least one frame: the plain caption when no word could be placed)."""
    canvas = frame.copy()
    band = caption_band(spec)
    # The scrim is dark enough for the darker of the colours drawn on it (AA for both).
    shown = CAPTION_HIGHLIGHT if words else CAPTION_TEXT
    draw_scrim(canvas, band, shown, CAPTION_SCRIM, radius=0, minimum=0.6)
    underlay = canvas.copy() if keep_underlay else None
    pad_x = round(spec.short_side * 0.06)
    pad_y = round((band[3] - band[1]) * 0.12)
    box = (band[0] + pad_x, band[1] + pad_y, band[2] - pad_x, band[3] - pad_y)
    s = spec.short_side
    missing = fonts.pick(text)[1]
    fitted = fit_paragraphs(
        [text],
        fonts,
        *box_size(box),
        max_size=int(0.05 * s),
        min_size=math.ceil(MIN_BODY * s),
        max_lines=2,
        rtl=parse_language(fonts.language).rtl,
    )
    top = box[1] + (box[3] - box[1] - fitted.height) // 2
    centred = (box[0], top, box[2], top + fitted.height)
    lit = canvas.copy() if words else None
    bounds, lines = draw_lines(canvas, fitted, centred, CAPTION_TEXT, align="center")
    block = TextBlock("caption", centred, bounds, CAPTION_TEXT, text, fitted.size, fitted, lines)
    if lit is None:
        return [ComposedFrame(canvas, [block], underlay, missing)]
    draw_lines(lit, fitted, centred, CAPTION_HIGHLIGHT, align="center")
    drawn: list[ComposedFrame] = []
    for n in range(len(cue_words(text))):
        image = canvas.copy()
        word = _word_box(fitted, lines, text, n)
        if word is not None:
            image.paste(lit.crop(word), word[:2])
        drawn.append(ComposedFrame(image, [block], underlay, missing))
    return drawn or [ComposedFrame(canvas, [block], underlay, missing)]


def _word_box(fitted: SetText, lines: tuple[PlacedLine, ...], text: str, index: int) -> Box | None:
    """Where word ``index`` of ``text`` is drawn among ``lines`` (``None`` when it was cut off).
    Words are found in order along the lines; in a right-to-left line, measured from its right
    edge."""
    words = cue_words(text)
    if fitted.typeset is None or not 0 <= index < len(words):
        return None
    n = 0
    for line in lines:
        cursor = 0
        while n < len(words):
            at = line.text.find(words[n], cursor)
            if at < 0:
                break
            if n == index:
                before = fitted.typeset.width(line.text[:at])
                width = fitted.typeset.width(words[n])
                x = line.x + (line.width - before - width if line.rtl else before)
                top = line.baseline - fitted.ascent
                pad = max(1, fitted.size // 10)  # the glyphs' overhang past their advance
                return (
                    math.floor(x) - pad,
                    top - pad,
                    math.ceil(x + width) + pad,
                    top + fitted.line_height + pad,
                )
            cursor = at + len(words[n])
            n += 1
    return None
