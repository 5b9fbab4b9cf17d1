"""Where a slide with an element puts it: beside the bullets, or across the frame.

- Beside (the slide's layout is ``image_bullets``): the element takes the picture's place
  (left in landscape, on top in portrait and square) and the picture is omitted; the title and
  bullets keep their boxes.
- Full (``full_image``, or a slide without bullets): the title across the top, the element on
  a card filling the frame under it, the bullets (if any) as one caption line at the bottom;
  the picture stays as a soft background, faded towards the theme's background until the text
  on it reaches AA contrast.

Every box is computed from the frame size alone, like :mod:`render.layout`.
"""

from __future__ import annotations

from dataclasses import dataclass

from deck import Layout

from ..frame import FrameSpec
from ..layout import Box, caption_band


@dataclass(frozen=True, slots=True)
class ElementRegions:
    full: bool  # the element spans the frame (the picture is a soft background)
    title: Box
    body: Box | None
    card: Box  # the element's card
    inner: Box  # where the element is drawn inside the card
    margin: int
    radius: int


def element_layout(layout: Layout, has_bullets: bool) -> bool:
    """Whether a slide with an element and ``layout`` shows it full-frame."""
    return layout is Layout.FULL_IMAGE or not has_bullets


def element_regions(
    layout: Layout,
    spec: FrameSpec,
    *,
    has_bullets: bool,
    captions: bool = False,
    dense: bool = False,
) -> ElementRegions:
    w, h = spec.size
    m = round(spec.short_side * 0.06)
    pad = round(m * 0.45)
    radius = m // 3
    bottom = caption_band(spec)[1] if captions else h
    if not element_layout(layout, has_bullets):
        if w > h * 1.2:  # landscape: the element on the left, the text on the right
            split = round(w * (0.45 if dense else 0.52))
            card: Box = (m, m, split - m // 2, bottom - m)
            area: Box = (split, 0, w, bottom)
        else:  # portrait and square: the element on top, the text below
            split = round(h * (0.46 if spec.is_portrait else 0.55) * (0.85 if dense else 1))
            card = (m, m, w - m, split - m // 4)
            area = (0, split, w, bottom)
        text = (area[0] + m, area[1] + m, area[2] - m, area[3] - m)
        title_h = round(
            (text[3] - text[1]) * (0.30 if w > h * 1.2 else 0.28) * (0.6 if dense else 1)
        )
        title: Box = (text[0], text[1], text[2], text[1] + title_h)
        body: Box | None = (text[0], title[3] + m // 2, text[2], text[3])
        inner = (card[0] + pad, card[1] + pad, card[2] - pad, card[3] - pad)
        return ElementRegions(False, title, body, card, inner, m, radius)
    title_h = round(h * (0.09 if spec.is_portrait else 0.13))
    title = (m, m, w - m, m + title_h)
    body = None
    card_bottom = bottom - m
    if has_bullets:
        body_h = round(h * (0.08 if spec.is_portrait else 0.12))
        body = (m, bottom - m - body_h, w - m, bottom - m)
        card_bottom = body[1] - m // 2
    card = (m, title[3] + m // 2, w - m, card_bottom)
    inner = (card[0] + pad, card[1] + pad, card[2] - pad, card[3] - pad)
    return ElementRegions(True, title, body, card, inner, m, radius)
