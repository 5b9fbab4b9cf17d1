"""Composition: a slide's picture and text become one frame, legible by construction.

Text sits either on the theme's plain background (whose colours are chosen for contrast) or
on a panel laid over the picture; the panel's opacity is computed from the pixels beneath it
so that every text block reaches WCAG AA contrast (4.5:1) against whatever lies under it.
Captions burned into a frame are drawn by :mod:`render.caption_band`; a slide split into a
moving picture and still text, by :mod:`render.layers`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageOps

from deck import Layout, Palette, Slide, ThemeSpec

from .contrast import AA_NORMAL_TEXT, hex_to_rgb, scrim_opacity
from .elements import ElementDrawing, draw_element, element_regions
from .fonts import FontSet
from .frame import FrameSpec
from .layout import Box, Regions, box_size, regions
from .lines import PlacedLine, draw_bullets, draw_lines
from .scrim import draw_scrim
from .text import SetText, fit_paragraphs
from .typeset import RGB
from .voice.languages import parse_language


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
    text panel's opacity instead of measuring the picture (see
    :func:`~render.layers.compose_layers`)."""
    palette = theme.palette
    text, accent = hex_to_rgb(palette.text), hex_to_rgb(palette.accent)
    canvas = Image.new("RGB", spec.size, hex_to_rgb(palette.background))
    rtl = parse_language(fonts.language).rtl
    pen = _Pen(canvas, fonts, text, accent, spec.short_side, rtl, floor)
    if slide.element is not None:
        return _compose_element(pen, slide, layout, picture, palette, spec, captions, keep_underlay)
    r = regions(layout, spec, captions=captions)
    if _needs_room(slide, layout, r, fonts, spec.short_side):
        r = regions(layout, spec, captions=captions, dense=True)
    canvas.paste(fit_picture(picture, box_size(r.image)), r.image[:2])
    panel: Panel | None = None
    rule: Box | None = None
    if r.panel is not None:
        panel = _lay_panel(canvas, r, text, hex_to_rgb(palette.surface), panel_opacity)
    elif layout is Layout.IMAGE_BULLETS:
        rule = rule_box(r.title, r.margin, rtl=rtl)  # over the title's start: right if RTL
        ImageDraw.Draw(canvas).rectangle(rule, fill=accent)
    underlay = canvas.copy() if keep_underlay else None
    _LAYOUTS[layout](pen, slide, r)
    return ComposedFrame(
        canvas, pen.blocks, underlay, pen.missing, panel, rule, r.image, pen.shortened()
    )


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

    def bullets(self, bullets: list[str], box: Box) -> None:
        """``bullets`` set to fill ``box`` and drawn there with their markers."""
        self.missing |= self.fonts.pick(" ".join(bullets))[1]
        body = fit_paragraphs(
            bullets,
            self.fonts,
            *box_size(box),
            max_size=int(BULLET_SIZES[0] * self.short_side),
            min_size=self.min_size(BULLET_SIZES[1]),
            indent=1.0,
            paragraph_gap=0.45,
            line_spacing=1.0,
            rtl=self.rtl,
        )
        bounds, lines, markers = draw_bullets(self.canvas, body, box, self.color, self.accent)
        text = "\n".join(bullets)
        self.blocks.append(
            TextBlock("body", box, bounds, self.color, text, body.size, body, lines, markers)
        )

    def caption_line(self, caption: str, box: Box) -> None:
        """A one-paragraph body (the bullets joined) set to fill ``box`` and drawn there."""
        body = self.fit(caption, box, bold=False, sizes=CAPTION_LINE_SIZES)
        self.write("body", caption, body, box, align="start")

    def write(self, kind: str, text: str, setting: SetText, box: Box, *, align: str) -> Box:
        """Draw ``setting`` from the top of ``box``; return the box its glyphs occupy."""
        bounds, lines = draw_lines(self.canvas, setting, box, self.color, align=align)
        self.blocks.append(
            TextBlock(kind, box, bounds, self.color, text, setting.size, setting, lines)
        )
        return bounds

    def title(self, text: str, box: Box, *, sizes: tuple[float, float]) -> Box:
        """The slide title, left-aligned at the top of ``box``; return its glyphs' box."""
        return self.write(
            "title", text, self.fit(text, box, bold=True, sizes=sizes), box, align="start"
        )

    def shortened(self) -> tuple[str, ...]:
        """The kinds of the blocks drawn so far that end in "…" (too long to fit)."""
        return tuple(b.kind for b in self.blocks if b.setting is not None and b.setting.truncated)


def _picture_and_bullets(pen: _Pen, slide: Slide, r: Regions) -> None:
    """The picture on one side (or on top), the title and bullets beside it."""
    title = pen.title(slide.title, r.title, sizes=(0.085, 0.04))
    if not slide.bullets or r.body is None:
        return
    pen.bullets(slide.bullets, _below(r.body, title, r.margin // 2))


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
    pen.caption_line(caption, _below(r.body, title, r.margin // 3))


def _compose_element(
    pen: _Pen,
    slide: Slide,
    layout: Layout,
    picture: Image.Image,
    palette: Palette,
    spec: FrameSpec,
    captions: bool,
    keep_underlay: bool,
) -> ComposedFrame:
    """A slide with a chart, code or equation, drawn with ``pen`` on its canvas: the element
    on a card beside the bullets (no picture) or across the frame (the picture faded to a soft
    background behind it)."""
    assert slide.element is not None
    canvas, fonts = pen.canvas, pen.fonts
    bullets = bool(slide.bullets)
    e = element_regions(layout, spec, has_bullets=bullets, captions=captions)
    if not e.full and e.body is not None and _overflows(slide.bullets, e.body, fonts, spec):
        e = element_regions(layout, spec, has_bullets=bullets, captions=captions, dense=True)
    background, surface = hex_to_rgb(palette.background), hex_to_rgb(palette.surface)
    backdrop: Image.Image | None = None
    if e.full:
        backdrop = soft_background(fit_picture(picture, spec.size), pen.color, background)
        canvas.paste(backdrop)
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle(
        (e.card[0], e.card[1], e.card[2] - 1, e.card[3] - 1), radius=e.radius, fill=surface
    )
    drawing = draw_element(
        canvas, slide.element, e.inner, palette, fonts, spec.short_side, surface, floor=pen.floor
    )
    rule = rule_box(e.title, e.margin, rtl=pen.rtl)
    draw.rectangle(rule, fill=pen.accent)
    underlay = canvas.copy() if keep_underlay else None
    title = pen.title(slide.title, e.title, sizes=(0.075 if e.full else 0.085, 0.04))
    if e.body is not None and bullets:
        if e.full:
            pen.caption_line(" · ".join(slide.bullets), e.body)
        else:
            pen.bullets(slide.bullets, _below(e.body, title, e.margin // 2))
    shortened = pen.shortened()
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
    opacity = draw_scrim(canvas, r.panel, text, surface, radius=radius, alpha=opacity)
    return Panel(r.panel, surface, opacity, radius)


def rule_box(title: Box, margin: int, *, rtl: bool = False) -> Box:
    """The short accent bar above the start of the ``title`` box (purely decorative); like
    ``ImageDraw.rectangle``, the box includes its right and bottom edges."""
    y = title[1] - max(4, margin // 2)
    width, height = max(24, margin), max(3, margin // 10)
    x = title[2] - 1 - width if rtl else title[0]
    return (x, y, x + width, y + height)
