"""Composition: a slide's picture and text become one frame, legible by construction.

Text sits either on the theme's plain background (whose colours are chosen for contrast) or
on a panel laid over the picture; the panel's opacity is computed from the pixels beneath it
so that every text block reaches WCAG AA contrast (4.5:1) against whatever lies under it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageOps

from deck import Layout, Slide, ThemeSpec

from .captions import cue_words
from .contrast import AA_NORMAL_TEXT, hex_to_rgb, scrim_opacity
from .elements import ElementDrawing, draw_element, element_regions
from .fonts import FontSet
from .frame import FrameSpec
from .layout import Box, Regions, box_size, caption_band, regions
from .text import SetText, fit_paragraphs
from .typeset import Run
from .voice.languages import parse_language

RGB = tuple[int, int, int]
CAPTION_TEXT: RGB = (255, 255, 255)
CAPTION_SCRIM: RGB = (0, 0, 0)
# The word being spoken in the word-by-word style: amber (13.9:1 on black; the scrim under a
# highlighted cue is made dark enough for it to reach AA, as white text does).
CAPTION_HIGHLIGHT: RGB = (255, 204, 0)


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


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One block of text on a frame: its allotted box and the box its pixels occupy.

    ``setting`` (font, size, line pitch, indent), ``lines`` and ``markers`` (the bullet dots'
    boxes) say exactly how it was drawn, so that exporters can set the same text as text.
    """

    kind: str  # "title" | "body" | "caption"
    box: Box
    bounds: Box
    color: RGB
    text: str
    size: int
    setting: SetText | None = None
    lines: tuple[PlacedLine, ...] = ()
    markers: tuple[Box, ...] = ()


@dataclass(frozen=True, slots=True)
class Panel:
    """A scrim laid over the picture behind text, ``opacity`` chosen for AA contrast."""

    box: Box
    color: RGB
    opacity: float
    radius: int


@dataclass
class ComposedFrame:
    image: Image.Image
    blocks: list[TextBlock]
    underlay: Image.Image | None = None  # the frame before text was drawn (kept on request)
    missing_glyphs: set[str] = field(default_factory=set)
    panel: Panel | None = None
    rule: Box | None = None  # the accent bar above the title, if the layout has one
    picture_box: Box | None = None  # where the picture is drawn (narrower on a dense slide)
    shortened: tuple[str, ...] = ()  # kinds of the blocks that end in "…" (too long to fit)
    element: ElementDrawing | None = None  # the slide's chart, code or equation, as drawn
    card: Box | None = None  # the card the element sits on
    backdrop: Image.Image | None = None  # the soft background under a full-frame element


