"""Slide layouts: where the picture, the title, the bullets and the captions go on a frame.

Every region is computed from the frame size alone, so regions never overlap and text set
inside them can never leave the frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from deck import Layout, Slide

from .frame import FrameSpec

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (x1/y1 exclusive)


def box_size(box: Box) -> tuple[int, int]:
    return box[2] - box[0], box[3] - box[1]


def boxes_overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def grow(a: Box | None, b: Box | None) -> Box | None:
    """The smallest box holding ``a`` and ``b`` (either may be ``None``: nothing)."""
    if b is None:
        return a
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


@dataclass(frozen=True, slots=True)
class Regions:
    """The boxes of one layout on one frame size."""

    layout: Layout
    image: Box  # where the picture is drawn (cover-fitted)
    title: Box
    body: Box | None  # bullets (or a subtitle / caption line)
    panel: Box | None  # a scrim panel behind text that sits on the picture
    caption_band: Box | None  # reserved for burned-in captions
    margin: int


def auto_layout(slide: Slide, index: int) -> Layout:
    """The layout a slide gets when it does not name one."""
    if slide.layout is not None:
        return slide.layout
    if slide.element is not None:  # beside the bullets, or across the frame without any
        return Layout.IMAGE_BULLETS if slide.bullets else Layout.FULL_IMAGE
    if index == 0:
        return Layout.TITLE
    if not slide.bullets:
        return Layout.FULL_IMAGE
    return Layout.IMAGE_BULLETS


def caption_band(spec: FrameSpec) -> Box:
    height = round(spec.height * (0.12 if spec.is_portrait else 0.16))
    return (0, spec.height - height, spec.width, spec.height)


def regions(
    layout: Layout, spec: FrameSpec, *, captions: bool = False, dense: bool = False
) -> Regions:
    """The layout's boxes on ``spec``. ``dense``: for a slide with as much text as the deck's
    limits allow, the text gets the room (a narrower picture, a taller panel, a smaller title)
    that keeps it at a legible size."""
    w, h = spec.size
    m = round(spec.short_side * 0.06)
    band = caption_band(spec) if captions else None
    bottom = band[1] if band else h
    full: Box = (0, 0, w, h)

    if layout is Layout.IMAGE_BULLETS:
        if w > h * 1.2:  # landscape: picture on the left, text on the right
            split = round(w * (0.30 if dense else 0.45))
            image: Box = (0, 0, split, h)  # the picture ignores the caption band: same size
            area: Box = (split, 0, w, bottom)
        else:  # portrait and square: picture on top, text below
            shrink = 1.0 if not dense else 0.55 if spec.is_portrait else 0.3
            split = round(h * (0.40 if spec.is_portrait else 0.42) * shrink)
            image = (0, 0, w, split)
            area = (0, split, w, bottom)
        inner = (area[0] + m, area[1] + m, area[2] - m, area[3] - m)
        title_h = round(
            (inner[3] - inner[1]) * (0.30 if w > h * 1.2 else 0.28) * (0.6 if dense else 1)
        )
        title: Box = (inner[0], inner[1], inner[2], inner[1] + title_h)
        body: Box = (inner[0], title[3] + m // 2, inner[2], inner[3])
        return Regions(layout, image, title, body, None, band, m)

    if layout is Layout.TITLE:
        band_top, band_bottom = (0.30, 0.70) if spec.is_portrait else (0.24, 0.76)
        if dense:
            band_top, band_bottom = (0.10, 0.90) if spec.is_portrait else (0.05, 0.95)
        panel: Box = (m, round(h * band_top), w - m, round(h * band_bottom))
        if band is not None and panel[3] > band[1] - m // 2:
            panel = (panel[0], panel[1], panel[2], band[1] - m // 2)
        pad = round(m * 0.8)
        inner = (panel[0] + pad, panel[1] + pad, panel[2] - pad, panel[3] - pad)
        title_h = round((inner[3] - inner[1]) * (0.3 if dense else 0.62))
        title = (inner[0], inner[1], inner[2], inner[1] + title_h)
        body = (inner[0], title[3] + pad // 2, inner[2], inner[3])
        return Regions(layout, full, title, body, panel, band, m)

    # FULL_IMAGE: the picture fills the frame; a caption panel sits at the bottom.
    panel_h = round(h * (0.22 if spec.is_portrait else 0.28) * (2.6 if dense else 1))
    if dense and not spec.is_portrait:
        panel_h = bottom - m  # the caption fills the frame, the picture shows at its edges
    panel_bottom = bottom - m // 2
    panel = (m, panel_bottom - panel_h, w - m, panel_bottom)
    pad = round(m * 0.6)
    inner = (panel[0] + pad, panel[1] + pad, panel[2] - pad, panel[3] - pad)
    title_h = round((inner[3] - inner[1]) * (0.2 if dense else 0.55))
    title = (inner[0], inner[1], inner[2], inner[1] + title_h)
    body = (inner[0], title[3] + pad // 3, inner[2], inner[3])
    return Regions(layout, full, title, body, panel, band, m)


def image_size(layout: Layout, spec: FrameSpec) -> tuple[int, int]:
    """The size a picture is drawn at in ``layout`` (backends that can, paint exactly this)."""
    return box_size(regions(layout, spec).image)


def text_area(layout: Layout, spec: FrameSpec) -> tuple[tuple[float, float, float, float], ...]:
    """Where ``layout`` sets text over its picture, as fractions of the picture's box (empty
    when the text sits beside the picture): offline picture backends draw the subject
    elsewhere."""
    r = regions(layout, spec)
    if r.panel is None:
        return ()
    ix0, iy0, ix1, iy1 = r.image
    w, h = ix1 - ix0, iy1 - iy0
    x0, y0, x1, y1 = r.panel
    return (
        (
            round((x0 - ix0) / w, 4),
            round((y0 - iy0) / h, 4),
            round((x1 - ix0) / w, 4),
            round((y1 - iy0) / h, 4),
        ),
    )
