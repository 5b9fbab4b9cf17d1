"""What both exporters draw: every slide composed exactly as the video shows it, kept apart.

A slide is composed once, by the same code that makes the video's frames, from the picture in
the asset cache. What comes out is not one flat image but its parts: the picture and the box
it covers, the text panel and its opacity, the accent bar, and every text block with its font,
size, line breaks and position. The PowerPoint writer turns the parts into shapes and text
boxes; the PDF writer draws the frame without its text and sets the text on top as text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from deck import Deck, Layout, Slide, ThemeSpec, theme_spec

from ..compose import Panel, TextBlock, compose_slide
from ..elements import ElementDrawing, slide_errors
from ..fonts import FontSet, font_set
from ..frame import FrameSpec, Resolution
from ..layout import Box, auto_layout, regions

# JPEG at this quality is indistinguishable from the PNG for generated pictures and a tenth of
# its size, which keeps a 30-slide deck within a chat's upload limit.
JPEG_QUALITY = 90
# Text that the video had to shorten may shrink this far in the exports (a fraction of the
# short side: readable when zoomed or printed), so that they keep every word.
EXPORT_FLOOR = 0.012
# Elements the PDF draws itself, as shapes and text (render.export.pdf_elements): its page
# picture leaves their place on the card empty. An equation stays in the picture.
DRAWN_IN_PDF = frozenset({"chart", "diagram", "code"})


@dataclass(frozen=True, slots=True)
class EncodedImage:
    """An image file's bytes (JPEG or PNG) and its size in pixels."""

    data: bytes
    size: tuple[int, int]
    mime: str


@dataclass(frozen=True, slots=True)
class ExportSlide:
    number: int  # 1-based
    slide: Slide
    layout: Layout
    picture: EncodedImage | None  # the slide's own picture (for PowerPoint)
    picture_box: Box  # the part of the frame it covers (scaled and centre-cropped)
    blocks: tuple[TextBlock, ...]
    panel: Panel | None
    rule: Box | None
    underlay: EncodedImage | None  # the whole frame before its text was drawn (for the PDF)
    element: ElementDrawing | None = None  # a chart, code or equation, as the frame drew it
    card: Box | None = None  # the card the element sits on


@dataclass(frozen=True, slots=True)
class ExportPlan:
    deck: Deck
    spec: FrameSpec
    theme: ThemeSpec
    slides: tuple[ExportSlide, ...]
    missing_glyphs: frozenset[str]
    fonts: FontSet | None = None  # the fonts the frames were set in (the PDF sets elements)


def plan_context(
    deck: Deck, resolution: Resolution | str | int, extra_font: str | None
) -> tuple[FrameSpec, ThemeSpec, FontSet]:
    """The frame size, theme and fonts a render of ``deck`` uses (so the cache keys match)."""
    spec = FrameSpec.of(deck.aspect, resolution)
    return spec, theme_spec(deck.theme.name), font_set(deck.language, extra_font)


def prepare_slide(
    deck: Deck,
    index: int,
    picture_path: Path,
    spec: FrameSpec,
    theme: ThemeSpec,
    fonts: FontSet,
    *,
    picture: bool,
    underlay: bool,
    quality: int | None,
) -> tuple[ExportSlide, set[str]]:
    """Compose slide ``index`` (blocking: run it on a worker thread) and keep its parts; also
    return the characters no installed font could draw."""
    slide = deck.slides[index]
    layout = auto_layout(slide, index)
    with Image.open(picture_path) as opened:
        source = opened.convert("RGB")
    with slide_errors(index):
        composed = compose_slide(
            slide, layout, source, theme, spec, fonts, keep_underlay=underlay, floor=EXPORT_FLOOR
        )
    encoded: EncodedImage | None = None
    if composed.element is not None:  # the picture is omitted, or the soft background
        if picture and composed.backdrop is not None:
            encoded = encode_image(composed.backdrop, quality)
    elif picture and quality is None and _is_png(picture_path):
        encoded = EncodedImage(picture_path.read_bytes(), source.size, "image/png")
    elif picture:
        encoded = encode_image(source, quality)
    page = None
    if underlay and composed.underlay is not None:
        page = encode_image(_without_element(composed.underlay, composed.element), quality)
    part = ExportSlide(
        number=index + 1,
        slide=slide,
        layout=layout,
        picture=encoded,
        picture_box=composed.picture_box or regions(layout, spec).image,
        blocks=tuple(composed.blocks),
        panel=composed.panel,
        rule=composed.rule,
        underlay=page,
        element=composed.element,
        card=composed.card,
    )
    return part, composed.missing_glyphs


def _without_element(frame: Image.Image, drawing: ElementDrawing | None) -> Image.Image:
    """``frame`` with the place of an element the PDF draws itself wiped to its card."""
    if drawing is None or drawing.kind not in DRAWN_IN_PDF:
        return frame
    wiped = frame.copy()
    x0, y0, x1, y1 = drawing.box
    ImageDraw.Draw(wiped).rectangle((x0, y0, x1 - 1, y1 - 1), fill=drawing.backdrop)
    return wiped


def encode_image(image: Image.Image, quality: int | None) -> EncodedImage:
    """``image`` as JPEG at ``quality``, or as PNG when ``quality`` is ``None`` (lossless)."""
    buffer = io.BytesIO()
    if quality is None:
        image.save(buffer, format="PNG", compress_level=6)
        return EncodedImage(buffer.getvalue(), image.size, "image/png")
    image.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    return EncodedImage(buffer.getvalue(), image.size, "image/jpeg")


def _is_png(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n"