def fit_picture(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale and centre-crop ``picture`` to cover ``size`` exactly."""
    picture = picture.convert("RGB")
    if picture.size == size:
        return picture
    return ImageOps.fit(picture, size, method=Image.Resampling.BICUBIC, centering=(0.5, 0.5))


def compose_slide(
    slide: Slide,
    layout: Layout,
    picture: Image.Image,
    theme: ThemeSpec,
    spec: FrameSpec,
    fonts: FontSet,
    *,
    captions: bool = False,
    keep_underlay: bool = False,
    floor: float | None = None,
    panel_opacity: float | None = None,
) -> ComposedFrame:
    """Draw ``slide`` with ``picture`` in ``layout`` on a ``spec``-sized frame. ``floor``
    (a fraction of the short side) lets text shrink below the legible minimum before it is
    shortened: the exports pass one so that they keep every word. ``panel_opacity`` fixes the
    text panel's opacity instead of measuring the picture (see :func:`compose_layers`)."""
    if slide.element is not None:
        return _compose_element(
            slide, layout, picture, theme, spec, fonts, captions, keep_underlay, floor
        )
    palette = theme.palette
    rtl = parse_language(fonts.language).rtl
    r = regions(layout, spec, captions=captions)
    if _needs_room(slide, layout, r, fonts, spec.short_side):
        r = regions(layout, spec, captions=captions, dense=True)
    canvas = Image.new("RGB", spec.size, palette.background)
    canvas.paste(fit_picture(picture, box_size(r.image)), r.image[:2])
    text, accent = hex_to_rgb(palette.text), hex_to_rgb(palette.accent)
    panel: Panel | None = None
    rule: Box | None = None
    if r.panel is not None:
        panel = _lay_panel(canvas, r, text, hex_to_rgb(palette.surface), panel_opacity)
    elif layout is Layout.IMAGE_BULLETS:
        rule = rule_box(r, rtl=rtl)  # over the title's start: on the right, right to left
        ImageDraw.Draw(canvas).rectangle(rule, fill=accent)
    underlay = canvas.copy() if keep_underlay else None
    pen = _Pen(canvas, fonts, text, accent, spec.short_side, rtl, floor)
    _LAYOUTS[layout](pen, slide, r)
    shortened = tuple(b.kind for b in pen.blocks if b.setting is not None and b.setting.truncated)
    return ComposedFrame(canvas, pen.blocks, underlay, pen.missing, panel, rule, r.image, shortened)


# The smallest text each layout sets its body in, as a fraction of the frame's short side
# (the frame's height in a landscape or square video): 3%, legible on a phone.
MIN_BODY = 0.03
BULLET_SIZES = (0.058, MIN_BODY)
SUBTITLE_SIZES = (0.055, MIN_BODY)
CAPTION_LINE_SIZES = (0.048, MIN_BODY)


def _needs_room(slide: Slide, layout: Layout, r: Regions, fonts: FontSet, short_side: int) -> bool:
    """Whether the slide's body text overflows the layout's usual box even at the smallest
    size (then the dense variant of the layout gives it more room)."""
    if not slide.bullets or r.body is None:
        return False
    if layout is Layout.IMAGE_BULLETS:
        paragraphs, indent, gap = list(slide.bullets), 1.0, 0.45
    else:
        paragraphs, indent, gap = [" · ".join(slide.bullets)], 0.0, 0.55
    size = math.ceil(MIN_BODY * short_side)
    fitted = fit_paragraphs(
        paragraphs,
        fonts,
        *box_size(r.body),
        max_size=size,
        min_size=size,
        indent=indent,
        paragraph_gap=gap,
        line_spacing=1.0,
    )
    return fitted.truncated


def _overflows(bullets: list[str], box: Box, fonts: FontSet, spec: FrameSpec) -> bool:
    """Whether ``bullets`` overflow ``box`` even at the smallest body size."""
    size = math.ceil(MIN_BODY * spec.short_side)
    fitted = fit_paragraphs(
        list(bullets), fonts, *box_size(box), max_size=size, min_size=size, indent=1.0,
        paragraph_gap=0.45, line_spacing=1.0,
    )  # fmt: skip
    return fitted.truncated


@dataclass
class _Pen:
    """Sets and draws a slide's text blocks, keeping what it drew and which glyphs it lacked."""

    canvas: Image.Image
    fonts: FontSet
    color: RGB
    accent: RGB
    short_side: int
    rtl: bool = False  # the deck's language is written right to left
    floor: float | None = None  # the smallest size allowed, if below each block's own minimum
    blocks: list[TextBlock] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)

    def min_size(self, fraction: float) -> int:
        return math.ceil(min(fraction, self.floor or fraction) * self.short_side)

    def fit(self, text: str, box: Box, *, bold: bool, sizes: tuple[float, float]) -> SetText:
        """``text`` set to fill ``box``, between two sizes given as fractions of the short side."""
        self.missing |= self.fonts.pick(text, bold=bold)[1]
        return fit_paragraphs(
            [text],
            self.fonts,
            *box_size(box),
            max_size=int(sizes[0] * self.short_side),
            min_size=self.min_size(sizes[1]),
            line_spacing=0.92 if bold else 1.0,
            bold=bold,
            rtl=self.rtl,
        )

    def fit_bullets(self, bullets: list[str], box: Box, *, sizes: tuple[float, float]) -> SetText:
        self.missing |= self.fonts.pick(" ".join(bullets))[1]
        return fit_paragraphs(
            bullets,
            self.fonts,
            *box_size(box),
            max_size=int(sizes[0] * self.short_side),
            min_size=self.min_size(sizes[1]),
            indent=1.0,
            paragraph_gap=0.45,
            line_spacing=1.0,
            rtl=self.rtl,
        )

    def write(self, kind: str, text: str, setting: SetText, box: Box, *, align: str) -> Box:
        """Draw ``setting`` from the top of ``box``; return the box its glyphs occupy."""
        bounds, lines = _draw_lines(self.canvas, setting, box, self.color, align=align)
        self.blocks.append(
            TextBlock(kind, box, bounds, self.color, text, setting.size, setting, lines)
        )
        return bounds

    def title(self, text: str, box: Box, *, sizes: tuple[float, float]) -> Box:
        """The slide title, left-aligned at the top of ``box``; return its glyphs' box."""
        return self.write(
            "title", text, self.fit(text, box, bold=True, sizes=sizes), box, align="start"
        )


def _picture_and_bullets(pen: _Pen, slide: Slide, r: Regions) -> None:
    """The picture on one side (or on top), the title and bullets beside it."""
    title = pen.title(slide.title, r.title, sizes=(0.085, 0.04))
    if not slide.bullets or r.body is None:
        return
    box = _below(r.body, title, r.margin // 2)
    body = pen.fit_bullets(slide.bullets, box, sizes=BULLET_SIZES)
    bounds, lines, markers = _draw_bullets(pen.canvas, body, box, pen.color, pen.accent)
    text = "\n".join(slide.bullets)
    pen.blocks.append(
        TextBlock("body", box, bounds, pen.color, text, body.size, body, lines, markers)
    )


def _title_slide(pen: _Pen, slide: Slide, r: Regions) -> None:
    """The title and a subtitle (the bullets, joined), centred together in the panel."""
    assert r.panel is not None
    subtitle = " · ".join(slide.bullets)
    title = pen.fit(slide.title, r.title, bold=True, sizes=(0.11, 0.05))
    sub = None
    if subtitle and r.body is not None:
        sub = pen.fit(subtitle, r.body, bold=False, sizes=SUBTITLE_SIZES)
    gap = r.margin // 2 if sub else 0
    total = title.height + gap + (sub.height if sub else 0)
    top = r.panel[1] + (r.panel[3] - r.panel[1] - total) // 2
    title_box = (r.title[0], top, r.title[2], top + title.height)
    pen.write("title", slide.title, title, title_box, align="center")
    if sub is not None:
        sub_top = title_box[3] + gap
        sub_box = (r.title[0], sub_top, r.title[2], sub_top + sub.height)
        pen.write("body", subtitle, sub, sub_box, align="center")


def _full_picture(pen: _Pen, slide: Slide, r: Regions) -> None:
    """The picture fills the frame; the title and a caption line (the bullets) on a panel."""
    title = pen.title(slide.title, r.title, sizes=(0.075, 0.04))
    caption = " · ".join(slide.bullets)
    if not caption or r.body is None:
        return
    box = _below(r.body, title, r.margin // 3)
    body = pen.fit(caption, box, bold=False, sizes=CAPTION_LINE_SIZES)
    pen.write("body", caption, body, box, align="start")


def _compose_element(
    slide: Slide,
    layout: Layout,
    picture: Image.Image,
    theme: ThemeSpec,
    spec: FrameSpec,
    fonts: FontSet,
    captions: bool,
    keep_underlay: bool,
    floor: float | None,
) -> ComposedFrame:
    """A slide with a chart, code or equation: the element on a card beside the bullets (no
    picture) or across the frame (the picture faded to a soft background behind it)."""
    assert slide.element is not None
    palette = theme.palette
    rtl = parse_language(fonts.language).rtl
    bullets = bool(slide.bullets)
    e = element_regions(layout, spec, has_bullets=bullets, captions=captions)
    if not e.full and e.body is not None and _overflows(slide.bullets, e.body, fonts, spec):
        e = element_regions(layout, spec, has_bullets=bullets, captions=captions, dense=True)
    background, text = hex_to_rgb(palette.background), hex_to_rgb(palette.text)
    surface, accent = hex_to_rgb(palette.surface), hex_to_rgb(palette.accent)
    canvas = Image.new("RGB", spec.size, background)
    backdrop: Image.Image | None = None
    if e.full:
        backdrop = soft_background(fit_picture(picture, spec.size), text, background)
        canvas.paste(backdrop)
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle(
        (e.card[0], e.card[1], e.card[2] - 1, e.card[3] - 1), radius=e.radius, fill=surface
    )
    drawing = draw_element(
        canvas, slide.element, e.inner, palette, fonts, spec.short_side, surface, floor=floor
    )
    width, height = max(24, e.margin), max(3, e.margin // 10)
    x = e.title[2] - 1 - width if rtl else e.title[0]
    y = e.title[1] - max(4, e.margin // 2)
    rule = (x, y, x + width, y + height)
    draw.rectangle(rule, fill=accent)
    underlay = canvas.copy() if keep_underlay else None
    pen = _Pen(canvas, fonts, text, accent, spec.short_side, rtl, floor)
    title = pen.title(slide.title, e.title, sizes=(0.075 if e.full else 0.085, 0.04))
    if e.body is not None and bullets:
        box = _below(e.body, title, e.margin // 2) if not e.full else e.body
        if e.full:
            caption = " · ".join(slide.bullets)
            body = pen.fit(caption, box, bold=False, sizes=CAPTION_LINE_SIZES)
            pen.write("body", caption, body, box, align="start")
        else:
            setting = pen.fit_bullets(slide.bullets, box, sizes=BULLET_SIZES)
            bounds, lines, markers = _draw_bullets(canvas, setting, box, pen.color, pen.accent)
            pen.blocks.append(
                TextBlock(
                    "body",
                    box,
                    bounds,
                    pen.color,
                    "\n".join(slide.bullets),
                    setting.size,
                    setting,
                    lines,
                    markers,
                )
            )
    shortened = tuple(b.kind for b in pen.blocks if b.setting is not None and b.setting.truncated)
    if drawing.shortened:
        shortened = (*shortened, drawing.kind)
    return ComposedFrame(
        canvas,
        pen.blocks,
        underlay,
        pen.missing | drawing.missing,
        None,
        rule,
        (0, 0, *spec.size) if e.full else None,
        shortened,
        element=drawing,
        card=e.card,
        backdrop=backdrop,
    )


@dataclass(frozen=True, slots=True)
class SlideLayers:
    """A slide split for motion: the ``picture`` (cover-fitted to ``box``) that may move, and
    the still ``text`` layer over it (RGBA, frame-sized: panel, title, bullets, and the plain
    background around a picture that does not fill the frame). ``text`` laid over ``picture``
    placed at ``box`` is ``frame`` (to rounding)."""

    frame: ComposedFrame
    picture: Image.Image
    box: Box
    text: Image.Image


def compose_layers(
    slide: Slide,
    layout: Layout,
    picture: Image.Image,
    theme: ThemeSpec,
    spec: FrameSpec,
    fonts: FontSet,
    *,
    captions: bool = False,
) -> SlideLayers:
    """``slide`` as a picture layer and a transparent text layer (for slides without an
    element). The text is drawn over a black and over a white picture, with the panel as
    opaque as on the real picture; the two tell each pixel's coverage and colour, so
    antialiased edges and the panel's translucency come out exactly as PIL drew them."""
    frame = compose_slide(slide, layout, picture, theme, spec, fonts, captions=captions)
    box = frame.picture_box or (0, 0, *spec.size)
    opacity = frame.panel.opacity if frame.panel is not None else None
    on_black, on_white = (
        np.asarray(
            compose_slide(
                slide,
                layout,
                Image.new("RGB", box_size(box), shade),
                theme,
                spec,
                fonts,
                captions=captions,
                panel_opacity=opacity,
            ).image,
            dtype=np.float32,
        )
        for shade in ((0, 0, 0), (255, 255, 255))
    )
    # Over black a pixel is a*c; over white a*c + (1 - a)*255.
    alpha = np.clip(255.0 - (on_white - on_black).mean(axis=2), 0.0, 255.0)
    colour = np.where(alpha[..., None] > 0, on_black * 255.0 / np.maximum(alpha, 1.0)[..., None], 0)
    rgba = np.dstack([np.clip(colour, 0, 255), alpha]).round().astype(np.uint8)
    layer = Image.fromarray(rgba)
    return SlideLayers(frame, fit_picture(picture, box_size(box)), box, layer)


def soft_background(picture: Image.Image, text: RGB, background: RGB) -> Image.Image:
    """``picture`` faded towards ``background`` until ``text`` reads on every pixel of it
    (AA contrast with a margin), and never less than 80% of the way: a soft backdrop."""
    small = np.asarray(picture.reduce(max(1, min(picture.size) // 128)))  # box averages
    lows, highs = zip(*picture.getextrema(), strict=True)  # and each channel's extremes
    extremes = np.array([lows, highs], dtype=np.uint8)
    sample = np.concatenate([small.reshape(-1, 3), extremes])
    alpha = scrim_opacity(text, background, sample, target=AA_NORMAL_TEXT + 0.3, minimum=0.8)
    # Image.blend with a flat colour, as one lookup table per channel (a third of the time).
    table = [round(v * (1 - alpha) + c * alpha) for c in background for v in range(256)]
    return picture.point(table)


_LAYOUTS: dict[Layout, Callable[[_Pen, Slide, Regions], None]] = {
    Layout.IMAGE_BULLETS: _picture_and_bullets,
    Layout.TITLE: _title_slide,
    Layout.FULL_IMAGE: _full_picture,
}


def _below(body: Box, title: Box, gap: int) -> Box:
    """The body box, moved up to ``gap`` under the title's glyphs when the title is short."""
    return (body[0], min(body[1], title[3] + gap), body[2], body[3])


def _lay_panel(
    canvas: Image.Image, r: Regions, text: RGB, surface: RGB, opacity: float | None = None
) -> Panel:
    """The layout's text panel over the picture, opaque enough for the text on it."""
    assert r.panel is not None
    radius = r.margin // 3
    opacity = _draw_panel(canvas, r.panel, text, surface, radius=radius, alpha=opacity)
    return Panel(r.panel, surface, opacity, radius)


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
    _draw_panel(canvas, band, shown, CAPTION_SCRIM, radius=0, minimum=0.6)
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
    bounds, lines = _draw_lines(canvas, fitted, centred, CAPTION_TEXT, align="center")
    block = TextBlock("caption", centred, bounds, CAPTION_TEXT, text, fitted.size, fitted, lines)
    if lit is None:
        return [ComposedFrame(canvas, [block], underlay, missing)]
    _draw_lines(lit, fitted, centred, CAPTION_HIGHLIGHT, align="center")
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


def _draw_lines(
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
            bounds = _grow(bounds, drawn)
            y += text.line_height
        y += text.paragraph_gap
    return bounds or (box[0], box[1], box[0], box[1]), tuple(placed)


def _draw_bullets(
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
        bounds = _grow(bounds, (marker[0], marker[1], marker[2] + 1, marker[3] + 1))
        for line in paragraph:
            width = text.typeset.width(line)
            x = box[2] - text.indent - round(width) if rtl else box[0] + text.indent
            drawn, runs = text.typeset.draw(canvas, x, y + text.ascent, line, color, rtl=rtl)
            placed.append(PlacedLine(x, y + text.ascent, line, tuple(runs), rtl, round(width)))
            bounds = _grow(bounds, drawn)
            y += text.line_height
        y += text.paragraph_gap
    return bounds or (box[0], box[1], box[0], box[1]), tuple(placed), tuple(markers)


def _grow(a: Box | None, b: Box | None) -> Box | None:
    if b is None:
        return a
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _draw_panel(
    canvas: Image.Image,
    box: Box,
    text: RGB,
    panel: RGB,
    *,
    radius: int,
    minimum: float = 0.55,
    alpha: float | None = None,
) -> float:
    """Lay a ``panel``-coloured scrim over ``box``, just opaque enough for AA contrast (or
    ``alpha`` opaque); return the opacity used."""
    region = canvas.crop(box)
    if alpha is None:
        alpha = _panel_opacity(region, text, panel, minimum)
    overlay = Image.new("RGB", region.size, panel)
    blended = Image.blend(region, overlay, alpha)
    mask = Image.new("L", region.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (0, 0, region.width - 1, region.height - 1), radius=radius, fill=255
    )
    region.paste(blended, (0, 0), mask)
    canvas.paste(region, box[:2])
    return alpha


def _panel_opacity(region: Image.Image, text: RGB, panel: RGB, minimum: float) -> float:
    """The least opacity of a ``panel`` scrim over ``region`` that gives ``text`` AA contrast."""
    pixels = np.asarray(
        region.resize((max(1, region.width // 4), max(1, region.height // 4)), Image.Resampling.BOX)
    )
    # The reduced copy averages pixels; check the full-resolution extremes as well.
    full = np.asarray(region)
    extremes = np.stack([full.reshape(-1, 3).min(axis=0), full.reshape(-1, 3).max(axis=0)])
    sample = np.concatenate(
        [pixels.reshape(-1, 3), full.reshape(-1, 3)[:: max(1, full.size // 60000)], extremes]
    )
    return scrim_opacity(text, panel, sample, target=AA_NORMAL_TEXT + 0.3, minimum=minimum)


def rule_box(r: Regions, *, rtl: bool = False) -> Box:
    """The short accent bar above the title's start in the text area (purely decorative);
    like ``ImageDraw.rectangle``, the box includes its right and bottom edges."""
    y = r.title[1] - max(4, r.margin // 2)
    width, height = max(24, r.margin), max(3, r.margin // 10)
    x = r.title[2] - 1 - width if rtl else r.title[0]
    return (x, y, x + width, y + height)
